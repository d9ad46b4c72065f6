"""assay_analyze: trusted test set, skipInSource, sealing, reachability and evidence (PROTOCOL.md "Analysis report")."""
import textwrap

import pytest

from analyzer_support import analyze, check_rewrite, expectation, kinds, unit
from assay_canon import encode

SOLUTION = {"sol.py": "def f(x=None):\n    return x\n\ndef g(x=None):\n    return x\n"}


def t(source):
    return textwrap.dedent(source).lstrip("\n")


def only_unit(report):
    assert len(report["tests"]) == 1, report["tests"]
    return report["tests"][0]


# --- sealed shapes ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("assertion, kind, expected, tolerance", [
    ("assert f(1) == [1, 2]", "py.eq", encode([1, 2]), None),
    ("assert [1, 2] == f(1)", "py.eq", encode([1, 2]), None),
    ("assert f(1) != 'x'", "py.ne", encode("x"), None),
    ("assert f(1) is None", "py.is", encode(None), None),
    ("assert f(1) is True", "py.is", encode(True), None),
    ("assert f(1) is False", "py.is", encode(False), None),
    ("assert f(1) is not None", "py.isnot", encode(None), None),
    ("assert f(1)", "py.truthy", None, None),
    ("assert not f(1)", "py.falsy", None, None),
    ("assert abs(f(1) - 0.5) < 1e-6", "py.approx", encode(0.5), {"rel": 0, "abs": 1e-6, "strict": True}),
    ("assert abs(0.5 - f(1)) <= 0.01", "py.approx", encode(0.5), {"rel": 0, "abs": 0.01, "strict": False}),
    ("assert 1e-3 > abs(f(1) - 2.0 / 3.0)", "py.approx", encode(2.0 / 3.0), {"rel": 0, "abs": 1e-3, "strict": True}),
    ("assert f(1) == pytest.approx(0.3)", "py.approx", encode(0.3), {"rel": 1e-6, "abs": 1e-12, "strict": False}),
    ("assert pytest.approx([0.1, 0.2]) == f(1)", "py.approx", encode([0.1, 0.2]),
     {"rel": 1e-6, "abs": 1e-12, "strict": False}),
    ("assert f(1) == pytest.approx(0.3, abs=0.01)", "py.approx", encode(0.3), {"rel": 0, "abs": 0.01, "strict": False}),
    ("assert f(1) == pytest.approx(0.3, rel=0.1)", "py.approx", encode(0.3),
     {"rel": 0.1, "abs": 1e-12, "strict": False}),
    ("assert f(1) == approx(0.3, 0.1, 0.2)", "py.approx", encode(0.3), {"rel": 0.1, "abs": 0.2, "strict": False}),
    ("assert math.isclose(f(1), 0.3)", "py.isclose", encode(0.3), {"rel": 1e-09, "abs": 0.0}),
    ("assert math.isclose(0.3, f(1), rel_tol=1e-3, abs_tol=1e-4)", "py.isclose", encode(0.3),
     {"rel": 1e-3, "abs": 1e-4}),
    ("assert isclose(f(1), 2)", "py.isclose", encode(2), {"rel": 1e-09, "abs": 0.0}),
    ("assert f(1) == 2, 'the message ' + str(SECRET)", "py.eq", encode(2), None),
    ("assert (f(1)) == (\n    2\n)", "py.eq", encode(2), None),
])
def test_pytest_shapes(workspace, assertion, kind, expected, tolerance):
    body = "\n".join("    " + line for line in assertion.split("\n"))
    src = ("import math\nimport pytest\nfrom math import isclose\nfrom pytest import approx\nfrom sol import f\n"
           "SECRET = 3\n\n\ndef test_it():\n%s\n    return None\n" % body)
    report = analyze(workspace, {"test_a.py": src}, SOLUTION)
    u = unit(report, "test_a.py::test_it")
    assert u["evidence"] == "SEALED", report
    assert u["probes"] == [1]
    e = expectation(report, 1)
    assert e["kind"] == kind
    assert e["expected"] == expected
    assert e["tolerance"] == tolerance
    assert e["line"] == 10 and e["path"] == "test_a.py"
    assert e["source"].startswith("assert")
    rewritten = report["files"]["test_a.py"]
    assert "__assay_probe__(1, (" in rewritten
    assert "the message" not in rewritten


