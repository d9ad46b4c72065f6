package dev.assay.assembler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.avro.Language;
import dev.assay.runtime.AssayConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssemblerConfigTest {

    @Test
    void defaultsSupportAllRunnableLanguages() {
        AssemblerConfig config = AssemblerConfig.defaults();
        assertThat(config.languages()).containsExactlyInAnyOrder(Language.PYTHON, Language.JAVA, Language.JAVASCRIPT);
        assertThat(config.maxFiles()).isEqualTo(200);
        assertThat(config.minTokenBudget()).isLessThan(config.maxTokenBudget());
        assertThat(config.relevanceScorer()).isInstanceOf(Bm25Scorer.class);
        assertThat(AssemblerConfig.from(AssayConfig.of(Map.of("assembler.relevance", "overlap"))).relevanceScorer())
                .isInstanceOf(TermOverlapScorer.class);
    }

    @Test
    void rejectsInvertedBudgetBoundsAndUnknownLanguages() {
        assertThatThrownBy(() -> AssemblerConfig.from(AssayConfig.of(Map.of("assembler.token.budget.min", "9000",
                "assembler.token.budget.max", "100")))).hasMessageContaining("assembler.token.budget.min");
        assertThatThrownBy(() -> AssemblerConfig.from(AssayConfig.of(Map.of("assembler.languages", "cobol"))))
                .hasMessageContaining("cobol");
        assertThatThrownBy(() -> AssemblerConfig.from(AssayConfig.of(Map.of("assembler.max.files", "many"))))
                .hasMessageContaining("assembler.max.files");
    }
}
