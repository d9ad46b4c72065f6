package dev.assay.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.testing.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsoleAuthTest {
    static final String ALICE_TOKEN = "alice-token-0123456789";
    static final String SHARED_TOKEN = "shared-token-0123456789";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

    static ConsoleConfig config(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of(ConsoleConfig.TOKEN, SHARED_TOKEN,
                ConsoleConfig.TOKENS_PREFIX + "alice", ALICE_TOKEN, ConsoleConfig.SESSION_TTL, "PT1H"));
        values.putAll(extra);
        return ConsoleConfig.from(AssayConfig.of(values));
    }

    private Optional<ConsoleAuth.Principal> auth(ConsoleAuth auth, Map<String, String> headers, InetAddress from) {
        return auth.authenticate(headers::get, from);
    }

    @Test
    void bearerTokensNameTheirOwner() {
        ConsoleAuth auth = new ConsoleAuth(config(Map.of()), clock);
        assertThat(auth(auth, Map.of("Authorization", "Bearer " + ALICE_TOKEN), LOOPBACK)).get()
                .extracting(ConsoleAuth.Principal::identity).isEqualTo("alice");
        assertThat(auth(auth, Map.of("Authorization", "Bearer " + SHARED_TOKEN), LOOPBACK)).get()
                .extracting(ConsoleAuth.Principal::identity).isEqualTo("console");
        assertThat(auth(auth, Map.of("Authorization", "Bearer " + ALICE_TOKEN + "x"), LOOPBACK)).isEmpty();
        assertThat(auth(auth, Map.of("Authorization", "Basic " + ALICE_TOKEN), LOOPBACK)).isEmpty();
        assertThat(auth(auth, Map.of(), LOOPBACK)).isEmpty();
    }

    @Test
    void loginSessionLastsItsTtlAndEndsAtLogout() {
        ConsoleAuth auth = new ConsoleAuth(config(Map.of()), clock);
        assertThat(auth.login("wrong-token-0123456789")).isEmpty();
        String session = auth.login(ALICE_TOKEN).orElseThrow();
        Map<String, String> cookie = Map.of("Cookie", "other=1; " + ConsoleAuth.SESSION_COOKIE + "=" + session);

        ConsoleAuth.Principal alice = auth(auth, cookie, LOOPBACK).orElseThrow();
        assertThat(alice.identity()).isEqualTo("alice");
        assertThat(alice.method()).isEqualTo(ConsoleAuth.Method.SESSION);
        auth.logout(alice);
        assertThat(auth(auth, cookie, LOOPBACK)).isEmpty();

        String next = auth.login(ALICE_TOKEN).orElseThrow();
        clock.advance(Duration.ofHours(2));
        assertThat(auth(auth, Map.of("Cookie", ConsoleAuth.SESSION_COOKIE + "=" + next), LOOPBACK)).as("expired").isEmpty();
    }

    @Test
    void proxyHeaderIsTrustedOnlyFromTheConfiguredProxies() throws Exception {
        ConsoleAuth auth = new ConsoleAuth(config(Map.of(ConsoleConfig.AUTH_HEADER, "X-Forwarded-User")), clock);
        assertThat(auth(auth, Map.of("X-Forwarded-User", "carol@example.com"), LOOPBACK)).get()
                .extracting(ConsoleAuth.Principal::identity).isEqualTo("carol@example.com");
        assertThat(auth(auth, Map.of("X-Forwarded-User", "carol"), InetAddress.getByName("10.0.0.7"))).isEmpty();
        assertThat(auth(auth, Map.of("X-Forwarded-User", "gate:auto-approve"), LOOPBACK)).as("the verifier's name").isEmpty();
        assertThat(auth(auth, Map.of("X-Forwarded-User", "<b>x</b>"), LOOPBACK)).isEmpty();
    }

    @Test
    void csrfTokensAreBoundToTheSessionAndNotNeededForBearer() {
        ConsoleAuth auth = new ConsoleAuth(config(Map.of()), clock);
        ConsoleAuth.Principal first = auth(auth, Map.of("Cookie", ConsoleAuth.SESSION_COOKIE + "=" + auth.login(ALICE_TOKEN).orElseThrow()), LOOPBACK).orElseThrow();
        ConsoleAuth.Principal second = auth(auth, Map.of("Cookie", ConsoleAuth.SESSION_COOKIE + "=" + auth.login(ALICE_TOKEN).orElseThrow()), LOOPBACK).orElseThrow();

        assertThat(auth.csrfValid(first, auth.csrfToken(first))).isTrue();
        assertThat(auth.csrfValid(first, auth.csrfToken(second))).as("another session's token").isFalse();
        assertThat(auth.csrfValid(first, null)).isFalse();
        ConsoleAuth.Principal bearer = auth(auth, Map.of("Authorization", "Bearer " + ALICE_TOKEN), LOOPBACK).orElseThrow();
        assertThat(auth.csrfValid(bearer, null)).isTrue();
    }

    @Test
    void refusesToRunOpenOrWithGuessableTokens() {
        assertThatThrownBy(() -> ConsoleConfig.from(AssayConfig.of(Map.of()))).hasMessageContaining("never runs open");
        assertThatThrownBy(() -> ConsoleConfig.from(AssayConfig.of(Map.of(ConsoleConfig.TOKEN, "short"))))
                .hasMessageContaining("at least 16");
    }
}
