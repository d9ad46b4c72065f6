package dev.assay.executor.analysis;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.AnnotationExpr;
import com.github.javaparser.ast.expr.ArrayCreationExpr;
import com.github.javaparser.ast.expr.ArrayInitializerExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MemberValuePair;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NormalAnnotationExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.SingleMemberAnnotationExpr;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import dev.assay.executor.analysis.Analysis.KindSignal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Kind signals of one generated Java file (harness/PROTOCOL.md "Kind signals", the Java column): what the code is, read
 * with JavaParser and the types {@link JavaTypes} gives (the resolution the tamper rules use): endpoints (Spring
 * {@code @RestController}/{@code @Controller}/{@code @*Mapping}, JAX-RS {@code @Path}/{@code @GET}…, {@code HttpServlet}
 * subclasses, the JDK's {@code HttpServer}), database queries (JDBC, Spring {@code @Query} and {@code JdbcTemplate}, JPA
 * native queries, with the SQL when a literal is handed over), migrations (Flyway Java migrations, Liquibase change
 * classes, DDL handed to the database) and infrastructure (AWS, Google Cloud, Azure and Kubernetes SDKs, processes
 * running their command-line tools).
 *
 * <p>Names alone never make a signal: an annotation or a type counts when it resolves to the framework's through the
 * imports (or is written fully qualified), and a call on a receiver of unknown type only when handed an SQL statement
 * (a literal, or literal SQL around parts built at run time). One signal per kind and line.
 */
final class JavaSignals {
    static final String API = "API_ENDPOINT";
    static final String QUERY = "DB_QUERY";
    static final String MIGRATION = "MIGRATION";
    static final String INFRASTRUCTURE = "INFRASTRUCTURE";
    private static final int MAX_REASON = 200;
    private static final int MAX_SQL = 10_000;

    private static final String SPRING_WEB = "org.springframework.web.bind.annotation.";
    /** Endpoint annotations by their qualified name's prefix + simple name: what the framework is called. */
    private static final Map<String, String> ENDPOINT_ANNOTATIONS = endpointAnnotations();
    private static final Set<String> QUERY_ANNOTATIONS = Set.of("org.springframework.data.jpa.repository.Query",
            "org.springframework.data.jdbc.repository.query.Query", "org.springframework.data.r2dbc.repository.Query");
    private static final Map<String, String> HANDLER_TYPES = Map.of("javax.servlet.http.HttpServlet", "Servlet",
            "jakarta.servlet.http.HttpServlet", "Servlet", "com.sun.net.httpserver.HttpHandler", "JDK HttpServer handler");
    private static final Map<String, String> MIGRATION_TYPES = Map.of(
            "org.flywaydb.core.api.migration.BaseJavaMigration", "Flyway Java migration",
            "org.flywaydb.core.api.migration.JavaMigration", "Flyway Java migration",
            "liquibase.change.custom.CustomTaskChange", "Liquibase change", "liquibase.change.custom.CustomSqlChange", "Liquibase change",
            "liquibase.change.custom.CustomChange", "Liquibase change", "liquibase.change.AbstractChange", "Liquibase change");

    private static final Set<String> JDBC_TYPES = Set.of("java.sql.Connection", "java.sql.Statement", "java.sql.PreparedStatement",
            "java.sql.CallableStatement");
    private static final Set<String> JDBC_METHODS = Set.of("prepareStatement", "prepareCall", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "execute", "addBatch", "executeBatch", "executeLargeBatch", "nativeSQL");
    private static final Set<String> CONNECTION_SOURCES = Set.of("java.sql.DriverManager", "javax.sql.DataSource");
    private static final Map<String, String> TEMPLATES = Map.of("org.springframework.jdbc.core.JdbcTemplate", "Spring JdbcTemplate",
            "org.springframework.jdbc.core.JdbcOperations", "Spring JdbcTemplate",
            "org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate", "Spring NamedParameterJdbcTemplate",
            "org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations", "Spring NamedParameterJdbcTemplate",
            "org.springframework.jdbc.core.simple.JdbcClient", "Spring JdbcClient",
            "javax.persistence.EntityManager", "JPA EntityManager", "jakarta.persistence.EntityManager", "JPA EntityManager");
    private static final Set<String> TEMPLATE_METHODS = Set.of("query", "queryForObject", "queryForList", "queryForMap",
            "queryForRowSet", "queryForStream", "update", "batchUpdate", "execute", "sql", "createNativeQuery", "createQuery");
    /** Statement methods on receivers of unknown type: a query when handed a literal SQL statement. */
    private static final Set<String> STATEMENT_METHODS = Set.of("prepareStatement", "prepareCall", "executeQuery", "executeUpdate",
            "execute", "addBatch", "query", "queryForObject", "queryForList", "update", "createNativeQuery");
    private static final Set<String> SERVER_TYPES = Set.of("com.sun.net.httpserver.HttpServer", "com.sun.net.httpserver.HttpsServer");
    private static final Set<String> TOOLS = Set.of("kubectl", "terraform", "terragrunt", "helm", "docker", "docker-compose", "podman",
            "aws", "gcloud", "gsutil", "az", "eksctl", "kustomize", "pulumi", "oc");

