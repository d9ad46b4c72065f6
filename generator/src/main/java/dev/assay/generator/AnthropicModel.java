package dev.assay.generator;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.ObjectMappers;
import com.anthropic.errors.AnthropicException;
import com.anthropic.errors.AnthropicInvalidDataException;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicRetryableException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlock;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceTool;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Clock;
import java.util.stream.Collectors;

/** Anthropic Messages API through the official SDK ({@code com.anthropic:anthropic-java}). One attempt per call: the SDK's retries are off. */
public final class AnthropicModel implements RemoteModel {
    public static final String NAME = "anthropic";
    private static final Tool WRITE_FILES = writeFilesTool();

    private final AnthropicClient client;
    private final String model;
    private final boolean structured;

    /** @param structured answer through a forced {@value StructuredOutput#TOOL} tool call instead of fenced blocks */
    public AnthropicModel(ProviderSettings settings, boolean structured) {
        AnthropicOkHttpClient.Builder builder = AnthropicOkHttpClient.builder().apiKey(settings.apiKey().value())
                .maxRetries(0).timeout(settings.timeout());
        if (settings.baseUrl() != null) {
            builder.baseUrl(settings.baseUrl());
        }
        this.client = builder.build();
        this.model = settings.model();
        this.structured = structured;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public Completion call(Prompt prompt) {
        MessageCreateParams.Builder params = MessageCreateParams.builder().model(model).maxTokens(prompt.maxOutputTokens())
                .system(prompt.system()).addUserMessage(prompt.user());
        if (structured) {
            params.addTool(WRITE_FILES).toolChoice(ToolChoiceTool.builder().name(StructuredOutput.TOOL).build());
        }
        Message message;
        try {
            message = client.messages().create(params.build());
        } catch (AnthropicServiceException e) {
            String failure = NAME + " answered HTTP " + e.statusCode();
            if (ProviderCallException.retryableStatus(e.statusCode())) {
                throw ProviderCallException.retryable(failure,
                        RetryAfter.parse(name -> e.headers().values(name), Clock.systemUTC()).orElse(null), e);
            }
            throw ProviderCallException.fatal(failure, e);
        } catch (AnthropicIoException | AnthropicRetryableException e) {
            throw ProviderCallException.retryable(NAME + " call failed: timeout or connection error", null, e);
        } catch (AnthropicInvalidDataException e) {
            throw ProviderCallException.fatal(NAME + " sent a malformed response", e);
        } catch (AnthropicException e) {
            throw ProviderCallException.fatal(NAME + " call failed: " + e.getClass().getSimpleName(), e);
        }
        try {
            String text = message.content().stream().flatMap(b -> b.text().stream()).map(TextBlock::text)
                    .collect(Collectors.joining());
            if (message.stopReason().filter(StopReason.REFUSAL::equals).isPresent()) {
                throw ProviderCallException.fatal("the model refused" + (text.isBlank() ? "" : ": " + OpenAiModel.quote(text)), null);
            }
            int in = (int) message.usage().inputTokens();
            int out = (int) message.usage().outputTokens();
            if (structured) {
                return new Completion(toolInput(message), in, out, message.model().asString(), Completion.Format.FILES_JSON);
            }
            return new Completion(text, in, out, message.model().asString());
        } catch (AnthropicInvalidDataException e) {
            throw ProviderCallException.fatal(NAME + " sent a malformed response", e);
        }
    }

    /** The forced tool call's input as JSON text, for {@link CompletionParser#parseStructured}. */
    private static String toolInput(Message message) {
        if (message.stopReason().filter(StopReason.MAX_TOKENS::equals).isPresent()) {
            throw ProviderCallException.fatal(NAME + " stopped at the token limit inside the " + StructuredOutput.TOOL
                    + " call (output truncated)", null);
        }
        ToolUseBlock call = message.content().stream().flatMap(b -> b.toolUse().stream())
                .filter(t -> t.name().equals(StructuredOutput.TOOL)).findFirst()
                .orElseThrow(() -> ProviderCallException.fatal(NAME + " answered without the " + StructuredOutput.TOOL
                        + " tool call", null));
        try {
            return ObjectMappers.jsonMapper().writeValueAsString(call._input());
        } catch (JsonProcessingException e) {
            throw ProviderCallException.fatal(NAME + " sent a tool input that cannot be written as JSON", e);
        }
    }

    private static Tool writeFilesTool() {
        Tool.InputSchema.Properties.Builder properties = Tool.InputSchema.Properties.builder();
        properties.putAdditionalProperty("files", JsonValue.from(StructuredOutput.FILES));
        return Tool.builder().name(StructuredOutput.TOOL).description(StructuredOutput.DESCRIPTION)
                .inputSchema(Tool.InputSchema.builder().properties(properties.build()).addRequired("files").build()).build();
    }

    @Override
    public void close() {
        client.close();
    }

}
