package dev.assay.devstack;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only where a Docker engine answers and {@code assay.it.environment} does not exclude it; elsewhere
 * every test is reported as skipped with the reason (never as passed, never as failed).
 */
final class DockerAvailable implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String selected = System.getProperty("assay.it.environment", "");
        if (!selected.isBlank() && !selected.equals("testcontainers")) {
            return ConditionEvaluationResult.disabled("assay.it.environment=" + selected + " leaves out the testcontainers environment");
        }
        return ContainersEnvironment.dockerAvailable()
                ? ConditionEvaluationResult.enabled("a Docker engine is reachable")
                : ConditionEvaluationResult.disabled("no Docker engine reachable: the Testcontainers scenarios "
                        + "(apache/kafka + confluentinc/cp-schema-registry) need one; the embedded scenarios cover this run");
    }
}
