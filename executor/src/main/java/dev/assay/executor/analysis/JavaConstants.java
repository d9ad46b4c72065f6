package dev.assay.executor.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.javaparser.ast.ArrayCreationLevel;
import com.github.javaparser.ast.expr.ArrayCreationExpr;
import com.github.javaparser.ast.expr.ArrayInitializerExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.BooleanLiteralExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.CharLiteralExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.expr.DoubleLiteralExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.LongLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.NullLiteralExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.expr.TextBlockLiteralExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.type.ArrayType;
import com.github.javaparser.ast.type.PrimitiveType;
import com.github.javaparser.ast.type.Type;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Evaluates Java constant expressions over the JavaParser AST, without running anything (harness/PROTOCOL.md
 * "Sealing": literals, unary and binary operators over constants, string concatenation, {@code List.of},
 * {@code Set.of}, {@code Map.of}, {@code Map.entry}, {@code Map.ofEntries}, {@code Arrays.asList},
 * {@code Collections.empty*}, array initialisers, {@code java.lang} constants such as {@code Integer.MAX_VALUE}, and
 * names the caller can bind). Values are Java's own boxed values with Java's semantics (int overflow, float
 * rounding), then encoded canonically with the same rules as the harness's {@code Probe}.
 */
final class JavaConstants {
    /** Java's null as a value (a Java null means "not evaluated"). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A Java array: element type as written ({@code int}, {@code String}, {@code int[]} for nested arrays). */
    record ArrayValue(String elementType, List<Object> items) {
    }

    /** {@code List.of}/{@code Arrays.asList} ({@code mutable}) / {@code Collections.emptyList}. */
    record ListValue(List<Object> items, boolean mutable) {
    }

    record SetValue(List<Object> items) {
    }

    record MapValue(List<Object> keys, List<Object> values) {
    }

    /** {@code Map.entry(k, v)}: only a constant inside {@code Map.ofEntries}. */
    record EntryValue(Object key, Object value) {
    }

    /** The expression is not a constant (or not one this evaluator can vouch for). */
    static final class NotConstant extends RuntimeException {
        NotConstant(String why) {
            super(why, null, false, false);
        }
    }

    /** Binds simple names (effectively final locals, static final fields) to constant values. */
    interface Names {
        /** The value of {@code name} at {@code use}, or throws {@link NotConstant}. */
        Object value(NameExpr name);

        /** The value of static final field {@code field} of the class named {@code type}, or throws. */
        Object field(String type, String field);
    }

    private static final int MAX_DEPTH = 64;
    private static final int MAX_NODES = 20_000;

    private final JavaNames names;
    private final Names bindings;
    private int nodes;

    JavaConstants(JavaNames names, Names bindings) {
        this.names = names;
        this.bindings = bindings;
    }

    /** Whether {@code e} is a constant (evaluates without error). */
    boolean isConstant(Expression e) {
        try {
            eval(e);
            return true;
        } catch (NotConstant x) {
            return false;
        }
    }

    /** The value of {@code e}, or throws {@link NotConstant}. */
    Object eval(Expression e) {
        nodes = 0;
        return eval(e, 0);
    }

