package dev.assay.executor.sandbox;

/** The sandbox contract on bubblewrap. */
class BwrapSandboxTest extends SandboxContract {
    @Override
    Sandbox sandbox() {
        return TestSandboxes.named("bwrap");
    }
}
