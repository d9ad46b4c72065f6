"""Assay's test harness for Python, run inside the sandbox with the workspace as the working directory.

Usage: python3 <harness> <marker> [--compile-only]

Discovers test_*.py and *_test.py below the working directory, runs unittest.TestCase tests and plain
test_* functions (pytest-style asserts), then prints one line holding <marker> followed by one line of JSON:
{"tests": [{"name", "status", "message", "durationMs", "resource"}], "errors": [...]}.
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


def run_function(prefix, name, function, results):
    started = time.monotonic()
    required = [p for p in inspect.signature(function).parameters.values() if p.default is inspect.Parameter.empty]
    if required:
        results.append(entry(f"{prefix}::{name}", "ERROR",
                             "pytest fixtures are not supported: " + ", ".join(p.name for p in required), started))
        return
    try:
        function()
        results.append(entry(f"{prefix}::{name}", "PASSED", None, started))
    except unittest.SkipTest as e:
        results.append(entry(f"{prefix}::{name}", "SKIPPED", str(e), started))
    except AssertionError as e:
        results.append(entry(f"{prefix}::{name}", "FAILED", describe(e), started, e))
    except Exception as e:  # noqa: BLE001 - every other exception is a test error, reported, not raised
        results.append(entry(f"{prefix}::{name}", "ERROR", describe(e), started, e))


def run_tests(root):
    results, errors = [], []
    for index, relpath in enumerate(discover(root)):
        started = time.monotonic()
        try:
            module = load_module(relpath, index)
        except BaseException as e:  # noqa: BLE001 - SystemExit or a syntax error in a test file is an import error
            errors.append({"name": relpath, "message": describe(e), "resource": resource_of(e)})
            results.append(entry(relpath, "ERROR", "import failed: " + describe(e), started, e))
            continue
        loader = unittest.TestLoader()
        for attr, value in sorted(vars(module).items()):
            if inspect.isclass(value) and issubclass(value, unittest.TestCase) and value.__module__ == module.__name__:
                loader.loadTestsFromTestCase(value).run(Collector(relpath, results))
            elif attr.startswith("test") and inspect.isfunction(value) and value.__module__ == module.__name__:
                run_function(relpath, attr, value, results)
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


def main():
    marker = sys.argv[1]
    compile_only = "--compile-only" in sys.argv[2:]
    # Keep the real stdout for the report; tests may close or replace sys.stdout.
    report_fd = os.dup(1)
    root = os.getcwd()
    sys.path.insert(0, root)
    sys.argv = [sys.argv[0]]
    results, errors = compile_all(root) if compile_only else run_tests(root)
    sys.stdout.flush()
    sys.stderr.flush()
    report = json.dumps({"tests": results, "errors": errors}, default=str)
    data = ("\n" + marker + "\n" + report + "\n").encode("utf-8", "replace")
    while data:
        data = data[os.write(report_fd, data):]


if __name__ == "__main__":
    main()
