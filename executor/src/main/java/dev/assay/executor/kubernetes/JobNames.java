package dev.assay.executor.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Deterministic, DNS-safe names and label values derived from a request id, attempt and candidate: the same candidate
 * of the same attempt always maps to the same Job, which is what makes a replayed Kafka record find the running Job
 * instead of starting another, while the other candidates of that attempt get Jobs of their own.
 */
final class JobNames {
    /** Job names end up in the {@code job-name} pod label, whose values may hold 63 characters. */
    static final int MAX_NAME = 63;
    static final String REQUEST_ID_LABEL = "assay.dev/request-id";
    static final String ATTEMPT_LABEL = "assay.dev/attempt";
    static final String CANDIDATE_LABEL = "assay.dev/candidate";
    static final String LANGUAGE_LABEL = "assay.dev/language";
    static final String REQUEST_ID_ANNOTATION = "assay.dev/request-id";
    private static final String PREFIX = "assay-";
    private static final int HASH_CHARS = 10;
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

    private JobNames() {
    }

    /**
     * {@code assay-<request id>-a<attempt>} when the id is already a lower-case DNS label that fits; otherwise as much of
     * a sanitised id as fits plus a hash of the exact id, so two ids never share a name. Candidates after the first
     * end in {@code -a<attempt>c<candidate>}; the first keeps the name Jobs had before candidates existed, so a replay
     * of such a record still finds its Job.
     */
    static String jobName(String requestId, int attempt, int candidate) {
        String suffix = "-a" + attempt + (candidate == 1 ? "" : "c" + candidate);
        String slug = requestId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.equals(requestId) && PREFIX.length() + slug.length() + suffix.length() <= MAX_NAME) {
            return PREFIX + slug + suffix;
        }
        String hash = hash(requestId);
        int room = MAX_NAME - PREFIX.length() - suffix.length() - hash.length() - 1;
        String cut = slug.substring(0, Math.min(room, slug.length())).replaceAll("-+$", "");
        return PREFIX + (cut.isEmpty() ? "" : cut + "-") + hash + suffix;
    }

    /** The workspace ConfigMap of a Job. */
    static String configMapName(String jobName) {
        return jobName + "-ws";
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
