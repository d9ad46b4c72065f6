package dev.assay.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.executor.kubernetes.JobOutcomes.Progress;
import dev.assay.executor.kubernetes.JobOutcomes.Verdict;
import dev.assay.executor.kubernetes.JobResult.Status;
import dev.assay.executor.kubernetes.JobResult.Violation;
import dev.assay.executor.kubernetes.ObservedState.JobState;
import dev.assay.executor.kubernetes.ObservedState.PodState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Classification from API-server JSON, including fields the typed client models would reject. */
class JobOutcomesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Integer, Violation> CODES = Map.of(98, Violation.DISK);

    private static JobState job(String type, String reason) throws Exception {
        String conditions = type == null ? "[]" : """
                [{"type":"FailureTarget","status":"True","reason":"%2$s"},
                 {"type":"%1$s","status":"True","reason":"%2$s","message":"m","someFutureField":1}]""".formatted(type, reason);
        return ObservedState.job(JSON.readTree("""
                {"metadata":{"uid":"u1","labels":{"a":"b"}},
                 "status":{"newStatusField":{"x":1},"conditions":%s}}""".formatted(conditions)));
    }

    private static PodState pod(String state, String podReason, String podMessage) throws Exception {
        JsonNode node = JSON.readTree("""
                {"metadata":{"name":"p1","creationTimestamp":"2026-11-23T10:00:00Z"},
                 "status":{"phase":"Failed","reason":%s,"message":%s,"allocatedResources":{},
                   "containerStatuses":[{"name":"runner","state":%s,"volumeMounts":[],"stopSignal":"SIGTERM"}]}}"""
                .formatted(quote(podReason), quote(podMessage), state));
        return ObservedState.pod(node, "runner", "handshake");
    }

    /** A pod whose runner never started because the handshake init container is in {@code initState}. */
    private static PodState initializing(String initState) throws Exception {
        return ObservedState.pod(JSON.readTree("""
                {"metadata":{"name":"p1","creationTimestamp":"2026-11-23T10:00:00Z"},
                 "status":{"phase":"Failed",
                   "initContainerStatuses":[{"name":"handshake","state":%s}],
                   "containerStatuses":[{"name":"runner","state":{"waiting":{"reason":"PodInitializing"}}}]}}"""
                .formatted(initState)), "runner", "handshake");
    }

    private static String quote(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    private static String terminated(int exitCode, String reason) {
        return "{\"terminated\":{\"exitCode\":%d,\"reason\":\"%s\",\"message\":\"report\"}}".formatted(exitCode, reason);
    }

    private static Progress saw(PodState... pods) {
        Progress progress = new Progress();
        progress.observe(List.of(pods));
        return progress;
    }

    @Test
    void completeJobSucceedsWithTheMessage() throws Exception {
        PodState pod = pod(terminated(0, "Completed"), null, null);
        Verdict verdict = JobOutcomes.classify(job("Complete", null), pod, saw(pod), CODES);
        assertThat(verdict).isEqualTo(new Verdict(Status.SUCCEEDED, Violation.NONE, 0, "report", "Job completed"));
    }

    @Test
    void nonZeroExitIsAFailureAndAContractExitCodeAViolation() throws Exception {
        PodState failed = pod(terminated(1, "Error"), null, null);
        assertThat(JobOutcomes.classify(job("Failed", "BackoffLimitExceeded"), failed, saw(failed), CODES))
                .extracting(Verdict::status, Verdict::violation, Verdict::exitCode).containsExactly(Status.FAILED, Violation.NONE, 1);
        PodState refused = pod(terminated(98, "Error"), null, null);
        assertThat(JobOutcomes.classify(job("Failed", "PodFailurePolicy"), refused, saw(refused), CODES))
                .extracting(Verdict::status, Verdict::violation).containsExactly(Status.FAILED, Violation.DISK);
    }

    @Test
    void oomKillIsAMemoryViolation() throws Exception {
        PodState pod = pod(terminated(137, "OOMKilled"), null, null);
        assertThat(JobOutcomes.classify(job("Failed", "PodFailurePolicy"), pod, saw(pod), CODES))
                .extracting(Verdict::status, Verdict::violation).containsExactly(Status.FAILED, Violation.MEMORY);
    }

    @Test
    void emptyDirEvictionIsADiskViolationButANodeEvictionIsTheSandboxsError() throws Exception {
        PodState disk = pod("{}", "Evicted", "Usage of EmptyDir volume workspace exceeds the limit 64Mi.");
        assertThat(JobOutcomes.classify(job("Failed", "BackoffLimitExceeded"), disk, saw(disk), CODES))
                .extracting(Verdict::status, Verdict::violation).containsExactly(Status.FAILED, Violation.DISK);
        PodState node = pod("{}", "Evicted", "The node was low on resource: memory.");
        assertThat(JobOutcomes.classify(job("Failed", "BackoffLimitExceeded"), node, saw(node), CODES))
                .extracting(Verdict::status, Verdict::violation).containsExactly(Status.ERROR, Violation.NONE);
    }

    @Test
    void deadlineWhileRunningIsATimeoutEvenWhenThePodIsAlreadyGone() throws Exception {
        PodState running = pod("{\"running\":{\"startedAt\":\"2026-11-23T10:00:01Z\"}}", null, null);
        Progress progress = saw(running);
        assertThat(JobOutcomes.classify(job("Failed", "DeadlineExceeded"), null, progress, CODES))
                .extracting(Verdict::status, Verdict::violation).containsExactly(Status.TIMEOUT, Violation.TIMEOUT);
    }

    @Test
    void deadlineBeforeTheContainerEverStartedBlamesTheSandbox() throws Exception {
        PodState pulling = pod("{\"waiting\":{\"reason\":\"ImagePullBackOff\",\"message\":\"back-off pulling\"}}", null, null);
        Verdict verdict = JobOutcomes.classify(job("Failed", "DeadlineExceeded"), pulling, saw(pulling), CODES);
        assertThat(verdict.status()).isEqualTo(Status.ERROR);
        assertThat(verdict.detail()).contains("never started: ImagePullBackOff: back-off pulling");

        Verdict noPod = JobOutcomes.classify(job("Failed", "DeadlineExceeded"), null, new Progress(), CODES);
        assertThat(noPod.status()).isEqualTo(Status.ERROR);
        assertThat(noPod.detail()).contains("no pod was created");
    }

    @Test
    void onlyPermanentWaitingReasonsEndTheWaitEarly() throws Exception {
        PodState badName = pod("{\"waiting\":{\"reason\":\"InvalidImageName\"}}", null, null);
        PodState creating = pod("{\"waiting\":{\"reason\":\"ContainerCreating\"}}", null, null);
        assertThat(saw(badName).permanentFailure(List.of(badName))).contains("InvalidImageName");
        assertThat(saw(creating).permanentFailure(List.of(creating))).isNull();
    }

    @Test
    void picksTheNewestPodWithATerminatedRunner() throws Exception {
        PodState done = pod(terminated(0, "Completed"), null, null);
        PodState newerPending = new PodState("p2", java.time.Instant.parse("2026-11-23T11:00:00Z"), "Pending", null, null, null, null, null);
        assertThat(ObservedState.resultPod(List.of(newerPending, done))).isSameAs(done);
        assertThat(ObservedState.resultPod(List.of(newerPending))).isSameAs(newerPending);
        assertThat(ObservedState.resultPod(List.of())).isNull();
    }

    @Test
    void ignoresNonTerminalConditions() throws Exception {
        assertThat(job(null, null).terminal()).isFalse();
        JobState failing = ObservedState.job(JSON.readTree(
                "{\"status\":{\"conditions\":[{\"type\":\"FailureTarget\",\"status\":\"True\"},{\"type\":\"Failed\",\"status\":\"False\"}]}}"));
        assertThat(failing.terminal()).isFalse();
    }

    @Test
    void aFailedHandshakeCopyIsASandboxErrorNamingTheInitContainer() throws Exception {
        PodState pod = initializing("{\"terminated\":{\"exitCode\":1,\"reason\":\"Error\",\"message\":\"cp: can't open\\n\"}}");
        Verdict verdict = JobOutcomes.classify(job("Failed", "BackoffLimitExceeded"), pod, saw(pod), CODES);

        assertThat(verdict.status()).isEqualTo(Status.ERROR);
        assertThat(verdict.exitCode()).isNull();
        assertThat(verdict.detail()).startsWith("the handshake init container exited with 1 (Error): cp: can't open;")
                .contains("BackoffLimitExceeded");
    }

    @Test
    void aHandshakeInitContainerThatCanNeverStartEndsTheWaitEarly() throws Exception {
        PodState stuck = initializing("{\"waiting\":{\"reason\":\"CreateContainerConfigError\",\"message\":\"bad\"}}");
        PodState mounting = initializing("{\"waiting\":{\"reason\":\"PodInitializing\"}}");

        assertThat(saw(stuck).permanentFailure(List.of(stuck)))
                .isEqualTo("handshake init container of pod p1 cannot start: CreateContainerConfigError: bad");
        assertThat(saw(mounting).permanentFailure(List.of(mounting))).isNull();
        Verdict deadline = JobOutcomes.classify(job("Failed", "DeadlineExceeded"), mounting, saw(mounting), CODES);
        assertThat(deadline.status()).isEqualTo(Status.ERROR);
        assertThat(deadline.detail()).contains("the handshake init container was waiting: PodInitializing");
    }
}
