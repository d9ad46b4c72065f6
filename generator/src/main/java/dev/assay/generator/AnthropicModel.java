package dev.assay.generator;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.AnthropicException;
import com.anthropic.errors.AnthropicInvalidDataException;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicRetryableException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlock;
import java.time.Clock;
import java.util.stream.Collectors;

/** Anthropic Messages API through the official SDK ({@code com.anthropic:anthropic-java}). One attempt per call: the SDK's retries are off. */
public final class AnthropicModel implements RemoteModel {
    public static final String NAME = "anthropic";

    private final AnthropicClient client;
    private final String model;

    public AnthropicModel(ProviderSettings settings) {
        AnthropicOkHttpClient.Builder builder = AnthropicOkHttpClient.builder().apiKey(settings.apiKey().value())
                .maxRetries(0).timeout(settings.timeout());
        if (settings.baseUrl() != null) {
            builder.baseUrl(settings.baseUrl());
        }
        this.client = builder.build();
        this.model = settings.model();
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
        MessageCreateParams params = MessageCreateParams.builder().model(model).maxTokens(prompt.maxOutputTokens())
                .system(prompt.system()).addUserMessage(prompt.user()).build();
        Message message;
        try {
            message = client.messages().create(params);
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
            return new Completion(text, (int) message.usage().inputTokens(), (int) message.usage().outputTokens(),
                    message.model().asString());
        } catch (AnthropicInvalidDataException e) {
            throw ProviderCallException.fatal(NAME + " sent a malformed response", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

}