    private Object eval(Expression e, int depth) {
        if (depth > MAX_DEPTH || ++nodes > MAX_NODES) {
            throw new NotConstant("too large");
        }
        if (e instanceof EnclosedExpr x) {
            return eval(x.getInner(), depth + 1);
        }
        if (e instanceof IntegerLiteralExpr x) {
            long v = integral(x.getValue(), false);
            if (v > Integer.MAX_VALUE) {
                throw new NotConstant("int literal out of range");
            }
            return (int) v;
        }
        if (e instanceof LongLiteralExpr x) {
            return integral(x.getValue(), true);
        }
        if (e instanceof DoubleLiteralExpr x) {
            String text = x.getValue().replace("_", "");
            try {
                return text.endsWith("f") || text.endsWith("F") ? (Object) Float.parseFloat(text) : (Object) Double.parseDouble(text);
            } catch (NumberFormatException ex) {
                throw new NotConstant("bad floating literal");
            }
        }
        if (e instanceof CharLiteralExpr x) {
            return x.asChar();
        }
        if (e instanceof TextBlockLiteralExpr x) {
            return x.asString();
        }
        if (e instanceof StringLiteralExpr x) {
            return x.asString();
        }
        if (e instanceof BooleanLiteralExpr x) {
            return x.getValue();
        }
        if (e instanceof NullLiteralExpr) {
            return NULL;
        }
        if (e instanceof UnaryExpr x) {
            return unary(x, depth);
        }
        if (e instanceof BinaryExpr x) {
            return binary(x.getOperator(), eval(x.getLeft(), depth + 1), x, depth);
        }
        if (e instanceof ConditionalExpr x) {
            Object c = eval(x.getCondition(), depth + 1);
            if (!(c instanceof Boolean b)) {
                throw new NotConstant("condition is not boolean");
            }
            return eval(b ? x.getThenExpr() : x.getElseExpr(), depth + 1);
        }
        if (e instanceof CastExpr x) {
            return cast(x.getType(), eval(x.getExpression(), depth + 1));
        }
        if (e instanceof NameExpr x) {
            return bindings.value(x);
        }
        if (e instanceof FieldAccessExpr x) {
            return fieldAccess(x);
        }
        if (e instanceof MethodCallExpr x) {
            return call(x, depth);
        }
        if (e instanceof ArrayCreationExpr x) {
            return arrayCreation(x, depth);
        }
        throw new NotConstant(e.getClass().getSimpleName());
    }

    /** An int or long literal's value (hex, octal, binary, underscores); ints are read as unsigned 32-bit words. */
    private static long integral(String literal, boolean isLong) {
        String t = literal.replace("_", "");
        if (isLong) {
            t = t.substring(0, t.length() - 1);
        }
        int radix = 10;
        if (t.startsWith("0x") || t.startsWith("0X")) {
            radix = 16;
            t = t.substring(2);
        } else if (t.startsWith("0b") || t.startsWith("0B")) {
            radix = 2;
            t = t.substring(2);
        } else if (t.length() > 1 && t.startsWith("0")) {
            radix = 8;
            t = t.substring(1);
        }
        try {
            if (isLong) {
                if (radix == 10) {
                    // 9223372036854775808L only appears under a unary minus (handled there).
                    return Long.parseLong(t);
                }
                return Long.parseUnsignedLong(t, radix);
            }
            long v = Long.parseLong(t, radix);
            if (radix != 10) {
                if (v > 0xFFFF_FFFFL) {
                    throw new NotConstant("int literal out of range");
                }
                return (int) v;
            }
            return v;
        } catch (NumberFormatException ex) {
            throw new NotConstant("bad integer literal");
        }
    }

    private Object unary(UnaryExpr x, int depth) {
        Expression operand = x.getExpression();
        switch (x.getOperator()) {
            case MINUS -> {
                if (operand instanceof IntegerLiteralExpr lit && lit.getValue().replace("_", "").equals("2147483648")) {
                    return Integer.MIN_VALUE;
                }
                if (operand instanceof LongLiteralExpr lit && lit.getValue().replace("_", "").matches("9223372036854775808[lL]")) {
                    return Long.MIN_VALUE;
                }
                Object v = promote(eval(operand, depth + 1));
                if (v instanceof Integer i) {
                    return -i;
                }
                if (v instanceof Long l) {
                    return -l;
                }
                if (v instanceof Float f) {
                    return -f;
                }
                if (v instanceof Double d) {
                    return -d;
                }
                throw new NotConstant("minus of a non-number");
            }
            case PLUS -> {
                Object v = promote(eval(operand, depth + 1));
                if (v instanceof Number) {
                    return v;
                }
                throw new NotConstant("plus of a non-number");
            }
            case BITWISE_COMPLEMENT -> {
                Object v = promote(eval(operand, depth + 1));
                if (v instanceof Integer i) {
                    return ~i;
                }
                if (v instanceof Long l) {
                    return ~l;
                }
                throw new NotConstant("~ of a non-integer");
            }
            case LOGICAL_COMPLEMENT -> {
                if (eval(operand, depth + 1) instanceof Boolean b) {
                    return !b;
                }
                throw new NotConstant("! of a non-boolean");
            }
            default -> throw new NotConstant("increment or decrement");
        }
    }

