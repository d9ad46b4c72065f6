package dev.assay.assembler;

import dev.assay.avro.SourceFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;

/**
 * The map of one repository snapshot: each file's symbols (from {@link SymbolExtractor}s), a file graph whose edges
 * go from a file to the files defining what it uses (weighted by how often and how specifically) and to the files it
 * imports, a lexical index, and outlines. Built once per snapshot ({@link RepositoryMaps} caches it); a task is then
 * ranked by personalised PageRank seeded from what the task names.
 *
 * <p>Edges also run backwards at {@link #REVERSE_SHARE} of their weight, so rank reaches the callers and tests of a
 * seeded file, not only what it calls: a change to a definition often needs its uses changed too.
 */
final class RepositoryMap {
    /** Damping of the walk: the share of rank that follows edges rather than restarting at the task's seeds. */
    static final double DAMPING = 0.75;
    static final double REVERSE_SHARE = 0.5;
    /** A name defined in more files than this says little about which one a use means (get, run, toString). */
    static final int MAX_DEFINERS = 10;
    static final double IMPORT_WEIGHT = 1.0;
    /** Seed weights: a named path outweighs a defined identifier, which outweighs a verbatim literal and BM25 (≤ 1). */
    static final double NAMED_SEED = 4.0;
    static final double DEFINITION_SEED = 2.0;
    static final double LITERAL_SEED = 1.0;
    private static final int OUTLINE_DEPTH = 1;

    private final List<SourceFile> files;
    private final Map<String, Integer> ids = new HashMap<>();
    private final FileSymbols[] symbols;
    private final boolean[] tests;
    private final List<Optional<String>> outlines;
    private final Map<String, int[]> definers;
    private final Map<String, int[]> typeDefiners;
    /** Forward edges only: who uses whom, for linking tests and types to the code in focus. */
    private final List<Map<Integer, Double>> uses;
    private final int[][] walkTargets;
    private final double[][] walkWeights;
    private final RelevanceScorer.Index lexical;
    private final int parsed;
    private final Map<Integer, Integer> wholeCosts = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> outlineCosts = new ConcurrentHashMap<>();

