package dev.assay.verifier.gate;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.GateDecision;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The risk gate's policy, read from a versioned properties file (the built-in {@code gate-policy.properties} or an
 * operator's file): decisions per level, score thresholds, floors and scores per artifact kind and per path rule,
 * and score weights for findings, attempts and diff size. Loading validates everything, so a bad policy stops the
 * service at start rather than waving a request through.
 */
public final class GatePolicy {
    public static final String RESOURCE = "gate-policy.properties";

    /** Level floor and base score of an artifact kind. */
    public record KindRule(RiskLevel level, int score) {
    }

    /**
     * A path rule: files matching {@code glob} (and containing {@code contains}, if set) either are of a {@code kind}
     * (the gate's own kind signal, weighed with the executor's: the kind's floor and score count once, however many
     * rules and signals say so) or, without a kind, raise the floor to {@code level} and add {@code score}.
     */
    public record PathRule(String name, String glob, PathMatcher matcher, Pattern contains, ArtifactKind kind, RiskLevel level,
            int score) {

        boolean matches(String path, String content) {
            return matcher.matches(Path.of(path)) && (contains == null || contains.matcher(content).find());
        }
    }

    private final String version;
    private final Map<RiskLevel, GateDecision> decisions;
    private final Map<RiskLevel, Integer> approvers;
    private final Map<RiskLevel, Integer> thresholds;
    private final Map<ArtifactKind, KindRule> kinds;
    private final List<PathRule> paths;
    private final Map<Severity, Integer> findingScores;
    private final int findingMax;
    private final int attemptScore;
    private final int inProcessScore;
    private final RiskLevel injectionLevel;
    private final int injectionScore;
    private final int diffStepLines;
    private final int diffStepScore;
    private final int diffMax;