    /** Unary numeric promotion: char, byte, short → int. */
    private static Object promote(Object v) {
        if (v instanceof Character c) {
            return (int) c;
        }
        if (v instanceof Byte || v instanceof Short) {
            return ((Number) v).intValue();
        }
        return v;
    }

    private Object binary(BinaryExpr.Operator op, Object left, BinaryExpr x, int depth) {
        // && and || evaluate their right side only when Java would.
        if (op == BinaryExpr.Operator.AND || op == BinaryExpr.Operator.OR) {
            if (!(left instanceof Boolean l)) {
                throw new NotConstant("boolean operator on a non-boolean");
            }
            if (op == BinaryExpr.Operator.AND && !l || op == BinaryExpr.Operator.OR && l) {
                return l;
            }
            if (eval(x.getRight(), depth + 1) instanceof Boolean r) {
                return r;
            }
            throw new NotConstant("boolean operator on a non-boolean");
        }
        Object right = eval(x.getRight(), depth + 1);
        if (op == BinaryExpr.Operator.PLUS && (left instanceof String || right instanceof String)) {
            String s = text(left) + text(right);
            if (s.length() > JavaCanon.MAX_STRING) {
                throw new NotConstant("string too long");
            }
            return s;
        }
        if (left instanceof Boolean a && right instanceof Boolean b) {
            return switch (op) {
                case BINARY_AND -> a & b;
                case BINARY_OR -> a | b;
                case XOR -> a ^ b;
                case EQUALS -> a.booleanValue() == b.booleanValue();
                case NOT_EQUALS -> a.booleanValue() != b.booleanValue();
                default -> throw new NotConstant("operator on booleans");
            };
        }
        Object a = promote(left);
        Object b = promote(right);
        if (!(a instanceof Number) || !(b instanceof Number)) {
            throw new NotConstant("operator on non-numbers");
        }
        if (op == BinaryExpr.Operator.LEFT_SHIFT || op == BinaryExpr.Operator.SIGNED_RIGHT_SHIFT
                || op == BinaryExpr.Operator.UNSIGNED_RIGHT_SHIFT) {
            if (!(b instanceof Integer || b instanceof Long)) {
                throw new NotConstant("shift by a non-integer");
            }
            long distance = ((Number) b).longValue();
            if (a instanceof Integer i) {
                int d = (int) distance;
                return switch (op) {
                    case LEFT_SHIFT -> i << d;
                    case SIGNED_RIGHT_SHIFT -> i >> d;
                    default -> i >>> d;
                };
            }
            if (a instanceof Long l) {
                return switch (op) {
                    case LEFT_SHIFT -> l << distance;
                    case SIGNED_RIGHT_SHIFT -> l >> distance;
                    default -> l >>> distance;
                };
            }
            throw new NotConstant("shift of a non-integer");
        }
        if (a instanceof Double || b instanceof Double) {
            return doubles(op, ((Number) a).doubleValue(), ((Number) b).doubleValue());
        }
        if (a instanceof Float || b instanceof Float) {
            return floats(op, ((Number) a).floatValue(), ((Number) b).floatValue());
        }
        if (a instanceof Long || b instanceof Long) {
            return longs(op, ((Number) a).longValue(), ((Number) b).longValue());
        }
        return ints(op, (Integer) a, (Integer) b);
    }

