package dev.assay.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassPathSnapshotTest {
    @TempDir
    Path dir;

    @Test
    void expandsAManifestOnlyBooterJarRelativeToItsFolder() throws Exception {
        Path booter = jar(dir.resolve("booter.jar"), "lib/a.jar sub/classes/", false);

        assertThat(ClassPathSnapshot.expand(booter.toString()))
                .containsExactly(dir.resolve("lib/a.jar"), dir.resolve("sub/classes"));
    }

    @Test
    void keepsARealJarEvenWhenItsManifestHasAClassPath() throws Exception {
        Path real = jar(dir.resolve("real.jar"), "other.jar", true);

        assertThat(ClassPathSnapshot.expand(real + java.io.File.pathSeparator + dir.resolve("classes")))
                .containsExactly(real, dir.resolve("classes"));
    }

    private static Path jar(Path file, String classPath, boolean withClass) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            if (withClass) {
                jar.putNextEntry(new JarEntry("x/Y.class"));
                jar.write(new byte[] {(byte) 0xca, (byte) 0xfe});
                jar.closeEntry();
            }
        }
        return file;
    }
}
