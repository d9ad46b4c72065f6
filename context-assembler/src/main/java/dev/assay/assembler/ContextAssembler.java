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
 * <p>Invalid request → {@link Outcome} INVALID with every problem, and an audit REJECTED. Valid → audit RECEIVED,
 * the {@link AssembledContext} on {@code topics.contexts()}, audit CONTEXT_ASSEMBLED. Secrets are redacted from
 * every file before selection, so neither the selected files nor token counts ever see a secret value; the
 * request embedded in the context carries the redacted files too.
 */
public final class ContextAssembler implements StageHandler<AssayRequest> {
    public static final String SERVICE = "context-assembler";
    private static final Logger log = LoggerFactory.getLogger(ContextAssembler.class);

    private final Topics topics;
    private final RequestValidator validator;
    private final SecretRedactor redactor;
    private final ContextSelector selector;
    private final Clock clock;
    private final MeterRegistry meters;

    public ContextAssembler(Topics topics, AssemblerConfig config, ContextSelector selector, Clock clock, MeterRegistry meters) {
        this.topics = topics;
        this.validator = new RequestValidator(config);
        this.redactor = new SecretRedactor();
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
            String reason = String.join("; ", problems);
            log.info("request {} rejected: {}", id, reason);
            count("invalid");
            Outcome outcome = Outcome.newBuilder().setRequestId(id == null ? "" : id).setStatus(OutcomeStatus.INVALID)
                    .setAttempts(0).setReason(reason).setRiskLevel(RiskLevel.UNKNOWN).setCompletedAt(now).build();
            return List.of(Emit.of(topics.outcomes(), id, outcome),
                    Emit.of(topics.audit(), id, audit(id, AuditEventType.REJECTED, reason, now)));
        }

        List<SourceFile> redactedFiles = new ArrayList<>(request.getFiles().size());
        List<Redaction> redactions = new ArrayList<>();
        for (SourceFile file : request.getFiles()) {
            SecretRedactor.Result r = redactor.redact(file.getPath(), file.getContent());
            redactedFiles.add(SourceFile.newBuilder().setPath(file.getPath()).setContent(r.content()).build());
            redactions.addAll(r.redactions());
        }
        AssayRequest cleanRequest = AssayRequest.newBuilder(request).setFiles(redactedFiles).build();
        ContextSelector.Selection selection = selector.select(cleanRequest, redactedFiles);
        AssembledContext context = AssembledContext.newBuilder().setRequestId(id).setRequest(cleanRequest)
                .setFiles(selection.files()).setOmittedPaths(selection.omittedPaths())
                .setTotalTokens(selection.totalTokens()).setRedactions(redactions).setAssembledAt(now).build();
        String detail = selection.files().size() + " files, " + selection.omittedPaths().size() + " omitted, "
                + selection.totalTokens() + "/" + request.getTokenBudget() + " tokens, " + redactions.size() + " redactions";
        log.info("request {} assembled: {}", id, detail);
        count("assembled");
        Counter.builder("assay.assembler.redactions").description("Secrets redacted from request files")
                .register(meters).increment(redactions.size());
        return List.of(
                Emit.of(topics.audit(), id, audit(id, AuditEventType.RECEIVED, "", now)),
                Emit.of(topics.contexts(), id, context),
                Emit.of(topics.audit(), id, audit(id, AuditEventType.CONTEXT_ASSEMBLED, detail, now)));
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
