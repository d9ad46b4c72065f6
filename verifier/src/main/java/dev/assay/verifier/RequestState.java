package dev.assay.verifier;

import dev.assay.avro.GateDecision;
import dev.assay.avro.RiskLevel;
import dev.assay.avro.SourceFile;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;

/**
 * What the verifier remembers per request (state store {@link VerifierTopology#REQUESTS_STORE}, JSON, internal):
 * the last attempt judged, where the request is, and — while it waits for a person — the gate's verdict and the
 * files that would be approved.
 */
public record RequestState(int lastAttempt, Phase phase, RiskLevel riskLevel, GateDecision gateDecision,
        List<StoredFile> files, long gatedAtMillis) {

    /** Where a request is in the verifier. */
    public enum Phase {
        /** Failed attempts so far; a fix has been requested. */
        FIXING,
        /** Passed and gated; waits for an {@code ApprovalDecision}. */
        AWAITING_DECISION,
        /** Its outcome has been written; nothing changes it any more. */
        CLOSED
    }

    /** A generated file kept for the outcome (Avro classes are not JSON beans). */
    public record StoredFile(String path, String content) {
        static List<StoredFile> of(List<SourceFile> files) {
            return files.stream().map(f -> new StoredFile(f.getPath(), f.getContent())).toList();
        }

        static List<SourceFile> toSource(List<StoredFile> files) {
            return files == null ? List.of()
                    : files.stream().map(f -> new SourceFile(f.path(), f.content())).toList();
        }
    }

    public RequestState {
        files = files == null ? List.of() : List.copyOf(files);
        riskLevel = riskLevel == null ? RiskLevel.UNKNOWN : riskLevel;
        gateDecision = gateDecision == null ? GateDecision.UNKNOWN : gateDecision;
    }

    static RequestState fixing(int attempt) {
        return new RequestState(attempt, Phase.FIXING, null, null, List.of(), 0L);
    }

    static RequestState awaiting(int attempt, RiskLevel level, GateDecision decision, List<SourceFile> files,
            Instant gatedAt) {
        return new RequestState(attempt, Phase.AWAITING_DECISION, level, decision, StoredFile.of(files),
                gatedAt.toEpochMilli());
    }

    /** When the request reached the gate (meaningful while it waits for a decision). */
    @JsonIgnore
    public Instant gatedAt() {
        return Instant.ofEpochMilli(gatedAtMillis);
    }

    /** Closed requests drop their files: only the phase and the attempt are needed to refuse late inputs. */
    RequestState closed(int attempt) {
        return new RequestState(attempt, Phase.CLOSED, riskLevel, gateDecision, List.of(), gatedAtMillis);
    }
}
