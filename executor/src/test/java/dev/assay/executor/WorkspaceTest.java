package dev.assay.executor;

import static dev.assay.executor.Generations.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkspaceTest {
    @TempDir
    Path scratch;

    @Test
    void generatedFilesOverlayTheRequestFilesAndTheDirectoryIsDeletedOnClose() throws Exception {
        Path root;
        try (Workspace ws = Workspace.create(scratch,
                List.of(file("calc.py", "old"), file("tests/test_calc.py", "test")),
                List.of(file("calc.py", "new"), file("pkg/util.py", "u")), 1000)) {
            root = ws.root();
            assertThat(root.resolve("calc.py")).hasContent("new");
            assertThat(root.resolve("tests/test_calc.py")).hasContent("test");
            assertThat(root.resolve("pkg/util.py")).hasContent("u");
            assertThat(Files.getPosixFilePermissions(root.resolve("pkg")))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            assertThat(Files.getPosixFilePermissions(root.resolve("pkg/util.py")))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        assertThat(root).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../escape.py", "a/../../b.py", "a/./b.py", "./a.py", "a//b.py", "~/x",
            "a\\..\\b.py", "C:/x.py", "bad\u0000name", "new\nline.py", ".assay/python_harness.py", "", "dir/"})
    void rejectsUnsafePaths(String path) {
        assertThatThrownBy(() -> Workspace.checkPath(path)).isInstanceOf(WorkspaceException.class);
        assertThatThrownBy(() -> Workspace.create(scratch, List.of(), List.of(file(path, "x")), 1000))
                .isInstanceOf(WorkspaceException.class);
        assertThat(scratch).isEmptyDirectory();
    }

    @Test
    void acceptsOrdinaryNestedPathsAndDotFilesOutsideTheReservedFolder() throws Exception {
        assertThat(Workspace.checkPath("src/main/java/App.java")).isEqualTo("src/main/java/App.java");
        assertThat(Workspace.checkPath(".gitignore")).isEqualTo(".gitignore");
        assertThat(Workspace.checkPath("a..b.py")).isEqualTo("a..b.py");
    }

    @Test
    void rejectsAFileThatIsAlsoAFolderAndCleansUp() {
        assertThatThrownBy(() -> Workspace.create(scratch, List.of(file("a", "x")), List.of(file("a/b.py", "y")), 1000))
                .isInstanceOf(WorkspaceException.class).hasMessageContaining("a/b.py");
        assertThat(scratch).isEmptyDirectory();
    }

    @Test
    void rejectsContentAboveTheWorkspaceLimit() {
        assertThatThrownBy(() -> Workspace.create(scratch, List.of(), List.of(file("big.py", "x".repeat(2000))), 1000))
                .isInstanceOf(WorkspaceException.class).hasMessageContaining("1000");
    }

    @Test
    void reservedFilesGoUnderTheReservedFolder() throws Exception {
        try (Workspace ws = Workspace.create(scratch, List.of(), List.of(file("a.py", "")), 1000)) {
            Path harness = ws.writeReserved("h.py", "print()".getBytes());
            assertThat(harness).isEqualTo(ws.root().resolve(".assay/h.py")).hasContent("print()");
        }
    }
}
