package dev.assay.executor.kinds;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.Finding;
import dev.assay.avro.KindSignal;
import dev.assay.avro.Severity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterOperation;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * The static report a migration reaches its reviewer with, since migrations are never executed: per statement what is
 * destructive or irreversible (dropped tables and columns, truncation, unqualified DELETE and UPDATE), what takes heavy
 * locks or rewrites tables (type changes, NOT NULL columns without a default, constraints validated at once, indexes
 * built without CONCURRENTLY) and what breaks running code (renames). Findings are MEDIUM at most: they inform the
 * person who must decide anyway, they never fail the attempt.
 */
public final class MigrationReview {
    /** {@link Finding#getCheck()} prefix of this report's findings. */
    public static final String CHECK_PREFIX = "migration/";

    private MigrationReview() {
    }

    /**
     * @param generatedFiles the generated files by path
     * @param signals        every kind signal of the execution; the MIGRATION ones say which files and statements to read
     */
    public static List<Finding> review(Map<String, String> generatedFiles, List<KindSignal> signals) {
        List<Finding> findings = new ArrayList<>();
        Set<String> sqlFiles = new LinkedHashSet<>();
        Set<String> opaqueCode = new LinkedHashSet<>();
        for (KindSignal signal : signals) {
            if (signal.getKind() != ArtifactKind.MIGRATION || signal.getPath() == null) {
                continue;
            }
            if (signal.getPath().toLowerCase(Locale.ROOT).endsWith(".sql")) {
                sqlFiles.add(signal.getPath());
            } else if (signal.getSql() != null) {
                // A statement found in migration code (Alembic, Knex, Flyway's Java migrations, ...).
                review(signal.getPath(), SqlStatements.parse(signal.getSql()), signal.getLine() == null ? 0 : signal.getLine() - 1, findings);
            } else if (opaqueCode.add(signal.getPath())) {
                // Migration code whose statements are built at run time (an ORM's operations): nothing to parse here.
                findings.add(finding("unreviewed", Severity.LOW, "migration code (" + signal.getReason()
                        + "): what it builds at run time is not reviewed here, read it whole", signal.getPath(), signal.getLine()));
            }
        }
        for (String path : sqlFiles) {
            String content = generatedFiles.get(path);
            if (content != null && content.length() <= KindInference.MAX_PARSED_CHARS) {
                review(path, SqlStatements.parse(content), 0, findings);
            } else if (content != null) {
                findings.add(finding("unreviewed", Severity.MEDIUM, "too large to parse: read it whole", path, null));
            }
        }
        return findings;
    }

    private static void review(String path, SqlStatements statements, int lineOffset, List<Finding> findings) {
        for (SqlStatements.Parsed parsed : statements.parsed()) {
            int line = parsed.line() + lineOffset;
            String text = parsed.text().toUpperCase(Locale.ROOT);
            switch (parsed.statement()) {
                case Drop d -> findings.add(finding("destructive", Severity.MEDIUM, SqlStatements.describe(d)
                        + " deletes it and everything in it; only a backup brings it back", path, line));
                case Truncate t -> findings.add(finding("destructive", Severity.MEDIUM, SqlStatements.describe(t)
                        + " deletes every row", path, line));
                case Delete d when d.getWhere() == null -> findings.add(finding("destructive", Severity.MEDIUM,
                        SqlStatements.describe(d) + " without WHERE deletes every row", path, line));
                case Update u when u.getWhere() == null -> findings.add(finding("destructive", Severity.MEDIUM,
                        SqlStatements.describe(u) + " without WHERE changes every row", path, line));
                case CreateIndex c when !text.contains("CONCURRENTLY") -> findings.add(finding("lock", Severity.LOW,
                        SqlStatements.describe(c) + " blocks writes to the table while it builds (PostgreSQL: CREATE INDEX CONCURRENTLY does not)",
                        path, line));
                case Alter a -> alter(a, text, path, line, findings);
                default -> {
                }
            }
        }
        for (SqlStatements.Unparsed unparsed : statements.unparsed()) {
            findings.add(finding("unreviewed", Severity.LOW, "a statement the SQL parser could not read (" + unparsed.reason()
                    + "): read it yourself", path, unparsed.line() + lineOffset));
        }
    }

    private static void alter(Alter alter, String text, String path, int line, List<Finding> findings) {
        String table = alter.getTable().getFullyQualifiedName();
        if (alter.getAlterExpressions() == null) {
            return;
        }
        for (AlterExpression e : alter.getAlterExpressions()) {
            AlterOperation op = e.getOperation();
            String column = e.getColumnName() != null ? e.getColumnName()
                    : e.getColDataTypeList() != null && !e.getColDataTypeList().isEmpty() ? e.getColDataTypeList().getFirst().getColumnName() : "";
            switch (op) {
                case DROP, DROP_PRIMARY_KEY, DROP_UNIQUE, DROP_FOREIGN_KEY -> findings.add(finding("destructive", Severity.MEDIUM,
                        "ALTER TABLE " + table + " DROP " + (column.isEmpty() ? "…" : column) + ": what it held is gone for good",
                        path, line));
                case ALTER, MODIFY, CHANGE -> findings.add(finding("lock", Severity.LOW, "ALTER TABLE " + table + " changes column "
                        + column + ": a type change rewrites the table under an exclusive lock", path, line));
                case RENAME, RENAME_TABLE, RENAME_INDEX, RENAME_KEY, RENAME_CONSTRAINT -> findings.add(finding("compatibility", Severity.LOW,
                        "ALTER TABLE " + table + " renames: code still using the old name breaks the moment it runs", path, line));
                case ADD -> {
                    if (text.contains("NOT NULL") && !text.contains("DEFAULT") && e.getColDataTypeList() != null) {
                        findings.add(finding("lock", Severity.LOW, "ALTER TABLE " + table + " adds NOT NULL column " + column
                                + " without a default: fails on rows already there (or rewrites the table)", path, line));
                    }
                    if ((text.contains("FOREIGN KEY") || text.contains("CHECK")) && !text.contains("NOT VALID")) {
                        findings.add(finding("lock", Severity.LOW, "ALTER TABLE " + table + " adds a constraint checked against every"
                                + " row while holding a lock (PostgreSQL: NOT VALID, then VALIDATE CONSTRAINT, avoids it)", path, line));
                    }
                }
                default -> {
                }
            }
        }
    }

    private static Finding finding(String rule, Severity severity, String message, String path, Integer line) {
        return Finding.newBuilder().setCheck(CHECK_PREFIX + rule).setSeverity(severity).setMessage(message).setPath(path)
                .setLine(line).build();
    }
}
