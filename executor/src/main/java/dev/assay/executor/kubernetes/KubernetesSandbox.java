package dev.assay.executor.kubernetes;

import dev.assay.avro.Violation;
import dev.assay.executor.sandbox.Sandbox;
import dev.assay.executor.sandbox.SandboxException;
import dev.assay.executor.sandbox.SandboxRequest;
import dev.assay.executor.sandbox.SandboxResult;
import dev.assay.runtime.RetriableStageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The production backend: each run is a Kubernetes Job in the sandbox namespace (see {@link KubernetesJobRunner}),
 * behind the same {@link Sandbox} contract as the local gVisor and bubblewrap backends. The runner image supplies the
 * toolchain, so the request's host toolchain paths are not used; the workspace travels as a ConfigMap.
 */
public final class KubernetesSandbox implements Sandbox {
    /** Room in the pod log for the harness report after the program's own output. */
    static final int REPORT_ALLOWANCE_BYTES = 256 * 1024;

    private final KubernetesJobRunner runner;

    public KubernetesSandbox(KubernetesJobRunner runner) {
        this.runner = runner;
    }

    @Override
    public String backend() {
        return "kubernetes";
    }

    /**
     * @throws RetriableStageException when the API server is unavailable: the stage retries the batch later rather than
     *                                 spending the request's attempt on an outage
     */
    @Override
    public SandboxResult run(SandboxRequest request) throws SandboxException {
        JobLimits limits = runner.config().defaultLimits()
                .withActiveDeadline(request.limits().timeout())
                .withMemoryLimitBytes(request.limits().memoryBytes())
                .withWorkspaceBytes(request.limits().workspaceBytes())
                .withLogBytes(2 * request.limits().outputBytes() + REPORT_ALLOWANCE_BYTES);
        SandboxRequest.Run run = request.run();
        JobRequest job = new JobRequest(run.requestId(), run.attempt(), run.candidate(), run.language(),
                readWorkspace(request.input()), request.command(), request.environment(), limits);
        JobResult result;
        try {
            result = runner.run(job);
        } catch (KubernetesSandboxException e) {
            if (e.retriable()) {
                throw new RetriableStageException("Kubernetes API unavailable for " + run.requestId() + " "
                        + SandboxRequest.Run.describe(run.attempt(), run.candidate()), e);
            }
            throw new SandboxException(e.getMessage(), e);
        }
        if (result.status() == JobResult.Status.ERROR) {
            throw new SandboxException("sandbox Job " + result.jobName() + " failed to run: " + result.detail());
        }
        return toSandboxResult(result, request.reportMarker());
    }

    static SandboxResult toSandboxResult(JobResult result, String marker) {
        String logs = result.logs();
        String output = logs;
        String report = null;
        int at = marker == null ? -1 : logs.indexOf(marker);
        if (at >= 0) {
            output = logs.substring(0, at);
            int reportStart = logs.indexOf('\n', at);
            report = reportStart < 0 ? "" : logs.substring(reportStart + 1);
        }
        Violation enforced = Violation.valueOf(result.violation().name());
        // Timeouts and output floods have flags of their own in the result; anything else the kubelet enforced rides along.
        return new SandboxResult(result.exitCode(), output, "", report, result.logsTruncated(),
                result.status() == JobResult.Status.TIMEOUT, enforced == Violation.OUTPUT_LIMIT, result.duration(),
                enforced == Violation.TIMEOUT || enforced == Violation.OUTPUT_LIMIT ? Violation.NONE : enforced);
    }

    /** Every regular file under the input directory, by relative path; the ConfigMap carries text only. */
    static Map<String, String> readWorkspace(Path input) throws SandboxException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(input)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                String relative = input.relativize(path).toString();
                try {
                    files.put(relative, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(path))).toString());
                } catch (CharacterCodingException e) {
                    throw new SandboxException("workspace file " + relative + " is not UTF-8 text; the Kubernetes backend carries text files only");
                }
            }
        } catch (IOException e) {
            throw new SandboxException("cannot read the workspace " + input + ": " + e.getMessage(), e);
        }
        return files;
    }
}
