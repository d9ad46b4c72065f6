package dev.assay.executor.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.javaparser.Position;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.AnnotationExpr;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.MethodReferenceExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.PatternExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.expr.SwitchExpr;
import com.github.javaparser.ast.expr.TextBlockLiteralExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.AssertStmt;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.CatchClause;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.stmt.ThrowStmt;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import dev.assay.executor.analysis.Analysis.Evidence;
import dev.assay.executor.analysis.Analysis.Expectation;
import dev.assay.executor.analysis.Analysis.Kind;
import dev.assay.executor.analysis.Analysis.TrustedTest;
import dev.assay.executor.analysis.JavaConstants.NotConstant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The trusted test set of the request's Java files and their sealing (harness/PROTOCOL.md "Which tests are trusted",
 * "Sealing"): test units, which sealed assertions each must reach, the rewritten sources and the expectations.
 */
final class JavaTests {
    static final String PROBE_CALL = "dev.assay.harness.Probe.record";
    private static final Set<String> TEST_ANNOTATIONS = Set.of("Test", "ParameterizedTest", "RepeatedTest", "TestFactory", "TestTemplate");
    private static final Set<String> LIFECYCLE = Set.of("BeforeEach", "AfterEach", "BeforeAll", "AfterAll", "Before", "After",
            "BeforeClass", "AfterClass");
    private static final Set<String> SEALABLE = Set.of("assertEquals", "assertNotEquals", "assertTrue", "assertFalse", "assertNull",
            "assertNotNull", "assertArrayEquals");
    private static final String JUNIT5 = "org.junit.jupiter.api.Assertions";
    private static final String JUNIT4 = "org.junit.Assert";
    private static final Set<String> ASSERTION_CLASSES = Set.of(JUNIT5, JUNIT4, "junit.framework.Assert", "junit.framework.TestCase",
            "org.assertj.core.api.Assertions", "org.hamcrest.MatcherAssert");
    private static final Set<String> ASSUMPTION_CLASSES = Set.of("org.junit.jupiter.api.Assumptions", "org.junit.Assume");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** One parsed request file. */
    record Source(String path, String text, CompilationUnit unit, JavaNames names) {
    }

    /** A sealed assertion: the statement, what it compares and how. */
    private record Site(Source file, ExpressionStmt statement, Expression actual, String kind, JsonNode expected, JsonNode tolerance) {
        // JavaParser nodes compare by structure; two identical assertions are still two sites.
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** What one method's body holds, independent of who calls it. */
    private static final class MethodInfo {
        final List<Site> sealed = new ArrayList<>();
        final List<Call> calls = new ArrayList<>();
        boolean unsealed;
        boolean assumes;
    }

    private record Call(String name, boolean unconditional, List<MethodDeclaration> targets) {
    }

    private enum CallKind { HELPER, JUNIT5, JUNIT4, ASSERTION, ASSUMPTION, OTHER }

    /** A unit's reach, collected while walking. */
    private static final class Reach {
        final Set<Site> mustReach = new LinkedHashSet<>();
        final Set<Site> anyReach = new LinkedHashSet<>();
        final Set<MethodDeclaration> visitedMust = identitySet();
        final Set<MethodDeclaration> visitedAny = identitySet();
        boolean unsealed;
        boolean assumes;
    }

