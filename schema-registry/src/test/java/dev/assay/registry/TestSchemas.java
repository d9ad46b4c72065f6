package dev.assay.registry;

/** Avro schemas the tests evolve: v2 adds a field with a default (backward compatible), BREAKING one without. */
final class TestSchemas {
    static final String USER_V1 = """
            {"type":"record","name":"User","namespace":"t","fields":[{"name":"name","type":"string"}]}""";
    static final String USER_V2 = """
            {"type":"record","name":"User","namespace":"t","fields":[{"name":"name","type":"string"},
             {"name":"age","type":"int","default":0}]}""";
    static final String USER_BREAKING = """
            {"type":"record","name":"User","namespace":"t","fields":[{"name":"name","type":"string"},
             {"name":"email","type":"string"}]}""";
    static final String ORDER = """
            {"type":"record","name":"Order","namespace":"t","fields":[{"name":"total","type":"long"}]}""";

    private TestSchemas() {
    }
}
