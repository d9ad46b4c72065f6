package dev.assay.harness.core;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resource use of the harness JVM (javac and the tests run in it; processes a test starts are not counted):
 * {@code {"cpuMillis", "peakMemoryBytes"}}.
 */
final class Usage {
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private Usage() {
    }

    /** The usage object as JSON, or null when nothing can be measured (never throws). */
    static String json() {
        try {
            return "{\"cpuMillis\":" + Math.max(0, cpuMillis()) + ",\"peakMemoryBytes\":" + Math.max(0, peakMemory()) + "}";
        } catch (Throwable e) {
            // Measuring must never cost the report (e.g. after an OutOfMemoryError): the executor records 0.
            return null;
        }
    }

    /**
     * CPU time of the process: the JDK's own figure where {@code jdk.management} is present, else utime + stime of
     * {@code /proc/self/stat} (when the executor limits the JVM's modules).
     */
    private static long cpuMillis() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                long nanos = os.getProcessCpuTime();
                if (nanos >= 0) {
                    return nanos / 1_000_000;
                }
            }
        } catch (LinkageError e) {
            // jdk.management is not in the boot layer: fall back to /proc.
        }
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After "pid (comm) ": state is field 0, utime field 11, stime field 12.
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Peak resident set: VmHWM of /proc/self/status where the kernel keeps it (bubblewrap, Kubernetes). gVisor's /proc
     * has VmRSS but no VmHWM, so there the peak is an estimate: the larger of the resident set now and the summed
     * peak usage of the heap and non-heap pools (misses thread stacks and native memory; the pools' peaks need not
     * have coincided).
     */
    private static long peakMemory() {
        long peak = procStatusBytes("VmHWM:");
        if (peak <= 0) {
            long pools = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                MemoryUsage used = pool.getPeakUsage();
                pools += used == null ? 0 : used.getUsed();
            }
            peak = Math.max(pools, procStatusBytes("VmRSS:"));
        }
        return peak;
    }

    /** A "field  n kB" line of /proc/self/status in bytes, or 0 when the file is not readable or lacks it. */
    private static long procStatusBytes(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable /proc leaves the memory pools as the only measure; 0 tells the caller so.
        }
        return 0;
    }
}
