package dev.assay.assembler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treesitter.TSInputEncoding;
import org.treesitter.TSLanguage;
import org.treesitter.TSNode;
import org.treesitter.TSParser;
import org.treesitter.TSQuery;
import org.treesitter.TSQueryCapture;
import org.treesitter.TSQueryCursor;
import org.treesitter.TSQueryMatch;
import org.treesitter.TSReader;
import org.treesitter.TSTree;
import org.treesitter.TreeSitterJavascript;
import org.treesitter.TreeSitterPython;

/**
 * Python and JavaScript symbols through tree-sitter grammars (native parsers bundled in the Maven artifacts), read
 * with one query per language in the style of the grammars' own {@code tags.scm}: {@code @definition.*} captures a
 * definition (its {@code @name} the defined name), {@code @reference} every identifier use, {@code @reference.type}
 * a span whose identifiers are used as types (annotations, base classes, {@code new X}), {@code @import.*} module
 * specifiers.
 *
 * <p>Parsing is bounded: files over {@link #MAX_PARSE_BYTES} are not parsed, a parse is cancelled after
 * {@link #PARSE_TIMEOUT}, and a query stops after {@link #MAX_CAPTURES} captures; the caller ranks such files lexically.
 */
final class TreeSitterSymbols implements SymbolExtractor {
    private static final Logger log = LoggerFactory.getLogger(TreeSitterSymbols.class);
    static final int MAX_PARSE_BYTES = 512 * 1024;
    static final Duration PARSE_TIMEOUT = Duration.ofSeconds(2);
    static final int MAX_CAPTURES = 200_000;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final int MAX_SIGNATURE_CHARS = 200;
    private static final int READ_CHUNK = 64 * 1024;

    private static final String PYTHON_QUERY = """
            (class_definition name: (identifier) @name) @definition.type
            (function_definition name: (identifier) @name) @definition.function
            (module (expression_statement (assignment left: (identifier) @name) @definition.variable))
            (class_definition body: (block (expression_statement (assignment left: (identifier) @name) @definition.member)))
            (identifier) @reference
            (type) @reference.type
            (class_definition superclasses: (argument_list) @reference.type)
            (import_statement name: (dotted_name) @import.module)
            (import_statement name: (aliased_import name: (dotted_name) @import.module))
            (import_from_statement module_name: (_) @import.from name: (dotted_name) @import.name)
            (import_from_statement module_name: (_) @import.from name: (aliased_import name: (dotted_name) @import.name))
            (import_from_statement module_name: (_) @import.from (wildcard_import))
            """;

    private static final String JAVASCRIPT_QUERY = """
            (function_declaration name: (identifier) @name) @definition.function
            (generator_function_declaration name: (identifier) @name) @definition.function
            (class_declaration name: (identifier) @name) @definition.type
            (method_definition name: (property_identifier) @name) @definition.function
            (variable_declarator name: (identifier) @name value: [(function_expression) (arrow_function)]) @definition.function
            (variable_declarator name: (identifier) @name value: (class)) @definition.type
            (program (lexical_declaration (variable_declarator name: (identifier) @name) @definition.variable))
            (program (variable_declaration (variable_declarator name: (identifier) @name) @definition.variable))
            (assignment_expression left: (member_expression property: (property_identifier) @name) right: [(function_expression) (arrow_function)]) @definition.function
            (assignment_expression left: (member_expression property: (property_identifier) @name) right: (class)) @definition.type
            (pair key: (property_identifier) @name value: [(function_expression) (arrow_function)]) @definition.function
            (identifier) @reference
            (property_identifier) @reference
            (shorthand_property_identifier) @reference
            (class_heritage) @reference.type
            (new_expression constructor: (_) @reference.type)
            (call_expression function: (identifier) @import.require arguments: (arguments . (string (string_fragment) @import.module)))
            (import_statement source: (string (string_fragment) @import.module))
            (export_statement source: (string (string_fragment) @import.module))
            """;

    private static final Optional<SymbolExtractor> PYTHON = load("Python", TreeSitterPython::new, PYTHON_QUERY, "#");
    private static final Optional<SymbolExtractor> JAVASCRIPT = load("JavaScript", TreeSitterJavascript::new, JAVASCRIPT_QUERY, "//");

    private final TSLanguage language;
    private final TSQuery query;
    private final String commentMarker;

    private TreeSitterSymbols(TSLanguage language, TSQuery query, String commentMarker) {
        this.language = language;
        this.query = query;
        this.commentMarker = commentMarker;
    }

    static Optional<SymbolExtractor> python() {
        return PYTHON;
    }

    static Optional<SymbolExtractor> javascript() {
        return JAVASCRIPT;
    }

