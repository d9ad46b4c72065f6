package dev.assay.executor;

import dev.assay.avro.ExecutionResult;
import dev.assay.avro.Generation;
import dev.assay.runtime.Emit;
import dev.assay.runtime.StageHandler;
import dev.assay.schemas.Topics;
import java.util.List;

/**
 * The stage's handler: one generation in, its execution result out. The verifier records the EXECUTED audit event
 * from the result itself, so it stands in the request's audit chain right before the verdict it led to.
 */
public final class ExecutorHandler implements StageHandler<Generation> {
    private final Executor executor;
    private final Topics topics;

    public ExecutorHandler(Executor executor, Topics topics) {
        this.executor = executor;
        this.topics = topics;
    }

    @Override
    public List<Emit<?>> handle(String key, Generation generation) throws Exception {
        ExecutionResult result = executor.execute(generation);
        return List.of(Emit.of(topics.executions(), generation.getRequestId(), result));
    }
}
