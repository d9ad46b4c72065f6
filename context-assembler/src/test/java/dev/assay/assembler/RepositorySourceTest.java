package dev.assay.assembler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.avro.RepositoryRef;
import dev.assay.avro.SourceFile;
import dev.assay.runtime.AssayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositorySourceTest {
    @TempDir
    Path root;
    @TempDir
    Path outside;

    private RepositorySource source(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(extra);
        values.put("assembler.repository.local.roots", root.toString());
        return new RepositorySource(RepositoryLimits.from(AssayConfig.of(values)));
    }

    private static RepositoryRef ref(String url, String ref) {
        return RepositoryRef.newBuilder().setUrl(url).setRef(ref).build();
    }

    @Test
    void readsTextFilesOfALocalDirectorySkippingBuildOutputBinariesAndLargeFiles() throws Exception {
        Path repo = Files.createDirectories(root.resolve("proj/src"));
        Files.writeString(repo.resolve("app.py"), "print('hi')\n");
        Files.writeString(Files.createDirectories(root.resolve("proj/node_modules/x")).resolve("index.js"), "module.exports = 1;\n");
        Files.writeString(Files.createDirectories(root.resolve("proj/.git")).resolve("config"), "[core]\n");
        Files.write(root.resolve("proj/logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
        Files.writeString(root.resolve("proj/big.txt"), "x".repeat(200));

        TreeReader.Snapshot snapshot = source(Map.of("assembler.repository.max.file.bytes", "100"))
                .load(ref("file:" + root.resolve("proj"), null));

        assertThat(snapshot.files()).extracting(SourceFile::getPath).containsExactly("src/app.py");
        assertThat(snapshot.skipped()).containsExactlyInAnyOrder("big.txt", "logo.png");
    }

    @Test
    void neverFollowsSymbolicLinksOutOfTheTree() throws Exception {
        Files.writeString(outside.resolve("id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
        Path repo = Files.createDirectories(root.resolve("proj"));
        Files.writeString(repo.resolve("ok.py"), "X = 1\n");
        Files.createSymbolicLink(repo.resolve("key.py"), outside.resolve("id_rsa"));
        Files.createSymbolicLink(repo.resolve("home"), outside);

        TreeReader.Snapshot snapshot = source(Map.of()).load(ref(repo.toString(), null));

        assertThat(snapshot.files()).extracting(SourceFile::getPath).containsExactly("ok.py");
    }

    @Test
    void refusesPathsOutsideTheRootsIncludingThroughALink() throws Exception {
        Files.createSymbolicLink(root.resolve("escape"), outside);

        assertThatThrownBy(() -> source(Map.of()).load(ref(outside.toString(), null))).isInstanceOf(RepositoryException.class)
                .hasMessage("repository path is not a directory under assembler.repository.local.roots")
                .satisfies(e -> assertThat(((RepositoryException) e).reason()).isEqualTo(RepositoryException.Reason.NOT_ALLOWED));
        assertThatThrownBy(() -> source(Map.of()).load(ref(root.resolve("escape").toString(), null)))
                .hasMessage("repository path is not a directory under assembler.repository.local.roots");
        assertThatThrownBy(() -> source(Map.of()).load(ref(root.resolve("missing").toString(), null)))
                .satisfies(e -> assertThat(((RepositoryException) e).reason()).isEqualTo(RepositoryException.Reason.NOT_FOUND));
    }

    @Test
    void stopsAtTheFileCountAndTotalSizeLimits() throws Exception {
        Path repo = Files.createDirectories(root.resolve("proj"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(repo.resolve("f" + i + ".py"), "x = " + i + "\n");
        }

        assertThat(source(Map.of("assembler.repository.max.files", "3")).load(ref(repo.toString(), null)).files()).hasSize(3);
        TreeReader.Snapshot bySize = source(Map.of("assembler.repository.max.total.bytes", "12")).load(ref(repo.toString(), null));
        assertThat(bySize.files()).hasSize(2);
        assertThat(bySize.skipped()).hasSize(3);
    }

    @Test
    void shallowClonesABranchOrTagOfALocalRepository() throws Exception {
        Path repo = Files.createDirectories(root.resolve("gitrepo"));
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            Files.writeString(repo.resolve("lib.py"), "VERSION = 1\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("one").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").setSign(false).call();
            git.tag().setName("v1").setSigned(false).call();
            Files.writeString(repo.resolve("lib.py"), "VERSION = 2\n");
            Files.writeString(repo.resolve("new.py"), "NEW = True\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("two").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").setSign(false).call();
        }
        // The working tree has an uncommitted change: a clone of the ref must not see it.
        Files.writeString(repo.resolve("lib.py"), "VERSION = 'dirty'\n");
        java.util.List<String> clonesBefore = cloneDirs();

        TreeReader.Snapshot main = source(Map.of()).load(ref(repo.toString(), "main"));
        TreeReader.Snapshot v1 = source(Map.of()).load(ref(repo.toString(), "v1"));

        assertThat(main.files()).extracting(SourceFile::getPath).containsExactly("lib.py", "new.py");
        assertThat(main.files().getFirst().getContent()).isEqualTo("VERSION = 2\n");
        assertThat(v1.files()).extracting(SourceFile::getPath, SourceFile::getContent)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("lib.py", "VERSION = 1\n"));
        assertThatThrownBy(() -> source(Map.of()).load(ref(repo.toString(), "no-such-branch")))
                .isInstanceOf(RepositoryException.class).hasMessage("repository ref does not exist")
                .satisfies(e -> assertThat(((RepositoryException) e).reason()).isEqualTo(RepositoryException.Reason.NOT_FOUND));
        assertThatThrownBy(() -> source(Map.of("assembler.repository.git.max.objects", "2")).load(ref(repo.toString(), "main")))
                .isInstanceOf(RepositoryException.class)
                .satisfies(e -> assertThat(((RepositoryException) e).reason()).isEqualTo(RepositoryException.Reason.TOO_LARGE));
        assertThat(cloneDirs()).as("clone directories are deleted").isEqualTo(clonesBefore);
    }

    private static java.util.List<String> cloneDirs() throws java.io.IOException {
        try (var entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("assay-repo-")).sorted().toList();
        }
    }

    @Test
    void httpsClonesOnlyFromAllowedHosts() {
        RepositorySource source = new RepositorySource(RepositoryLimits.from(AssayConfig.of(Map.of("assembler.repository.git.hosts", "git.example.com"))));
        assertThatThrownBy(() -> source.load(ref("https://evil.example.net/x.git", null)))
                .hasMessage("repository host is not in assembler.repository.git.hosts");
        assertThatThrownBy(() -> source.load(ref("file:///etc", null))).hasMessage("local repository paths are not enabled on this assembler");
    }
}
