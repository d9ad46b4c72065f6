package dev.assay.assembler;

import dev.assay.avro.AssayRequest;
import dev.assay.avro.AssembledContext;
import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.Redaction;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.SourceFile;
import dev.assay.runtime.Emit;
import dev.assay.runtime.StageHandler;
import dev.assay.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembler's handler for {@code topics.requests()}: validate, redact, select.
 *
 * <p>Invalid request → {@link Outcome} INVALID with every problem, and an audit REJECTED (a repository that cannot be
 * fetched gives FAILED instead). Valid → audit RECEIVED,
 * the {@link AssembledContext} on {@code topics.contexts()}, audit CONTEXT_ASSEMBLED. Secrets are redacted from
 * every file before selection, so neither the selected files nor token counts ever see a secret value; the
 * request embedded in the context carries the redacted inline files too. Repository files (when the request names
 * a repository) are candidates for selection like inline ones but are not copied into the embedded request.
 *
 * <p>Every candidate file and the task are scanned for prompt injection ({@link InjectionDetector}); hits go to
 * {@code injectionFlags} and the counter {@code assay.assembler.injection.flags}, and the files stay in as data.
 */
public final class ContextAssembler implements StageHandler<AssayRequest> {
    public static final String SERVICE = "context-assembler";
    /** The {@code path} of a {@link Redaction} made in the task text rather than in a file. */
    public static final String TASK_PATH = "(task)";
    private static final Logger log = LoggerFactory.getLogger(ContextAssembler.class);

    private final Topics topics;
    private final RequestValidator validator;
    private final SecretRedactor redactor;
    private final InjectionDetector injections;
    private final ContextSelector selector;
    private final Clock clock;
    private final MeterRegistry meters;

    private final RepositorySource repositories;

    public ContextAssembler(Topics topics, AssemblerConfig config, RepositorySource repositories, ContextSelector selector,
            Clock clock, MeterRegistry meters) {
        this.topics = topics;
        this.repositories = repositories;
        this.validator = new RequestValidator(config, repositories);
        this.redactor = new SecretRedactor();
        this.injections = new InjectionDetector();
        this.selector = selector;
        this.clock = clock;
        this.meters = meters;
    }