    /**
     * @param parsedFiles per file, its symbols as a parser found them, or empty when it has no parser or the parse
     *                    failed (the caller catches per file): such a file is ranked lexically only
     */
    RepositoryMap(List<SourceFile> files, List<Optional<ParsedFile>> parsedFiles, RelevanceScorer scorer) {
        this.files = List.copyOf(files);
        int n = this.files.size();
        symbols = new FileSymbols[n];
        tests = new boolean[n];
        List<Optional<String>> outlineList = new ArrayList<>(n);
        int parsedCount = 0;
        for (int i = 0; i < n; i++) {
            SourceFile f = this.files.get(i);
            ids.put(f.getPath(), i);
            tests[i] = FileKinds.isTest(f.getPath());
            Optional<ParsedFile> parsedFile = parsedFiles.get(i);
            symbols[i] = parsedFile.map(ParsedFile::symbols).orElse(FileSymbols.NONE);
            parsedCount += parsedFile.isPresent() ? 1 : 0;
            // A parsed file's outline comes from its definitions; any other file gets the line-based one, if any.
            outlineList.add(parsedFile.isPresent()
                    ? symbols[i].outline(parsedFile.get().commentMarker(), OUTLINE_DEPTH)
                    : Outliner.outline(f.getPath(), f.getContent()));
        }
        outlines = List.copyOf(outlineList);
        parsed = parsedCount;
        definers = index(n, FileSymbols::definedNames);
        typeDefiners = index(n, FileSymbols::definedTypes);
        uses = new ArrayList<>(n);
        ImportResolver imports = new ImportResolver(this.files.stream().map(SourceFile::getPath).toList());
        for (int i = 0; i < n; i++) {
            Map<Integer, Double> edges = new HashMap<>();
            for (var ref : symbols[i].references().entrySet()) {
                int[] defs = definers.get(ref.getKey());
                if (defs == null || defs.length > MAX_DEFINERS) {
                    continue;
                }
                // As in Aider's repository map: sub-linear in the count, private names count little.
                double w = Math.sqrt(ref.getValue()) / defs.length * (ref.getKey().startsWith("_") ? 0.1 : 1.0);
                for (int d : defs) {
                    if (d != i) {
                        edges.merge(d, w, Double::sum);
                    }
                }
            }
            for (String spec : symbols[i].imports()) {
                for (int target : imports.resolve(this.files.get(i).getPath(), spec)) {
                    if (target != i) {
                        edges.merge(target, IMPORT_WEIGHT, Double::sum);
                    }
                }
            }
            uses.add(Map.copyOf(edges));
        }
        List<Map<Integer, Double>> walk = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            walk.add(new HashMap<>(uses.get(i)));
        }
        for (int i = 0; i < n; i++) {
            for (var e : uses.get(i).entrySet()) {
                walk.get(e.getKey()).merge(i, e.getValue() * REVERSE_SHARE, Double::sum);
            }
        }
        walkTargets = new int[n][];
        walkWeights = new double[n][];
        for (int i = 0; i < n; i++) {
            walkTargets[i] = walk.get(i).keySet().stream().mapToInt(Integer::intValue).toArray();
            Map<Integer, Double> row = walk.get(i);
            walkWeights[i] = Arrays.stream(walkTargets[i]).mapToDouble(row::get).toArray();
        }
        lexical = scorer.index(this.files);
    }

    /** A file's symbols and the comment marker of its language, as a parser found them. */
    record ParsedFile(FileSymbols symbols, String commentMarker) {
    }

    private Map<String, int[]> index(int n, Function<FileSymbols, Set<String>> names) {
        Map<String, List<Integer>> byName = new HashMap<>();
        for (int i = 0; i < n; i++) {
            for (String name : names.apply(symbols[i])) {
                byName.computeIfAbsent(name, k -> new ArrayList<>()).add(i);
            }
        }
        Map<String, int[]> out = new HashMap<>();
        byName.forEach((name, list) -> out.put(name, list.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    int size() {
        return files.size();
    }

    /** Files whose symbols came from a parser (the rest are ranked lexically only). */
    int parsedFiles() {
        return parsed;
    }

    SourceFile file(int id) {
        return files.get(id);
    }

    Optional<Integer> id(String path) {
        return Optional.ofNullable(ids.get(path));
    }

    boolean isTest(int id) {
        return tests[id];
    }

    FileSymbols symbols(int id) {
        return symbols[id];
    }

    Optional<String> outline(int id) {
        return outlines.get(id);
    }

    /** A memo of a per-file cost (token counts), since the snapshot's files do not change. */
    int wholeCost(int id, ToIntFunction<SourceFile> cost) {
        return wholeCosts.computeIfAbsent(id, k -> cost.applyAsInt(files.get(k)));
    }

    int outlineCost(int id, ToIntFunction<String> cost) {
        return outlineCosts.computeIfAbsent(id, k -> outlines.get(k).map(cost::applyAsInt).orElse(Integer.MAX_VALUE));
    }

    /**
     * Every file's relevance to the task in [0, 1] (the best is 1): personalised PageRank over the file graph,
     * restarting at the task's seeds — named paths, files defining identifiers the task writes as code (or its
     * capitalised words, as type names), files containing its literal spans verbatim, and BM25 over all files.
     */
    double[] rank(String task, Set<String> namedPaths) {
        int n = files.size();
        double[] seeds = new double[n];
        if (n == 0) {
            return seeds;
        }
        lexical.score(task).forEach((path, score) -> seeds[ids.get(path)] += score);
        TaskSignals signals = TaskSignals.of(task);
        signals.codeIdentifiers().forEach(name -> seed(seeds, definers.get(name), DEFINITION_SEED));
        signals.capitalisedWords().forEach(name -> seed(seeds, typeDefiners.get(name), DEFINITION_SEED));
        for (String literal : signals.literals()) {
            seed(seeds, IntStream.range(0, n).filter(i -> files.get(i).getContent().contains(literal)).toArray(),
                    LITERAL_SEED);
        }
        namedPaths.forEach(p -> id(p).ifPresent(i -> seeds[i] += NAMED_SEED));
        double[] rank = PersonalizedPageRank.rank(walkTargets, walkWeights, seeds, DAMPING, 50, 1e-6);
        double best = Arrays.stream(rank).max().orElse(0);
        for (int i = 0; i < n; i++) {
            rank[i] = best > 0 ? rank[i] / best : 0;
        }
        return rank;
    }

    /** Spreads {@code weight} over the files (a name defined in many places says less about each). */
    private static void seed(double[] seeds, int[] targets, double weight) {
        if (targets == null || targets.length == 0 || targets.length > MAX_DEFINERS) {
            return;
        }
        for (int t : targets) {
            seeds[t] += weight / targets.length;
        }
    }

    /** How strongly each test file uses the files in {@code focus} (sum of its edge weights to them), tests with none left out. */
    Map<Integer, Double> testsOf(Set<Integer> focus) {
        Map<Integer, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            if (!tests[i] || focus.contains(i)) {
                continue;
            }
            double link = 0;
            for (var e : uses.get(i).entrySet()) {
                link += focus.contains(e.getKey()) ? e.getValue() : 0;
            }
            if (link > 0) {
                out.put(i, link);
            }
        }
        return out;
    }

    /**
     * Non-test files defining the types the files in {@code focus} use (in declarations, base classes, {@code new}),
     * with how many focus files use them.
     */
    Map<Integer, Integer> typesUsedBy(Set<Integer> focus) {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        for (int f : focus) {
            for (String type : symbols[f].typeReferences()) {
                int[] defs = typeDefiners.get(type);
                if (defs == null || defs.length > MAX_DEFINERS) {
                    continue;
                }
                for (int d : defs) {
                    if (!focus.contains(d) && !tests[d]) {
                        out.merge(d, 1, Integer::sum);
                    }
                }
            }
        }
        return out;
    }

    /** Stub and declaration files ({@code .pyi}, {@code .d.ts}) of the files in focus: their types, by the language's convention. */
    List<Integer> stubsOf(Set<Integer> focus) {
        Set<String> stems = new HashSet<>();
        focus.forEach(f -> stems.add(stubKey(files.get(f).getPath())));
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String name = files.get(i).getPath().toLowerCase(Locale.ROOT);
            if (!focus.contains(i) && (name.endsWith(".pyi") || name.endsWith(".d.ts")) && stems.contains(stubKey(files.get(i).getPath()))) {
                out.add(i);
            }
        }
        return out;
    }

    /** The path without its extension(s): {@code pkg/slug.pyi} and {@code pkg/slug.py} share {@code pkg/slug}. */
    private static String stubKey(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.indexOf('.', slash + 1);
        return dot < 0 ? path : path.substring(0, dot);
    }
}
