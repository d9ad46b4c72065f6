package dev.assay.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's semantics, independent of HTTP: Confluent's rules for ids, versions and compatibility over a
 * {@link SchemaStore} log. A schema's identity is Avro's canonical text ({@link Schema#toString()}), as in
 * Confluent's {@code AvroSchema}: registering it again under a subject returns its existing id and version, and
 * registering it under another subject reuses its global id.
 *
 * <p><b>Single writer.</b> Writes are serialised in this instance and folded from the log; two registries writing
 * the same topic at once could hand out one id twice (Confluent elects a leader for this; Assay runs one instance).
 * Before each write the instance reads the log to its end, which keeps a restarted or replaced instance correct.
 */
public final class SchemaRegistry {
    private static final Logger log = LoggerFactory.getLogger(SchemaRegistry.class);

    private final SchemaStore store;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Integer, String> schemaById = new HashMap<>();
    // Filled lazily under the read lock, hence concurrent.
    private final Map<Integer, Schema> parsedById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final Map<String, NavigableMap<Integer, Integer>> idByVersionBySubject = new TreeMap<>();
    private final Map<String, Integer> highestVersionBySubject = new HashMap<>();
    private final Map<String, CompatibilityLevel> levelBySubject = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int highestId;

    public SchemaRegistry(SchemaStore store) {
        this.store = store;
    }

    /** Rewinds the store and rebuilds the state from the whole log. */
    public void load() {
        write(() -> {
            clear();
            store.start();
            List<StoreEntry> entries = store.readToEnd();
            entries.forEach(this::apply);
            log.info("schema registry state rebuilt from {} store records: {} schemas, {} subjects",
                    entries.size(), schemaById.size(), idByVersionBySubject.size());
            return null;
        });
    }

    /** Registers {@code schemaText} under {@code subject}; the global id, existing or new. */
    public int register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        return write(() -> {
            catchUp();
            Optional<RegisteredSchema> existing = find(subject, canonical);
            if (existing.isPresent()) {
                return existing.get().id();
            }
            List<String> problems = effectiveLevel(subject).incompatibilities(schema, previousSchemas(subject));
            if (!problems.isEmpty()) {
                throw new RegistryException(409, RegistryException.INCOMPATIBLE_SCHEMA,
                        "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                                + "\", details: " + problems);
            }
            int id = idBySchema.getOrDefault(canonical, highestId + 1);
            int version = highestVersionBySubject.getOrDefault(subject, 0) + 1;
            store.append(new StoreEntry.SchemaVersion(subject, version, id, canonical, false));
            catchUp();
            log.info("registered schema id {} as version {} of subject {}", id, version, subject);
            return id;
        });
    }

    /** The version of {@code subject} holding this schema: 40401 for an unknown subject, 40403 when it is not there. */
    public RegisteredSchema lookup(String subject, String schemaText) {
        String canonical = parse(schemaText).toString();
        return read(() -> {
            requireSubject(subject);
            return find(subject, canonical).orElseThrow(() -> RegistryException.schemaNotFound("Schema not found"));
        });
    }

    /** The schema text with this global id; 40403 when unknown. */
    public String schemaById(int id) {
        return read(() -> Optional.ofNullable(schemaById.get(id))
                .orElseThrow(() -> RegistryException.schemaNotFound("Schema " + id + " not found")));
    }

    /** Every (subject, version) that holds the schema with this id; 40403 when unknown. */
    public List<RegisteredSchema> versionsOfId(int id) {
        return read(() -> {
            if (!schemaById.containsKey(id)) {
                throw RegistryException.schemaNotFound("Schema " + id + " not found");
            }
            List<RegisteredSchema> out = new ArrayList<>();
            idByVersionBySubject.forEach((subject, versions) -> versions.forEach((version, versionId) -> {
                if (versionId == id) {
                    out.add(new RegisteredSchema(subject, version, id, schemaById.get(id)));
                }
            }));
            return out;
        });
    }

    /** Subjects with at least one live version, sorted. */
    public List<String> subjects() {
        return read(() -> idByVersionBySubject.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(Map.Entry::getKey).toList());
    }

    /** The subject's version numbers, ascending; 40401 when it has none. */
    public List<Integer> versions(String subject) {
        return read(() -> List.copyOf(requireSubject(subject).keySet()));
    }

    /**
     * One version of a subject. {@code version} is a positive number, {@code latest} or {@code -1}
     * (42202 otherwise); 40401 unknown subject, 40402 unknown version.
     */
    public RegisteredSchema version(String subject, String version) {
        Integer wanted = parseVersion(version);
        return read(() -> {
            NavigableMap<Integer, Integer> versions = requireSubject(subject);
            int number = wanted == null ? versions.lastKey() : wanted;
            Integer id = versions.get(number);
            if (id == null) {
                throw RegistryException.versionNotFound(number);
            }
            return new RegisteredSchema(subject, number, id, schemaById.get(id));
        });
    }

    /**
     * Why {@code schemaText} could not be registered under {@code subject} next, at the subject's level; empty when
     * it could. {@code version} null or {@code latest} checks against what registration would check; a number checks
     * against that version only. An unknown subject is compatible with anything when no number is given.
     */
    public List<String> compatibilityProblems(String subject, String version, String schemaText) {
        Schema schema = parse(schemaText);
        Integer wanted = version == null ? null : parseVersion(version);
        return read(() -> {
            CompatibilityLevel level = effectiveLevel(subject);
            if (wanted == null) {
                return level.incompatibilities(schema, previousSchemas(subject));
            }
            NavigableMap<Integer, Integer> versions = requireSubject(subject);
            Integer id = versions.get(wanted);
            if (id == null) {
                throw RegistryException.versionNotFound(wanted);
            }
            return level.incompatibilities(schema, List.of(parsed(id)));
        });
    }

    /** The global level (BACKWARD unless set). */
    public CompatibilityLevel globalLevel() {
        return read(() -> globalLevel == null ? CompatibilityLevel.DEFAULT : globalLevel);
    }

    /** The subject's own level, if one is set. */
    public Optional<CompatibilityLevel> subjectLevel(String subject) {
        return read(() -> Optional.ofNullable(levelBySubject.get(subject)));
    }

    /** Sets the level of {@code subject}, or the global level when it is null. */
    public void setLevel(String subject, CompatibilityLevel level) {
        write(() -> {
            store.append(new StoreEntry.Config(subject, level));
            catchUp();
            log.info("compatibility of {} set to {}", subject == null ? "the registry" : "subject " + subject, level);
            return null;
        });
    }

    /** Removes the subject's own level (or resets the global one when null); the level that was set, if any. */
    public Optional<CompatibilityLevel> clearLevel(String subject) {
        return write(() -> {
            catchUp();
            CompatibilityLevel previous = subject == null ? globalLevel : levelBySubject.get(subject);
            store.append(new StoreEntry.Config(subject, null));
            catchUp();
            return Optional.ofNullable(previous);
        });
    }

    private CompatibilityLevel effectiveLevel(String subject) {
        CompatibilityLevel own = levelBySubject.get(subject);
        if (own != null) {
            return own;
        }
        return globalLevel == null ? CompatibilityLevel.DEFAULT : globalLevel;
    }

    private List<Schema> previousSchemas(String subject) {
        NavigableMap<Integer, Integer> versions = idByVersionBySubject.getOrDefault(subject, new TreeMap<>());
        return versions.values().stream().map(this::parsed).toList();
    }

    private Schema parsed(int id) {
        return parsedById.computeIfAbsent(id, k -> new Schema.Parser().parse(schemaById.get(k)));
    }

    private Optional<RegisteredSchema> find(String subject, String canonical) {
        Integer id = idBySchema.get(canonical);
        NavigableMap<Integer, Integer> versions = idByVersionBySubject.get(subject);
        if (id == null || versions == null) {
            return Optional.empty();
        }
        return versions.entrySet().stream().filter(e -> e.getValue().equals(id)).findFirst()
                .map(e -> new RegisteredSchema(subject, e.getKey(), id, canonical));
    }

    private NavigableMap<Integer, Integer> requireSubject(String subject) {
        NavigableMap<Integer, Integer> versions = idByVersionBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    private void catchUp() {
        store.readToEnd().forEach(this::apply);
    }

    private void apply(StoreEntry entry) {
        switch (entry) {
            case StoreEntry.SchemaVersion v when v.deleted() -> {
                NavigableMap<Integer, Integer> versions = idByVersionBySubject.get(v.subject());
                if (versions != null) {
                    versions.remove(v.version());
                }
                highestVersionBySubject.merge(v.subject(), v.version(), Math::max);
            }
            case StoreEntry.SchemaVersion v -> {
                String known = schemaById.putIfAbsent(v.id(), v.schema());
                if (known != null && !known.equals(v.schema())) {
                    // Only two writers at once can cause this; the first record of an id stays authoritative.
                    log.error("store holds two schemas for id {}; keeping the first, version {} of {} now points at it",
                            v.id(), v.version(), v.subject());
                }
                idBySchema.putIfAbsent(v.schema(), v.id());
                idByVersionBySubject.computeIfAbsent(v.subject(), s -> new TreeMap<>()).put(v.version(), v.id());
                highestVersionBySubject.merge(v.subject(), v.version(), Math::max);
                highestId = Math.max(highestId, v.id());
            }
            case StoreEntry.Config c when c.subject() == null -> globalLevel = c.level();
            case StoreEntry.Config c when c.level() == null -> levelBySubject.remove(c.subject());
            case StoreEntry.Config c -> levelBySubject.put(c.subject(), c.level());
        }
    }

    private void clear() {
        schemaById.clear();
        parsedById.clear();
        idBySchema.clear();
        idByVersionBySubject.clear();
        highestVersionBySubject.clear();
        levelBySubject.clear();
        globalLevel = null;
        highestId = 0;
    }

    static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryException.invalidSchema("Empty schema", null);
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException e) {
            throw RegistryException.invalidSchema("Invalid schema: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Avro reports bad defaults and malformed JSON with several unchecked types; all mean "invalid schema".
            throw RegistryException.invalidSchema("Invalid schema: " + e, e);
        }
    }

    private static Integer parseVersion(String version) {
        if ("latest".equals(version) || "-1".equals(version)) {
            return null;
        }
        try {
            int number = Integer.parseInt(version);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            throw invalidVersion(version, e);
        }
        throw invalidVersion(version, null);
    }

    private static RegistryException invalidVersion(String version, Throwable cause) {
        return new RegistryException(422, RegistryException.INVALID_VERSION, "The specified version '" + version
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"", cause);
    }

    private <T> T read(Supplier<T> action) {
        lock.readLock().lock();
        try {
            return action.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private <T> T write(Supplier<T> action) {
        lock.writeLock().lock();
        try {
            return action.get();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
