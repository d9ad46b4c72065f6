package dev.assay.assembler;

import static dev.assay.assembler.Requests.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.SourceFile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Bm25ScorerTest {
    private final Bm25Scorer scorer = new Bm25Scorer();

    private static final List<SourceFile> FILES = List.of(
            file("billing/invoice.py", "def total_amount(invoice):\n    return sum(line.amount for line in invoice.lines)\n"),
            file("billing/tax.py", "def apply_vat(amount, rate):\n    return amount * (1 + rate)\n"),
            file("util/strings.py", "def slugify(text):\n    return text.lower()\n"),
            file("util/common.py", "def get(value):\n    return value  # value value value\n"));

    @Test
    void ranksFilesSharingRareTaskTermsFirstAndNormalisesToOne() {
        Map<String, Double> scores = scorer.index(FILES).score("Add VAT to the invoice total amount");

        assertThat(scores.values()).allSatisfy(s -> assertThat(s).isBetween(0.0, 1.0));
        assertThat(scores.values()).contains(1.0);
        assertThat(scores.get("billing/invoice.py")).isGreaterThan(scores.get("util/strings.py"));
        assertThat(scores.get("billing/tax.py")).isGreaterThan(scores.get("util/common.py"));
        assertThat(scores.get("util/strings.py")).isZero();
    }

    @Test
    void splitsIdentifiersSoCamelCaseMatchesWords() {
        List<SourceFile> files = List.of(file("A.java", "class A { int parseDate(String s) { return 0; } }"), file("B.java", "class B {}"));

        Map<String, Double> scores = scorer.index(files).score("fix the date parsing in parse date");

        assertThat(scores.get("A.java")).isEqualTo(1.0);
        assertThat(scores.get("B.java")).isZero();
    }

    @Test
    void oneIndexScoresManyTasks() {
        RelevanceScorer.Index index = scorer.index(FILES);

        assertThat(index.score("slugify the text").get("util/strings.py")).isEqualTo(1.0);
        assertThat(index.score("apply VAT").get("billing/tax.py")).isEqualTo(1.0);
    }

    @Test
    void aTaskWithoutUsableTermsScoresEverythingZero() {
        assertThat(scorer.index(FILES).score("do it").values()).containsOnly(0.0);
        assertThat(scorer.index(List.of()).score("anything")).isEmpty();
    }
}
