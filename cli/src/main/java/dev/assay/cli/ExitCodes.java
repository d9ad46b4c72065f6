package dev.assay.cli;

/**
 * The CLI's exit codes, the same for every command so scripts can branch on them.
 *
 * <ul>
 *   <li>0 — success; for {@code watch}, the request was APPROVED; for {@code audit verify}, the chain holds</li>
 *   <li>1 — error: Kafka or the registry unreachable, a file unreadable, a command that failed</li>
 *   <li>2 — usage error: unknown option, missing argument, invalid value</li>
 *   <li>3 — negative result: the outcome is FAILED, REJECTED or INVALID; or the audit chain is broken</li>
 *   <li>4 — timeout: no outcome within {@code --timeout}</li>
 *   <li>5 — not found: no such request, or not waiting for a decision; nothing matched in the dead-letter topic</li>
 *   <li>6 — unverifiable: the request's audit events carry no hash chain (or only partly, with {@code --strict})</li>
 * </ul>
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int USAGE = 2;
    public static final int NEGATIVE = 3;
    public static final int TIMEOUT = 4;
    public static final int NOT_FOUND = 5;
    public static final int UNVERIFIABLE = 6;

    private ExitCodes() {
    }

    /** The exit code footer of {@code assay --help}. */
    static final String HELP = """
            Exit codes:
              0  success (watch: APPROVED; audit verify: chain holds)
              1  error (Kafka or registry unreachable, unreadable file, …)
              2  usage error
              3  negative result (outcome FAILED, REJECTED or INVALID; audit chain broken)
              4  timeout waiting for an outcome
              5  not found (no such request, not pending, nothing matched)
              6  audit events unchained (nothing to verify)""";
}
