package dev.assay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceMeterTest {

    @Test
    void readsUserSystemAndReapedChildrenTicksAfterACommandNameWithSpaces() {
        // Fields 14-17 (utime stime cutime cstime) are 11 22 33 44.
        String stat = "1234 (java main) S 1 1234 1234 0 -1 4194560 100 0 0 0 11 22 33 44 20 0 30 0 500 1000 200";

        assertThat(ResourceMeter.parseCpuTicks(stat, false)).isEqualTo(33);
        assertThat(ResourceMeter.parseCpuTicks(stat, true)).isEqualTo(110);
    }

    @Test
    void measuresTheCpuOfAReapedChildProcess() throws Exception {
        ResourceMeter meter = ResourceMeter.start();
        Process busy = new ProcessBuilder("/bin/sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done").start();
        assertThat(busy.waitFor()).isZero();
        ResourceMeter.Usage usage = meter.stop();

        assertThat(usage.cpu().toMillis()).isPositive();
        assertThat(usage.peakRssBytes()).isPositive();
        assertThat(usage.wall()).isPositive();
    }
}