    /**
     * int arithmetic as Java does it: computed in long and narrowed, which two's complement makes the same (overflow
     * and {@code MIN_VALUE / -1} included); comparisons stay booleans.
     */
    private static Object ints(BinaryExpr.Operator op, int a, int b) {
        Object wide = longs(op, a, b);
        return wide instanceof Long l ? Integer.valueOf(l.intValue()) : wide;
    }

    private static Object longs(BinaryExpr.Operator op, long a, long b) {
        return switch (op) {
            case PLUS -> a + b;
            case MINUS -> a - b;
            case MULTIPLY -> a * b;
            case DIVIDE -> {
                if (b == 0) {
                    throw new NotConstant("division by zero");
                }
                yield a / b;
            }
            case REMAINDER -> {
                if (b == 0) {
                    throw new NotConstant("division by zero");
                }
                yield a % b;
            }
            case BINARY_AND -> a & b;
            case BINARY_OR -> a | b;
            case XOR -> a ^ b;
            case LESS -> a < b;
            case LESS_EQUALS -> a <= b;
            case GREATER -> a > b;
            case GREATER_EQUALS -> a >= b;
            case EQUALS -> a == b;
            case NOT_EQUALS -> a != b;
            default -> throw new NotConstant("operator " + op);
        };
    }

    private static Object floats(BinaryExpr.Operator op, float a, float b) {
        return switch (op) {
            case PLUS -> a + b;
            case MINUS -> a - b;
            case MULTIPLY -> a * b;
            case DIVIDE -> a / b;
            case REMAINDER -> a % b;
            case LESS -> a < b;
            case LESS_EQUALS -> a <= b;
            case GREATER -> a > b;
            case GREATER_EQUALS -> a >= b;
            case EQUALS -> a == b;
            case NOT_EQUALS -> a != b;
            default -> throw new NotConstant("operator " + op);
        };
    }

    private static Object doubles(BinaryExpr.Operator op, double a, double b) {
        return switch (op) {
            case PLUS -> a + b;
            case MINUS -> a - b;
            case MULTIPLY -> a * b;
            case DIVIDE -> a / b;
            case REMAINDER -> a % b;
            case LESS -> a < b;
            case LESS_EQUALS -> a <= b;
            case GREATER -> a > b;
            case GREATER_EQUALS -> a >= b;
            case EQUALS -> a == b;
            case NOT_EQUALS -> a != b;
            default -> throw new NotConstant("operator " + op);
        };
    }

    /** Java's string conversion of a constant operand of {@code +}. */
    private static String text(Object v) {
        if (v == NULL) {
            return "null";
        }
        if (v instanceof String || v instanceof Number || v instanceof Character || v instanceof Boolean) {
            return String.valueOf(v);
        }
        throw new NotConstant("string conversion of a collection");
    }

    private Object cast(Type type, Object v) {
        if (type instanceof PrimitiveType p) {
            return convert(p.getType().asString(), v, true);
        }
        String name = type.asString();
        String fqn = names.resolve(name);
        if ("java.lang.Object".equals(fqn)) {
            return v;
        }
        if ("java.lang.String".equals(fqn) && (v instanceof String || v == NULL)) {
            return v;
        }
        if (fqn != null && fqn.startsWith("java.lang.") && v != NULL && v.getClass().getName().equals(fqn)) {
            return v;
        }
        throw new NotConstant("cast to " + name);
    }

