package dev.assay.generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Canned completions for demos and tests, never a model: {@code <dir>/<requestId>.attempt-<n>.md} answers attempt n,
 * and {@code <dir>/<requestId>.attempt-<n>.candidate-<k>.md}, when present, answers candidate k of attempt n. When
 * neither exists the highest-numbered attempt file below n answers (so one file can serve every retry and candidate);
 * when there is none the call fails. Every generation from here is marked {@code scripted=true}.
 */
public final class ScriptedProvider implements ModelProvider {
    public static final String NAME = "scripted";
    /** Request ids become file names here: nothing that could leave the directory or hide a file. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");

    private final Path dir;

    public ScriptedProvider(Path dir) {
        this.dir = dir;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String model() {
        return NAME;
    }

    @Override
    public boolean scripted() {
        return true;
    }

    @Override
    public Completion complete(Prompt prompt) throws ModelProviderException {
        String id = prompt.requestId();
        int attempt = prompt.attempt();
        if (!SAFE_ID.matcher(id).matches() || id.contains("..")) {
            throw new ModelProviderException("no scripted completion for request " + id + " attempt " + attempt
                    + " (request id is not usable as a file name)");
        }
        Path candidateFile = dir.resolve(id + ".attempt-" + attempt + ".candidate-" + prompt.candidate() + ".md");
        Path file = Files.isRegularFile(candidateFile) ? candidateFile : findFile(id, attempt).orElseThrow(() ->
                new ModelProviderException("no scripted completion for request " + id + " attempt " + attempt));
        try {
            return new Completion(Files.readString(file, StandardCharsets.UTF_8), 0, 0, NAME);
        } catch (IOException e) {
            throw new ModelProviderException("scripted completion " + file.getFileName() + " is unreadable: " + e.getMessage(), e);
        }
    }

    private Optional<Path> findFile(String id, int attempt) throws ModelProviderException {
        Path exact = dir.resolve(id + ".attempt-" + attempt + ".md");
        if (Files.isRegularFile(exact)) {
            return Optional.of(exact);
        }
        Pattern name = Pattern.compile(Pattern.quote(id) + "\\.attempt-(\\d{1,4})\\.md");
        try (Stream<Path> files = Files.list(dir)) {
            Path best = null;
            int bestAttempt = 0;
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = name.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    int n = Integer.parseInt(m.group(1));
                    if (n <= attempt && n > bestAttempt) {
                        best = p;
                        bestAttempt = n;
                    }
                }
            }
            return Optional.ofNullable(best);
        } catch (IOException e) {
            throw new ModelProviderException("scripted completion directory " + dir + " is unreadable: " + e.getMessage(), e);
        }
    }
}
