package dev.assay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.Language;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Parsing, usage errors and request building, without Kafka. */
class AssayCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        return AssayCli.commandLine(new AssayCli().withEnvironment(env))
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void missingConnectionSettingsAreAUsageErrorThatSaysWhatToSet() {
        assertThat(run(Map.of(), "status", "r1")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--bootstrap-servers", "ASSAY_KAFKA_BOOTSTRAP_SERVERS", "./assay up");
    }

    @Test
    void unknownOptionsAndMissingArgumentsAreUsageErrors() {
        assertThat(run(Map.of(), "watch")).isEqualTo(ExitCodes.USAGE);
        assertThat(run(Map.of(), "reject", "r1")).as("reject needs --reason").isEqualTo(ExitCodes.USAGE);
        assertThat(run(Map.of(), "submit", "--kind", "SPACESHIP")).isEqualTo(ExitCodes.USAGE);
        assertThat(run(Map.of(), "--output", "yaml", "approvals")).isEqualTo(ExitCodes.USAGE);
        assertThat(run(Map.of(), "dlq")).as("a group needs its subcommand").isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out.toString()).contains("submit", "watch", "status", "approvals", "approve", "reject", "audit", "dlq",
                "4  timeout waiting for an outcome");
    }

    @Test
    void connectionComesFromTheConfigFileUnderFlags(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "kafka.bootstrap.servers=file:9092\nregistry.url=http://file:8081\nkafka.security.protocol=SASL_SSL\n");
        AssayCli cli = new AssayCli().withEnvironment(Map.of("ASSAY_REGISTRY_URL", "http://env:8081"));
        new CommandLine(cli).parseArgs("--config", file.toString(), "--bootstrap-servers", "flag:9092", "approvals");

        AssayCli.CliContext ctx = cli.context();

        assertThat(ctx.kafkaProps()).containsEntry("bootstrap.servers", "flag:9092").containsEntry("security.protocol", "SASL_SSL");
        assertThat(ctx.settings().registryUrl()).isEqualTo("http://env:8081");
    }

    @Test
    void flagsBuildTheSameRequestAFileWould(@TempDir Path dir) throws Exception {
        Path test = Files.writeString(dir.resolve("test_x.py"), "def test_x():\n    assert True\n");
        SubmitCommand submit = new SubmitCommand();
        new CommandLine(submit).parseArgs("--id", "r1", "--task", "write x", "--language", "PYTHON", "--kind", "DB_QUERY",
                "--file", test.toString(), "--target", "x.py", "--max-attempts", "2", "--candidates", "3");

        AssayRequest request = submit.requests().getFirst();

        assertThat(request.getRequestId()).isEqualTo("r1");
        assertThat(request.getLanguage()).isEqualTo(Language.PYTHON);
        assertThat(request.getArtifactKind()).isEqualTo(ArtifactKind.DB_QUERY);
        assertThat(request.getMaxAttempts()).isEqualTo(2);
        assertThat(request.getCandidates()).isEqualTo(3);
        assertThat(request.getTargetPaths()).containsExactly("x.py");
        assertThat(request.getFiles()).singleElement().satisfies(f -> {
            assertThat(f.getPath()).as("an absolute path becomes the file's name").isEqualTo("test_x.py");
            assertThat(f.getContent()).contains("def test_x");
        });
    }

    @Test
    void localPathsStayInsideTheRequest() {
        assertThat(SubmitCommand.requestPath(Path.of("src/./app/x.py"))).isEqualTo("src/app/x.py");
        assertThat(SubmitCommand.requestPath(Path.of("../secret/x.py"))).isEqualTo("x.py");
        assertThat(SubmitCommand.requestPath(Path.of("/etc/passwd"))).isEqualTo("passwd");
    }

    @Test
    void requestFilesAndFlagsDoNotMix() {
        SubmitCommand submit = new SubmitCommand();
        new CommandLine(submit).parseArgs("req.json", "--task", "x");
        org.assertj.core.api.Assertions.assertThatThrownBy(submit::requests).hasMessageContaining("not both");
    }

    @Test
    void terminalWidthFallsBackWhenColumnsIsUnusable() {
        assertThat(WatchCommand.parseWidth("90")).isEqualTo(90);
        assertThat(WatchCommand.parseWidth("wide")).isEqualTo(120);
        assertThat(WatchCommand.parseWidth(null)).isEqualTo(120);
        assertThat(List.of(WatchCommand.onTerminal())).as("tests run without a terminal").containsExactly(false);
    }
}
