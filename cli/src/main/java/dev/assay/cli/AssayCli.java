package dev.assay.cli;

import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.CommonSettings;
import dev.assay.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code assay}: submit requests, follow them, decide gated ones and inspect the audit and dead-letter topics — against
 * any Kafka cluster and schema registry, reading and writing the same topics as the services.
 */
@Command(name = "assay", mixinStandardHelpOptions = true, version = "assay 0.1.0",
        subcommands = {SubmitCommand.class, WatchCommand.class, StatusCommand.class, ApprovalsCommand.class,
                DecisionCommand.Approve.class, DecisionCommand.Reject.class, AuditCommand.class, DlqCommand.class},
        description = "Assay's command-line client: submit code requests, watch them through the pipeline, decide the gated ones.",
        footer = ExitCodes.HELP)
public final class AssayCli {

    /** How results are printed. */
    public enum Output { text, json }

    @Option(names = "--bootstrap-servers", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: kafka.bootstrap.servers from --config, ASSAY_KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--registry-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Schema registry URL (default: registry.url from --config, ASSAY_REGISTRY_URL).")
    String registryUrl;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Properties file with the services' keys: kafka.* (security.protocol, sasl.*, ssl.*), registry.url, topic.prefix.")
    Path configFile;

    @Option(names = "--output", scope = ScopeType.INHERIT, defaultValue = "text", paramLabel = "text|json",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Output output;

    private Map<String, String> environment = System.getenv();
    private CliContext context;

    public static void main(String[] args) {
        System.exit(commandLine(new AssayCli()).execute(args));
    }

    /** The configured command line: exit codes for errors, messages instead of stack traces. */
    public static CommandLine commandLine(AssayCli cli) {
        CommandLine cmd = new CommandLine(cli);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("assay: " + describe(e));
            if (Boolean.getBoolean("assay.cli.debug")) {
                e.printStackTrace(err);
            }
            err.flush();
            return e instanceof IllegalArgumentException ? ExitCodes.USAGE : ExitCodes.ERROR;
        });
        return cmd;
    }

    /** Environment variables seen by the config (tests replace them). */
    AssayCli withEnvironment(Map<String, String> env) {
        this.environment = Map.copyOf(env);
        return this;
    }

    /** An environment variable as the CLI sees it. */
    String env(String name) {
        return environment.get(name);
    }

    /** Connection settings and topics, resolved once: file < environment < -Dassay.* < flags. */
    CliContext context() {
        if (context == null) {
            Map<String, String> env = new HashMap<>(environment);
            if (configFile != null) {
                env.put("ASSAY_CONFIG_FILE", configFile.toString());
            }
            AssayConfig config = AssayConfig.load(new String[0], env, System.getProperties());
            Map<String, String> flags = new HashMap<>();
            if (bootstrapServers != null) {
                flags.put("kafka.bootstrap.servers", bootstrapServers);
            }
            if (registryUrl != null) {
                flags.put("registry.url", registryUrl);
            }
            config = config.with(flags);
            if (config.find("kafka.bootstrap.servers").isEmpty() || config.find("registry.url").isEmpty()) {
                throw new IllegalArgumentException("say where Kafka and the schema registry are: --bootstrap-servers and "
                        + "--registry-url, a --config file, or ASSAY_KAFKA_BOOTSTRAP_SERVERS and ASSAY_REGISTRY_URL "
                        + "(./assay up prints them)");
            }
            CommonSettings settings = CommonSettings.from("cli", config);
            context = new CliContext(config, settings, settings.topics(), output);
        }
        return context;
    }

    /** What the user needs to know about a failure, without a stack trace. */
    static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !out.toString().contains(c.getMessage())) {
                out.append(": ").append(c.getMessage());
            }
        }
        return out.toString();
    }

    /**
     * Resolved settings for one invocation.
     *
     * @param config   the resolved config
     * @param settings Kafka and registry settings (security included)
     * @param topics   the topic catalogue
     * @param output   text or json
     */
    record CliContext(AssayConfig config, CommonSettings settings, Topics topics, Output output) {
        Map<String, Object> kafkaProps() {
            return settings.kafkaClientProperties();
        }

        boolean json() {
            return output == Output.json;
        }
    }
}