@pytest.mark.parametrize("call, kind, expected, tolerance", [
    ("self.assertEqual(f(1), [1, 2])", "py.eq", encode([1, 2]), None),
    ("self.assertEqual('x', f(1), 'msg')", "py.eq", encode("x"), None),
    ("self.assertEqual(first=f(1), second=3)", "py.eq", encode(3), None),
    ("self.assertListEqual(f(1), [3])", "py.eq", encode([3]), None),
    ("self.assertNotEqual(f(1), 3)", "py.ne", encode(3), None),
    ("self.assertTrue(f(1))", "py.truthy", None, None),
    ("self.assertFalse(f(1), msg='no')", "py.falsy", None, None),
    ("self.assertIsNone(f(1))", "py.is", encode(None), None),
    ("self.assertIsNotNone(f(1))", "py.isnot", encode(None), None),
    ("self.assertIs(f(1), True)", "py.is", encode(True), None),
    ("self.assertIs(False, f(1))", "py.is", encode(False), None),
    ("self.assertAlmostEqual(f(1), 0.5)", "py.almost", encode(0.5), {"places": 7}),
    ("self.assertAlmostEqual(f(1), 0.5, 3)", "py.almost", encode(0.5), {"places": 3}),
    ("self.assertAlmostEqual(f(1), 0.5, places=2)", "py.almost", encode(0.5), {"places": 2}),
    ("self.assertAlmostEqual(0.5, f(1), delta=0.01)", "py.almost", encode(0.5), {"abs": 0.01}),
])
def test_unittest_shapes(workspace, call, kind, expected, tolerance):
    src = "import unittest\nfrom sol import f\n\n\nclass Check(unittest.TestCase):\n    def test_it(self):\n        %s\n" % call
    report = analyze(workspace, {"test_u.py": src}, SOLUTION)
    u = unit(report, "test_u.py::Check::test_it")
    assert u["evidence"] == "SEALED", report
    e = expectation(report, u["probes"][0])
    assert (e["kind"], e["expected"], e["tolerance"]) == (kind, expected, tolerance)
    assert "self.assert" not in report["files"]["test_u.py"]


@pytest.mark.parametrize("assertion", [
    "assert f(1) < 3",
    "assert f(1) in (1, 2)",
    "assert f(1) == g(2)",
    "assert f(1) == x",
    "assert f(1) != pytest.approx(3)",
    "assert f(1) == pytest.approx(3, nan_ok=True)",
    "assert all(v == 1 for v in f(1))",
    "assert f(1) and g(1)",
    "assert not f(1) == 2",
    "assert f(1) is 3",
    "assert f(1) == range(3)",
    "assert f(1) == 1 + 2j",
    "assert f(1) == 2 ** 100000",
    "assert f(1) == [0] * 200000",
    "assert f(1) == 'ab' * 10 ** 6",
    "assert f(1) == '%0100000000d' % 1",
    "assert f(1) == list(range(10 ** 9))",
    "assert f(1) == 1 << 10 ** 8",
    "assert f(1) == sum(range(10 ** 12))",
    "assert f(1) == round(5, -10 ** 9)",
    "assert f(1) == math.factorial(10 ** 6)",
    "assert f(1) == 1 / 0",
    "assert f(1) == int('9' * 5000)",
    "assert f(1) == sorted(x)",
    "assert f(1) == len",
    "pytest.fail('no')",
    "self_check(f(1))",
    "assert_that(f(1))",
])
def test_not_sealed(workspace, assertion):
    src = ("import math\nimport pytest\nfrom sol import f, g\n\n\ndef self_check(v):\n    assert v\n\n\n"
           "def test_it():\n    x = 3\n    %s\n" % assertion)
    src = src.replace("self_check(f(1))", "self_check.__call__(f(1))")
    report = analyze(workspace, {"test_a.py": src}, SOLUTION)
    u = unit(report, "test_a.py::test_it")
    assert u["evidence"] == "IN_PROCESS"
    assert u["probes"] == []
    assert report["expectations"] == {}
    assert "test_a.py" not in report["files"]