    private GatePolicy(Properties p) {
        this.version = required(p, "version");
        this.decisions = new EnumMap<>(RiskLevel.class);
        for (RiskLevel level : levels()) {
            decisions.put(level, parseEnum(GateDecision.class, p, "decision." + level));
        }
        this.approvers = new EnumMap<>(RiskLevel.class);
        for (RiskLevel level : levels()) {
            int n = p.getProperty("approvers." + level) == null ? 1 : integer(p, "approvers." + level);
            if (n < 1) {
                throw new IllegalArgumentException("gate policy: approvers." + level + " must be at least 1");
            }
            approvers.put(level, n);
        }
        this.thresholds = new EnumMap<>(RiskLevel.class);
        int previous = 0;
        for (RiskLevel level : List.of(RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL)) {
            int t = integer(p, "threshold." + level);
            if (t <= previous) {
                throw new IllegalArgumentException("gate policy: threshold." + level + " must be above the previous level's");
            }
            thresholds.put(level, t);
            previous = t;
        }
        this.kinds = new EnumMap<>(ArtifactKind.class);
        for (ArtifactKind kind : ArtifactKind.values()) {
            kinds.put(kind, new KindRule(parseEnum(RiskLevel.class, p, "kind." + kind + ".level"),
                    integer(p, "kind." + kind + ".score")));
        }
        this.paths = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith("path.") && k.endsWith(".glob"))
                .forEach(k -> names.add(k.substring("path.".length(), k.length() - ".glob".length())));
        for (String name : names) {
            String glob = required(p, "path." + name + ".glob");
            String contains = p.getProperty("path." + name + ".contains");
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            Pattern pattern = contains == null || contains.isBlank() ? null : Pattern.compile(contains);
            if (p.getProperty("path." + name + ".kind") != null) {
                if (p.getProperty("path." + name + ".level") != null || p.getProperty("path." + name + ".score") != null) {
                    throw new IllegalArgumentException("gate policy: path." + name + " has a kind, so its level and score are"
                            + " the kind's; remove path." + name + ".level and .score");
                }
                paths.add(new PathRule(name, glob, matcher, pattern, parseEnum(ArtifactKind.class, p, "path." + name + ".kind"),
                        null, 0));
            } else {
                paths.add(new PathRule(name, glob, matcher, pattern, null, parseEnum(RiskLevel.class, p, "path." + name + ".level"),
                        integer(p, "path." + name + ".score")));
            }
        }
        this.findingScores = new EnumMap<>(Severity.class);
        for (Severity s : List.of(Severity.INFO, Severity.LOW, Severity.MEDIUM)) {
            findingScores.put(s, integer(p, "finding." + s));
        }
        this.findingMax = integer(p, "finding.max");
        this.attemptScore = integer(p, "attempt.score");
        this.inProcessScore = integer(p, "evidence.in-process.score");
        this.injectionLevel = parseEnum(RiskLevel.class, p, "injection.level");
        this.injectionScore = integer(p, "injection.score");
        this.diffStepLines = integer(p, "diff.step.lines");
        if (diffStepLines <= 0) {
            throw new IllegalArgumentException("gate policy: diff.step.lines must be positive");
        }
        this.diffStepScore = integer(p, "diff.step.score");
        this.diffMax = integer(p, "diff.max");
    }

    /** The built-in policy. */
    public static GatePolicy defaults() {
        try (InputStream in = GatePolicy.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("gate policy resource " + RESOURCE + " is missing from the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return new GatePolicy(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The policy in {@code file}. */
    public static GatePolicy load(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            Properties p = new Properties();
            p.load(reader);
            return new GatePolicy(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gate policy " + file, e);
        }
    }

    /** The policy in {@code file} when given, else the built-in one. */
    public static GatePolicy load(Optional<Path> file) {
        return file.map(GatePolicy::load).orElseGet(GatePolicy::defaults);
    }

    public static GatePolicy of(Properties properties) {
        return new GatePolicy(properties);
    }

    public String version() {
        return version;
    }

    /** The decision for a level; UNKNOWN is treated as CRITICAL (no rule means no automation). */
    public GateDecision decision(RiskLevel level) {
        return decisions.get(level == RiskLevel.UNKNOWN ? RiskLevel.CRITICAL : level);
    }

    /** How many distinct people must approve at a level; UNKNOWN is treated as CRITICAL. */
    public int approvers(RiskLevel level) {
        return approvers.get(level == RiskLevel.UNKNOWN ? RiskLevel.CRITICAL : level);
    }

    /** The level a score alone reaches. */
    public RiskLevel levelForScore(int score) {
        RiskLevel level = RiskLevel.LOW;
        for (Map.Entry<RiskLevel, Integer> t : thresholds.entrySet()) {
            if (score >= t.getValue()) {
                level = t.getKey();
            }
        }
        return level;
    }

    public int threshold(RiskLevel level) {
        return thresholds.getOrDefault(level, 0);
    }

    public KindRule kind(ArtifactKind kind) {
        return kinds.get(kind);
    }

    public List<PathRule> paths() {
        return List.copyOf(paths);
    }

    public int findingScore(Severity severity) {
        return findingScores.getOrDefault(severity, findingScores.get(Severity.MEDIUM));
    }

    public int findingMax() {
        return findingMax;
    }

    public int attemptScore() {
        return attemptScore;
    }

    /** Added when a passing request test was checked inside the sandbox rather than sealed. */
    public int inProcessScore() {
        return inProcessScore;
    }

    /** The floor a context with prompt-injection flags raises the level to. */
    public RiskLevel injectionLevel() {
        return injectionLevel;
    }

    /** Added when the context carries prompt-injection flags. */
    public int injectionScore() {
        return injectionScore;
    }

    public int diffScore(int changedLines) {
        return Math.min(diffMax, changedLines / diffStepLines * diffStepScore);
    }

    private static List<RiskLevel> levels() {
        return List.of(RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL);
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("gate policy: missing " + key);
        }
        return v.strip();
    }

    private static int integer(Properties p, String key) {
        String v = required(p, key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gate policy: " + key + " is not a number: " + v, e);
        }
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, Properties p, String key) {
        String v = required(p, key);
        try {
            E value = Enum.valueOf(type, v);
            if ("UNKNOWN".equals(value.name())) {
                throw new IllegalArgumentException("gate policy: " + key + " must not be UNKNOWN");
            }
            return value;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("gate policy")) {
                throw e;
            }
            throw new IllegalArgumentException("gate policy: " + key + " has an unknown value " + v, e);
        }
    }
}
