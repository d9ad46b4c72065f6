package dev.assay.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenBudgetsTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));


    private double refusals(String scope) {
        return meters.counter("assay.generator.budget.refusals", "scope", scope).count();
    }

    @Test
    void aRequestIsRefusedOnceItsAttemptsHaveSpentItsBudget() {
        TokenBudgets budgets = new TokenBudgets(1000, 0, Duration.ofHours(1), clock, meters);

        assertThat(budgets.refusal("r1", "t", 0)).isEmpty();
        budgets.record("r1", "t", 600);
        assertThat(budgets.refusal("r1", "t", 0)).isEmpty();
        budgets.record("r1", "t", 400);

        assertThat(budgets.refusal("r1", "t", 0)).contains(
                "token budget exceeded: request r1 has spent 1000 of 1000 tokens (generator.budget.request.tokens)");
        assertThat(budgets.refusal("r2", "t", 0)).as("other requests keep their own budget").isEmpty();
        assertThat(refusals("request")).isEqualTo(1.0);
        assertThat(refusals("tenant")).isZero();
    }

    @Test
    void aFixRequestsReportedSpendCountsEvenWhenThisInstanceSawNoEarlierAttempt() {
        TokenBudgets freshInstance = new TokenBudgets(1000, 0, Duration.ofHours(1), clock, meters);

        assertThat(freshInstance.refusal("r1", "t", 999)).isEmpty();
        assertThat(freshInstance.refusal("r1", "t", 1000)).contains(
                "token budget exceeded: request r1 has spent 1000 of 1000 tokens (generator.budget.request.tokens)");
        freshInstance.record("r1", "t", 1200);
        assertThat(freshInstance.refusal("r1", "t", 300)).as("the larger of local and reported spend counts")
                .hasValueSatisfying(reason -> assertThat(reason).contains("has spent 1200 of 1000"));
    }

    @Test
    void aTenantIsRefusedWithinTheWindowAndAllowedAgainOnceOldSpendLeavesIt() {
        TokenBudgets budgets = new TokenBudgets(0, 1000, Duration.ofHours(1), clock, meters);
        budgets.record("r1", "acme", 700);
        clock.advance(Duration.ofMinutes(30));
        budgets.record("r2", "acme", 300);

        assertThat(budgets.refusal("r3", "acme", 0)).hasValueSatisfying(reason -> assertThat(reason)
                .isEqualTo("token budget exceeded: tenant acme has spent 1000 of 1000 tokens in the last PT1H "
                        + "(generator.budget.tenant.tokens)"));
        assertThat(budgets.refusal("r3", "other", 0)).isEmpty();
        assertThat(refusals("tenant")).isEqualTo(1.0);

        clock.advance(Duration.ofMinutes(31));
        assertThat(budgets.tenantSpend("acme")).isEqualTo(300);
        assertThat(budgets.refusal("r3", "acme", 0)).isEmpty();
    }

    @Test
    void zeroMeansUnlimited() {
        TokenBudgets budgets = new TokenBudgets(0, 0, Duration.ofHours(1), clock, meters);
        budgets.record("r1", "t", Long.MAX_VALUE / 2);
        assertThat(budgets.refusal("r1", "t", 0)).isEmpty();
    }

    @Test
    void idleRequestEntriesAreForgotten() {
        TokenBudgets budgets = new TokenBudgets(100, 0, Duration.ofHours(1), clock, meters);
        budgets.record("r1", "t", 100);
        clock.advance(TokenBudgets.REQUEST_IDLE.plusMinutes(1));

        assertThat(budgets.refusal("r1", "t", 0)).isEmpty();
        assertThat(budgets.requestSpend("r1")).isZero();
    }

    @Test
    void configKeysAndDefaults() {
        GeneratorConfig defaults = Fixtures.config("/srv/scripts");
        assertThat(defaults.budgetRequestTokens()).isEqualTo(200_000);
        assertThat(defaults.budgetTenantTokens()).isZero();
        assertThat(defaults.budgetTenantWindow()).isEqualTo(Duration.ofHours(1));

        GeneratorConfig set = GeneratorConfig.from(AssayConfig.of(Map.of("generator.scripted.dir", "/srv/scripts",
                "generator.budget.request.tokens", "5000", "generator.budget.tenant.tokens", "90000",
                "generator.budget.tenant.window", "PT24H")));
        assertThat(set.budgetRequestTokens()).isEqualTo(5000);
        assertThat(set.budgetTenantTokens()).isEqualTo(90_000);
        assertThat(set.budgetTenantWindow()).isEqualTo(Duration.ofHours(24));

        assertThatThrownBy(() -> new TokenBudgets(-1, 0, Duration.ofHours(1), clock, meters))
                .hasMessageContaining("generator.budget.request.tokens");
    }
}
