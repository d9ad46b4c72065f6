package dev.assay.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {
    private static final String MARKER = "@@assay-report-123@@";

    private static OutputCapture drain(String text, int limit, String marker, AtomicInteger limitCalls) {
        OutputCapture capture = new OutputCapture(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), limit, marker,
                limitCalls::incrementAndGet);
        capture.run();
        return capture;
    }

    @Test
    void separatesTheReportAfterTheMarkerLineFromTheOutput() {
        AtomicInteger calls = new AtomicInteger();
        OutputCapture c = drain("hello\nno newline at end\n" + MARKER + "\n{\"tests\":[]}\n", 1000, MARKER, calls);
        assertThat(c.text()).isEqualTo("hello\nno newline at end");
        assertThat(c.reportText()).isEqualTo("{\"tests\":[]}");
        assertThat(c.truncated()).isFalse();
        assertThat(calls).hasValue(0);
    }

    @Test
    void aMarkerInsideALineIsOrdinaryOutput() {
        OutputCapture c = drain("x" + MARKER + "\n" + MARKER + "y\n", 1000, MARKER, new AtomicInteger());
        assertThat(c.reportText()).isNull();
        assertThat(c.text()).contains(MARKER);
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
    void theReportDoesNotCountAgainstTheOutputLimit() {
        AtomicInteger calls = new AtomicInteger();
        OutputCapture c = drain("ok\n" + MARKER + "\n" + "{\"tests\":[" + "1,".repeat(5000) + "1]}", 100, MARKER, calls);
        assertThat(calls).hasValue(0);
        assertThat(c.truncated()).isFalse();
        assertThat(c.reportText()).startsWith("{\"tests\":[1,1");
    }

    @Test
    void invalidUtf8IsReplacedNotFatal() {
        OutputCapture c = new OutputCapture(new ByteArrayInputStream(new byte[] {'a', (byte) 0xff, 'b'}), 100, null, () -> { });
        c.run();
        assertThat(c.text()).isEqualTo("a\uFFFDb");
    }
}
