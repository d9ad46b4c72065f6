package dev.assay.verifier.checks;

import dev.assay.avro.Language;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Modules generated code may import, per language: Python top-level modules, Java package or class prefixes,
 * JavaScript module specifiers. Everything else is a finding for a person to look at. The project's own modules
 * (paths known to the request) are always allowed; see {@link ImportAllowlistCheck}.
 */
public final class ImportAllowlist {
    public static final Set<String> DEFAULT_PYTHON = Set.of("__future__", "abc", "array", "base64", "bisect", "calendar",
            "collections", "contextlib", "copy", "csv", "dataclasses", "datetime", "decimal", "enum", "fractions",
            "functools", "hashlib", "heapq", "hmac", "io", "itertools", "json", "logging", "math", "numbers", "operator",
            "pytest", "random", "re", "statistics", "string", "textwrap", "typing", "typing_extensions", "unicodedata",
            "unittest", "uuid", "zoneinfo");
    public static final Set<String> DEFAULT_JAVA = Set.of("java.lang", "java.util", "java.time", "java.math", "java.text",
            "java.nio.charset", "org.junit", "org.assertj", "org.hamcrest");
    public static final Set<String> DEFAULT_JAVASCRIPT = Set.of("assert", "assert/strict", "node:assert",
            "node:assert/strict", "node:test", "util", "node:util", "events", "node:events", "@jest/globals", "vitest");

    private final Map<Language, Set<String>> allowed;

    public ImportAllowlist(Map<Language, Set<String>> allowed) {
        Map<Language, Set<String>> copy = new EnumMap<>(Language.class);
        allowed.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        this.allowed = copy;
    }

    public static ImportAllowlist defaults() {
        return new ImportAllowlist(Map.of(Language.PYTHON, DEFAULT_PYTHON, Language.JAVA, DEFAULT_JAVA,
                Language.JAVASCRIPT, DEFAULT_JAVASCRIPT));
    }

    /**
     * The defaults adjusted by settings: {@code <prefix><lang>} (comma list) replaces a language's list,
     * {@code <prefix><lang>.extra} adds to it; {@code lang} is {@code python}, {@code java} or {@code javascript}.
     */
    public static ImportAllowlist fromSettings(String prefix, Function<String, String> settings) {
        Map<Language, Set<String>> out = new EnumMap<>(defaults().allowed);
        for (Language language : new Language[] {Language.PYTHON, Language.JAVA, Language.JAVASCRIPT}) {
            String key = prefix + language.name().toLowerCase(java.util.Locale.ROOT);
            Set<String> list = new LinkedHashSet<>(out.get(language));
            String replace = settings.apply(key);
            if (replace != null && !replace.isBlank()) {
                list = split(replace);
            }
            String extra = settings.apply(key + ".extra");
            if (extra != null && !extra.isBlank()) {
                list.addAll(split(extra));
            }
            out.put(language, list);
        }
        return new ImportAllowlist(out);
    }

    public Set<String> allowed(Language language) {
        return allowed.getOrDefault(language, Set.of());
    }

    /** Whether a module may be imported: exact match, or under an allowed package/path prefix. */
    public boolean permits(Language language, String module) {
        for (String entry : allowed(language)) {
            if (module.equals(entry) || module.startsWith(entry + ".") || module.startsWith(entry + "/")) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> split(String csv) {
        Set<String> out = new LinkedHashSet<>();
        Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(out::add);
        return out;
    }
}
