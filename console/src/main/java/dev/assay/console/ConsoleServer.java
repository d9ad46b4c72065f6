package dev.assay.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.assay.avro.ApprovalDecision;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's web server on the JDK's {@link HttpServer}: a handful of server-rendered pages and two form posts
 * need no web framework, and the runtime's health endpoint already uses the same server. Every page but the login
 * form and the stylesheet requires an authenticated {@link ConsoleAuth.Principal}; the decision post also requires
 * its CSRF token, and the reviewer it records is the principal's identity, never a form field.
 */
public final class ConsoleServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
    private static final int MAX_FORM_BYTES = 64 * 1024;
    private static final int MAX_REASON_CHARS = 2_000;
    private static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private final HttpServer server;
    private final ConsoleView view;
    private final DecisionSink decisions;
    private final ConsoleAuth auth;
    private final Clock clock;
    private final int closedLimit;
    private final byte[] stylesheet;

    private ConsoleServer(HttpServer server, ConsoleView view, DecisionSink decisions, ConsoleAuth auth, Clock clock, int closedLimit) {
        this.server = server;
        this.view = view;
        this.decisions = decisions;
        this.auth = auth;
        this.clock = clock;
        this.closedLimit = closedLimit;
        try (InputStream css = ConsoleServer.class.getResourceAsStream("console.css")) {
            this.stylesheet = css.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("console.css is missing from the jar", e);
        }
    }

    /** Starts serving on {@code bindAddress:port} (port 0: any free port). */
    public static ConsoleServer start(String bindAddress, int port, ConsoleView view, DecisionSink decisions, ConsoleAuth auth,
            Clock clock, int closedLimit) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
            ConsoleServer console = new ConsoleServer(http, view, decisions, auth, clock, closedLimit);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.createContext("/", console::handle);
            http.start();
            return console;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the console on " + bindAddress + ":" + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            route(ex);
        } catch (StreamsConsoleView.ViewUnavailableException e) {
            log.info("console view not ready: {}", e.getMessage());
            html(ex, 503, Pages.message("Starting", "The console is still reading the approval topics; try again shortly."));
        } catch (RuntimeException e) {
            log.error("console request {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e);
            html(ex, 500, Pages.message("Error", "The console could not handle this request; see its log."));
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        if (path.equals("/static/console.css") && method.equals("GET")) {
            respond(ex, 200, "text/css; charset=utf-8", stylesheet);
            return;
        }
        if (path.equals("/login")) {
            switch (method) {
                case "GET" -> html(ex, 200, Pages.login(null));
                case "POST" -> login(ex);
                default -> methodNotAllowed(ex);
            }
            return;
        }
        Optional<ConsoleAuth.Principal> principal = auth.authenticate(name -> ex.getRequestHeaders().getFirst(name),
                ex.getRemoteAddress().getAddress());
        if (principal.isEmpty()) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"assay-console\"");
            html(ex, 401, Pages.login("Sign in to see approvals."));
            return;
        }
        ConsoleAuth.Principal who = principal.get();
        List<String> segments = segments(path);
        if (segments.isEmpty() && method.equals("GET")) {
            index(ex, who);
        } else if (segments.size() == 1 && segments.getFirst().equals("logout") && method.equals("POST")) {
            logout(ex, who);
        } else if (segments.size() == 2 && segments.getFirst().equals("requests") && method.equals("GET")) {
            request(ex, who, segments.get(1));
        } else if (segments.size() == 3 && segments.getFirst().equals("requests") && segments.get(2).equals("decision")
                && method.equals("POST")) {
            decide(ex, who, segments.get(1));
        } else if (method.equals("GET") || method.equals("POST")) {
            html(ex, 404, Pages.message("Not found", "There is no such page."));
        } else {
            methodNotAllowed(ex);
        }
    }

    private void index(HttpExchange ex, ConsoleAuth.Principal who) throws IOException {
        List<RequestView> all = view.all();
        List<RequestView> pending = all.stream().filter(RequestView::pending)
                .sorted(Comparator.comparingLong(v -> v.approval().gatedAtMillis())).toList();
        List<RequestView> closed = all.stream().filter(v -> v.outcome() != null)
                .sorted(Comparator.comparingLong((RequestView v) -> v.outcome().completedAtMillis()).reversed())
                .limit(closedLimit).toList();
        html(ex, 200, Pages.index(who.identity(), auth.csrfToken(who), pending, closed));
    }

    private void request(HttpExchange ex, ConsoleAuth.Principal who, String requestId) throws IOException {
        Optional<RequestView> found = view.find(requestId);
        if (found.isEmpty()) {
            html(ex, 404, Pages.message("Not found", "No request " + requestId + " has been seen."));
            return;
        }
        String sent = query(ex).get("sent");
        String notice = sent == null ? null : "Your decision (" + sent + ") was sent as " + who.identity()
                + (found.get().outcome() == null ? "; the outcome appears here once the verifier records it." : "; the outcome is recorded.");
        html(ex, 200, Pages.request(who.identity(), auth.csrfToken(who), found.get(), AuditCheck.check(found.get().auditEvents()), notice));
    }

    private void decide(HttpExchange ex, ConsoleAuth.Principal who, String requestId) throws IOException {
        Map<String, String> form = form(ex);
        if (form == null) {
            html(ex, 413, Pages.message("Too large", "The form is larger than the console accepts."));
            return;
        }
        if (!auth.csrfValid(who, form.get("csrf"))) {
            log.warn("refused a decision on {} by {}: missing or wrong CSRF token", requestId, who.identity());
            html(ex, 403, Pages.message("Forbidden", "The form was not issued by this console (CSRF check failed)."));
            return;
        }
        String choice = form.getOrDefault("decision", "");
        if (!choice.equals("approve") && !choice.equals("reject")) {
            html(ex, 400, Pages.message("Bad request", "Choose approve or reject."));
            return;
        }
        String reason = form.getOrDefault("reason", "").strip();
        if (reason.length() > MAX_REASON_CHARS) {
            html(ex, 400, Pages.message("Bad request", "The reason is longer than " + MAX_REASON_CHARS + " characters."));
            return;
        }
        boolean approved = choice.equals("approve");
        if (!approved && reason.isEmpty()) {
            html(ex, 400, Pages.message("Reason required", "A rejection needs a reason."));
            return;
        }
        Optional<RequestView> found = view.find(requestId);
        if (found.isEmpty() || !found.get().pending()) {
            html(ex, 409, Pages.message("Not pending", "Request " + requestId + " is not waiting for a decision."));
            return;
        }
        ApprovalDecision decision = ApprovalDecision.newBuilder().setRequestId(requestId).setApproved(approved)
                .setReviewer(who.identity()).setReason(reason).setDecidedAt(clock.instant()).build();
        try {
            decisions.send(decision);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            html(ex, 503, Pages.message("Not sent", "The decision was not sent; try again."));
            return;
        } catch (Exception e) {
            log.error("cannot send the decision on {} by {}", requestId, who.identity(), e);
            html(ex, 503, Pages.message("Not sent", "The decision could not be sent to Kafka; try again."));
            return;
        }
        log.info("{} {} request {} via the console ({})", who.identity(), approved ? "approved" : "rejected", requestId, who.method());
        redirect(ex, "/requests/" + org.owasp.encoder.Encode.forUriComponent(requestId) + "?sent=" + (approved ? "approve" : "reject"));
    }

    private void login(HttpExchange ex) throws IOException {
        Map<String, String> form = form(ex);
        Optional<String> session = form == null ? Optional.empty() : auth.login(form.get("token"));
        if (session.isEmpty()) {
            log.warn("failed console sign-in from {}", ex.getRemoteAddress().getAddress().getHostAddress());
            html(ex, 401, Pages.login("That token is not valid."));
            return;
        }
        ex.getResponseHeaders().add("Set-Cookie", ConsoleAuth.SESSION_COOKIE + "=" + session.get() + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + auth.sessionTtlSeconds() + (auth.cookieSecure() ? "; Secure" : ""));
        redirect(ex, "/");
    }

    private void logout(HttpExchange ex, ConsoleAuth.Principal who) throws IOException {
        Map<String, String> form = form(ex);
        if (form == null || !auth.csrfValid(who, form.get("csrf"))) {
            html(ex, 403, Pages.message("Forbidden", "The form was not issued by this console (CSRF check failed)."));
            return;
        }
        auth.logout(who);
        ex.getResponseHeaders().add("Set-Cookie", ConsoleAuth.SESSION_COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
                + (auth.cookieSecure() ? "; Secure" : ""));
        redirect(ex, "/login");
    }

    static List<String> segments(String rawPath) {
        return java.util.Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8)).toList();
    }

    /** The url-encoded form body, or {@code null} when it is larger than the console accepts. */
    private static Map<String, String> form(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(MAX_FORM_BYTES + 1);
        if (body.length > MAX_FORM_BYTES) {
            return null;
        }
        return parse(new String(body, StandardCharsets.UTF_8));
    }

    private static Map<String, String> query(HttpExchange ex) {
        String raw = ex.getRequestURI().getRawQuery();
        return raw == null ? Map.of() : parse(raw);
    }

    static Map<String, String> parse(String encoded) {
        Map<String, String> out = new HashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(key, value);
        }
        return out;
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        respond(ex, 303, "text/plain; charset=utf-8", new byte[0]);
    }

    private static void methodNotAllowed(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Allow", "GET, POST");
        html(ex, 405, Pages.message("Method not allowed", "Use GET or POST."));
    }

    private static void html(HttpExchange ex, int status, String page) throws IOException {
        respond(ex, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        var headers = ex.getResponseHeaders();
        headers.set("Content-Type", contentType);
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
