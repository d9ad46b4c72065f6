package dev.assay.executor.analysis;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.AnnotationExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.ClassExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.MethodReferenceExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.expr.TextBlockLiteralExpr;
import com.github.javaparser.ast.expr.TypeExpr;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.Type;
import dev.assay.executor.analysis.Analysis.Severity;
import dev.assay.executor.analysis.Analysis.StaticFinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tamper findings on one generated Java file (harness/PROTOCOL.md "Tamper analysis findings", Java column). Names are
 * resolved through the file's imports, fully qualified names and static imports; string literals (and constant
 * concatenations of them) are searched for the class names and paths the rules name, which catches
 * {@code Class.forName("sun.misc.Unsafe")}-style indirection.
 */
final class JavaTamper {
    private static final Set<String> TEST_ANNOTATIONS = Set.of("Test", "ParameterizedTest", "RepeatedTest", "TestFactory", "TestTemplate");
    private static final Set<String> HOOK_TYPES = Set.of("Extension", "BeforeAllCallback", "AfterAllCallback", "BeforeEachCallback",
            "AfterEachCallback", "BeforeTestExecutionCallback", "AfterTestExecutionCallback", "TestExecutionExceptionHandler",
            "LifecycleMethodExecutionExceptionHandler", "ParameterResolver", "TestInstancePostProcessor", "TestInstancePreDestroyCallback",
            "TestInstancePreConstructCallback", "TestInstanceFactory", "InvocationInterceptor", "TestWatcher", "ExecutionCondition",
            "TestTemplateInvocationContextProvider", "ClassTemplateInvocationContextProvider", "TestExecutionListener",
            "LauncherSessionListener", "LauncherDiscoveryListener", "PostDiscoveryFilter", "TestEngine", "RunListener", "TestRule",
            "MethodRule", "Runner", "ParentRunner", "BlockJUnit4ClassRunner", "Suite");
    private static final Set<String> HOOK_ANNOTATIONS = Set.of("ExtendWith", "RegisterExtension", "Rule", "ClassRule");
    private static final Set<String> ASSUMPTION_TYPES = Set.of("org.junit.jupiter.api.Assumptions", "org.junit.Assume",
            "org.opentest4j.TestAbortedException", "org.junit.AssumptionViolatedException", "org.junit.internal.AssumptionViolatedException");
    private static final List<String> PROTECTED_PACKAGES = List.of("org.junit", "org.opentest4j", "dev.assay", "java.", "javax.", "jdk.", "sun.");
    private static final Set<String> REFLECTIVE_WRITES = Set.of("setAccessible", "trySetAccessible", "privateLookupIn", "findVarHandle",
            "findStaticVarHandle", "findSetter", "findStaticSetter", "unreflectSetter", "unreflectVarHandle");
    private static final Set<String> FIELD_SETTERS = Set.of("set", "setInt", "setLong", "setBoolean", "setByte", "setChar", "setShort",
            "setFloat", "setDouble");
    private static final Pattern PROC_PID = Pattern.compile("^/proc/\\d+(/.*)?$");

    private final String path;
    private final CompilationUnit unit;
    private final JavaNames names;
    private final JavaTypes types;
    private final Set<String> workspaceTypes;
    private final Map<String, StaticFinding> findings = new LinkedHashMap<>();
    private final Map<TypeDeclaration<?>, Boolean> testTypes = new java.util.IdentityHashMap<>();
    /** Every identifier the file uses (names, types, members). */
    private final Set<String> identifiers = new java.util.HashSet<>();

    private JavaTamper(String path, CompilationUnit unit, JavaTypes types, Set<String> workspaceTypes) {
        this.path = path;
        this.unit = unit;
        this.names = types.names();
        this.types = types;
        this.workspaceTypes = workspaceTypes;
    }

