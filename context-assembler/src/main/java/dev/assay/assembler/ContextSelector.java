package dev.assay.assembler;

import dev.assay.avro.AssayRequest;
import dev.assay.avro.ContextFile;
import dev.assay.avro.InclusionReason;
import dev.assay.avro.SourceFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Chooses which files the model sees, within the request's token budget.
 *
 * <p>Priority, highest first: files the task names (target paths, or paths/file names the task text mentions);
 * existing tests (tests of the named code first); type definitions; then everything else by relevance. Within a
 * tier, higher relevance first, then path. Files are taken greedily in that order: a file that does not fit whole
 * is reduced to its outline if that fits, else it is omitted and a later, smaller file may still fit.
 *
 * <p>The budget covers the task text plus every selected file including a small per-file framing cost, so the
 * prompt's data part never exceeds {@code tokenBudget}: {@code totalTokens = tokens(task) + Σ file tokens}.
 */
public final class ContextSelector {
    /** Tokens for the delimiters around each file in the prompt (path header and closing marker). */
    static final int FRAMING_TOKENS = 12;

    private final TokenCounter tokens;
    private final RelevanceScorer relevance;

    public ContextSelector(TokenCounter tokens, RelevanceScorer relevance) {
        this.tokens = tokens;
        this.relevance = relevance;
    }

    /** The outcome of selection. */
    public record Selection(List<ContextFile> files, List<String> omittedPaths, int totalTokens) {
    }

    /** Selects among {@code files} (already redacted) for {@code request}. */
    public Selection select(AssayRequest request, List<SourceFile> files) {
        String task = request.getTask();
        Map<String, Double> scores = relevance.score(task, files);
        Set<String> named = namedPaths(request, files);
        Set<String> namedStems = new HashSet<>();
        named.forEach(p -> namedStems.add(FileKinds.stem(p)));
        request.getTargetPaths().forEach(p -> namedStems.add(FileKinds.stem(p)));

        List<Candidate> candidates = new ArrayList<>();
        for (SourceFile file : files) {
            String path = file.getPath();
            double score = scores.getOrDefault(path, 0.0);
            if (named.contains(path)) {
                candidates.add(new Candidate(file, InclusionReason.NAMED_BY_TASK, 1.0));
            } else if (FileKinds.isTest(path)) {
                boolean ofNamedCode = namedStems.contains(FileKinds.testSubject(path));
                candidates.add(new Candidate(file, InclusionReason.EXISTING_TEST, ofNamedCode ? 1.0 : score));
            } else if (FileKinds.isTypeDefinition(path, file.getContent())) {
                candidates.add(new Candidate(file, InclusionReason.TYPE_DEFINITION, score));
            } else {
                candidates.add(new Candidate(file, InclusionReason.RELEVANT, score));
            }
        }
        candidates.sort(Comparator.comparingInt((Candidate c) -> c.reason().ordinal())
                .thenComparing(Comparator.comparingDouble(Candidate::score).reversed())
                .thenComparing(c -> c.file().getPath()));

        int used = tokens.count(task);
        int budget = request.getTokenBudget();
        List<ContextFile> selected = new ArrayList<>();
        List<String> omitted = new ArrayList<>();
        for (Candidate c : candidates) {
            String path = c.file().getPath();
            int whole = cost(path, c.file().getContent());
            if (used + whole <= budget) {
                selected.add(contextFile(c, c.file().getContent(), whole, false));
                used += whole;
                continue;
            }
            Optional<String> outline = Outliner.outline(path, c.file().getContent());
            int outlineCost = outline.map(o -> cost(path, o)).orElse(Integer.MAX_VALUE);
            if (outline.isPresent() && used + outlineCost <= budget) {
                selected.add(contextFile(c, outline.get(), outlineCost, true));
                used += outlineCost;
            } else {
                omitted.add(path);
            }
        }
        return new Selection(List.copyOf(selected), List.copyOf(omitted), used);
    }

    private int cost(String path, String content) {
        return tokens.count(content) + tokens.count(path) + FRAMING_TOKENS;
    }

    private static ContextFile contextFile(Candidate c, String content, int cost, boolean outlineOnly) {
        return ContextFile.newBuilder().setPath(c.file().getPath()).setContent(content).setReason(c.reason())
                .setScore(c.score()).setTokens(cost).setOutlineOnly(outlineOnly).build();
    }

    /** Target paths, plus files whose full path, or whose file name as a whole word, appears in the task. */
    static Set<String> namedPaths(AssayRequest request, List<SourceFile> files) {
        Set<String> named = new HashSet<>(request.getTargetPaths());
        String task = request.getTask();
        for (SourceFile file : files) {
            String path = file.getPath();
            String name = FileKinds.fileName(path);
            if (mentions(task, path) || mentions(task, name)) {
                named.add(path);
            }
        }
        return named;
    }

    /** The task contains {@code text} not as part of a longer path or word ("myslug.py" does not mention "slug.py"). */
    private static boolean mentions(String task, String text) {
        return Pattern.compile("(?<![\\w./-])" + Pattern.quote(text) + "(?![\\w/-])").matcher(task).find();
    }

    private record Candidate(SourceFile file, InclusionReason reason, double score) {
    }
}
