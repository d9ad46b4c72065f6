package dev.assay.executor;

import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.TestSandboxes;

class PolyglotOnRunscTest extends PolyglotContract {
    @Override
    Sandbox sandbox() {
        return TestSandboxes.named("runsc");
    }
}