    /** A unit: its method (declared in {@code type}, maybe a superclass of the class it runs in, {@code owner}). */
    private record Unit(String function, Source file, MethodDeclaration method, ClassOrInterfaceDeclaration type,
            ClassOrInterfaceDeclaration owner, boolean skip) {
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    private final List<Source> sources;
    private final Map<MethodDeclaration, MethodInfo> infos = new IdentityHashMap<>();
    private final Map<MethodDeclaration, Source> sourceOf = new IdentityHashMap<>();
    private final Map<String, List<ClassOrInterfaceDeclaration>> classesBySimpleName = new HashMap<>();
    private final Set<MethodDeclaration> rewritable = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    final List<TrustedTest> tests = new ArrayList<>();
    final Map<String, String> rewritten = new LinkedHashMap<>();
    final Map<Integer, Expectation> expectations = new LinkedHashMap<>();

    JavaTests(List<Source> sources) {
        this.sources = sources;
        for (Source s : sources) {
            for (ClassOrInterfaceDeclaration c : s.unit().findAll(ClassOrInterfaceDeclaration.class)) {
                classesBySimpleName.computeIfAbsent(c.getNameAsString(), k -> new ArrayList<>()).add(c);
                for (MethodDeclaration m : c.getMethods()) {
                    sourceOf.put(m, s);
                }
            }
        }
    }

    /** Derives units, seals, rewrites; probe ids start at {@code firstProbe}. */
    void analyze(int firstProbe) {
        List<Unit> units = new ArrayList<>();
        for (Source s : sources) {
            for (TypeDeclaration<?> type : s.unit().getTypes()) {
                if (type instanceof ClassOrInterfaceDeclaration c) {
                    collectUnits(s, c, s.names().qualify(c.getNameAsString()), true, units);
                }
            }
        }
        Map<Unit, Reach> reaches = new LinkedHashMap<>();
        for (Unit u : units) {
            Reach r = new Reach();
            walk(u.method(), true, r);
            for (ClassOrInterfaceDeclaration c : lifecycleClasses(u)) {
                for (MethodDeclaration m : c.getMethods()) {
                    if (hasAnnotation(m, LIFECYCLE)) {
                        scanOnly(m, r, identitySet());
                    }
                }
            }
            reaches.put(u, r);
        }
        // Probe ids in source order over every sealed assertion some unit can reach.
        List<Site> all = new ArrayList<>();
        for (MethodDeclaration m : rewritable) {
            all.addAll(info(m).sealed);
        }
        Map<String, Integer> fileOrder = new HashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            fileOrder.put(sources.get(i).path(), i);
        }
        all.sort(Comparator.<Site>comparingInt(s -> fileOrder.get(s.file().path()))
                .thenComparing(s -> s.statement().getBegin().orElse(Position.HOME)));
        Map<Site, Integer> ids = new IdentityHashMap<>();
        int next = firstProbe;
        Map<Source, List<Map.Entry<Site, Integer>>> perFile = new LinkedHashMap<>();
        for (Site site : all) {
            Optional<String> replacement = replacement(site, next);
            if (replacement.isEmpty()) {
                continue;
            }
            ids.put(site, next);
            perFile.computeIfAbsent(site.file(), k -> new ArrayList<>()).add(Map.entry(site, next));
            int line = site.statement().getBegin().map(p -> p.line).orElse(0);
            expectations.put(next, new Expectation(site.kind(), site.expected(), site.tolerance(), site.file().path(), line,
                    sourceText(site.file(), site.statement())));
            next++;
        }
        for (Map.Entry<Source, List<Map.Entry<Site, Integer>>> e : perFile.entrySet()) {
            rewritten.put(e.getKey().path(), rewrite(e.getKey(), e.getValue()));
        }
        for (Map.Entry<Unit, Reach> e : reaches.entrySet()) {
            Unit u = e.getKey();
            Reach r = e.getValue();
            List<Integer> probes = new ArrayList<>();
            for (Site s : r.mustReach) {
                Integer id = ids.get(s);
                if (id != null) {
                    probes.add(id);
                }
            }
            // A sealable assertion that could not be rewritten still runs in-process.
            boolean lost = r.anyReach.stream().anyMatch(s -> !ids.containsKey(s));
            boolean sealed = !probes.isEmpty() && !r.unsealed && !lost;
            int line = u.method().getName().getBegin().map(p -> p.line).orElse(0);
            tests.add(new TrustedTest(u.function(), u.file().path(), Kind.EXACT, u.skip() || r.assumes,
                    sealed ? Evidence.SEALED : Evidence.IN_PROCESS, probes, line));
        }
    }

    /** Classes whose lifecycle methods run around a unit: its class, enclosing classes and request superclasses. */
    private Set<ClassOrInterfaceDeclaration> lifecycleClasses(Unit u) {
        Set<ClassOrInterfaceDeclaration> out = identitySet();
        out.addAll(chain(u.owner()));
        out.addAll(chain(u.type()));
        for (ClassOrInterfaceDeclaration c = superclass(u.owner()); c != null && out.add(c); c = superclass(c)) {
            // walks the request superclasses once each
        }
        return out;
    }

    /** A set of AST nodes by identity (JavaParser nodes are equal when their structure is). */
    private static <T> Set<T> identitySet() {
        return java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    }

    // ---------------------------------------------------------------- units

    private void collectUnits(Source s, ClassOrInterfaceDeclaration c, String binaryName, boolean topLevel, List<Unit> out) {
        if (c.isInterface()) {
            return;
        }
        boolean classSkip = hasAnnotationPrefix(c);
        List<MethodDeclaration> testMethods = testMethods(c);
        if (!c.isAbstract()) {
            for (MethodDeclaration m : testMethods) {
                out.add(new Unit(binaryName + "#" + m.getNameAsString(), s, m, enclosingClass(m), c,
                        classSkip || skipAnnotated(m) || skipAnnotatedChain(c)));
            }
        }
        if (topLevel && testMethods.isEmpty() && isMainTestName(c.getNameAsString())) {
            for (MethodDeclaration m : c.getMethodsByName("main")) {
                if (isMain(m)) {
                    out.add(new Unit(binaryName + "#main", s, m, c, c, false));
                    break;
                }
            }
        }
        for (BodyDeclaration<?> member : c.getMembers()) {
            if (member instanceof ClassOrInterfaceDeclaration inner && !inner.isInterface()) {
                boolean eligible = inner.isStatic() || hasAnnotation(inner, Set.of("Nested"));
                if (eligible) {
                    collectUnits(s, inner, binaryName + "$" + inner.getNameAsString(), false, out);
                }
            }
        }
    }

