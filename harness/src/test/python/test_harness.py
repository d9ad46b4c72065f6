"""assay_harness: test and compile runs, run exactly as the sandbox runs them (PROTOCOL.md "Records", "Test run
report"): `/usr/bin/python3 -I -B assay_harness.py`, cwd = the workspace, the handshake on standard input."""
import os
import shutil
import textwrap

import pytest

from conftest import FIXTURES, run_analyzer, run_harness, write_files


def t(source):
    return textwrap.dedent(source).lstrip("\n")


def seal(workspace, tests, generated):
    """Runs the analyzer as the sandbox does and writes the rewritten test files back (as the executor would)."""
    analysis = run_analyzer(workspace, request_tests=tests, generated=generated).assert_well_formed()
    report = analysis.report
    for path, text in report["files"].items():
        with open(os.path.join(str(workspace), path), "w", encoding="utf-8") as f:
            f.write(text)
    return report


def statuses(run):
    return {k: v["status"] for k, v in run.tests().items()}


def rules_in(entries):
    return sorted({e["rule"] for e in entries})


# (a) real pytest features ------------------------------------------------------------------------------------

def test_fixture_params_request_and_autouse_in_a_class_all_pass(workspace):
    for name in os.listdir(os.path.join(FIXTURES, "fixture_features")):
        shutil.copy(os.path.join(FIXTURES, "fixture_features", name), str(workspace))
    run = run_harness(workspace, request_tests=["test_calc.py"], generated=["calc.py"]).assert_well_formed()
    report = run.report
    assert report["errors"] == [] and report["integrity"] == []
    got = statuses(run)
    assert len(got) == 11, got
    assert set(got.values()) == {"PASSED"}, got
    functions = {t["function"] for t in report["tests"]}
    assert len(functions) == 9
    assert "test_calc.py::test_add_with_params" in functions
    assert "test_calc.py::test_add_with_params[zero]" in got
    assert "test_calc.py::TestWithAutouse::test_uses_autouse" in got
    assert all(t["file"] == "test_calc.py" and t["resource"] is None for t in report["tests"])
    assert report["usage"]["cpuMillis"] > 0 and report["usage"]["peakMemoryBytes"] > 0


def test_statuses_messages_and_units(workspace):
    write_files(workspace, {
        "sol.py": "def f(x):\n    return x\n",
        "tests/test_s.py": t("""
            import pytest
            from sol import f

            def test_pass():
                assert f(1) == 1

            def test_fail():
                assert f(1) == 2

            def test_error():
                raise ValueError("boom")

            def test_memory():
                raise MemoryError()

            def test_pytest_fail():
                pytest.fail("deliberate")

            @pytest.mark.skip(reason="not now")
            def test_skip():
                pass

            @pytest.mark.xfail(reason="known")
            def test_xfail():
                assert False

            @pytest.mark.xfail(reason="fixed")
            def test_xpass():
                pass

            @pytest.mark.xfail(reason="fixed", strict=True)
            def test_xpass_strict():
                pass

            @pytest.fixture
            def broken():
                raise RuntimeError("setup broke")

            def test_setup_error(broken):
                pass

            @pytest.fixture
            def bad_teardown():
                yield
                raise RuntimeError("teardown broke")

            def test_teardown_error(bad_teardown):
                pass

            def test_exits():
                raise SystemExit(3)

            @pytest.mark.parametrize("v", [1, 2])
            def test_param(v):
                assert f(v) == 1
        """)})
    run = run_harness(workspace, request_tests=["tests/test_s.py"], generated=["sol.py"]).assert_well_formed()
    tests = run.tests()
    p = "tests/test_s.py::"
    expected = {"test_pass": "PASSED", "test_fail": "FAILED", "test_error": "ERROR", "test_memory": "ERROR",
                "test_pytest_fail": "FAILED", "test_skip": "SKIPPED", "test_xfail": "SKIPPED",
                "test_xpass": "PASSED", "test_xpass_strict": "FAILED", "test_setup_error": "ERROR",
                "test_teardown_error": "ERROR", "test_exits": "ERROR", "test_param[1]": "PASSED",
                "test_param[2]": "FAILED"}
    assert {k[len(p):]: v["status"] for k, v in tests.items()} == expected
    assert "assert 1 == 2" in tests[p + "test_fail"]["message"]
    assert "boom" in tests[p + "test_error"]["message"]
    assert tests[p + "test_memory"]["resource"] == "MEMORY"
    assert tests[p + "test_skip"]["message"] == "not now"
    assert tests[p + "test_xfail"]["message"] == "expected failure: known"
    assert "setup broke" in tests[p + "test_setup_error"]["message"]
    assert "teardown broke" in tests[p + "test_teardown_error"]["message"]
    assert tests[p + "test_param[2]"]["function"] == p + "test_param"
    assert all(v["file"] == "tests/test_s.py" for v in tests.values())
    assert all(len(v["message"] or "") <= 2000 for v in tests.values())