    @Override
    public List<Emit<?>> handle(String key, AssayRequest request) {
        Instant now = clock.instant();
        List<String> problems = validator.validate(key, request);
        String id = request.getRequestId() == null || request.getRequestId().isBlank() ? key : request.getRequestId();
        if (!problems.isEmpty()) {
            return reject(id, OutcomeStatus.INVALID, String.join("; ", problems), now);
        }
        List<SourceFile> repositoryFiles = List.of();
        int skippedRepositoryFiles = 0;
        if (request.getRepository() != null) {
            try {
                TreeReader.Snapshot snapshot = repositories.load(request.getRepository());
                repositoryFiles = snapshot.files();
                skippedRepositoryFiles = snapshot.skipped().size();
            } catch (RepositoryException e) {
                // The requester's mistake (not allowed, not found, too large) is INVALID; a fetch failure is ours: FAILED.
                OutcomeStatus status = e.reason() == RepositoryException.Reason.UNREADABLE ? OutcomeStatus.FAILED : OutcomeStatus.INVALID;
                log.warn("request {}: repository unusable ({}): {}", id, e.reason(), e.getMessage());
                return reject(id, status, e.getMessage(), now);
            }
        }

        List<Redaction> redactions = new ArrayList<>();
        // The task goes to the model too: a key pasted into it is redacted like one in a file.
        SecretRedactor.Result task = redactor.redact(TASK_PATH, request.getTask());
        redactions.addAll(task.redactions());
        List<SourceFile> redactedInline = redactAll(request.getFiles(), redactions);
        // Inline files win over repository files of the same path: they are what the requester sent.
        java.util.Set<String> inlinePaths = new java.util.HashSet<>();
        request.getFiles().forEach(f -> inlinePaths.add(f.getPath()));
        List<SourceFile> candidates = new ArrayList<>(redactedInline);
        candidates.addAll(redactAll(repositoryFiles.stream().filter(f -> !inlinePaths.contains(f.getPath())).toList(), redactions));
        AssayRequest cleanRequest = AssayRequest.newBuilder(request).setTask(task.content()).setFiles(redactedInline).build();
        // Scanned after redaction, so a flag's line is a line of what the model would see. Files stay in as data.
        InjectionDetector.Scan flags = scanForInjection(task.content(), candidates);
        ContextSelector.Selection selection = selector.select(cleanRequest, candidates);
        AssembledContext context = AssembledContext.newBuilder().setRequestId(id).setRequest(cleanRequest)
                .setFiles(selection.files()).setOmittedPaths(selection.omittedPaths())
                .setTotalTokens(selection.totalTokens()).setRedactions(redactions).setInjectionFlags(flags.findings())
                .setAssembledAt(now).build();
        String detail = selection.files().size() + " files, " + selection.omittedPaths().size() + " omitted, "
                + selection.totalTokens() + "/" + request.getTokenBudget() + " tokens, " + redactions.size() + " redactions, "
                + flags.total() + " prompt-injection flags"
                + (request.getRepository() == null ? "" : ", " + repositoryFiles.size() + " repository files read, "
                        + skippedRepositoryFiles + " skipped by limits");
        log.info("request {} assembled: {}", id, detail);
        count("assembled");
        Counter.builder("assay.assembler.redactions").description("Secrets redacted from request files")
                .register(meters).increment(redactions.size());
        Counter.builder("assay.assembler.injection.flags").description("Prompt-injection attempts flagged in request files and tasks")
                .register(meters).increment(flags.total());
        if (flags.total() > 0) {
            log.warn("request {}: {} prompt-injection flags, first at {}:{}", id, flags.total(),
                    flags.findings().getFirst().getPath(), flags.findings().getFirst().getLine());
        }
        return List.of(
                Emit.of(topics.auditEvents(), id, audit(id, AuditEventType.RECEIVED, "", now)),
                Emit.of(topics.contexts(), id, context),
                Emit.of(topics.auditEvents(), id, audit(id, AuditEventType.CONTEXT_ASSEMBLED, detail, now)));
    }

    private List<Emit<?>> reject(String id, OutcomeStatus status, String reason, Instant now) {
        log.info("request {} rejected ({}): {}", id, status, reason);
        count(status.name().toLowerCase(java.util.Locale.ROOT));
        // The same meter as the verifier's outcomes: one dashboard panel counts every request's end, wherever it ended.
        Counter.builder("assay.outcomes").tag("status", status.name()).description("Requests completed")
                .register(meters).increment();
        Outcome outcome = Outcome.newBuilder().setRequestId(id == null ? "" : id).setStatus(status)
                .setAttempts(0).setReason(reason).setRiskLevel(RiskLevel.UNKNOWN).setCompletedAt(now).build();
        return List.of(Emit.of(topics.outcomes(), id, outcome),
                Emit.of(topics.auditEvents(), id, audit(id, AuditEventType.REJECTED, reason, now)));
    }

    private InjectionDetector.Scan scanForInjection(String task, List<SourceFile> candidates) {
        List<InjectionDetector.Text> texts = new ArrayList<>(candidates.size() + 1);
        texts.add(new InjectionDetector.Text(TASK_PATH, task));
        candidates.forEach(f -> texts.add(new InjectionDetector.Text(f.getPath(), f.getContent())));
        return injections.scanAll(texts);
    }

    private List<SourceFile> redactAll(List<SourceFile> files, List<Redaction> redactions) {
        List<SourceFile> out = new ArrayList<>(files.size());
        for (SourceFile file : files) {
            SecretRedactor.Result r = redactor.redact(file.getPath(), file.getContent());
            out.add(SourceFile.newBuilder().setPath(file.getPath()).setContent(r.content()).build());
            redactions.addAll(r.redactions());
        }
        return out;
    }

    private void count(String result) {
        Counter.builder("assay.assembler.requests").tag("result", result).description("Requests handled by the assembler")
                .register(meters).increment();
    }

    private static AuditEvent audit(String id, AuditEventType type, String detail, Instant at) {
        return AuditEvent.newBuilder().setRequestId(id == null ? "" : id).setType(type).setService(SERVICE).setAttempt(0)
                .setDetail(detail).setOccurredAt(at).build();
    }
}
