"""Helpers shared by the analyzer tests: run the analysis in-process and check the rewriting invariants."""
import ast
import io
import os

import assay_analyze

from conftest import write_files


def lines_of(text):
    return list(io.StringIO(text, newline=""))


def check_rewrite(original, rewritten):
    """The rewritten source compiles, has the same number of lines, every statement keeps its line, and every line
    outside a rewritten statement (or blanked constant) is unchanged."""
    compile(rewritten, "rewritten.py", "exec", dont_inherit=True)
    old_lines, new_lines = lines_of(original), lines_of(rewritten)
    assert len(old_lines) == len(new_lines)
    old_tree, new_tree = ast.parse(original), ast.parse(rewritten)
    old_statements = [(n.lineno, n) for n in ast.walk(old_tree) if isinstance(n, ast.stmt)]
    new_by_line = {}
    for n in ast.walk(new_tree):
        if isinstance(n, ast.stmt):
            new_by_line.setdefault(n.lineno, []).append(n)
    touched = set()
    for lineno, old in old_statements:
        news = new_by_line.get(lineno, [])
        assert news, "statement at line %d lost its line" % lineno
        probe = any(isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Name)
                    and n.value.func.id == "__assay_probe__" for n in news)
        if probe and isinstance(old, (ast.Assert, ast.Expr)):
            touched.update(range(old.lineno, old.end_lineno + 1))
        if isinstance(old, (ast.Assign, ast.AnnAssign)) and any(
                isinstance(n, (ast.Assign, ast.AnnAssign)) and isinstance(n.value, ast.Constant)
                and n.value.value is None for n in news):
            touched.update(range(old.lineno, old.end_lineno + 1))
    for index, (a, b) in enumerate(zip(old_lines, new_lines), start=1):
        if a != b:
            assert index in touched, "line %d changed outside a rewritten statement:\n%r\n%r" % (index, a, b)


def analyze(root, tests, generated=None, other=None, check=True):
    """Writes the files and runs the analysis in-process; checks the rewriting invariants of every rewritten file."""
    files = {}
    files.update(tests)
    files.update(generated or {})
    files.update(other or {})
    write_files(root, files)
    report = assay_analyze.analyze({
        "root": str(root), "requestFiles": list(tests) + list(other or {}), "requestTests": list(tests),
        "generated": list(generated or {}), "targetPaths": list(generated or {})})
    if check:
        for path, text in report["files"].items():
            check_rewrite(files[path], text)
    return report


def unit(report, function):
    found = [t for t in report["tests"] if t["function"] == function]
    assert len(found) == 1, (function, [t["function"] for t in report["tests"]])
    return found[0]


def expectation(report, probe):
    return report["expectations"][str(probe)]


def kinds(report):
    return sorted(e["kind"] for e in report["expectations"].values())


def findings(root, files, test_file=False):
    """Tamper findings for generated files (written under root)."""
    write_files(root, files)
    report = assay_analyze.analyze({"root": str(root), "requestFiles": [], "requestTests": [],
                                    "generated": list(files), "targetPaths": list(files)})
    return report["findings"]


def rules(found, severity=None):
    return sorted({f["rule"] for f in found if severity is None or f["severity"] == severity})


def source_of(root, rel):
    with open(os.path.join(str(root), rel), encoding="utf-8") as f:
        return f.read()