def test_collection_errors_and_module_skips(workspace):
    write_files(workspace, {
        "test_broken.py": "def test_x(:\n    pass\n",
        "test_import.py": "import does_not_exist\n\ndef test_x():\n    pass\n",
        "test_skipped.py": "import pytest\npytest.skip('whole module', allow_module_level=True)\n",
        "test_ok.py": "def test_ok():\n    pass\n"})
    run = run_harness(workspace, request_tests=["test_broken.py", "test_import.py", "test_skipped.py",
                                                "test_ok.py"]).assert_well_formed()
    report = run.report
    names = sorted(e["name"] for e in report["errors"])
    assert names == ["test_broken.py", "test_import.py"]
    assert all(e["message"].startswith("collection failed") for e in report["errors"])
    got = statuses(run)
    assert got == {"test_broken.py": "ERROR", "test_import.py": "ERROR", "test_skipped.py": "SKIPPED",
                   "test_ok.py::test_ok": "PASSED"}
    assert run.tests()["test_skipped.py"]["message"] == "whole module"


# (b) probes ------------------------------------------------------------------------------------------------------

PROBED_TESTS = t("""
    import pytest
    from sol import double

    def check(x):
        assert double(x) == 4

    @pytest.mark.parametrize("v", [1, 2])
    def test_param(v):
        assert double(v) != 0

    def test_helper():
        check(2)

    class TestK:
        def test_method(self):
            assert double(3) == 6
            assert double(0) is not None
""")


def test_probes_carry_runtime_test_ids(workspace):
    write_files(workspace, {"sol.py": "def double(x):\n    return 2 * x\n", "test_p.py": PROBED_TESTS})
    analysis = seal(workspace, ["test_p.py"], ["sol.py"])
    assert {t["function"]: t["evidence"] for t in analysis["tests"]} == {
        "test_p.py::test_param": "SEALED", "test_p.py::test_helper": "SEALED",
        "test_p.py::TestK::test_method": "SEALED"}
    run = run_harness(workspace, request_tests=["test_p.py"], generated=["sol.py"]).assert_well_formed()
    report = run.report
    assert set(statuses(run).values()) == {"PASSED"}
    assert report["integrity"] == []
    lines = {int(k): e["line"] for k, e in analysis["expectations"].items()}
    seen = [(lines[p["probe"]], p["test"], p["value"]) for p in report["probes"]]
    assert seen == [
        (9, "test_p.py::test_param[1]", {"t": "int", "v": "2"}),
        (9, "test_p.py::test_param[2]", {"t": "int", "v": "4"}),
        (5, "test_p.py::test_helper", {"t": "int", "v": "4"}),
        (16, "test_p.py::TestK::test_method", {"t": "int", "v": "6"}),
        (17, "test_p.py::TestK::test_method", {"t": "int", "v": "0"}),
    ]


def test_an_always_equal_answer_passes_in_process_but_its_probe_is_opaque(workspace):
    cheat = t("""
        class Anything:
            def __eq__(self, other):
                return True
            __ne__ = lambda self, other: False
            __hash__ = object.__hash__

        def double(x):
            return Anything()
    """)
    write_files(workspace, {"sol.py": cheat, "test_p.py": PROBED_TESTS})
    analysis = seal(workspace, ["test_p.py"], ["sol.py"])
    assert "equality-ignores-argument" in rules_in(analysis["findings"])
    run = run_harness(workspace, request_tests=["test_p.py"], generated=["sol.py"]).assert_well_formed()
    assert set(statuses(run).values()) == {"PASSED"}          # in-process evidence is fooled...
    values = [p["value"] for p in run.report["probes"]]
    assert values and all(v["t"] == "object" and v["type"] == "sol.Anything" for v in values)   # ...sealed is not


