package dev.assay.assembler;

import java.util.Locale;
import java.util.Optional;

/**
 * Parses one file into its {@link FileSymbols} with a real parser for its language. An extractor may throw on input
 * it cannot handle (a parser bug, a grammar the native library lacks): {@link RepositoryMap} catches per file and
 * ranks that file lexically.
 */
interface SymbolExtractor {

    FileSymbols extract(String content);

    /** The comment marker of the language, for the line that introduces an outline. */
    String commentMarker();

    /** The extractor for the file's language: Java, Python, JavaScript; empty for other files or a grammar that did not load. */
    static Optional<SymbolExtractor> forPath(String path) {
        String name = path.toLowerCase(Locale.ROOT);
        if (name.endsWith(".java")) {
            return Optional.of(JavaSymbols.INSTANCE);
        }
        if (name.endsWith(".py")) {
            return TreeSitterSymbols.python();
        }
        if (name.endsWith(".js") || name.endsWith(".mjs") || name.endsWith(".cjs") || name.endsWith(".jsx")) {
            return TreeSitterSymbols.javascript();
        }
        return Optional.empty();
    }
}