    /**
     * The findings for one generated file.
     *
     * @param workspaceTypes simple names of every type a request or generated file declares
     */
    static List<StaticFinding> scan(String path, CompilationUnit unit, JavaTypes types, Set<String> workspaceTypes) {
        JavaTamper t = new JavaTamper(path, unit, types, workspaceTypes);
        t.index();
        t.run();
        return List.copyOf(t.findings.values());
    }

    private void index() {
        unit.findAll(com.github.javaparser.ast.expr.SimpleName.class).forEach(n -> identifiers.add(n.getIdentifier()));
        unit.findAll(com.github.javaparser.ast.expr.Name.class).forEach(n -> identifiers.add(n.getIdentifier()));
    }

    private void run() {
        for (ImportDeclaration i : unit.getImports()) {
            typeReference(i.getNameAsString(), i, true);
        }
        for (ClassOrInterfaceType t : unit.findAll(ClassOrInterfaceType.class)) {
            String fqn = names.resolve(t.getNameWithScope());
            if (fqn != null) {
                typeReference(fqn, t, false);
            }
        }
        for (ClassExpr c : unit.findAll(ClassExpr.class)) {
            String fqn = typeName(c.getType());
            if (fqn != null) {
                typeReference(fqn, c, false);
            }
        }
        for (FieldAccessExpr f : unit.findAll(FieldAccessExpr.class)) {
            fieldAccess(f);
        }
        for (NameExpr n : unit.findAll(NameExpr.class)) {
            staticallyImportedField(n);
        }
        for (MethodCallExpr call : unit.findAll(MethodCallExpr.class)) {
            call(call);
        }
        for (MethodReferenceExpr ref : unit.findAll(MethodReferenceExpr.class)) {
            methodReference(ref);
        }
        for (StringLiteralExpr s : unit.findAll(StringLiteralExpr.class)) {
            if (!(s.getParentNode().orElse(null) instanceof BinaryExpr)) {
                string(s.getValue(), s);
            }
        }
        for (TextBlockLiteralExpr s : unit.findAll(TextBlockLiteralExpr.class)) {
            string(s.getValue(), s);
        }
        for (BinaryExpr b : unit.findAll(BinaryExpr.class)) {
            if (b.getOperator() == BinaryExpr.Operator.PLUS && !(b.getParentNode().orElse(null) instanceof BinaryExpr)) {
                concatenation(b).ifPresent(s -> string(s, b));
            }
        }
        for (MethodDeclaration m : unit.findAll(MethodDeclaration.class)) {
            method(m);
        }
        for (ClassOrInterfaceDeclaration c : unit.findAll(ClassOrInterfaceDeclaration.class)) {
            hooks(c);
        }
        for (ObjectCreationExpr o : unit.findAll(ObjectCreationExpr.class)) {
            if (o.getAnonymousClassBody().isPresent() && !testCode(o) && hookType(o.getType())) {
                add("framework-hook", Severity.CRITICAL, "an anonymous " + o.getType().getNameAsString()
                        + " (a test framework extension point) in non-test code", o);
            }
        }
    }

    // ---------------------------------------------------------------- types

    private void typeReference(String fqn, Node at, boolean isImport) {
        if (fqn.startsWith("dev.assay")) {
            add("framework-patch", Severity.CRITICAL, "refers to the Assay harness (" + fqn + ")", at);
        }
        if (fqn.equals("java.lang.StackWalker") || fqn.startsWith("java.lang.StackWalker.")) {
            add("frame-walk", Severity.CRITICAL, "uses java.lang.StackWalker", at);
        }
        if (fqn.equals("sun.misc.Unsafe") || fqn.startsWith("sun.misc.Unsafe.") || fqn.startsWith("jdk.internal.")
                || fqn.startsWith("com.sun.tools.attach") || fqn.startsWith("com.sun.management.HotSpotDiagnosticMXBean")
                || fqn.equals("com.sun.management.DiagnosticCommandMBean") || fqn.startsWith("java.lang.foreign")) {
            add("heap-walk", Severity.CRITICAL, "uses " + fqn, at);
        }
        if (fqn.startsWith("java.lang.instrument")) {
            add("trace-hook", Severity.CRITICAL, "uses " + fqn + " (instrumentation)", at);
        }
        if (!testCode(at) && (ASSUMPTION_TYPES.contains(fqn) || ASSUMPTION_TYPES.stream().anyMatch(a -> fqn.startsWith(a + ".")))) {
            add("skip-from-generated", Severity.CRITICAL, "non-test code uses " + fqn + " (skips a test that calls it)", at);
        }
        if (isImport && fqn.equals("java.io.FileDescriptor.out") || isImport && fqn.equals("java.io.FileDescriptor.err")) {
            add("report-channel", Severity.CRITICAL, "uses the process's standard output descriptor (" + fqn + ")", at);
        }
    }

