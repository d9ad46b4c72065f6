package dev.assay.assembler;

import dev.assay.avro.AssayRequest;
import dev.assay.avro.ContextFile;
import dev.assay.avro.InclusionReason;
import dev.assay.avro.SourceFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Chooses which files the model sees, within the request's token budget, from a {@link RepositoryMap} of the
 * candidates (cached per snapshot, so a repeated assembly only ranks).
 *
 * <p>Priority, highest first, each file recorded with its reason and score:
 * <ol>
 *   <li>{@code NAMED_BY_TASK}: target paths, and paths or file names the task text mentions (score 1);</li>
 *   <li>{@code EXISTING_TEST}: the request's own test files, and up to {@link #MAX_LINKED_TESTS} repository tests
 *       that use the code in focus — the named files, or when the task names none the {@link #FOCUS_SIZE}
 *       best-ranked code files — found through what they import and reference (score: how strongly, the strongest 1);</li>
 *   <li>{@code TYPE_DEFINITION}: up to {@link #MAX_TYPE_FILES} files defining the types the code in focus uses,
 *       found through the graph, and stubs ({@code .pyi}, {@code .d.ts}) of the code in focus (score: rank);</li>
 *   <li>{@code RELEVANT}: everything else by rank, code before test files (score: rank).</li>
 * </ol>
 * Within a tier, higher score first, then path; the order of {@code files} is the order of choice.
 *
 * <p>Filling: named files go in whole when they fit the budget; other files whole only while the context stays
 * within {@link #WHOLE_SHARE} of the budget, after that as their outline (signatures) — many relevant files in
 * outline tell the model more than a few whole ones — or whole when that is no larger. A file fitting neither way is
 * omitted and a later, smaller one may still fit. Budget left at the end turns outlines back into whole files, best
 * first.
 *
 * <p>The budget covers the task text plus every selected file including a small per-file framing cost, so the
 * prompt's data part never exceeds {@code tokenBudget}: {@code totalTokens = tokens(task) + Σ file tokens}.
 */
public final class ContextSelector {
    /** Tokens for the delimiters around each file in the prompt (path header and closing marker). */
    static final int FRAMING_TOKENS = 12;
    static final int FOCUS_SIZE = 3;
    static final int MAX_LINKED_TESTS = 2;
    static final int MAX_TYPE_FILES = 3;
    static final double WHOLE_SHARE = 0.5;
    private static final int CACHED_MAPS = 16;
    private static final int CACHED_FILES = 50_000;

    private final TokenCounter tokens;
    private final RepositoryMaps maps;

    public ContextSelector(TokenCounter tokens, RelevanceScorer relevance) {
        this.tokens = tokens;
        this.maps = new RepositoryMaps(relevance, CACHED_MAPS, CACHED_FILES);
    }

    /** The outcome of selection. */
    public record Selection(List<ContextFile> files, List<String> omittedPaths, int totalTokens) {
    }

    /** Selects among {@code files} (already redacted) for {@code request}. */
    public Selection select(AssayRequest request, List<SourceFile> files) {
        String task = request.getTask();
        RepositoryMap map = maps.of(files);
        Set<String> named = namedPaths(request, files);
        double[] rank = map.rank(task, named);
        List<Candidate> candidates = prioritise(request, map, named, rank);

        int budget = request.getTokenBudget();
        int used = tokens.count(task);
        int wholeLimit = (int) (budget * WHOLE_SHARE);
        Map<Integer, Choice> chosen = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            int whole = wholeCost(map, c.id());
            int outline = outlineCost(map, c.id());
            boolean wholeAllowed = used + whole <= (c.reason() == InclusionReason.NAMED_BY_TASK ? budget : wholeLimit)
                    || (whole <= outline && used + whole <= budget);
            if (wholeAllowed) {
                chosen.put(c.id(), new Choice(c, false));
                used += whole;
            } else if (outline != Integer.MAX_VALUE && used + outline <= budget) {
                chosen.put(c.id(), new Choice(c, true));
                used += outline;
            }
        }
        for (var entry : chosen.entrySet()) {
            int id = entry.getKey();
            if (entry.getValue().outlineOnly()) {
                int extra = wholeCost(map, id) - outlineCost(map, id);
                if (used + extra <= budget) {
                    entry.setValue(new Choice(entry.getValue().candidate(), false));
                    used += extra;
                }
            }
        }
        List<ContextFile> selected = new ArrayList<>();
        List<String> omitted = new ArrayList<>();
        for (Candidate c : candidates) {
            Choice choice = chosen.get(c.id());
            SourceFile file = map.file(c.id());
            if (choice == null) {
                omitted.add(file.getPath());
            } else if (choice.outlineOnly()) {
                selected.add(contextFile(c, file, map.outline(c.id()).orElseThrow(), outlineCost(map, c.id()), true));
            } else {
                selected.add(contextFile(c, file, file.getContent(), wholeCost(map, c.id()), false));
            }
        }
        return new Selection(List.copyOf(selected), List.copyOf(omitted), used);
    }

    /** Every file with its tier and score, in the order of choice. */
    private static List<Candidate> prioritise(AssayRequest request, RepositoryMap map, Set<String> named, double[] rank) {
        Set<Integer> namedIds = new HashSet<>();
        named.forEach(p -> map.id(p).ifPresent(namedIds::add));
        // The code in focus: what the task names, or else the best-ranked code files.
        Set<Integer> focus = new HashSet<>();
        namedIds.stream().filter(i -> !map.isTest(i)).forEach(focus::add);
        if (focus.isEmpty()) {
            IntStream.range(0, map.size()).boxed().filter(i -> !map.isTest(i) && !map.symbols(i).isEmpty())
                    .sorted(Comparator.comparingDouble((Integer i) -> rank[i]).reversed()).limit(FOCUS_SIZE).forEach(focus::add);
        }

        Map<Integer, Candidate> tiers = new HashMap<>();
        namedIds.forEach(i -> tiers.put(i, new Candidate(i, InclusionReason.NAMED_BY_TASK, 1.0)));
        Map<Integer, Double> linked = map.testsOf(focus);
        double strongest = linked.values().stream().mapToDouble(Double::doubleValue).max().orElse(1.0);
        Set<String> inline = new HashSet<>();
        request.getFiles().forEach(f -> inline.add(f.getPath()));
        // The request's own tests always come; the repository's only when they use the code in focus, strongest first.
        IntStream.range(0, map.size()).filter(i -> map.isTest(i) && inline.contains(map.file(i).getPath()))
                .forEach(i -> tiers.putIfAbsent(i, new Candidate(i, InclusionReason.EXISTING_TEST, linked.getOrDefault(i, 0.0) / strongest)));
        linked.entrySet().stream().filter(e -> !tiers.containsKey(e.getKey()))
                .sorted(Map.Entry.<Integer, Double>comparingByValue().reversed()).limit(MAX_LINKED_TESTS)
                .forEach(e -> tiers.put(e.getKey(), new Candidate(e.getKey(), InclusionReason.EXISTING_TEST, e.getValue() / strongest)));
        map.stubsOf(focus).forEach(i -> tiers.putIfAbsent(i, new Candidate(i, InclusionReason.TYPE_DEFINITION, rank[i])));
        map.typesUsedBy(focus).entrySet().stream().filter(e -> !tiers.containsKey(e.getKey()))
                .sorted(Comparator.comparing((Map.Entry<Integer, Integer> e) -> e.getValue()).thenComparingDouble(e -> rank[e.getKey()]).reversed())
                .limit(MAX_TYPE_FILES)
                .forEach(e -> tiers.put(e.getKey(), new Candidate(e.getKey(), InclusionReason.TYPE_DEFINITION, rank[e.getKey()])));
        List<Candidate> out = new ArrayList<>(map.size());
        for (int i = 0; i < map.size(); i++) {
            out.add(tiers.getOrDefault(i, new Candidate(i, InclusionReason.RELEVANT, rank[i])));
        }
        out.sort(Comparator.comparingInt((Candidate c) -> c.reason().ordinal())
                .thenComparing(c -> c.reason() == InclusionReason.RELEVANT && map.isTest(c.id()))
                .thenComparing(Comparator.comparingDouble(Candidate::score).reversed())
                .thenComparing(c -> map.file(c.id()).getPath()));
        return out;
    }

    private int wholeCost(RepositoryMap map, int id) {
        return map.wholeCost(id, f -> cost(f.getPath(), f.getContent()));
    }

    /** The cost of the file's outline, {@link Integer#MAX_VALUE} when it has none. */
    private int outlineCost(RepositoryMap map, int id) {
        return map.outlineCost(id, outline -> cost(map.file(id).getPath(), outline));
    }

    private int cost(String path, String content) {
        return tokens.count(content) + tokens.count(path) + FRAMING_TOKENS;
    }

    private static ContextFile contextFile(Candidate c, SourceFile file, String content, int cost, boolean outlineOnly) {
        return ContextFile.newBuilder().setPath(file.getPath()).setContent(content).setReason(c.reason())
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

    private record Candidate(int id, InclusionReason reason, double score) {
    }

    private record Choice(Candidate candidate, boolean outlineOnly) {
    }
}
