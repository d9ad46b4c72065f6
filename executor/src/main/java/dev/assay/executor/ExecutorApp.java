package dev.assay.executor;

import dev.assay.executor.kubernetes.KubernetesJobRunner;
import dev.assay.executor.kubernetes.KubernetesSandbox;
import dev.assay.executor.kubernetes.KubernetesSandboxConfig;
import dev.assay.executor.runner.LanguageRunner;
import dev.assay.executor.runner.JavaRunner;
import dev.assay.executor.runner.NodeRunner;
import dev.assay.executor.runner.PythonRunner;
import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.Sandboxes;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import dev.assay.runtime.ServiceContext;
import dev.assay.runtime.ServiceLauncher;
import dev.assay.runtime.StageLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** The executor service: generations in, sandboxed test runs out. */
public final class ExecutorApp {
    private ExecutorApp() {
    }

    /**
     * Builds the executor's stage loop. Fails (IllegalStateException) when no sandbox backend is usable: generated
     * code is never run without one.
     */
    public static AssayService create(ServiceContext ctx) {
        ExecutorConfig config = ExecutorConfig.from(ctx.config());
        Path scratch = Sandboxes.scratchDirectory(Path.of(System.getProperty("java.io.tmpdir")));
        Sandbox sandbox = config.sandbox() == Sandboxes.Choice.KUBERNETES
                ? kubernetes(ctx.config())
                : Sandboxes.create(config.sandbox(), scratch, config.sandboxUidBase(), config.slots());
        Executor executor = new Executor(sandbox, runners(config), ExecutionPolicyTable.standard(), config.limits(),
                config.slots(), scratch, ctx.meters(), Clock.systemUTC());
        return StageLoop.builder(ctx.settings(), ctx.topics(), ctx.meters())
                .on(ctx.topics().generations(), new ExecutorHandler(executor, ctx.topics()))
                .maxPollRecords(config.slots())
                .build();
    }

    private static Sandbox kubernetes(AssayConfig config) {
        try {
            return new KubernetesSandbox(KubernetesJobRunner.connect(KubernetesSandboxConfig.from(config)));
        } catch (IOException e) {
            throw new IllegalStateException("executor.sandbox=kubernetes but no Kubernetes client configuration was found "
                    + "(in-cluster ServiceAccount or kubeconfig): " + e.getMessage(), e);
        }
    }

    /** The language runners for this configuration. */
    public static List<LanguageRunner> runners(ExecutorConfig config) {
        return List.of(new PythonRunner(config.python()), new JavaRunner(config.javaHome()),
                new NodeRunner(config.node(), config.jsParser()));
    }

    public static void main(String[] args) {
        ServiceLauncher.run("executor", args, ExecutorApp::create);
    }
}