    /**
     * {@code v} as primitive {@code type}: a cast ({@code explicit}) or an assignment conversion (widening, and
     * narrowing of int constants that fit).
     */
    static Object convert(String type, Object v, boolean explicit) {
        if (type.equals("boolean")) {
            if (v instanceof Boolean) {
                return v;
            }
            throw new NotConstant("not a boolean");
        }
        Object n = v instanceof Character c ? (Object) (int) c.charValue() : v;
        if (!(n instanceof Number num) || n instanceof java.math.BigInteger) {
            throw new NotConstant("not a number");
        }
        boolean integral = n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
        boolean intLike = n instanceof Integer || n instanceof Short || n instanceof Byte;
        switch (type) {
            case "double":
                return num.doubleValue();
            case "float":
                if (!explicit && n instanceof Double) {
                    throw new NotConstant("double to float");
                }
                return num.floatValue();
            case "long":
                if (!explicit && !integral) {
                    throw new NotConstant("floating to long");
                }
                return num.longValue();
            case "int":
                if (!explicit && !intLike) {
                    throw new NotConstant("narrowing to int");
                }
                return num.intValue();
            case "short", "byte", "char": {
                if (!explicit) {
                    long value = num.longValue();
                    boolean fits = intLike && switch (type) {
                        case "short" -> value >= Short.MIN_VALUE && value <= Short.MAX_VALUE;
                        case "byte" -> value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE;
                        default -> value >= 0 && value <= Character.MAX_VALUE;
                    };
                    if (!fits && !(type.equals("char") && v instanceof Character)
                            && !(type.equals("short") && (v instanceof Short || v instanceof Byte))
                            && !(type.equals("byte") && v instanceof Byte)) {
                        throw new NotConstant("narrowing to " + type);
                    }
                }
                int i = n instanceof Long l ? (int) l.longValue() : num.intValue();
                return switch (type) {
                    case "short" -> (short) i;
                    case "byte" -> (byte) i;
                    default -> (char) i;
                };
            }
            default:
                throw new NotConstant("unknown primitive " + type);
        }
    }

    /**
     * {@code v} assigned to a variable declared with {@code type} (null for {@code var}): primitives convert, boxes
     * and String must match, collections stay.
     */
    Object assign(Type type, Object v) {
        if (type == null || type.isVarType()) {
            return v;
        }
        if (type instanceof PrimitiveType p) {
            return convert(p.getType().asString(), v, false);
        }
        if (type instanceof ArrayType) {
            throw new NotConstant("array variable");
        }
        String raw = type.isClassOrInterfaceType() ? type.asClassOrInterfaceType().getNameWithScope() : type.asString();
        String fqn = names.resolve(raw);
        if (fqn == null) {
            throw new NotConstant("variable of a workspace type");
        }
        switch (fqn) {
            case "java.lang.Object":
                return v;
            case "java.lang.String", "java.lang.CharSequence":
                if (v instanceof String || v == NULL) {
                    return v;
                }
                break;
            case "java.lang.Integer", "java.lang.Long", "java.lang.Double", "java.lang.Float", "java.lang.Boolean",
                    "java.lang.Character", "java.lang.Short", "java.lang.Byte":
                if (v == NULL || v.getClass().getName().equals(fqn)) {
                    return v;
                }
                // Boxing after constant narrowing: Short s = 1; Byte b = 1; Character c = 97;
                switch (fqn) {
                    case "java.lang.Short" -> {
                        return convert("short", v, false);
                    }
                    case "java.lang.Byte" -> {
                        return convert("byte", v, false);
                    }
                    case "java.lang.Character" -> {
                        return convert("char", v, false);
                    }
                    default -> {
                    }
                }
                break;
            case "java.lang.Number":
                if (v instanceof Number) {
                    return v;
                }
                break;
            case "java.util.List", "java.util.Collection", "java.lang.Iterable":
                if (v instanceof ListValue || v instanceof SetValue && !fqn.equals("java.util.List")) {
                    return v;
                }
                break;
            case "java.util.Set":
                if (v instanceof SetValue) {
                    return v;
                }
                break;
            case "java.util.Map":
                if (v instanceof MapValue) {
                    return v;
                }
                break;
            default:
                break;
        }
        throw new NotConstant("assignment to " + raw);
    }

