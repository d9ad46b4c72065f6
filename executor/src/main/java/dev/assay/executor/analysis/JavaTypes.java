package dev.assay.executor.analysis;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.expr.TextBlockLiteralExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.Type;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The types of the expressions of one compilation unit, as far as the static rules need them (no symbol solver: the
 * analysis never loads workspace code): type names through {@link JavaNames}, variables (locals, parameters, fields,
 * {@code this.field}) by their declared type or, for {@code var}, their initializer's, {@code new T(…)} as a T, and
 * calls of JDK methods by their return type ({@code DriverManager.getConnection(…)} is a {@code java.sql.Connection}). Shared by the tamper
 * rules and the kind signals of a file.
 */
final class JavaTypes {
    /** JDK method return types by owner and name; empty when the overloads disagree or there is no such method. */
    private static final Map<String, Optional<String>> JDK_RETURNS = new ConcurrentHashMap<>();
    private static final int MAX_FOLDED = 100_000;

    private final CompilationUnit unit;
    private final JavaNames names;
    /** Variables (locals, parameters, fields) declared in the file, by name: the first declaration's type. */
    private final Map<String, VariableInfo> variables = new HashMap<>();
    private final Set<String> methodNames = new HashSet<>();
    /** Names assigned anywhere after their declaration (not constants), computed on first use. */
    private Set<String> reassigned;
    /** Guards {@code var a = b; var b = a;} (which javac rejects, but JavaParser reads). */
    private int typeDepth;

    private record VariableInfo(Type type, Expression initializer) {
    }

    JavaTypes(CompilationUnit unit, JavaNames names) {
        this.unit = unit;
        this.names = names;
        for (VariableDeclarator d : unit.findAll(VariableDeclarator.class)) {
            variables.putIfAbsent(d.getNameAsString(), new VariableInfo(d.getType(), d.getInitializer().orElse(null)));
        }
        for (Parameter p : unit.findAll(Parameter.class)) {
            variables.putIfAbsent(p.getNameAsString(), new VariableInfo(p.getType(), null));
        }
        unit.findAll(MethodDeclaration.class).forEach(m -> methodNames.add(m.getNameAsString()));
    }

    JavaNames names() {
        return names;
    }

    String typeName(Type type) {
        if (type instanceof ClassOrInterfaceType c) {
            return names.resolve(c.getNameWithScope());
        }
        return null;
    }

    /** The type a scope expression names ({@code System}, {@code java.lang.System}), or null when it is a value. */
    String typeOfScope(Expression scope) {
        String text = JavaNames.dotted(scope);
        if (text == null) {
            return null;
        }
        String last = text.substring(text.lastIndexOf('.') + 1);
        if (last.isEmpty() || !Character.isUpperCase(last.charAt(0)) || isVariable(text)) {
            return null;
        }
        return names.resolve(text);
    }

    /** Whether a simple name is a variable (local, parameter or field) declared in this file. */
    boolean isVariable(String name) {
        return !name.contains(".") && variables.containsKey(name);
    }

    /** Whether the file declares a method of this name (an unqualified call of it is not a static import's). */
    boolean declaresMethod(String method) {
        return methodNames.contains(method);
    }

    /** The declared type (resolved) of a variable named by {@code scope} ({@code x} or {@code this.x}), or null. */
    private String variableType(Expression scope) {
        String name = scope instanceof NameExpr n ? n.getNameAsString()
                : scope instanceof FieldAccessExpr f && f.getScope() instanceof ThisExpr ? f.getNameAsString() : null;
        VariableInfo v = name == null ? null : variables.get(name);
        if (v == null) {
            return null;
        }
        if (v.type().isVarType()) {
            if (v.initializer() == null || typeDepth > 8) {
                return null;
            }
            typeDepth++;
            try {
                return expressionType(v.initializer());
            } finally {
                typeDepth--;
            }
        }
        return typeName(v.type());
    }

    /** The type of an expression: a variable's, or a call's whose owner is a JDK class (its return type). */
    String expressionType(Expression e) {
        if (e instanceof MethodCallExpr c) {
            String name = c.getNameAsString();
            if (name.equals("getDeclaredField") || name.equals("getField")) {
                return "java.lang.reflect.Field";
            }
            String owner = owner(c);
            return owner == null ? null : jdkReturnType(owner, name);
        }
        if (e instanceof ObjectCreationExpr o) {
            return typeName(o.getType());
        }
        if (e.isEnclosedExpr()) {
            return expressionType(e.asEnclosedExpr().getInner());
        }
        return variableType(e);
    }

