package dev.assay.generator;

import dev.assay.avro.AssayRequest;
import dev.assay.avro.AssembledContext;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.FixRequest;
import dev.assay.avro.Generation;
import dev.assay.avro.GenerationStatus;
import dev.assay.avro.SourceFile;
import dev.assay.runtime.Emit;
import dev.assay.schemas.Candidates;
import dev.assay.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an assembled context (attempt 1) or a fix request (attempt n) into one {@link Generation} per candidate, each
 * with an audit GENERATED event. A provider failure or an unusable answer gives a FAILED generation with the reason,
 * so the verifier sees every candidate; only a bug (an unexpected exception) sends the input to the dead-letter topic.
 *
 * <p>Several candidates of one attempt are generated in parallel on virtual threads; they are emitted together, in
 * candidate order, once all have answered, so the input's offset is committed only with all of them.
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
    private final ToIntFunction<AssayRequest> candidatesFor;

    /**
     * @param budgets token budgets checked before, and charged after, every model call
     * @param candidatesFor how many candidates to generate for each attempt of a request
     */
    public Generator(Topics topics, ModelProvider provider, PromptBuilder prompts, CompletionParser parser, Clock clock,
            MeterRegistry meters, TokenBudgets budgets, ToIntFunction<AssayRequest> candidatesFor) {
        this.topics = topics;
        this.provider = provider;
        this.prompts = prompts;
        this.parser = parser;
        this.clock = clock;
        this.meters = meters;
        this.budgets = budgets;
        this.candidatesFor = candidatesFor;
    }

    /** Handler for {@code topics.contexts()}: attempt 1. */
    public List<Emit<?>> onContext(String key, AssembledContext context) {
        return emit(generateCandidates(context, prompts.initial(context), 0));
    }

    /** Handler for {@code topics.fixRequests()}: attempt {@code fix.attempt}. */
    public List<Emit<?>> onFixRequest(String key, FixRequest fix) {
        if (fix.getAttempt() < 2) {
            throw new IllegalArgumentException("fix request for " + fix.getRequestId() + " asks for attempt " + fix.getAttempt()
                    + "; fix attempts start at 2");
        }
        return emit(generateCandidates(fix.getContext(), prompts.fix(fix), fix.getTokensSpent()));
    }

    /**
     * Every candidate of one attempt, in candidate order.
     *
     * @param tokensSpentBefore what the request spent on earlier attempts, over all generator instances
     */
    List<Generation> generateCandidates(AssembledContext context, Prompt prompt, long tokensSpentBefore) {
        int candidates = candidatesFor.applyAsInt(context.getRequest());
        if (candidates == 1) {
            return List.of(generate(context, prompt, tokensSpentBefore));
        }
        List<Future<Generation>> calls;
        try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
            calls = IntStream.rangeClosed(1, candidates)
                    .mapToObj(k -> parallel.submit(() -> generate(context, prompt.forCandidate(k, candidates), tokensSpentBefore)))
                    .toList();
        } // close() waits for every call
        return calls.stream().map(Generator::candidateOf).toList();
    }

    private static Generation candidateOf(Future<Generation> call) {
        return switch (call.state()) {
            case SUCCESS -> call.resultNow();
            // generate() turns provider and answer problems into FAILED generations; what reaches here is a bug.
            case FAILED -> throw call.exceptionNow() instanceof RuntimeException bug ? bug
                    : new IllegalStateException("candidate generation failed", call.exceptionNow());
            default -> throw new CancellationException("candidate generation was cancelled: the service is stopping");
        };
    }

    /** Calls the provider and parses its answer; never throws for a provider or answer problem. */
    private Generation generate(AssembledContext context, Prompt prompt, long tokensSpentBefore) {
        Generation.Builder g = Generation.newBuilder().setRequestId(context.getRequestId()).setAttempt(prompt.attempt())
                .setCandidate(prompt.candidate()).setCandidates(prompt.candidates()).setTokensSpentBefore(tokensSpentBefore)
                .setContext(context).setProvider(provider.name()).setModel(provider.model()).setScripted(provider.scripted())
                .setTemplateVersion(prompt.templateVersion()).setFiles(List.<SourceFile>of()).setFailureReason(null);
        String tenant = context.getRequest().getTenant();
        long start = System.nanoTime();
        Optional<String> refused = budgets.refusal(context.getRequestId(), tenant, tokensSpentBefore);
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

    private List<Emit<?>> emit(List<Generation> generations) {
        List<Emit<?>> out = new ArrayList<>(2 * generations.size());
        for (Generation generation : generations) {
            String id = generation.getRequestId();
            String detail = Candidates.auditPrefix(generation) + (generation.getStatus() == GenerationStatus.OK
                    ? generation.getFiles().size() + " files from " + generation.getProvider() + "/" + generation.getModel()
                    : "failed: " + generation.getFailureReason());
            AuditEvent audit = AuditEvent.newBuilder().setRequestId(id).setType(AuditEventType.GENERATED).setService(SERVICE)
                    .setAttempt(generation.getAttempt()).setDetail(detail).setOccurredAt(generation.getGeneratedAt()).build();
            out.add(Emit.of(topics.generations(), id, generation));
            out.add(Emit.of(topics.auditEvents(), id, audit));
        }
        return out;
    }

    private void record(Generation g, long latencyMs) {
        String providerName = g.getProvider();
        log.info("request {} attempt {} candidate {}/{}: generation {} ({} files, {} ms){}", g.getRequestId(), g.getAttempt(),
                g.getCandidate(), g.getCandidates(), g.getStatus(), g.getFiles().size(), latencyMs, g.getFailureReason() == null ? "" : ": " + g.getFailureReason());
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
