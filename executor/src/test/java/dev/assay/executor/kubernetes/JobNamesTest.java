package dev.assay.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JobNamesTest {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

    @Test
    void keepsAUuidRequestIdReadable() {
        assertThat(JobNames.jobName("7f3c1a9e-5b2d-4c8f-9e1a-2b3c4d5e6f70", 2, 1))
                .isEqualTo("assay-7f3c1a9e-5b2d-4c8f-9e1a-2b3c4d5e6f70-a2");
    }

    @Test
    void sameAttemptAlwaysGetsTheSameNameAndAttemptsDiffer() {
        assertThat(JobNames.jobName("Req/42", 0, 1)).isEqualTo(JobNames.jobName("Req/42", 0, 1))
                .isNotEqualTo(JobNames.jobName("Req/42", 1, 1));
    }

    @Test
    void theFirstCandidateKeepsThePreCandidateNameAndEachLaterOneGetsItsOwn() {
        assertThat(JobNames.jobName("req-1", 2, 1)).isEqualTo("assay-req-1-a2");
        assertThat(JobNames.jobName("req-1", 2, 2)).isEqualTo("assay-req-1-a2c2")
                .isEqualTo(JobNames.jobName("req-1", 2, 2))
                .isNotEqualTo(JobNames.jobName("req-1", 2, 3));
        // The "c" keeps attempt 1 candidate 2 apart from attempt 12.
        assertThat(JobNames.jobName("req-1", 1, 2)).isNotEqualTo(JobNames.jobName("req-1", 12, 1));
        assertThat(JobNames.jobName("Req/42", 0, 2)).matches(DNS_LABEL).endsWith("-a0c2")
                .isNotEqualTo(JobNames.jobName("Req/42", 0, 1));
    }

    @Test
    void hashesIdsThatAreNotDnsSafeSoThatSimilarIdsStayApart() {
        String upper = JobNames.jobName("REQ_1", 0, 1);
        String lower = JobNames.jobName("req-1", 0, 1);
        assertThat(upper).isNotEqualTo(lower).matches(DNS_LABEL).startsWith("assay-req-1-").endsWith("-a0");
        assertThat(lower).isEqualTo("assay-req-1-a0");
    }

    @Test
    void cutsLongIdsToA63CharacterDnsLabelWithAHash() {
        String longId = "request-" + "x".repeat(200);
        String name = JobNames.jobName(longId, 12, 1);
        assertThat(name).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).endsWith("-a12");
        assertThat(name).isNotEqualTo(JobNames.jobName(longId + "y", 12, 1));
        assertThat(JobNames.jobName(longId, 12, 99)).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).endsWith("-a12c99")
                .isNotEqualTo(name);
        assertThat(JobNames.jobName("_/_", 0, 1)).matches(DNS_LABEL);
        assertThat(JobNames.configMapName(name)).endsWith("-ws");
    }

    @Test
    void anIdThatJustFitsForTheFirstCandidateIsHashedForALaterOne() {
        String id = "r".repeat(63 - "assay-".length() - "-a1".length());
        assertThat(JobNames.jobName(id, 1, 1)).isEqualTo("assay-" + id + "-a1").hasSize(63);
        assertThat(JobNames.jobName(id, 1, 2)).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).endsWith("-a1c2")
                .doesNotContain(id);
    }

    @Test
    void labelValuesAreTheIdWhenValidAndASafeHashOtherwise() {
        assertThat(JobNames.labelValue("Req_1.a")).isEqualTo("Req_1.a");
        assertThat(JobNames.labelValue("req id with spaces/and/slashes")).matches(LABEL_VALUE).hasSizeLessThanOrEqualTo(63)
                .isNotEqualTo(JobNames.labelValue("req id with spaces/and/slashes!"));
        assertThat(JobNames.labelValue("-" + "a".repeat(100) + "-")).matches(LABEL_VALUE).hasSizeLessThanOrEqualTo(63);
        assertThat(JobNames.labelValue("///")).matches(LABEL_VALUE).isNotEmpty();
    }
}