def test_both_sides_constant_is_left_alone(workspace):
    src = t("""
        from sol import f

        def test_only_constants():
            assert 1 + 1 == 2
            assert True

        def test_mixed():
            assert 1 + 1 == 2
            assert f(2) == 2
    """)
    report = analyze(workspace, {"test_a.py": src}, SOLUTION)
    assert unit(report, "test_a.py::test_only_constants")["evidence"] == "IN_PROCESS"   # nothing sealed
    mixed = unit(report, "test_a.py::test_mixed")
    assert mixed["evidence"] == "SEALED" and mixed["probes"] == [1]
    assert "assert 1 + 1 == 2" in report["files"]["test_a.py"]


def test_failing_constant_assertion_is_not_trivial(workspace):
    src = "from sol import f\n\ndef test_it():\n    assert f(1) == 1\n    assert 1 == 2\n"
    report = analyze(workspace, {"test_a.py": src}, SOLUTION)
    assert only_unit(report)["evidence"] == "IN_PROCESS"


# --- constants ----------------------------------------------------------------------------------------------------

def test_constant_expressions_and_module_constants(workspace):
    src = t("""
        import math
        from math import sqrt
        from sol import f

        EXPECTED = [1, 2, 3]
        BASE = {"a": 1}
        DERIVED = tuple(sorted(BASE.keys() if False else ["b", "a"]))
        WORDS = ("x", "y")
        KEPT = [9]

        def test_it():
            assert f(1) == EXPECTED
            assert f(2) == sorted([3, 1, 2]) + [len("abcd")]
            assert f(3) == {k: v * 2 for k, v in [(1, 2)]} or True
            assert f(4) == math.sqrt(2) + sqrt(4) + math.pi
            assert f(5) == tuple(range(3)) + (min(4, 5), max([1, 9]), abs(-2), round(2.5), int("7"), float("1.5"))
            assert f(6) == str(12) + repr("q") + chr(65) + str(ord("a")) + ("yes" if 2 > 1 else "no")
            assert f(7) == WORDS[1:] + WORDS[:1]
            assert f(8) == {**BASE, "c": [*EXPECTED, *KEPT]}
            assert f(9) == frozenset({1, 2}) | {3}
            assert f(10) == (not 0, 3 // 2, -7 % 3, 2 ** 10, 5 >> 1, 1 << 3, 6 & 3, 6 | 1, 6 ^ 3, ~0, bool([]))

        def test_other():
            assert f(KEPT) == 1
    """)
    report = analyze(workspace, {"test_c.py": src}, SOLUTION)
    u = unit(report, "test_c.py::test_it")
    # f(3) compares with a comprehension: not constant, so not sealed
    assert u["evidence"] == "IN_PROCESS"
    values = {e["line"]: e["expected"] for e in report["expectations"].values()}
    assert values[12] == encode([1, 2, 3])
    assert values[13] == encode([1, 2, 3, 4])
    assert 14 not in values
    assert values[15] == encode(2 ** 0.5 + 2.0 + 3.141592653589793)
    assert values[16] == encode((0, 1, 2, 4, 9, 2, 2, 7, 1.5))
    assert values[17] == encode("12'q'A97yes")
    assert values[18] == encode(("y", "x"))
    assert values[19] == encode({"a": 1, "c": [1, 2, 3, 9]})
    assert values[20] == encode(frozenset({1, 2, 3}))
    assert values[21] == encode((True, 1, 2, 1024, 2, 8, 2, 7, 5, -1, False))
    rewritten = report["files"]["test_c.py"]
    # EXPECTED is only used where it was sealed away: its value leaves the file; KEPT is still used elsewhere
    assert "EXPECTED = (None)" in rewritten
    assert "KEPT = [9]" in rewritten
    assert "BASE = {\"a\": 1}" in rewritten


