package dev.assay.generator;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIRetryableException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import java.time.Clock;

/**
 * OpenAI Chat Completions through the official SDK ({@code com.openai:openai-java}); with {@code generator.base.url}
 * it talks to any OpenAI-compatible server. One attempt per call: the SDK's retries are off.
 */
public final class OpenAiModel implements RemoteModel {
    public static final String NAME = "openai";
    private static final int MAX_QUOTED = 200;
    private static final ResponseFormatJsonSchema.JsonSchema RESPONSE_SCHEMA = responseSchema();

    private final OpenAIClient client;
    private final String model;
    private final boolean structured;

    /**
     * @param structured ask for a strict {@code response_format} json_schema of {@link StructuredOutput} instead of
     *     fenced blocks; local OpenAI-compatible servers may not support it
     */
    public OpenAiModel(ProviderSettings settings, boolean structured) {
        OpenAIOkHttpClient.Builder builder = OpenAIOkHttpClient.builder().apiKey(settings.apiKey().value())
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
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(model)
                .addSystemMessage(prompt.system()).addUserMessage(prompt.user())
                .maxCompletionTokens(prompt.maxOutputTokens());
        if (structured) {
            params.jsonSchemaResponseFormat(RESPONSE_SCHEMA);
        }
        ChatCompletion completion;
        try {
            completion = client.chat().completions().create(params.build());
        } catch (OpenAIServiceException e) {
            String code = e.code().or(e::type).map(c -> " (" + c + ")").orElse("");
            String message = NAME + " answered HTTP " + e.statusCode() + code;
            if (ProviderCallException.retryableStatus(e.statusCode())) {
                throw ProviderCallException.retryable(message,
                        RetryAfter.parse(name -> e.headers().values(name), Clock.systemUTC()).orElse(null), e);
            }
            throw ProviderCallException.fatal(message, e);
        } catch (OpenAIIoException | OpenAIRetryableException e) {
            throw ProviderCallException.retryable(NAME + " call failed: timeout or connection error", null, e);
        } catch (OpenAIInvalidDataException e) {
            throw ProviderCallException.fatal(NAME + " sent a malformed response", e);
        } catch (OpenAIException e) {
            throw ProviderCallException.fatal(NAME + " call failed: " + e.getClass().getSimpleName(), e);
        }
        return toCompletion(completion);
    }

    private Completion toCompletion(ChatCompletion completion) {
        try {
            if (completion.choices().isEmpty()) {
                throw ProviderCallException.fatal(NAME + " answered without choices", null);
            }
            ChatCompletionMessage message = completion.choices().getFirst().message();
            if (message.refusal().isPresent()) {
                throw ProviderCallException.fatal("the model refused: " + quote(message.refusal().get()), null);
            }
            int in = completion.usage().map(u -> (int) u.promptTokens()).orElse(0);
            int out = completion.usage().map(u -> (int) u.completionTokens()).orElse(0);
            return new Completion(message.content().orElse(""), in, out, completion.model(),
                    structured ? Completion.Format.FILES_JSON : Completion.Format.MARKDOWN);
        } catch (OpenAIInvalidDataException e) {
            // The SDK validates fields lazily: a missing required field surfaces here.
            throw ProviderCallException.fatal(NAME + " sent a malformed response", e);
        }
    }

    private static ResponseFormatJsonSchema.JsonSchema responseSchema() {
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder schema = ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        StructuredOutput.SCHEMA.forEach((k, v) -> schema.putAdditionalProperty(k, JsonValue.from(v)));
        return ResponseFormatJsonSchema.JsonSchema.builder().name(StructuredOutput.TOOL)
                .description(StructuredOutput.DESCRIPTION).strict(true).schema(schema.build()).build();
    }

    @Override
    public void close() {
        client.close();
    }

    static String quote(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() > MAX_QUOTED ? oneLine.substring(0, MAX_QUOTED) + "…" : oneLine;
    }
}
