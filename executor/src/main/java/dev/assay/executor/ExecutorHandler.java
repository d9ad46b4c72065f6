package dev.assay.executor;

import dev.assay.avro.AuditEvent;
import dev.assay.avro.AuditEventType;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.Generation;
import dev.assay.runtime.Emit;
import dev.assay.runtime.StageHandler;
import dev.assay.schemas.Topics;
import java.time.Clock;
import java.util.List;

/** The stage's handler: one generation in, its execution result and an EXECUTED audit event out. */
public final class ExecutorHandler implements StageHandler<Generation> {
    /** The service name on audit events. */
    public static final String SERVICE = "executor";

    private final Executor executor;
    private final Topics topics;
    private final Clock clock;

    public ExecutorHandler(Executor executor, Topics topics, Clock clock) {
        this.executor = executor;
        this.topics = topics;
        this.clock = clock;
    }

    @Override
    public List<Emit<?>> handle(String key, Generation generation) throws Exception {
        ExecutionResult result = executor.execute(generation);
        String requestId = generation.getRequestId();
        return List.of(Emit.of(topics.executions(), requestId, result), Emit.of(topics.auditEvents(), requestId, audit(result)));
    }

    AuditEvent audit(ExecutionResult result) {
        String detail = "status=" + result.getStatus() + " policy=" + result.getPolicy() + " backend=" + result.getBackend()
                + " violation=" + result.getViolation() + " tests=" + result.getTests().size()
                + (result.getDetail() == null ? "" : " detail=" + HarnessReport.abbreviate(result.getDetail()));
        return AuditEvent.newBuilder()
                .setRequestId(result.getRequestId())
                .setType(AuditEventType.EXECUTED)
                .setService(SERVICE)
                .setAttempt(result.getAttempt())
                .setDetail(detail)
                .setOccurredAt(clock.instant())
                .build();
    }
}
