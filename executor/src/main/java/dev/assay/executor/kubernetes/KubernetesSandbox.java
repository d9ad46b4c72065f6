package dev.assay.executor.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production backend: each run is a Kubernetes Job in the sandbox namespace (see {@link KubernetesJobRunner}),
 * behind the same {@link Sandbox} contract as the local gVisor and bubblewrap backends. The runner image supplies the
 * toolchain and the harness directory ({@code /opt/assay/harness}), so the request's mounts are not used; the
 * workspace travels as a ConfigMap, the handshake (the request's standard input) as a Secret only an init container
 * mounts, and the pod log is split into output and harness records exactly as a live run's standard output is.
 */
public final class KubernetesSandbox implements Sandbox {
    private static final Logger log = LoggerFactory.getLogger(KubernetesSandbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a nonce looks like (harness/PROTOCOL.md: 64 lower-case hex characters); anything else is not replaced. */
    private static final Pattern NONCE = Pattern.compile("[0-9a-f]{32,128}");
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
        JobRequest job = new JobRequest(run.requestId(), run.attempt(), run.candidate(), run.language(), run.phase(),
                readWorkspace(request.input()), request.command(), request.environment(), request.stdin(), limits);
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
        return toSandboxResult(inRequestNonce(result, request.stdin(), request.nonce()), request.nonce(),
                request.limits().outputBytes());
    }

    /**
     * The result as if its pod had read this request's handshake. When the run joined a Job another executor created
     * (a replayed record), the pod read that executor's handshake and its records carry that executor's nonce: the
     * log gets this request's nonce in its place, so records split as usual and a stray copy of the nonce in the
     * program's output still shows as one. Neither nonce was readable by the code under test.
     */
    static JobResult inRequestNonce(JobResult result, String handshake, String nonce) {
        if (nonce == null || result.handshake().isEmpty() || result.handshake().equals(handshake)) {
            return result;
        }
        String stored = nonceOf(result.handshake());
        if (stored == null) {
            log.warn("Job {} ran with a handshake without a readable nonce; its records cannot be read", result.jobName());
            return result;
        }
        if (stored.equals(nonce)) {
            return result;
        }
        return new JobResult(result.status(), result.violation(), result.exitCode(), result.terminationMessage(),
                result.logs().replace(stored, nonce), result.logsTruncated(), result.duration(), result.jobName(),
                result.podName(), result.detail(), handshake);
    }

    private static String nonceOf(String handshake) {
        try {
            JsonNode nonce = JSON.readTree(handshake).path("nonce");
            return nonce.isTextual() && NONCE.matcher(nonce.asText()).matches() ? nonce.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static SandboxResult toSandboxResult(JobResult result, String nonce, int outputLimit) {
        Violation enforced = Violation.valueOf(result.violation().name());
        // Timeouts and output floods have flags of their own in the result; anything else the kubelet enforced rides along.
        return SandboxResult.fromLog(result.exitCode(), result.logs(), result.logsTruncated(), nonce, 2 * outputLimit,
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