    private Object fieldAccess(FieldAccessExpr x) {
        String scope = JavaNames.dotted(x.getScope());
        String field = x.getNameAsString();
        if (scope == null) {
            throw new NotConstant("field of a value");
        }
        String fqn = names.resolve(scope);
        if (fqn != null && fqn.startsWith("java.lang.") && fqn.indexOf('.', "java.lang.".length()) < 0) {
            return jdkConstant(fqn, field);
        }
        return bindings.field(scope, field);
    }

    /** A {@code public static final} primitive or String constant of a {@code java.lang} class. */
    private static Object jdkConstant(String fqn, String field) {
        try {
            Class<?> type = Class.forName(fqn, false, ClassLoader.getPlatformClassLoader());
            Field f = type.getField(field);
            int mod = f.getModifiers();
            if (!Modifier.isStatic(mod) || !Modifier.isFinal(mod)) {
                throw new NotConstant("not a constant");
            }
            Class<?> t = f.getType();
            if (t.isPrimitive() || t == String.class || t == Boolean.class) {
                Object v = f.get(null);
                return v == null ? NULL : v;
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new NotConstant("unknown constant");
        }
        throw new NotConstant("not a constant of a plain type");
    }

    private Object call(MethodCallExpr x, int depth) {
        if (x.getScope().isEmpty()) {
            throw new NotConstant("call");
        }
        String written = JavaNames.dotted(x.getScope().get());
        String scope = written == null ? null : names.resolve(written);
        String method = x.getNameAsString();
        if (scope == null) {
            throw new NotConstant("call");
        }
        List<Object> args = new ArrayList<>();
        for (Expression a : x.getArguments()) {
            args.add(eval(a, depth + 1));
        }
        switch (scope + "." + method) {
            case "java.util.List.of" -> {
                noNulls(args);
                noArrays(args);
                return new ListValue(List.copyOf(args), false);
            }
            case "java.util.Set.of" -> {
                noNulls(args);
                noArrays(args);
                if (new HashSet<>(args).size() != args.size()) {
                    throw new NotConstant("duplicate set element");
                }
                return new SetValue(List.copyOf(args));
            }
            case "java.util.Map.of" -> {
                noNulls(args);
                if (args.size() % 2 != 0) {
                    throw new NotConstant("odd Map.of");
                }
                List<Object> keys = new ArrayList<>();
                List<Object> values = new ArrayList<>();
                for (int i = 0; i < args.size(); i += 2) {
                    keys.add(args.get(i));
                    values.add(args.get(i + 1));
                }
                if (new HashSet<>(keys).size() != keys.size()) {
                    throw new NotConstant("duplicate map key");
                }
                return new MapValue(keys, values);
            }
            case "java.util.Map.entry" -> {
                noNulls(args);
                if (args.size() != 2) {
                    throw new NotConstant("Map.entry arity");
                }
                return new EntryValue(args.get(0), args.get(1));
            }
            case "java.util.Map.ofEntries" -> {
                List<Object> keys = new ArrayList<>();
                List<Object> values = new ArrayList<>();
                for (Object a : args) {
                    if (!(a instanceof EntryValue entry)) {
                        throw new NotConstant("Map.ofEntries of a non-entry");
                    }
                    keys.add(entry.key());
                    values.add(entry.value());
                }
                if (new HashSet<>(keys).size() != keys.size()) {
                    throw new NotConstant("duplicate map key");
                }
                return new MapValue(keys, values);
            }
            case "java.util.Arrays.asList" -> {
                noArrays(args);
                return new ListValue(new ArrayList<>(args), true);
            }
            case "java.util.Collections.emptyList" -> {
                return new ListValue(List.of(), false);
            }
            case "java.util.Collections.emptySet" -> {
                return new SetValue(List.of());
            }
            case "java.util.Collections.emptyMap" -> {
                return new MapValue(List.of(), List.of());
            }
            default -> throw new NotConstant("call of " + scope + "." + method);
        }
    }

    private static void noNulls(List<Object> args) {
        for (Object a : args) {
            if (a == NULL) {
                throw new NotConstant("null element");
            }
        }
    }

    /** A lone array argument of a varargs factory is spread by Java; keep such calls out. */
    private static void noArrays(List<Object> args) {
        for (Object a : args) {
            if (a instanceof ArrayValue) {
                throw new NotConstant("array argument of a varargs factory");
            }
        }
    }

    private Object arrayCreation(ArrayCreationExpr x, int depth) {
        String element = x.getElementType().asString();
        int levels = x.getLevels().size();
        if (x.getInitializer().isPresent()) {
            return arrayInit(element, levels, x.getInitializer().get(), depth);
        }
        if (levels != 1) {
            throw new NotConstant("multi-dimensional array without initialiser");
        }
        ArrayCreationLevel level = x.getLevels().get(0);
        if (level.getDimension().isEmpty() || !(eval(level.getDimension().get(), depth + 1) instanceof Integer n) || n < 0
                || n > JavaCanon.MAX_VALUES) {
            throw new NotConstant("array dimension");
        }
        Object zero = switch (element) {
            case "int" -> 0;
            case "long" -> 0L;
            case "double" -> 0.0;
            case "float" -> 0.0f;
            case "boolean" -> false;
            case "char" -> '\0';
            case "short" -> (short) 0;
            case "byte" -> (byte) 0;
            default -> NULL;
        };
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(zero);
        }
        return new ArrayValue(element, items);
    }

