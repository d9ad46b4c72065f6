package dev.assay.assembler;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a parser found in one file: the names it defines (with their signatures, for outlines), the identifiers it
 * uses and how often, the names it uses as types, and the modules it imports (as written, resolved to files by
 * {@link RepositoryMap}).
 */
record FileSymbols(List<Definition> definitions, Map<String, Integer> references, Set<String> typeReferences,
        List<String> imports) {

    /** Nothing known: the file is ranked lexically only. */
    static final FileSymbols NONE = new FileSymbols(List.of(), Map.of(), Set.of(), List.of());

    FileSymbols {
        definitions = List.copyOf(definitions);
        references = Map.copyOf(references);
        typeReferences = Set.copyOf(typeReferences);
        imports = List.copyOf(imports);
    }

    /** What a definition declares: types are what type-definition links follow; members only appear in outlines. */
    enum Kind { TYPE, FUNCTION, VARIABLE, MEMBER_FIELD }

    /**
     * One definition, in source order. {@code depth} is how many definitions enclose it (a method of a top-level
     * class has depth 1); {@code signature} is its header without the body, on one line.
     */
    record Definition(String name, Kind kind, int depth, String signature) {
    }

    boolean isEmpty() {
        return definitions.isEmpty() && references.isEmpty() && imports.isEmpty();
    }

    /** Names this file defines that other files can refer to (types, functions, module-level variables). */
    Set<String> definedNames() {
        Set<String> out = new LinkedHashSet<>();
        definitions.stream().filter(d -> d.kind() != Kind.MEMBER_FIELD).forEach(d -> out.add(d.name()));
        return out;
    }

    /** Names of the types this file defines. */
    Set<String> definedTypes() {
        Set<String> out = new LinkedHashSet<>();
        definitions.stream().filter(d -> d.kind() == Kind.TYPE).forEach(d -> out.add(d.name()));
        return out;
    }

    /**
     * The outline: each definition's signature indented by its depth, down to {@code maxDepth}; empty when the file
     * defines nothing. The comment line says what the model is looking at.
     */
    Optional<String> outline(String commentMarker, int maxDepth) {
        StringBuilder out = new StringBuilder(commentMarker).append(" outline only: signatures, bodies elided to fit the token budget\n");
        int lines = 0;
        for (Definition d : definitions) {
            if (d.depth() <= maxDepth) {
                out.append("    ".repeat(d.depth())).append(d.signature()).append('\n');
                lines++;
            }
        }
        return lines == 0 ? Optional.empty() : Optional.of(out.toString());
    }
}