@pytest.mark.parametrize("prelude, expected_side", [
    ("X = [1]\nX = [2]\n", "X"),                        # bound twice
    ("X = [1]\ndef _bump():\n    global X\n    X = 2\n", "X"),
    ("from sol import X\n", "X"),                      # a workspace name
    ("import sol\n", "sol.X"),
    ("X = [1]\nX.append(2)\n", "X + []"),              # still bound once: mutation is not seen (documented)
    ("def sorted(x):\n    return x\n", "sorted([2, 1])"),
    ("from sol import *\n", "sorted([2, 1])"),          # sol.py below defines sorted
    ("import sol as math\n", "math.sqrt(4)"),
    ("def check():\n    import math\nmath = 3\n", "math.sqrt(4)"),
])
def test_names_that_are_not_constant(workspace, prelude, expected_side):
    src = prelude + "from sol import f\n\ndef test_it():\n    assert f(1) == %s\n" % expected_side
    generated = {"sol.py": "X = [1]\ndef f(x):\n    return x\ndef sorted(x):\n    return x\n"}
    report = analyze(workspace, {"test_n.py": src}, generated)
    u = only_unit(report)
    if prelude.startswith("X = [1]\nX.append"):
        assert u["evidence"] == "SEALED"
    else:
        assert u["evidence"] == "IN_PROCESS", (prelude, report["expectations"])


def test_local_names_shadow_builtins(workspace):
    src = t("""
        from sol import f

        def test_it():
            len = lambda x: 0
            assert f(1) == len("abc")

        def test_builtin():
            assert f(1) == len("abc")
    """)
    report = analyze(workspace, {"test_s.py": src}, SOLUTION)
    assert unit(report, "test_s.py::test_it")["evidence"] == "IN_PROCESS"
    assert unit(report, "test_s.py::test_builtin")["evidence"] == "SEALED"


def test_star_import_from_generated_module_shadows_only_its_names(workspace):
    src = "from sol import *\n\ndef test_it():\n    assert f(1) == tuple([1])\n    assert f(2) == len('ab')\n"
    generated = {"sol.py": "def f(x):\n    return x\n\ndef tuple(x):\n    return x\n"}
    report = analyze(workspace, {"test_s.py": src}, generated)
    assert only_unit(report)["evidence"] == "IN_PROCESS"
    assert [e["line"] for e in report["expectations"].values()] == [5]


# --- reach: unconditional, conditional, helpers ------------------------------------------------------------------

def test_conditional_assertions_are_sealed_but_not_required(workspace):
    src = t("""
        from sol import f

        def test_it(flag=True):
            assert f(0) == 0
            if flag:
                assert f(1) == 1
            for i in range(2):
                assert f(i) == 5
            while False:
                assert f(3) == 3
    """)
    report = analyze(workspace, {"test_a.py": src}, SOLUTION)
    u = only_unit(report)
    assert u["evidence"] == "IN_PROCESS"
    assert u["probes"] == [1]
    assert len(report["expectations"]) == 4
    assert report["files"]["test_a.py"].count("__assay_probe__") == 4


@pytest.mark.parametrize("block", [
    "try:\n        assert f(1) == 1\n    except AssertionError:\n        pass",
    "try:\n        pass\n    finally:\n        assert f(1) == 1",
    "with pytest.raises(AssertionError):\n        assert f(1) == 2",
    "with open(__file__) as fh:\n        assert f(1) == 1",
])
def test_assertions_in_try_or_with_are_never_rewritten(workspace, block):
    src = "import pytest\nfrom sol import f\n\ndef test_it():\n    assert f(0) == 0\n    %s\n" % block
    report = analyze(workspace, {"test_a.py": src}, SOLUTION)
    u = only_unit(report)
    assert u["evidence"] == "IN_PROCESS"
    assert u["probes"] == [1]
    assert report["files"]["test_a.py"].count("__assay_probe__") == 1
    assert "assert f(1)" in report["files"]["test_a.py"]


def test_statements_after_return_are_unreachable(workspace):
    src = "from sol import f\n\ndef test_it():\n    assert f(1) == 1\n    return\n    assert f(2) > 2\n"
    report = analyze(workspace, {"test_a.py": src}, SOLUTION)
    assert only_unit(report)["evidence"] == "SEALED"


