package dev.assay.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Main-method tests: HumanEval-X style {@code Main} classes and {@code *Test} classes with a main method. */
class JavaHarnessMainTest {
    private static final String SOLUTION = """
            package he0;

            import java.util.*;

            class Solution {
                public int add(int a, int b) { return a + b; }
            }
            """;

    @TempDir
    Path workspace;

    private static String main(String pkg, String name, String body) {
        return "package " + pkg + ";\n\npublic class " + name + " {\n    public static void main(String[] args) {\n        Solution s = new Solution();\n"
                + body + "\n    }\n}\n";
    }

    @Test
    void mainReturningPassesAndAssertionErrorFailsAndOtherThrowablesErr() throws Exception {
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                        "he0/Solution.java", SOLUTION,
                        "he0/Main.java", main("he0", "Main", "if (s.add(1, 2) != 3) { throw new AssertionError(); }"),
                        "he0/WrongTest.java", main("he0", "WrongTest", "if (s.add(1, 2) != 4) { throw new AssertionError(\"want 4\"); }"),
                        "he0/TestCrash.java", main("he0", "TestCrash", "Object o = null; o.hashCode();"),
                        "he0/AssertTest.java", main("he0", "AssertTest", "assert s.add(1, 2) == 4 : \"assert statements are on\";")),
                List.of("he0/Main.java", "he0/WrongTest.java", "he0/TestCrash.java", "he0/AssertTest.java")).wellFormed();
        assertThat(run.test("he0.Main#main")).containsEntry("status", "PASSED").containsEntry("function", "he0.Main#main")
                .containsEntry("file", "he0/Main.java");
        assertThat(run.test("he0.WrongTest#main")).containsEntry("status", "FAILED");
        assertThat((String) run.test("he0.WrongTest#main").get("message")).contains("want 4").contains("WrongTest.java:6");
        assertThat(run.status("he0.TestCrash#main")).isEqualTo("ERROR");
        assertThat(run.test("he0.AssertTest#main")).containsEntry("status", "FAILED");
        assertThat((String) run.test("he0.AssertTest#main").get("message")).contains("assert statements are on");
    }

    @Test
    void aGeneratedMainIsAProgramNotATest() throws Exception {
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                        "app/Solution.java", SOLUTION.replace("he0", "app"),
                        "app/Main.java", main("app", "Main", "throw new AssertionError(\"a program, never run\");"),
                        "app/Check.java", main("app", "CheckTest", "").replace("class CheckTest", "class Check")),
                List.of()).wellFormed();
        assertThat(run.tests()).isEmpty();
    }

    @Test
    void aClassWithJUnitTestsIsNotAMainTest() throws Exception {
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                        "he0/Solution.java", SOLUTION,
                        "he0/BothTest.java", """
                                package he0;
                                public class BothTest {
                                    public static void main(String[] args) { throw new AssertionError("main must not run"); }
                                    @org.junit.jupiter.api.Test void junit() { }
                                }
                                """),
                List.of("he0/BothTest.java")).wellFormed();
        assertThat(run.tests()).extracting(t -> t.get("id")).containsExactly("he0.BothTest#junit");
    }

    @Test
    void systemExitInAMainTestIsThatTestsError() throws Exception {
        HarnessProcess.Run run = HarnessProcess.test(workspace, Map.of(
                        "he0/Solution.java", SOLUTION,
                        "he0/Main.java", main("he0", "Main", "if (s.add(1, 2) != 4) { System.exit(1); }")),
                List.of("he0/Main.java")).wellFormed();
        assertThat(run.test("he0.Main#main")).containsEntry("status", "ERROR")
                .containsEntry("message", "the JVM exited during this test (System.exit?)");
    }
}
