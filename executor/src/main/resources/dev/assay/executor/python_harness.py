"""Assay's test harness for Python, run inside the sandbox with the workspace as the working directory.

Usage: python3 <harness> <marker> [--compile-only]

Discovers test_*.py and *_test.py below the working directory, runs unittest.TestCase tests, plain test_*
functions and Test* classes (pytest style: asserts, the marks and fixtures of the bundled pytest subset), then prints one line holding <marker> followed by one line of JSON:
{"tests": [{"name", "status", "message", "durationMs", "resource"}], "errors": [...], "usage": {"cpuMillis", "peakMemoryBytes"}}.
With --compile-only nothing is imported: every .py file is compiled and reported as a test named compile:<path>.
The harness only uses the standard library; the sandbox has no network and no site packages to install.
"""
import errno
import importlib.util
import inspect
import json
import os
import socket
import sys
import time
import traceback
import unittest

SKIP_DIRS = {"__pycache__", "node_modules", "venv", ".venv", "site-packages"}
MAX_MESSAGE = 2000

# errno values that show the sandbox, not the code under test, said no; the executor turns them into violations.
RESOURCE_ERRNOS = {
    errno.EAGAIN: "PIDS",
    errno.EFBIG: "DISK",
    errno.ENOSPC: "DISK",
    errno.EDQUOT: "DISK",
    errno.ENETUNREACH: "NETWORK",
    errno.EHOSTUNREACH: "NETWORK",
    errno.ENETDOWN: "NETWORK",
}


def resource_of(exc):
    """The sandbox limit an exception (or one it was raised from) points at, or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, MemoryError):
            return "MEMORY"
        if isinstance(exc, socket.gaierror):
            return "NETWORK"
        if isinstance(exc, OSError) and exc.errno in RESOURCE_ERRNOS:
            return RESOURCE_ERRNOS[exc.errno]
        exc = exc.__cause__ or exc.__context__
    return None


def describe(exc):
    """Exception type and message; for a bare assert, the failing source line instead of an empty message."""
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if isinstance(exc, AssertionError) and not str(exc):
        frames = traceback.extract_tb(exc.__traceback__)
        if frames and frames[-1].line:
            text = "AssertionError: " + frames[-1].line.strip()
    return text[:MAX_MESSAGE]


def discover(root):
    found = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(files):
            if name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py")):
                found.append(os.path.relpath(os.path.join(directory, name), root))
    return found


def load_module(relpath, index):
    directory = os.path.dirname(os.path.abspath(relpath))
    if directory not in sys.path:
        sys.path.insert(1, directory)
    name = os.path.splitext(os.path.basename(relpath))[0]
    # A unique module name keeps two test_x.py files in different folders apart.
    spec = importlib.util.spec_from_file_location(name if name not in sys.modules else f"{name}_{index}", relpath)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class Collector(unittest.TestResult):
    """Records one entry per unittest test case."""

    def __init__(self, prefix, results):
        super().__init__()
        self.prefix = prefix
        self.results = results
        self.started = 0.0

    def startTest(self, test):
        super().startTest(test)
        self.started = time.monotonic()

    def _add(self, test, status, message=None, exc=None):
        name = f"{self.prefix}::{type(test).__name__}::{test._testMethodName}" if isinstance(test, unittest.TestCase) \
            else f"{self.prefix}::{test}"
        self.results.append(entry(name, status, message, self.started, exc))

    def addSuccess(self, test):
        self._add(test, "PASSED")

    def addFailure(self, test, err):
        self._add(test, "FAILED", describe(err[1]), err[1])

    def addError(self, test, err):
        self._add(test, "ERROR", describe(err[1]), err[1])

    def addSkip(self, test, reason):
        self._add(test, "SKIPPED", reason)

    def addExpectedFailure(self, test, err):
        self._add(test, "PASSED", "expected failure")

    def addUnexpectedSuccess(self, test):
        self._add(test, "FAILED", "unexpected success")

    def addSubTest(self, test, subtest, err):
        if err is not None:
            status = "FAILED" if issubclass(err[0], test.failureException) else "ERROR"
            self.results.append(entry(f"{self.prefix}::{subtest.id()}", status, describe(err[1]), self.started, err[1]))


def entry(name, status, message, started, exc=None):
    return {"name": name, "status": status, "message": message,
            "durationMs": int((time.monotonic() - started) * 1000), "resource": resource_of(exc)}


def marks_of(*objects):
    found = []
    for obj in objects:
        marks = getattr(obj, "pytestmark", []) or []
        # A module may say `pytestmark = pytest.mark.x` (one decorator) or a list of them.
        for m in marks if isinstance(marks, (list, tuple)) else [marks]:
            found.append(getattr(m, "mark", m))
    return found


def skip_reason(marks):
    for m in marks:
        if m.name == "skip":
            return m.kwargs.get("reason", m.args[0] if m.args else "skipped")
        if m.name == "skipif" and (m.args[0] if m.args else m.kwargs.get("condition")):
            return m.kwargs.get("reason", "skipped by condition")
    return None


def parameter_sets(marks):
    """(id, {name: value}, marks) per case: the cartesian product of the parametrize marks, in pytest's order."""
    cases = [("", {}, [])]
    for m in reversed([m for m in marks if m.name == "parametrize"]):
        names = m.args[0] if m.args else m.kwargs["argnames"]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        values = m.args[1] if len(m.args) > 1 else m.kwargs["argvalues"]
        ids = m.kwargs.get("ids")
        expanded = []
        for i, value in enumerate(values):
            extra_marks = []
            case_id = None
            if type(value).__name__ == "ParameterSet":
                extra_marks, case_id, value = list(value.marks), value.id, value.values
                value = value if len(names) > 1 else value[0]
            row = list(value) if len(names) > 1 else [value]
            if case_id is None:
                case_id = str(ids[i]) if isinstance(ids, (list, tuple)) and i < len(ids) else \
                    "-".join(v if isinstance(v, str) else repr(v) if isinstance(v, (int, float, bool, type(None))) else
                             f"{n}{i}" for n, v in zip(names, row))
            expanded.append((case_id, dict(zip(names, row)), extra_marks))
        cases = [((c_id + "-" + e_id) if c_id else e_id, {**c_args, **e_args}, c_marks + e_marks)
                 for e_id, e_args, e_marks in expanded for c_id, c_args, c_marks in cases]
    return cases