    private String typeName(Type type) {
        return types.typeName(type);
    }

    private String typeOfScope(Expression scope) {
        return types.typeOfScope(scope);
    }

    private boolean isVariable(String name) {
        return types.isVariable(name);
    }

    private void fieldAccess(FieldAccessExpr f) {
        String owner = typeOfScope(f.getScope());
        if ("java.io.FileDescriptor".equals(owner) && (f.getNameAsString().equals("out") || f.getNameAsString().equals("err"))) {
            add("report-channel", Severity.CRITICAL, "uses FileDescriptor." + f.getNameAsString()
                    + " (writes around the harness's report channel)", f);
        }
        if (owner != null && !(f.getParentNode().orElse(null) instanceof FieldAccessExpr)) {
            typeReference(owner, f, false);
        }
    }

    private void staticallyImportedField(NameExpr n) {
        String name = n.getNameAsString();
        if ((name.equals("out") || name.equals("err")) && names.staticOwners(name).contains("java.io.FileDescriptor")
                && !isVariable(name)) {
            add("report-channel", Severity.CRITICAL, "uses FileDescriptor." + name, n);
        }
    }

    // ---------------------------------------------------------------- calls

    private void call(MethodCallExpr call) {
        String name = call.getNameAsString();
        String owner = types.owner(call);
        String target = owner == null ? null : owner + "." + name;
        if (call.getScope().isPresent()) {
            String scopeType = typeOfScope(call.getScope().get());
            if (scopeType != null) {
                typeReference(scopeType, call, false);
            }
        }
        if (target != null) {
            switch (target) {
                case "java.lang.System.exit", "java.lang.Runtime.exit", "java.lang.Runtime.halt" -> exit(call, target);
                case "java.lang.Thread.getAllStackTraces" -> add("frame-walk", Severity.CRITICAL, "calls Thread.getAllStackTraces", call);
                case "java.lang.System.load", "java.lang.System.loadLibrary", "java.lang.Runtime.load", "java.lang.Runtime.loadLibrary" ->
                        add("heap-walk", Severity.CRITICAL, "loads native code (" + target + ")", call);
                case "java.lang.System.getenv" -> add("environment-read", Severity.MEDIUM, "reads the environment (System.getenv)", call);
                case "java.lang.ProcessHandle.info", "java.lang.ProcessHandle.parent" ->
                        add("process-introspection", Severity.CRITICAL, "reads the process's own description (ProcessHandle." + name + ")", call);
                default -> {
                }
            }
            if (ASSUMPTION_TYPES.contains(owner) && !testCode(call)) {
                add("skip-from-generated", Severity.CRITICAL, "non-test code calls " + target + " (skips a test that calls it)", call);
            }
            if (owner.startsWith("dev.assay")) {
                add("framework-patch", Severity.CRITICAL, "calls into the Assay harness (" + target + ")", call);
            }
        }
        if (name.equals("getInputArguments")) {
            add("process-introspection", Severity.CRITICAL, "reads the JVM's arguments (RuntimeMXBean.getInputArguments)", call);
        }
        if (name.equals("getSystemProperties") && mentionsManagement()) {
            add("process-introspection", Severity.CRITICAL, "reads the JVM's properties (RuntimeMXBean.getSystemProperties)", call);
        }
        if ((name.equals("info") || name.equals("parent") || name.equals("arguments") || name.equals("commandLine")) && target == null
                && mentionsProcessHandle()) {
            add("process-introspection", Severity.CRITICAL, "reads a process's description (ProcessHandle." + name + ")", call);
        }
        if (REFLECTIVE_WRITES.contains(name) || FIELD_SETTERS.contains(name) && call.getScope().isPresent()
                && "java.lang.reflect.Field".equals(types.expressionType(call.getScope().get()))) {
            reflectiveWrite(call);
        }
        if ((name.equals("getMethod") || name.equals("getDeclaredMethod") || name.equals("findStatic") || name.equals("findVirtual"))
                && call.getArguments().stream().anyMatch(a -> a instanceof StringLiteralExpr s
                        && (s.getValue().equals("exit") || s.getValue().equals("halt")))) {
            exit(call, "a reflective " + name + "(\"exit\"/\"halt\")");
        }
    }