    private Object arrayInit(String element, int levels, ArrayInitializerExpr init, int depth) {
        List<Object> items = new ArrayList<>();
        for (Expression value : init.getValues()) {
            if (levels > 1) {
                if (!(value instanceof ArrayInitializerExpr inner)) {
                    Object v = eval(value, depth + 1);
                    if (!(v instanceof ArrayValue) && v != NULL) {
                        throw new NotConstant("array element");
                    }
                    items.add(v);
                } else {
                    items.add(arrayInit(element, levels - 1, inner, depth + 1));
                }
            } else {
                items.add(element(element, eval(value, depth + 1)));
            }
        }
        return new ArrayValue(element + "[]".repeat(levels - 1), items);
    }

    private Object element(String type, Object v) {
        return switch (type) {
            case "int", "long", "double", "float", "boolean", "char", "short", "byte" -> convert(type, v, false);
            default -> {
                String fqn = names.resolve(type);
                if ("java.lang.Object".equals(fqn)) {
                    yield v;
                }
                if ("java.lang.String".equals(fqn) && (v instanceof String || v == NULL)) {
                    yield v;
                }
                if (fqn != null && fqn.startsWith("java.lang.") && (v == NULL || v.getClass().getName().equals(fqn))) {
                    yield v;
                }
                throw new NotConstant("array of " + type);
            }
        };
    }

    /** Whether a value can change after it is bound (arrays, {@code Arrays.asList}): never a named constant. */
    static boolean mutable(Object v) {
        if (v instanceof ArrayValue) {
            return true;
        }
        if (v instanceof ListValue l) {
            return l.mutable() || l.items().stream().anyMatch(JavaConstants::mutable);
        }
        if (v instanceof SetValue s) {
            return s.items().stream().anyMatch(JavaConstants::mutable);
        }
        if (v instanceof MapValue m) {
            return m.keys().stream().anyMatch(JavaConstants::mutable) || m.values().stream().anyMatch(JavaConstants::mutable);
        }
        return v instanceof EntryValue;
    }

    /** Encodes a value (harness/PROTOCOL.md "Canonical values"), or throws when it is not encodable within limits. */
    static JsonNode canon(Object v) {
        return new JavaCanon().encode(v, 1);
    }
}
