package dev.assay.executor.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.executor.analysis.Analysis.KindSignal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kind signals of generated Java files (harness/PROTOCOL.md "Kind signals", the Java column), and their report form. */
class JavaAnalyzerSignalsTest {
    private static final String PATH = "com/acme/Solution.java";
    private final JavaAnalyzer analyzer = new JavaAnalyzer();

    private List<KindSignal> signals(String source) {
        List<KindSignal> found = analyzer.analyze(Map.of(), Map.of(PATH, source), List.of(PATH)).signals();
        assertThat(found).allSatisfy(s -> {
            assertThat(s.path()).isEqualTo(PATH);
            assertThat(s.line()).isPositive();
            assertThat(s.reason()).isNotBlank();
            assertThat(Analysis.SIGNAL_KINDS).contains(s.kind());
        });
        return found;
    }

    private static String file(String imports, String body) {
        return "package com.acme;\n" + imports + "\n" + body + "\n";
    }

    private static String solution(String imports, String members) {
        return file(imports, "public class Solution {\n" + members + "\n}");
    }

    // ---------------------------------------------------------------- API_ENDPOINT

    @Test
    void springControllersAndMappingsThroughSingleAndWildcardImports() {
        String body = """
                @RestController
                @RequestMapping("/orders")
                public class Solution {
                    @GetMapping("/{id}")
                    public String get(@PathVariable String id) { return id; }

                    @PostMapping(path = "/bulk")
                    public void bulk() { }

                    @RequestMapping(value = {"/a", "/b"})
                    public void many() { }
                }""";
        List<KindSignal> single = signals(file("""
                import org.springframework.web.bind.annotation.GetMapping;
                import org.springframework.web.bind.annotation.PathVariable;
                import org.springframework.web.bind.annotation.PostMapping;
                import org.springframework.web.bind.annotation.RequestMapping;
                import org.springframework.web.bind.annotation.RestController;""", body));
        assertThat(single).extracting(KindSignal::kind, KindSignal::line, KindSignal::reason).containsExactly(
                tuple("API_ENDPOINT", 7, "Spring @RestController @RequestMapping(\"/orders\") on Solution"),
                tuple("API_ENDPOINT", 10, "Spring @GetMapping(\"/{id}\") on Solution.get"),
                tuple("API_ENDPOINT", 13, "Spring @PostMapping(\"/bulk\") on Solution.bulk"),
                tuple("API_ENDPOINT", 16, "Spring @RequestMapping(\"/a\") on Solution.many"));
        List<KindSignal> wildcard = signals(file("import org.springframework.web.bind.annotation.*;", body));
        assertThat(wildcard).extracting(KindSignal::line, KindSignal::reason).containsExactly(
                tuple(3, "Spring @RestController @RequestMapping(\"/orders\") on Solution"),
                tuple(6, "Spring @GetMapping(\"/{id}\") on Solution.get"),
                tuple(9, "Spring @PostMapping(\"/bulk\") on Solution.bulk"),
                tuple(12, "Spring @RequestMapping(\"/a\") on Solution.many"));
    }

    @Test
    void springStereotypeAndQualifiedAnnotations() {
        assertThat(signals(file("import org.springframework.stereotype.Controller;",
                "@Controller\npublic class Solution {\n  @org.springframework.web.bind.annotation.DeleteMapping(\"/x\")\n  void d() { }\n}")))
                .extracting(KindSignal::line, KindSignal::reason).containsExactly(
                        tuple(3, "Spring @Controller on Solution"), tuple(5, "Spring @DeleteMapping(\"/x\") on Solution.d"));
    }

    @Test
    void jaxRsResourcesJavaxAndJakarta() {
        String body = """
                @Path("/orders")
                public class Solution {
                    @GET
                    @Path("/{id}")
                    public String get(String id) { return id; }
                }""";
        assertThat(signals(file("import javax.ws.rs.*;", body))).extracting(KindSignal::line, KindSignal::reason).containsExactly(
                tuple(3, "JAX-RS @Path(\"/orders\") on Solution"), tuple(5, "JAX-RS @GET @Path(\"/{id}\") on Solution.get"));
        assertThat(signals(file("import jakarta.ws.rs.GET;\nimport jakarta.ws.rs.Path;", body))).hasSize(2);
    }

