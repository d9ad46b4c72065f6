package dev.assay.devstack;

import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import java.nio.file.Files;
import java.util.List;

/** The embedded default: the broker as a child JVM, Assay's own registry. Runs everywhere, CI included. */
final class EmbeddedEnvironment implements PipelineEnvironment {
    private DevStack stack;

    @Override
    public void start(AssayConfig base) throws Exception {
        stack = new DevStack(Files.createTempDirectory("assay-it-"), base).start();
    }

    @Override
    public AssayConfig config() {
        return stack.config();
    }

    @Override
    public List<AssayService> services() {
        return stack.services();
    }

    @Override
    public void close() {
        if (stack != null) {
            stack.close();
        }
    }
}