def test_probe_called_from_generated_code_is_not_recorded(workspace):
    write_files(workspace, {
        "sol.py": "def double(x):\n    __assay_probe__(1, 4)\n    return 2 * x\n",
        "test_p.py": "from sol import double\n\ndef test_it():\n    assert double(2) == 4\n"})
    seal(workspace, ["test_p.py"], ["sol.py"])
    run = run_harness(workspace, request_tests=["test_p.py"], generated=["sol.py"]).assert_well_formed()
    assert [p["test"] for p in run.report["probes"]] == ["test_p.py::test_it"]
    assert [(e["rule"], e["path"]) for e in run.report["integrity"]] == [("framework-patch", "sol.py")]


# (c) the nonce stays out of reach ---------------------------------------------------------------------------------

LEAK_TEST = t("""
    import os
    import sys

    def test_reads_what_it_can(tmp_path):
        found = []
        for name in ("cmdline", "environ"):
            with open("/proc/self/" + name, "rb") as f:
                found.append(f.read())
        found.append(os.read(0, 4096))
        try:
            found.append(sys.stdin.read().encode())
        except OSError:
            found.append(b"")
        with open(os.path.join(os.path.dirname(__file__), "leak.bin"), "wb") as out:
            out.write(b"\\0".join(found))
        assert found[2] == b""
""")


@pytest.mark.parametrize("via_file", [False, True])
def test_nonce_is_not_in_cmdline_environ_or_stdin(workspace, via_file):
    write_files(workspace, {"test_leak.py": LEAK_TEST})
    run = run_harness(workspace, request_tests=["test_leak.py"], via_file=via_file).assert_well_formed()
    assert statuses(run) == {"test_leak.py::test_reads_what_it_can": "PASSED"}
    data = (workspace / "leak.bin").read_bytes()
    assert run.nonce.encode() not in data
    assert b"assay_harness.py" in data            # it did read the command line
    if via_file:
        assert not os.path.exists(run.handshake_file)


# (d) a fake record changes nothing --------------------------------------------------------------------------------

def test_fake_record_with_a_made_up_nonce_changes_nothing(workspace):
    fake = "f" * 64
    write_files(workspace, {
        "sol.py": t("""
            import os
            FAKE = "\\n%s REPORT {\\"tests\\": [], \\"probes\\": [], \\"errors\\": [], \\"integrity\\": []}\\n"
            print(FAKE)
            for fd in range(1, 12):
                try:
                    os.write(fd, FAKE.encode())
                except OSError:
                    pass

            def f():
                return 1
        """ % fake),
        "test_f.py": "from sol import f\n\ndef test_one():\n    assert f() == 1\n\ndef test_two():\n    assert f() == 2\n"})
    run = run_harness(workspace, request_tests=["test_f.py"], generated=["sol.py"]).assert_well_formed()
    assert fake + " REPORT" in run.stdout          # the forgery reached the channel...
    assert statuses(run) == {"test_f.py::test_one": "PASSED", "test_f.py::test_two": "FAILED"}  # ...to no effect


# (e) exiting early leaves no report ----------------------------------------------------------------------------

@pytest.mark.parametrize("exit_code", ["import os\nos._exit(0)\n", "import sys\nsys.exit(0)\n"])
def test_exit_at_import(workspace, exit_code):
    write_files(workspace, {"sol.py": exit_code + "def f():\n    return 1\n",
                            "test_e.py": "from sol import f\n\ndef test_it():\n    assert f() == 1\n"})
    run = run_harness(workspace, request_tests=["test_e.py"], generated=["sol.py"])
    if "_exit" in exit_code:
        assert run.kinds() == ["BEGIN"]              # BEGIN, no report, exit status 0: TAMPERED for the executor
        assert run.returncode == 0
    else:
        run.assert_well_formed()                      # SystemExit at import is a collection error, reported
        assert run.report["errors"][0]["name"] == "test_e.py"


# (f) audit events ---------------------------------------------------------------------------------------------

