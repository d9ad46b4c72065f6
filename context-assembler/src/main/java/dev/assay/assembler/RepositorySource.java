package dev.assay.assembler;

import dev.assay.avro.RepositoryRef;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repository context: a local directory under a configured root ({@code file:/...} or an absolute path), or a
 * shallow ({@code depth 1}) JGit clone of an {@code https://} URL on an allowed host, or of a local repository when
 * a {@code ref} is given. Clones go to a temporary directory that is deleted afterwards; nothing is cached, so a
 * replay reads the repository again (a ref that moved gives different context — pin a tag for repeatability).
 */
public final class RepositorySource {
    private static final Logger log = LoggerFactory.getLogger(RepositorySource.class);
    private static final Pattern SAFE_REF = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,199}");

    private final RepositoryLimits limits;

    public RepositorySource(RepositoryLimits limits) {
        this.limits = limits;
    }

    /** Whether this assembler reads any repository at all. */
    public boolean enabled() {
        return !limits.localRoots().isEmpty() || !limits.gitHosts().isEmpty();
    }

    /** A problem with the reference that needs no I/O to see, or empty. Never quotes the URL. */
    public Optional<String> problem(RepositoryRef ref) {
        if (!enabled()) {
            return Optional.of("repository context is not enabled on this assembler; send the files inline");
        }
        if (ref.getRef() != null && (!SAFE_REF.matcher(ref.getRef()).matches() || ref.getRef().contains(".."))) {
            return Optional.of("repository ref is not a plain branch or tag name");
        }
        URI uri;
        try {
            uri = location(ref.getUrl());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.of("repository url is not a valid URL or absolute path");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("file") && !scheme.equals("https")) {
            return Optional.of("repository url scheme '" + scheme + "' is not supported (https or a local path)");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("repository url must not carry credentials");
        }
        if (scheme.equals("file")) {
            return limits.localRoots().isEmpty() ? Optional.of("local repository paths are not enabled on this assembler") : Optional.empty();
        }
        if (scheme.equals("https")) {
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            return limits.gitHosts().contains(host) ? Optional.empty()
                    : Optional.of("repository host is not in assembler.repository.git.hosts");
        }
        return Optional.empty();
    }

    /** Reads the repository's text files within the limits. */
    public TreeReader.Snapshot load(RepositoryRef ref) throws RepositoryException {
        Optional<String> problem = problem(ref);
        if (problem.isPresent()) {
            throw new RepositoryException(RepositoryException.Reason.NOT_ALLOWED, problem.get());
        }
        URI uri;
        try {
            uri = location(ref.getUrl());
        } catch (URISyntaxException e) {
            throw new RepositoryException(RepositoryException.Reason.NOT_ALLOWED, "repository url is not valid", e);
        }
        if (uri.getScheme().equalsIgnoreCase("file")) {
            Path dir = allowedLocalPath(Path.of(uri));
            return ref.getRef() == null ? TreeReader.read(dir, limits) : cloneAndRead(dir.toUri().toString(), ref.getRef());
        }
        return cloneAndRead(uri.toString(), ref.getRef());
    }

    /** The real path, if it is a directory under a configured root (symbolic links resolved before the check). */
    private Path allowedLocalPath(Path requested) throws RepositoryException {
        Path real;
        try {
            real = requested.toRealPath();
        } catch (IOException e) {
            throw new RepositoryException(RepositoryException.Reason.NOT_FOUND, "repository path does not exist", e);
        }
        for (Path root : limits.localRoots()) {
            try {
                if (real.startsWith(root.toRealPath()) && Files.isDirectory(real)) {
                    return real;
                }
            } catch (IOException e) {
                log.warn("configured repository root {} is not readable: {}", root, e.toString());
            }
        }
        throw new RepositoryException(RepositoryException.Reason.NOT_ALLOWED,
                "repository path is not a directory under assembler.repository.local.roots");
    }

    private TreeReader.Snapshot cloneAndRead(String uri, String branch) throws RepositoryException {
        Path tmp;
        try {
            tmp = Files.createTempDirectory("assay-repo-");
        } catch (IOException e) {
            throw new RepositoryException(RepositoryException.Reason.UNREADABLE, "no temporary space for the clone", e);
        }
        ObjectLimit monitor = new ObjectLimit(limits.maxGitObjects());
        try {
            var clone = Git.cloneRepository().setURI(uri).setDirectory(tmp.toFile()).setDepth(1).setNoTags()
                    .setCloneSubmodules(false).setTimeout((int) limits.gitTimeout().toSeconds()).setProgressMonitor(monitor);
            if (branch != null) {
                String fullRef = resolveRef(uri, branch);
                clone.setBranch(fullRef).setBranchesToClone(java.util.List.of(fullRef));
            }
            try (Git git = clone.call()) {
                return TreeReader.read(tmp, limits);
            }
        } catch (InvalidRemoteException e) {
            throw new RepositoryException(RepositoryException.Reason.NOT_FOUND, "repository does not exist or is not reachable", e);
        } catch (TransportException e) {
            if (monitor.cancelled) {
                throw new RepositoryException(RepositoryException.Reason.TOO_LARGE,
                        "repository needs more than " + limits.maxGitObjects() + " objects", e);
            }
            if (e.getCause() instanceof NoRemoteRepositoryException) {
                throw new RepositoryException(RepositoryException.Reason.NOT_FOUND, "repository does not exist", e);
            }
            throw new RepositoryException(RepositoryException.Reason.UNREADABLE, "repository could not be fetched", e);
        } catch (GitAPIException | org.eclipse.jgit.api.errors.JGitInternalException e) {
            if (monitor.cancelled) {
                throw new RepositoryException(RepositoryException.Reason.TOO_LARGE,
                        "repository needs more than " + limits.maxGitObjects() + " objects", e);
            }
            throw new RepositoryException(RepositoryException.Reason.UNREADABLE, "repository could not be cloned", e);
        } finally {
            deleteTree(tmp);
        }
    }

    /** The full name of a branch (preferred) or tag, asked of the remote, so a clone fetches exactly that ref. */
    private String resolveRef(String uri, String name) throws GitAPIException, RepositoryException {
        java.util.Set<String> refs = new java.util.HashSet<>();
        Git.lsRemoteRepository().setRemote(uri).setHeads(true).setTags(true).setTimeout((int) limits.gitTimeout().toSeconds())
                .call().forEach(r -> refs.add(r.getName()));
        for (String candidate : java.util.List.of("refs/heads/" + name, "refs/tags/" + name)) {
            if (refs.contains(candidate)) {
                return candidate;
            }
        }
        throw new RepositoryException(RepositoryException.Reason.NOT_FOUND, "repository ref does not exist");
    }

    /** Accepts {@code file:}, {@code https:} URLs and bare absolute paths. */
    private static URI location(String url) throws URISyntaxException {
        if (url == null || url.isBlank()) {
            throw new URISyntaxException(String.valueOf(url), "blank");
        }
        if (url.startsWith("/")) {
            return Path.of(url).toUri();
        }
        URI uri = new URI(url);
        if (uri.getScheme() == null) {
            throw new URISyntaxException(url, "no scheme");
        }
        return uri;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("could not delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("could not clean up clone directory {}: {}", dir, e.toString());
        }
    }

    /** Cancels a clone whose object count exceeds the limit: JGit has no size cap of its own. */
    private static final class ObjectLimit implements ProgressMonitor {
        private final int maxObjects;
        private volatile boolean cancelled;

        ObjectLimit(int maxObjects) {
            this.maxObjects = maxObjects;
        }

        @Override
        public void start(int totalTasks) {
        }

        @Override
        public void beginTask(String title, int totalWork) {
            if (totalWork != UNKNOWN && totalWork > maxObjects) {
                cancelled = true;
            }
        }

        @Override
        public void update(int completed) {
        }

        @Override
        public void endTask() {
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public void showDuration(boolean enabled) {
        }
    }
}
