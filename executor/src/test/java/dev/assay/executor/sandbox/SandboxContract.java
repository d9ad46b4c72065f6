package dev.assay.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every local backend must guarantee, checked by running hostile Python in it. Limits are small so the suite
 * stays fast; each escape attempt prints what it achieved and the test asserts on that output.
 */
abstract class SandboxContract {
    static final SandboxLimits SMALL = new SandboxLimits(Duration.ofSeconds(20), 10, 256L * 1024 * 1024, 16, 16 * 1024,
            8L * 1024 * 1024);

    @TempDir
    Path input;
    Sandbox sandbox;

    abstract Sandbox sandbox();

    @BeforeEach
    void setUp() throws IOException {
        sandbox = sandbox();
        Files.setPosixFilePermissions(input, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    SandboxResult python(String code, SandboxLimits limits) throws Exception {
        Path script = input.resolve("main.py");
        Files.writeString(script, code);
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        return sandbox.run(new SandboxRequest(input, List.of("/usr/bin/python3", "-I", "main.py"), List.of(), Map.of(), limits, "", null,
                SandboxRequest.Run.PROBE));
    }

    SandboxResult python(String code) throws Exception {
        return python(code, SMALL);
    }

    @Test
    void theHandshakeArrivesOnStandardInputAndRecordsLeaveTheOutput(@TempDir Path extra) throws Exception {
        Files.setPosixFilePermissions(extra, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path mounted = Files.writeString(extra.resolve("lib.txt"), "from a read-only mount");
        Files.setPosixFilePermissions(mounted, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(input.resolve("main.py"), """
                import sys
                line = sys.stdin.readline().strip()
                print("before")
                print()
                print(line + " REPORT {\\"read\\": \\"" + open("/opt/assay/extra/lib.txt").read() + "\\"}")
                """);
        input.resolve("main.py").toFile().setReadable(true, false);
        String nonce = "cd".repeat(32);
        SandboxResult r = sandbox.run(new SandboxRequest(input, List.of("/usr/bin/python3", "-I", "main.py"),
                List.of(new SandboxRequest.Mount(extra, "/opt/assay/extra")), Map.of(), SMALL, nonce + "\n", nonce, SandboxRequest.Run.PROBE));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.records()).containsExactly("REPORT {\"read\": \"from a read-only mount\"}");
        assertThat(r.stdout()).isEqualTo("before\n\n");
        assertThat(r.outputAfterReport()).isFalse();
    }

    @Test
    void runsTheProgramOnACopyOfTheInputInAWritableWorkspace() throws Exception {
        Files.writeString(input.resolve("data.txt"), "from the host");
        input.resolve("data.txt").toFile().setReadable(true, false);
        SandboxResult r = python("""
                import os
                print(os.getcwd(), open('data.txt').read())
                open('out.txt', 'w').write('x')
                print(os.path.exists('out.txt'))
                open('/dev/null', 'w').write('discarded')
                print('random', len(os.urandom(8)), 'tmp writable', os.access('/tmp', os.W_OK))
                """);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("/workspace from the host", "True", "random 8 tmp writable True");
        assertThat(input.resolve("out.txt")).doesNotExist();
        assertThat(r.timedOut()).isFalse();
    }

    @Test
    void seesOnlyTheMinimalEnvironmentNotTheServices() throws Exception {
        String canary = System.getenv("ASSAY_SANDBOX_CANARY");
        assertThat(canary).as("surefire sets ASSAY_SANDBOX_CANARY so this test can see a leak").isNotBlank();
        SandboxResult r = python("""
                import os
                print(sorted(os.environ.items()))
                """);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).doesNotContain(canary).doesNotContain("ASSAY_").doesNotContain("JAVA_HOME")
                .doesNotContain("/root").contains("('HOME', '/tmp')");
    }

    @Test
    void wallClockTimeoutKillsAnEndlessLoop() throws Exception {
        SandboxResult r = python("while True: pass", SMALL.withTimeout(Duration.ofSeconds(2)));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isNull();
    }

    @Test
    void cpuLimitStopsASpinWithSigxcpu() throws Exception {
        SandboxResult r = python("while True: pass", new SandboxLimits(Duration.ofSeconds(20), 1, SMALL.memoryBytes(), 16,
                1024, SMALL.workspaceBytes()));
        assertThat(r.timedOut()).isFalse();
        assertThat(r.exitCode()).isEqualTo(128 + 24);
    }

    @Test
    void outputFloodIsCutAndKilled() throws Exception {
        SandboxResult r = python("""
                import sys
                while True:
                    sys.stdout.write('flood' * 1000 + '\\n')
                """, SMALL.withOutputBytes(4096));
        assertThat(r.outputLimitHit()).isTrue();
        assertThat(r.outputTruncated()).isTrue();
        assertThat(r.stdout()).hasSize(4096).startsWith("floodflood");
    }

    @Test
    void hasNoNetworkNotEvenToTheHostsLoopback() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            SandboxResult r = python("""
                    import socket
                    for host, port in [('127.0.0.1', %d), ('1.1.1.1', 53), ('169.254.169.254', 80)]:
                        try:
                            socket.create_connection((host, port), timeout=3).close()
                            print('CONNECTED', host)
                        except OSError as e:
                            print('blocked', host, e)
                    try:
                        print('RESOLVED', socket.gethostbyname('example.com'))
                    except OSError as e:
                        print('dns blocked', e)
                    """.formatted(server.getLocalPort()));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).doesNotContain("CONNECTED").doesNotContain("RESOLVED")
                    .contains("blocked 127.0.0.1", "blocked 1.1.1.1", "blocked 169.254.169.254", "dns blocked");
        }
    }

    @Test
    void servesOnItsOwnLoopbackSoIntegrationTestsCanCallAnEndpoint() throws Exception {
        // The sandbox's network namespace has a loopback of its own: an endpoint under test is served and called over
        // HTTP inside it, while the host's loopback and everything else stay unreachable (the test above).
        SandboxResult r = python("""
                import threading, urllib.request
                from http.server import HTTPServer, BaseHTTPRequestHandler
                class Health(BaseHTTPRequestHandler):
                    def do_GET(self):
                        self.send_response(200)
                        self.end_headers()
                        self.wfile.write(b'ok ' + self.path.encode())
                    def log_message(self, *args):
                        pass
                server = HTTPServer(('127.0.0.1', 0), Health)
                threading.Thread(target=server.serve_forever, daemon=True).start()
                print('GOT', urllib.request.urlopen('http://127.0.0.1:%d/health' % server.server_port, timeout=5).read().decode())
                """);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("GOT ok /health");
    }

    @Test
    void forkBombHitsThePidLimit() throws Exception {
        SandboxResult r = python("""
                import os, time
                children = 0
                try:
                    while True:
                        if os.fork() == 0:
                            time.sleep(5)
                            os._exit(0)
                        children += 1
                except OSError as e:
                    print('fork refused after', children, e.errno)
                """, SMALL.withPids(8));
        assertThat(r.timedOut()).isFalse();
        assertThat(r.stdout()).contains("fork refused after").endsWith(" 11\n");
        int children = Integer.parseInt(r.stdout().split(" ")[3]);
        assertThat(children).isLessThan(8);
    }

    @Test
    void memoryBombHitsTheMemoryLimit() throws Exception {
        SandboxResult r = python("""
                blocks = []
                while True:
                    blocks.append(bytearray(16 * 1024 * 1024))
                """, SMALL.withMemoryBytes(128L * 1024 * 1024));
        assertThat(r.timedOut()).isFalse();
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("MemoryError");
    }

    @Test
    void diskFillHitsTheWorkspaceLimitNotTheHostDisk() throws Exception {
        SandboxResult r = python("""
                import os
                for where in ['/workspace', '/tmp']:
                    written = 0
                    try:
                        for i in range(1000):
                            with open(os.path.join(where, 'fill%d' % i), 'wb') as f:
                                f.write(b'x' * 1024 * 1024)
                            written += 1
                    except OSError as e:
                        print(where, 'stopped after', written, 'MiB errno', e.errno)
                """);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("/workspace stopped after", "/tmp stopped after");
        assertThat(r.stdout().lines()).allMatch(l -> l.endsWith("errno 28") || l.endsWith("errno 27"));
    }

    @Test
    void cannotReadHostSecretsOrWriteOutsideTheWorkspace() throws Exception {
        String project = System.getProperty("assay.project.root", "/work/main");
        SandboxResult r = python("""
                import os
                for path in ['/etc/shadow', '/etc/passwd', '/root', '%s', '/var/run/docker.sock', '/home']:
                    print('VISIBLE' if os.path.exists(path) else 'hidden', path)
                for pid in ['1', 'self', str(os.getppid())]:
                    try:
                        print('environ of', pid, open('/proc/%%s/environ' %% pid).read())
                    except OSError:
                        print('environ of', pid, 'unreadable')
                for path in ['/usr/evil', '/input/evil', '/evil', '/etc/evil']:
                    try:
                        open(path, 'w').write('x')
                        print('WROTE', path)
                    except OSError as e:
                        print('denied', path)
                """.formatted(project));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).doesNotContain("VISIBLE", "WROTE", System.getenv("ASSAY_SANDBOX_CANARY"))
                .contains("hidden /etc/shadow", "denied /usr/evil", "denied /input/evil");
        assertThat(input.resolve("evil")).doesNotExist();
        assertThat(Path.of("/usr/evil")).doesNotExist();
    }

    @Test
    void killingItsParentDoesNotReachTheJvm() throws Exception {
        SandboxResult r = python("""
                import os, signal
                for pid in [os.getppid(), 1]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                        print('signalled', pid)
                    except OSError as e:
                        print('refused', pid, e.errno)
                """);
        assertThat(ProcessHandle.current().isAlive()).isTrue();
        assertThat(r.timedOut()).isFalse();
        // A second run still works: the sandbox machinery survived too.
        assertThat(python("print('still here')").stdout()).contains("still here");
    }

    @Test
    void noSandboxProcessOutlivesAKilledJvm(@TempDir Path childTmp) throws Exception {
        Files.setPosixFilePermissions(childTmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), OrphanProbeMain.class.getName(),
                sandbox.backend(), childTmp.toString()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("halting");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(ProcessHandle.allProcesses().filter(p -> p.isAlive()
                        && p.info().commandLine().orElse("").contains(childTmp.toString())).map(p -> p.info().commandLine().orElse("")))
                        .isEmpty());
    }

    @Test
    void cannotGainPrivilegesMountOrSeeHostProcesses() throws Exception {
        SandboxResult r = python("""
                import ctypes, os
                libc = ctypes.CDLL(None, use_errno=True)
                for name, call in [('setuid', lambda: os.setuid(0)), ('chroot', lambda: os.chroot('/tmp'))]:
                    try:
                        call()
                        print('GAINED', name)
                    except OSError as e:
                        print('refused', name, e.errno)
                rc = libc.mount(b'none', b'/tmp', b'tmpfs', 0, None)
                print('MOUNTED' if rc == 0 else 'refused mount %d' % ctypes.get_errno())
                cmdlines = []
                for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
                    try:
                        cmdlines.append(open('/proc/%s/cmdline' % pid, 'rb').read().replace(bytes(1), b' ').decode())
                    except OSError:
                        pass
                print('processes', len(cmdlines))
                print('HOST PROCESS' if any('java' in c or 'maven' in c for c in cmdlines) else 'only sandbox processes')
                """);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).doesNotContain("GAINED", "MOUNTED", "HOST PROCESS")
                .contains("refused setuid", "refused chroot", "refused mount", "only sandbox processes");
        int processes = Integer.parseInt(r.stdout().lines().filter(l -> l.startsWith("processes ")).findFirst().orElseThrow().substring(10));
        assertThat(processes).isBetween(1, 5);
    }

    @Test
    void runsAsAnUnprivilegedUserWithoutCapabilities() throws Exception {
        SandboxResult r = python("""
                import os
                print('uid', os.getuid())
                print([l for l in open('/proc/self/status') if l.startswith('CapEff')][0].split()[1])
                """);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).doesNotContain("uid 0\n").contains("0000000000000000");
    }

    static List<String> lines(String s) {
        return new ArrayList<>(s.lines().toList());
    }
}