def test_raise_blocks_sealing(workspace):
    src = "from sol import f\n\ndef test_it():\n    assert f(1) == 1\n    if f(2) != 2:\n        raise ValueError()\n"
    report = analyze(workspace, {"test_a.py": src}, SOLUTION)
    assert only_unit(report)["evidence"] == "IN_PROCESS"


def test_helpers_are_followed_transitively(workspace):
    src = t("""
        from sol import f

        def check(candidate):
            assert candidate(1) == 1
            deeper(candidate)

        def deeper(candidate):
            assert candidate(2) == 2

        def test_one():
            check(f)

        def test_two():
            def local(c):
                assert c(3) == 3
            local(f)
            check(f)
    """)
    report = analyze(workspace, {"test_h.py": src}, SOLUTION)
    one, two = unit(report, "test_h.py::test_one"), unit(report, "test_h.py::test_two")
    assert one["evidence"] == two["evidence"] == "SEALED"
    lines = {int(k): e["line"] for k, e in report["expectations"].items()}
    assert sorted(lines[p] for p in one["probes"]) == [4, 8]
    assert sorted(lines[p] for p in two["probes"]) == [4, 8, 15]


def test_helper_called_conditionally_or_under_try(workspace):
    src = t("""
        from sol import f

        def check(candidate):
            assert candidate(1) == 1

        def guarded(candidate):
            assert candidate(2) == 2

        def test_cond():
            if f(0) is None:
                check(f)

        def test_direct():
            check(f)

        def test_try():
            try:
                guarded(f)
            except AssertionError:
                pass
    """)
    report = analyze(workspace, {"test_h.py": src}, SOLUTION)
    assert unit(report, "test_h.py::test_cond")["evidence"] == "IN_PROCESS"
    assert unit(report, "test_h.py::test_direct")["evidence"] == "SEALED"
    assert unit(report, "test_h.py::test_try")["evidence"] == "IN_PROCESS"
    rewritten = report["files"]["test_h.py"]
    assert "assert candidate(2) == 2" in rewritten     # reached under try: left as it is
    assert "assert candidate(1) == 1" not in rewritten


@pytest.mark.parametrize("use", [
    "list(map(check, [f]))",          # passed as a value
    "check(f) if f else None",        # conditional expression
    "recurse(f, 2)",                  # recursion
    "cached(f)",                      # decorated
    "gen(f)",                         # generator
])
def test_helpers_that_cannot_be_followed(workspace, use):
    src = t("""
        import functools
        from sol import f

        def check(candidate):
            assert candidate(1) == 1

        def recurse(candidate, n):
            assert candidate(n) == n
            if n:
                recurse(candidate, n - 1)

        @functools.lru_cache()
        def cached(candidate):
            assert candidate(1) == 1

        def gen(candidate):
            assert candidate(1) == 1
            yield

        def test_it():
            assert f(0) == 0
            USE
    """).replace("USE", use)
    report = analyze(workspace, {"test_h.py": src}, SOLUTION)
    assert unit(report, "test_h.py::test_it")["evidence"] == "IN_PROCESS"


def test_methods_called_through_self_cannot_be_followed(workspace):
    src = t("""
        import unittest
        from sol import f

        class T(unittest.TestCase):
            def _check(self, v):
                self.assertEqual(f(v), v)

            def _quiet(self):
                return f(1)

            def test_helper(self):
                self.assertEqual(f(1), 1)
                self._check(2)

            def test_quiet(self):
                self.assertEqual(self._quiet(), 1)
    """)
    report = analyze(workspace, {"test_m.py": src}, SOLUTION)
    assert unit(report, "test_m.py::T::test_helper")["evidence"] == "IN_PROCESS"
    assert unit(report, "test_m.py::T::test_quiet")["evidence"] == "SEALED"


def test_imported_assertion_helpers_from_request_files(workspace):
    src = t("""
        from helpers import check, build
        from sol import f

        def test_check():
            assert f(1) == 1
            check(f)

        def test_build():
            assert f(build()) == 1
    """)
    helpers = {"helpers.py": "def check(c):\n    assert c(1) == 1\n\ndef build():\n    return 1\n"}
    report = analyze(workspace, {"test_i.py": src}, SOLUTION, other=helpers)
    assert unit(report, "test_i.py::test_check")["evidence"] == "IN_PROCESS"
    assert unit(report, "test_i.py::test_build")["evidence"] == "SEALED"


