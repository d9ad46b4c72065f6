package dev.assay.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JobNamesTest {
    private static final String TEST = "test";
    private static final String ANALYSIS = "analysis";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

    @Test
    void keepsAUuidRequestIdReadable() {
        assertThat(JobNames.jobName("7f3c1a9e-5b2d-4c8f-9e1a-2b3c4d5e6f70", 2, 1, TEST))
                .isEqualTo("assay-7f3c1a9e-5b2d-4c8f-9e1a-2b3c4d5e6f70-a2");
    }

    @Test
    void sameAttemptAlwaysGetsTheSameNameAndAttemptsDiffer() {
        assertThat(JobNames.jobName("Req/42", 0, 1, TEST)).isEqualTo(JobNames.jobName("Req/42", 0, 1, TEST))
                .isNotEqualTo(JobNames.jobName("Req/42", 1, 1, TEST));
    }

    @Test
    void theFirstCandidateKeepsThePreCandidateNameAndEachLaterOneGetsItsOwn() {
        assertThat(JobNames.jobName("req-1", 2, 1, TEST)).isEqualTo("assay-req-1-a2");
        assertThat(JobNames.jobName("req-1", 2, 2, TEST)).isEqualTo("assay-req-1-a2c2")
                .isEqualTo(JobNames.jobName("req-1", 2, 2, TEST))
                .isNotEqualTo(JobNames.jobName("req-1", 2, 3, TEST));
        // The "c" keeps attempt 1 candidate 2 apart from attempt 12.
        assertThat(JobNames.jobName("req-1", 1, 2, TEST)).isNotEqualTo(JobNames.jobName("req-1", 12, 1, TEST));
        assertThat(JobNames.jobName("Req/42", 0, 2, TEST)).matches(DNS_LABEL).endsWith("-a0c2")
                .isNotEqualTo(JobNames.jobName("Req/42", 0, 1, TEST));
    }

    @Test
    void hashesIdsThatAreNotDnsSafeSoThatSimilarIdsStayApart() {
        String upper = JobNames.jobName("REQ_1", 0, 1, TEST);
        String lower = JobNames.jobName("req-1", 0, 1, TEST);
        assertThat(upper).isNotEqualTo(lower).matches(DNS_LABEL).startsWith("assay-req-1-").endsWith("-a0");
        assertThat(lower).isEqualTo("assay-req-1-a0");
    }

    @Test
    void cutsLongIdsToA63CharacterDnsLabelWithAHash() {
        String longId = "request-" + "x".repeat(200);
        String name = JobNames.jobName(longId, 12, 1, TEST);
        assertThat(name).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).endsWith("-a12");
        assertThat(name).isNotEqualTo(JobNames.jobName(longId + "y", 12, 1, TEST));
        assertThat(JobNames.jobName(longId, 12, 99, TEST)).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).endsWith("-a12c99")
                .isNotEqualTo(name);
        assertThat(JobNames.jobName("_/_", 0, 1, TEST)).matches(DNS_LABEL);
        assertThat(JobNames.configMapName(name)).endsWith("-ws");
    }

    @Test
    void anIdThatJustFitsForTheFirstCandidateIsHashedForALaterOne() {
        String id = "r".repeat(63 - "assay-".length() - "-a1".length());
        assertThat(JobNames.jobName(id, 1, 1, TEST)).isEqualTo("assay-" + id + "-a1").hasSize(63);
        assertThat(JobNames.jobName(id, 1, 2, TEST)).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).endsWith("-a1c2")
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

    @Test
    void theTestPhaseKeepsTheNamesJobsHadBeforePhasesExisted() {
        // Replays of records from before phases must find the Job, ConfigMap and Secret their first run created.
        assertThat(JobNames.jobName("req-1", 2, 1, TEST)).isEqualTo("assay-req-1-a2");
        assertThat(JobNames.jobName("req-1", 2, 3, TEST)).isEqualTo("assay-req-1-a2c3");
        assertThat(JobNames.jobName("7f3c1a9e-5b2d-4c8f-9e1a-2b3c4d5e6f70", 0, 1, TEST))
                .isEqualTo("assay-7f3c1a9e-5b2d-4c8f-9e1a-2b3c4d5e6f70-a0");
    }

    @Test
    void theAnalysisRunGetsNamesOfItsOwnBesideEveryTestRun() {
        String analysis = JobNames.jobName("req-1", 2, 1, ANALYSIS);
        assertThat(analysis).isEqualTo("assay-req-1-a2-analysis").isNotEqualTo(JobNames.jobName("req-1", 2, 1, TEST));
        assertThat(JobNames.jobName("req-1", 2, 3, ANALYSIS)).isEqualTo("assay-req-1-a2c3-analysis")
                .isNotEqualTo(analysis);
        assertThat(JobNames.configMapName(analysis)).isEqualTo("assay-req-1-a2-analysis-ws");
        assertThat(JobNames.secretName(analysis)).isEqualTo("assay-req-1-a2-analysis-hs");
        assertThat(JobNames.secretName(JobNames.jobName("req-1", 2, 1, TEST))).isEqualTo("assay-req-1-a2-hs");
        // Test names end in a digit, analysis names in a letter: no request id makes one the other.
        assertThat(JobNames.jobName("req-1-a2-analysis", 0, 1, TEST)).isNotEqualTo(JobNames.jobName("req-1", 2, 1, ANALYSIS));
    }

    @Test
    void analysisNamesOfLongOrUnsafeIdsStayValidLabelsAndApart() {
        String longId = "request-" + "x".repeat(200);
        String name = JobNames.jobName(longId, 12, 99, ANALYSIS);
        assertThat(name).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).endsWith("-a12c99-analysis")
                .isNotEqualTo(JobNames.jobName(longId + "y", 12, 99, ANALYSIS));
        String uuid = "7f3c1a9e-5b2d-4c8f-9e1a-2b3c4d5e6f70";
        assertThat(JobNames.jobName(uuid, 12, 99, ANALYSIS)).isEqualTo("assay-" + uuid + "-a12c99-analysis").hasSizeLessThanOrEqualTo(63);
        assertThat(JobNames.jobName("Req/42", 0, 1, ANALYSIS)).matches(DNS_LABEL).endsWith("-a0-analysis");
    }

    @Test
    void refusesAPhaseItHasNoNamesFor() {
        assertThatThrownBy(() -> JobNames.jobName("req-1", 0, 1, "compile")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown run phase 'compile'");
        assertThatThrownBy(() -> JobNames.jobName("req-1", 0, 1, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