EVIL = t("""
    import gc
    import inspect
    import sys
    import _pytest.reports

    def frame_walk():
        return sys._getframe(1).f_globals.get("__name__")

    def stack_walk():
        return len(inspect.stack())

    def traceback_walk():
        try:
            raise ValueError()
        except ValueError as e:
            return e.__traceback__.tb_frame

    def heap_walk():
        try:
            gc.get_objects()
            return "allowed"
        except RuntimeError:
            return "denied"

    def proc_read():
        try:
            with open("/proc/self/cmdline", "rb") as f:
                return f.read()
        except RuntimeError:
            return "denied"

    def proc_via_pathlib():
        import pathlib
        try:
            return pathlib.Path("/proc/self/environ").read_bytes()
        except RuntimeError:
            return "denied"

    def fake_outcome(self):
        return True

    def patch_class():
        _pytest.reports.TestReport.passed = property(fake_outcome)

    def trace():
        try:
            sys.settrace(None)
            return "allowed"
        except RuntimeError:
            return "denied"

    def native():
        try:
            import ctypes
            return "allowed"
        except (RuntimeError, ImportError):
            return "denied"
""")

EVIL_TESTS = t("""
    import evil

    def test_frame_walk():
        assert evil.frame_walk()

    def test_stack_walk():
        assert evil.stack_walk() > 0

    def test_traceback_walk():
        assert evil.traceback_walk() is not None

    def test_heap_walk():
        assert evil.heap_walk() == "denied"

    def test_proc():
        assert evil.proc_read() == "denied"
        assert evil.proc_via_pathlib() == "denied"

    def test_trace():
        assert evil.trace() == "denied"

    def test_native():
        assert evil.native() == "denied"

    def test_patch_last():
        evil.patch_class()
""")


def test_audit_events_are_written_at_once_and_attributed(workspace):
    write_files(workspace, {"evil.py": EVIL, "test_evil.py": EVIL_TESTS})
    run = run_harness(workspace, request_tests=["test_evil.py"], generated=["evil.py"]).assert_well_formed()
    got = statuses(run)
    assert all(v == "PASSED" for v in got.values()), run.tests()
    events = run.events()
    by_rule = {}
    for e in events:
        by_rule.setdefault(e["rule"], []).append(e)
    assert set(by_rule) == {"frame-walk", "heap-walk", "process-introspection", "framework-patch", "trace-hook",
                            "native-memory"}, events
    for rule, entries in by_rule.items():
        assert all(e["path"] == "evil.py" and isinstance(e["line"], int) for e in entries), (rule, entries)
    frame_lines = sorted(e["line"] for e in by_rule["frame-walk"])
    source = EVIL.splitlines()
    assert any("sys._getframe" in source[n - 1] for n in frame_lines)
    assert any("inspect.stack" in source[n - 1] for n in frame_lines)
    assert any("tb_frame" in source[n - 1] for n in frame_lines)
    assert len(by_rule["process-introspection"]) == 2
    patch = by_rule["framework-patch"][0]
    assert "TestReport.passed" in patch["message"] and "def fake_outcome" in source[patch["line"] - 1]
    # every EVENT is also in the report's integrity, and precedes the report
    assert sorted(map(str, events)) == sorted(map(str, run.report["integrity"]))
    kinds = run.kinds()
    assert kinds.index("REPORT") == len(kinds) - 1


def test_request_tests_may_introspect(workspace):
    write_files(workspace, {"test_own.py": t("""
        import gc
        import sys

        def test_it():
            assert sys._getframe(0) is not None
            assert gc.get_referrers(test_it)
            with open("/proc/self/status") as f:
                assert f.read()
    """)})
    run = run_harness(workspace, request_tests=["test_own.py"]).assert_well_formed()
    assert statuses(run) == {"test_own.py::test_it": "PASSED"}
    assert run.events() == [] and run.report["integrity"] == []


