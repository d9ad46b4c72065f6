package dev.assay.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.ExecutionPolicy;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ExecutionPolicyTableTest {

    @Test
    void standardTableNeverRunsMigrationsDryRunsInfrastructureAndRunsTheRest() {
        ExecutionPolicyTable table = ExecutionPolicyTable.standard();
        assertThat(table.policyFor(ArtifactKind.MIGRATION)).isEqualTo(ExecutionPolicy.NEVER);
        assertThat(table.policyFor(ArtifactKind.INFRASTRUCTURE)).isEqualTo(ExecutionPolicy.DRY_RUN);
        for (ArtifactKind kind : ArtifactKind.values()) {
            if (kind != ArtifactKind.MIGRATION && kind != ArtifactKind.INFRASTRUCTURE) {
                assertThat(table.policyFor(kind)).as(kind.name()).isEqualTo(ExecutionPolicy.FULL);
            }
        }
        assertThat(table.reason(ArtifactKind.MIGRATION)).contains("MIGRATION", "NEVER");
    }

    @Test
    void rejectsUnknownKindsPoliciesAndAMissingDefault() {
        Properties unknownKind = new Properties();
        unknownKind.setProperty("default", "FULL");
        unknownKind.setProperty("SCRIPT", "NEVER");
        assertThatThrownBy(() -> ExecutionPolicyTable.fromProperties(unknownKind)).isInstanceOf(IllegalArgumentException.class);
        Properties noDefault = new Properties();
        noDefault.setProperty("MIGRATION", "NEVER");
        assertThatThrownBy(() -> ExecutionPolicyTable.fromProperties(noDefault)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ExecutionPolicyTable(Map.of(ArtifactKind.OTHER, ExecutionPolicy.UNKNOWN), ExecutionPolicy.FULL))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
