package dev.assay.generator;

import dev.assay.avro.AssembledContext;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.FixRequest;
import dev.assay.avro.Generation;
import dev.assay.avro.GenerationStatus;
import dev.assay.avro.SourceFile;
import dev.assay.runtime.Emit;
import dev.assay.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an assembled context (attempt 1) or a fix request (attempt n) into a {@link Generation} plus an audit
 * GENERATED event. A provider failure or an unusable answer gives a FAILED generation with the reason, so the
 * verifier sees every attempt; only a bug (an unexpected exception) sends the input to the dead-letter topic.
 */
public final class Generator {
    public static final String SERVICE = "generator";
    private static final Logger log = LoggerFactory.getLogger(Generator.class);

    private final Topics topics;
    private final ModelProvider provider;
    private final PromptBuilder prompts;
    private final CompletionParser parser;
    private final Clock clock;
    private final MeterRegistry meters;
    private final TokenBudgets budgets;

    /** @param budgets token budgets checked before, and charged after, every model call */
    public Generator(Topics topics, ModelProvider provider, PromptBuilder prompts, CompletionParser parser, Clock clock,
            MeterRegistry meters, TokenBudgets budgets) {
        this.topics = topics;
        this.provider = provider;
        this.prompts = prompts;
        this.parser = parser;
        this.clock = clock;
        this.meters = meters;
        this.budgets = budgets;
    }

    /** Handler for {@code topics.contexts()}: attempt 1. */
    public List<Emit<?>> onContext(String key, AssembledContext context) {
        return emit(generate(context, prompts.initial(context)));
    }

    /** Handler for {@code topics.fixRequests()}: attempt {@code fix.attempt}. */
    public List<Emit<?>> onFixRequest(String key, FixRequest fix) {
        if (fix.getAttempt() < 2) {
            throw new IllegalArgumentException("fix request for " + fix.getRequestId() + " asks for attempt " + fix.getAttempt()
                    + "; fix attempts start at 2");
        }
        return emit(generate(fix.getContext(), prompts.fix(fix)));
    }

    /** Calls the provider and parses its answer; never throws for a provider or answer problem. */
    public Generation generate(AssembledContext context, Prompt prompt) {
        Generation.Builder g = Generation.newBuilder().setRequestId(context.getRequestId()).setAttempt(prompt.attempt())
                .setContext(context).setProvider(provider.name()).setModel(provider.model()).setScripted(provider.scripted())
                .setTemplateVersion(prompt.templateVersion()).setFiles(List.<SourceFile>of()).setFailureReason(null);
        String tenant = context.getRequest().getTenant();
        long start = System.nanoTime();
        Optional<String> refused = budgets.refusal(context.getRequestId(), tenant);
        if (refused.isPresent()) {
            // Spent budgets fail the attempt without a model call; the verifier sees why.
            g.setStatus(GenerationStatus.FAILED).setFailureReason(refused.get());
        } else {
            call(prompt, context, tenant, g);
        }
        long latencyMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        Generation generation = g.setLatencyMs(latencyMs).setGeneratedAt(clock.instant()).build();
        record(generation, latencyMs);
        return generation;
    }

    private void call(Prompt prompt, AssembledContext context, String tenant, Generation.Builder g) {
        try {
            Completion completion = provider.complete(prompt);
            budgets.record(context.getRequestId(), tenant, (long) completion.tokensIn() + completion.tokensOut());
            g.setModel(completion.model()).setTokensIn(completion.tokensIn()).setTokensOut(completion.tokensOut());
            switch (parser.parse(completion, WritePolicy.forRequest(context.getRequest()))) {
                case CompletionParser.Result.Parsed parsed -> g.setStatus(GenerationStatus.OK).setFiles(parsed.files());
                case CompletionParser.Result.Failed failed -> g.setStatus(GenerationStatus.FAILED).setFailureReason(failed.reason());
            }
        } catch (ModelProviderException e) {
            g.setStatus(GenerationStatus.FAILED).setFailureReason(e.getMessage());
        }
    }

    private List<Emit<?>> emit(Generation generation) {
        String id = generation.getRequestId();
        String detail = generation.getStatus() == GenerationStatus.OK
                ? generation.getFiles().size() + " files from " + generation.getProvider() + "/" + generation.getModel()
                : "failed: " + generation.getFailureReason();
        AuditEvent audit = AuditEvent.newBuilder().setRequestId(id).setType(AuditEventType.GENERATED).setService(SERVICE)
                .setAttempt(generation.getAttempt()).setDetail(detail).setOccurredAt(generation.getGeneratedAt()).build();
        return List.of(Emit.of(topics.generations(), id, generation), Emit.of(topics.auditEvents(), id, audit));
    }

    private void record(Generation g, long latencyMs) {
        String providerName = g.getProvider();
        log.info("request {} attempt {}: generation {} ({} files, {} ms){}", g.getRequestId(), g.getAttempt(), g.getStatus(),
                g.getFiles().size(), latencyMs, g.getFailureReason() == null ? "" : ": " + g.getFailureReason());
        Counter.builder("assay.generator.generations").tag("provider", providerName).tag("status", g.getStatus().name())
                .description("Generations produced").register(meters).increment();
        Timer.builder("assay.generator.model.latency").tag("provider", providerName).description("Model call and parse time")
                .register(meters).record(Duration.ofMillis(latencyMs));
        DistributionSummary.builder("assay.generator.tokens").tag("provider", providerName).tag("direction", "in")
                .baseUnit("tokens").register(meters).record(g.getTokensIn());
        DistributionSummary.builder("assay.generator.tokens").tag("provider", providerName).tag("direction", "out")
                .baseUnit("tokens").register(meters).record(g.getTokensOut());
    }
}
