package dev.assay.generator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Token budgets for cost control: a per-request cap on the tokens (in + out) all attempts of one request may spend,
 * and a per-tenant cap over a rolling window. Checked before each model call; the spend of each call is recorded after it.
 *
 * <p>The request budget counts what the request spent on earlier attempts anywhere: a fix request carries that total
 * ({@code FixRequest.tokensSpent}, summed by the verifier over every candidate it judged), so a fix attempt handled by
 * another instance, or after a restart, is held to the same cap. The tenant budget is in memory and <b>per generator
 * instance</b>: with several instances each enforces its own share, and a restart forgets it. The check happens before the call
 * and the spend is only known after it, so calls already in flight for one tenant can overshoot its cap by at most
 * {@code generator.max.in.flight} calls. Request entries idle longer than {@link #REQUEST_IDLE} are dropped so the map
 * stays bounded; a fix loop pausing that long for a human approval starts over with a fresh request budget.
 * Thread-safe: the stage loop calls it from parallel virtual threads.
 */
public final class TokenBudgets {
    /** Request entries untouched this long are forgotten. */
    static final Duration REQUEST_IDLE = Duration.ofHours(6);

    private final long requestTokens;
    private final long tenantTokens;
    private final Duration tenantWindow;
    private final Clock clock;
    private final Counter requestRefusals;
    private final Counter tenantRefusals;
    private final Map<String, RequestSpend> requests = new HashMap<>();
    private final Map<String, Deque<Spend>> tenants = new HashMap<>();
    private Instant lastSweep;

    private record Spend(Instant at, long tokens) {
    }

    private static final class RequestSpend {
        long tokens;
        Instant touched;
    }

    /**
     * @param requestTokens most tokens one request may spend over all its attempts; 0 = unlimited
     * @param tenantTokens most tokens one tenant may spend per {@code tenantWindow}; 0 = unlimited
     */
    public TokenBudgets(long requestTokens, long tenantTokens, Duration tenantWindow, Clock clock, MeterRegistry meters) {
        if (requestTokens < 0 || tenantTokens < 0 || tenantWindow.isNegative() || tenantWindow.isZero()) {
            throw new IllegalArgumentException("generator.budget.request.tokens and generator.budget.tenant.tokens must not be "
                    + "negative, generator.budget.tenant.window must be positive");
        }
        this.requestTokens = requestTokens;
        this.tenantTokens = tenantTokens;
        this.tenantWindow = tenantWindow;
        this.clock = clock;
        this.lastSweep = clock.instant();
        this.requestRefusals = refusals(meters, "request");
        this.tenantRefusals = refusals(meters, "tenant");
    }

    /** Budgets from {@code generator.budget.*} in the config. */
    public static TokenBudgets from(GeneratorConfig config, Clock clock, MeterRegistry meters) {
        return new TokenBudgets(config.budgetRequestTokens(), config.budgetTenantTokens(), config.budgetTenantWindow(), clock, meters);
    }

    private static Counter refusals(MeterRegistry meters, String scope) {
        return Counter.builder("assay.generator.budget.refusals").tag("scope", scope)
                .description("Model calls refused because a token budget was spent").register(meters);
    }

    /**
     * Why a model call for this request must not be made, or empty when both budgets allow it. Counts a refusal.
     *
     * @param spentOnEarlierAttempts the request's spend on earlier attempts as the fix request reported it (0 for attempt 1)
     */
    public synchronized Optional<String> refusal(String requestId, String tenant, long spentOnEarlierAttempts) {
        Instant now = clock.instant();
        sweep(now);
        RequestSpend local = requests.get(requestId);
        // This instance may have seen only some attempts, or only this one's candidates: the larger figure is the truer one.
        long spent = Math.max(local == null ? 0 : local.tokens, spentOnEarlierAttempts);
        if (requestTokens > 0 && spent >= requestTokens) {
            requestRefusals.increment();
            return Optional.of("token budget exceeded: request " + requestId + " has spent " + spent + " of "
                    + requestTokens + " tokens (generator.budget.request.tokens)");
        }
        if (tenantTokens > 0) {
            long used = tenantSpend(tenant, now);
            if (used >= tenantTokens) {
                tenantRefusals.increment();
                return Optional.of("token budget exceeded: tenant " + tenant + " has spent " + used + " of " + tenantTokens
                        + " tokens in the last " + tenantWindow + " (generator.budget.tenant.tokens)");
            }
        }
        return Optional.empty();
    }

    /** Records what one model call spent. */
    public synchronized void record(String requestId, String tenant, long tokens) {
        if (tokens <= 0) {
            return;
        }
        Instant now = clock.instant();
        RequestSpend spent = requests.computeIfAbsent(requestId, id -> new RequestSpend());
        spent.tokens += tokens;
        spent.touched = now;
        if (tenantTokens > 0) {
            tenants.computeIfAbsent(tenant, t -> new ArrayDeque<>()).addLast(new Spend(now, tokens));
        }
    }

    /** Tokens this request has spent so far on this instance. */
    public synchronized long requestSpend(String requestId) {
        RequestSpend spent = requests.get(requestId);
        return spent == null ? 0 : spent.tokens;
    }

    /** Tokens this tenant has spent within the window on this instance. */
    public synchronized long tenantSpend(String tenant) {
        return tenantSpend(tenant, clock.instant());
    }

    private long tenantSpend(String tenant, Instant now) {
        Deque<Spend> spends = tenants.get(tenant);
        if (spends == null) {
            return 0;
        }
        Instant from = now.minus(tenantWindow);
        while (!spends.isEmpty() && !spends.peekFirst().at().isAfter(from)) {
            spends.removeFirst();
        }
        if (spends.isEmpty()) {
            tenants.remove(tenant);
            return 0;
        }
        return spends.stream().mapToLong(Spend::tokens).sum();
    }

    /** Drops idle request entries, at most once a minute so a check stays cheap. */
    private void sweep(Instant now) {
        if (Duration.between(lastSweep, now).compareTo(Duration.ofMinutes(1)) < 0) {
            return;
        }
        lastSweep = now;
        Instant idleBefore = now.minus(REQUEST_IDLE);
        for (Iterator<RequestSpend> it = requests.values().iterator(); it.hasNext(); ) {
            if (it.next().touched.isBefore(idleBefore)) {
                it.remove();
            }
        }
        Instant from = now.minus(tenantWindow);
        tenants.values().removeIf(spends -> spends.stream().noneMatch(s -> s.at().isAfter(from)));
    }
}
