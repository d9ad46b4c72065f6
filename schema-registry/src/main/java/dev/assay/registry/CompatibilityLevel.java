package dev.assay.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Confluent's compatibility levels, checked with Avro's own {@link SchemaCompatibility}. BACKWARD: the new schema
 * reads data written with the previous one; FORWARD: the previous schema reads data written with the new one;
 * FULL: both. The transitive variants check every earlier version, the others only the latest.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** What a registry uses when neither the subject nor the global config says otherwise (as Confluent). */
    public static final CompatibilityLevel DEFAULT = BACKWARD;

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    public boolean isTransitive() {
        return transitive;
    }

    /**
     * Why {@code candidate} may not follow {@code previous} (oldest first) at this level; empty when it may.
     * Non-transitive levels look at the last element only.
     */
    public List<String> incompatibilities(Schema candidate, List<Schema> previous) {
        if (this == NONE || previous.isEmpty()) {
            return List.of();
        }
        List<Schema> against = transitive ? previous : List.of(previous.getLast());
        List<String> problems = new ArrayList<>();
        for (Schema earlier : against) {
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, earlier), "new schema cannot read data written with an earlier one", problems);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(earlier, candidate), "an earlier schema cannot read data written with the new one", problems);
            }
        }
        return problems;
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility pair, String direction, List<String> into) {
        if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (Incompatibility problem : pair.getResult().getIncompatibilities()) {
            into.add("{errorType:'" + problem.getType() + "', description:'" + direction + ": " + problem.getMessage()
                    + "', location:'" + problem.getLocation() + "'}");
        }
    }

    /** Parses a level name case-insensitively; 422 / 42203 otherwise, as Confluent answers. */
    public static CompatibilityLevel parse(String name) {
        if (name == null) {
            throw invalid(null, null);
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(name, e);
        }
    }

    private static RegistryException invalid(String name, Throwable cause) {
        return new RegistryException(422, RegistryException.INVALID_COMPATIBILITY_LEVEL,
                "Invalid compatibility level '" + name + "'. Valid values are none, backward, forward, full, "
                        + "backward_transitive, forward_transitive, and full_transitive", cause);
    }
}
