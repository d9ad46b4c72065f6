package dev.assay.assembler;

import dev.assay.avro.SourceFile;
import java.util.List;
import java.util.Map;

/** Scores how relevant each candidate file is to a task, higher is more relevant, 0 when unrelated. */
public interface RelevanceScorer {

    /** Indexes the files once (a repository map keeps the index per snapshot); the index then scores any task. */
    Index index(List<SourceFile> files);

    /** The files of one snapshot, ready to be scored against tasks. Safe to use from several threads. */
    interface Index {
        /** @return a score per path of the indexed files, each in [0, 1] */
        Map<String, Double> score(String task);
    }
}
