package dev.assay.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Java harness's entry point inside the sandbox (harness/PROTOCOL.md): {@code java <flags> -cp
 * assay-harness.jar:junit-platform-console-standalone.jar dev.assay.harness.JavaHarness}, workspace as the working
 * directory, handshake on standard input (or in the file {@code ASSAY_HANDSHAKE_FILE} names).
 *
 * <p>This class only loads the harness proper, package {@code dev.assay.harness.core}, as the named module
 * {@value #MODULE} in a module layer of its own, and starts it. That module exports and opens nothing, so workspace
 * code (in unnamed modules) can neither read the report channel's secret by reflection nor call into the harness;
 * the only way in is {@link Probe}.
 */
public final class JavaHarness {
    /** The harness's own module, defined at run time from this jar's {@code dev/assay/harness/core/} classes. */
    public static final String MODULE = "dev.assay.harness.core";
    private static final String PACKAGE_PATH = MODULE.replace('.', '/') + "/";

    private JavaHarness() {
    }

    public static void main(String[] args) {
        ModuleLayer layer = defineLayer();
        Runnable harness = ServiceLoader.load(layer, Runnable.class).stream()
                .filter(p -> p.type().getModule().getLayer() == layer)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the harness module provides no harness"))
                .get();
        harness.run();
    }

    /**
     * A layer with the one module {@value #MODULE}: it reads every module of the boot layer and the class path (JUnit,
     * {@link Probe}), provides {@link Runnable} with {@code dev.assay.harness.core.Harness}, and exports no package.
     */
    static ModuleLayer defineLayer() {
        ClassLoader appLoader = JavaHarness.class.getClassLoader();
        ModuleDescriptor descriptor = ModuleDescriptor.newModule(MODULE)
                .packages(Set.of(MODULE))
                .provides(Runnable.class.getName(), List.of(MODULE + ".Harness"))
                .build();
        ModuleReference reference = new ClassPathModuleReference(descriptor, appLoader);
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return name.equals(MODULE) ? Optional.of(reference) : Optional.empty();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.of(reference);
            }
        };
        ModuleLayer boot = ModuleLayer.boot();
        Configuration configuration = boot.configuration().resolve(finder, ModuleFinder.of(), Set.of(MODULE));
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(configuration, List.of(boot), appLoader);
        Module harness = controller.layer().findModule(MODULE).orElseThrow();
        controller.addReads(harness, appLoader.getUnnamedModule());
        for (Module m : boot.modules()) {
            controller.addReads(harness, m);
        }
        return controller.layer();
    }

    /** The module's class files, read from the harness jar (or classes directory) on the class path. */
    private static final class ClassPathModuleReference extends ModuleReference {
        private final ClassLoader loader;

        ClassPathModuleReference(ModuleDescriptor descriptor, ClassLoader loader) {
            super(descriptor, location(loader));
            this.loader = loader;
        }

        private static URI location(ClassLoader loader) {
            URL url = loader.getResource(JavaHarness.class.getName().replace('.', '/') + ".class");
            try {
                return url == null ? null : url.toURI();
            } catch (URISyntaxException e) {
                return null;
            }
        }

        @Override
        public ModuleReader open() {
            return new ModuleReader() {
                @Override
                public Optional<URI> find(String name) throws IOException {
                    URL url = name.startsWith(PACKAGE_PATH) ? loader.getResource(name) : null;
                    try {
                        return url == null ? Optional.empty() : Optional.of(url.toURI());
                    } catch (URISyntaxException e) {
                        throw new IOException(e);
                    }
                }

                @Override
                public Optional<InputStream> open(String name) {
                    return Optional.ofNullable(name.startsWith(PACKAGE_PATH) ? loader.getResourceAsStream(name) : null);
                }

                @Override
                public Stream<String> list() {
                    throw new UncheckedIOException(new IOException("the harness module cannot list its resources"));
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