    private void methodReference(MethodReferenceExpr ref) {
        String owner = ref.getScope() instanceof TypeExpr t ? typeName(t.getType()) : typeOfScope(ref.getScope());
        if (owner == null) {
            owner = types.expressionType(ref.getScope());
        }
        String target = owner == null ? null : owner + "." + ref.getIdentifier();
        if (target == null) {
            return;
        }
        switch (target) {
            case "java.lang.System.exit", "java.lang.Runtime.exit", "java.lang.Runtime.halt" -> exit(ref, target);
            case "java.lang.Thread.getAllStackTraces" -> add("frame-walk", Severity.CRITICAL, "refers to Thread::getAllStackTraces", ref);
            case "java.lang.System.load", "java.lang.System.loadLibrary" -> add("heap-walk", Severity.CRITICAL, "refers to " + target, ref);
            case "java.lang.System.getenv" -> add("environment-read", Severity.MEDIUM, "reads the environment (System::getenv)", ref);
            default -> {
            }
        }
    }

    private void exit(Node at, String what) {
        if (!insideMain(at)) {
            add("exit-outside-main", Severity.CRITICAL, "ends the JVM outside main (" + what + ")", at);
        }
    }

    private static boolean insideMain(Node at) {
        for (Node n = at; n != null; n = n.getParentNode().orElse(null)) {
            if (n instanceof MethodDeclaration m) {
                return m.getNameAsString().equals("main") && m.isStatic() && m.getParameters().size() == 1
                        && m.getParameter(0).getType().asString().replace("java.lang.", "").matches("String(\\[])?");
            }
        }
        return false;
    }

    private boolean mentionsManagement() {
        return names.importedNames().stream().anyMatch(n -> n.startsWith("java.lang.management"))
                || mentions("ManagementFactory") || mentions("RuntimeMXBean");
    }

    private boolean mentionsProcessHandle() {
        return mentions("ProcessHandle");
    }

    private boolean mentions(String identifier) {
        return identifiers.contains(identifier);
    }

    /** setAccessible and friends: CRITICAL when the method also names a protected class, else shown to the reviewer. */
    private void reflectiveWrite(MethodCallExpr call) {
        Node scope = enclosingBody(call);
        String protectedName = null;
        for (ClassExpr c : scope.findAll(ClassExpr.class)) {
            String fqn = typeName(c.getType());
            if (fqn == null && c.getType().isPrimitiveType()) {
                continue;
            }
            if (fqn != null && isProtected(fqn)) {
                protectedName = fqn;
            }
        }
        for (StringLiteralExpr s : scope.findAll(StringLiteralExpr.class)) {
            if (isProtected(s.getValue())) {
                protectedName = s.getValue();
            }
        }
        // Members reached through a protected class (System.out, Thread.currentThread()), not through a value.
        List<Expression> scopes = new ArrayList<>();
        scope.findAll(MethodCallExpr.class).forEach(c -> c.getScope().ifPresent(scopes::add));
        scope.findAll(FieldAccessExpr.class).forEach(f -> scopes.add(f.getScope()));
        for (Expression s : scopes) {
            String owner = typeOfScope(s);
            if (owner != null && isProtected(owner) && !owner.equals("java.lang.Class") && !owner.startsWith("java.lang.reflect")
                    && !owner.startsWith("java.lang.invoke")) {
                protectedName = owner;
            }
        }
        if (protectedName != null) {
            add("framework-patch", Severity.CRITICAL, "reflective write (" + call.getNameAsString() + ") next to " + protectedName
                    + " (JDK, JUnit or harness internals)", call);
        } else {
            add("framework-patch", Severity.MEDIUM, "reflective write (" + call.getNameAsString()
                    + ") on a class the analysis cannot identify", call);
        }
    }

