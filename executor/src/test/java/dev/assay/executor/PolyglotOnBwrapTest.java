package dev.assay.executor;

import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.TestSandboxes;

class PolyglotOnBwrapTest extends PolyglotContract {
    @Override
    Sandbox sandbox() {
        return TestSandboxes.named("bwrap");
    }
}