class CapSys:
    def __init__(self):
        import io
        self._out, self._err = io.StringIO(), io.StringIO()
        self._saved = (sys.stdout, sys.stderr)
        sys.stdout, sys.stderr = self._out, self._err

    def readouterr(self):
        import collections
        out, err = self._out.getvalue(), self._err.getvalue()
        self._out.seek(0), self._out.truncate(), self._err.seek(0), self._err.truncate()
        return collections.namedtuple("CaptureResult", "out err")(out, err)

    def close(self):
        sys.stdout, sys.stderr = self._saved


class Fixtures:
    """Function-scoped fixture values for one test: builtins, then the module's and conftest.py's own."""

    def __init__(self, registry):
        self.registry, self.values, self.finalizers = registry, {}, []

    def get(self, name):
        if name in self.values:
            return self.values[name]
        if name in ("tmp_path", "tmpdir"):
            import pathlib
            import tempfile
            value = pathlib.Path(tempfile.mkdtemp(prefix="pytest-"))
        elif name == "capsys":
            value = CapSys()
            self.finalizers.append(value.close)
        elif name == "monkeypatch":
            import pytest
            value = pytest.MonkeyPatch()
            self.finalizers.append(value.undo)
        elif name in self.registry:
            function = self.registry[name]
            result = function(**{p: self.get(p) for p in required_parameters(function)})
            if inspect.isgenerator(result):
                value = next(result)
                self.finalizers.append(lambda: next(result, None))
            else:
                value = result
        else:
            raise LookupError(f"fixture '{name}' not found")
        self.values[name] = value
        return value

    def close(self):
        errors = []
        for finalizer in reversed(self.finalizers):
            try:
                finalizer()
            except Exception as e:  # noqa: BLE001 - a failing teardown fails the test, reported below
                errors.append(e)
        if errors:
            raise errors[0]