    /** The class a call's target belongs to: a type scope, a typed receiver, or a static import. */
    String owner(MethodCallExpr call) {
        if (call.getScope().isEmpty()) {
            if (declaresMethod(call.getNameAsString())) {
                return null;
            }
            for (String owner : names.staticOwners(call.getNameAsString())) {
                if (hasStaticMethod(owner, call.getNameAsString())) {
                    return owner;
                }
            }
            return null;
        }
        Expression scope = call.getScope().get();
        String type = typeOfScope(scope);
        return type != null ? type : expressionType(scope);
    }

    private static boolean hasStaticMethod(String owner, String method) {
        if (!JavaNames.jdkClass(owner)) {
            return owner.startsWith("org.junit") || owner.startsWith("org.opentest4j");
        }
        try {
            for (Method m : Class.forName(owner, false, ClassLoader.getPlatformClassLoader()).getMethods()) {
                if (m.getName().equals(method) && Modifier.isStatic(m.getModifiers())) {
                    return true;
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        return false;
    }

    /** The return type of a public JDK method, when all its overloads agree (void and primitives: none). */
    private static String jdkReturnType(String owner, String method) {
        if (!JavaNames.jdkClass(owner)) {
            return null;
        }
        return JDK_RETURNS.computeIfAbsent(owner + "#" + method, key -> {
            String found = null;
            try {
                for (Method m : Class.forName(owner, false, ClassLoader.getPlatformClassLoader()).getMethods()) {
                    if (!m.getName().equals(method)) {
                        continue;
                    }
                    Class<?> type = m.getReturnType();
                    // a type variable erases to Object (Optional.get): that is not known
                    if (type.isPrimitive() || type.isArray() || type == Object.class || m.getGenericReturnType() instanceof TypeVariable<?>
                            || (found != null && !found.equals(type.getName()))) {
                        return Optional.empty();
                    }
                    found = type.getName();
                }
            } catch (ClassNotFoundException | LinkageError e) {
                return Optional.empty();
            }
            return Optional.ofNullable(found);
        }).orElse(null);
    }

    /**
     * The string an expression always is: string literals and text blocks (unescaped), their {@code +}
     * concatenations, and names of variables declared once with such a value and never assigned again; else null.
     */
    String constantString(Expression e) {
        StringBuilder out = new StringBuilder();
        return fold(e, out, 0) ? out.toString() : null;
    }

    private boolean fold(Expression e, StringBuilder out, int depth) {
        if (out.length() > MAX_FOLDED || depth > 50) {
            return false;
        }
        if (e instanceof StringLiteralExpr s) {
            out.append(s.asString());
            return true;
        }
        if (e instanceof TextBlockLiteralExpr t) {
            out.append(t.asString());
            return true;
        }
        if (e instanceof BinaryExpr b && b.getOperator() == BinaryExpr.Operator.PLUS) {
            return fold(b.getLeft(), out, depth + 1) && fold(b.getRight(), out, depth + 1);
        }
        if (e.isEnclosedExpr()) {
            return fold(e.asEnclosedExpr().getInner(), out, depth + 1);
        }
        if (e instanceof NameExpr n) {
            VariableInfo v = variables.get(n.getNameAsString());
            return v != null && v.initializer() != null && !reassigned().contains(n.getNameAsString())
                    && fold(v.initializer(), out, depth + 1);
        }
        return false;
    }

    private Set<String> reassigned() {
        if (reassigned == null) {
            Set<String> out = new HashSet<>();
            for (AssignExpr a : unit.findAll(AssignExpr.class)) {
                String target = JavaNames.dotted(a.getTarget());
                if (target != null) {
                    out.add(target.startsWith("this.") ? target.substring(5) : target);
                }
            }
            Map<String, Integer> declarations = new HashMap<>();
            unit.findAll(VariableDeclarator.class).forEach(d -> declarations.merge(d.getNameAsString(), 1, Integer::sum));
            unit.findAll(Parameter.class).forEach(p -> declarations.merge(p.getNameAsString(), 1, Integer::sum));
            declarations.forEach((name, count) -> {
                if (count > 1) {
                    out.add(name);
                }
            });
            reassigned = out;
        }
        return reassigned;
    }
}