    @Test
    void servletsAndTheJdkHttpServer() {
        assertThat(signals(file("import jakarta.servlet.http.*;", """
                public class Solution extends HttpServlet {
                    protected void doGet(HttpServletRequest q, HttpServletResponse r) { }
                    protected void doPost(HttpServletRequest q, HttpServletResponse r) { }
                }""")))
                .extracting(KindSignal::line, KindSignal::reason).containsExactly(tuple(3, "Servlet Solution extends HttpServlet (doGet, doPost)"));
        assertThat(signals(solution("import com.sun.net.httpserver.HttpServer;\nimport java.net.InetSocketAddress;", """
                void serve() throws Exception {
                    HttpServer server = HttpServer.create(new InetSocketAddress(8080), 0);
                    server.createContext("/orders", exchange -> exchange.close());
                    server.start();
                }""")))
                .extracting(KindSignal::line, KindSignal::reason).containsExactly(
                        tuple(6, "JDK HttpServer.create"), tuple(7, "JDK HttpServer.createContext(\"/orders\")"));
        assertThat(signals(file("import com.sun.net.httpserver.*;",
                "public class Solution implements HttpHandler {\n  public void handle(HttpExchange e) { }\n}")))
                .extracting(KindSignal::reason).containsExactly("JDK HttpServer handler Solution implements HttpHandler (handle)");
        assertThat(signals(solution("import java.net.*;", "Object s() throws Exception { return new ServerSocket(9000); }")))
                .extracting(KindSignal::reason).containsExactly("JDK new ServerSocket");
    }

    @Test
    void namesAloneAreNoEndpoints() {
        // a workspace annotation of the same name, an annotation that is not imported, a workspace HttpServlet, a Path
        assertThat(signals(file("", "@interface GetMapping { String value(); }\npublic class Solution {\n  @GetMapping(\"/x\") void a() { }\n}")))
                .isEmpty();
        assertThat(signals(solution("", "@Controller void a() { }"))).isEmpty();
        assertThat(signals(file("", "class HttpServlet { }\npublic class Solution extends HttpServlet {\n  void doGet() { }\n}"))).isEmpty();
        assertThat(signals(solution("import java.nio.file.*;", "Path p(String s) { return Path.of(s); }"))).isEmpty();
    }

    // ---------------------------------------------------------------- DB_QUERY

    @Test
    void jdbcWithItsSql() {
        List<KindSignal> found = signals(solution("import java.sql.*;", """
                Object get(String url, long id) throws SQLException {
                    Connection c = DriverManager.getConnection(url);
                    PreparedStatement ps = c.prepareStatement("SELECT * FROM orders WHERE id = ?");
                    ps.setLong(1, id);
                    return ps.executeQuery();
                }"""));
        assertThat(found).extracting(KindSignal::kind, KindSignal::line, KindSignal::reason, KindSignal::sql).containsExactly(
                tuple("DB_QUERY", 5, "JDBC DriverManager.getConnection", null),
                tuple("DB_QUERY", 6, "JDBC prepareStatement", "SELECT * FROM orders WHERE id = ?"),
                tuple("DB_QUERY", 8, "JDBC executeQuery", null));
    }

    @Test
    void jdbcThroughVarAndFoldedConstantSql() {
        List<KindSignal> found = signals(solution("import javax.sql.DataSource;", """
                private static final String SQL = "DELETE FROM sessions " + "WHERE expired";
                private final DataSource ds = null;
                void run(String table) throws Exception {
                    try (var conn = this.ds.getConnection(); var st = conn.createStatement()) {
                        st.executeUpdate("UPDATE stock " + "SET qty = qty - 1");
                        st.execute(SQL);
                        st.executeQuery(\"""
                            SELECT name
                            FROM users
                            \""");
                        st.executeQuery("SELECT * FROM " + table);
                    }
                }"""));
        assertThat(found).extracting(KindSignal::line, KindSignal::sql).containsExactly(
                tuple(7, null),
                tuple(8, "UPDATE stock SET qty = qty - 1"),
                tuple(9, "DELETE FROM sessions WHERE expired"),
                tuple(10, "SELECT name\nFROM users\n"),
                tuple(14, null));
    }

    @Test
    void springDataQueryJdbcTemplateAndJpa() {
        assertThat(signals(file("import org.springframework.data.jpa.repository.Query;\nimport java.util.List;", """
                public interface Solution {
                    @Query("SELECT o FROM Order o WHERE o.total > ?1")
                    List<Object> big(long total);
                }"""))).extracting(KindSignal::line, KindSignal::reason, KindSignal::sql)
                .containsExactly(tuple(5, "Spring Data @Query on Solution.big", "SELECT o FROM Order o WHERE o.total > ?1"));
        assertThat(signals(solution("import org.springframework.jdbc.core.*;\nimport jakarta.persistence.EntityManager;", """
                private final JdbcTemplate jdbc = null;
                private EntityManager em;
                int count() { return jdbc.queryForObject("SELECT count(*) FROM users", Integer.class); }
                void add(String n) { this.jdbc.update("INSERT INTO users(name) VALUES (?)", n); }
                Object raw() { return em.createNativeQuery("SELECT 1 FROM dual").getResultList(); }""")))
                .extracting(KindSignal::line, KindSignal::reason, KindSignal::sql).containsExactly(
                        tuple(7, "Spring JdbcTemplate.queryForObject", "SELECT count(*) FROM users"),
                        tuple(8, "Spring JdbcTemplate.update", "INSERT INTO users(name) VALUES (?)"),
                        tuple(9, "JPA EntityManager.createNativeQuery", "SELECT 1 FROM dual"));
    }

