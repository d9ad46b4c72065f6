package dev.assay.executor;

import dev.assay.executor.sandbox.SandboxLimits;
import dev.assay.executor.sandbox.Sandboxes;
import dev.assay.runtime.AssayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The executor's typed settings, all under {@code executor.}; defaults suit a small machine.
 *
 * @param sandbox        {@code executor.sandbox}: auto (runsc if usable, else bwrap), runsc, bwrap, or kubernetes (a Job
 *                       per run; settings under {@code executor.kubernetes.})
 * @param limits         per-run limits: {@code executor.timeout.seconds} (30), {@code executor.memory.mb} (512),
 *                       {@code executor.pids} (64), {@code executor.output.bytes} (65536),
 *                       {@code executor.workspace.bytes} (64 MiB), {@code executor.cpu.seconds} (the timeout)
 * @param slots          {@code executor.slots}: sandboxes running at once (2)
 * @param python         {@code executor.python}: the interpreter inside the sandbox (/usr/bin/python3)
 * @param javaHome       {@code executor.java.home}: the JDK used inside the sandbox
 * @param node           {@code executor.node}: the Node.js binary inside the sandbox (/usr/bin/node)
 * @param jsParser       {@code executor.js.parser}: acorn's ES module for JavaScript analysis runs
 *                       (/usr/share/nodejs/acorn/dist/acorn.mjs, Debian's node-acorn)
 * @param sandboxUidBase {@code executor.sandbox.uid.base}: first host uid for bubblewrap runs when the service is root
 */
public record ExecutorConfig(
        Sandboxes.Choice sandbox,
        SandboxLimits limits,
        int slots,
        Path python,
        Path javaHome,
        Path node,
        Path jsParser,
        int sandboxUidBase) {

    public ExecutorConfig {
        if (slots < 1) {
            throw new IllegalArgumentException("executor.slots must be at least 1, was " + slots);
        }
        if (sandboxUidBase < 1) {
            throw new IllegalArgumentException("executor.sandbox.uid.base must be a non-root uid, was " + sandboxUidBase);
        }
    }

    public static ExecutorConfig from(AssayConfig config) {
        String choice = config.string("executor.sandbox", "auto").trim().toUpperCase(Locale.ROOT);
        Sandboxes.Choice sandbox;
        try {
            sandbox = Sandboxes.Choice.valueOf(choice);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting executor.sandbox must be auto, runsc, bwrap or kubernetes, was '"
                    + config.string("executor.sandbox", "") + "'", e);
        }
        int timeoutSeconds = positive(config, "executor.timeout.seconds", 30);
        SandboxLimits limits = new SandboxLimits(
                Duration.ofSeconds(timeoutSeconds),
                positive(config, "executor.cpu.seconds", timeoutSeconds),
                positiveLong(config, "executor.memory.mb", 512) * 1024 * 1024,
                positive(config, "executor.pids", 64),
                positive(config, "executor.output.bytes", 65536),
                positiveLong(config, "executor.workspace.bytes", 64L * 1024 * 1024));
        return new ExecutorConfig(sandbox, limits,
                positive(config, "executor.slots", 2),
                Path.of(config.string("executor.python", "/usr/bin/python3")),
                Path.of(config.string("executor.java.home", "/usr/lib/jvm/temurin-25-jdk-amd64")),
                Path.of(config.string("executor.node", "/usr/bin/node")),
                Path.of(config.string("executor.js.parser", "/usr/share/nodejs/acorn/dist/acorn.mjs")),
                positive(config, "executor.sandbox.uid.base", 200_000));
    }

    private static int positive(AssayConfig config, String key, int defaultValue) {
        int value = config.integer(key, defaultValue);
        if (value <= 0) {
            throw new IllegalArgumentException("setting " + key + " must be positive, was " + value);
        }
        return value;
    }

    private static long positiveLong(AssayConfig config, String key, long defaultValue) {
        long value = config.longValue(key, defaultValue);
        if (value <= 0) {
            throw new IllegalArgumentException("setting " + key + " must be positive, was " + value);
        }
        return value;
    }
}
