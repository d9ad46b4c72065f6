package dev.assay.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomeLedgerTest {

    @Test
    void countsLostDuplicatedAndStrayPerPrefix() {
        OutcomeLedger ledger = new OutcomeLedger();
        ledger.submitted("a-1");
        ledger.submitted("a-2");
        ledger.submitted("a-3");
        ledger.submitted("b-1");
        ledger.outcome("a-1", "APPROVED");
        ledger.outcome("a-2", "FAILED");
        ledger.outcome("a-2", "FAILED");
        ledger.outcome("a-9", "APPROVED");
        ledger.outcome("b-1", "APPROVED");

        OutcomeLedger.Tally a = ledger.tally("a-");

        assertThat(a).isEqualTo(new OutcomeLedger.Tally(3, 3, 1, 1, 1));
        assertThat(a.exactlyOnce()).isFalse();
        assertThat(a.line("x")).isEqualTo("faults[x]: submitted=3 outcomes=3 lost=1 duplicated=1 stray=1");
        assertThat(ledger.missing("a-")).containsExactly("a-3");
        assertThat(ledger.completed("a-")).isEqualTo(2);
        assertThat(ledger.statuses("a-2")).containsExactly("FAILED", "FAILED");
    }

    @Test
    void exactlyOnceWhenEverySubmittedRequestHasOneOutcome() {
        OutcomeLedger ledger = new OutcomeLedger();
        ledger.submitted("r-1");
        ledger.submitted("r-2");
        ledger.outcome("r-1", "APPROVED");
        ledger.outcome("r-2", "INVALID");

        OutcomeLedger.Tally tally = ledger.tally("");

        assertThat(tally.exactlyOnce()).isTrue();
        assertThat(tally.line("all")).isEqualTo("faults[all]: submitted=2 outcomes=2 lost=0 duplicated=0");
    }
}
