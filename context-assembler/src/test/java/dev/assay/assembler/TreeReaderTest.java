package dev.assay.assembler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.SourceFile;
import dev.assay.runtime.AssayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeReaderTest {
    private final RepositoryLimits limits = RepositoryLimits.from(AssayConfig.of(Map.of()));

    @Test
    void readsTheTreeOfACommitFromTheObjectStoreWithoutLaterHistory(@TempDir Path dir) throws Exception {
        ObjectId first;
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Files.writeString(dir.resolve("app.py"), "def run():\n    pass\n");
            Files.createDirectories(dir.resolve("node_modules/x"));
            Files.writeString(dir.resolve("node_modules/x/index.js"), "module.exports = 1;\n");
            Files.write(dir.resolve("logo.bin"), new byte[] {1, 0, 2});
            git.add().addFilepattern(".").call();
            first = git.commit().setMessage("first").setSign(false).setAuthor("a", "a@example.com").call().getId();
            Files.writeString(dir.resolve("app.py"), "def run():\n    return 'later'\n");
            Files.writeString(dir.resolve("later.py"), "x = 1\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("second").setSign(false).setAuthor("a", "a@example.com").call();

            TreeReader.Snapshot snapshot = TreeReader.read(git.getRepository(), first, limits);

            assertThat(snapshot.files()).extracting(SourceFile::getPath).containsExactly("app.py");
            assertThat(snapshot.files().getFirst().getContent()).isEqualTo("def run():\n    pass\n");
            assertThat(snapshot.skipped()).containsExactly("logo.bin");
        }
    }
}
