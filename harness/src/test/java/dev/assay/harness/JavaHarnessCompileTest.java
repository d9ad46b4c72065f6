package dev.assay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compile errors, compile mode, and what javac sees. */
class JavaHarnessCompileTest {
    @TempDir
    Path workspace;

    @Test
    void aCompileErrorIsAJavacErrorAndNoTestRuns() throws Exception {
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                "a/Bad.java", "package a;\nclass Bad {\n    int x = \"text\";\n}\n",
                "a/OkTest.java", "package a;\nclass OkTest { @org.junit.jupiter.api.Test void t() { } }\n"), List.of("a/OkTest.java"))
                .wellFormed();
        assertThat(run.tests()).isEmpty();
        assertThat(run.errors()).singleElement().satisfies(e -> {
            assertThat(e).containsEntry("name", "javac");
            assertThat((String) e.get("message")).startsWith("a/Bad.java:3: incompatible types");
        });
    }

    @Test
    void compileModeReportsOneTestPerSourceAndSkipsDotFolders() throws Exception {
        HarnessProcess.write(workspace, Map.of(
                "a/Bad.java", "package a;\nclass Bad { int x = \"text\"; }\n",
                "a/Ok.java", "package a;\nclass Ok { }\n",
                ".assay/Ignored.java", "this is not java",
                "b/.hidden/Ignored.java", "neither is this"));
        HarnessProcess.Run run = HarnessProcess.run(workspace, "compile", List.of(), HarnessProcess.HARDENING, Map.of()).wellFormed();
        assertThat(run.begin()).containsEntry("mode", "compile");
        assertThat(run.tests()).extracting(t -> t.get("id")).containsExactly("compile:a/Bad.java", "compile:a/Ok.java");
        assertThat(run.test("compile:a/Bad.java")).containsEntry("status", "FAILED").containsEntry("function", "compile:a/Bad.java");
        assertThat(run.test("compile:a/Ok.java")).containsEntry("status", "PASSED").containsEntry("file", "a/Ok.java");
        assertThat(run.probes()).isEmpty();
    }

    @Test
    void testsCompileAgainstJUnit5JUnit4AndTheProbe() throws Exception {
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                "T1Test.java", "class T1Test { @org.junit.jupiter.api.Test void t() { dev.assay.harness.Probe.record(1, 1); } }",
                "T2Test.java", "public class T2Test { @org.junit.Test public void t() { org.junit.Assert.assertTrue(true); } }"),
                List.of("T1Test.java", "T2Test.java")).wellFormed();
        assertThat(run.status("T1Test#t")).isEqualTo("PASSED");
        assertThat(run.status("T2Test#t")).isEqualTo("PASSED");
        assertThat(run.probes()).hasSize(1);
    }

    @Test
    void theAnalyzeModeBelongsToTheExecutor() throws Exception {
        HarnessProcess.write(workspace, Map.of("A.java", "class A { }"));
        HarnessProcess.Run run = HarnessProcess.run(workspace, "analyze", List.of(), HarnessProcess.HARDENING, Map.of()).wellFormed();
        assertThat(run.errors()).singleElement().satisfies(e -> assertThat((String) e.get("message")).contains("no mode analyze"));
    }

    @Test
    void runsWithTheJvmsModulesLimited() throws Exception {
        // --limit-modules leaves out jdk.unsupported (sun.misc.Unsafe), jdk.management (heap dumps through
        // HotSpotDiagnosticMXBean or the DiagnosticCommand MBean), jdk.attach and jdk.jfr.
        HarnessProcess.write(workspace, Map.of("a/Solution.java", "package a; class Solution { int f() { return 1; } }",
                "a/Main.java", """
                        package a;
                        public class Main {
                            public static void main(String[] args) throws Exception {
                                if (new Solution().f() != 1) throw new AssertionError();
                                for (String gone : new String[] {"sun.misc.Unsafe", "com.sun.management.HotSpotDiagnosticMXBean"}) {
                                    try {
                                        Class.forName(gone);
                                        throw new AssertionError(gone + " is still there");
                                    } catch (ClassNotFoundException expected) {
                                        // left out
                                    }
                                }
                                if (java.lang.management.ManagementFactory.getPlatformMBeanServer().isRegistered(
                                        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"))) {
                                    throw new AssertionError("the DiagnosticCommand MBean is still there");
                                }
                            }
                        }
                        """));
        List<String> flags = new java.util.ArrayList<>(HarnessProcess.HARDENING);
        flags.addAll(List.of("--limit-modules", "java.se,jdk.compiler,jdk.zipfs,jdk.charsets,jdk.localedata,jdk.httpserver,jdk.net"));
        HarnessProcess.Run run = HarnessProcess.run(workspace, "test", List.of("a/Main.java"), flags, Map.of()).wellFormed();
        assertThat(run.status("a.Main#main")).isEqualTo("PASSED");
        @SuppressWarnings("unchecked")
        Map<String, Object> usage = (Map<String, Object>) run.report().get("usage");
        assertThat(((Number) usage.get("cpuMillis")).longValue()).isPositive();
    }
}