def test_assertion_calls_block_sealing(workspace):
    src = t("""
        import pytest
        from sol import f

        def test_raises():
            assert f(1) == 1
            with pytest.raises(TypeError):
                f(1, 2, 3)

        def test_warns():
            assert f(1) == 1
            pytest.warns(UserWarning, f, 1)

        def test_mock():
            assert f(1) == 1
            m = f(2)
            m.assert_called_once_with(1)
    """)
    report = analyze(workspace, {"test_r.py": src}, SOLUTION)
    for name in ("test_raises", "test_warns", "test_mock"):
        assert unit(report, "test_r.py::" + name)["evidence"] == "IN_PROCESS", name


def test_xfail_units_are_not_rewritten(workspace):
    src = t("""
        import pytest
        from sol import f

        @pytest.mark.xfail(reason="known bug")
        def test_x():
            assert f(1) == 2

        @pytest.mark.parametrize("v", [1, pytest.param(2, marks=pytest.mark.xfail)])
        def test_p(v):
            assert f(v) == 1
    """)
    report = analyze(workspace, {"test_x.py": src}, SOLUTION)
    assert report["files"] == {}
    for name in ("test_x", "test_p"):
        u = unit(report, "test_x.py::" + name)
        assert u["evidence"] == "IN_PROCESS" and u["skipInSource"] is True


# --- trusted test set ---------------------------------------------------------------------------------------------

def test_units_functions_classes_nested_unittest_and_inheritance(workspace):
    src = t("""
        import unittest
        import pytest
        from unittest import TestCase
        from sol import f

        def test_plain():
            assert f(1) == 1

        async def test_async():
            assert f(1) == 1

        def helper_test():
            pass

        @pytest.fixture
        def test_fixture_not_a_test():
            return 1

        @pytest.mark.parametrize("x", [1, 2])
        def test_param(x):
            assert f(x) == 1

        class Mixin:
            def test_from_mixin(self):
                assert f(1) == 1

        class TestPlain(Mixin):
            def test_own(self):
                assert f(1) == 1

            class TestNested:
                def test_deep(self):
                    assert f(1) == 1

        class TestWithInit:
            def __init__(self):
                pass

            def test_never(self):
                pass

        class NotCollected:
            def test_nope(self):
                pass

        class Base(unittest.TestCase):
            def test_base(self):
                self.assertEqual(f(1), 1)

        class Derived(Base):
            def test_derived(self):
                self.assertTrue(f(1))

        class Third(TestCase):
            def test_third(self):
                self.assertEqual(f(1), 1)

            def helper(self):
                pass

        class TestDisabled:
            __test__ = False

            def test_off(self):
                pass

        def test_plain():
            assert f(2) == 2
    """)
    report = analyze(workspace, {"tests/test_units.py": src}, SOLUTION)
    ids = sorted(u["function"] for u in report["tests"])
    p = "tests/test_units.py::"
    assert ids == sorted(p + x for x in [
        "test_plain", "test_async", "test_param", "TestPlain::test_own", "TestPlain::test_from_mixin",
        "TestPlain::TestNested::test_deep", "Base::test_base", "Derived::test_base", "Derived::test_derived",
        "Third::test_third"])
    assert all(u["kind"] == "exact" and u["file"] == "tests/test_units.py" for u in report["tests"])
    last = [i for i, line in enumerate(src.splitlines(), 1) if line == "def test_plain():"][-1]
    assert unit(report, p + "test_plain")["line"] == last          # the last definition wins
    mixin = [i for i, line in enumerate(src.splitlines(), 1) if "def test_from_mixin" in line][0]
    assert unit(report, p + "TestPlain::test_from_mixin")["line"] == mixin
    inherited = unit(report, p + "Derived::test_base")
    assert inherited["evidence"] == "SEALED"
    assert inherited["probes"] == unit(report, p + "Base::test_base")["probes"]
    assert unit(report, p + "test_param")["evidence"] == "SEALED"