    @Test
    void aReceiverOfUnknownTypeHandedALiteralStatement() {
        assertThat(signals(solution("", "Object f(Db db) { return db.query(\"SELECT id FROM t WHERE active\"); }")))
                .extracting(KindSignal::kind, KindSignal::reason, KindSignal::sql)
                .containsExactly(tuple("DB_QUERY", "query() of an SQL statement", "SELECT id FROM t WHERE active"));
    }

    @Test
    void statementsBuiltAtRunTime() {
        assertThat(signals(solution("", """
                void f(Db db, String name, String table) {
                    db.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
                    db.executeUpdate(String.format("UPDATE %s SET flag = 1", table));
                    db.execute("DROP TABLE %s".formatted(table));
                }""")))
                .extracting(KindSignal::kind, KindSignal::line, KindSignal::reason, KindSignal::sql).containsExactly(
                        tuple("DB_QUERY", 5, "executeQuery() of an SQL statement built at run time", null),
                        tuple("DB_QUERY", 6, "executeUpdate() of an SQL statement built at run time", null),
                        tuple("MIGRATION", 7, "DDL handed to the database: execute() of an SQL statement built at run time", null));
    }

    @Test
    void otherCallsAreNoQueries() {
        assertThat(signals(solution("import java.util.concurrent.*;", """
                String sql = "SELECT * FROM t";
                void a(Executor executor, Runnable task) { executor.execute(task); }
                void b(Runner r) { r.execute("build"); }
                void c(java.util.Map<String, Integer> m) { m.put("update", 1); }
                void d(Db db, String q) { db.query(q); }"""))).isEmpty();
    }

    // ---------------------------------------------------------------- MIGRATION

    @Test
    void flywayLiquibaseAndDdl() {
        assertThat(signals(file("import org.flywaydb.core.api.migration.*;", """
                public class Solution extends BaseJavaMigration {
                    public void migrate(Context context) throws Exception {
                        try (var st = context.getConnection().createStatement()) {
                            st.execute("ALTER TABLE users ADD COLUMN email varchar(255)");
                        }
                    }
                }""")))
                .extracting(KindSignal::kind, KindSignal::line, KindSignal::reason, KindSignal::sql).containsExactly(
                        tuple("MIGRATION", 3, "Flyway Java migration Solution extends BaseJavaMigration", null),
                        tuple("MIGRATION", 6, "DDL handed to the database: execute() of an SQL statement",
                                "ALTER TABLE users ADD COLUMN email varchar(255)"));
        assertThat(signals(file("import liquibase.change.custom.CustomTaskChange;",
                "public abstract class Solution implements CustomTaskChange { }")))
                .extracting(KindSignal::kind, KindSignal::reason)
                .containsExactly(tuple("MIGRATION", "Liquibase change Solution implements CustomTaskChange"));
        assertThat(signals(solution("import java.sql.Statement;",
                "void drop(Statement st) throws Exception { st.executeUpdate(\"DROP TABLE legacy\"); }")))
                .extracting(KindSignal::kind, KindSignal::reason, KindSignal::sql)
                .containsExactly(tuple("MIGRATION", "DDL handed to the database: JDBC executeUpdate", "DROP TABLE legacy"));
    }

    @Test
    void namesAloneAreNoMigrations() {
        assertThat(signals(file("", "public class Solution {\n  public void migrate(Object context) { }\n}\nclass V1__Init { }"))).isEmpty();
    }

    // ---------------------------------------------------------------- INFRASTRUCTURE

    @Test
    void cloudAndClusterSdks() {
        assertThat(signals(solution("import software.amazon.awssdk.services.s3.S3Client;", """
                void wipe(software.amazon.awssdk.services.s3.model.DeleteBucketRequest r) {
                    S3Client s3 = S3Client.builder().build();
                    s3.deleteBucket(r);
                }"""))).extracting(KindSignal::kind, KindSignal::line, KindSignal::reason).containsExactly(
                        tuple("INFRASTRUCTURE", 5, "AWS SDK S3Client.builder"), tuple("INFRASTRUCTURE", 6, "AWS SDK S3Client.deleteBucket"));
        assertThat(signals(solution("import com.amazonaws.services.ec2.*;", "Object c() { return AmazonEC2ClientBuilder.defaultClient(); }")))
                .extracting(KindSignal::reason).containsExactly("AWS SDK AmazonEC2ClientBuilder.defaultClient");
        assertThat(signals(solution("import com.google.cloud.storage.StorageOptions;",
                "Object s() { return StorageOptions.getDefaultInstance().getService(); }")))
                .extracting(KindSignal::reason).containsExactly("Google Cloud StorageOptions.getDefaultInstance");
        assertThat(signals(solution("import com.azure.storage.blob.BlobServiceClientBuilder;",
                "Object b(String cs) { return new BlobServiceClientBuilder().connectionString(cs).buildClient(); }")))
                .extracting(KindSignal::reason).containsExactly("Azure SDK BlobServiceClientBuilder.connectionString");
        assertThat(signals(solution("import io.fabric8.kubernetes.client.KubernetesClientBuilder;",
                "Object k() { return new KubernetesClientBuilder().build(); }")))
                .extracting(KindSignal::reason).containsExactly("Kubernetes client (fabric8) KubernetesClientBuilder.build");
    }

