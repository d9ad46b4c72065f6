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
                row.put("tests", StatusCommand.tests(a.testCounts()));
                row.put("testEdits", a.testEdits().stream().map(RequestView.TestEdit::path).toList());
                row.put("gatedAt", Instant.ofEpochMilli(a.gatedAtMillis()).toString());
                rows.add(row);
            }
            printJson(rows);
            return ExitCodes.OK;
        }
        out().print(text(pending));
        out().flush();
        return ExitCodes.OK;
    }

    /** One block per pending approval: risk and gate, the task, the evidence counts, edited request tests, the reasons. */
    static String text(List<RequestView> pending) {
        StringBuilder out = new StringBuilder();
        String nl = System.lineSeparator();
        if (pending.isEmpty()) {
            out.append("No pending approvals.").append(nl);
        }
        for (RequestView v : pending) {
            RequestView.Approval a = v.approval();
            out.append("%s  %s (score %d)  %s  attempt %d  gated %s".formatted(v.requestId(), a.riskLevel(), a.riskScore(),
                    a.decision(), a.attempt(), Instant.ofEpochMilli(a.gatedAtMillis()))).append(nl);
            out.append("    task: ").append(oneLine(a.task())).append(nl);
            out.append("    tests: ").append(a.testCounts().summary()).append(nl);
            if (!a.testEdits().isEmpty()) {
                out.append("    test edits: ").append(String.join(", ", a.testEdits().stream().map(RequestView.TestEdit::path).toList()))
                        .append(nl);
            }
            a.reasons().forEach(r -> out.append("    - ").append(r).append(nl));
        }
        return out.toString();
    }

    private static String oneLine(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > 160 ? flat.substring(0, 159) + "…" : flat;
    }
}
