package dev.assay.assembler;

import dev.assay.avro.SourceFile;
import java.util.List;
import java.util.Map;

/** Scores how relevant each candidate file is to the task, higher is more relevant, 0 when unrelated. */
public interface RelevanceScorer {

    /** @return a score per path of {@code files}, each in [0, 1] */
    Map<String, Double> score(String task, List<SourceFile> files);
}
