package dev.assay.devstack;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The scenarios on the embedded default; CI runs these (with the sandbox tools required). */
class EmbeddedPipelineIT extends PipelineScenarios {

    @Override
    PipelineEnvironment createEnvironment() {
        assumeSelected("embedded");
        if (!Boolean.getBoolean("assay.require.tools")) {
            assumeTrue(onPath("runsc") || onPath("bwrap"), "no local sandbox (runsc or bwrap) here: run ./assay setup");
        }
        return new EmbeddedEnvironment();
    }
}
