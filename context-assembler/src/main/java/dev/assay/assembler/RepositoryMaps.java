package dev.assay.assembler;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.assay.avro.SourceFile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repository maps cached per snapshot, and file symbols cached per content, both bounded (Caffeine, least recently
 * used first out). A snapshot's key is a digest of every path and content, so it is the same for the same repository
 * at the same commit, whichever way the files arrived (clone, local directory, inline), and can never serve a map of
 * other content. A map for a new commit re-parses only the files that changed: the rest are found by content.
 */
final class RepositoryMaps {
    private static final Logger log = LoggerFactory.getLogger(RepositoryMaps.class);

    private final RelevanceScorer scorer;
    private final Cache<String, RepositoryMap> maps;
    private final Cache<String, Optional<RepositoryMap.ParsedFile>> parsed;

    RepositoryMaps(RelevanceScorer scorer, int maxMaps, int maxParsedFiles) {
        this.scorer = scorer;
        this.maps = Caffeine.newBuilder().maximumSize(maxMaps).build();
        this.parsed = Caffeine.newBuilder().maximumSize(maxParsedFiles).build();
    }

    /** The map of exactly these files, built on first use. */
    RepositoryMap of(List<SourceFile> files) {
        MessageDigest snapshot = sha256();
        String[] fileKeys = new String[files.size()];
        for (int i = 0; i < files.size(); i++) {
            SourceFile f = files.get(i);
            fileKeys[i] = FileKinds.extension(f.getPath()) + ":" + hex(sha256().digest(f.getContent().getBytes(StandardCharsets.UTF_8)));
            snapshot.update(f.getPath().getBytes(StandardCharsets.UTF_8));
            snapshot.update((byte) 0);
            snapshot.update(fileKeys[i].getBytes(StandardCharsets.UTF_8));
            snapshot.update((byte) 0);
        }
        return maps.get(hex(snapshot.digest()), k -> {
            long start = System.nanoTime();
            List<Optional<RepositoryMap.ParsedFile>> symbols = new ArrayList<>(files.size());
            for (int i = 0; i < files.size(); i++) {
                SourceFile f = files.get(i);
                symbols.add(parsed.get(fileKeys[i], key -> parse(f)));
            }
            RepositoryMap map = new RepositoryMap(files, symbols, scorer);
            log.debug("repository map of {} files built in {} ms, {} read by a parser", map.size(),
                    (System.nanoTime() - start) / 1_000_000, map.parsedFiles());
            return map;
        });
    }

    /**
     * A file's symbols, or empty when it has no parser or the parser failed on it: then the file is ranked lexically
     * and outlined line by line. Errors are caught per file (a deeply nested file can overflow JavaParser's stack) so
     * one pathological file cannot fail a request.
     */
    private static Optional<RepositoryMap.ParsedFile> parse(SourceFile file) {
        Optional<SymbolExtractor> extractor = SymbolExtractor.forPath(file.getPath());
        if (extractor.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RepositoryMap.ParsedFile(extractor.get().extract(file.getContent()), extractor.get().commentMarker()));
        } catch (RuntimeException | StackOverflowError e) {
            log.debug("{} not parsed, ranked lexically: {}", file.getPath(), e.toString());
            return Optional.empty();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
