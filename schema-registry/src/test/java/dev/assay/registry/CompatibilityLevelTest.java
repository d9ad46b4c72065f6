package dev.assay.registry;

import static dev.assay.registry.TestSchemas.USER_BREAKING;
import static dev.assay.registry.TestSchemas.USER_V1;
import static dev.assay.registry.TestSchemas.USER_V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {
    private static final Schema V1 = new Schema.Parser().parse(USER_V1);
    private static final Schema V2 = new Schema.Parser().parse(USER_V2);
    private static final Schema BREAKING = new Schema.Parser().parse(USER_BREAKING);
    /** Drops "name": readable by nothing that requires it, but can read V1 data. */
    private static final Schema EMPTY = new Schema.Parser().parse("""
            {"type":"record","name":"User","namespace":"t","fields":[]}""");

    @Test
    void backwardAcceptsAFieldWithADefaultAndRefusesOneWithout() {
        assertThat(CompatibilityLevel.BACKWARD.incompatibilities(V2, List.of(V1))).isEmpty();
        assertThat(CompatibilityLevel.BACKWARD.incompatibilities(BREAKING, List.of(V1)))
                .singleElement().asString().contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("email");
    }

    @Test
    void forwardChecksTheOtherDirection() {
        // Old readers can read new data that merely lacks nothing they need...
        assertThat(CompatibilityLevel.FORWARD.incompatibilities(BREAKING, List.of(V1))).isEmpty();
        // ...but not data without the field they require.
        assertThat(CompatibilityLevel.FORWARD.incompatibilities(EMPTY, List.of(V1))).isNotEmpty();
        assertThat(CompatibilityLevel.BACKWARD.incompatibilities(EMPTY, List.of(V1))).isEmpty();
    }

    @Test
    void fullNeedsBothDirections() {
        assertThat(CompatibilityLevel.FULL.incompatibilities(V2, List.of(V1))).isEmpty();
        assertThat(CompatibilityLevel.FULL.incompatibilities(BREAKING, List.of(V1))).isNotEmpty();
        assertThat(CompatibilityLevel.FULL.incompatibilities(EMPTY, List.of(V1))).isNotEmpty();
    }

    @Test
    void onlyTransitiveLevelsLookPastTheLatestVersion() {
        // The candidate requires "email" without a default: the latest version has it, the oldest (EMPTY) does not.
        Schema withEmailDefault = new Schema.Parser().parse("""
                {"type":"record","name":"User","namespace":"t","fields":[{"name":"email","type":"string","default":""}]}""");
        Schema candidate = new Schema.Parser().parse("""
                {"type":"record","name":"User","namespace":"t","fields":[{"name":"email","type":"string"}]}""");
        List<Schema> history = List.of(EMPTY, withEmailDefault);

        assertThat(CompatibilityLevel.BACKWARD.incompatibilities(candidate, history)).isEmpty();
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.incompatibilities(candidate, history)).isNotEmpty();
        assertThat(CompatibilityLevel.NONE.incompatibilities(candidate, List.of(EMPTY))).isEmpty();
    }

    @Test
    void parsesNamesCaseInsensitivelyAndRefusesOthersWithConfluentsCode() {
        assertThat(CompatibilityLevel.parse("full_transitive")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS")).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(42203));
        assertThatThrownBy(() -> CompatibilityLevel.parse(null)).isInstanceOf(RegistryException.class);
    }
}