def test_ordinary_library_use_raises_no_events(workspace):
    write_files(workspace, {
        "sol.py": t("""
            import collections
            import dataclasses
            import inspect
            import json
            import logging
            import re
            import traceback
            import typing
            import warnings

            logging.basicConfig(level=logging.DEBUG)
            log = logging.getLogger("sol")
            Point = collections.namedtuple("Point", "x y")

            class Pair(typing.NamedTuple):
                a: int
                b: int

            @dataclasses.dataclass
            class Box:
                items: list = dataclasses.field(default_factory=list)

            def solve(text):
                log.info("solving %s", text)
                warnings.warn("careful", UserWarning)
                try:
                    int("x")
                except ValueError:
                    log.exception("expected")
                    traceback.format_exc()
                inspect.signature(solve)
                T = typing.TypeVar("T")
                return json.dumps({"p": Point(1, 2), "q": Pair(3, 4), "b": Box([1]).items,
                                   "m": re.findall(r"\\d", text)})
        """),
        "test_sol.py": "from sol import solve\n\ndef test_it():\n    assert solve('a1b2') == " +
                       repr('{"p": [1, 2], "q": [3, 4], "b": [1], "m": ["1", "2"]}') + "\n"})
    run = run_harness(workspace, request_tests=["test_sol.py"], generated=["sol.py"]).assert_well_formed()
    assert statuses(run) == {"test_sol.py::test_it": "PASSED"}
    assert run.events() == [] and run.report["integrity"] == []


# (g) framework patches ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("patch, what", [
    ("import _pytest.reports\nclass Fake(_pytest.reports.TestReport):\n    pass\n"
     "_pytest.reports.TestReport = Fake\n", "_pytest.reports.TestReport"),
    ("import json\njson.dumps = lambda *a, **k: '{}'\n", "json.dumps"),
    ("import builtins\nbuiltins.__assay_probe__ = lambda *a: None\n", "builtins.__assay_probe__"),
    ("import unittest\nunittest.TestCase.assertEqual = lambda *a, **k: None\n", "unittest.case.TestCase.assertEqual"),
])
def test_framework_patches_are_in_integrity(workspace, patch, what):
    write_files(workspace, {"sol.py": patch + "def f():\n    return 1\n",
                            "test_g.py": "from sol import f\n\ndef test_it():\n    assert f() == 1\n"})
    run = run_harness(workspace, request_tests=["test_g.py"], generated=["sol.py"]).assert_well_formed()
    messages = [e["message"] for e in run.report["integrity"] if e["rule"] == "framework-patch"]
    assert any(what in m for m in messages), run.report["integrity"]
    assert any(e["rule"] == "framework-patch" for e in run.events())


def test_warnings_attributed_to_framework_code_are_not_patches(workspace):
    # warnings.warn records what it has shown in the __warningregistry__ of the module it attributes the warning to:
    # a test serving an endpoint that leaves a socket open does that to pytest's own modules.
    write_files(workspace, {
        "sol.py": "import warnings\n\ndef f():\n    warnings.warn('socket left open', ResourceWarning, stacklevel=3)\n    return 1\n",
        "test_w.py": "from sol import f\n\ndef test_it():\n    assert f() == 1\n"})
    run = run_harness(workspace, request_tests=["test_w.py"], generated=["sol.py"]).assert_well_formed()
    assert statuses(run) == {"test_w.py::test_it": "PASSED"}
    assert run.events() == [] and run.report["integrity"] == []


def test_plugin_registered_from_a_generated_file(workspace):
    write_files(workspace, {
        "conftest.py": "def pytest_runtest_logreport(report):\n    pass\n",
        "test_c.py": "def test_it():\n    pass\n"})
    run = run_harness(workspace, request_tests=["test_c.py"], generated=["conftest.py"]).assert_well_formed()
    assert [(e["rule"], e["path"], e["line"]) for e in run.report["integrity"]] == [("plugin", "conftest.py", 1)]


def test_forged_report_event_is_refused_and_recorded(workspace):
    write_files(workspace, {
        "sol.py": t("""
            import sys
            def f():
                sys.audit("assay.report", {"tests": [], "probes": [], "errors": [], "integrity": []})
                return 1
        """),
        "test_r.py": "from sol import f\n\ndef test_it():\n    assert f() == 1\n"})
    run = run_harness(workspace, request_tests=["test_r.py"], generated=["sol.py"]).assert_well_formed()
    assert statuses(run) == {"test_r.py::test_it": "PASSED"}
    assert [(e["rule"], e["path"]) for e in run.events()] == [("framework-patch", "sol.py")]


