package dev.assay.assembler;

import dev.assay.avro.AssayRequest;
import dev.assay.avro.Language;
import dev.assay.avro.SourceFile;
import dev.assay.schemas.WorkspacePaths;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a request can enter the pipeline, listing every problem found (not just the first) so the
 * requester can fix them in one go. Problems never quote file contents or repository URLs, which may hold secrets.
 *
 * <p>Policy decisions: {@code artifactKind} OTHER is accepted (it is the schema default; the risk gate treats an
 * unclassified artifact conservatively). A repository reference must pass {@link RepositorySource#problem}: off
 * unless configured, and then limited to allowed roots and hosts.
 */
public final class RequestValidator {
    /** Upper bound of {@code maxAttempts}: each attempt is a model call and a sandbox run. */
    public static final int MAX_ATTEMPTS = 10;
    /** Upper bound of {@code candidates}; the generator may allow fewer ({@code generator.candidates.max}). */
    public static final int MAX_CANDIDATES = 10;

    private final AssemblerConfig config;
    private final RepositorySource repositories;

    public RequestValidator(AssemblerConfig config, RepositorySource repositories) {
        this.config = config;
        this.repositories = repositories;
    }

    /**
     * @param key the record key, or null when the record had none
     * @return the problems, empty when the request is valid
     */
    public List<String> validate(String key, AssayRequest request) {
        List<String> problems = new ArrayList<>();
        String id = request.getRequestId();
        if (id == null || id.isBlank()) {
            problems.add("requestId is blank");
        } else if (key != null && !key.equals(id)) {
            problems.add("record key does not match requestId");
        }
        String task = request.getTask();
        if (task == null || task.isBlank()) {
            problems.add("task is blank");
        } else if (task.length() > config.maxTaskChars()) {
            problems.add("task is longer than " + config.maxTaskChars() + " characters");
        }
        Language language = request.getLanguage();
        if (language == null || language == Language.UNKNOWN) {
            problems.add("language is missing (one of " + config.languages() + ")");
        } else if (!config.languages().contains(language)) {
            problems.add("language " + language + " is not supported (supported: " + config.languages() + ")");
        }
        if (request.getArtifactKind() == null) {
            problems.add("artifactKind is missing");
        }
        if (request.getMaxAttempts() < 1 || request.getMaxAttempts() > MAX_ATTEMPTS) {
            problems.add("maxAttempts " + request.getMaxAttempts() + " is outside 1.." + MAX_ATTEMPTS);
        }
        Integer candidates = request.getCandidates();
        if (candidates != null && (candidates < 1 || candidates > MAX_CANDIDATES)) {
            problems.add("candidates " + candidates + " is outside 1.." + MAX_CANDIDATES);
        }
        if (request.getTokenBudget() < config.minTokenBudget() || request.getTokenBudget() > config.maxTokenBudget()) {
            problems.add("tokenBudget " + request.getTokenBudget() + " is outside " + config.minTokenBudget() + ".."
                    + config.maxTokenBudget());
        }
        if (request.getRepository() != null) {
            repositories.problem(request.getRepository()).ifPresent(problems::add);
        }
        checkTargets(request.getTargetPaths(), problems);
        checkFiles(request.getFiles(), problems);
        return List.copyOf(problems);
    }

    private void checkTargets(List<String> targets, List<String> problems) {
        if (targets.size() > config.maxFiles()) {
            problems.add("targetPaths has " + targets.size() + " entries, more than " + config.maxFiles());
            return;
        }
        Set<String> seen = new HashSet<>();
        for (String target : targets) {
            WorkspacePaths.problem(target).ifPresent(p -> problems.add("target path '" + printable(target) + "' " + p));
            if (!seen.add(target)) {
                problems.add("target path '" + printable(target) + "' is listed twice");
            }
        }
    }

    private void checkFiles(List<SourceFile> files, List<String> problems) {
        if (files.size() > config.maxFiles()) {
            problems.add("files has " + files.size() + " entries, more than " + config.maxFiles());
            return;
        }
        Set<String> seen = new HashSet<>();
        long total = 0;
        for (SourceFile file : files) {
            String path = file.getPath();
            WorkspacePaths.problem(path).ifPresent(p -> problems.add("file path '" + printable(path) + "' " + p));
            if (!seen.add(path)) {
                problems.add("file path '" + printable(path) + "' is listed twice");
            }
            int bytes = file.getContent().getBytes(StandardCharsets.UTF_8).length;
            total += bytes;
            if (bytes > config.maxFileBytes()) {
                problems.add("file '" + printable(path) + "' has " + bytes + " bytes, more than " + config.maxFileBytes());
            }
        }
        if (total > config.maxTotalBytes()) {
            problems.add("files total " + total + " bytes, more than " + config.maxTotalBytes());
        }
    }

    /** Paths are echoed in reasons; keep them short and free of control characters. */
    private static String printable(String path) {
        if (path == null) {
            return "";
        }
        String cleaned = path.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return cleaned.length() > 80 ? cleaned.substring(0, 80) + "…" : cleaned;
    }
}
