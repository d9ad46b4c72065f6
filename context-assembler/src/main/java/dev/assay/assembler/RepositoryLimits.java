package dev.assay.assembler;

import dev.assay.runtime.AssayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What repository context an assembler may read. Both sources are off unless configured, because a request naming
 * a path or URL would otherwise make the assembler read its own disk or reach internal hosts.
 *
 * <p>Keys: {@code assembler.repository.local.roots} (comma-separated directories; {@code file:} paths and
 * {@code file://} git URLs must lie under one; empty = local sources off), {@code assembler.repository.git.hosts}
 * (comma-separated host names allowed for {@code https://} clones; empty = git off),
 * {@code assembler.repository.max.files} (2000 files read), {@code assembler.repository.max.file.bytes} (65536;
 * larger files are skipped), {@code assembler.repository.max.total.bytes} (4194304; reading stops there),
 * {@code assembler.repository.git.max.objects} (50000; a clone needing more is cancelled),
 * {@code assembler.repository.git.timeout.seconds} (60).
 */
public record RepositoryLimits(
        List<Path> localRoots,
        List<String> gitHosts,
        int maxFiles,
        int maxFileBytes,
        long maxTotalBytes,
        int maxGitObjects,
        Duration gitTimeout) {

    public RepositoryLimits {
        localRoots = List.copyOf(localRoots);
        gitHosts = List.copyOf(gitHosts);
    }

    public static RepositoryLimits from(AssayConfig config) {
        return new RepositoryLimits(
                csv(config.string("assembler.repository.local.roots", "")).stream().map(p -> Path.of(p).toAbsolutePath().normalize()).toList(),
                csv(config.string("assembler.repository.git.hosts", "")).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(),
                config.integer("assembler.repository.max.files", 2000),
                config.integer("assembler.repository.max.file.bytes", 64 * 1024),
                config.longValue("assembler.repository.max.total.bytes", 4L * 1024 * 1024),
                config.integer("assembler.repository.git.max.objects", 50_000),
                Duration.ofSeconds(config.integer("assembler.repository.git.timeout.seconds", 60)));
    }

    private static List<String> csv(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
