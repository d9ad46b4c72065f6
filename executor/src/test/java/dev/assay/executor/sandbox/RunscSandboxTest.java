package dev.assay.executor.sandbox;

/** The sandbox contract on gVisor. */
class RunscSandboxTest extends SandboxContract {
    @Override
    Sandbox sandbox() {
        return TestSandboxes.named("runsc");
    }
}
