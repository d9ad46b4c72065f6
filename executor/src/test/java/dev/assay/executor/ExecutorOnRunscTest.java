package dev.assay.executor;

import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.TestSandboxes;

class ExecutorOnRunscTest extends ExecutorContract {
    @Override
    Sandbox sandbox() {
        return TestSandboxes.named("runsc");
    }
}
