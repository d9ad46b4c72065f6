package dev.assay.console;

import dev.assay.runtime.AssayConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The console's settings (Kafka and the registry come from {@code CommonSettings}).
 *
 * <ul>
 *   <li>{@value #PORT} (default 8088), {@value #BIND_ADDRESS} (default 0.0.0.0)</li>
 *   <li>{@value #TOKEN}: a shared token; whoever presents it acts as {@value #TOKEN_USER} (default {@code console})</li>
 *   <li>{@value #TOKENS_PREFIX}{@code <user>}: a personal token per reviewer (preferred: decisions then name a person)</li>
 *   <li>{@value #AUTH_HEADER}: a header set by a trusted authenticating proxy (e.g. {@code X-Forwarded-User}),
 *       honoured only from {@value #TRUSTED_PROXIES} (comma list of addresses, default loopback: a sidecar proxy)</li>
 *   <li>{@value #SESSION_TTL} (ISO-8601, default PT8H), {@value #COOKIE_SECURE} (default true: the cookie only
 *       travels over HTTPS, and over http://localhost, which browsers treat as secure)</li>
 *   <li>{@value #CSRF_SECRET}: key of the CSRF tokens (default: random per process)</li>
 *   <li>{@value #STATE_DIR}, {@value #APPLICATION_ID} (default {@code assay-console}), {@value #CLOSED_LIMIT}
 *       (closed requests listed, default 50)</li>
 * </ul>
 * At least one way to authenticate must be configured; the console refuses to start open to everyone.
 */
public record ConsoleConfig(int port, String bindAddress, Optional<String> sharedToken, String sharedTokenUser,
        Map<String, String> userTokens, Optional<String> authHeader, Set<String> trustedProxies, Duration sessionTtl,
        boolean cookieSecure, Optional<String> csrfSecret, Optional<String> stateDir, String applicationId, int closedLimit) {

    public static final String PORT = "console.port";
    public static final String BIND_ADDRESS = "console.bind.address";
    public static final String TOKEN = "console.token";
    public static final String TOKEN_USER = "console.token.user";
    public static final String TOKENS_PREFIX = "console.tokens.";
    public static final String AUTH_HEADER = "console.auth.header";
    public static final String TRUSTED_PROXIES = "console.auth.header.trusted.proxies";
    public static final String SESSION_TTL = "console.session.ttl";
    public static final String COOKIE_SECURE = "console.cookie.secure";
    public static final String CSRF_SECRET = "console.csrf.secret";
    public static final String STATE_DIR = "console.state.dir";
    public static final String APPLICATION_ID = "console.application.id";
    public static final String CLOSED_LIMIT = "console.closed.limit";

    public ConsoleConfig {
        userTokens = Map.copyOf(userTokens);
        trustedProxies = Set.copyOf(trustedProxies);
        if (sharedToken.isEmpty() && userTokens.isEmpty() && authHeader.isEmpty()) {
            throw new IllegalArgumentException("the console needs " + TOKEN + ", " + TOKENS_PREFIX + "<user> or "
                    + AUTH_HEADER + " (it never runs open)");
        }
        sharedToken.ifPresent(t -> requireLong(TOKEN, t));
        userTokens.forEach((user, t) -> requireLong(TOKENS_PREFIX + user, t));
    }

    public static ConsoleConfig from(AssayConfig config) {
        Map<String, String> users = new LinkedHashMap<>(config.withPrefix(TOKENS_PREFIX));
        users.values().removeIf(String::isBlank);
        return new ConsoleConfig(
                config.integer(PORT, 8088),
                config.string(BIND_ADDRESS, "0.0.0.0"),
                config.find(TOKEN),
                config.string(TOKEN_USER, "console"),
                users,
                config.find(AUTH_HEADER),
                Arrays.stream(config.string(TRUSTED_PROXIES, "127.0.0.1,0:0:0:0:0:0:0:1").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet()),
                Duration.parse(config.string(SESSION_TTL, "PT8H")),
                config.bool(COOKIE_SECURE, true),
                config.find(CSRF_SECRET),
                config.find(STATE_DIR),
                config.string(APPLICATION_ID, "assay-console"),
                config.integer(CLOSED_LIMIT, 50));
    }

    private static void requireLong(String key, String token) {
        // A short token is guessable by brute force over the login form.
        if (token.length() < 16) {
            throw new IllegalArgumentException(key + " must be at least 16 characters");
        }
    }
}
