/**
 * The executor's production sandbox: each run is one Kubernetes Job in a dedicated namespace.
 *
 * <p>Public API: {@link dev.assay.executor.kubernetes.KubernetesJobRunner#run} takes a
 * {@link dev.assay.executor.kubernetes.JobRequest} and returns a {@link dev.assay.executor.kubernetes.JobResult}, or
 * throws {@link dev.assay.executor.kubernetes.KubernetesSandboxException} when the sandbox itself cannot run it;
 * settings come from {@link dev.assay.executor.kubernetes.KubernetesSandboxConfig#from}. The Kubernetes client's types
 * stay inside this package (the only exception is the {@code ApiClient} constructor argument).
 *
 * <p>Design notes:
 * <ul>
 *   <li><b>Idempotency.</b> The Job name is a function of request id, attempt, candidate and phase (candidate 1 keeps
 *   the name Jobs had before candidates existed, later ones add {@code c<candidate>}; the test run keeps the name Jobs
 *   had before phases existed, the analysis run adds {@code -analysis}), so the candidates of one attempt and the two
 *   runs of each candidate run as separate Jobs. A create answered with 409 reuses the existing Job (ConfigMap,
 *   Secret) after checking its {@code assay.dev/request-id}, {@code assay.dev/attempt}, {@code assay.dev/candidate}
 *   and {@code assay.dev/phase} labels (an object without a candidate or phase label predates them and counts as
 *   candidate 1, test run). Kafka replays thus wait for the running Job instead of running the code again. A Job may
 *   still run its pod twice (Kubernetes does not promise otherwise), and two executors may share one Job; results
 *   must be deduplicated downstream by request id, attempt and candidate.</li>
 *   <li><b>Handshake.</b> The harness's handshake (harness/PROTOCOL.md) carries the run's nonce, so it must be in no
 *   file the code under test can read. It goes into an immutable Secret {@code <job>-hs} owned by the Job; only the
 *   init container {@code handshake} (runner image, restricted security context, busybox {@code cp}) mounts it, and
 *   copies it to {@code /assay/handshake/handshake.json} on a memory-backed emptyDir; the runner container mounts only
 *   that emptyDir and gets {@code ASSAY_HANDSHAKE_FILE}; the harness reads and deletes the copy before loading
 *   workspace code. A run that joins an existing Job reads that Job's records with the handshake in its Secret (the
 *   one its pod got), which {@code KubernetesSandbox} maps back onto the request's own nonce.</li>
 *   <li><b>Workspace.</b> Files go into an immutable ConfigMap (numbered keys, volume items restore the paths),
 *   mounted read-only and copied into a size-limited emptyDir by a {@code /bin/sh} step before the command. The
 *   ConfigMap and the Secret are created after the Job, with an owner reference to it, so garbage collection removes
 *   them with the Job even when the executor dies mid-run (the kubelet retries the mounts until they appear).</li>
 *   <li><b>Waiting.</b> Polling at {@code poll.interval.ms}: the API server emulation used in tests serves watches
 *   only over WebSockets, and one GET per interval per running Job is cheap at the executor's slot count.</li>
 *   <li><b>Reading replies.</b> Requests are built with the typed client, replies are parsed as JSON trees: the
 *   generated models of client-java reject fields they do not know, which newer API servers add every release
 *   (kubernetes-client/java issues 3980, 4809), and they cannot read the object a DELETE returns.</li>
 *   <li><b>Errors.</b> 5xx, 429 and connection errors are retried {@code api.retries} times with doubling backoff
 *   capped at 5 s; other 4xx fail at once with a {@link dev.assay.executor.kubernetes.KubernetesSandboxException.Reason}.
 *   The Job, ConfigMap and Secret are deleted in every case (the Job with background propagation, taking its
 *   pod).</li>
 * </ul>
 */
package dev.assay.executor.kubernetes;
