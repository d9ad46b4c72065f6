package dev.assay.assembler;

import dev.assay.runtime.AssayService;
import dev.assay.runtime.ServiceContext;
import dev.assay.runtime.ServiceLauncher;
import dev.assay.runtime.StageLoop;
import java.time.Clock;

/** The context assembler service: requests in, assembled contexts (or INVALID outcomes) out. */
public final class ContextAssemblerApp {
    private ContextAssemblerApp() {
    }

    /** Builds the service from its context; config keys are documented on {@link AssemblerConfig} and {@link RepositoryLimits}. */
    public static AssayService create(ServiceContext ctx) {
        AssemblerConfig config = AssemblerConfig.from(ctx.config());
        ContextSelector selector = new ContextSelector(TokenCounter.cl100k(), config.relevanceScorer());
        RepositorySource repositories = new RepositorySource(RepositoryLimits.from(ctx.config()));
        ContextAssembler assembler = new ContextAssembler(ctx.topics(), config, repositories, selector, Clock.systemUTC(),
                ctx.meters());
        return StageLoop.builder(ctx.settings(), ctx.topics(), ctx.meters())
                .on(ctx.topics().requests(), assembler)
                .maxPollRecords(config.maxInFlight())
                .build();
    }

    public static void main(String[] args) {
        ServiceLauncher.run(ContextAssembler.SERVICE, args, ContextAssemblerApp::create);
    }
}
