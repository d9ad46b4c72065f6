package dev.assay.executor.kubernetes;

import dev.assay.runtime.AssayConfig;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Settings of the Kubernetes Job sandbox, all under {@code executor.kubernetes.}.
 *
 * @param namespace               {@code namespace} (assay-sandbox): where Jobs, pods, ConfigMaps and Secrets live;
 *                                label it {@code pod-security.kubernetes.io/enforce=restricted} and deny its egress
 * @param images                  {@code images.<language>}: runner image per lower-case language; the defaults
 *                                {@code ghcr.io/assay/sandbox-<language>:0.1.0} are placeholders for the images the
 *                                deployment builds
 * @param imagePullPolicy         {@code image.pull.policy} (IfNotPresent)
 * @param runtimeClassName        {@code runtime.class}: RuntimeClass for a kernel boundary ({@code gvisor} with handler
 *                                {@code runsc}, or {@code kata}); null (unset) uses the node's default runtime
 * @param serviceAccountName      {@code service.account}: the pods' ServiceAccount, null for the namespace default;
 *                                its token is never mounted either way
 * @param defaultLimits           {@code active.deadline.seconds} (60), {@code cpu.request} (250m), {@code cpu.limit} (1),
 *                                {@code memory.request.mb} (256), {@code memory.limit.mb} (512),
 *                                {@code workspace.mb} (64), {@code log.bytes} (65536)
 * @param ttlSecondsAfterFinished {@code ttl.seconds.after.finished} (300): the Job controller's clean-up of finished
 *                                Jobs the executor could not delete itself
 * @param runAsUser               {@code run.as.user} (65532): uid and gid of the sandbox process, never 0
 * @param violationExitCodes      {@code violation.exit.codes} ({@value #DEFAULT_VIOLATION_EXIT_CODES}): runner exit
 *                                codes that mean "the sandbox refused something"; the podFailurePolicy fails the Job on
 *                                them and results carry the violation
 * @param pollInterval            {@code poll.interval.ms} (1000): how often the Job and its pod are read while waiting
 * @param waitGrace               {@code wait.grace.seconds} (120): how long past the active deadline the executor waits
 *                                for the Job controller to report before giving up on its own
 * @param apiRetries              {@code api.retries} (3): retries of an API call on 5xx, 429 or connection errors
 * @param apiBackoff              {@code api.backoff.ms} (250): first retry delay, doubled per retry up to
 *                                {@link #MAX_BACKOFF}; a Retry-After header within that cap wins
 */
public record KubernetesSandboxConfig(
        String namespace,
        Map<String, String> images,
        String imagePullPolicy,
        String runtimeClassName,
        String serviceAccountName,
        JobLimits defaultLimits,
        int ttlSecondsAfterFinished,
        long runAsUser,
        Map<Integer, JobResult.Violation> violationExitCodes,
        Duration pollInterval,
        Duration waitGrace,
        int apiRetries,
        Duration apiBackoff) {

    /** Longest single wait between API retries. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** The runner image's exit-code contract for sandbox refusals. */
    public static final String DEFAULT_VIOLATION_EXIT_CODES = "97=NETWORK,98=DISK,99=PIDS,100=OUTPUT_LIMIT";
    static final String PREFIX = "executor.kubernetes.";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    public KubernetesSandboxConfig {
        if (namespace == null || namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("setting " + PREFIX + "namespace must be a DNS-1123 label, was '" + namespace + "'");
        }
        images = Collections.unmodifiableSortedMap(new TreeMap<>(images));
        images.forEach((language, image) -> {
            if (image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("setting " + PREFIX + "images." + language + " is not an image reference: '" + image + "'");
            }
        });
        if (!java.util.Set.of("Always", "IfNotPresent", "Never").contains(imagePullPolicy)) {
            throw new IllegalArgumentException("setting " + PREFIX + "image.pull.policy must be Always, IfNotPresent or Never, was '"
                    + imagePullPolicy + "'");
        }
        requireSubdomain("runtime.class", runtimeClassName);
        requireSubdomain("service.account", serviceAccountName);
        if (ttlSecondsAfterFinished < 0) {
            throw new IllegalArgumentException("setting " + PREFIX + "ttl.seconds.after.finished must not be negative");
        }
        if (runAsUser <= 0) {
            throw new IllegalArgumentException("setting " + PREFIX + "run.as.user must be a non-root uid, was " + runAsUser);
        }
        violationExitCodes = Collections.unmodifiableSortedMap(new TreeMap<>(violationExitCodes));
        violationExitCodes.keySet().forEach(code -> {
            // podFailurePolicy onExitCodes accepts 1..255; 0 would turn success into a failure.
            if (code < 1 || code > 255) {
                throw new IllegalArgumentException("setting " + PREFIX + "violation.exit.codes: exit code " + code + " is not in 1..255");
            }
        });
        if (pollInterval.isNegative() || pollInterval.isZero() || waitGrace.isNegative() || apiBackoff.isNegative()) {
            throw new IllegalArgumentException("poll interval must be positive and wait grace and API backoff not negative");
        }
        if (apiRetries < 0 || apiRetries > 10) {
            throw new IllegalArgumentException("setting " + PREFIX + "api.retries must be in 0..10, was " + apiRetries);
        }
    }

    /** Reads the settings; unset keys take the defaults documented on the record. */
    public static KubernetesSandboxConfig from(AssayConfig config) {
        Map<String, String> images = new TreeMap<>();
        for (String language : new String[] {"python", "java", "javascript"}) {
            images.put(language, "ghcr.io/assay/sandbox-" + language + ":0.1.0");
        }
        config.withPrefix(PREFIX + "images.").forEach((language, image) -> {
            if (!image.isBlank()) {
                images.put(language.toLowerCase(Locale.ROOT), image.trim());
            }
        });
        JobLimits limits = new JobLimits(
                Duration.ofSeconds(config.integer(PREFIX + "active.deadline.seconds", 60)),
                config.string(PREFIX + "cpu.request", "250m"),
                config.string(PREFIX + "cpu.limit", "1"),
                config.longValue(PREFIX + "memory.request.mb", 256) * 1024 * 1024,
                config.longValue(PREFIX + "memory.limit.mb", 512) * 1024 * 1024,
                config.longValue(PREFIX + "workspace.mb", 64) * 1024 * 1024,
                config.integer(PREFIX + "log.bytes", 65536));
        return new KubernetesSandboxConfig(
                config.string(PREFIX + "namespace", "assay-sandbox"),
                images,
                config.string(PREFIX + "image.pull.policy", "IfNotPresent"),
                config.find(PREFIX + "runtime.class").map(String::trim).orElse(null),
                config.find(PREFIX + "service.account").map(String::trim).orElse(null),
                limits,
                config.integer(PREFIX + "ttl.seconds.after.finished", 300),
                config.longValue(PREFIX + "run.as.user", 65532),
                parseViolationCodes(config.string(PREFIX + "violation.exit.codes", DEFAULT_VIOLATION_EXIT_CODES)),
                Duration.ofMillis(config.longValue(PREFIX + "poll.interval.ms", 1000)),
                Duration.ofSeconds(config.longValue(PREFIX + "wait.grace.seconds", 120)),
                config.integer(PREFIX + "api.retries", 3),
                Duration.ofMillis(config.longValue(PREFIX + "api.backoff.ms", 250)));
    }

    /** The runner image for a language, or null when none is configured. */
    public String imageFor(String language) {
        return images.get(language.toLowerCase(Locale.ROOT));
    }

    /** Parses {@code code=VIOLATION} pairs separated by commas; blank means none. */
    static Map<Integer, JobResult.Violation> parseViolationCodes(String text) {
        Map<Integer, JobResult.Violation> codes = new TreeMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] parts = pair.split("=", 2);
            try {
                JobResult.Violation violation = JobResult.Violation.valueOf(parts[1].trim().toUpperCase(Locale.ROOT));
                if (violation == JobResult.Violation.NONE) {
                    throw new IllegalArgumentException("NONE is not a violation");
                }
                codes.put(Integer.parseInt(parts[0].trim()), violation);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("setting " + PREFIX + "violation.exit.codes must be code=VIOLATION pairs like '"
                        + DEFAULT_VIOLATION_EXIT_CODES + "', cannot read '" + pair.trim() + "'", e);
            }
        }
        return codes;
    }

    private static void requireSubdomain(String key, String value) {
        if (value != null && (value.length() > 253 || !DNS_SUBDOMAIN.matcher(value).matches())) {
            throw new IllegalArgumentException("setting " + PREFIX + key + " must be a DNS-1123 subdomain, was '" + value + "'");
        }
    }
}
