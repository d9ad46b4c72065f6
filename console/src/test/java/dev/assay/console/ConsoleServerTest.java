package dev.assay.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ApprovalDecision;
import dev.assay.avro.GateDecision;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.RiskLevel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The web server over a map-backed view: authentication, CSRF, escaping, and what a decision records. */
class ConsoleServerTest {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final Map<String, RequestView> views = new ConcurrentHashMap<>();
    private final List<ApprovalDecision> sent = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private ConsoleServer server;

    @BeforeEach
    void start() {
        ConsoleView view = new ConsoleView() {
            @Override
            public Optional<RequestView> find(String requestId) {
                return Optional.ofNullable(views.get(requestId));
            }

            @Override
            public List<RequestView> all() {
                return List.copyOf(views.values());
            }

            @Override
            public boolean ready() {
                return true;
            }
        };
        ConsoleConfig config = ConsoleAuthTest.config(Map.of(ConsoleConfig.AUTH_HEADER, "X-Forwarded-User"));
        server = ConsoleServer.start("127.0.0.1", 0, view, sent::add, new ConsoleAuth(config, Clock.systemUTC()), Clock.systemUTC(), 50);
        views.put("r-pending", RequestView.empty("r-pending").with(Records.approval("r-pending", RiskLevel.MEDIUM, GateDecision.HUMAN_REVIEW)));
        views.put("r-closed", RequestView.empty("r-closed").with(Records.approval("r-closed", RiskLevel.MEDIUM, GateDecision.HUMAN_REVIEW))
                .with(Records.outcome("r-closed", OutcomeStatus.APPROVED, "bob")));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String sessionCookie() throws Exception {
        HttpResponse<String> login = post("/login", "token=" + ConsoleAuthTest.ALICE_TOKEN);
        assertThat(login.statusCode()).isEqualTo(303);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly", "SameSite=Strict", "Secure");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).as("page has a CSRF field").isTrue();
        return m.group(1);
    }

    @Test
    void refusesUnauthenticatedRequests() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(401);
        assertThat(get("/requests/r-pending").statusCode()).isEqualTo(401);
        assertThat(get("/", "Authorization", "Bearer not-a-valid-token-at-all").statusCode()).isEqualTo(401);
        assertThat(post("/requests/r-pending/decision", "decision=approve").statusCode()).isEqualTo(401);
        assertThat(post("/login", "token=wrong-token-0123456789").statusCode()).isEqualTo(401);
        assertThat(get("/login").statusCode()).isEqualTo(200);
        assertThat(sent).isEmpty();
    }

    @Test
    void decisionWithoutItsCsrfTokenIsForbidden() throws Exception {
        String cookie = sessionCookie();
        assertThat(post("/requests/r-pending/decision", "decision=approve", "Cookie", cookie).statusCode()).isEqualTo(403);
        assertThat(post("/requests/r-pending/decision", "decision=approve&csrf=forged", "Cookie", cookie).statusCode()).isEqualTo(403);
        // The proxy identity is a browser credential too: it needs the token as well.
        assertThat(post("/requests/r-pending/decision", "decision=approve", "X-Forwarded-User", "carol").statusCode()).isEqualTo(403);
        assertThat(sent).isEmpty();
    }

    @Test
    void approvalRecordsTheSignedInIdentityNotAFormField() throws Exception {
        String cookie = sessionCookie();
        HttpResponse<String> page = get("/requests/r-pending", "Cookie", cookie);
        assertThat(page.statusCode()).isEqualTo(200);

        HttpResponse<String> decided = post("/requests/r-pending/decision",
                "decision=approve&reason=looks+good&reviewer=mallory&csrf=" + csrf(page.body()), "Cookie", cookie);

        assertThat(decided.statusCode()).isEqualTo(303);
        assertThat(decided.headers().firstValue("Location")).hasValue("/requests/r-pending?sent=approve");
        assertThat(sent).singleElement().satisfies(d -> {
            assertThat(d.getRequestId()).isEqualTo("r-pending");
            assertThat(d.getApproved()).isTrue();
            assertThat(d.getReviewer()).isEqualTo("alice");
            assertThat(d.getReason()).isEqualTo("looks good");
        });
    }

    @Test
    void rejectionNeedsAReasonAndClosedRequestsTakeNoDecision() throws Exception {
        String cookie = sessionCookie();
        String token = csrf(get("/", "Cookie", cookie).body());
        assertThat(post("/requests/r-pending/decision", "decision=reject&reason=&csrf=" + token, "Cookie", cookie).statusCode()).isEqualTo(400);
        assertThat(post("/requests/r-closed/decision", "decision=approve&csrf=" + token, "Cookie", cookie).statusCode()).isEqualTo(409);
        assertThat(post("/requests/r-unknown/decision", "decision=approve&csrf=" + token, "Cookie", cookie).statusCode()).isEqualTo(409);
        assertThat(post("/requests/r-pending/decision", "decision=reject&reason=unsafe&csrf=" + token, "Cookie", cookie).statusCode()).isEqualTo(303);
        assertThat(sent).singleElement().satisfies(d -> assertThat(d.getApproved()).isFalse());
    }

    @Test
    void bearerClientsAndProxyUsersActUnderTheirOwnNames() throws Exception {
        assertThat(post("/requests/r-pending/decision", "decision=approve", "Authorization", "Bearer " + ConsoleAuthTest.SHARED_TOKEN)
                .statusCode()).isEqualTo(303);
        HttpResponse<String> page = get("/requests/r-pending", "X-Forwarded-User", "carol");
        assertThat(page.body()).contains("Signed in as <strong id=\"identity\">carol</strong>");
        assertThat(post("/requests/r-pending/decision", "decision=reject&reason=no&csrf=" + csrf(page.body()), "X-Forwarded-User", "carol")
                .statusCode()).isEqualTo(303);
        assertThat(sent).extracting(ApprovalDecision::getReviewer).containsExactly("console", "carol");
    }

    @Test
    void pagesEscapeGeneratedCodeAndAllowNoScripts() throws Exception {
        String cookie = sessionCookie();
        HttpResponse<String> index = get("/", "Cookie", cookie);
        assertThat(index.body()).contains("r-pending", "MEDIUM", "artifact kind API_ENDPOINT").contains("r-closed", "bob");

        HttpResponse<String> page = get("/requests/r-pending", "Cookie", cookie);

        assertThat(page.body()).doesNotContain("<script>", "<img src=x", "<b>x</b>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;/code&gt;&lt;/pre&gt;", "&lt;img src=x onerror=alert(2)&gt;",
                        "test_greet", "uses re", "test-policy");
        assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString().contains("default-src 'none'");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(get("/requests/%3Cscript%3E", "Cookie", cookie).body()).doesNotContain("<script>");
    }
}
