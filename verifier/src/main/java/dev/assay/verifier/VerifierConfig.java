package dev.assay.verifier;

import dev.assay.runtime.AssayConfig;
import dev.assay.verifier.checks.ImportAllowlist;
import dev.assay.verifier.gate.GatePolicy;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The verifier's own settings (everything Kafka-related comes from {@code CommonSettings}).
 *
 * <ul>
 *   <li>{@value #GATE_POLICY_FILE}: a gate policy file replacing the built-in {@code gate-policy.properties}</li>
 *   <li>{@value #IMPORTS_PREFIX}{@code python|java|javascript} (comma list, replaces the default allowlist) and
 *       {@code ….extra} (adds to it)</li>
 *   <li>{@value #FEEDBACK_MAX_CHARS} (default 8000), {@value #OUTPUT_TAIL_CHARS} (default 3000)</li>
 *   <li>{@value #STATE_DIR}, {@value #STREAM_THREADS}, {@value #THREAD_REPLACEMENTS_MAX} (default 10) and
 *       {@value #THREAD_REPLACEMENTS_WINDOW_MS} (default 600000): read by {@link VerifierApp}</li>
 * </ul>
 */
public record VerifierConfig(GatePolicy gatePolicy, ImportAllowlist imports, int feedbackMaxChars, int outputTailChars,
        Clock clock) {
    public static final String GATE_POLICY_FILE = "verifier.gate.policy.file";
    public static final String IMPORTS_PREFIX = "verifier.imports.";
    public static final String FEEDBACK_MAX_CHARS = "verifier.feedback.max.chars";
    public static final String OUTPUT_TAIL_CHARS = "verifier.output.tail.chars";
    public static final String STATE_DIR = "verifier.state.dir";
    public static final String STREAM_THREADS = "verifier.stream.threads";
    public static final String THREAD_REPLACEMENTS_MAX = "verifier.thread.replacements.max";
    public static final String THREAD_REPLACEMENTS_WINDOW_MS = "verifier.thread.replacements.window.ms";

    static final int DEFAULT_FEEDBACK_MAX_CHARS = 8_000;
    static final int DEFAULT_OUTPUT_TAIL_CHARS = 3_000;

    public static VerifierConfig from(AssayConfig config) {
        return new VerifierConfig(
                GatePolicy.load(config.find(GATE_POLICY_FILE).map(Path::of)),
                ImportAllowlist.fromSettings(IMPORTS_PREFIX, key -> config.find(key).orElse(null)),
                config.integer(FEEDBACK_MAX_CHARS, DEFAULT_FEEDBACK_MAX_CHARS),
                config.integer(OUTPUT_TAIL_CHARS, DEFAULT_OUTPUT_TAIL_CHARS),
                Clock.systemUTC());
    }

    /** Built-in policy and allowlists, system clock. */
    public static VerifierConfig defaults() {
        return new VerifierConfig(GatePolicy.defaults(), ImportAllowlist.defaults(), DEFAULT_FEEDBACK_MAX_CHARS,
                DEFAULT_OUTPUT_TAIL_CHARS, Clock.systemUTC());
    }

    public VerifierConfig withGatePolicy(GatePolicy policy) {
        return new VerifierConfig(policy, imports, feedbackMaxChars, outputTailChars, clock);
    }

    /** The state machine these settings describe. */
    public RequestLifecycle lifecycle() {
        return new RequestLifecycle(
                dev.assay.verifier.checks.VerdictEngine.withDefaultChecks(imports, clock),
                new FixLoop(feedbackMaxChars, outputTailChars, clock),
                new dev.assay.verifier.gate.RiskGate(gatePolicy, clock),
                clock);
    }
}