    /** The grammar and its compiled query, or empty (logged once) when the native library does not load here. */
    private static Optional<SymbolExtractor> load(String name, Supplier<TSLanguage> grammar, String query, String comment) {
        try {
            TSLanguage language = grammar.get();
            return Optional.of(new TreeSitterSymbols(language, new TSQuery(language, query), comment));
        } catch (LinkageError | RuntimeException e) {
            log.warn("tree-sitter {} grammar unavailable, {} files are ranked lexically: {}", name, name, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public String commentMarker() {
        return commentMarker;
    }

    @Override
    public FileSymbols extract(String content) {
        byte[] utf8 = content.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_PARSE_BYTES) {
            throw new IllegalArgumentException("file of " + utf8.length + " bytes is over the parse limit of " + MAX_PARSE_BYTES);
        }
        TSParser parser = new TSParser();
        parser.setLanguage(language);
        long deadline = System.nanoTime() + PARSE_TIMEOUT.toNanos();
        // The progress callback returns true to cancel: a pathological input cannot hold a request thread.
        // The binding reads input in chunks through a TSReader into the buffer it is given (a null reader crashes the JVM).
        TSReader chunks = (buffer, offset, point) -> {
            int n = Math.max(0, Math.min(buffer.length, utf8.length - offset));
            System.arraycopy(utf8, offset, buffer, 0, n);
            return n;
        };
        TSTree tree = parser.parseWithOptions(new byte[READ_CHUNK], null, chunks, TSInputEncoding.TSInputEncodingUTF8,
                state -> System.nanoTime() > deadline);
        if (tree == null) {
            throw new IllegalStateException("tree-sitter parse cancelled after " + PARSE_TIMEOUT);
        }
        return new Collector(utf8).collect(tree.getRootNode());
    }

    /** Turns the query's matches over one tree into symbols. */
    private final class Collector {
        private final byte[] utf8;
        private final TreeMap<Integer, Found> definitions = new TreeMap<>();
        private final Map<String, Integer> references = new HashMap<>();
        private final Set<String> types = new LinkedHashSet<>();
        private final List<String> imports = new ArrayList<>();

        Collector(byte[] utf8) {
            this.utf8 = utf8;
        }

        FileSymbols collect(TSNode root) {
            TSQueryCursor cursor = new TSQueryCursor();
            cursor.exec(query, root);
            TSQueryMatch match = new TSQueryMatch();
            int captures = 0;
            while (cursor.nextMatch(match) && captures < MAX_CAPTURES) {
                Map<String, TSNode> byName = new HashMap<>();
                for (TSQueryCapture capture : match.getCaptures()) {
                    byName.put(query.getCaptureNameForId(capture.getIndex()), capture.getNode());
                    captures++;
                }
                take(byName);
            }
            return new FileSymbols(nest(), references, types, imports);
        }

        private void take(Map<String, TSNode> match) {
            for (var entry : match.entrySet()) {
                String capture = entry.getKey();
                TSNode node = entry.getValue();
                if (capture.startsWith("definition.") && match.containsKey("name")) {
                    define(capture, node, match.get("name"));
                } else if (capture.equals("reference")) {
                    references.merge(text(node), 1, Integer::sum);
                } else if (capture.equals("reference.type")) {
                    IDENTIFIER.matcher(text(node)).results().forEach(r -> types.add(r.group()));
                }
            }
            TSNode require = match.get("import.require");
            if (match.containsKey("import.module") && (require == null || text(require).equals("require"))) {
                imports.add(text(match.get("import.module")));
            } else if (match.containsKey("import.from")) {
                // from a.b import c: c may be a module (a/b/c.py) or a name in a/b; the map resolves whichever exists.
                String from = text(match.get("import.from"));
                TSNode name = match.get("import.name");
                imports.add(name == null ? from : from + (from.endsWith(".") ? "" : ".") + text(name));
                imports.add(from);
            }
        }

        private void define(String capture, TSNode node, TSNode name) {
            FileSymbols.Kind kind = switch (capture) {
                case "definition.type" -> FileSymbols.Kind.TYPE;
                case "definition.function" -> FileSymbols.Kind.FUNCTION;
                case "definition.member" -> FileSymbols.Kind.MEMBER_FIELD;
                default -> FileSymbols.Kind.VARIABLE;
            };
            Found found = new Found(text(name), kind, node.getStartByte(), node.getEndByte(), signature(node));
            // A module-level `const f = function…` matches as a variable and as a function: the specific kind wins.
            definitions.merge(name.getStartByte(), found, (a, b) -> a.kind() == FileSymbols.Kind.VARIABLE ? b : a);
        }

        /** Definitions in source order, each with the number of definitions enclosing it. */
        private List<FileSymbols.Definition> nest() {
            List<Found> ordered = new ArrayList<>(definitions.values());
            ordered.sort(Comparator.comparingInt(Found::start));
            List<FileSymbols.Definition> out = new ArrayList<>(ordered.size());
            List<Found> open = new ArrayList<>();
            for (Found f : ordered) {
                open.removeIf(o -> o.end() <= f.start());
                out.add(new FileSymbols.Definition(f.name(), f.kind(), open.size(), f.signature()));
                open.add(f);
            }
            return out;
        }

        /** The definition's text up to its body, on one line: {@code def parse(self, args):}, {@code function run(fn)}. */
        private String signature(TSNode node) {
            TSNode body = node.getChildByFieldName("body");
            for (String field : new String[] {"value", "right"}) {
                if (body == null || body.isNull()) {
                    TSNode value = node.getChildByFieldName(field);
                    body = value == null || value.isNull() ? null : value.getChildByFieldName("body");
                }
            }
            String header;
            if (body == null || body.isNull()) {
                // A variable: its first line says what it is without its whole value.
                String whole = text(node);
                int newline = whole.indexOf('\n');
                header = newline < 0 ? whole : whole.substring(0, newline);
            } else {
                header = slice(node.getStartByte(), body.getStartByte());
            }
            header = WHITESPACE.matcher(header).replaceAll(" ").strip();
            return header.length() <= MAX_SIGNATURE_CHARS ? header : header.substring(0, MAX_SIGNATURE_CHARS) + "…";
        }

        private String text(TSNode node) {
            return slice(node.getStartByte(), node.getEndByte());
        }

        private String slice(int start, int end) {
            return new String(utf8, start, Math.max(0, end - start), StandardCharsets.UTF_8);
        }
    }

    private record Found(String name, FileSymbols.Kind kind, int start, int end, String signature) {
    }
}