    /** Test methods of {@code c}: its own, then those inherited from request classes it extends (by name). */
    private List<MethodDeclaration> testMethods(ClassOrInterfaceDeclaration c) {
        List<MethodDeclaration> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<ClassOrInterfaceDeclaration> visited = identitySet();
        ClassOrInterfaceDeclaration current = c;
        while (current != null && visited.add(current)) {
            for (MethodDeclaration m : current.getMethods()) {
                if (seen.add(m.getNameAsString() + "/" + m.getParameters().size()) && hasAnnotation(m, TEST_ANNOTATIONS)) {
                    out.add(m);
                }
            }
            current = superclass(current);
        }
        return out;
    }

    private ClassOrInterfaceDeclaration superclass(ClassOrInterfaceDeclaration c) {
        if (c.getExtendedTypes().isEmpty()) {
            return null;
        }
        ClassOrInterfaceType parent = c.getExtendedTypes().get(0);
        List<ClassOrInterfaceDeclaration> candidates = classesBySimpleName.getOrDefault(parent.getNameAsString(), List.of());
        return candidates.size() == 1 ? candidates.get(0) : null;
    }

    private static boolean isMainTestName(String simple) {
        return simple.equals("Main") || simple.endsWith("Test") || simple.endsWith("Tests") || simple.startsWith("Test");
    }

    private static boolean isMain(MethodDeclaration m) {
        return m.isPublic() && m.isStatic() && m.getType().isVoidType() && m.getParameters().size() == 1
                && (m.getParameter(0).getType().asString().equals("String[]") || m.getParameter(0).getType().asString().equals("java.lang.String[]")
                || m.getParameter(0).isVarArgs() && m.getParameter(0).getType().asString().matches("(java\\.lang\\.)?String"));
    }

    private boolean skipAnnotatedChain(ClassOrInterfaceDeclaration c) {
        for (ClassOrInterfaceDeclaration k : chain(c)) {
            if (hasAnnotationPrefix(k)) {
                return true;
            }
        }
        return false;
    }

