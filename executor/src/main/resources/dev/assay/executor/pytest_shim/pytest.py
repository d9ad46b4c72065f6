"""A small stand-in for the parts of pytest that generated tests use most, for Assay's sandboxed harness.

The sandbox has no network and no site packages, so real pytest is not there. This module gives tests written for
pytest what they import (raises, approx, mark.parametrize/skip/skipif/xfail, fixture, skip, fail, importorskip,
MonkeyPatch); Assay's harness reads the marks and resolves fixtures (tmp_path, tmpdir, capsys, monkeypatch and
the module's or conftest.py's own, function scope).
"""
import math
import os
import re
import sys
import unittest

__all__ = ["raises", "approx", "mark", "fixture", "skip", "fail", "importorskip", "MonkeyPatch", "param"]


class Mark:
    def __init__(self, name, args, kwargs):
        self.name, self.args, self.kwargs = name, args, kwargs

    def __repr__(self):
        return f"Mark({self.name!r}, {self.args!r}, {self.kwargs!r})"


class MarkDecorator:
    def __init__(self, name, args=(), kwargs=None):
        self.mark = Mark(name, tuple(args), dict(kwargs or {}))

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and not kwargs and (callable(args[0]) or isinstance(args[0], type)):
            target = args[0]
            target.pytestmark = list(getattr(target, "pytestmark", [])) + [self.mark]
            return target
        return MarkDecorator(self.mark.name, self.mark.args + args, {**self.mark.kwargs, **kwargs})


class _MarkGenerator:
    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return MarkDecorator(name)


mark = _MarkGenerator()


class ParameterSet:
    def __init__(self, values, marks, id):
        self.values, self.marks, self.id = values, marks, id


def param(*values, marks=(), id=None):
    return ParameterSet(values, marks if isinstance(marks, (list, tuple)) else [marks], id)


def fixture(function=None, *, scope="function", params=None, autouse=False, ids=None, name=None):
    def decorate(f):
        f._assay_fixture = {"name": name or f.__name__, "autouse": autouse}
        return f
    return decorate(function) if callable(function) else decorate


class Skipped(unittest.SkipTest):
    pass


def skip(reason="", *, allow_module_level=False):
    raise Skipped(reason)


skip.Exception = Skipped


class Failed(AssertionError):
    pass


def fail(reason="", pytrace=True):
    raise Failed(reason)


def importorskip(modname, minversion=None, reason=None):
    try:
        __import__(modname)
    except ImportError:
        raise Skipped(reason or f"could not import {modname!r}") from None
    return sys.modules[modname]


class ExceptionInfo:
    def __init__(self):
        self.type = self.value = self.tb = None

    def match(self, regexp):
        if not re.search(regexp, str(self.value)):
            raise AssertionError(f"Regex pattern did not match.\n Regex: {regexp!r}\n Input: {str(self.value)!r}")
        return True

    def __repr__(self):
        return f"<ExceptionInfo {self.type.__name__ if self.type else None}: {self.value!r}>"


class RaisesContext:
    def __init__(self, expected, match):
        self.expected, self.match_expr, self.excinfo = expected, match, ExceptionInfo()

    def __enter__(self):
        return self.excinfo

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            names = self.expected.__name__ if isinstance(self.expected, type) else \
                " or ".join(e.__name__ for e in self.expected)
            raise AssertionError(f"DID NOT RAISE {names}")
        if not issubclass(exc_type, self.expected):
            return False
        self.excinfo.type, self.excinfo.value, self.excinfo.tb = exc_type, exc, tb
        if self.match_expr is not None:
            self.excinfo.match(self.match_expr)
        return True


def raises(expected_exception, *args, match=None, **kwargs):
    context = RaisesContext(expected_exception, match)
    if not args:
        return context
    with context as info:
        args[0](*args[1:], **kwargs)
    return info


class approx:
    """Equality within pytest's default tolerances (rel 1e-6, abs 1e-12) for numbers, sequences and dicts."""

    def __init__(self, expected, rel=None, abs=None, nan_ok=False):
        self.expected, self.rel, self.abs, self.nan_ok = expected, rel, abs, nan_ok

    def _close(self, actual, expected):
        if isinstance(expected, (list, tuple)):
            return isinstance(actual, (list, tuple)) and len(actual) == len(expected) and \
                all(self._close(a, e) for a, e in zip(actual, expected))
        if isinstance(expected, dict):
            return isinstance(actual, dict) and actual.keys() == expected.keys() and \
                all(self._close(actual[k], expected[k]) for k in expected)
        if isinstance(expected, (int, float, complex)) and not isinstance(expected, bool) \
                and isinstance(actual, (int, float, complex)):
            if self.nan_ok and isinstance(expected, float) and math.isnan(expected):
                return isinstance(actual, float) and math.isnan(actual)
            if expected == actual:
                return True
            rel = 1e-6 if self.rel is None and self.abs is None else (self.rel or 0.0)
            tolerance = max(rel * abs(expected), 1e-12 if self.abs is None else self.abs)
            return abs(actual - expected) <= tolerance
        return actual == expected

    def __eq__(self, actual):
        return self._close(actual, self.expected)

    def __ne__(self, actual):
        return not self == actual

    __hash__ = None

    def __repr__(self):
        return f"approx({self.expected!r})"


class MonkeyPatch:
    _NOT_SET = object()

    def __init__(self):
        self._undo = []

    def setattr(self, target, name, value=_NOT_SET, raising=True):
        if value is MonkeyPatch._NOT_SET:
            if not isinstance(target, str):
                raise TypeError("use setattr(target, name, value) or setattr('module.attr', value)")
            module_name, _, attr = target.rpartition(".")
            value, name, target = name, attr, __import__(module_name, fromlist=[attr])
        old = getattr(target, name, MonkeyPatch._NOT_SET)
        if old is MonkeyPatch._NOT_SET and raising:
            raise AttributeError(f"{target!r} has no attribute {name!r}")
        self._undo.append(lambda: setattr(target, name, old) if old is not MonkeyPatch._NOT_SET else delattr(target, name))
        setattr(target, name, value)

    def delattr(self, target, name, raising=True):
        if not hasattr(target, name):
            if raising:
                raise AttributeError(name)
            return
        old = getattr(target, name)
        self._undo.append(lambda: setattr(target, name, old))
        delattr(target, name)

    def setitem(self, mapping, key, value):
        old = mapping.get(key, MonkeyPatch._NOT_SET)
        self._undo.append(lambda: mapping.__setitem__(key, old) if old is not MonkeyPatch._NOT_SET else mapping.pop(key, None))
        mapping[key] = value

    def delitem(self, mapping, key, raising=True):
        if key not in mapping:
            if raising:
                raise KeyError(key)
            return
        old = mapping[key]
        self._undo.append(lambda: mapping.__setitem__(key, old))
        del mapping[key]

    def setenv(self, name, value, prepend=None):
        value = str(value)
        if prepend and name in os.environ:
            value = value + prepend + os.environ[name]
        self.setitem(os.environ, name, value)

    def delenv(self, name, raising=True):
        self.delitem(os.environ, name, raising)

    def chdir(self, path):
        old = os.getcwd()
        self._undo.append(lambda: os.chdir(old))
        os.chdir(path)

    def syspath_prepend(self, path):
        self._undo.append(lambda: sys.path.remove(str(path)) if str(path) in sys.path else None)
        sys.path.insert(0, str(path))

    def undo(self):
        while self._undo:
            self._undo.pop()()
