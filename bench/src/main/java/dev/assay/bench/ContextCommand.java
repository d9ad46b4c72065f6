package dev.assay.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./assay bench context}: the context assembler over a generated local repository vs a plain read of it. */
@Command(name = "context", mixinStandardHelpOptions = true,
        description = "Context assembly (repository read, secret redaction, prompt-injection scan, repository-map selection) over a "
                + "generated repository of N files vs a plain walk + read of the same files. Raises the repository limits "
                + "(assembler.repository.max.files etc.) to fit N files.")
final class ContextCommand implements Callable<Integer> {
    @Option(names = "--files", defaultValue = "10000", description = "Files in the generated repository (default: ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--tasks", defaultValue = "20", description = "Measured assemblies, each naming a different file (default: ${DEFAULT-VALUE}).")
    int tasks;

    @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured assemblies first, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--token-budget", defaultValue = "16000", description = "Token budget of each request (default: ${DEFAULT-VALUE}).")
    int tokenBudget;

    @Override
    public Integer call() throws Exception {
        if (files < 10 || tasks < 1 || warmup < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--files must be at least 10, --tasks at least 1, --warmup not negative");
        }
        PrintStream out = System.out;
        out.println("machine: " + Machine.describe());
        Path dir = Files.createTempDirectory("assay-bench-context-");
        try {
            boolean complete = ContextBench.run(out, dir, files, tasks, warmup, tokenBudget);
            out.println("load average at the end: " + Machine.loadAverage());
            return complete ? 0 : 1;
        } finally {
            BenchMain.deleteTree(dir);
        }
    }
}
