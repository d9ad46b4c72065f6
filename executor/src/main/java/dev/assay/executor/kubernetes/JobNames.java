package dev.assay.executor.kubernetes;

import dev.assay.executor.sandbox.SandboxRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Deterministic, DNS-safe names and label values derived from a request id, attempt, candidate and phase: the same run
 * always maps to the same Job, which is what makes a replayed Kafka record find the running Job instead of starting
 * another, while the other candidates of that attempt, and the analysis run beside each test run, get Jobs of their
 * own.
 */
final class JobNames {
    /** Job names end up in the {@code job-name} pod label, whose values may hold 63 characters. */
    static final int MAX_NAME = 63;
    static final String REQUEST_ID_LABEL = "assay.dev/request-id";
    static final String ATTEMPT_LABEL = "assay.dev/attempt";
    static final String CANDIDATE_LABEL = "assay.dev/candidate";
    static final String LANGUAGE_LABEL = "assay.dev/language";
    /** {@code test} or {@code analysis}; a Job without it predates phases and is a test run. */
    static final String PHASE_LABEL = "assay.dev/phase";
    static final String REQUEST_ID_ANNOTATION = "assay.dev/request-id";
    private static final String PREFIX = "assay-";
    /** Ends the name of an analysis run's Job; test runs' names end in a digit, so the two never meet. */
    private static final String ANALYSIS_SUFFIX = "-analysis";
    private static final int HASH_CHARS = 10;
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

    private JobNames() {
    }

    /**
     * {@code assay-<request id>-a<attempt>} when the id is already a lower-case DNS label that fits; otherwise as much of
     * a sanitised id as fits plus a hash of the exact id, so two ids never share a name. Candidates after the first
     * end in {@code -a<attempt>c<candidate>}; the first keeps the name Jobs had before candidates existed, so a replay
     * of such a record still finds its Job. The test phase keeps exactly these names (Jobs predating phases were test
     * runs); the analysis phase appends {@code -analysis}.
     *
     * @throws IllegalArgumentException for a phase other than {@link SandboxRequest.Run#TEST} and
     *                                  {@link SandboxRequest.Run#ANALYSIS}
     */
    static String jobName(String requestId, int attempt, int candidate, String phase) {
        String suffix = "-a" + attempt + (candidate == 1 ? "" : "c" + candidate) + phaseSuffix(phase);
        String slug = requestId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.equals(requestId) && PREFIX.length() + slug.length() + suffix.length() <= MAX_NAME) {
            return PREFIX + slug + suffix;
        }
        String hash = hash(requestId);
        int room = MAX_NAME - PREFIX.length() - suffix.length() - hash.length() - 1;
        String cut = slug.substring(0, Math.min(room, slug.length())).replaceAll("-+$", "");
        return PREFIX + (cut.isEmpty() ? "" : cut + "-") + hash + suffix;
    }

    private static String phaseSuffix(String phase) {
        return switch (phase) {
            case SandboxRequest.Run.TEST -> "";
            case SandboxRequest.Run.ANALYSIS -> ANALYSIS_SUFFIX;
            case null, default -> throw new IllegalArgumentException("unknown run phase '" + phase + "'; expected "
                    + SandboxRequest.Run.TEST + " or " + SandboxRequest.Run.ANALYSIS);
        };
    }

    /** The workspace ConfigMap of a Job. */
    static String configMapName(String jobName) {
        return jobName + "-ws";
    }

    /** The handshake Secret of a Job (only the Job's init container mounts it). */
    static String secretName(String jobName) {
        return jobName + "-hs";
    }

    /** The value itself when it is a valid label value, otherwise a sanitised prefix plus a hash. */
    static String labelValue(String requestId) {
        if (requestId.length() <= MAX_NAME && LABEL_VALUE.matcher(requestId).matches()) {
            return requestId;
        }
        String hash = hash(requestId);
        String slug = requestId.replaceAll("[^-A-Za-z0-9_.]+", "-");
        String cut = slug.substring(0, Math.min(MAX_NAME - hash.length() - 1, slug.length()))
                .replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
        return cut.isEmpty() ? hash : cut + "-" + hash;
    }

    private static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