    private static boolean isProtected(String name) {
        for (String p : PROTECTED_PACKAGES) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private Node enclosingBody(Node at) {
        for (Node n = at; n != null; n = n.getParentNode().orElse(null)) {
            if (n instanceof MethodDeclaration || n instanceof com.github.javaparser.ast.body.InitializerDeclaration
                    || n instanceof com.github.javaparser.ast.body.FieldDeclaration || n instanceof com.github.javaparser.ast.body.ConstructorDeclaration) {
                return n;
            }
        }
        return unit;
    }

    // ---------------------------------------------------------------- strings

    private static Optional<String> concatenation(BinaryExpr b) {
        StringBuilder out = new StringBuilder();
        return append(b, out) ? Optional.of(out.toString()) : Optional.empty();
    }

    private static boolean append(Expression e, StringBuilder out) {
        if (out.length() > 10_000) {
            return false;
        }
        if (e instanceof StringLiteralExpr s) {
            out.append(s.getValue());
            return true;
        }
        if (e instanceof com.github.javaparser.ast.expr.CharLiteralExpr c) {
            out.append(c.getValue());
            return true;
        }
        if (e instanceof BinaryExpr b && b.getOperator() == BinaryExpr.Operator.PLUS) {
            boolean left = append(b.getLeft(), out);
            boolean right = append(b.getRight(), out);
            return left || right;
        }
        if (e.isEnclosedExpr()) {
            return append(e.asEnclosedExpr().getInner(), out);
        }
        // A non-constant operand: keep the literal parts around it.
        out.append('\u0000');
        return false;
    }

    private void string(String raw, Node at) {
        String s = raw.replace("\\/", "/");
        if (s.contains("/proc/self") || s.contains("/proc/thread-self") || PROC_PID.matcher(s).find() || s.equals("/proc/")
                || s.equals("/proc") || s.startsWith("/proc/\u0000")) {
            if (s.contains("/proc/self/fd")) {
                add("report-channel", Severity.CRITICAL, "names /proc/self/fd (the process's descriptors)", at);
            } else {
                add("process-introspection", Severity.CRITICAL, "names a /proc path of a process (" + shorten(s) + ")", at);
            }
        }
        if (s.contains("/dev/stdout") || s.contains("/dev/stderr") || s.contains("/dev/fd/")) {
            add("report-channel", Severity.CRITICAL, "names the process's standard output (" + shorten(s) + ")", at);
        }
        if (s.contains("sun.misc.Unsafe") || s.contains("theUnsafe") || s.contains("jdk.internal.") || s.contains("HotSpotDiagnostic")
                || s.contains("DiagnosticCommand") || s.contains("com.sun.tools.attach") || s.contains("java.lang.foreign")
                || s.contains("dumpHeap")) {
            add("heap-walk", Severity.CRITICAL, "names JVM internals (" + shorten(s) + ")", at);
        }
        if (s.contains("StackWalker") || s.contains("getAllStackTraces")) {
            add("frame-walk", Severity.CRITICAL, "names a stack-walking API (" + shorten(s) + ")", at);
        }
        if (s.contains("-javaagent") || s.contains("java.lang.instrument")) {
            add("trace-hook", Severity.CRITICAL, "names an agent or instrumentation (" + shorten(s) + ")", at);
        }
        if (s.startsWith("dev.assay")) {
            add("framework-patch", Severity.CRITICAL, "names the Assay harness (" + shorten(s) + ")", at);
        }
    }

    private static String shorten(String s) {
        String t = s.replace('\u0000', '…');
        return t.length() > 80 ? t.substring(0, 80) + "…" : t;
    }

    // ---------------------------------------------------------------- declarations

    private void method(MethodDeclaration m) {
        if (m.getNameAsString().equals("equals") && m.getParameters().size() == 1 && m.getBody().isPresent()
                && m.getParameter(0).getType().asString().replace("java.lang.", "").equals("Object")) {
            String param = m.getParameter(0).getNameAsString();
            boolean used = m.getBody().get().findAll(NameExpr.class).stream().anyMatch(n -> n.getNameAsString().equals(param));
            if (!used) {
                add("equality-ignores-argument", Severity.CRITICAL, "equals(Object " + param + ") never looks at " + param, m);
            }
        }
        if ((m.getNameAsString().equals("premain") || m.getNameAsString().equals("agentmain")) && m.isStatic()) {
            add("trace-hook", Severity.CRITICAL, "declares a Java agent entry point (" + m.getNameAsString() + ")", m);
        }
    }

    private void hooks(ClassOrInterfaceDeclaration c) {
        if (testCode(c)) {
            return;
        }
        List<ClassOrInterfaceType> supertypes = new ArrayList<>(c.getExtendedTypes());
        supertypes.addAll(c.getImplementedTypes());
        for (ClassOrInterfaceType t : supertypes) {
            if (hookType(t)) {
                add("framework-hook", Severity.CRITICAL, c.getNameAsString() + " implements " + t.getNameAsString()
                        + " (a test framework extension point) in non-test code", c);
            }
        }
        for (AnnotationExpr a : c.findAll(AnnotationExpr.class)) {
            if (HOOK_ANNOTATIONS.contains(JavaTests.simpleName(a)) && junitType(a.getNameAsString())) {
                add("framework-hook", Severity.CRITICAL, "@" + JavaTests.simpleName(a) + " in non-test code", a);
            }
        }
    }

    private boolean hookType(ClassOrInterfaceType t) {
        return HOOK_TYPES.contains(t.getNameAsString()) && junitType(t.getNameWithScope());
    }

    /**
     * Whether a type name as written is JUnit's: resolved through the imports, or, behind a wildcard import the
     * analysis cannot list, in a file that imports from JUnit (a workspace type of that name never counts).
     */
    private boolean junitType(String written) {
        String fqn = names.resolve(written);
        if (fqn != null) {
            return fqn.startsWith("org.junit");
        }
        return !isWorkspaceType(written) && names.importedNames().stream().anyMatch(n -> n.startsWith("org.junit"));
    }

    private boolean isWorkspaceType(String written) {
        String simple = written.substring(written.lastIndexOf('.') + 1);
        return unit.findAll(TypeDeclaration.class).stream().anyMatch(t -> t.getNameAsString().equals(simple))
                || workspaceTypes.contains(simple);
    }

    /** Whether a node sits in a top-level class that has test methods (a generated test). */
    private boolean testCode(Node at) {
        TypeDeclaration<?> top = null;
        for (Node n = at; n != null; n = n.getParentNode().orElse(null)) {
            if (n instanceof TypeDeclaration<?> t && t.isTopLevelType()) {
                top = t;
            }
        }
        if (top == null) {
            return false;
        }
        return testTypes.computeIfAbsent(top, t -> t.findAll(MethodDeclaration.class).stream()
                .anyMatch(m -> JavaTests.hasAnnotation(m, TEST_ANNOTATIONS)));
    }

    private void add(String rule, Severity severity, String message, Node at) {
        Integer line = at.getBegin().map(p -> p.line).orElse(null);
        String key = rule + "|" + line + "|" + message;
        findings.putIfAbsent(key, new StaticFinding(rule, severity, message, path, line));
    }
}
