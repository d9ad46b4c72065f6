"""Helpers for the Python harness tests.

Run with Debian's interpreter (the one inside the sandbox), from any directory:
    /usr/bin/python3 -m pytest -q -p no:cacheprovider harness/src/test/python   (from the checkout)
"""
import json
import os
import secrets
import subprocess
import sys

# The modules under test live in src/main/resources, which is packaged into the sandbox harness directory: no
# __pycache__ may appear there (nor here).
sys.dont_write_bytecode = True

import pytest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "main", "resources", "dev", "assay", "harness", "python"))
HARNESS = os.path.join(PYTHON_DIR, "assay_harness.py")
ANALYZER = os.path.join(PYTHON_DIR, "assay_analyze.py")
FIXTURES = os.path.join(HERE, "fixtures")
INTERPRETER = "/usr/bin/python3"

# Workspaces under fixtures/ are data for the harness, not tests of this suite.
collect_ignore_glob = ["fixtures/*"]

if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)


class Run:
    """One sandbox-style run: the records found on standard output, the exit status and the raw streams."""

    def __init__(self, nonce, proc):
        self.nonce = nonce
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.records = []
        prefix = nonce + " "
        for line in proc.stdout.split("\n"):
            if line.startswith(prefix):
                kind, _, payload = line[len(prefix):].partition(" ")
                self.records.append((kind, json.loads(payload)))

    def kinds(self):
        return [k for k, _ in self.records]

    @property
    def report(self):
        reports = [p for k, p in self.records if k == "REPORT"]
        assert len(reports) == 1, "expected exactly one REPORT, got %d\nstdout:\n%s\nstderr:\n%s" % (
            len(reports), self.stdout[-4000:], self.stderr[-4000:])
        return reports[0]

    def events(self):
        return [p for k, p in self.records if k == "EVENT"]

    def assert_well_formed(self):
        """PROTOCOL.md: BEGIN first, exactly one REPORT, last, nothing but whitespace after it, exit status 0, the
        nonce nowhere else."""
        kinds = self.kinds()
        assert kinds and kinds[0] == "BEGIN", kinds
        assert kinds.count("BEGIN") == 1
        assert kinds.count("REPORT") == 1, (kinds, self.stdout[-3000:], self.stderr[-3000:])
        assert kinds[-1] == "REPORT"
        tail = self.stdout[self.stdout.rindex(self.nonce + " REPORT "):]
        assert tail.count("\n") == 1 and tail.endswith("\n"), "output after the report"
        assert self.returncode == 0, (self.returncode, self.stderr[-3000:])
        record_lines = [line for line in self.stdout.split("\n") if line.startswith(self.nonce + " ")]
        assert self.stdout.count(self.nonce) == len(record_lines), "nonce outside a record prefix"
        assert self.nonce not in self.stderr
        return self

    def tests(self):
        return {t["id"]: t for t in self.report["tests"]}


def write_files(root, files):
    for rel, text in files.items():
        path = os.path.join(str(root), rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def run_script(script, root, mode, request_tests=(), generated=(), request_files=None, target_paths=None,
               via_file=False, timeout=120, extra_env=None, nonce=None, memory_bytes=None):
    """Runs a harness script exactly as the sandbox does: `/usr/bin/python3 -I -B <script>`, cwd = the workspace,
    the handshake as one JSON line on standard input (or in ASSAY_HANDSHAKE_FILE)."""
    nonce = nonce or secrets.token_hex(32)
    handshake = {"nonce": nonce, "mode": mode, "root": str(root),
                 "requestFiles": list(request_files if request_files is not None else request_tests),
                 "requestTests": list(request_tests), "generated": list(generated),
                 "targetPaths": list(target_paths if target_paths is not None else generated),
                 "memoryBytes": 536870912}
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp"}
    env.update(extra_env or {})
    stdin = json.dumps(handshake) + "\n"
    if via_file:
        path = os.path.join(str(root), "..", "handshake-%s.json" % secrets.token_hex(4))
        path = os.path.normpath(path)
        with open(path, "w") as f:
            f.write(stdin)
        env["ASSAY_HANDSHAKE_FILE"] = path
        stdin = ""
    def limit():
        if memory_bytes:
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    proc = subprocess.run([INTERPRETER, "-I", "-B", script], input=stdin, capture_output=True, text=True,
                          cwd=str(root), env=env, timeout=timeout, preexec_fn=limit)
    run = Run(nonce, proc)
    if via_file:
        run.handshake_file = path
    return run


def run_harness(root, mode="test", **kwargs):
    return run_script(HARNESS, root, mode, **kwargs)


def run_analyzer(root, **kwargs):
    return run_script(ANALYZER, root, "analyze", **kwargs)


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "workspace"
    root.mkdir()
    return root
