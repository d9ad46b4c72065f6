package dev.assay.generator;

import static dev.assay.generator.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assay.avro.Generation;
import dev.assay.avro.GenerationStatus;
import dev.assay.avro.SourceFile;
import dev.assay.generator.FakeModelServer.Reply;
import dev.assay.schemas.Topics;
import dev.assay.schemas.registry.InMemorySchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structured output: the request shapes sent to both providers (OpenAI json_schema, Anthropic forced tool), and the
 * parsing of their answers with the same safety rules as fenced blocks, against the local protocol servers.
 */
class StructuredOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeModelServer server = new FakeModelServer();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CompletionParser parser = new CompletionParser(10_000, 5);
    private final WritePolicy slugOnly = WritePolicy.forRequest(request().build());
    @TempDir
    Path dir;

    StructuredOutputTest() throws Exception {
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ProviderSettings settings(String baseUrl) {
        return new ProviderSettings("model-test", baseUrl, new ProviderSettings.ApiKey("k"), Duration.ofSeconds(10), 1,
                Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1), 50, 10, Duration.ofSeconds(30));
    }

    private Generation generate(RemoteModel model, ProviderSettings settings) {
        GeneratorConfig config = Fixtures.config(dir.toString());
        try (ResilientProvider provider = new ResilientProvider(model, settings, meters)) {
            Generator generator = new Generator(Topics.create("t.", new InMemorySchemaRegistryClient(), true), provider,
                    new PromptBuilder("v1", config), parser, Clock.systemUTC(), meters,
                    new TokenBudgets(0, 0, Duration.ofHours(1), Clock.systemUTC(), meters), config::candidatesFor);
            return (Generation) generator.onContext("req-1", Fixtures.context()).get(0).value();
        }
    }

    private static String filesJson(String path, String content) {
        return JSON.createObjectNode().set("files", JSON.createArrayNode().add(JSON.createObjectNode().put("path", path)
                .put("content", content))).toString();
    }

    private static String anthropicToolUse(String inputJson, String stopReason) {
        return """
                {"id":"msg_01","type":"message","role":"assistant","model":"claude-test-20260101",
                 "content":[{"type":"tool_use","id":"toolu_01","name":"write_files","input":%s}],
                 "stop_reason":"%s","stop_sequence":null,
                 "usage":{"input_tokens":200,"output_tokens":50,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}
                """.formatted(inputJson, stopReason);
    }

    @Test
    void openAiAsksForTheStrictFilesSchemaAndTheAnswerBecomesFiles() throws Exception {
        server.then(Reply.json(200, OpenAiModelTest.completion(filesJson("slug.py", "def slugify(t):\n    return t\n"), null)));
        ProviderSettings settings = settings(server.url() + "/v1");

        Generation g = generate(new OpenAiModel(settings, true), settings);

        assertThat(g.getStatus()).isEqualTo(GenerationStatus.OK);
        assertThat(g.getFiles()).extracting(SourceFile::getPath, SourceFile::getContent)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("slug.py", "def slugify(t):\n    return t\n"));
        JsonNode format = JSON.readTree(server.requests().getFirst().body()).get("response_format");
        assertThat(format.get("type").asText()).isEqualTo("json_schema");
        assertThat(format.get("json_schema").get("name").asText()).isEqualTo("write_files");
        assertThat(format.get("json_schema").get("strict").asBoolean()).isTrue();
        JsonNode schema = format.get("json_schema").get("schema");
        assertThat(schema.get("required").get(0).asText()).isEqualTo("files");
        assertThat(schema.at("/properties/files/items/required").toString()).isEqualTo("[\"path\",\"content\"]");
    }

    @Test
    void withoutTheSettingOpenAiSendsNoResponseFormat() throws Exception {
        server.then(Reply.json(200, OpenAiModelTest.completion("```python path=slug.py\nX = 1\n```\n", null)));
        ProviderSettings settings = settings(server.url() + "/v1");

        Generation g = generate(new OpenAiModel(settings, false), settings);

        assertThat(g.getStatus()).isEqualTo(GenerationStatus.OK);
        assertThat(JSON.readTree(server.requests().getFirst().body()).has("response_format")).isFalse();
    }

    @Test
    void malformedJsonInTheStructuredAnswerFailsTheGeneration() {
        server.then(Reply.json(200, OpenAiModelTest.completion("{\"files\":[{\"path\":\"slug.py\",\"content\":\"X = 1", null)));
        ProviderSettings settings = settings(server.url() + "/v1");

        Generation g = generate(new OpenAiModel(settings, true), settings);

        assertThat(g.getStatus()).isEqualTo(GenerationStatus.FAILED);
        assertThat(g.getFailureReason()).startsWith("the structured answer is not valid JSON (line 1, column ");
        assertThat(g.getFiles()).isEmpty();
        assertThat(g.getTokensIn()).isEqualTo(321);
    }

    @Test
    void anUnsafePathInTheStructuredAnswerFailsLikeInAFencedBlock() {
        server.then(Reply.json(200, OpenAiModelTest.completion(filesJson("../../etc/cron.d/x", "* * * * * root sh\n"), null)));
        ProviderSettings settings = settings(server.url() + "/v1");

        Generation g = generate(new OpenAiModel(settings, true), settings);

        assertThat(g.getStatus()).isEqualTo(GenerationStatus.FAILED);
        assertThat(g.getFailureReason()).isEqualTo("unsafe path '../../etc/cron.d/x': contains '..'");
    }

    @Test
    void anthropicForcesTheWriteFilesToolAndItsInputBecomesFiles() throws Exception {
        server.then(Reply.json(200, anthropicToolUse(filesJson("slug.py", "X = 1\n"), "tool_use")));
        ProviderSettings settings = settings(server.url());

        Generation g = generate(new AnthropicModel(settings, true), settings);

        assertThat(g.getStatus()).isEqualTo(GenerationStatus.OK);
        assertThat(g.getFiles()).extracting(SourceFile::getContent).containsExactly("X = 1\n");
        assertThat(g.getTokensIn()).isEqualTo(200);
        JsonNode body = JSON.readTree(server.requests().getFirst().body());
        assertThat(body.at("/tool_choice/type").asText()).isEqualTo("tool");
        assertThat(body.at("/tool_choice/name").asText()).isEqualTo("write_files");
        assertThat(body.at("/tools/0/name").asText()).isEqualTo("write_files");
        assertThat(body.at("/tools/0/input_schema/type").asText()).isEqualTo("object");
        assertThat(body.at("/tools/0/input_schema/required/0").asText()).isEqualTo("files");
        assertThat(body.at("/tools/0/input_schema/properties/files/items/required").toString()).isEqualTo("[\"path\",\"content\"]");
    }

    @Test
    void anthropicToolInputOfTheWrongShapeFailsTheGeneration() {
        server.then(Reply.json(200, anthropicToolUse("{\"files\":[{\"path\":\"slug.py\",\"content\":42}]}", "tool_use")));
        ProviderSettings settings = settings(server.url());

        Generation g = generate(new AnthropicModel(settings, true), settings);

        assertThat(g.getStatus()).isEqualTo(GenerationStatus.FAILED);
        assertThat(g.getFailureReason()).isEqualTo("file 0 of the structured answer lacks a string \"path\" or \"content\"");
    }

    @Test
    void anthropicWithoutTheToolCallOrTruncatedFails() {
        server.then(Reply.json(200, AnthropicModelTest.message("end_turn", "```python path=slug.py\nX = 1\n```")));
        server.then(Reply.json(200, anthropicToolUse("{\"files\":[]}", "max_tokens")));
        ProviderSettings settings = settings(server.url());

        Generation noCall = generate(new AnthropicModel(settings, true), settings);
        Generation truncated = generate(new AnthropicModel(settings, true), settings);

        assertThat(noCall.getFailureReason()).isEqualTo("anthropic answered without the write_files tool call");
        assertThat(truncated.getFailureReason()).isEqualTo("anthropic stopped at the token limit inside the write_files call (output truncated)");
    }

    @Test
    void parserChecksTheStructuredShapeCountAndPolicy() {
        assertThat(failure(parser.parseStructured("[1,2]", slugOnly))).isEqualTo("the structured answer has no \"files\" array");
        assertThat(failure(parser.parseStructured("{\"files\":[]}", slugOnly))).isEqualTo("the structured answer writes no file");
        assertThat(failure(parser.parseStructured(filesJson("other.py", "X = 1\n"), slugOnly))).contains("other.py");
        assertThat(failure(parser.parseStructured(filesJson("test_slug.py", "def test_x(): pass\n"), slugOnly)))
                .contains("test_slug.py");
        String twice = "{\"files\":[{\"path\":\"slug.py\",\"content\":\"a\"},{\"path\":\"slug.py\",\"content\":\"b\"}]}";
        assertThat(failure(parser.parseStructured(twice, slugOnly))).isEqualTo("path 'slug.py' is written twice");
        assertThat(failure(new CompletionParser(20, 5).parseStructured(filesJson("slug.py", "X = 1\n"), slugOnly)))
                .contains("more than the cap of 20");
        assertThat(parser.parse(new Completion(filesJson("slug.py", "X = 1\n"), 1, 1, "m", Completion.Format.FILES_JSON), slugOnly))
                .isInstanceOf(CompletionParser.Result.Parsed.class);
    }

    private static String failure(CompletionParser.Result result) {
        assertThat(result).isInstanceOf(CompletionParser.Result.Failed.class);
        return ((CompletionParser.Result.Failed) result).reason();
    }

    @Test
    void structuredPromptsAskForJsonAndRecordTheirOwnVersion() {
        GeneratorConfig config = GeneratorConfig.from(dev.assay.runtime.AssayConfig.of(java.util.Map.of(
                "generator.scripted.dir", dir.toString(), "generator.structured.output", "true")));

        Prompt prompt = new PromptBuilder("v1", config).initial(Fixtures.context());

        assertThat(prompt.templateVersion()).isEqualTo("v1-structured");
        assertThat(prompt.system()).contains("{\"files\": [{\"path\"", "without markdown fences").doesNotContain("path=");
        assertThat(new PromptBuilder("v1", Fixtures.config(dir.toString())).initial(Fixtures.context()).system()).contains("path=");
    }

    @Test
    void configKeyDefaultsToOff() {
        assertThat(Fixtures.config(dir.toString()).structuredOutput()).isFalse();
        assertThat(GeneratorConfig.from(dev.assay.runtime.AssayConfig.of(java.util.Map.of("generator.scripted.dir", "/x",
                "generator.structured.output", "true"))).structuredOutput()).isTrue();
    }
}
