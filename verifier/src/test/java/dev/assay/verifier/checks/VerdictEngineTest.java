package dev.assay.verifier.checks;

import static dev.assay.verifier.Fixtures.file;
import static dev.assay.verifier.Fixtures.test;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.Finding;
import dev.assay.avro.Language;
import dev.assay.avro.Severity;
import dev.assay.avro.TestStatus;
import dev.assay.avro.Verdict;
import dev.assay.avro.Violation;
import dev.assay.verifier.Fixtures;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictEngineTest {
    private final VerdictEngine engine = VerdictEngine.withDefaultChecks(ImportAllowlist.defaults(), Clock.systemUTC());

    @Test
    void passesCleanCodeWithPassingTests() {
        Verdict v = engine.judge(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE));
        assertThat(v.getPassed()).isTrue();
        assertThat(v.getSummary()).startsWith("passed: 1 test(s) passed");
        assertThat(v.getFindings()).isEmpty();
    }

    @Test
    void failsWhenNoTestRan() {
        ExecutionResult r = Fixtures.result("r", 1, ArtifactKind.LIBRARY_CODE, 3, ExecutionStatus.PASSED, List.of());
        Verdict v = engine.judge(r);
        assertThat(v.getPassed()).isFalse();
        assertThat(v.getSummary()).contains("no tests ran");
    }

    @Test
    void failsWhenATestFailedEvenIfTheRunnerSaidPassed() {
        ExecutionResult r = Fixtures.result("r", 1, ArtifactKind.LIBRARY_CODE, 3, ExecutionStatus.PASSED,
                List.of(test("a", TestStatus.PASSED, null), test("b", TestStatus.ERROR, "NameError")));
        Verdict v = engine.judge(r);
        assertThat(v.getPassed()).isFalse();
        assertThat(v.getFailedTests()).extracting(t -> t.getName()).containsExactly("b");
        assertThat(v.getSummary()).contains("1 of 2 tests failed (b)");
    }

    @Test
    void summaryNamesTheSandboxViolation() {
        ExecutionResult r = Fixtures.result("r", 1, ArtifactKind.LIBRARY_CODE, 3, ExecutionStatus.ERROR, List.of());
        r.setViolation(Violation.TIMEOUT);
        r.setDetail("killed after 10 s");
        assertThat(engine.judge(r).getSummary()).contains("execution ERROR (sandbox limit TIMEOUT): killed after 10 s");
    }

    @Test
    void pythonSubprocessFailsLibraryCodeButIsOnlyFlaggedInInfrastructure() {
        String code = "import subprocess\n\ndef run():\n    return subprocess.run(['ls'])\n";
        Verdict lib = engine.judge(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE, file("tool.py", code)));
        Verdict infra = engine.judge(Fixtures.passed("r", 1, ArtifactKind.INFRASTRUCTURE, file("tool.py", code)));

        assertThat(lib.getPassed()).isFalse();
        assertThat(lib.getFindings()).filteredOn(f -> f.getCheck().equals("python.subprocess"))
                .extracting(Finding::getSeverity, Finding::getPath, Finding::getLine)
                .contains(org.assertj.core.groups.Tuple.tuple(Severity.HIGH, "tool.py", 1));
        assertThat(lib.getSummary()).contains("HIGH python.subprocess at tool.py:1");
        assertThat(infra.getPassed()).isTrue();
        assertThat(infra.getFindings()).filteredOn(f -> f.getCheck().equals("python.subprocess"))
                .extracting(Finding::getSeverity).containsOnly(Severity.MEDIUM);
    }

    @Test
    void findsDangerousApisInEachLanguage() {
        assertThat(checks(Language.PYTHON, "x.py", "os.system('rm -rf /')\nv = eval(s)\nexec(code)\nimport ctypes\nimport socket\n"))
                .contains("python.os-system", "python.eval", "python.exec", "python.ctypes", "python.socket");
        assertThat(checks(Language.JAVA, "X.java", """
                Runtime.getRuntime().exec("sh");
                new ProcessBuilder("ls").start();
                field.setAccessible(true);
                var s = new java.net.Socket("h", 1);
                """)).contains("java.runtime-exec", "java.process-builder", "java.set-accessible", "java.socket");
        assertThat(checks(Language.JAVASCRIPT, "x.js", """
                const cp = require('child_process');
                eval(input);
                const f = new Function('a', 'return a');
                const http = require("http");
                import net from 'node:net';
                """)).contains("js.child-process", "js.eval", "js.new-function", "js.network");
    }

    @Test
    void doesNotFlagLookalikesOrComments() {
        assertThat(checks(Language.PYTHON, "x.py", "import ast\nv = ast.literal_eval(s)\n# eval(s) is dangerous\nm = re.compile('a').match\n"))
                .doesNotContain("python.eval", "python.exec");
        assertThat(checks(Language.JAVASCRIPT, "x.js", "const m = /a/.exec(s);\n// eval(x)\n"))
                .doesNotContain("js.eval");
    }

    @Test
    void secretsInOutputAreCriticalAndNeverQuoted() {
        ExecutionResult r = Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE);
        r.setStdout("ok\nkey=AKIAABCDEFGHIJKLMNOP\n");
        r.setStderr("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n");
        Verdict v = engine.judge(r);
        assertThat(v.getPassed()).isFalse();
        assertThat(v.getFindings()).filteredOn(f -> f.getCheck().startsWith("secrets."))
                .extracting(Finding::getCheck, Finding::getSeverity, Finding::getPath)
                .contains(org.assertj.core.groups.Tuple.tuple("secrets.aws-access-key", Severity.CRITICAL, "<stdout>"),
                        org.assertj.core.groups.Tuple.tuple("secrets.private-key", Severity.CRITICAL, "<stderr>"));
        assertThat(v.getFindings()).allSatisfy(f -> assertThat(f.getMessage()).doesNotContain("AKIAABCDEFGHIJKLMNOP"));
    }

    @Test
    void fixturePasswordInAUnitTestIsOnlyMedium() {
        String code = "def test_login():\n    password = 'hunter22'\n    assert login('u', password)\n";
        Verdict v = engine.judge(Fixtures.passed("r", 1, ArtifactKind.UNIT_TEST, file("test_login.py", code)));
        assertThat(v.getFindings()).extracting(Finding::getCheck, Finding::getSeverity)
                .contains(org.assertj.core.groups.Tuple.tuple("secrets.password", Severity.MEDIUM));
        assertThat(v.getPassed()).isTrue();
    }

    @Test
    void credentialsReadFromTheEnvironmentAreFineButLiteralsInCodeFail() {
        String fromEnv = "import os\n\npassword = os.environ['DB_PASSWORD']\napi_key = settings.api_key()\n";
        String literal = "DB_PASSWORD = 'hunter22'\nclient = Client(api_key=\"abcd1234efgh5678\")\n";
        Verdict ok = engine.judge(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE, file("db.py", fromEnv)));
        Verdict bad = engine.judge(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE, file("db.py", literal)));

        assertThat(ok.getFindings()).noneMatch(f -> f.getCheck().startsWith("secrets."));
        assertThat(bad.getPassed()).isFalse();
        assertThat(bad.getFindings()).filteredOn(f -> f.getCheck().startsWith("secrets."))
                .extracting(Finding::getCheck, Finding::getLine)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("secrets.password", 1),
                        org.assertj.core.groups.Tuple.tuple("secrets.api-key", 2));
        assertThat(bad.getFindings()).allSatisfy(f -> assertThat(f.getMessage()).doesNotContain("hunter22"));
    }

    @Test
    void importsOutsideTheAllowlistAreMediumFindingsAndProjectModulesAreAllowed() {
        String code = "import json\nimport requests\nfrom calc import add\nfrom . import util\nimport os.path, math\n";
        List<Finding> findings = engine.judge(Fixtures.passed("r", 1, ArtifactKind.LIBRARY_CODE,
                file("calc.py", "def add(a, b):\n    return a + b\n"), file("test_calc.py", code))).getFindings();
        assertThat(findings).filteredOn(f -> f.getCheck().equals("imports.python"))
                .extracting(Finding::getMessage, Finding::getLine)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("imports 'requests', which is not on the allowlist", 2),
                        org.assertj.core.groups.Tuple.tuple("imports 'os.path', which is not on the allowlist", 5));
    }

    @Test
    void allowlistIsConfigurable() {
        ImportAllowlist custom = ImportAllowlist.fromSettings("p.", key -> switch (key) {
            case "p.python.extra" -> "requests";
            case "p.java" -> "java.util";
            default -> null;
        });
        assertThat(custom.permits(Language.PYTHON, "requests")).isTrue();
        assertThat(custom.permits(Language.PYTHON, "json")).isTrue();
        assertThat(custom.permits(Language.JAVA, "java.util.List")).isTrue();
        assertThat(custom.permits(Language.JAVA, "org.junit.jupiter.api.Test")).isFalse();
    }

    @Test
    void javaImportsOfTheOwnPackageAndJunitAreAllowed() {
        String code = """
                package dev.calc;
                import dev.calc.util.Numbers;
                import static org.junit.jupiter.api.Assertions.assertEquals;
                import java.util.List;
                import com.google.common.collect.Lists;
                """;
        List<Finding> findings = new ImportAllowlistCheck(ImportAllowlist.defaults()).inspect(new CheckSubject(
                Language.JAVA, ArtifactKind.LIBRARY_CODE, List.of(file("CalcTest.java", code)), "", "", java.util.Set.of()));
        assertThat(findings).extracting(Finding::getMessage)
                .containsExactly("imports 'com.google.common.collect.Lists', which is not on the allowlist");
    }

    private static List<String> checks(Language language, String path, String code) {
        CheckSubject subject = new CheckSubject(language, ArtifactKind.LIBRARY_CODE, List.of(file(path, code)), "", "",
                java.util.Set.of());
        return new DangerousApiCheck().inspect(subject).stream().map(Finding::getCheck).toList();
    }
}
