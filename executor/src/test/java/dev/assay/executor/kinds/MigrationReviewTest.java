package dev.assay.executor.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.Finding;
import dev.assay.avro.KindSignal;
import dev.assay.avro.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationReviewTest {
    private static final String PATH = "db/migration/V7__reshape_orders.sql";

    private static List<Finding> review(String sql) {
        Map<String, String> files = Map.of(PATH, sql);
        return MigrationReview.review(files, KindInference.infer(files));
    }

    @Test
    void destructiveStatementsAreNamedWithTheirLines() {
        List<Finding> findings = review("""
                -- reshape
                DROP TABLE legacy_orders;
                TRUNCATE audit_log;
                DELETE FROM sessions;
                DELETE FROM sessions WHERE expires < now();
                UPDATE orders SET status = 'open';
                ALTER TABLE orders DROP COLUMN note;
                """);
        assertThat(findings).extracting(Finding::getCheck, Finding::getLine).containsExactly(
                org.assertj.core.groups.Tuple.tuple("migration/destructive", 2), org.assertj.core.groups.Tuple.tuple("migration/destructive", 3),
                org.assertj.core.groups.Tuple.tuple("migration/destructive", 4), org.assertj.core.groups.Tuple.tuple("migration/destructive", 6),
                org.assertj.core.groups.Tuple.tuple("migration/destructive", 7));
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.getSeverity()).as("it informs a person; it never fails the attempt").isEqualTo(Severity.MEDIUM);
            assertThat(f.getPath()).isEqualTo(PATH);
        });
        assertThat(findings.getFirst().getMessage()).startsWith("DROP TABLE legacy_orders deletes it");
        assertThat(findings.get(2).getMessage()).isEqualTo("DELETE FROM sessions without WHERE deletes every row");
    }

    @Test
    void locksRewritesAndRenamesAreNamedToo() {
        List<Finding> findings = review("""
                CREATE INDEX orders_by_customer ON orders (customer_id);
                CREATE INDEX CONCURRENTLY orders_by_date ON orders (created_at);
                ALTER TABLE orders ADD COLUMN region text NOT NULL;
                ALTER TABLE orders ADD COLUMN channel text NOT NULL DEFAULT 'web';
                ALTER TABLE orders RENAME COLUMN total TO amount;
                """);
        // JSqlParser 5.3 does not read CREATE INDEX CONCURRENTLY: the person is told to read that one.
        assertThat(findings).extracting(Finding::getCheck, Finding::getLine).containsExactly(
                org.assertj.core.groups.Tuple.tuple("migration/lock", 1), org.assertj.core.groups.Tuple.tuple("migration/lock", 3),
                org.assertj.core.groups.Tuple.tuple("migration/compatibility", 5), org.assertj.core.groups.Tuple.tuple("migration/unreviewed", 2));
        assertThat(findings).allSatisfy(f -> assertThat(f.getSeverity()).isEqualTo(Severity.LOW));
    }

    @Test
    void anAdditiveMigrationHasNothingToSay() {
        assertThat(review("CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric NOT NULL);\n")).isEmpty();
    }

    @Test
    void statementsTheParserCannotReadAreLeftToThePerson() {
        assertThat(review("CREATE TABLE t (id int);\nFROBNICATE t;\n")).singleElement().satisfies(f -> {
            assertThat(f.getCheck()).isEqualTo("migration/unreviewed");
            assertThat(f.getLine()).isEqualTo(2);
        });
    }

    @Test
    void statementsFoundInMigrationCodeAreReviewedAtTheirLine() {
        List<KindSignal> signals = List.of(new KindSignal(ArtifactKind.MIGRATION, "alembic/versions/a1.py", 12, "Alembic op.execute",
                "DROP TABLE legacy"));
        assertThat(MigrationReview.review(Map.of("alembic/versions/a1.py", "..."), signals)).singleElement().satisfies(f -> {
            assertThat(f.getCheck()).isEqualTo("migration/destructive");
            assertThat(f.getPath()).isEqualTo("alembic/versions/a1.py");
            assertThat(f.getLine()).isEqualTo(12);
        });
    }

    @Test
    void migrationCodeWithoutWrittenOutStatementsIsLeftToThePersonOncePerFile() {
        List<KindSignal> signals = List.of(
                new KindSignal(ArtifactKind.MIGRATION, "alembic/versions/a2.py", 9, "Alembic op.add_column", null),
                new KindSignal(ArtifactKind.MIGRATION, "alembic/versions/a2.py", 14, "Alembic op.drop_column", null));
        assertThat(MigrationReview.review(Map.of("alembic/versions/a2.py", "..."), signals)).singleElement().satisfies(f -> {
            assertThat(f.getCheck()).isEqualTo("migration/unreviewed");
            assertThat(f.getLine()).isEqualTo(9);
            assertThat(f.getMessage()).startsWith("migration code (Alembic op.add_column)");
        });
    }
}
