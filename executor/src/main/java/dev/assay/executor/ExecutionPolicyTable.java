package dev.assay.executor;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.ExecutionPolicy;
import dev.assay.avro.KindSignal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * How far generated code of each artifact kind may run, as data: {@code execution-policy.properties} maps
 * {@link ArtifactKind} names to {@link ExecutionPolicy} names, with {@code default} for the kinds not listed.
 * Migrations are never run, infrastructure only checked; the table is validated when loaded.
 */
public final class ExecutionPolicyTable {
    static final String RESOURCE = "execution-policy.properties";
    private final Map<ArtifactKind, ExecutionPolicy> policies;

    public ExecutionPolicyTable(Map<ArtifactKind, ExecutionPolicy> explicit, ExecutionPolicy fallback) {
        if (fallback == ExecutionPolicy.UNKNOWN || explicit.containsValue(ExecutionPolicy.UNKNOWN)) {
            throw new IllegalArgumentException("execution policy UNKNOWN cannot be configured");
        }
        EnumMap<ArtifactKind, ExecutionPolicy> all = new EnumMap<>(ArtifactKind.class);
        for (ArtifactKind kind : ArtifactKind.values()) {
            all.put(kind, explicit.getOrDefault(kind, fallback));
        }
        this.policies = all;
    }

    /** The table shipped with the executor. */
    public static ExecutionPolicyTable standard() {
        Properties props = new Properties();
        try (InputStream in = ExecutionPolicyTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return fromProperties(props);
    }

    static ExecutionPolicyTable fromProperties(Properties props) {
        Map<ArtifactKind, ExecutionPolicy> explicit = new EnumMap<>(ArtifactKind.class);
        ExecutionPolicy fallback = null;
        for (String key : props.stringPropertyNames()) {
            ExecutionPolicy policy = ExecutionPolicy.valueOf(props.getProperty(key).trim());
            if (key.equals("default")) {
                fallback = policy;
            } else {
                explicit.put(ArtifactKind.valueOf(key), policy);
            }
        }
        if (fallback == null) {
            throw new IllegalStateException(RESOURCE + " has no default policy");
        }
        return new ExecutionPolicyTable(explicit, fallback);
    }

    public ExecutionPolicy policyFor(ArtifactKind kind) {
        return policies.get(kind);
    }

    /**
     * The most restrictive policy of the declared kind and every kind found in the files (NEVER over DRY_RUN over
     * FULL): a label cannot make code run further than what it is allows.
     */
    public ExecutionPolicy policyFor(ArtifactKind declared, List<KindSignal> found) {
        ExecutionPolicy policy = policyFor(declared);
        for (KindSignal signal : found) {
            ExecutionPolicy other = policyFor(signal.getKind());
            if (other.ordinal() > policy.ordinal()) {
                policy = other;
            }
        }
        return policy;
    }

    /** The kind, declared or found, that sets {@link #policyFor(ArtifactKind, List)}, and why, for the result's detail. */
    public String reason(ArtifactKind declared, List<KindSignal> found) {
        ExecutionPolicy policy = policyFor(declared, found);
        if (policyFor(declared) == policy) {
            return reason(declared);
        }
        KindSignal signal = found.stream().filter(s -> policyFor(s.getKind()) == policy).findFirst().orElseThrow();
        return "declared " + declared + ", but " + signal.getPath() + " is " + signal.getKind() + " (" + signal.getReason() + "): "
                + reason(signal.getKind());
    }

    /** Why the policy applies, for the result's detail. */
    public String reason(ArtifactKind kind) {
        return switch (policyFor(kind)) {
            case NEVER -> "artifact kind " + kind + " is never executed (execution policy NEVER); review it by hand";
            case DRY_RUN -> "artifact kind " + kind + " is only compiled, not run (execution policy DRY_RUN)";
            case FULL, UNKNOWN -> "artifact kind " + kind + " runs with its tests (execution policy FULL)";
        };
    }
}
