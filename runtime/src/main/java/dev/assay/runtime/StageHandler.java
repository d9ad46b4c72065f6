package dev.assay.runtime;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The business logic of a stage for one input topic. It turns bad input into error records itself (a rejected
 * outcome, a failed generation); an exception it throws sends the input to the dead-letter topic.
 */
@FunctionalInterface
public interface StageHandler<V extends SpecificRecord> {
    List<Emit<?>> handle(String key, V value) throws Exception;
}