# (h) skips from generated code --------------------------------------------------------------------------------

def test_skip_raised_in_generated_code(workspace):
    write_files(workspace, {
        "sol.py": t("""
            import pytest
            import unittest

            def f():
                pytest.skip("not today")

            def g():
                raise unittest.SkipTest("nor today")
        """),
        "test_k.py": t("""
            import unittest
            import pytest
            from sol import f, g

            def test_pytest_style():
                f()

            class Case(unittest.TestCase):
                def test_unittest_style(self):
                    g()

            def test_own_skip():
                pytest.skip("the test itself says so")
        """)})
    run = run_harness(workspace, request_tests=["test_k.py"], generated=["sol.py"]).assert_well_formed()
    assert set(statuses(run).values()) == {"SKIPPED"}
    flagged = sorted((e["rule"], e["path"], e["message"].split(" ")[0]) for e in run.report["integrity"])
    assert flagged == [("skip-from-generated", "sol.py", "test_k.py::Case::test_unittest_style"),
                       ("skip-from-generated", "sol.py", "test_k.py::test_pytest_style")]


def test_module_skipped_at_collection_by_generated_code(workspace):
    write_files(workspace, {
        "sol.py": "import pytest\npytest.skip('everything', allow_module_level=True)\n",
        "test_m.py": "import sol\n\ndef test_it():\n    pass\n"})
    run = run_harness(workspace, request_tests=["test_m.py"], generated=["sol.py"]).assert_well_formed()
    assert statuses(run) == {"test_m.py": "SKIPPED"}
    assert [(e["rule"], e["path"]) for e in run.report["integrity"]] == [("skip-from-generated", "sol.py")]


# (i) robustness: a report in every case the harness survives -------------------------------------------------------

@pytest.mark.parametrize("body", [
    "raise KeyboardInterrupt()",
    "import pytest\n    pytest.exit('stop here', returncode=0)",
    "import signal, os\n    signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(SystemExit(5)))\n"
    "    signal.setitimer(signal.ITIMER_REAL, 0.05)",
    "import threading, time\n    threading.Thread(target=lambda: [time.sleep(0.001) for _ in range(10 ** 6)],"
    " daemon=True).start()",
])
def test_report_in_every_case(workspace, body):
    write_files(workspace, {"test_i.py": "def test_first():\n    %s\n\ndef test_second():\n    pass\n" % body})
    run = run_harness(workspace, request_tests=["test_i.py"]).assert_well_formed()
    assert "test_i.py::test_first" in run.tests() or run.report["errors"]


def test_handshake_without_nonce_gives_no_report(workspace):
    import subprocess
    from conftest import HARNESS, INTERPRETER
    proc = subprocess.run([INTERPRETER, "-I", "-B", HARNESS], input='{"mode": "test"}\n', capture_output=True,
                          text=True, cwd=str(workspace))
    assert proc.returncode == 2 and proc.stdout == ""


# (j) compile mode -------------------------------------------------------------------------------------------------

def test_compile_mode(workspace):
    write_files(workspace, {
        "good.py": "def f():\n    return 1\n",
        "pkg/bad.py": "def f(:\n",
        "pkg/__init__.py": "import os\nos._exit(3)\n",             # never imported
        ".hidden/skip.py": "def (\n",
        "node_modules/x.py": "def (\n",
        "notes.txt": "not python"})
    run = run_harness(workspace, mode="compile").assert_well_formed()
    report = run.report
    assert run.records[0] == ("BEGIN", {"harness": "python", "mode": "compile"})
    assert statuses(run) == {"compile:good.py": "PASSED", "compile:pkg/__init__.py": "PASSED",
                             "compile:pkg/bad.py": "FAILED"}
    assert all(t["function"] == t["id"] for t in report["tests"])
    assert report["tests"][0]["file"] in ("good.py", "pkg/__init__.py", "pkg/bad.py")
    assert "SyntaxError" in run.tests()["compile:pkg/bad.py"]["message"]
    assert report["probes"] == []


