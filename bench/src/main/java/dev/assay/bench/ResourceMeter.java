package dev.assay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU time and peak resident memory of this JVM and every process below it (the embedded broker, the sandboxes,
 * the reference interpreters), read from Linux's /proc.
 *
 * <p>CPU: this process's user+system time plus that of its reaped children (cutime/cstime, which is where every
 * finished sandbox or interpreter run lands, grandchildren included), plus the CPU so far of the children still
 * alive (the broker). Memory: a sampler thread sums the resident set of the whole process tree every
 * {@code interval} and keeps the maximum, so a short-lived peak between two samples can be missed.
 */
public final class ResourceMeter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResourceMeter.class);
    /** /proc reports times in USER_HZ, which the kernel ABI fixes at 100 on Linux. */
    private static final long USER_HZ = 100;
    private static final long PAGE = 4096;

    private final long startCpuTicks;
    private final long startNanos;
    private final AtomicLong peakRss = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread sampler;

    private ResourceMeter(Duration interval) {
        this.startCpuTicks = treeCpuTicks();
        this.startNanos = System.nanoTime();
        this.sampler = Thread.ofPlatform().daemon().name("resource-meter").start(() -> {
            while (running.get()) {
                peakRss.accumulateAndGet(treeRssBytes(), Math::max);
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    public static ResourceMeter start() {
        return new ResourceMeter(Duration.ofMillis(25));
    }

    /** What was used since {@link #start()}. */
    public record Usage(Duration wall, Duration cpu, long peakRssBytes) {
        /** CPU seconds per wall second: 2.0 means two cores busy on average. */
        public double cores() {
            return wall.isZero() ? 0 : (double) cpu.toMillis() / wall.toMillis();
        }

        public String line() {
            return String.format("wall %.2f s, CPU %.2f s (%.2f cores), peak RSS of the process tree %d MiB",
                    wall.toMillis() / 1000.0, cpu.toMillis() / 1000.0, cores(), peakRssBytes / (1024 * 1024));
        }
    }

    /** Stops sampling and returns the usage so far. */
    public Usage stop() {
        running.set(false);
        sampler.interrupt();
        try {
            sampler.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        peakRss.accumulateAndGet(treeRssBytes(), Math::max);
        Duration wall = Duration.ofNanos(System.nanoTime() - startNanos);
        Duration cpu = Duration.ofMillis((treeCpuTicks() - startCpuTicks) * 1000 / USER_HZ);
        return new Usage(wall, cpu, peakRss.get());
    }

    @Override
    public void close() {
        running.set(false);
        sampler.interrupt();
    }

    static long treeCpuTicks() {
        long self = cpuTicks(ProcessHandle.current().pid(), true);
        long liveChildren = ProcessHandle.current().children().mapToLong(p -> cpuTicks(p.pid(), true)).sum();
        return self + liveChildren;
    }

    static long treeRssBytes() {
        long self = rssBytes(ProcessHandle.current().pid());
        return self + ProcessHandle.current().descendants().mapToLong(p -> rssBytes(p.pid())).sum();
    }

    /** utime + stime (+ cutime + cstime) of /proc/pid/stat, in ticks; 0 when the process is gone. */
    static long cpuTicks(long pid, boolean withReapedChildren) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat == null) {
            return 0;
        }
        return parseCpuTicks(stat, withReapedChildren);
    }

    static long parseCpuTicks(String stat, boolean withReapedChildren) {
        // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
        List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+"));
        // fields[0] is field 3 (state); utime, stime, cutime, cstime are fields 14..17.
        long ticks = Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12));
        if (withReapedChildren) {
            ticks += Long.parseLong(fields.get(13)) + Long.parseLong(fields.get(14));
        }
        return ticks;
    }

    static long rssBytes(long pid) {
        String statm = read(Path.of("/proc", Long.toString(pid), "statm"));
        if (statm == null) {
            return 0;
        }
        String[] fields = statm.trim().split("\\s+");
        return Long.parseLong(fields[1]) * PAGE;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            // The process ended between listing and reading: it no longer uses anything.
            log.trace("cannot read {}: {}", file, e.toString());
            return null;
        }
    }
}