def test_files_that_are_not_pytest_test_files_are_ignored(workspace):
    report = analyze(workspace, {"helpers.py": "def test_x():\n    assert 1\n", "check_test.py": "x = 1\n"}, {})
    assert report["tests"] == []


def test_unparsable_request_test_is_one_file_unit(workspace):
    report = analyze(workspace, {"test_bad.py": "def test_x(:\n    pass\n"}, {})
    assert report["tests"] == [{"function": "test_bad.py", "file": "test_bad.py", "kind": "file",
                                "skipInSource": False, "evidence": "IN_PROCESS", "probes": [], "line": 0}]
    assert report["errors"][0]["name"] == "test_bad.py"
    assert report["errors"][0]["message"].startswith("syntax error")


def test_dynamic_test_file_is_one_file_unit(workspace):
    src = "for i in range(3):\n    globals()['test_%d' % i] = lambda: None\n"
    report = analyze(workspace, {"test_dyn.py": src}, {})
    assert [u["kind"] for u in report["tests"]] == ["file"]


# --- skipInSource -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("src, skip", [
    ("import pytest\n@pytest.mark.skip(reason='x')\ndef test_it():\n    pass\n", True),
    ("import pytest\n@pytest.mark.skipif(True, reason='x')\ndef test_it():\n    pass\n", True),
    ("from pytest import mark\n@mark.xfail\ndef test_it():\n    pass\n", True),
    ("import unittest\n@unittest.skip('x')\ndef test_it():\n    pass\n", True),
    ("import pytest\nslow = pytest.mark.skipif(True, reason='slow')\n@slow\ndef test_it():\n    pass\n", True),
    ("import pytest\npytestmark = [pytest.mark.skip]\ndef test_it():\n    pass\n", True),
    ("import pytest\n@pytest.mark.parametrize('v', [1, pytest.param(2, marks=pytest.mark.skip)])\n"
     "def test_it(v):\n    pass\n", True),
    ("import pytest\ndef test_it():\n    if 1:\n        pytest.skip('x')\n", True),
    ("import pytest\ndef test_it():\n    pytest.importorskip('numpy')\n", True),
    ("import pytest\npytest.importorskip('numpy')\ndef test_it():\n    pass\n", True),
    ("import pytest\ndef helper():\n    pytest.xfail('x')\ndef test_it():\n    helper()\n", True),
    ("import unittest\ndef test_it():\n    raise unittest.SkipTest('x')\n", True),
    ("import pytest\n@pytest.fixture\ndef res():\n    pytest.skip('no resource')\ndef test_it(res):\n    pass\n", True),
    ("import pytest\n@pytest.fixture(autouse=True)\ndef auto():\n    pytest.skip('x')\ndef test_it():\n    pass\n", True),
    ("import pytest\n@pytest.mark.parametrize('v', [1])\ndef test_it(v):\n    pass\n", False),
    ("def test_it():\n    pass\n", False),
    ("import pytest\n@pytest.fixture\ndef other():\n    pytest.skip('x')\ndef test_it():\n    pass\n", False),
])
def test_skip_in_source_functions(workspace, src, skip):
    report = analyze(workspace, {"test_s.py": src}, {})
    assert unit(report, "test_s.py::test_it")["skipInSource"] is skip


def test_skip_in_source_classes(workspace):
    src = t("""
        import pytest
        import unittest

        @pytest.mark.skip
        class TestDecorated:
            def test_a(self):
                pass

        class TestMarked:
            pytestmark = pytest.mark.xfail
            def test_b(self):
                pass

        class TestChild(TestMarked):
            def test_c(self):
                pass

        class Case(unittest.TestCase):
            def setUp(self):
                self.skipTest("no")
            def test_d(self):
                pass

        @unittest.skipIf(True, "x")
        class Case2(unittest.TestCase):
            def test_e(self):
                pass

        class Case3(unittest.TestCase):
            @unittest.expectedFailure
            def test_f(self):
                pass
            def test_g(self):
                pass
    """)
    report = analyze(workspace, {"test_k.py": src}, {})
    skips = {u["function"].split("::", 1)[1]: u["skipInSource"] for u in report["tests"]}
    assert skips == {"TestDecorated::test_a": True, "TestMarked::test_b": True, "TestChild::test_b": True,
                     "TestChild::test_c": True, "Case::test_d": True, "Case2::test_e": True, "Case3::test_f": True,
                     "Case3::test_g": False}