def test_repeated_events_are_written_once(workspace):
    write_files(workspace, {
        "sol.py": "import sys\n\ndef f():\n    for _ in range(5000):\n        sys._getframe(0)\n    return 1\n",
        "test_r.py": "from sol import f\n\ndef test_it():\n    assert f() == 1\n"})
    run = run_harness(workspace, request_tests=["test_r.py"], generated=["sol.py"]).assert_well_formed()
    assert [(e["rule"], e["line"]) for e in run.events()] == [("frame-walk", 5)]


def test_request_tests_patching_with_mock_and_monkeypatch_are_not_flagged(workspace):
    write_files(workspace, {
        "sol.py": "import json\n\ndef dump(x):\n    return json.dumps(x)\n",
        "test_m.py": t("""
            import json
            import sys
            from unittest import mock
            import pytest
            import sol

            def test_monkeypatch(monkeypatch):
                monkeypatch.setattr(json, "dumps", lambda x: "patched")
                assert sol.dump(1) == "patched"

            @mock.patch("json.dumps", return_value="mocked")
            def test_mock_decorator(m):
                assert sol.dump(1) == "mocked"
                m.assert_called_once_with(1)

            def test_magic_mock():
                with mock.patch.object(sol, "dump", mock.MagicMock(return_value=3)):
                    assert sol.dump() == 3

            def test_stdout_replaced(capsys):
                sys.stdout.write("x")
                assert capsys.readouterr().out == "x"
        """)})
    run = run_harness(workspace, request_tests=["test_m.py"], generated=["sol.py"]).assert_well_formed()
    assert set(statuses(run).values()) == {"PASSED"}
    assert run.events() == [] and run.report["integrity"] == []


def test_code_swapped_into_framework_functions_is_seen_at_once(workspace):
    write_files(workspace, {
        "sol.py": t("""
            import _pytest.reports
            import _pytest.runner

            def fake(*args, **kwargs):
                return None

            def swap():
                _pytest.runner.check_interactive_exception.__code__ = fake.__code__
                _pytest.reports.TestReport.from_item_and_call.__func__.__code__ = \\
                    _pytest.reports.TestReport.from_item_and_call.__func__.__code__
        """),
        "test_w.py": "import sol\n\ndef test_it():\n    sol.swap()\n"})
    run = run_harness(workspace, request_tests=["test_w.py"], generated=["sol.py"]).assert_well_formed()
    events = [(e["rule"], e["path"], e["line"]) for e in run.events()]
    assert events == [("framework-patch", "sol.py", 8), ("framework-patch", "sol.py", 9)], run.events()


def test_report_too_large_for_memory_becomes_a_smaller_report(workspace):
    # 20 000 probe calls share one 100 000-character string: cheap to record, about 2 GB to write out
    write_files(workspace, {"test_big.py": t("""
        def test_big():
            s = "x" * 100000
            for _ in range(20000):
                __assay_probe__(1, s)
    """)})
    run = run_harness(workspace, request_tests=["test_big.py"], memory_bytes=600 * 1024 * 1024,
                      timeout=300).assert_well_formed()
    report = run.report
    assert report["probes"] == []
    assert report["tests"][0]["status"] == "PASSED"
    assert report["errors"][-1] == {"name": "harness", "resource": "MEMORY",
                                    "message": "20000 probe values could not be written (out of memory)"}


def test_proc_through_a_symlink_is_denied(workspace):
    write_files(workspace, {
        "sol.py": t("""
            import os
            import subprocess

            def via_os_symlink():
                try:
                    os.symlink("/proc/self", "self-link")
                    return "allowed"
                except RuntimeError:
                    return "denied"

            def via_shell_link():
                subprocess.run(["ln", "-s", "/proc/self", "shell-link"], check=True)
                try:
                    with open("shell-link/cmdline", "rb") as f:
                        return f.read()
                except RuntimeError:
                    return "denied"
        """),
        "test_l.py": t("""
            import sol

            def test_links():
                assert sol.via_os_symlink() == "denied"
                assert sol.via_shell_link() == "denied"
        """)})
    run = run_harness(workspace, request_tests=["test_l.py"], generated=["sol.py"]).assert_well_formed()
    assert statuses(run) == {"test_l.py::test_links": "PASSED"}
    assert [(e["rule"], e["path"], e["line"]) for e in run.events()] == [
        ("process-introspection", "sol.py", 6), ("process-introspection", "sol.py", 14)]
