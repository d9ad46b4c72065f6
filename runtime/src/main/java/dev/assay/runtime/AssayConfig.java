package dev.assay.runtime;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Resolved configuration of one service: keys like {@code kafka.bootstrap.servers}, taken from a properties file
 * ({@code ASSAY_CONFIG_FILE}), then environment variables ({@code ASSAY_KAFKA_BOOTSTRAP_SERVERS}), then
 * {@code -Dassay.kafka.bootstrap.servers} / {@code --kafka.bootstrap.servers=} flags, later ones winning.
 * Typed getters fail fast with the key's name when a value does not parse.
 */
public final class AssayConfig {
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|secret|token|api[._-]?key|credential|sasl\\.jaas).*");
    private final Map<String, String> values;

    private AssayConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static AssayConfig of(Map<String, String> values) {
        return new AssayConfig(values);
    }

    /** File, then environment, then system properties, then {@code --key=value} arguments. */
    public static AssayConfig load(String[] args, Map<String, String> env, Properties systemProperties) {
        Map<String, String> resolved = new TreeMap<>();
        String file = env.get("ASSAY_CONFIG_FILE");
        if (file != null && !file.isBlank()) {
            resolved.putAll(readFile(Path.of(file)));
        }
        env.forEach((k, v) -> {
            if (k.startsWith("ASSAY_") && !k.equals("ASSAY_CONFIG_FILE")) {
                resolved.put(k.substring("ASSAY_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        systemProperties.stringPropertyNames().stream().filter(k -> k.startsWith("assay."))
                .forEach(k -> resolved.put(k.substring("assay.".length()), systemProperties.getProperty(k)));
        for (String arg : args) {
            if (arg.startsWith("--") && arg.contains("=")) {
                resolved.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': use --key=value");
            }
        }
        return new AssayConfig(resolved);
    }

    public static AssayConfig fromEnvironment(String[] args) {
        return load(args, System.getenv(), System.getProperties());
    }

    /** A copy with these values set on top. */
    public AssayConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        merged.putAll(overrides);
        return new AssayConfig(merged);
    }

    public Optional<String> find(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
    }

    public String string(String key, String defaultValue) {
        return find(key).orElse(defaultValue);
    }

    public String required(String key) {
        return find(key).orElseThrow(() -> new IllegalArgumentException("missing required setting " + key
                + " (env ASSAY_" + key.toUpperCase(Locale.ROOT).replace('.', '_') + ")"));
    }

    public int integer(String key, int defaultValue) {
        return find(key).map(v -> parse(key, v, Integer::parseInt)).orElse(defaultValue);
    }

    public long longValue(String key, long defaultValue) {
        return find(key).map(v -> parse(key, v, Long::parseLong)).orElse(defaultValue);
    }

    public boolean bool(String key, boolean defaultValue) {
        return find(key).map(v -> parse(key, v, s -> switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(s);
        })).orElse(defaultValue);
    }

    /** Entries under a prefix with the prefix removed, e.g. {@code kafka.} settings passed to the Kafka clients. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** All values, secrets masked, for the start-up log line. */
    public Map<String, String> redacted() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, SECRET_KEY.matcher(k).matches() ? "******" : v));
        return out;
    }

    private static <T> T parse(String key, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("setting " + key + " has an invalid value '" + value + "'", e);
        }
    }

    private static Map<String, String> readFile(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file, e);
        }
        Map<String, String> out = new TreeMap<>();
        props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k)));
        return out;
    }
}
