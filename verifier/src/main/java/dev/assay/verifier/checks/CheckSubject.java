package dev.assay.verifier.checks;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssembledContext;
import dev.assay.avro.ContextFile;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a {@link Check} looks at: the generated files, the sandbox output, the requested language and artifact kind,
 * and the paths already known to the request (so imports of the project's own modules are not flagged).
 */
public record CheckSubject(Language language, ArtifactKind kind, List<SourceFile> files, String stdout, String stderr,
        Set<String> knownPaths) {

    public CheckSubject {
        files = List.copyOf(files);
        knownPaths = Set.copyOf(knownPaths);
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
    }

    public static CheckSubject of(ExecutionResult result) {
        AssembledContext context = result.getGeneration().getContext();
        Set<String> known = new LinkedHashSet<>();
        result.getGeneration().getFiles().forEach(f -> known.add(f.getPath()));
        context.getFiles().forEach((ContextFile f) -> known.add(f.getPath()));
        context.getRequest().getFiles().forEach(f -> known.add(f.getPath()));
        known.addAll(context.getRequest().getTargetPaths());
        return new CheckSubject(context.getRequest().getLanguage(), context.getRequest().getArtifactKind(),
                result.getGeneration().getFiles(), result.getStdout(), result.getStderr(), known);
    }

    /** The language of one file by its extension, falling back to the requested language. */
    public Language languageOf(SourceFile file) {
        String path = file.getPath().toLowerCase(Locale.ROOT);
        if (path.endsWith(".py")) {
            return Language.PYTHON;
        }
        if (path.endsWith(".java")) {
            return Language.JAVA;
        }
        if (path.endsWith(".js") || path.endsWith(".mjs") || path.endsWith(".cjs") || path.endsWith(".ts")) {
            return Language.JAVASCRIPT;
        }
        return isSourceLike(path) ? language : Language.UNKNOWN;
    }

    private static boolean isSourceLike(String path) {
        return !(path.endsWith(".md") || path.endsWith(".txt") || path.endsWith(".json") || path.endsWith(".yaml")
                || path.endsWith(".yml") || path.endsWith(".toml") || path.endsWith(".cfg") || path.endsWith(".ini"));
    }
}
