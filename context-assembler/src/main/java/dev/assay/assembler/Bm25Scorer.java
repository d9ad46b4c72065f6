package dev.assay.assembler;

import dev.assay.avro.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Relevance by Lucene's BM25 over the candidate files, indexed in memory: rare task terms that a file uses often
 * score high, common words little. Text is split into identifier words first (as in {@link TermOverlapScorer}), so
 * {@code parseDate} matches "parse date". Scores are divided by the best score so they lie in [0, 1]; a file sharing
 * no term scores 0. The index lives on the heap only ({@link ByteBuffersDirectory}), so an index dropped from the
 * repository-map cache needs no closing.
 */
public final class Bm25Scorer implements RelevanceScorer {
    private static final String BODY = "body";
    private static final String PATH = "path";

    @Override
    public Index index(List<SourceFile> files) {
        List<String> paths = files.stream().map(SourceFile::getPath).toList();
        if (files.isEmpty()) {
            return task -> Map.of();
        }
        // The pre-split tokens are lower-case words separated by spaces: StandardAnalyzer keeps them as they are.
        ByteBuffersDirectory dir = new ByteBuffersDirectory();
        try (StandardAnalyzer analyzer = new StandardAnalyzer()) {
            IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity());
            try (IndexWriter writer = new IndexWriter(dir, config)) {
                for (SourceFile f : files) {
                    Document doc = new Document();
                    doc.add(new StoredField(PATH, f.getPath()));
                    // The path counts twice: a file named after the task's subject is a strong signal.
                    String pathWords = String.join(" ", TermOverlapScorer.tokens(f.getPath()));
                    doc.add(new TextField(BODY, pathWords + " " + pathWords + " "
                            + String.join(" ", TermOverlapScorer.tokens(f.getContent())), Field.Store.NO));
                    writer.addDocument(doc);
                }
            }
            IndexSearcher searcher = new IndexSearcher(DirectoryReader.open(dir));
            searcher.setSimilarity(new BM25Similarity());
            return task -> score(searcher, paths, task);
        } catch (IOException e) {
            // An in-memory index does no I/O; this is a bug, not a condition to handle.
            throw new UncheckedIOException("in-memory BM25 index failed", e);
        }
    }

    private static Map<String, Double> score(IndexSearcher searcher, List<String> paths, String task) {
        Map<String, Double> scores = new HashMap<>();
        paths.forEach(p -> scores.put(p, 0.0));
        Set<String> queryTerms = new LinkedHashSet<>(TermOverlapScorer.tokens(task));
        if (queryTerms.isEmpty()) {
            return scores;
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        queryTerms.stream().limit(IndexSearcher.getMaxClauseCount())
                .forEach(t -> query.add(new TermQuery(new Term(BODY, t)), BooleanClause.Occur.SHOULD));
        try {
            ScoreDoc[] hits = searcher.search(query.build(), paths.size()).scoreDocs;
            double best = hits.length == 0 ? 0 : hits[0].score;
            for (ScoreDoc hit : hits) {
                String path = searcher.storedFields().document(hit.doc).get(PATH);
                scores.put(path, best > 0 ? hit.score / best : 0.0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory BM25 search failed", e);
        }
        return scores;
    }
}
