package dev.assay.assembler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.Redaction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretRedactorTest {
    private final SecretRedactor redactor = new SecretRedactor();

    // Fake credentials in the real formats; assembled at run time so this file does not trip secret scanners.
    private static final String AWS_ID = "AKIA" + "IOSFODNN7EXAMPLE";
    private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY";
    private static final String GITHUB = "ghp_" + "1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz";
    private static final String GITHUB_PAT = "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz";
    private static final String GITLAB = "glpat-" + "xY9zAbCdEf12GhIjKlMn";
    private static final String SLACK = "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
    private static final String STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc";
    private static final String OPENAI = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
    private static final String ANTHROPIC = "sk-ant-api03-" + "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe_dCbA";
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String GOOGLE = "AIza" + "SyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI";

    static Stream<Arguments> secrets() {
        return Stream.of(
                Arguments.of("config.py", "AWS_KEY_ID = '" + AWS_ID + "'\n", AWS_ID, "aws-access-key-id"),
                Arguments.of("settings.ini", "[aws]\naws_secret_access_key = " + AWS_SECRET + "\n", AWS_SECRET, "aws-secret-access-key"),
                Arguments.of("deploy.sh", "curl -H \"x: " + GITHUB + "\" https://api.github.com\n", GITHUB, "github-token"),
                Arguments.of("ci.yml", "token_value: " + GITHUB_PAT + "\n", GITHUB_PAT, "github-token"),
                Arguments.of("notes.txt", "use " + GITLAB + " for the registry\n", GITLAB, "gitlab-token"),
                Arguments.of("bot.js", "const client = new WebClient('" + SLACK + "');\n", SLACK, "slack-token"),
                Arguments.of("pay.rb", "Stripe.api_key = '" + STRIPE + "'\n", STRIPE, "stripe-key"),
                Arguments.of("llm.py", "client = OpenAI(api_key=\"" + OPENAI + "\")\n", OPENAI, "openai-key"),
                Arguments.of("llm2.py", "c = Anthropic(" + "\"" + ANTHROPIC + "\")\n", ANTHROPIC, "anthropic-key"),
                Arguments.of("auth_test.py", "TOKEN = \"" + JWT + "\"\n", JWT, "jwt"),
                Arguments.of("maps.js", "const key = \"" + GOOGLE + "\";\n", GOOGLE, "google-api-key"),
                Arguments.of("db.py", "engine = create_engine('postgresql://app:S3cr3t-pass@db.internal:5432/app')\n", "S3cr3t-pass", "url-password"),
                Arguments.of("app.properties", "spring.datasource.password=hunter2hunter2\n", "hunter2hunter2", "secret-assignment"),
                Arguments.of("values.yaml", "db:\n  password: \"Tr0ub4dor&3\"\n", "Tr0ub4dor&3", "secret-assignment"),
                Arguments.of("conf.json", "{\"client_secret\": \"a8f5f167f44f4964e6c998dee827110c\"}\n", "a8f5f167f44f4964e6c998dee827110c", "secret-assignment"),
                Arguments.of("Db.java", "String dbPassword = \"correct-Horse-7\";\n", "correct-Horse-7", "secret-assignment"),
                Arguments.of("settings.py", "SECRET_KEY = 'django-insecure-9x!k2@p'\n", "django-insecure-9x!k2@p", "secret-assignment"),
                Arguments.of(".env", "DATABASE_HOST=db.internal\n", "db.internal", "env-value"),
                Arguments.of("client.py", "session.headers['Authorization'] = 'Bearer abcDEF123456ghiJKL'\n", "abcDEF123456ghiJKL", "authorization-header"),
                Arguments.of("hub.py", "login(token='hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789')\n", "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "huggingface-token"),
                Arguments.of("mail.js", "sg.setApiKey('SG." + "abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq');\n",
                        "SG.abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq", "sendgrid-key"),
                Arguments.of("storage.cs", "var cs = \"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net\";\n",
                        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==", "azure-storage-key"),
                Arguments.of("sa.json", "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkq\\n-----END PRIVATE KEY-----\\n\"}\n",
                        "MIIEvQIBADANBgkq", "private-key"),
                Arguments.of("seed.py", "SEED = \"q8ZtR3vX9LmN2pK7wB4cJ6hY\"\n", "q8ZtR3vX9LmN2pK7wB4cJ6hY", "high-entropy-string"));
    }

    @ParameterizedTest(name = "{3} in {0}")
    @MethodSource("secrets")
    void redactsSecret(String path, String content, String secret, String kind) {
        SecretRedactor.Result result = redactor.redact(path, content);

        assertThat(result.content()).doesNotContain(secret).contains("[REDACTED:" + kind + "]");
        assertThat(result.redactions()).extracting(Redaction::getKind).contains(kind);
        assertThat(result.redactions()).allSatisfy(r -> assertThat(r.getPath()).isEqualTo(path));
        assertThat(result.redactions().toString()).doesNotContain(secret);
    }

    @Test
    void redactsWholePemPrivateKeyBlocksAndKeepsLineNumbersOfLaterSecrets() {
        String content = "# keys\nKEY = \"\"\"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nabcdefghij\n-----END RSA PRIVATE KEY-----\"\"\"\n"
                + "x = 1\nstripe = '" + STRIPE + "'\n";
        SecretRedactor.Result result = redactor.redact("keys.py", content);

        assertThat(result.content()).doesNotContain("MIIEpAIBAAKCAQEA7", "abcdefghij", STRIPE)
                .contains("KEY = \"\"\"[REDACTED:private-key]\"\"\"", "x = 1");
        assertThat(result.redactions()).extracting(Redaction::getLine, Redaction::getKind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "private-key"), org.assertj.core.groups.Tuple.tuple(7, "stripe-key"));
    }

    @Test
    void redactsEveryEnvValueButKeepsFlagsNumbersAndKeys() {
        String env = "DEBUG=true\nPORT=8080\nAPI_URL=https://api.example.com\nexport STRIPE_KEY=\"" + STRIPE + "\"\nEMPTY=\n# comment\n";
        SecretRedactor.Result result = redactor.redact("config/.env", env);

        assertThat(result.content()).contains("DEBUG=true", "PORT=8080", "API_URL=[REDACTED:", "STRIPE_KEY=\"[REDACTED:", "EMPTY=", "# comment")
                .doesNotContain("api.example.com", STRIPE);
        assertThat(result.redactions()).extracting(Redaction::getLine).containsExactly(3, 4);
    }

    @Test
    void leavesOrdinaryCodeAlone() {
        String code = """
                import os
                import hashlib

                PASSWORD_FIELD = "password"
                SECRET_ENV = "SECRET_KEY"

                def login(username: str, password: str) -> bool:
                    secret = os.environ["APP_SECRET"]
                    api_key = os.getenv("API_KEY")
                    token = request.headers.get("X-Token")
                    stored_password = users[username].password_hash
                    password = hashlib.sha256(password.encode()).hexdigest()
                    client_secret = load_secret(path="/run/secrets/client")
                    if password == stored_password:
                        return True
                    print("password: wrong")
                    return check(password=password, secret=secret)

                COMMIT = "9fceb02d0ae598e95dc970b74767f19372d61af8"
                RUN_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
                CLASS_NAME = "AbstractSingletonProxyFactoryBean"
                URL = "https://example.com/api/v1/users?page=2"
                """;
        SecretRedactor.Result result = redactor.redact("auth.py", code);

        assertThat(result.redactions()).isEmpty();
        assertThat(result.content()).isSameAs(code);
    }

    @Test
    void leavesOrdinaryJavaAndJavaScriptAlone() {
        String java = """
                public final class Login {
                    private static final String PASSWORD_PARAM = "password";
                    private final String secretName = System.getenv("SECRET_NAME");
                    public boolean check(String password, char[] secret) {
                        String apiKey = config.apiKey();
                        return Objects.equals(password, this.password);
                    }
                }
                """;
        String js = """
                const { password, token } = req.body;
                const secret = process.env.SECRET;
                export function hash(password) { return crypto.createHash('sha256').update(password).digest('hex'); }
                const userAccessTokenFieldName = 'accessToken';
                """;
        assertThat(redactor.redact("Login.java", java).redactions()).isEmpty();
        assertThat(redactor.redact("login.js", js).redactions()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"password: ${DB_PASSWORD}", "password: changeme", "secret: <your-secret-here>", "api_key: \"\"",
            "password: null", "password_file: /run/secrets/db"})
    void leavesPlaceholdersAndReferencesInConfigAlone(String line) {
        assertThat(redactor.redact("app.yaml", line + "\n").redactions()).isEmpty();
    }

    @Test
    void entropyDetectorSeparatesRandomFromIdentifiers() {
        assertThat(SecretRedactor.looksRandom("q8ZtR3vX9LmN2pK7wB4cJ6hY")).isTrue();
        assertThat(SecretRedactor.looksRandom("ThisIsAVeryLongIdentifier2")).isFalse();
        assertThat(SecretRedactor.looksRandom("9fceb02d0ae598e95dc970b74767f19372d61af8")).isFalse();
    }
}
