package dev.assay.console;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who is asking: a bearer token ({@code Authorization: Bearer}), an identity header from a trusted authenticating proxy,
 * or a session cookie from the login form. The identity found here is the only reviewer name a decision can carry.
 * Browser-borne credentials (cookie, proxy header) need a CSRF token on state-changing requests; a bearer token is
 * never sent by a browser on its own, so it does not.
 */
public final class ConsoleAuth {
    /** The session cookie's name. */
    public static final String SESSION_COOKIE = "assay_console_session";
    private static final Pattern IDENTITY = Pattern.compile("[\\p{L}\\p{N}._@+\\- ]{1,200}");

    /** How the caller authenticated. */
    public enum Method { SESSION, BEARER, PROXY }

    /**
     * An authenticated caller.
     *
     * @param identity    the reviewer name decisions record
     * @param method      how they authenticated
     * @param csrfBinding what their CSRF token is bound to (their session, or their proxy identity)
     */
    public record Principal(String identity, Method method, String csrfBinding) {
        public boolean needsCsrf() {
            return method != Method.BEARER;
        }
    }

    private record Session(String identity, Instant expiresAt) {
    }

    private final ConsoleConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final byte[] csrfKey;

    public ConsoleAuth(ConsoleConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        config.sharedToken().ifPresent(t -> tokens.put(config.sharedTokenUser(), t));
        tokens.putAll(config.userTokens());
        this.csrfKey = config.csrfSecret().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElseGet(() -> {
            byte[] key = new byte[32];
            random.nextBytes(key);
            return key;
        });
    }

    /**
     * Authenticates a request from its headers ({@code header} returns the first value or {@code null}) and the
     * address it came from. A bearer token that does not match is a failure, not a reason to try the cookie.
     */
    public Optional<Principal> authenticate(Function<String, String> header, InetAddress remote) {
        String authorization = header.apply("Authorization");
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Optional.empty();
            }
            return identityFor(authorization.substring(7).strip()).map(id -> new Principal(id, Method.BEARER, "bearer:" + id));
        }
        if (config.authHeader().isPresent() && remote != null && config.trustedProxies().contains(remote.getHostAddress())) {
            String proxied = header.apply(config.authHeader().get());
            if (proxied != null && validIdentity(proxied.strip())) {
                String id = proxied.strip();
                return Optional.of(new Principal(id, Method.PROXY, "proxy:" + id));
            }
        }
        String sessionId = cookie(header.apply("Cookie"), SESSION_COOKIE);
        if (sessionId != null) {
            Session session = sessions.get(sessionId);
            if (session != null && session.expiresAt().isAfter(clock.instant())) {
                return Optional.of(new Principal(session.identity(), Method.SESSION, "session:" + sessionId));
            }
            sessions.remove(sessionId);
        }
        return Optional.empty();
    }

    /** Exchanges a token from the login form for a new session id, or nothing if the token matches no one. */
    public Optional<String> login(String token) {
        sessions.values().removeIf(s -> !s.expiresAt().isAfter(clock.instant()));
        return identityFor(token == null ? "" : token.strip()).map(id -> {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String sessionId = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            sessions.put(sessionId, new Session(id, clock.instant().plus(config.sessionTtl())));
            return sessionId;
        });
    }

    /** Ends the principal's session, if it has one. */
    public void logout(Principal principal) {
        if (principal.method() == Method.SESSION) {
            sessions.remove(principal.csrfBinding().substring("session:".length()));
        }
    }

    /** The CSRF token the principal's forms carry: an HMAC of their binding, so it needs no server-side state. */
    public String csrfToken(Principal principal) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(csrfKey, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(("csrf:" + principal.csrfBinding()).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    /** True when the principal needs no CSRF token or presented the right one. */
    public boolean csrfValid(Principal principal, String presented) {
        if (!principal.needsCsrf()) {
            return true;
        }
        return presented != null && MessageDigest.isEqual(csrfToken(principal).getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the session cookie should be marked Secure. */
    public boolean cookieSecure() {
        return config.cookieSecure();
    }

    public long sessionTtlSeconds() {
        return config.sessionTtl().toSeconds();
    }

    private Optional<String> identityFor(String presented) {
        byte[] given = sha256(presented);
        String found = null;
        // Compare digests in constant time and look at every token, so timing tells nothing about which is close.
        for (Map.Entry<String, String> e : tokens.entrySet()) {
            if (MessageDigest.isEqual(given, sha256(e.getValue())) && found == null) {
                found = e.getKey();
            }
        }
        return Optional.ofNullable(found);
    }

    private static boolean validIdentity(String identity) {
        // "gate:" names belong to the verifier's automatic decisions; a person can never take one.
        return IDENTITY.matcher(identity).matches() && !identity.toLowerCase(Locale.ROOT).startsWith("gate:");
    }

    static String cookie(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
                return part.substring(eq + 1).strip();
            }
        }
        return null;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
