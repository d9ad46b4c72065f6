package dev.assay.executor.analysis;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a simple or qualified type name in one compilation unit refers to, from its imports alone (no symbol solver:
 * the analysis never loads workspace code). A name a workspace file declares is never taken for a JDK or JUnit type
 * unless it is imported explicitly.
 */
final class JavaNames {
    /** JAX-RS's annotations (javax and jakarta alike). */
    private static final Set<String> JAX_RS = Set.of("Path", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    /**
     * Types the analysis recognises behind wildcard imports (the JDK's own are looked up in the JDK): JUnit's, and the
     * web, database and migration frameworks' the kind signals name.
     */
    private static final Map<String, Set<String>> KNOWN_PACKAGES = Map.ofEntries(
            Map.entry("org.junit.jupiter.api", Set.of("Assertions", "Assumptions", "Test", "Disabled", "Nested", "RepeatedTest",
                    "TestFactory", "TestTemplate", "BeforeEach", "AfterEach", "BeforeAll", "AfterAll")),
            Map.entry("org.junit", Set.of("Assert", "Assume", "Test", "Ignore", "Before", "After", "BeforeClass", "AfterClass", "Rule",
                    "ClassRule", "AssumptionViolatedException")),
            Map.entry("org.junit.jupiter.params", Set.of("ParameterizedTest")),
            Map.entry("org.opentest4j", Set.of("TestAbortedException", "AssertionFailedError")),
            Map.entry("org.springframework.web.bind.annotation", Set.of("RestController", "RequestMapping", "GetMapping",
                    "PostMapping", "PutMapping", "DeleteMapping", "PatchMapping")),
            Map.entry("org.springframework.stereotype", Set.of("Controller")),
            Map.entry("javax.ws.rs", JAX_RS),
            Map.entry("jakarta.ws.rs", JAX_RS),
            Map.entry("javax.servlet.http", Set.of("HttpServlet")),
            Map.entry("jakarta.servlet.http", Set.of("HttpServlet")),
            Map.entry("org.springframework.data.jpa.repository", Set.of("Query")),
            Map.entry("org.springframework.data.jdbc.repository.query", Set.of("Query")),
            Map.entry("org.springframework.data.r2dbc.repository", Set.of("Query")),
            Map.entry("org.springframework.jdbc.core", Set.of("JdbcTemplate", "JdbcOperations")),
            Map.entry("org.springframework.jdbc.core.namedparam", Set.of("NamedParameterJdbcTemplate", "NamedParameterJdbcOperations")),
            Map.entry("org.springframework.jdbc.core.simple", Set.of("JdbcClient")),
            Map.entry("javax.persistence", Set.of("EntityManager")),
            Map.entry("jakarta.persistence", Set.of("EntityManager")),
            Map.entry("org.flywaydb.core.api.migration", Set.of("BaseJavaMigration", "JavaMigration")),
            Map.entry("liquibase.change.custom", Set.of("CustomTaskChange", "CustomSqlChange", "CustomChange")),
            Map.entry("liquibase.change", Set.of("AbstractChange")));
    /**
     * Cloud and cluster SDKs by package prefix, with what they are: every type of theirs counts behind a wildcard import
     * (when it is the only such import of the file), and the kind signals name them.
     */
    static final Map<String, String> SDK_PACKAGES = Map.of("software.amazon.awssdk.", "AWS SDK", "com.amazonaws.", "AWS SDK",
            "com.google.cloud.", "Google Cloud", "com.azure.", "Azure SDK", "com.microsoft.azure.", "Azure SDK",
            "io.fabric8.kubernetes.", "Kubernetes client (fabric8)", "io.kubernetes.client.", "Kubernetes client");
    private static final Map<String, Boolean> JDK_CLASSES = new ConcurrentHashMap<>();

    private final String packageName;
    private final Map<String, String> singleImports = new HashMap<>();
    private final List<String> wildcardImports = new ArrayList<>();
    private final Map<String, String> staticImports = new HashMap<>();
    private final List<String> staticWildcards = new ArrayList<>();
    private final Set<String> declaredHere = new HashSet<>();
    private final Set<String> workspaceTypes;

    /**
     * @param workspaceTypes simple names of every type any request or generated file declares
     */
    JavaNames(CompilationUnit unit, Set<String> workspaceTypes) {
        this.packageName = unit.getPackageDeclaration().map(p -> p.getNameAsString()).orElse("");
        this.workspaceTypes = workspaceTypes;
        for (ImportDeclaration i : unit.getImports()) {
            String name = i.getNameAsString();
            if (i.isStatic()) {
                if (i.isAsterisk()) {
                    staticWildcards.add(name);
                } else {
                    int dot = name.lastIndexOf('.');
                    if (dot > 0) {
                        staticImports.put(name.substring(dot + 1), name.substring(0, dot));
                    }
                }
            } else if (i.isAsterisk()) {
                wildcardImports.add(name);
            } else {
                singleImports.put(name.substring(name.lastIndexOf('.') + 1), name);
            }
        }
        unit.findAll(TypeDeclaration.class).forEach(t -> declaredHere.add(t.getNameAsString()));
    }

    /** The fully qualified name of package + simple name, as the protocol's ids spell a top-level class. */
    String qualify(String simple) {
        return packageName.isEmpty() ? simple : packageName + "." + simple;
    }

    /**
     * The fully qualified name {@code name} (simple or dotted, as written) refers to, or null when it is a workspace
     * type or unknown.
     */
    String resolve(String name) {
        int dot = name.indexOf('.');
        if (dot > 0) {
            String first = name.substring(0, dot);
            if (Character.isLowerCase(first.charAt(0))) {
                return name;
            }
            String outer = resolve(first);
            return outer == null ? null : outer + name.substring(dot);
        }
        String single = singleImports.get(name);
        if (single != null) {
            return single;
        }
        if (declaredHere.contains(name) || workspaceTypes.contains(name)) {
            return null;
        }
        if (jdkClass("java.lang." + name)) {
            return "java.lang." + name;
        }
        for (String pkg : wildcardImports) {
            if (KNOWN_PACKAGES.getOrDefault(pkg, Set.of()).contains(name) || jdkClass(pkg + "." + name)) {
                return pkg + "." + name;
            }
        }
        List<String> sdks = wildcardImports.stream().filter(pkg -> sdk(pkg + ".") != null).toList();
        return sdks.size() == 1 && Character.isUpperCase(name.charAt(0)) ? sdks.get(0) + "." + name : null;
    }

    /** What SDK a fully qualified name belongs to ({@link #SDK_PACKAGES}), or null. */
    static String sdk(String fqn) {
        for (Map.Entry<String, String> e : SDK_PACKAGES.entrySet()) {
            if (fqn.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * The classes an unqualified call of {@code member} may come from through static imports: the single-static-import
     * owner if there is one (it shadows on-demand imports), else every {@code import static X.*} class.
     */
    List<String> staticOwners(String member) {
        String owner = staticImports.get(member);
        return owner != null ? List.of(owner) : staticWildcards;
    }

    /** Every explicitly imported name, static or not (for rules that match on imports). */
    List<String> importedNames() {
        List<String> out = new ArrayList<>(singleImports.values());
        out.addAll(wildcardImports);
        staticImports.forEach((member, owner) -> out.add(owner + "." + member));
        out.addAll(staticWildcards);
        return out;
    }

    /**
     * A name expression as written ({@code System}, {@code java.lang.System}), or null for any other expression.
     * Cheaper than {@code toString()}, which pretty-prints.
     */
    static String dotted(com.github.javaparser.ast.expr.Expression e) {
        if (e instanceof com.github.javaparser.ast.expr.NameExpr n) {
            return n.getNameAsString();
        }
        if (e instanceof com.github.javaparser.ast.expr.FieldAccessExpr f) {
            String scope = dotted(f.getScope());
            return scope == null ? null : scope + "." + f.getNameAsString();
        }
        return null;
    }

    /** Whether the JDK has the class (looked up in the platform class loader, never initialised). */
    static boolean jdkClass(String fqn) {
        if (!(fqn.startsWith("java.") || fqn.startsWith("javax.") || fqn.startsWith("jdk.") || fqn.startsWith("sun.")
                || fqn.startsWith("com.sun."))) {
            return false;
        }
        return JDK_CLASSES.computeIfAbsent(fqn, n -> {
            try {
                Class.forName(n, false, ClassLoader.getPlatformClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        });
    }
}
