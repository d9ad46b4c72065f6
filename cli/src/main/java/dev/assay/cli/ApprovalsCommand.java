package dev.assay.cli;

import dev.assay.console.RequestView;
import dev.assay.verifier.StoredFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code assay approvals}: the requests waiting for a person — gated for review, no outcome yet. */
@Command(name = "approvals", mixinStandardHelpOptions = true,
        description = "List pending approvals (gated for human review, no outcome yet) with risk level and reasons, oldest first.")
final class ApprovalsCommand extends CliCommand {

    @Override
    public Integer call() throws Exception {
        List<RequestView> pending = readViews(null, false).values().stream().filter(RequestView::pending)
                .sorted(Comparator.comparingLong(v -> v.approval().gatedAtMillis())).toList();
        if (ctx().json()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (RequestView v : pending) {
                RequestView.Approval a = v.approval();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("requestId", v.requestId());
                row.put("riskLevel", a.riskLevel().name());
                row.put("riskScore", a.riskScore());
                row.put("decision", a.decision().name());
                row.put("attempt", a.attempt());
                row.put("task", a.task());
                row.put("reasons", a.reasons());
                row.put("files", a.files().stream().map(StoredFile::path).toList());
                row.put("gatedAt", Instant.ofEpochMilli(a.gatedAtMillis()).toString());
                rows.add(row);
            }
            printJson(rows);
            return ExitCodes.OK;
        }
        if (pending.isEmpty()) {
            out().println("No pending approvals.");
        }
        for (RequestView v : pending) {
            RequestView.Approval a = v.approval();
            out().printf("%s  %s (score %d)  %s  attempt %d  gated %s%n", v.requestId(), a.riskLevel(), a.riskScore(),
                    a.decision(), a.attempt(), Instant.ofEpochMilli(a.gatedAtMillis()));
            out().println("    task: " + oneLine(a.task()));
            a.reasons().forEach(r -> out().println("    - " + r));
        }
        out().flush();
        return ExitCodes.OK;
    }

    private static String oneLine(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > 160 ? flat.substring(0, 159) + "…" : flat;
    }
}
