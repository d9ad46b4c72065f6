package dev.assay.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {
    private static final String NONCE = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static OutputCapture drain(String text, int limit, String nonce, AtomicInteger limitCalls) {
        OutputCapture capture = new OutputCapture(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), limit, nonce,
                limitCalls::incrementAndGet);
        capture.run();
        return capture;
    }

    @Test
    void linesStartingWithTheNonceAreRecordsAndLeaveTheOutput() {
        AtomicInteger calls = new AtomicInteger();
        OutputCapture c = drain("\n" + NONCE + " BEGIN {}\nhello\nno newline at end\n" + NONCE + " REPORT {\"tests\":[]}\n", 1000,
                NONCE, calls);
        assertThat(c.records()).containsExactly("BEGIN {}", "REPORT {\"tests\":[]}");
        assertThat(c.text()).isEqualTo("\nhello\nno newline at end\n");
        assertThat(c.outputAfterReport()).isFalse();
        assertThat(c.truncated()).isFalse();
        assertThat(calls).hasValue(0);
    }

    @Test
    void theNonceInsideALineOrWithoutItsSpaceIsOrdinaryOutput() {
        OutputCapture c = drain("x" + NONCE + " REPORT {}\n" + NONCE + "REPORT {}\n" + NONCE.substring(0, 10) + "\n", 1000, NONCE,
                new AtomicInteger());
        assertThat(c.records()).isEmpty();
        assertThat(c.text()).isEqualTo("x" + NONCE + " REPORT {}\n" + NONCE + "REPORT {}\n" + NONCE.substring(0, 10) + "\n");
    }

    @Test
    void anythingButWhitespaceAfterTheReportIsNoticed() {
        assertThat(drain(NONCE + " REPORT {}\n\n  \n", 1000, NONCE, new AtomicInteger()).outputAfterReport()).isFalse();
        assertThat(drain(NONCE + " REPORT {}\nforged\n", 1000, NONCE, new AtomicInteger()).outputAfterReport()).isTrue();
        assertThat(drain(NONCE + " BEGIN {}\nprinted by a test\n", 1000, NONCE, new AtomicInteger()).outputAfterReport()).isFalse();
    }

    @Test
    void aRecordCutOffByTheEndOfTheStreamStillCounts() {
        OutputCapture c = drain("out\n" + NONCE + " REPORT {\"tests\":", 1000, NONCE, new AtomicInteger());
        assertThat(c.records()).containsExactly("REPORT {\"tests\":");
        assertThat(c.text()).isEqualTo("out\n");
    }

    @Test
    void keepsOnlyTheLimitAndSignalsOnceWhenItIsExceeded() {
        AtomicInteger calls = new AtomicInteger();
        OutputCapture c = drain("y\n".repeat(10_000), 100, null, calls);
        assertThat(c.text()).hasSize(100);
        assertThat(c.truncated()).isTrue();
        assertThat(calls).hasValue(1);
    }

    @Test
    void recordsDoNotCountAgainstTheOutputLimit() {
        AtomicInteger calls = new AtomicInteger();
        OutputCapture c = drain("ok\n" + NONCE + " REPORT {\"tests\":[" + "1,".repeat(5000) + "1]}\n", 100, NONCE, calls);
        assertThat(calls).hasValue(0);
        assertThat(c.truncated()).isFalse();
        assertThat(c.records()).singleElement().asString().startsWith("REPORT {\"tests\":[1,1");
    }

    @Test
    void aFinishedLogSplitsTheSameWay() {
        String log = "a\n" + NONCE + " BEGIN {}\nb\n" + NONCE + " REPORT {}\n";
        OutputCapture c = OutputCapture.of(log, 1000, NONCE);
        assertThat(c.records()).containsExactly("BEGIN {}", "REPORT {}");
        assertThat(c.text()).isEqualTo("a\nb\n");
    }

    @Test
    void invalidUtf8IsReplacedNotFatal() {
        OutputCapture c = new OutputCapture(new ByteArrayInputStream(new byte[] {'a', (byte) 0xff, 'b'}), 100, null, () -> { });
        c.run();
        assertThat(c.text()).isEqualTo("a\uFFFDb");
    }
}
