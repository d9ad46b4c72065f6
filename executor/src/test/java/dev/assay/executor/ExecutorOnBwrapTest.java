package dev.assay.executor;

import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.TestSandboxes;

class ExecutorOnBwrapTest extends ExecutorContract {
    @Override
    Sandbox sandbox() {
        return TestSandboxes.named("bwrap");
    }
}
