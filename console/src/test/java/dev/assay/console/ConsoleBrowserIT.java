package dev.assay.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.AssayRequest;
import dev.assay.avro.Language;
import dev.assay.avro.Outcome;
import dev.assay.avro.OutcomeStatus;
import dev.assay.avro.SourceFile;
import dev.assay.devstack.DevStack;
import dev.assay.devstack.PipelineWatcher;
import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.CommonSettings;
import dev.assay.runtime.ServiceContext;
import dev.assay.runtime.ServiceMetrics;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A person approves a real run in the console, in Debian's Chromium driven by Selenium: the request is gated by the
 * real verifier, shown with its escaped code, approved through the form, and ends APPROVED under the reviewer's name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {
    private static final String ALICE_TOKEN = "alice-console-token-" + UUID.randomUUID();
    private static final Duration PIPELINE = Duration.ofMinutes(4);
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private DevStack stack;
    private ConsoleApp console;
    private PipelineWatcher watcher;
    private Path completions;
    private String base;

    @BeforeAll
    void start() throws Exception {
        boolean required = Boolean.getBoolean("assay.require.tools");
        if (!required) {
            assumeTrue(onPath("runsc") || onPath("bwrap"), "no local sandbox (runsc or bwrap) here: run ./assay setup");
        }
        Path dir = Files.createTempDirectory("assay-console-it-");
        completions = Files.createDirectories(dir.resolve("completions"));
        stack = new DevStack(dir.resolve("stack"), AssayConfig.of(Map.of("generator.scripted.dir", completions.toString(),
                "devstack.partitions", "2"))).start();
        AssayConfig config = stack.config().with(Map.of(
                ConsoleConfig.PORT, "0",
                ConsoleConfig.BIND_ADDRESS, "127.0.0.1",
                ConsoleConfig.TOKENS_PREFIX + "alice", ALICE_TOKEN,
                ConsoleConfig.STATE_DIR, dir.resolve("console-state").toString(),
                "instance.id", "console-it"));
        console = ConsoleApp.create(ServiceContext.create(ConsoleApp.SERVICE, config, ServiceMetrics.create("console", "console-it")));
        console.start();
        base = "http://127.0.0.1:" + console.port();
        watcher = new PipelineWatcher(CommonSettings.from("console-it", stack.config()).kafkaClientProperties(), stack.topics(), e -> { });
    }

    @AfterAll
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        if (console != null) {
            console.stop();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void reviewerApprovesAPendingRequestInTheBrowser() throws Exception {
        Path chromium = chromium();
        if (!Boolean.getBoolean("assay.require.tools")) {
            assumeTrue(chromium != null && Files.isExecutable(CHROMEDRIVER), "chromium and chromium-driver are not installed");
        }
        String id = submitHeldGreeting("browser");
        WebDriver browser = browser(chromium);
        try {
            browser.get(base + "/");
            assertThat(browser.findElement(By.id("token")).isDisplayed()).as("sign-in form first").isTrue();
            browser.findElement(By.id("token")).sendKeys(ALICE_TOKEN);
            browser.findElement(By.id("sign-in")).click();
            assertThat(browser.findElement(By.id("identity")).getText()).isEqualTo("alice");

            Awaitility.await().atMost(PIPELINE).pollInterval(Duration.ofSeconds(2)).until(() -> {
                browser.navigate().refresh();
                return !browser.findElements(By.linkText(id)).isEmpty();
            });
            assertThat(browser.findElement(By.id("pending")).getText()).contains(id, "MEDIUM", "HUMAN_REVIEW");
            screenshot(browser, "console-index.png");
            browser.findElement(By.linkText(id)).click();

            String code = browser.findElement(By.cssSelector("pre.code code")).getText();
            assertThat(code).as("generated code is shown as text").contains("<script>alert('x')</script>", "def greeting");
            assertThat(browser.findElement(By.id("tests")).getText()).contains("test_greets_by_name", "PASSED");
            screenshot(browser, "console-pending.png");

            browser.findElement(By.id("reason")).sendKeys("Reviewed the endpoint in the console");
            browser.findElement(By.id("approve")).click();
            assertThat(browser.findElement(By.id("notice")).getText()).contains("was sent as alice");

            assertThat(watcher.awaitOutcomes(List.of(id), PIPELINE)).as("outcome arrives").isTrue();
            Outcome outcome = watcher.outcomes(id).getFirst();
            assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.APPROVED);
            assertThat(outcome.getDecidedBy()).isEqualTo("alice");
            assertThat(outcome.getReason()).isEqualTo("Reviewed the endpoint in the console");

            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                browser.navigate().refresh();
                return !browser.findElements(By.id("outcome")).isEmpty();
            });
            assertThat(browser.findElement(By.id("outcome")).getText()).isEqualTo("APPROVED");
            assertThat(browser.findElement(By.id("audit-status")).getText()).contains("chain verified");
            assertThat(browser.findElements(By.id("decision-form"))).as("no form once decided").isEmpty();
            screenshot(browser, "console-approved.png");
        } finally {
            browser.quit();
        }
    }

    @Test
    void unauthenticatedAndForgedRequestsAreRefused() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(base + "/requests/any/decision"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("decision=approve&reviewer=alice")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + ALICE_TOKEN)).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> noCsrf = http.send(HttpRequest.newBuilder(URI.create(base + "/requests/any/decision"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofString("decision=approve")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noCsrf.statusCode()).isEqualTo(403);
    }

    private String submitHeldGreeting(String prefix) throws Exception {
        String id = prefix + "-" + UUID.randomUUID();
        try (InputStream in = ConsoleBrowserIT.class.getResourceAsStream("/completions/greeting.md")) {
            Files.write(completions.resolve(id + ".attempt-1.md"), in.readAllBytes());
        }
        String test;
        try (InputStream in = ConsoleBrowserIT.class.getResourceAsStream("/test_greeting.py")) {
            test = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        AssayRequest request = AssayRequest.newBuilder().setRequestId(id).setTenant("console-it")
                .setTask("Write greeting(name) in greeting.py: the body of GET /hello, 'Hello, <name>!' with the name stripped.")
                .setLanguage(Language.PYTHON).setArtifactKind(ArtifactKind.API_ENDPOINT).setTargetPaths(List.of("greeting.py"))
                .setFiles(List.of(new SourceFile("test_greeting.py", test))).setSubmittedAt(Instant.now()).build();
        var topic = stack.topics().requests();
        try (var producer = new KafkaProducer<>(CommonSettings.from("console-it", stack.config()).kafkaClientProperties(),
                new StringSerializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), id, request)).get();
        }
        return id;
    }

    private static WebDriver browser(Path chromium) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,1800",
                "--user-data-dir=" + Files.createTempDirectory("assay-chromium-"));
        // The driver is Debian's; naming it keeps Selenium Manager from looking for (or downloading) one.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
        return driver;
    }

    private static void screenshot(WebDriver browser, String name) throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Debian's Chromium binary (the /usr/bin/chromium wrapper script starts it), or null. */
    private static Path chromium() {
        for (String candidate : List.of("/usr/lib/chromium/chromium", "/usr/bin/chromium")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