# --- line preservation --------------------------------------------------------------------------------------------

def test_line_preservation_multiline_and_odd_layouts(workspace):
    src = t('''
        from sol import f
        import pytest

        def test_it():
            x = "\u00e9\u00e9"; assert f(x) == "\u00e9\u00e9"
            assert f(1) == 1; assert f(2) == 2
            assert f([
                1, 2,
            ]) == [1,
                   2]
            assert [1,
                    2] == f(
                [1, 2])
            assert \\
                f(3) == 3
            assert f(4) == 4, (
                "a message"
            )
            self_check = 1
            assert (f(5)  # comment inside
                    ) == 5  # trailing comment
            assert f(6) == pytest.approx(
                6.0)
            assert f(\'\'\'
        multi
        line\'\'\') == "\\nmulti\\nline"

        def test_after():
            assert f(7) == 7
    ''')
    report = analyze(workspace, {"test_l.py": src}, SOLUTION)
    rewritten = report["files"]["test_l.py"]
    check_rewrite(src, rewritten)
    assert rewritten.count("__assay_probe__") == 11
    assert unit(report, "test_l.py::test_it")["evidence"] == "SEALED"
    assert unit(report, "test_l.py::test_after")["line"] == src.splitlines().index("def test_after():") + 1
    assert "# trailing comment" in rewritten


def test_crlf_and_tabs_and_form_feed(workspace):
    src = "from sol import f\r\n\x0c\r\ndef test_it():\r\n\tassert f(1) == [\r\n\t\t1]\r\n\tassert f(2) == 2\r\n"
    path = workspace / "test_w.py"
    path.write_bytes(src.encode())
    (workspace / "sol.py").write_text(SOLUTION["sol.py"])
    import assay_analyze
    report = assay_analyze.analyze({"root": str(workspace), "requestFiles": ["test_w.py"],
                                    "requestTests": ["test_w.py"], "generated": ["sol.py"], "targetPaths": []})
    rewritten = report["files"]["test_w.py"]
    check_rewrite(src, rewritten)
    assert rewritten.count("\r\n") == src.count("\r\n")


def test_probe_ids_are_unique_across_files_and_start_at_one(workspace):
    tests = {"test_a.py": "from sol import f\ndef test_a():\n    assert f(1) == 1\n    assert f(2) == 2\n",
             "test_b.py": "from sol import f\ndef test_b():\n    assert f(3) == 3\n"}
    report = analyze(workspace, tests, SOLUTION)
    assert sorted(int(k) for k in report["expectations"]) == [1, 2, 3]
    assert unit(report, "test_a.py::test_a")["probes"] == [1, 2]
    assert unit(report, "test_b.py::test_b")["probes"] == [3]
    assert kinds(report) == ["py.eq"] * 3


# --- the analysis run as the sandbox runs it -----------------------------------------------------------------------

def test_analysis_run_records(workspace):
    from conftest import run_analyzer
    from conftest import write_files
    write_files(workspace, {"sol.py": SOLUTION["sol.py"],
                            "test_a.py": "from sol import f\n\ndef test_it():\n    assert f(1) == 1\n"})
    for via_file in (False, True):
        run = run_analyzer(workspace, request_tests=["test_a.py"], generated=["sol.py"],
                           via_file=via_file).assert_well_formed()
        assert run.records[0] == ("BEGIN", {"harness": "python", "mode": "analyze"})
        report = run.report
        assert set(report) == {"tests", "files", "expectations", "findings", "signals", "errors"}
        assert report["signals"] == []
        assert report["tests"][0]["evidence"] == "SEALED"
        assert (workspace / "test_a.py").read_text().startswith("from sol")   # nothing written to the workspace
        if via_file:
            import os
            assert not os.path.exists(run.handshake_file)


def test_analysis_run_reports_a_wrong_mode(workspace):
    from conftest import ANALYZER, run_script
    run = run_script(ANALYZER, workspace, "test").assert_well_formed()
    assert run.report["errors"][0]["message"].startswith("analysis failed")