    private static boolean skipAnnotated(MethodDeclaration m) {
        for (AnnotationExpr a : m.getAnnotations()) {
            if (isSkipAnnotation(simpleName(a))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasAnnotationPrefix(ClassOrInterfaceDeclaration c) {
        for (AnnotationExpr a : c.getAnnotations()) {
            if (isSkipAnnotation(simpleName(a))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSkipAnnotation(String simple) {
        return simple.startsWith("Disabled") || simple.startsWith("Enabled") || simple.equals("Ignore");
    }

    static boolean hasAnnotation(com.github.javaparser.ast.nodeTypes.NodeWithAnnotations<?> node, Set<String> simpleNames) {
        for (AnnotationExpr a : node.getAnnotations()) {
            if (simpleNames.contains(simpleName(a))) {
                return true;
            }
        }
        return false;
    }

    static String simpleName(AnnotationExpr a) {
        String name = a.getNameAsString();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    // ---------------------------------------------------------------- reach

    private void walk(MethodDeclaration m, boolean must, Reach r) {
        if (must ? !r.visitedMust.add(m) : !r.visitedAny.add(m)) {
            return;
        }
        r.visitedAny.add(m);
        rewritable.add(m);
        MethodInfo info = info(m);
        if (must) {
            r.mustReach.addAll(info.sealed);
        }
        r.anyReach.addAll(info.sealed);
        r.unsealed |= info.unsealed;
        r.assumes |= info.assumes;
        for (Call call : info.calls) {
            boolean mustTarget = must && call.unconditional() && call.targets().size() == 1;
            for (MethodDeclaration target : call.targets()) {
                walk(target, mustTarget, r);
            }
        }
    }

    /** Lifecycle methods and what they call: their assertions all run in-process. */
    private void scanOnly(MethodDeclaration m, Reach r, Set<MethodDeclaration> visited) {
        if (!visited.add(m)) {
            return;
        }
        MethodInfo info = info(m);
        r.unsealed |= info.unsealed || !info.sealed.isEmpty();
        r.assumes |= info.assumes;
        for (Call call : info.calls) {
            for (MethodDeclaration target : call.targets()) {
                scanOnly(target, r, visited);
            }
        }
    }

    private MethodInfo info(MethodDeclaration m) {
        MethodInfo cached = infos.get(m);
        if (cached != null) {
            return cached;
        }
        MethodInfo info = new MethodInfo();
        infos.put(m, info);
        Source file = sourceOf.get(m);
        if (m.getBody().isEmpty() || file == null) {
            return info;
        }
        List<Statement> top = new ArrayList<>();
        flatten(m.getBody().get(), top);
        Set<Statement> topLevel = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        topLevel.addAll(top);
        Set<MethodCallExpr> handled = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Statement st : top) {
            if (st instanceof ExpressionStmt es && es.getExpression() instanceof MethodCallExpr call) {
                CallKind kind = classify(call, m);
                if ((kind == CallKind.JUNIT5 || kind == CallKind.JUNIT4) && SEALABLE.contains(call.getNameAsString())) {
                    Optional<Site> site = seal(file, m, es, call, kind == CallKind.JUNIT5);
                    if (site.isPresent()) {
                        info.sealed.add(site.get());
                        handled.add(call);
                    } else if (triviallyTrue(file, m, call, kind == CallKind.JUNIT5)) {
                        handled.add(call);
                    }
                }
            }
        }
        Node body = m.getBody().get();
        for (MethodCallExpr call : body.findAll(MethodCallExpr.class)) {
            if (handled.contains(call)) {
                continue;
            }
            switch (classify(call, m)) {
                case HELPER -> info.calls.add(new Call(call.getNameAsString(), unconditional(call, topLevel, body), helpers(call, m)));
                case JUNIT5, JUNIT4, ASSERTION -> info.unsealed = true;
                case ASSUMPTION -> info.assumes = true;
                default -> {
                }
            }
        }
        for (MethodReferenceExpr ref : body.findAll(MethodReferenceExpr.class)) {
            String name = ref.getIdentifier();
            if (name.startsWith("assert") || name.equals("fail")) {
                info.unsealed = true;
            }
        }
        for (ThrowStmt t : body.findAll(ThrowStmt.class)) {
            info.unsealed = true;
            String thrown = t.getExpression().toString();
            if (thrown.contains("TestAbortedException") || thrown.contains("AssumptionViolatedException")) {
                info.assumes = true;
            }
        }
        if (!body.findAll(AssertStmt.class).isEmpty()) {
            info.unsealed = true;
        }
        return info;
    }

    /** The statements that run unconditionally: the body's, with plain nested blocks opened, up to a return/throw. */
    private static void flatten(BlockStmt block, List<Statement> out) {
        for (Statement st : block.getStatements()) {
            if (st instanceof BlockStmt inner) {
                flatten(inner, out);
                continue;
            }
            out.add(st);
            if (st instanceof ReturnStmt || st instanceof ThrowStmt) {
                return;
            }
        }
    }

    /** Whether a call runs whenever its method's body runs to the end. */
    private static boolean unconditional(Node call, Set<Statement> topLevel, Node body) {
        Node child = call;
        Node parent = call.getParentNode().orElse(null);
        while (parent != null && parent != body) {
            if (parent instanceof Statement st) {
                return topLevel.contains(st);
            }
            if (parent instanceof LambdaExpr || parent instanceof SwitchExpr || parent instanceof BodyDeclaration<?>
                    || parent instanceof ObjectCreationExpr o && o.getAnonymousClassBody().isPresent()) {
                return false;
            }
            if (parent instanceof ConditionalExpr c && c.getCondition() != child) {
                return false;
            }
            if (parent instanceof BinaryExpr b && (b.getOperator() == BinaryExpr.Operator.AND || b.getOperator() == BinaryExpr.Operator.OR)
                    && b.getRight() == child) {
                return false;
            }
            child = parent;
            parent = parent.getParentNode().orElse(null);
        }
        return false;
    }

    // ---------------------------------------------------------------- calls

    private CallKind classify(MethodCallExpr call, MethodDeclaration context) {
        String name = call.getNameAsString();
        JavaNames names = sourceOf.get(context).names();
        if (call.getScope().isEmpty()) {
            if (!helpers(call, context).isEmpty()) {
                return CallKind.HELPER;
            }
            Set<String> kinds = new HashSet<>();
            for (String owner : names.staticOwners(name)) {
                if (owner.equals(JUNIT5)) {
                    kinds.add("5");
                } else if (owner.equals(JUNIT4)) {
                    kinds.add("4");
                } else if (ASSERTION_CLASSES.contains(owner)) {
                    kinds.add("a");
                } else if (ASSUMPTION_CLASSES.contains(owner)) {
                    kinds.add("u");
                }
            }
            if (kinds.size() == 1 && kinds.contains("5")) {
                return CallKind.JUNIT5;
            }
            if (kinds.size() == 1 && kinds.contains("4")) {
                return CallKind.JUNIT4;
            }
            if (kinds.contains("u") && (name.startsWith("assume") || name.startsWith("assuming") || name.equals("abort"))) {
                return CallKind.ASSUMPTION;
            }
            if (!kinds.isEmpty() || assertionName(name)) {
                return CallKind.ASSERTION;
            }
            if (name.startsWith("assume") || name.startsWith("assuming")) {
                return CallKind.ASSUMPTION;
            }
            return CallKind.OTHER;
        }
        Expression scope = call.getScope().get();
        if (scope instanceof ThisExpr || scope instanceof NameExpr n && chainNames(context).contains(n.getNameAsString())) {
            if (!helpers(call, context).isEmpty()) {
                return CallKind.HELPER;
            }
        }
        String written = JavaNames.dotted(scope);
        String type = written == null ? null : names.resolve(written);
        if (JUNIT5.equals(type)) {
            return CallKind.JUNIT5;
        }
        if (JUNIT4.equals(type)) {
            return CallKind.JUNIT4;
        }
        if (type != null && ASSERTION_CLASSES.contains(type)) {
            return CallKind.ASSERTION;
        }
        if (type != null && ASSUMPTION_CLASSES.contains(type)) {
            return CallKind.ASSUMPTION;
        }
        if (name.startsWith("assert") || name.equals("fail")) {
            return CallKind.ASSERTION;
        }
        boolean typeLike = scope instanceof NameExpr n && Character.isUpperCase(n.getNameAsString().charAt(0));
        if (typeLike && assertionName(name)) {
            return CallKind.ASSERTION;
        }
        if (typeLike && (name.startsWith("assume") || name.startsWith("assuming"))) {
            return CallKind.ASSUMPTION;
        }
        return CallKind.OTHER;
    }

    private static boolean assertionName(String name) {
        return name.startsWith("assert") || name.startsWith("fail") || name.startsWith("verify") || name.startsWith("expect")
                || name.startsWith("check");
    }

    /** Same-class (or enclosing-class) methods an unqualified, {@code this.} or {@code Outer.} call names. */
    private List<MethodDeclaration> helpers(MethodCallExpr call, MethodDeclaration context) {
        if (call.getScope().isPresent()) {
            Expression scope = call.getScope().get();
            boolean own = scope instanceof ThisExpr && ((ThisExpr) scope).getTypeName().isEmpty()
                    || scope instanceof NameExpr n && chainNames(context).contains(n.getNameAsString());
            if (!own) {
                return List.of();
            }
        }
        ClassOrInterfaceDeclaration declaring = enclosingClass(context);
        if (call.getScope().isPresent() && call.getScope().get() instanceof NameExpr n) {
            for (ClassOrInterfaceDeclaration c : chain(declaring)) {
                if (c.getNameAsString().equals(n.getNameAsString())) {
                    return c.getMethodsByName(call.getNameAsString());
                }
            }
        }
        for (ClassOrInterfaceDeclaration c : chain(declaring)) {
            List<MethodDeclaration> found = c.getMethodsByName(call.getNameAsString());
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private Set<String> chainNames(MethodDeclaration context) {
        Set<String> out = new HashSet<>();
        chain(enclosingClass(context)).forEach(c -> out.add(c.getNameAsString()));
        return out;
    }

    /** {@code c} and its enclosing classes, innermost first. */
    private static List<ClassOrInterfaceDeclaration> chain(ClassOrInterfaceDeclaration c) {
        List<ClassOrInterfaceDeclaration> out = new ArrayList<>();
        Node n = c;
        while (n != null) {
            if (n instanceof ClassOrInterfaceDeclaration k) {
                out.add(k);
            } else if (n instanceof BodyDeclaration<?> && !(n instanceof TypeDeclaration<?>) || n instanceof ObjectCreationExpr) {
                break;
            }
            n = n.getParentNode().orElse(null);
        }
        return out;
    }

    private static ClassOrInterfaceDeclaration enclosingClass(Node node) {
        Node n = node.getParentNode().orElse(null);
        while (n != null && !(n instanceof ClassOrInterfaceDeclaration)) {
            n = n.getParentNode().orElse(null);
        }
        return (ClassOrInterfaceDeclaration) n;
    }

    // ---------------------------------------------------------------- sealing

    /** The operands of a sealable assertion, by position, once the message (and delta) are set aside. */
    private record Operands(Expression first, Expression second, Expression delta) {
    }

    private Optional<Site> seal(Source file, MethodDeclaration m, ExpressionStmt st, MethodCallExpr call, boolean jupiter) {
        String name = call.getNameAsString();
        List<Expression> args = call.getArguments();
        JavaConstants constants = constants(file, m, st);
        Optional<Operands> ops = operands(name, args, jupiter, constants);
        if (ops.isEmpty()) {
            return Optional.empty();
        }
        Operands o = ops.get();
        try {
            switch (name) {
                case "assertTrue", "assertFalse", "assertNull", "assertNotNull" -> {
                    Expression actual = o.first();
                    if (!probeable(actual) || constants.isConstant(actual)) {
                        return Optional.empty();
                    }
                    String kind = switch (name) {
                        case "assertTrue" -> "java.true";
                        case "assertFalse" -> "java.false";
                        case "assertNull" -> "java.null";
                        default -> "java.notNull";
                    };
                    return Optional.of(new Site(file, st, actual, kind, null, null));
                }
                default -> {
                    boolean firstConstant = constants.isConstant(o.first());
                    boolean secondConstant = constants.isConstant(o.second());
                    if (firstConstant == secondConstant) {
                        return Optional.empty();
                    }
                    Expression expectedExpr = firstConstant ? o.first() : o.second();
                    Expression actual = firstConstant ? o.second() : o.first();
                    if (!probeable(actual)) {
                        return Optional.empty();
                    }
                    Object expected = constants.eval(expectedExpr);
                    if (!jupiter && o.delta() == null && (expected instanceof Double || expected instanceof Float)
                            && !name.equals("assertArrayEquals")) {
                        // JUnit 4's assertEquals(double, double) without a delta always fails: keep that in-process.
                        return Optional.empty();
                    }
                    boolean arrays = name.equals("assertArrayEquals");
                    if (arrays ? !(expected instanceof JavaConstants.ArrayValue) || nestedArrayInCollection(expected)
                            : containsArray(expected)) {
                        // assertEquals on arrays compares references; keep it in-process.
                        return Optional.empty();
                    }
                    JsonNode tolerance = null;
                    if (o.delta() != null) {
                        if (name.equals("assertNotEquals")) {
                            return Optional.empty();
                        }
                        Object d = constants.eval(o.delta());
                        if (!(d instanceof Number n) || d instanceof java.math.BigInteger) {
                            return Optional.empty();
                        }
                        ObjectNode t = JSON.objectNode();
                        t.put("abs", n.doubleValue());
                        tolerance = t;
                    }
                    String kind = switch (name) {
                        case "assertEquals" -> tolerance == null ? "java.equals" : "java.delta";
                        case "assertNotEquals" -> "java.notEquals";
                        default -> "java.arrayEquals";
                    };
                    return Optional.of(new Site(file, st, actual, kind, JavaConstants.canon(expected), tolerance));
                }
            }
        } catch (NotConstant e) {
            return Optional.empty();
        }
    }

    /** {@code assertTrue(true)}, {@code assertEquals(1, 1)}: nothing to check, nothing to seal. */
    private boolean triviallyTrue(Source file, MethodDeclaration m, MethodCallExpr call, boolean jupiter) {
        String name = call.getNameAsString();
        ExpressionStmt st = (ExpressionStmt) call.getParentNode().orElseThrow();
        JavaConstants constants = constants(file, m, st);
        Optional<Operands> ops = operands(name, call.getArguments(), jupiter, constants);
        if (ops.isEmpty()) {
            return false;
        }
        try {
            Object a = constants.eval(ops.get().first());
            return switch (name) {
                case "assertTrue" -> Boolean.TRUE.equals(a);
                case "assertFalse" -> Boolean.FALSE.equals(a);
                case "assertEquals" -> ops.get().delta() == null && !containsArray(a)
                        && JavaConstants.canon(a).equals(JavaConstants.canon(constants.eval(ops.get().second())));
                default -> false;
            };
        } catch (NotConstant e) {
            return false;
        }
    }

    private static Optional<Operands> operands(String name, List<Expression> args, boolean jupiter, JavaConstants constants) {
        int n = args.size();
        boolean single = name.equals("assertTrue") || name.equals("assertFalse") || name.equals("assertNull") || name.equals("assertNotNull");
        if (single) {
            if (n == 1) {
                return Optional.of(new Operands(args.get(0), null, null));
            }
            if (n == 2) {
                return jupiter ? message(args.get(1), constants) ? Optional.of(new Operands(args.get(0), null, null)) : Optional.empty()
                        : message(args.get(0), constants) ? Optional.of(new Operands(args.get(1), null, null)) : Optional.empty();
            }
            return Optional.empty();
        }
        if (n == 2) {
            return Optional.of(new Operands(args.get(0), args.get(1), null));
        }
        if (jupiter) {
            if (n == 3) {
                if (message(args.get(2), constants)) {
                    return Optional.of(new Operands(args.get(0), args.get(1), null));
                }
                return number(args.get(2), constants) ? Optional.of(new Operands(args.get(0), args.get(1), args.get(2))) : Optional.empty();
            }
            if (n == 4 && message(args.get(3), constants) && number(args.get(2), constants)) {
                return Optional.of(new Operands(args.get(0), args.get(1), args.get(2)));
            }
            return Optional.empty();
        }
        if (n == 3) {
            if (message(args.get(0), constants)) {
                return Optional.of(new Operands(args.get(1), args.get(2), null));
            }
            return number(args.get(2), constants) ? Optional.of(new Operands(args.get(0), args.get(1), args.get(2))) : Optional.empty();
        }
        if (n == 4 && message(args.get(0), constants) && number(args.get(3), constants)) {
            return Optional.of(new Operands(args.get(1), args.get(2), args.get(3)));
        }
        return Optional.empty();
    }

    /** A failure message for certain: a string (literal, concatenation with one, format) or a message supplier. */
    private static boolean message(Expression e, JavaConstants constants) {
        if (e instanceof LambdaExpr || e instanceof MethodReferenceExpr || e instanceof StringLiteralExpr || e instanceof TextBlockLiteralExpr) {
            return true;
        }
        if (e.isEnclosedExpr()) {
            return message(e.asEnclosedExpr().getInner(), constants);
        }
        if (e instanceof BinaryExpr b && b.getOperator() == BinaryExpr.Operator.PLUS) {
            return message(b.getLeft(), constants) || message(b.getRight(), constants);
        }
        if (e instanceof MethodCallExpr c && c.getNameAsString().equals("format") && c.getScope().map(s -> "String".equals(JavaNames.dotted(s))).orElse(false)) {
            return true;
        }
        try {
            return constants.eval(e) instanceof String;
        } catch (NotConstant x) {
            return false;
        }
    }

    private static boolean number(Expression e, JavaConstants constants) {
        try {
            Object v = constants.eval(e);
            return v instanceof Number && !(v instanceof java.math.BigInteger);
        } catch (NotConstant x) {
            return false;
        }
    }

    /** An actual-value expression the probe call can take as an argument. */
    private static boolean probeable(Expression actual) {
        return !(actual instanceof LambdaExpr || actual instanceof MethodReferenceExpr || actual.isArrayInitializerExpr());
    }

    private static boolean containsArray(Object v) {
        if (v instanceof JavaConstants.ArrayValue) {
            return true;
        }
        return nestedArrayInCollection(v);
    }

    private static boolean nestedArrayInCollection(Object v) {
        if (v instanceof JavaConstants.ListValue l) {
            return l.items().stream().anyMatch(JavaTests::containsArray);
        }
        if (v instanceof JavaConstants.SetValue s) {
            return s.items().stream().anyMatch(JavaTests::containsArray);
        }
        if (v instanceof JavaConstants.MapValue m) {
            return m.keys().stream().anyMatch(JavaTests::containsArray) || m.values().stream().anyMatch(JavaTests::containsArray);
        }
        if (v instanceof JavaConstants.ArrayValue a) {
            return a.items().stream().anyMatch(JavaTests::nestedArrayInCollection);
        }
        return false;
    }

    // ---------------------------------------------------------------- constant names

    /** Constants as seen from statement {@code st} of method {@code m}. */
    private JavaConstants constants(Source file, MethodDeclaration m, Statement st) {
        return new JavaConstants(file.names(), new Bindings(file, enclosingClass(m), m, st, identitySet()));
    }

    /**
     * Names bound to constants: effectively final locals declared with a constant initialiser before the statement,
     * unconditionally, in the same method; static final fields of the class or its enclosing classes.
     */
    private final class Bindings implements JavaConstants.Names {
        private final Source file;
        private final ClassOrInterfaceDeclaration type;
        private final MethodDeclaration method;
        private final Statement statement;
        private final Set<VariableDeclarator> inProgress;

        Bindings(Source file, ClassOrInterfaceDeclaration type, MethodDeclaration method, Statement statement,
                Set<VariableDeclarator> inProgress) {
            this.file = file;
            this.type = type;
            this.method = method;
            this.statement = statement;
            this.inProgress = inProgress;
        }

        @Override
        public Object value(NameExpr name) {
            String n = name.getNameAsString();
            if (method != null && declaresLocal(method, n)) {
                return local(n);
            }
            for (ClassOrInterfaceDeclaration c : chain(type)) {
                Optional<Object> v = staticFinal(c, n);
                if (v.isPresent()) {
                    return v.get();
                }
            }
            throw new NotConstant("unbound name " + n);
        }

        @Override
        public Object field(String typeName, String field) {
            for (ClassOrInterfaceDeclaration c : chain(type)) {
                if (c.getNameAsString().equals(typeName)) {
                    return staticFinal(c, field).orElseThrow(() -> new NotConstant("no constant " + typeName + "." + field));
                }
            }
            throw new NotConstant("field of another class");
        }

        private Object local(String n) {
            List<Statement> top = new ArrayList<>();
            method.getBody().ifPresent(b -> flatten(b, top));
            VariableDeclarator found = null;
            Statement declaration = null;
            for (Statement st : top) {
                if (st == statement) {
                    break;
                }
                if (st instanceof ExpressionStmt es && es.getExpression() instanceof VariableDeclarationExpr vde) {
                    for (VariableDeclarator d : vde.getVariables()) {
                        if (d.getNameAsString().equals(n)) {
                            found = d;
                            declaration = st;
                        }
                    }
                }
            }
            if (found == null || found.getInitializer().isEmpty() || assigned(method, n) || !inProgress.add(found)) {
                throw new NotConstant("not a constant local " + n);
            }
            try {
                JavaConstants inner = new JavaConstants(file.names(), new Bindings(file, type, method, declaration, inProgress));
                Object v = inner.assign(found.getType(), inner.eval(found.getInitializer().get()));
                if (JavaConstants.mutable(v)) {
                    throw new NotConstant("mutable local");
                }
                return v;
            } finally {
                inProgress.remove(found);
            }
        }

        private Optional<Object> staticFinal(ClassOrInterfaceDeclaration c, String n) {
            for (FieldDeclaration f : c.getFields()) {
                for (VariableDeclarator d : f.getVariables()) {
                    if (!d.getNameAsString().equals(n)) {
                        continue;
                    }
                    boolean constant = (f.isStatic() && f.isFinal() || c.isInterface()) && d.getInitializer().isPresent();
                    if (!constant || !inProgress.add(d)) {
                        throw new NotConstant("not a static final constant " + n);
                    }
                    try {
                        Source owner = sourceOfNode(c);
                        JavaConstants inner = new JavaConstants(owner.names(), new Bindings(owner, c, null, null, inProgress));
                        Object v = inner.assign(d.getType(), inner.eval(d.getInitializer().get()));
                        if (JavaConstants.mutable(v)) {
                            throw new NotConstant("mutable constant");
                        }
                        return Optional.of(v);
                    } finally {
                        inProgress.remove(d);
                    }
                }
            }
            return Optional.empty();
        }
    }

    private Source sourceOfNode(Node n) {
        CompilationUnit cu = n.findCompilationUnit().orElseThrow();
        for (Source s : sources) {
            if (s.unit() == cu) {
                return s;
            }
        }
        throw new NotConstant("unknown file");
    }

    /** Whether {@code name} is a parameter or local (of any kind) anywhere in {@code m}. */
    private static boolean declaresLocal(MethodDeclaration m, String name) {
        for (Parameter p : m.findAll(Parameter.class)) {
            if (p.getNameAsString().equals(name)) {
                return true;
            }
        }
        for (VariableDeclarator d : m.findAll(VariableDeclarator.class)) {
            if (d.getNameAsString().equals(name)) {
                return true;
            }
        }
        for (PatternExpr p : m.findAll(PatternExpr.class)) {
            if (p.isTypePatternExpr() && p.asTypePatternExpr().getNameAsString().equals(name)) {
                return true;
            }
        }
        for (CatchClause c : m.findAll(CatchClause.class)) {
            if (c.getParameter().getNameAsString().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean assigned(MethodDeclaration m, String name) {
        for (AssignExpr a : m.findAll(AssignExpr.class)) {
            if (a.getTarget() instanceof NameExpr n && n.getNameAsString().equals(name)) {
                return true;
            }
        }
        for (UnaryExpr u : m.findAll(UnaryExpr.class)) {
            if ((u.getOperator() == UnaryExpr.Operator.PREFIX_INCREMENT || u.getOperator() == UnaryExpr.Operator.PREFIX_DECREMENT
                    || u.getOperator() == UnaryExpr.Operator.POSTFIX_INCREMENT || u.getOperator() == UnaryExpr.Operator.POSTFIX_DECREMENT)
                    && u.getExpression() instanceof NameExpr n && n.getNameAsString().equals(name)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- rewriting

    private static Optional<String> replacement(Site site, int id) {
        SourceText text = SourceText.of(site.file().text());
        Optional<int[]> stmt = text.span(site.statement());
        Optional<int[]> actual = text.span(site.actual());
        if (stmt.isEmpty() || actual.isEmpty()) {
            return Optional.empty();
        }
        String original = site.file().text().substring(stmt.get()[0], stmt.get()[1]);
        String actualText = site.file().text().substring(actual.get()[0], actual.get()[1]);
        if (!original.endsWith(";") || !SourceText.matchesTokens(site.statement(), original)
                || !SourceText.matchesTokens(site.actual(), actualText) || actual.get()[0] < stmt.get()[0] || actual.get()[1] > stmt.get()[1]) {
            // The positions do not map onto the text as expected: leave the assertion as it is.
            return Optional.empty();
        }
        String head = original.substring(0, actual.get()[0] - stmt.get()[0]);
        String tail = original.substring(actual.get()[1] - stmt.get()[0]);
        return Optional.of(PROBE_CALL + "(" + id + ", " + SourceText.layout(head) + actualText + SourceText.layout(tail) + ");");
    }

    private static String rewrite(Source file, List<Map.Entry<Site, Integer>> sites) {
        SourceText text = SourceText.of(file.text());
        List<Map.Entry<Site, Integer>> ordered = new ArrayList<>(sites);
        ordered.sort(Comparator.comparing((Map.Entry<Site, Integer> e) -> e.getKey().statement().getBegin().orElse(Position.HOME)).reversed());
        StringBuilder out = new StringBuilder(file.text());
        for (Map.Entry<Site, Integer> e : ordered) {
            int[] span = text.span(e.getKey().statement()).orElseThrow();
            String replacement = replacement(e.getKey(), e.getValue()).orElseThrow();
            out.replace(span[0], span[1], replacement);
        }
        return out.toString();
    }

    private static String sourceText(Source file, Node node) {
        return SourceText.of(file.text()).span(node).map(s -> file.text().substring(s[0], s[1])).orElse(node.toString());
    }
}
