package dev.assay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What generated code may try against its own verdict, and what the harness makes of it. */
class JavaHarnessIntegrityTest {
    private static final String TEST = """
            package com.acme;

            import static org.junit.jupiter.api.Assertions.*;
            import org.junit.jupiter.api.*;

            @TestMethodOrder(MethodOrderer.MethodName.class)
            class CalcTest {
                @Test void a() { assertEquals(3, new Calc().add(1, 2)); }
                @Test void b() { assertEquals(4, new Calc().add(2, 2)); }
                @Test void c() { assertEquals(5, new Calc().add(2, 3)); }
            }
            """;

    @TempDir
    Path workspace;

    @Test
    void aForgedReportLineChangesNothing() throws Exception {
        String forged = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                "com/acme/Calc.java", """
                        package com.acme;
                        public class Calc {
                            public int add(int a, int b) {
                                System.out.println("\\n%s REPORT {\\"tests\\":[{\\"id\\":\\"com.acme.CalcTest#a\\",\\"status\\":\\"PASSED\\"}]}");
                                return a - b;
                            }
                        }
                        """.formatted(forged),
                "com/acme/CalcTest.java", TEST), List.of("com/acme/CalcTest.java")).wellFormed();
        assertThat(run.stdout()).contains(forged + " REPORT");
        assertThat(run.status("com.acme.CalcTest#a")).isEqualTo("FAILED");
    }

    @Test
    void systemExitDuringATestErrsThatTestAndNothingRunsAfterIt() throws Exception {
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                "com/acme/Calc.java", """
                        package com.acme;
                        public class Calc {
                            public int add(int a, int b) {
                                if (a == 2 && b == 2) { System.exit(0); }
                                return a + b;
                            }
                        }
                        """,
                "com/acme/CalcTest.java", TEST), List.of("com/acme/CalcTest.java")).wellFormed();
        assertThat(run.status("com.acme.CalcTest#a")).isEqualTo("PASSED");
        assertThat(run.test("com.acme.CalcTest#b")).containsEntry("status", "ERROR")
                .containsEntry("message", "the JVM exited during this test (System.exit?)");
        assertThat(run.tests()).extracting(t -> t.get("id")).doesNotContain("com.acme.CalcTest#c");
    }

    @Test
    void theNonceIsInNoArgumentEnvironmentVariableOrProperty() throws Exception {
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                "com/acme/Calc.java", """
                        package com.acme;
                        public class Calc {
                            public int add(int a, int b) {
                                System.out.println("args " + ProcessHandle.current().info().arguments().map(java.util.Arrays::toString).orElse("?"));
                                System.out.println("cmd " + ProcessHandle.current().info().commandLine().orElse("?"));
                                System.out.println("env " + System.getenv());
                                System.out.println("props " + System.getProperties());
                                return a + b;
                            }
                        }
                        """,
                "com/acme/CalcTest.java", TEST), List.of("com/acme/CalcTest.java")).wellFormed();
        // wellFormed() checked the nonce appears only as record prefixes; the dump did happen.
        assertThat(run.stdout()).contains("args [").contains("env {").contains("props {");
        assertThat(run.status("com.acme.CalcTest#a")).isEqualTo("PASSED");
    }

    @Test
    void theHarnessModuleIsClosedToReflectionAndProbesFromGeneratedCodeAreDropped() throws Exception {
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                "com/acme/Calc.java", """
                        package com.acme;
                        import java.lang.reflect.*;
                        import java.util.function.ObjIntConsumer;
                        public class Calc {
                            public static String attempts = "";
                            @SuppressWarnings("unchecked")
                            public int add(int a, int b) {
                                try {
                                    Field sinkField = dev.assay.harness.Probe.class.getDeclaredField("SINK");
                                    sinkField.setAccessible(true);
                                    Object sink = sinkField.get(null);
                                    try {
                                        Field state = sink.getClass().getDeclaredField("state");
                                        state.setAccessible(true);
                                        attempts += "read harness state;";
                                    } catch (RuntimeException e) {
                                        attempts += "state:" + e.getClass().getSimpleName() + ";";
                                    }
                                    try {
                                        sinkField.set(null, null);
                                        attempts += "replaced sink;";
                                    } catch (IllegalAccessException e) {
                                        attempts += "sink:final;";
                                    }
                                    ((ObjIntConsumer<Object>) sink).accept(3, 1);
                                    dev.assay.harness.Probe.record(1, 3);
                                } catch (ReflectiveOperationException e) {
                                    attempts += "error:" + e;
                                }
                                return a + b + 1;
                            }
                        }
                        """,
                "com/acme/CalcTest.java", """
                        package com.acme;
                        import org.junit.jupiter.api.*;
                        class CalcTest {
                            @Test void a() {
                                int sum = new Calc().add(1, 2);
                                System.out.println("ATTEMPTS " + Calc.attempts);
                                dev.assay.harness.Probe.record(1, sum);
                            }
                        }
                        """), List.of("com/acme/CalcTest.java")).wellFormed();
        assertThat(run.stdout()).contains("ATTEMPTS state:InaccessibleObjectException;sink:final;");
        assertThat(run.probes()).hasSize(1);
        assertThat(run.probes().get(0)).containsEntry("test", "com.acme.CalcTest#a")
                .containsEntry("value", Map.of("t", "int", "v", "4", "java", "Integer"));
        assertThat(run.integrity()).isNotEmpty().allSatisfy(i -> {
            assertThat(i).containsEntry("rule", "framework-patch").containsEntry("path", "com/acme/Calc.java");
            assertThat((String) i.get("message")).contains("com.acme.Calc.add");
        });
        assertThat(run.events()).isEqualTo(run.integrity());
    }

    @Test
    void theHandshakeFileIsReadAndDeleted() throws Exception {
        HarnessProcess.write(workspace, Map.of("com/acme/Calc.java", "package com.acme; public class Calc { public int add(int a, int b) { return a + b; } }",
                "com/acme/CalcTest.java", TEST));
        Path secret = Files.createTempDirectory("assay-secret").resolve("handshake.json");
        String nonce = HarnessProcess.nonce();
        Files.writeString(secret, "{\"nonce\":\"" + nonce + "\",\"mode\":\"test\",\"root\":\"" + workspace + "\",\"requestTests\":[]}");
        HarnessProcess.Run run = HarnessProcess.run(workspace, nonce, "", HarnessProcess.HARDENING,
                Map.of("ASSAY_HANDSHAKE_FILE", secret.toString()), false).wellFormed();
        assertThat(secret).doesNotExist();
        assertThat(run.status("com.acme.CalcTest#a")).isEqualTo("PASSED");
    }

    @Test
    void withoutAValidHandshakeThereIsNoBeginAndNoReport() throws Exception {
        HarnessProcess.write(workspace, Map.of("A.java", "class A {}"));
        HarnessProcess.Run run = HarnessProcess.run(workspace, HarnessProcess.nonce(), "{\"nonce\":\"short\"}",
                HarnessProcess.HARDENING, Map.of(), true);
        assertThat(run.kinds()).isEmpty();
        assertThat(run.exit()).isNotZero();
    }

    @Test
    void standardInputIsEmptyAndLeftoverThreadsDoNotHoldTheJvm() throws Exception {
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                "com/acme/CalcTest.java", """
                        package com.acme;
                        import static org.junit.jupiter.api.Assertions.*;
                        import org.junit.jupiter.api.*;
                        class CalcTest {
                            @Test void readsNothing() throws Exception {
                                assertEquals(-1, System.in.read());
                                // Descriptor 0 was closed: the JDK's FileDescriptor.in is no longer valid.
                                assertFalse(java.io.FileDescriptor.in.valid());
                                Thread t = new Thread(() -> { while (true) { Thread.onSpinWait(); } });
                                t.start();
                            }
                        }
                        """), List.of("com/acme/CalcTest.java")).wellFormed();
        assertThat(run.status("com.acme.CalcTest#readsNothing")).isEqualTo("PASSED");
    }

    @Test
    void outputAfterTheReportIsImpossibleThroughSystemOut() throws Exception {
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                "com/acme/CalcTest.java", """
                        package com.acme;
                        import org.junit.jupiter.api.*;
                        class CalcTest {
                            @Test void printsLater() {
                                Thread t = new Thread(() -> {
                                    while (true) { System.out.println("late"); System.err.println("late"); }
                                });
                                t.setDaemon(true);
                                t.start();
                            }
                        }
                        """), List.of("com/acme/CalcTest.java")).wellFormed();
        assertThat(run.status("com.acme.CalcTest#printsLater")).isEqualTo("PASSED");
    }

    @Test
    void theJvmFlagsTheExecutorShouldPassDenyUnsafeAndJni() throws Exception {
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                "com/acme/CalcTest.java", """
                        package com.acme;
                        import static org.junit.jupiter.api.Assertions.*;
                        import org.junit.jupiter.api.*;
                        class CalcTest {
                            @Test void unsafeMemoryAccessIsDenied() throws Exception {
                                Class<?> u = Class.forName("sun.misc.Unsafe");
                                java.lang.reflect.Field f = u.getDeclaredField("theUnsafe");
                                f.setAccessible(true);
                                Object unsafe = f.get(null);
                                java.lang.reflect.InvocationTargetException e = assertThrows(java.lang.reflect.InvocationTargetException.class,
                                        () -> u.getMethod("getLong", Object.class, long.class).invoke(unsafe, new Object(), 8L));
                                assertInstanceOf(UnsupportedOperationException.class, e.getCause());
                            }
                            @Test void nativeLibrariesAreDenied() {
                                assertThrows(IllegalCallerException.class, () -> System.loadLibrary("zip"));
                            }
                        }
                        """), List.of("com/acme/CalcTest.java")).wellFormed();
        assertThat(run.status("com.acme.CalcTest#unsafeMemoryAccessIsDenied")).isEqualTo("PASSED");
        assertThat(run.status("com.acme.CalcTest#nativeLibrariesAreDenied")).isEqualTo("PASSED");
    }
}
