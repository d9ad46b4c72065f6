package dev.assay.executor;

import static dev.assay.executor.Generations.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ExecutionResult;
import dev.assay.avro.ExecutionStatus;
import dev.assay.avro.TestCaseResult;
import dev.assay.avro.TestStatus;
import dev.assay.executor.sandbox.TestSandboxes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests written for pytest run on the harness's bundled pytest subset, inside the sandbox. */
class PytestSubsetTest {
    @TempDir
    Path scratch;

    @Test
    void pytestStyleTestsRunWithMarksParametrizeAndFixtures() throws Exception {
        Executor executor = PolyglotContract.executor(TestSandboxes.any(), scratch, ExecutorContract.LIMITS);
        ExecutionResult r = executor.execute(Generations.python(List.of(
                file("tests/conftest.py", """
                        import pytest

                        @pytest.fixture
                        def numbers():
                            return [1, 2, 3]
                        """),
                file("tests/test_stats.py", """
                        import os
                        import pytest
                        from stats import mean

                        EVENTS = []

                        @pytest.fixture
                        def tracked():
                            EVENTS.append("setup")
                            yield "value"
                            EVENTS.append("teardown")

                        def test_mean_of_conftest_numbers(numbers):
                            assert mean(numbers) == pytest.approx(2.0)

                        @pytest.mark.parametrize("values,expected", [([1, 2], 1.5), ([10], 10), ([1, 1, 2], 1.3333333)], ids=["pair", "single", "thirds"])
                        def test_mean_cases(values, expected):
                            assert mean(values) == pytest.approx(expected, rel=1e-6)

                        @pytest.mark.parametrize("x", [1, 2])
                        @pytest.mark.parametrize("y", ["a"])
                        def test_product(x, y):
                            assert x < 2

                        def test_empty_raises():
                            with pytest.raises(ValueError, match="empty"):
                                mean([])

                        def test_raises_but_does_not():
                            with pytest.raises(KeyError):
                                mean([1])

                        @pytest.mark.skip(reason="not today")
                        def test_skipped():
                            assert False

                        @pytest.mark.skipif(os.name == "posix", reason="posix")
                        def test_skipif():
                            assert False

                        @pytest.mark.xfail(reason="known bug")
                        def test_xfail():
                            assert mean([1]) == 2

                        def test_fixture_teardown_ran_before(tracked):
                            assert tracked == "value"

                        def test_teardown_order():
                            assert EVENTS == ["setup", "teardown"]

                        def test_tmp_path_capsys_monkeypatch(tmp_path, capsys, monkeypatch):
                            (tmp_path / "f.txt").write_text("hi")
                            print("captured")
                            assert capsys.readouterr().out == "captured\\n"
                            monkeypatch.setenv("MODE", "test")
                            monkeypatch.setattr(os, "getcwd", lambda: "/patched")
                            assert os.environ["MODE"] == "test" and os.getcwd() == "/patched"
                            assert (tmp_path / "f.txt").read_text() == "hi"

                        def test_monkeypatch_was_undone():
                            assert "MODE" not in os.environ and os.getcwd() != "/patched"

                        def test_unknown_fixture(database):
                            pass

                        def test_fail_call():
                            pytest.fail("explicit failure")

                        def test_exits():
                            raise SystemExit(3)

                        class TestGrouped:
                            def setup_method(self, method):
                                self.data = [2, 4]

                            def test_in_class(self):
                                assert mean(self.data) == 3

                            @pytest.mark.parametrize("n", [0, 1])
                            def test_param_in_class(self, n):
                                assert self.data[n] % 2 == 0
                        """)),
                List.of(file("stats.py", """
                        def mean(values):
                            if not values:
                                raise ValueError("mean of empty list")
                            return sum(values) / len(values)
                        """))));
        Map<String, TestCaseResult> byName = r.getTests().stream().collect(Collectors.toMap(t -> t.getName().replace("tests/test_stats.py::", ""), t -> t));
        Map<String, TestStatus> statuses = byName.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getStatus()));
        assertThat(statuses).as(r.getDetail() + r.getStderr()).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("test_mean_of_conftest_numbers", TestStatus.PASSED),
                Map.entry("test_mean_cases[pair]", TestStatus.PASSED),
                Map.entry("test_mean_cases[single]", TestStatus.PASSED),
                Map.entry("test_mean_cases[thirds]", TestStatus.PASSED),
                Map.entry("test_product[1-a]", TestStatus.PASSED),
                Map.entry("test_product[2-a]", TestStatus.FAILED),
                Map.entry("test_empty_raises", TestStatus.PASSED),
                Map.entry("test_raises_but_does_not", TestStatus.FAILED),
                Map.entry("test_skipped", TestStatus.SKIPPED),
                Map.entry("test_skipif", TestStatus.SKIPPED),
                Map.entry("test_xfail", TestStatus.SKIPPED),
                Map.entry("test_fixture_teardown_ran_before", TestStatus.PASSED),
                Map.entry("test_teardown_order", TestStatus.PASSED),
                Map.entry("test_tmp_path_capsys_monkeypatch", TestStatus.PASSED),
                Map.entry("test_monkeypatch_was_undone", TestStatus.PASSED),
                Map.entry("test_unknown_fixture", TestStatus.ERROR),
                Map.entry("test_fail_call", TestStatus.FAILED),
                Map.entry("test_exits", TestStatus.ERROR),
                Map.entry("TestGrouped::test_in_class", TestStatus.PASSED),
                Map.entry("TestGrouped::test_param_in_class[0]", TestStatus.PASSED),
                Map.entry("TestGrouped::test_param_in_class[1]", TestStatus.PASSED)));
        assertThat(byName.get("test_raises_but_does_not").getMessage()).contains("DID NOT RAISE KeyError");
        assertThat(byName.get("test_unknown_fixture").getMessage()).contains("fixture 'database' not found");
        assertThat(byName.get("test_fail_call").getMessage()).contains("explicit failure");
        assertThat(byName.get("test_skipped").getMessage()).isEqualTo("not today");
        assertThat(byName.get("test_exits").getMessage()).isEqualTo("SystemExit: 3");
        assertThat(r.getStatus()).isEqualTo(ExecutionStatus.FAILED);
    }
}