def required_parameters(function):
    return [p.name for p in inspect.signature(function).parameters.values()
            if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def fixtures_in(namespace):
    found = {}
    for value in list(vars(namespace).values()) if not isinstance(namespace, dict) else list(namespace.values()):
        info = getattr(value, "_assay_fixture", None)
        if info is not None and callable(value):
            found[info["name"]] = value
    return found


def run_case(name, function, params, marks, registry, results, instance=None):
    started = time.monotonic()
    reason = skip_reason(marks)
    if reason is not None:
        results.append(entry(name, "SKIPPED", str(reason), started))
        return
    xfail = next((m for m in marks if m.name == "xfail"), None)
    fixtures = Fixtures(registry)
    status, message, error = "PASSED", None, None
    try:
        for fixture_name, fixture_function in registry.items():
            if fixture_function._assay_fixture.get("autouse"):
                fixtures.get(fixture_name)
        if instance is not None and hasattr(instance, "setup_method"):
            instance.setup_method(function)
        arguments = {p: params[p] if p in params else fixtures.get(p) for p in required_parameters(function)}
        function(**arguments)
    except unittest.SkipTest as e:
        status, message = "SKIPPED", str(e)
    except AssertionError as e:
        status, message, error = "FAILED", describe(e), e
    except (Exception, SystemExit, KeyboardInterrupt) as e:  # noqa: BLE001 - a test error, reported, not raised
        status, message, error = "ERROR", describe(e), e
    finally:
        try:
            if instance is not None and hasattr(instance, "teardown_method"):
                instance.teardown_method(function)
            fixtures.close()
        except Exception as e:  # noqa: BLE001
            if status == "PASSED":
                status, message, error = "ERROR", "teardown failed: " + describe(e), e
    if xfail is not None:
        if status in ("FAILED", "ERROR"):
            status, message, error = "SKIPPED", "expected failure: " + (message or ""), None
        elif status == "PASSED" and xfail.kwargs.get("strict"):
            status, message = "FAILED", "unexpectedly passed (strict xfail)"
    results.append(entry(name, status, message, started, error))


def run_function(prefix, name, function, results, registry, extra_marks=(), instance=None):
    marks = list(extra_marks) + marks_of(function)
    for case_id, params, case_marks in parameter_sets(marks):
        run_case(f"{prefix}::{name}" + (f"[{case_id}]" if case_id else ""), function, params, marks + case_marks,
                 registry, results, instance)


def run_test_class(prefix, cls, results, registry):
    """pytest-style classes: Test* without __init__, a fresh instance per test, setup_method/teardown_method."""
    class_marks = marks_of(cls)
    for attr in sorted(a for a in dir(cls) if a.startswith("test")):
        if callable(getattr(cls, attr)):
            instance = cls()
            run_function(f"{prefix}::{cls.__name__}", attr, getattr(instance, attr), results, registry,
                         class_marks, instance)


def conftest_fixtures(root, relpath):
    """Fixtures from conftest.py files between the root and the test's folder."""
    registry = {}
    directory = os.path.dirname(relpath)
    chain = [""]
    for part in [p for p in directory.split(os.sep) if p]:
        chain.append(os.path.join(chain[-1], part))
    for folder in chain:
        path = os.path.join(root, folder, "conftest.py")
        if os.path.isfile(path):
            registry.update(fixtures_in(load_module(os.path.relpath(path, root), "conftest" + str(len(sys.modules)))))
    return registry


def run_tests(root):
    results, errors = [], []
    for index, relpath in enumerate(discover(root)):
        started = time.monotonic()
        try:
            registry = conftest_fixtures(root, relpath)
            module = load_module(relpath, index)
        except BaseException as e:  # noqa: BLE001 - SystemExit or a syntax error in a test file is an import error
            if isinstance(e, unittest.SkipTest):
                results.append(entry(relpath, "SKIPPED", str(e), started))
                continue
            errors.append({"name": relpath, "message": describe(e), "resource": resource_of(e)})
            results.append(entry(relpath, "ERROR", "import failed: " + describe(e), started, e))
            continue
        registry.update(fixtures_in(module))
        module_marks = marks_of(module)
        loader = unittest.TestLoader()
        for attr, value in sorted(vars(module).items()):
            if getattr(value, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(value) and issubclass(value, unittest.TestCase):
                loader.loadTestsFromTestCase(value).run(Collector(relpath, results))
            elif inspect.isclass(value) and attr.startswith("Test") and "__init__" not in vars(value):
                run_test_class(relpath, value, results, registry)
            elif attr.startswith("test") and inspect.isfunction(value) and not hasattr(value, "_assay_fixture"):
                run_function(relpath, attr, value, results, registry, module_marks)
    return results, errors


def compile_all(root):
    results = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(files):
            if name.endswith(".py"):
                relpath = os.path.relpath(os.path.join(directory, name), root)
                started = time.monotonic()
                try:
                    with open(relpath, "rb") as source:
                        compile(source.read(), relpath, "exec", dont_inherit=True)
                    results.append(entry("compile:" + relpath, "PASSED", None, started))
                except (SyntaxError, ValueError) as e:
                    results.append(entry("compile:" + relpath, "FAILED", describe(e), started))
    return results, []


def usage():
    """CPU time and peak RSS of this process and its waited-for children (ru_maxrss is KiB on Linux)."""
    try:
        import resource
    except ImportError:  # not a POSIX interpreter: the executor records 0, "not measured"
        return None
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return {"cpuMillis": int(cpu * 1000), "peakMemoryBytes": max(own.ru_maxrss, children.ru_maxrss) * 1024}


def main():
    marker = sys.argv[1]
    compile_only = "--compile-only" in sys.argv[2:]
    # Keep the real stdout for the report; tests may close or replace sys.stdout.
    report_fd = os.dup(1)
    root = os.getcwd()
    sys.path.insert(0, root)
    # The pytest subset shipped with the harness, ahead of any installed pytest so every host behaves the same.
    sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytest_shim"))
    sys.argv = [sys.argv[0]]
    results, errors = compile_all(root) if compile_only else run_tests(root)
    sys.stdout.flush()
    sys.stderr.flush()
    report = json.dumps({"tests": results, "errors": errors, "usage": usage()}, default=str)
    data = ("\n" + marker + "\n" + report + "\n").encode("utf-8", "replace")
    while data:
        data = data[os.write(report_fd, data):]


if __name__ == "__main__":
    main()
