package dev.assay.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java program in a process of its own, started with this JVM's java binary: output appended to a log file, killed
 * when this JVM ends, stopped with SIGTERM (as a pod is) or SIGKILL (as a crash is). The embedded broker and the fault
 * suite's services run this way, so tests can kill and restart them for real.
 */
public final class ChildJvm {
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final Process process;

    private ChildJvm(Process process) {
        this.process = process;
    }

    /**
     * @param env variables to set; the child inherits this JVM's environment except {@code ASSAY_*} settings and
     *            {@code JAVA_TOOL_OPTIONS}, so it gets only what it is given
     */
    public static ChildJvm start(String name, List<String> jvmOptions, String classPath, String mainClass, List<String> args,
            Map<String, String> env, Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("ASSAY_") || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            // The child must not outlive a developer's Ctrl-C or a test JVM that ends without stopping it.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, name + "-reaper"));
            return new ChildJvm(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the program to end by itself; its exit code, or null on timeout. */
    public Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** SIGKILL: no shutdown hook, no flush; returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, then SIGKILL if it has not ended after a grace period. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
