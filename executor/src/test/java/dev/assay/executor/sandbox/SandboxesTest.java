package dev.assay.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxesTest {
    @TempDir
    Path scratch;

    @Test
    void withNoBackendInstalledCreationFailsClearlyInsteadOfRunningUnsandboxed() {
        assertThatThrownBy(() -> Sandboxes.create(Sandboxes.Choice.AUTO, Optional.empty(), Optional.empty(), scratch, 200_000, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no usable sandbox")
                .hasMessageContaining("runsc is not installed")
                .hasMessageContaining("bwrap is not installed")
                .hasMessageContaining("never run unsandboxed");
    }

    @Test
    void anExplicitRunscChoiceDoesNotFallBack() {
        assertThatThrownBy(() -> Sandboxes.create(Sandboxes.Choice.RUNSC, Optional.empty(), Sandboxes.find("bwrap"), scratch, 200_000, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("executor.sandbox=runsc");
    }

    @Test
    void aBinaryThatCannotRunTheProbeIsNotUsable() {
        // /usr/bin/false exists and is executable but is no sandbox: the probe catches it.
        assertThatThrownBy(() -> Sandboxes.create(Sandboxes.Choice.BWRAP, Optional.empty(), Optional.of(Path.of("/usr/bin/false")),
                scratch, 200_000, 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("bwrap: probe run exited with 1");
    }

    @Test
    void scratchDirectoriesOfDeadExecutorsAreRemovedLiveOnesKept() throws Exception {
        java.nio.file.Path dead = java.nio.file.Files.createDirectories(scratch.resolve("assay-executor-999999999-123/assay-ws-1"));
        java.nio.file.Path live = java.nio.file.Files.createDirectories(
                scratch.resolve("assay-executor-" + ProcessHandle.current().pid() + "-456"));
        java.nio.file.Path other = java.nio.file.Files.createDirectories(scratch.resolve("assay-executor-notapid"));
        Path created = Sandboxes.scratchDirectory(scratch);
        assertThat(dead.getParent()).doesNotExist();
        assertThat(live).isDirectory();
        assertThat(other).isDirectory();
        assertThat(created.getFileName().toString()).startsWith("assay-executor-" + ProcessHandle.current().pid() + "-");
        assertThat(java.nio.file.Files.getPosixFilePermissions(created))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    }

    @Test
    void autoPrefersGvisorWhenItWorks() {
        Sandbox expected = TestSandboxes.any();
        Sandbox chosen = Sandboxes.create(Sandboxes.Choice.AUTO, TestSandboxes.passable(scratch), 220_000, 1);
        assertThat(chosen.backend()).isEqualTo(expected.backend());
        assertThat(scratch).isEmptyDirectory();
    }
}
