package dev.assay.executor.runner;

import dev.assay.avro.Language;
import dev.assay.executor.Workspace;
import dev.assay.executor.sandbox.SandboxLimits;
import java.io.IOException;

/** How code of one language is tested inside the sandbox: which harness, which command, which toolchain. */
public interface LanguageRunner {

    Language language();

    /**
     * Adds the harness files to the workspace (under its reserved folder) and says what to run.
     *
     * @param dryRun  only compile or syntax-check, never run the code
     * @param marker  the line the harness must print before its JSON report
     */
    RunPlan plan(Workspace workspace, boolean dryRun, String marker, SandboxLimits limits) throws IOException;
}
