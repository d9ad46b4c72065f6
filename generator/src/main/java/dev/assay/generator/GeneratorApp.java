package dev.assay.generator;

import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import dev.assay.runtime.ServiceContext;
import dev.assay.runtime.ServiceLauncher;
import dev.assay.runtime.StageLoop;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/** The generator service: assembled contexts and fix requests in, generations out. */
public final class GeneratorApp {
    private GeneratorApp() {
    }

    /** Builds the service from its context; config keys are documented on {@link GeneratorConfig}. */
    public static AssayService create(ServiceContext ctx) {
        GeneratorConfig config = GeneratorConfig.from(ctx.config());
        ModelProvider provider = providerFor(config, ctx.config(), ctx.meters());
        Generator generator = new Generator(ctx.topics(), provider,
                new PromptBuilder(config.promptVersion(), config),
                new CompletionParser(config.maxOutputChars(), config.maxFiles()), Clock.systemUTC(), ctx.meters(),
                TokenBudgets.from(config, Clock.systemUTC(), ctx.meters()), config::candidatesFor);
        StageLoop loop = StageLoop.builder(ctx.settings(), ctx.topics(), ctx.meters())
                .on(ctx.topics().contexts(), generator::onContext)
                .on(ctx.topics().fixRequests(), generator::onFixRequest)
                .maxPollRecords(config.maxInFlight())
                .build();
        return new ProviderClosingService(loop, provider);
    }

    /** The stage loop, plus closing the provider's HTTP client once the loop has stopped. */
    private record ProviderClosingService(AssayService loop, ModelProvider provider) implements AssayService {
        @Override
        public String name() {
            return loop.name();
        }

        @Override
        public void start() {
            loop.start();
        }

        @Override
        public void stop() {
            try {
                loop.stop();
            } finally {
                provider.close();
            }
        }

        @Override
        public boolean isAlive() {
            return loop.isAlive();
        }

        @Override
        public boolean isReady() {
            return loop.isReady();
        }
    }

    /**
     * The provider named by {@code generator.provider}; network providers read {@link ProviderSettings}. With
     * {@code generator.record.dir} it is wrapped in a {@link RecordingProvider}, outside the retries, so each recording
     * is the answer the generation got.
     */
    static ModelProvider providerFor(GeneratorConfig config, AssayConfig raw, MeterRegistry meters) {
        ModelProvider provider = switch (config.provider()) {
            case ScriptedProvider.NAME -> new ScriptedProvider(config.scriptedDir());
            case ReplayProvider.NAME -> new ReplayProvider(config.replayDir());
            case OpenAiModel.NAME -> {
                ProviderSettings settings = ProviderSettings.from(raw);
                yield new ResilientProvider(new OpenAiModel(settings, config.structuredOutput()), settings, meters);
            }
            case AnthropicModel.NAME -> {
                ProviderSettings settings = ProviderSettings.from(raw);
                yield new ResilientProvider(new AnthropicModel(settings, config.structuredOutput()), settings, meters);
            }
            default -> throw new IllegalArgumentException("setting generator.provider has an unknown value '" + config.provider()
                    + "' (supported: scripted, openai, anthropic, replay)");
        };
        return config.recordDir() == null ? provider : new RecordingProvider(provider, config.recordDir());
    }

    public static void main(String[] args) {
        ServiceLauncher.run(Generator.SERVICE, args, GeneratorApp::create);
    }
}