    private static final String COMMENTS = "(?:\\s|--[^\\n]*(?:\\n|$)|/\\*.*?\\*/)*";
    /** A literal that is an SQL statement, in the shapes that are not English: SELECT … FROM, INSERT INTO, UPDATE … SET, … */
    private static final Pattern SQL_STATEMENT = Pattern.compile(COMMENTS
            + "(?:select\\s(?:.*?\\sfrom\\s|\\s*[\\d*'(])|insert\\s+(?:or\\s+\\w+\\s+)?into\\s|update\\s+[\\w.\"`\\[\\]]+\\s+set\\s"
            + "|delete\\s+from\\s|replace\\s+into\\s|merge\\s+into\\s|upsert\\s|with\\s+(?:recursive\\s+)?[\\w\"]+\\s*(?:\\([^)]*\\)\\s*)?as\\s*\\("
            + "|(?:create|drop)\\s+(?:or\\s+replace\\s+)?(?:(?:temp|temporary|unique|materialized|virtual)\\s+)*"
            + "(?:table|index|view|schema|database|sequence|trigger|type|extension|function|procedure)\\s"
            + "|alter\\s+(?:table|index|view|schema|database|sequence|type)\\s|truncate\\s+(?:table\\s+)?[\\w\"`]|pragma\\s+\\w).*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern FORMAT_FIELD = Pattern.compile("%(\\d+\\$)?[-#+ 0,(]*\\d*(\\.\\d+)?[a-zA-Z%]");
    private static final Pattern DDL = Pattern.compile("(?:^|;)" + COMMENTS + "(?:create|alter|drop|truncate|rename)\\s",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final String path;
    private final CompilationUnit unit;
    private final JavaTypes types;
    private final Map<String, KindSignal> found = new LinkedHashMap<>();

    private JavaSignals(String path, CompilationUnit unit, JavaTypes types) {
        this.path = path;
        this.unit = unit;
        this.types = types;
    }

    /** The signals of one generated file, in line order. */
    static List<KindSignal> scan(String path, CompilationUnit unit, JavaTypes types) {
        JavaSignals s = new JavaSignals(path, unit, types);
        s.run();
        List<KindSignal> out = new ArrayList<>(s.found.values());
        out.sort((a, b) -> Integer.compare(a.line() == null ? 0 : a.line(), b.line() == null ? 0 : b.line()));
        return out;
    }

    static boolean isSql(String text) {
        return text != null && SQL_STATEMENT.matcher(text).matches();
    }

    static boolean isDdl(String text) {
        return text != null && DDL.matcher(text).find();
    }

    private static Map<String, String> endpointAnnotations() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : List.of("RestController", "RequestMapping", "GetMapping", "PostMapping", "PutMapping", "DeleteMapping",
                "PatchMapping")) {
            out.put(SPRING_WEB + name, "Spring");
        }
        out.put("org.springframework.stereotype.Controller", "Spring");
        for (String name : List.of("Path", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")) {
            out.put("javax.ws.rs." + name, "JAX-RS");
            out.put("jakarta.ws.rs." + name, "JAX-RS");
        }
        return Map.copyOf(out);
    }

    private void add(String kind, Node at, String reason, String sql) {
        Integer line = at.getBegin().map(p -> p.line).orElse(null);
        String text = sql != null && sql.length() > MAX_SQL ? sql.substring(0, MAX_SQL - 1) + "…" : sql;
        String key = kind + "|" + line;
        KindSignal known = found.get(key);
        if (known == null || (known.sql() == null && text != null)) {
            found.put(key, new KindSignal(kind, path, line, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason, text));
        }
    }

    private void run() {
        for (TypeDeclaration<?> t : unit.findAll(TypeDeclaration.class)) {
            annotated(t.getAnnotations(), t.getNameAsString());
            if (t instanceof ClassOrInterfaceDeclaration c) {
                supertypes(c);
            }
        }
        for (MethodDeclaration m : unit.findAll(MethodDeclaration.class)) {
            String owner = m.findAncestor(TypeDeclaration.class).map(TypeDeclaration::getNameAsString).orElse("?");
            annotated(m.getAnnotations(), owner + "." + m.getNameAsString());
        }
        unit.findAll(MethodCallExpr.class).forEach(this::call);
        unit.findAll(ObjectCreationExpr.class).forEach(this::creation);
    }

    // ---------------------------------------------------------------- declarations

    private String annotationType(AnnotationExpr a) {
        return types.names().resolve(a.getNameAsString());
    }

    /** Endpoint annotations (one signal for all of a declaration's) and Spring Data's {@code @Query}. */
    private void annotated(NodeList<AnnotationExpr> annotations, String what) {
        List<AnnotationExpr> endpoint = new ArrayList<>();
        String framework = null;
        for (AnnotationExpr a : annotations) {
            String fqn = annotationType(a);
            if (fqn == null) {
                continue;
            }
            if (ENDPOINT_ANNOTATIONS.containsKey(fqn)) {
                endpoint.add(a);
                framework = ENDPOINT_ANNOTATIONS.get(fqn);
            } else if (QUERY_ANNOTATIONS.contains(fqn)) {
                String sql = annotationValue(a);
                query(a, "Spring Data @Query on " + what, new Statement(sql, sql));
            }
        }
        if (!endpoint.isEmpty()) {
            String shown = endpoint.stream().map(this::shown).collect(Collectors.joining(" "));
            add(API, endpoint.get(0), framework + " " + shown + " on " + what, null);
        }
    }

    /** {@code @GetMapping("/orders/{id}")}: the annotation with its path when that is a literal. */
    private String shown(AnnotationExpr a) {
        String value = annotationValue(a);
        return "@" + JavaTests.simpleName(a) + (value == null ? "" : "(\"" + shorten(value, 60) + "\")");
    }

    private String annotationValue(AnnotationExpr a) {
        Expression value = null;
        if (a instanceof SingleMemberAnnotationExpr s) {
            value = s.getMemberValue();
        } else if (a instanceof NormalAnnotationExpr n) {
            value = n.getPairs().stream().filter(p -> p.getNameAsString().equals("value") || p.getNameAsString().equals("path"))
                    .map(MemberValuePair::getValue).findFirst().orElse(null);
        }
        if (value instanceof ArrayInitializerExpr array) {
            value = array.getValues().isEmpty() ? null : array.getValues().get(0);
        }
        return value == null ? null : types.constantString(value);
    }

    private void supertypes(ClassOrInterfaceDeclaration c) {
        List<ClassOrInterfaceType> supertypes = new ArrayList<>(c.getExtendedTypes());
        supertypes.addAll(c.getImplementedTypes());
        for (ClassOrInterfaceType t : supertypes) {
            String fqn = types.typeName(t);
            if (fqn == null) {
                continue;
            }
            String relation = c.getExtendedTypes().contains(t) ? " extends " : " implements ";
            if (HANDLER_TYPES.containsKey(fqn)) {
                String methods = c.getMethods().stream().map(MethodDeclaration::getNameAsString)
                        .filter(n -> n.matches("do[A-Z][a-z]+|service|handle")).collect(Collectors.joining(", "));
                add(API, c.getName(), HANDLER_TYPES.get(fqn) + " " + c.getNameAsString() + relation + t.getNameAsString()
                        + (methods.isEmpty() ? "" : " (" + methods + ")"), null);
            } else if (MIGRATION_TYPES.containsKey(fqn)) {
                add(MIGRATION, c.getName(), MIGRATION_TYPES.get(fqn) + " " + c.getNameAsString() + relation + t.getNameAsString(), null);
            }
        }
    }

    // ---------------------------------------------------------------- calls and creations

    private void call(MethodCallExpr call) {
        String name = call.getNameAsString();
        String owner = types.owner(call);
        if (owner == null) {
            unresolved(call, name);
            return;
        }
        String simple = owner.substring(owner.lastIndexOf('.') + 1);
        String sdk = JavaNames.sdk(owner);
        if (JDBC_TYPES.contains(owner) && JDBC_METHODS.contains(name)) {
            query(call, "JDBC " + name, statement(call.getArguments()));
        } else if (CONNECTION_SOURCES.contains(owner) && name.equals("getConnection")) {
            add(QUERY, call, "JDBC " + simple + ".getConnection", null);
        } else if (TEMPLATES.containsKey(owner) && TEMPLATE_METHODS.contains(name)) {
            query(call, TEMPLATES.get(owner) + "." + name, statement(call.getArguments()));
        } else if (SERVER_TYPES.contains(owner) && (name.equals("create") || name.equals("createContext"))) {
            String context = call.getArguments().isEmpty() ? null : types.constantString(call.getArgument(0));
            add(API, call, "JDK " + simple + "." + name + (context == null ? "" : "(\"" + shorten(context, 60) + "\")"), null);
        } else if (sdk != null) {
            add(INFRASTRUCTURE, call, sdk + " " + simple + "." + name, null);
        } else if (owner.equals("java.lang.Runtime") && name.equals("exec") && !call.getArguments().isEmpty()) {
            tool(call, "Runtime.exec", call.getArgument(0));
        }
    }

    /** A receiver of unknown type handed a literal SQL statement. */
    private void unresolved(MethodCallExpr call, String name) {
        if (call.getScope().isPresent() && STATEMENT_METHODS.contains(name)) {
            Statement statement = statement(call.getArguments());
            if (isSql(statement.shape())) {
                query(call, name + "() of an SQL statement" + (statement.sql() == null ? " built at run time" : ""), statement);
            }
        }
    }

    private void creation(ObjectCreationExpr creation) {
        String fqn = types.typeName(creation.getType());
        if (fqn == null) {
            return;
        }
        String sdk = JavaNames.sdk(fqn);
        if (sdk != null) {
            add(INFRASTRUCTURE, creation, sdk + " new " + creation.getType().getNameAsString(), null);
        } else if (fqn.equals("java.net.ServerSocket")) {
            add(API, creation, "JDK new ServerSocket", null);
        } else if (fqn.equals("java.lang.ProcessBuilder") && !creation.getArguments().isEmpty()) {
            tool(creation, "ProcessBuilder", creation.getArgument(0));
        }
    }

    /** A process running an infrastructure tool: the program is the first word of a command line or array/list. */
    private void tool(Node at, String how, Expression command) {
        Expression first = command;
        if (command instanceof ArrayCreationExpr a && a.getInitializer().isPresent()) {
            first = firstOf(a.getInitializer().get().getValues());
        } else if (command instanceof MethodCallExpr m && (m.getNameAsString().equals("of") || m.getNameAsString().equals("asList"))) {
            first = firstOf(m.getArguments());
        }
        String text = first == null ? null : types.constantString(first);
        if (text == null || text.isBlank()) {
            return;
        }
        String program = text.strip().split("\\s+")[0];
        program = program.substring(program.lastIndexOf('/') + 1);
        if (TOOLS.contains(program)) {
            add(INFRASTRUCTURE, at, how + " runs " + program, null);
        }
    }

    private static Expression firstOf(NodeList<Expression> values) {
        return values.isEmpty() ? null : values.get(0);
    }

    // ---------------------------------------------------------------- SQL

    /**
     * A statement handed to the database.
     *
     * @param sql   its text when it is a constant, else null
     * @param shape its text with {@code x} for each part built at run time ({@code +}, {@code String.format},
     *              {@code formatted}), or null when nothing of it is literal
     */
    private record Statement(String sql, String shape) {
    }

    private Statement statement(NodeList<Expression> arguments) {
        Expression first = arguments.isEmpty() ? null : arguments.get(0);
        String sql = first == null ? null : types.constantString(first);
        return new Statement(sql, sql != null ? sql : shape(first));
    }

    private String shape(Expression e) {
        if (e == null) {
            return null;
        }
        String constant = types.constantString(e);
        if (constant != null) {
            return constant;
        }
        if (e instanceof BinaryExpr b && b.getOperator() == BinaryExpr.Operator.PLUS) {
            String left = shape(b.getLeft());
            String right = shape(b.getRight());
            return (left == null ? "x" : left) + (right == null ? "x" : right);
        }
        if (e instanceof MethodCallExpr m && m.getNameAsString().equals("formatted") && m.getScope().isPresent()) {
            return formatShape(m.getScope().get());
        }
        if (e instanceof MethodCallExpr m && m.getNameAsString().equals("format") && !m.getArguments().isEmpty()
                && "java.lang.String".equals(types.owner(m))) {
            return formatShape(m.getArgument(0));
        }
        return e.isEnclosedExpr() ? shape(e.asEnclosedExpr().getInner()) : null;
    }

    private String formatShape(Expression format) {
        String text = types.constantString(format);
        return text == null ? null : FORMAT_FIELD.matcher(text).replaceAll("x");
    }

    private void query(Node at, String reason, Statement statement) {
        if (isDdl(statement.shape())) {
            add(MIGRATION, at, "DDL handed to the database: " + reason, statement.sql());
        } else {
            add(QUERY, at, reason, statement.sql());
        }
    }

    private static String shorten(String s, int max) {
        return s.length() > max ? s.substring(0, max - 1) + "…" : s;
    }
}