    @Test
    void anSdkConstructorAlone() {
        assertThat(signals(solution("import com.amazonaws.services.s3.AmazonS3Client;", "Object s() { return new AmazonS3Client(); }")))
                .extracting(KindSignal::reason).containsExactly("AWS SDK new AmazonS3Client");
    }

    @Test
    void processesRunningTheTools() {
        assertThat(signals(solution("import java.util.List;", """
                void a() throws Exception { new ProcessBuilder("kubectl", "apply", "-f", "x.yaml").start(); }
                void b() throws Exception { new ProcessBuilder(List.of("/usr/bin/terraform", "apply")).start(); }
                void c() throws Exception { Runtime.getRuntime().exec("helm install web ./chart"); }
                void d() throws Exception { Runtime.getRuntime().exec(new String[] {"docker", "build", "."}); }
                void e() throws Exception { new ProcessBuilder("ls", "-l").start(); }""")))
                .extracting(KindSignal::line, KindSignal::reason).containsExactly(
                        tuple(4, "ProcessBuilder runs kubectl"), tuple(5, "ProcessBuilder runs terraform"),
                        tuple(6, "Runtime.exec runs helm"), tuple(7, "Runtime.exec runs docker"));
    }

    @Test
    void aWorkspaceTypeOfAnSdkNameIsNoSdk() {
        assertThat(signals(file("", "class S3Client { static S3Client create() { return null; } }\n"
                + "public class Solution {\n  Object s() { return S3Client.create(); }\n}"))).isEmpty();
    }

    // ---------------------------------------------------------------- which files

    private static final String SERVER_TEST = """
            package com.acme;
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;
            import org.junit.jupiter.api.Test;
            class ServerTest {
                @Test
                void serves() throws Exception {
                    HttpServer s = HttpServer.create(new InetSocketAddress(0), 0);
                    s.stop(0);
                }
            }
            """;

    @Test
    void aGeneratedTestThatStartsAServerIsAnEndpointButRequestFilesGiveNone() {
        assertThat(analyzer.analyze(Map.of(), Map.of("com/acme/ServerTest.java", SERVER_TEST), List.of()).signals())
                .extracting(KindSignal::kind, KindSignal::path, KindSignal::line)
                .containsExactly(tuple("API_ENDPOINT", "com/acme/ServerTest.java", 8));
        assertThat(analyzer.analyze(Map.of("com/acme/ServerTest.java", SERVER_TEST),
                Map.of(PATH, solution("", "static int add(int a, int b) { return a + b; }")), List.of(PATH)).signals()).isEmpty();
    }

    @Test
    void aPlainLibraryFunctionGivesNone() {
        assertThat(signals(solution("import java.util.*;", """
                /** Select the values, then update the total. */
                public static double mean(List<Double> xs) {
                    String note = "select from the list";
                    return xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                }"""))).isEmpty();
    }

    // ---------------------------------------------------------------- the report

    @Test
    void reportsParseTheirSignals() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Analysis parsed = Analysis.parse(json.readTree("""
                {"tests": [], "signals": [
                  {"kind": "DB_QUERY", "path": "app.py", "line": 3, "reason": "sqlite3 cur.execute()", "sql": "SELECT 1"},
                  {"kind": "API_ENDPOINT", "path": "app.js", "line": null, "reason": "Express route", "sql": null}]}"""));
        assertThat(parsed.signals()).containsExactly(new KindSignal("DB_QUERY", "app.py", 3, "sqlite3 cur.execute()", "SELECT 1"),
                new KindSignal("API_ENDPOINT", "app.js", null, "Express route", null));
        assertThat(Analysis.parse(json.readTree("{\"tests\": []}")).signals()).isEmpty();
        assertThat(Analysis.empty().signals()).isEmpty();
        assertThatThrownBy(() -> Analysis.parse(json.readTree("{\"tests\": [], \"signals\": [{\"kind\": \"UNIT_TEST\", \"path\": \"a\"}]}")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Analysis.parse(json.readTree("{\"tests\": [], \"signals\": [{\"kind\": \"DB_QUERY\"}]}")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
