"""Assay's analysis run for Python (mode `analyze`, harness/PROTOCOL.md "Runs", "Analysis report").

Run inside the sandbox as `/usr/bin/python3 -I -B assay_analyze.py` with the handshake on standard input (or in the
file named by ASSAY_HANDSHAKE_FILE, unlinked once read). Nothing in the workspace is imported or executed: files are
read as text and parsed with `ast`. Output: the `BEGIN` record, then the `REPORT` record, then `os._exit(0)`.

What it does:
1. The trusted test set from `requestTests` (pytest's default patterns `test_*.py`, `*_test.py`): module-level `test*`
   functions, `test*` methods of `Test*` classes without `__init__` (nested `Test*` classes too) and of
   `unittest.TestCase` subclasses of any name, including methods inherited from classes of the same file. A class or
   function with `__test__ = False` is left out. A file that cannot be read or parsed is one `kind: file` unit.
2. `skipInSource` per unit: skip/skipif/xfail marks and unittest skip decorators on the function, its classes
   (including same-file bases) and the module (`pytestmark`), skip calls (`pytest.skip/xfail/importorskip`,
   `self.skipTest`, `raise SkipTest`) in the unit's body, in the helpers it reaches, in same-file fixtures it requests
   (or autouse ones) and in its setup functions, and module-level skips.
3. Sealing (PROTOCOL.md "Sealing"): sealable assertions are rewritten in place into `__assay_probe__(<id>, (<actual>))`
   on the same lines (padding newlines, in the file's own line-ending style, go inside the call's parentheses; the
   message part is dropped), probe ids are ints from 1, unique in the report. The expected side is first checked to be
   a constant expression (every name whitelisted or a module-level constant of the same file), then evaluated bottom
   up: each operation is an `eval` of a precompiled expression (`a + b`, `f(*a, **k)`, ...) with
   `{"__builtins__": <whitelisted builtins>, "math": math}`, so the caps are checked between steps: `**` exponents up
   to 10 000, sequences up to 100 000 items, ints up to 100 000 bits, no `%` formatting of strings, math functions
   over at most 10 000 items. The value is encoded with assay_canon. Tolerances: `abs(A - C) < T` is
   `{"rel": 0, "abs": T, "strict": true}` (`<=`: strict false); `pytest.approx` follows pytest: rel 1e-6 and abs 1e-12
   by default, and when only `abs` is given the relative tolerance is not used (rel 0).
4. Reachability and evidence per unit (see "Choices" below).
5. Tamper findings for generated `.py` files (PROTOCOL.md "Tamper analysis findings", Python column).
6. Kind signals for generated `.py` files (PROTOCOL.md "Kind signals", Python column; assay_kinds).

Choices where the protocol leaves room (keep the executor and the docs in step with these):
- Reach of a unit: its own body plus, transitively, the bodies of functions it calls directly by name that are
  defined once at module level of the same file or directly in the body of a function on the path (not decorated,
  not generators, not async, no recursion). Everything else is "cannot be followed".
- Evidence: SEALED iff the unit has at least one required probe and every assertion-like construct in reach (assert
  statements, `raise`, `pytest.raises/fail/warns/deprecated_call`, `self.assert*`/`self.fail*`, any call of a name
  starting with `assert`, calls or references of same-file functions or methods that cannot be followed and contain
  such constructs, calls of helpers imported from request files that contain them) is a sealed assertion reached
  unconditionally or trivially true (`assert <constant expression that evaluates truthy>`, which also covers an
  assertion with two constant sides). Anything else makes it IN_PROCESS.
- Conditional sealable assertions (inside if/for/while/match in reach) are rewritten and sealed too, so their
  constants leave the sandbox as well; their probes are in `expectations` but in no unit's `probes`, and they make
  the unit IN_PROCESS. Assertions inside try/with (directly or through the call path), in units marked xfail /
  expectedFailure, and in functions that are referenced in any way the analysis did not follow are never rewritten:
  there a failing assertion may be expected, and moving the comparison outside would change the verdict.
- Truthiness shapes (`assert A`, `assert not A`, assertTrue/False) are sealed only when A contains no comparison and
  no boolean operator: otherwise the comparison, and its constant, would still be evaluated inside the sandbox.
- An expected value that encodes as a CANON `object` (a range, a complex number, a value past the limits) is not
  sealed: an `object` equals nothing, so sealing it would fail a correct answer.
- A module-level constant all of whose uses were sealed away has its value replaced by `None` (same lines), so the
  expected value does not stay readable in the rewritten file.
- A star import from a generated module makes every name it may export (all of them, when the module cannot be
  read) non-constant; names from star imports of other modules are assumed not to shadow the whitelisted builtins.
- `py.isnot` carries the value that A must not be (`{"t":"null"}` for assertIsNotNone / `is not None`).
"""
import ast
import io
import json
import math
import os
import re
import sys
import tokenize

def _sibling(name):
    """A module of this folder: imported when the folder is on sys.path (the tests), else loaded by path (under -I)."""
    try:
        return __import__(name)
    except ImportError:
        import importlib.util
        spec = importlib.util.spec_from_file_location(name, os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module


canon = _sibling("assay_canon")
protocol = _sibling("assay_protocol")
kinds = _sibling("assay_kinds")

MAX_SOURCE = 2000
TEST_FILE = re.compile(r"^(test_.*|.*_test)\.py$")
PROBE = "__assay_probe__"

SAFE_BUILTINS = {name: getattr(__builtins__, name) if not isinstance(__builtins__, dict) else __builtins__[name]
                 for name in ("tuple", "list", "set", "frozenset", "dict", "sorted", "reversed", "abs", "round",
                              "min", "max", "sum", "len", "int", "float", "str", "bool", "range", "repr", "chr",
                              "ord")}
MATH_NAMES = frozenset(n for n in dir(math) if not n.startswith("_"))
MAX_SEQUENCE = 100000
MAX_EXPONENT = 10000
MAX_INT_BITS = 100000
MAX_MATH_ITEMS = 10000

SKIP_MARKS = frozenset(("skip", "skipif", "xfail"))
UNITTEST_SKIPS = frozenset(("skip", "skipIf", "skipUnless", "expectedFailure"))
XFAIL_NAMES = frozenset(("xfail", "expectedFailure"))
SKIP_CALLS = frozenset(("pytest.skip", "pytest.xfail", "pytest.importorskip"))
ASSERTION_CALLS = frozenset(("pytest.raises", "pytest.fail", "pytest.warns", "pytest.deprecated_call"))
SETUP_NAMES = frozenset(("setUp", "setUpClass", "setup_method", "setup_class", "setup", "setup_function",
                         "setup_module", "setUpModule", "asyncSetUp"))
EQ_METHODS = frozenset(("assertEqual", "assertEquals", "assertListEqual", "assertTupleEqual", "assertDictEqual",
                        "assertSetEqual", "assertMultiLineEqual"))
NE_METHODS = frozenset(("assertNotEqual", "assertNotEquals"))


# ---------------------------------------------------------------------------------------------------------------
# Records

def write_record(fd, nonce, kind, payload):
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    data = ("\n" + nonce + " " + kind + " " + text + "\n").encode("ascii")
    while data:
        data = data[os.write(fd, data):]


# ---------------------------------------------------------------------------------------------------------------
# Workspace: which modules are generated, which are request files

class Workspace:
    def __init__(self, root, request_files, request_tests, generated):
        self.root = root
        self.request_files = [p for p in request_files if isinstance(p, str)]
        self.request_tests = [p for p in request_tests if isinstance(p, str)]
        self.generated = [p for p in generated if isinstance(p, str)]
        self.generated_set = set(self.generated)
        self._sources = {}
        self._trees = {}
        self._exports = {}
        self._candidates = {}

    def read(self, path):
        if path not in self._sources:
            self._sources[path] = read_source(os.path.join(self.root, path))
        return self._sources[path]

    def tree(self, path):
        if path not in self._trees:
            try:
                source, _ = self.read(path)
                self._trees[path] = ast.parse(source, filename=path)
            except (OSError, SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
                self._trees[path] = None
        return self._trees[path]

    def module_candidates(self, name, level=0, from_path=None):
        """Workspace files (generated or request) that `import name` could load."""
        if level:
            base = os.path.dirname(from_path or "")
            for _ in range(level - 1):
                base = os.path.dirname(base)
            rel = "/".join(p for p in [base] + (name.split(".") if name else []) if p)
            suffixes = [rel + ".py", rel + "/__init__.py"]
            exact = True
        else:
            rel = name.replace(".", "/")
            suffixes = [rel + ".py", rel + "/__init__.py"]
            exact = False
        key = (tuple(suffixes), exact)
        found = self._candidates.get(key)
        if found is None:
            found = []
            for path in self.generated + self.request_files:
                for suffix in suffixes:
                    if path == suffix or (not exact and path.endswith("/" + suffix)):
                        found.append(path)
            self._candidates[key] = found
        return found

    def star_exports(self, name, level, from_path):
        """Names a star import may bind that come from generated code: None (no generated module), a set, or ALL."""
        key = (name, level, from_path if level else None)
        if key in self._exports:
            return self._exports[key]
        result = None
        for path in self.module_candidates(name, level, from_path):
            if path not in self.generated_set:
                continue
            names = module_exports(self.tree(path))
            if names is ALL:
                result = ALL
                break
            result = (result or set()) | names
        self._exports[key] = result
        return result


class _All:
    def __contains__(self, item):
        return True

    def __repr__(self):
        return "ALL"


ALL = _All()


def module_exports(tree):
    """Names `from m import *` binds for a module, or ALL when that cannot be told statically."""
    if tree is None:
        return ALL
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return ALL
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                "globals", "vars", "exec", "setattr", "__import__"):
            return ALL
    explicit = None
    names = set()
    scope = collect_bindings(tree)
    for name, nodes in scope.bindings.items():
        names.add(name)
        if name == "__all__":
            for n in nodes:
                if isinstance(n, ast.Assign) and isinstance(n.value, (ast.List, ast.Tuple)) and all(
                        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in n.value.elts):
                    explicit = (explicit or set()) | {e.value for e in n.value.elts}
                else:
                    return ALL
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            names.update(node.names)
    if explicit is not None:
        return explicit
    return {n for n in names if not n.startswith("_")}


def read_source(path):
    """(text, encoding) of a Python source file, decoded as Python would."""
    with open(path, "rb") as f:
        raw = f.read()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    text = raw.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


# ---------------------------------------------------------------------------------------------------------------
# Scopes and bindings

class Scope:
    def __init__(self, node):
        self.node = node
        self.bindings = {}
        self.globals = set()
        self.nonlocals = set()
        self.stars = []

    def add(self, name, node):
        self.bindings.setdefault(name, []).append(node)


FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def collect_bindings(scope_node):
    """Names bound in one scope (module, function, lambda or class), without entering nested scopes."""
    scope = Scope(scope_node)

    def targets(t, node):
        if isinstance(t, ast.Name):
            scope.add(t.id, node)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                targets(e, node)
        elif isinstance(t, ast.Starred):
            targets(t.value, node)

    def children(n):
        for child in ast.iter_child_nodes(n):
            handle(child)

    def handle(n):
        if isinstance(n, FUNCTION_NODES + (ast.ClassDef,)):
            scope.add(n.name, n)
            for d in n.decorator_list:
                handle(d)
            if isinstance(n, ast.ClassDef):
                for b in n.bases:
                    handle(b)
                for k in n.keywords:
                    handle(k.value)
            else:
                for d in n.args.defaults + [d for d in n.args.kw_defaults if d is not None]:
                    handle(d)
            return
        if isinstance(n, ast.Lambda):
            for d in n.args.defaults + [d for d in n.args.kw_defaults if d is not None]:
                handle(d)
            return
        if isinstance(n, COMPREHENSIONS):
            handle(n.generators[0].iter)
            for sub in ast.walk(n):
                if isinstance(sub, ast.NamedExpr):
                    targets(sub.target, sub)
            return
        if isinstance(n, ast.Global):
            scope.globals.update(n.names)
            return
        if isinstance(n, ast.Nonlocal):
            scope.nonlocals.update(n.names)
            return
        if isinstance(n, ast.Assign):
            for t in n.targets:
                targets(t, n)
        elif isinstance(n, (ast.AugAssign, ast.AnnAssign)):
            targets(n.target, n)
        elif isinstance(n, (ast.For, ast.AsyncFor)):
            targets(n.target, n)
        elif isinstance(n, (ast.With, ast.AsyncWith)):
            for item in n.items:
                if item.optional_vars is not None:
                    targets(item.optional_vars, n)
        elif isinstance(n, ast.ExceptHandler):
            if n.name:
                scope.add(n.name, n)
        elif isinstance(n, ast.Import):
            for alias in n.names:
                scope.add(alias.asname or alias.name.split(".")[0], n)
        elif isinstance(n, ast.ImportFrom):
            for alias in n.names:
                if alias.name == "*":
                    scope.stars.append(n)
                else:
                    scope.add(alias.asname or alias.name, n)
        elif isinstance(n, ast.NamedExpr):
            targets(n.target, n)
        elif isinstance(n, ast.Delete):
            for t in n.targets:
                targets(t, n)
        elif isinstance(n, ast.MatchAs) or isinstance(n, ast.MatchStar):
            if n.name:
                scope.add(n.name, n)
        elif isinstance(n, ast.MatchMapping):
            if n.rest:
                scope.add(n.rest, n)
        children(n)

    if isinstance(scope_node, FUNCTION_NODES + (ast.Lambda,)):
        a = scope_node.args
        for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]:
            scope.add(arg.arg, arg)
        body = scope_node.body if isinstance(scope_node.body, list) else [scope_node.body]
    else:
        body = scope_node.body
    for stmt in body:
        handle(stmt)
    return scope


def is_import_of(node, alias_name, module, attr=None):
    """True when binding `node` is `import module` (attr None) or `from module import attr` bound as alias_name."""
    if attr is None and isinstance(node, ast.Import):
        return any(a.name == module and (a.asname or a.name) == alias_name for a in node.names)
    if attr is not None and isinstance(node, ast.ImportFrom) and node.module == module and not node.level:
        return any(a.name == attr and (a.asname or a.name) == alias_name for a in node.names)
    return False


def imported_from(node, alias_name):
    """(module, attr) for `from module import attr as alias_name`, (module, None) for `import module as alias`."""
    if isinstance(node, ast.Import):
        for a in node.names:
            if a.asname == alias_name:
                return a.name, None
            if a.asname is None and a.name.split(".")[0] == alias_name:
                return a.name.split(".")[0], None
    if isinstance(node, ast.ImportFrom):
        for a in node.names:
            if (a.asname or a.name) == alias_name:
                return ("." * node.level) + (node.module or ""), a.name
    return None


# ---------------------------------------------------------------------------------------------------------------
# A request test file's module model and name resolution

class Module:
    def __init__(self, ws, path, source, tree):
        self.ws = ws
        self.path = path
        self.source = source
        self.tree = tree
        self.scope = collect_bindings(tree)
        self.global_names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                self.global_names.update(node.names)
        self.star_exports = []
        for star in self.scope.stars:
            exports = ws.star_exports(star.module or "", star.level, path)
            if exports is not None:
                self.star_exports.append(exports)
        top = set(id(s) for s in tree.body)
        self.functions = {}
        self.classes = {}
        self.all_functions = {}
        for name, nodes in self.scope.bindings.items():
            if name in self.global_names or self.shadowed_by_star(name):
                continue
            if len(nodes) == 1 and id(nodes[0]) in top:
                if isinstance(nodes[0], FUNCTION_NODES):
                    self.functions[name] = nodes[0]
                elif isinstance(nodes[0], ast.ClassDef):
                    self.classes[name] = nodes[0]
        for node in ast.walk(tree):
            if isinstance(node, FUNCTION_NODES):
                self.all_functions.setdefault(node.name, []).append(node)
        self.constant_nodes = {}
        for name, nodes in self.scope.bindings.items():
            if len(nodes) != 1 or name in self.global_names or self.shadowed_by_star(name):
                continue
            node = nodes[0]
            if id(node) not in top:
                continue
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.constant_nodes[name] = node
            elif isinstance(node, ast.AnnAssign) and node.value is not None and isinstance(node.target, ast.Name):
                self.constant_nodes[name] = node
        self.context = FnContext(self, None, None)

        self.name_loads = {}      # name -> Name nodes that read it, anywhere in the file
        self.attribute_names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                self.name_loads.setdefault(node.id, []).append(node)
            elif isinstance(node, ast.Attribute):
                self.attribute_names.add(node.attr)
        self._lines = list(io.StringIO(source, newline=""))
        self._starts = line_starts(source)

    def shadowed_by_star(self, name):
        return any(name in exports for exports in self.star_exports)

    def offset(self, lineno, col):
        """Character offset in the source of an AST (line, UTF-8 byte column) position."""
        line = self._lines[lineno - 1] if 0 < lineno <= len(self._lines) else ""
        return self._starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8", "replace"))

    def segment(self, node):
        return self.source[self.offset(node.lineno, node.col_offset):self.offset(node.end_lineno, node.end_col_offset)]


class FnContext:
    """Name resolution inside one function (module context when fn is None)."""

    def __init__(self, module, fn, parent, cls=None):
        self.module = module
        self.fn = fn
        self.parent = parent
        self.cls = cls
        self.scope = collect_bindings(fn) if fn is not None else None
        self.direct_defs = {}
        if fn is not None:
            for stmt in fn.body:
                if isinstance(stmt, FUNCTION_NODES):
                    self.direct_defs[stmt.name] = stmt

    def child(self, fn, cls=None):
        return FnContext(self.module, fn, self, cls)

    def first_param(self):
        if self.fn is None:
            return None
        a = self.fn.args
        params = a.posonlyargs + a.args
        return params[0].arg if params else None

    def resolve(self, name):
        """('local'|'const'|'builtin'|'math'|'mathattr'|'func'|'unknown', detail)."""
        ctx = self
        while ctx is not None and ctx.fn is not None:
            scope = ctx.scope
            if name in scope.globals:
                break
            if name in scope.bindings:
                nodes = scope.bindings[name]
                if all(is_import_of(n, name, "math") for n in nodes):
                    return "math", None
                attrs = {imported_from(n, name) for n in nodes}
                if len(attrs) == 1:
                    only = next(iter(attrs))
                    if only and only[0] == "math" and only[1] in MATH_NAMES:
                        return "mathattr", only[1]
                if len(nodes) == 1 and ctx.direct_defs.get(name) is nodes[0]:
                    return "func", nodes[0]
                return "local", None
            ctx = ctx.parent
        module = self.module
        if name in module.global_names or module.shadowed_by_star(name):
            return "unknown", None
        nodes = module.scope.bindings.get(name)
        if not nodes:
            if name in SAFE_BUILTINS:
                return "builtin", SAFE_BUILTINS[name]
            return "unknown", None
        if all(is_import_of(n, name, "math") for n in nodes):
            return "math", None
        attrs = {imported_from(n, name) for n in nodes}
        if len(attrs) == 1:
            only = next(iter(attrs))
            if only and only[0] == "math" and only[1] in MATH_NAMES:
                return "mathattr", only[1]
        if name in module.constant_nodes:
            return "const", module.constant_nodes[name]
        if name in module.functions:
            return "func", module.functions[name]
        return "unknown", None

    def qualified(self, node):
        """A dotted name for Name/Attribute chains rooted at an import ('pytest.raises'), or None."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        root = self.import_root(node.id)
        if root is None:
            return None
        return ".".join([root] + list(reversed(parts)))

    def import_root(self, name):
        """The dotted name `name` was imported as, when every binding of it in scope is that one import."""
        ctx = self
        nodes = None
        while ctx is not None and ctx.fn is not None:
            if name in ctx.scope.globals:
                break
            if name in ctx.scope.bindings:
                nodes = ctx.scope.bindings[name]
                break
            ctx = ctx.parent
        if nodes is None:
            nodes = self.module.scope.bindings.get(name)
        if not nodes:
            return None
        found = set()
        for n in nodes:
            imp = imported_from(n, name)
            if imp is None:
                return None
            found.add(imp[0] + ("." + imp[1] if imp[1] else ""))
        return found.pop() if len(found) == 1 else None

    def context_for(self, fn):
        """The context a function called from here runs in: a nested def's defining function, or the module."""
        ctx = self
        while ctx is not None and ctx.fn is not None:
            if ctx.direct_defs.get(fn.name) is fn:
                return ctx.child(fn, ctx.cls)
            ctx = ctx.parent
        return self.module.context.child(fn, None)


# ---------------------------------------------------------------------------------------------------------------
# Constant expressions

class NotConstant(Exception):
    pass


def _compile_op(src):
    return compile(src, "<expected>", "eval", dont_inherit=True)


_BINOP_SRC = {ast.Add: "a + b", ast.Sub: "a - b", ast.Mult: "a * b", ast.MatMult: "a @ b", ast.Div: "a / b",
              ast.Mod: "a % b", ast.Pow: "a ** b", ast.LShift: "a << b", ast.RShift: "a >> b", ast.BitOr: "a | b",
              ast.BitXor: "a ^ b", ast.BitAnd: "a & b", ast.FloorDiv: "a // b"}
_UNARY_SRC = {ast.UAdd: "+a", ast.USub: "-a", ast.Not: "not a", ast.Invert: "~a"}
_CMP_SRC = {ast.Eq: "a == b", ast.NotEq: "a != b", ast.Lt: "a < b", ast.LtE: "a <= b", ast.Gt: "a > b",
            ast.GtE: "a >= b", ast.Is: "a is b", ast.IsNot: "a is not b", ast.In: "a in b", ast.NotIn: "a not in b"}
_OPS = {k: _compile_op(v) for table in (_BINOP_SRC, _UNARY_SRC, _CMP_SRC) for k, v in table.items()}
_CALL = _compile_op("f(*a, **k)")
_SUBSCRIPT = _compile_op("a[b]")
_SIZED = (str, bytes, bytearray, tuple, list, set, frozenset, dict, range)


def _run(code, **values):
    values["__builtins__"] = SAFE_BUILTINS
    values["math"] = math
    return eval(code, values)  # noqa: S307 - names whitelisted, work capped, no workspace code reachable


def _size(value):
    try:
        return len(value)
    except (OverflowError, TypeError):
        return MAX_SEQUENCE + 1


def _check_size(value):
    t = type(value)
    if t in _SIZED and _size(value) > MAX_SEQUENCE:
        raise NotConstant("value too large")
    if t is int and value.bit_length() > MAX_INT_BITS:
        raise NotConstant("integer too large")
    return value


def _number(v):
    return type(v) in (int, float)


class Evaluator:
    """Static check and capped evaluation of the expected side of an assertion."""

    def __init__(self):
        self._constants = {}
        self._active = set()

    def is_constant(self, node, ctx):
        try:
            self._check(node, ctx)
            return True
        except NotConstant:
            return False

    def _check(self, node, ctx):
        if isinstance(node, ast.Constant):
            return
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            for e in node.elts:
                self._check(e, ctx)
            return
        if isinstance(node, ast.Starred):
            self._check(node.value, ctx)
            return
        if isinstance(node, ast.Dict):
            for k in node.keys:
                if k is not None:
                    self._check(k, ctx)
            for v in node.values:
                self._check(v, ctx)
            return
        if isinstance(node, ast.UnaryOp):
            self._check(node.operand, ctx)
            return
        if isinstance(node, ast.BinOp):
            self._check(node.left, ctx)
            self._check(node.right, ctx)
            return
        if isinstance(node, ast.BoolOp):
            for v in node.values:
                self._check(v, ctx)
            return
        if isinstance(node, ast.Compare):
            self._check(node.left, ctx)
            for c in node.comparators:
                self._check(c, ctx)
            return
        if isinstance(node, ast.IfExp):
            for part in (node.test, node.body, node.orelse):
                self._check(part, ctx)
            return
        if isinstance(node, ast.Subscript):
            self._check(node.value, ctx)
            self._check(node.slice, ctx)
            return
        if isinstance(node, ast.Slice):
            for part in (node.lower, node.upper, node.step):
                if part is not None:
                    self._check(part, ctx)
            return
        if isinstance(node, ast.Call):
            self._callee(node.func, ctx)
            for a in node.args:
                self._check(a, ctx)
            for k in node.keywords:
                self._check(k.value, ctx)
            return
        if isinstance(node, ast.Attribute):
            self._math_attribute(node, ctx)
            return
        if isinstance(node, ast.Name):
            kind, detail = ctx.resolve(node.id)
            if kind == "builtin" or kind == "mathattr":
                return
            if kind == "const":
                self._module_constant(node.id, detail, ctx)
                return
            raise NotConstant(node.id)
        raise NotConstant(type(node).__name__)

    def _callee(self, func, ctx):
        if isinstance(func, ast.Name):
            kind, _ = ctx.resolve(func.id)
            if kind in ("builtin", "mathattr"):
                return
            raise NotConstant(func.id)
        if isinstance(func, ast.Attribute):
            self._math_attribute(func, ctx)
            return
        raise NotConstant("callee")

    def _math_attribute(self, node, ctx):
        if isinstance(node.value, ast.Name) and node.attr in MATH_NAMES and ctx.resolve(node.value.id)[0] == "math":
            return
        raise NotConstant("attribute")

    def _module_constant(self, name, assign, ctx):
        key = (id(ctx.module), name)
        state = self._constants.get(key)
        if state is True:
            return
        if state is False or key in self._active:
            raise NotConstant(name)
        self._active.add(key)
        try:
            self._check(assign.value, ctx.module.context)
            self._constants[key] = True
        except NotConstant:
            self._constants[key] = False
            raise
        finally:
            self._active.discard(key)

    def value(self, node, ctx):
        """The value of a constant expression (checked first). Raises NotConstant when it cannot be evaluated
        within the caps."""
        self._check(node, ctx)
        try:
            return self._eval(node, ctx)
        except NotConstant:
            raise
        except (Exception, RecursionError) as e:  # noqa: BLE001 - any evaluation failure leaves it unsealed
            raise NotConstant(type(e).__name__) from None

    def _spread(self, elements, ctx):
        """The evaluated elements of a display or an argument list, *starred ones spread, within the sequence cap."""
        items = []
        for e in elements:
            if isinstance(e, ast.Starred):
                v = self._eval(e.value, ctx)
                if _size(v) > MAX_SEQUENCE:
                    raise NotConstant("too large")
                items.extend(v)
            else:
                items.append(self._eval(e, ctx))
            if len(items) > MAX_SEQUENCE:
                raise NotConstant("too large")
        return items

    def _eval(self, node, ctx):
        ev = self._eval
        if isinstance(node, ast.Constant):
            return _check_size(node.value)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = self._spread(node.elts, ctx)
            if isinstance(node, ast.Tuple):
                return tuple(items)
            if isinstance(node, ast.List):
                return items
            return set(items)
        if isinstance(node, ast.Dict):
            result = {}
            for k, v in zip(node.keys, node.values):
                if k is None:
                    other = ev(v, ctx)
                    if type(other) is not dict:
                        raise NotConstant("** of a non-dict")
                    result.update(other)
                else:
                    result[ev(k, ctx)] = ev(v, ctx)
            return _check_size(result)
        if isinstance(node, ast.UnaryOp):
            return _check_size(_run(_OPS[type(node.op)], a=ev(node.operand, ctx)))
        if isinstance(node, ast.BinOp):
            a = ev(node.left, ctx)
            b = ev(node.right, ctx)
            self._binop_caps(type(node.op), a, b)
            return _check_size(_run(_OPS[type(node.op)], a=a, b=b))
        if isinstance(node, ast.BoolOp):
            values = [ev(v, ctx) for v in node.values]
            result = values[0]
            for v in values[1:]:
                if isinstance(node.op, ast.And):
                    if not result:
                        break
                elif result:
                    break
                result = v
            return result
        if isinstance(node, ast.Compare):
            left = ev(node.left, ctx)
            for op, comp in zip(node.ops, node.comparators):
                right = ev(comp, ctx)
                if type(op) in (ast.In, ast.NotIn) and type(right) in _SIZED and _size(right) > MAX_SEQUENCE:
                    raise NotConstant("too large")
                if not _run(_OPS[type(op)], a=left, b=right):
                    return False
                left = right
            return True
        if isinstance(node, ast.IfExp):
            test, body, orelse = ev(node.test, ctx), ev(node.body, ctx), ev(node.orelse, ctx)
            return body if test else orelse
        if isinstance(node, ast.Subscript):
            a = ev(node.value, ctx)
            b = ev(node.slice, ctx)
            return _check_size(_run(_SUBSCRIPT, a=a, b=b))
        if isinstance(node, ast.Slice):
            return slice(*(ev(p, ctx) if p is not None else None for p in (node.lower, node.upper, node.step)))
        if isinstance(node, ast.Call):
            f = self._callee_value(node.func, ctx)
            args = self._spread(node.args, ctx)
            kwargs = {}
            for k in node.keywords:
                v = ev(k.value, ctx)
                if k.arg is None:
                    if type(v) is not dict:
                        raise NotConstant("** of a non-dict")
                    kwargs.update(v)
                else:
                    kwargs[k.arg] = v
            self._call_caps(f, args, kwargs)
            return _check_size(_run(_CALL, f=f, a=args, k=kwargs))
        if isinstance(node, ast.Attribute):
            return getattr(math, node.attr)
        if isinstance(node, ast.Name):
            kind, detail = ctx.resolve(node.id)
            if kind == "builtin":
                return detail
            if kind == "mathattr":
                return getattr(math, detail)
            if kind == "const":
                return self._eval(detail.value, ctx.module.context)
        raise NotConstant(type(node).__name__)

    def _callee_value(self, func, ctx):
        if isinstance(func, ast.Name):
            kind, detail = ctx.resolve(func.id)
            if kind == "builtin":
                return detail
            if kind == "mathattr":
                return getattr(math, detail)
            raise NotConstant(func.id)
        return getattr(math, func.attr)

    @staticmethod
    def _binop_caps(op, a, b):
        if op is ast.Pow:
            if _number(b) and abs(b) > MAX_EXPONENT:
                raise NotConstant("exponent too large")
            if type(a) is int and type(b) is int and b > 0 and a.bit_length() * b > MAX_INT_BITS:
                raise NotConstant("power too large")
        elif op is ast.Mult:
            for seq, n in ((a, b), (b, a)):
                if type(seq) in (str, bytes, bytearray, tuple, list) and type(n) in (int, bool):
                    if len(seq) * max(n, 0) > MAX_SEQUENCE:
                        raise NotConstant("repetition too large")
            if type(a) is int and type(b) is int and a.bit_length() + b.bit_length() > MAX_INT_BITS:
                raise NotConstant("product too large")
        elif op is ast.LShift:
            if type(b) is int and type(a) is int and a.bit_length() + b > MAX_INT_BITS:
                raise NotConstant("shift too large")
        elif op is ast.Mod:
            if type(a) in (str, bytes, bytearray):
                raise NotConstant("string formatting")
        elif op is ast.Add:
            if type(a) in _SIZED and type(b) in _SIZED and _size(a) + _size(b) > MAX_SEQUENCE:
                raise NotConstant("too large")

    @staticmethod
    def _call_caps(f, args, kwargs):
        for v in list(args) + list(kwargs.values()):
            if type(v) in _SIZED and _size(v) > MAX_SEQUENCE:
                raise NotConstant("argument too large")
        if f is SAFE_BUILTINS["round"] and len(args) > 1 and _number(args[1]) and abs(args[1]) > MAX_EXPONENT:
            raise NotConstant("round too large")
        if f in (math.factorial, math.comb, math.perm):
            for v in args:
                if type(v) is int and abs(v) > MAX_EXPONENT:
                    raise NotConstant("combinatorics too large")
        if getattr(f, "__module__", None) == "math" or f in (math.prod, math.lcm, math.gcd, math.fsum):
            if len(args) > MAX_MATH_ITEMS or any(type(v) in _SIZED and _size(v) > MAX_MATH_ITEMS for v in args):
                raise NotConstant("too much work for math")
        if f is SAFE_BUILTINS["int"] and args and type(args[0]) in (str, bytes) and len(args[0]) > 4300:
            raise NotConstant("int of a long string")


# ---------------------------------------------------------------------------------------------------------------
# Assertion shapes

class Seal:
    def __init__(self, kind, actual, expected, tolerance=None):
        self.kind = kind
        self.actual = actual
        self.expected = expected
        self.tolerance = tolerance


TRIVIAL = "trivial"


class Unsealed:
    def __init__(self, reason):
        self.reason = reason


def contains_comparison(node):
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Compare, ast.BoolOp)):
            return True
    return False


class Shapes:
    """Classifies assertion statements: a Seal, TRIVIAL, an Unsealed reason, or None (not an assertion)."""

    def __init__(self, evaluator):
        self.ev = evaluator

    def _const(self, node, ctx):
        return self.ev.is_constant(node, ctx)

    def _expected(self, node, ctx):
        """CANON of a constant expression, or None when it cannot be sealed (evaluation failed, or it is opaque)."""
        try:
            value = self.ev.value(node, ctx)
        except NotConstant:
            return None
        encoded = canon.encode(value)
        if encoded.get("t") == "object":
            return None
        return encoded

    def _number(self, node, ctx):
        try:
            value = self.ev.value(node, ctx)
        except NotConstant:
            return None
        if type(value) not in (int, float) or not math.isfinite(value):
            return None
        return value

    def _truthy_constant(self, node, ctx):
        try:
            return bool(self.ev.value(node, ctx))
        except (NotConstant, Exception):  # noqa: BLE001
            return False

    def statement(self, stmt, ctx):
        if isinstance(stmt, ast.Assert):
            return self.assert_statement(stmt.test, ctx)
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            return self.call_statement(stmt.value, ctx)
        return None

    def assert_statement(self, test, ctx):
        if self._const(test, ctx):
            return TRIVIAL if self._truthy_constant(test, ctx) else Unsealed("constant assertion that fails")
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            return self._compare(test.left, test.ops[0], test.comparators[0], ctx)
        if isinstance(test, ast.Call):
            if is_math_function(test.func, ctx, "isclose"):
                return self._isclose(test, ctx)
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            if contains_comparison(test.operand):
                return Unsealed("negated comparison")
            return Seal("py.falsy", test.operand, None)
        if contains_comparison(test):
            return Unsealed("comparison of an unsupported shape")
        return Seal("py.truthy", test, None)

    def _compare(self, left, op, right, ctx):
        if isinstance(op, (ast.Eq, ast.NotEq)):
            for approx_side, other in ((right, left), (left, right)):
                if self._is_approx(approx_side, ctx) and not self._const(other, ctx):
                    if isinstance(op, ast.NotEq):
                        return Unsealed("!= approx")
                    return self._approx(approx_side, other, ctx)
            kind = "py.eq" if isinstance(op, ast.Eq) else "py.ne"
            return self._two_sided(kind, left, right, ctx)
        if isinstance(op, (ast.Is, ast.IsNot)):
            kind = "py.is" if isinstance(op, ast.Is) else "py.isnot"
            for actual, expected in ((left, right), (right, left)):
                if isinstance(expected, ast.Constant) and expected.value in (None, True, False) \
                        and type(expected.value) in (type(None), bool) and not self._const(actual, ctx):
                    return Seal(kind, actual, canon.encode(expected.value))
            if self._const(left, ctx) and self._const(right, ctx):
                return self._both_constant(left, op, right, ctx)
            return Unsealed("identity test against a non-singleton")
        if isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
            if isinstance(op, (ast.Lt, ast.LtE)):
                call, bound, strict = left, right, isinstance(op, ast.Lt)
            else:
                call, bound, strict = right, left, isinstance(op, ast.Gt)
            seal = self._abs_difference(call, bound, strict, ctx)
            if seal is not None:
                return seal
        if self._const(left, ctx) and self._const(right, ctx):
            return self._both_constant(left, op, right, ctx)
        return Unsealed("comparison of an unsupported shape")

    def _both_constant(self, left, op, right, ctx):
        node = ast.Compare(left=left, ops=[op], comparators=[right])
        return TRIVIAL if self._truthy_constant(node, ctx) else Unsealed("constant assertion that fails")

    def _two_sided(self, kind, left, right, ctx):
        cl, cr = self._const(left, ctx), self._const(right, ctx)
        if cl and cr:
            return self._both_constant(left, ast.Eq() if kind == "py.eq" else ast.NotEq(), right, ctx)
        if not cl and not cr:
            return Unsealed("no constant side")
        actual, expected_node = (left, right) if cr else (right, left)
        expected = self._expected(expected_node, ctx)
        if expected is None:
            return Unsealed("expected value cannot be evaluated or is opaque")
        return Seal(kind, actual, expected)

    def _is_approx(self, node, ctx):
        if not isinstance(node, ast.Call):
            return False
        q = ctx.qualified(node.func)
        return q in ("pytest.approx", "_pytest.python_api.approx")

    def _approx(self, call, actual, ctx):
        params = ["expected", "rel", "abs", "nan_ok"]
        given = {}
        if len(call.args) > 4 or any(isinstance(a, ast.Starred) for a in call.args):
            return Unsealed("approx arguments")
        for name, a in zip(params, call.args):
            given[name] = a
        for k in call.keywords:
            if k.arg not in params or k.arg in given:
                return Unsealed("approx arguments")
            given[k.arg] = k.value
        if "expected" not in given:
            return Unsealed("approx arguments")
        if "nan_ok" in given:
            return Unsealed("approx with nan_ok")
        if not self._const(given["expected"], ctx):
            return Unsealed("approx of a non-constant")
        expected = self._expected(given["expected"], ctx)
        rel = abs_ = None
        for name in ("rel", "abs"):
            if name in given and not (isinstance(given[name], ast.Constant) and given[name].value is None):
                value = self._number(given[name], ctx) if self._const(given[name], ctx) else None
                if value is None or value < 0:
                    return Unsealed("approx tolerance")
                if name == "rel":
                    rel = value
                else:
                    abs_ = value
        if expected is None:
            return Unsealed("expected value cannot be evaluated or is opaque")
        if rel is None and abs_ is not None:
            rel = 0
        tolerance = {"rel": 1e-6 if rel is None else rel, "abs": 1e-12 if abs_ is None else abs_, "strict": False}
        return Seal("py.approx", actual, expected, tolerance)

    def _abs_difference(self, call, bound, strict, ctx):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and len(call.args) == 1
                and not call.keywords and ctx.resolve(call.func.id)[0] == "builtin" and call.func.id == "abs"):
            return None
        diff = call.args[0]
        if not (isinstance(diff, ast.BinOp) and isinstance(diff.op, ast.Sub)):
            return None
        if not self._const(bound, ctx):
            return None
        cl, cr = self._const(diff.left, ctx), self._const(diff.right, ctx)
        if cl == cr:
            return None
        actual, expected_node = (diff.left, diff.right) if cr else (diff.right, diff.left)
        tol = self._number(bound, ctx)
        expected = self._expected(expected_node, ctx)
        if tol is None or expected is None:
            return Unsealed("tolerance or expected value cannot be evaluated")
        return Seal("py.approx", actual, expected, {"rel": 0, "abs": tol, "strict": strict})

    def _isclose(self, call, ctx):
        if len(call.args) != 2 or any(isinstance(a, ast.Starred) for a in call.args):
            return Unsealed("isclose arguments")
        tol = {"rel": 1e-09, "abs": 0.0}
        for k in call.keywords:
            if k.arg not in ("rel_tol", "abs_tol") or not self._const(k.value, ctx):
                return Unsealed("isclose arguments")
            value = self._number(k.value, ctx)
            if value is None:
                return Unsealed("isclose tolerance")
            tol["rel" if k.arg == "rel_tol" else "abs"] = value
        a, b = call.args
        ca, cb = self._const(a, ctx), self._const(b, ctx)
        if ca and cb:
            return TRIVIAL if self._truthy_constant(call, ctx) else Unsealed("constant assertion that fails")
        if ca == cb:
            return Unsealed("no constant side")
        actual, expected_node = (a, b) if cb else (b, a)
        expected = self._expected(expected_node, ctx)
        if expected is None:
            return Unsealed("expected value cannot be evaluated or is opaque")
        return Seal("py.isclose", actual, expected, tol)

    # --- call statements -----------------------------------------------------------------------------------

    def call_statement(self, call, ctx):
        func = call.func
        receiver = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
        self_name = ctx.first_param() or "self"
        if isinstance(func, ast.Attribute) and receiver in (self_name, "self") and ctx.cls is not None:
            name = func.attr
            if name.startswith("assert") or name.startswith("fail"):
                return self._unittest(name, call, ctx)
        if is_assertion_call(call, ctx):
            return Unsealed("assertion call %s" % (ctx.qualified(func) or callee_name(func) or "?"))
        return None

    def _args(self, call, names):
        """Positional and keyword arguments mapped to `names` (msg dropped); None on anything unexpected."""
        if any(isinstance(a, ast.Starred) for a in call.args) or len(call.args) > len(names):
            return None
        given = dict(zip(names, call.args))
        for k in call.keywords:
            if k.arg is None or k.arg not in names or k.arg in given:
                return None
            given[k.arg] = k.value
        return given

    def _unittest(self, name, call, ctx):
        if name in EQ_METHODS or name in NE_METHODS:
            given = self._args(call, ["first", "second", "msg"])
            if not given or "first" not in given or "second" not in given:
                return Unsealed("%s arguments" % name)
            return self._two_sided("py.eq" if name in EQ_METHODS else "py.ne", given["first"], given["second"], ctx)
        if name in ("assertTrue", "assertFalse", "assert_"):
            given = self._args(call, ["expr", "msg"])
            if not given or "expr" not in given:
                return Unsealed("%s arguments" % name)
            expr = given["expr"]
            if self._const(expr, ctx):
                truth = self._truthy_constant(expr, ctx)
                return TRIVIAL if truth == (name != "assertFalse") else Unsealed("constant assertion that fails")
            if contains_comparison(expr):
                return Unsealed("comparison inside %s" % name)
            return Seal("py.falsy" if name == "assertFalse" else "py.truthy", expr, None)
        if name in ("assertIsNone", "assertIsNotNone"):
            given = self._args(call, ["obj", "msg"])
            if not given or "obj" not in given or self._const(given["obj"], ctx):
                return Unsealed("%s arguments" % name)
            return Seal("py.is" if name == "assertIsNone" else "py.isnot", given["obj"], canon.encode(None))
        if name in ("assertIs", "assertIsNot"):
            given = self._args(call, ["expr1", "expr2", "msg"])
            if not given or "expr1" not in given or "expr2" not in given:
                return Unsealed("%s arguments" % name)
            kind = "py.is" if name == "assertIs" else "py.isnot"
            for actual, expected in ((given["expr1"], given["expr2"]), (given["expr2"], given["expr1"])):
                if isinstance(expected, ast.Constant) and type(expected.value) in (type(None), bool) \
                        and not self._const(actual, ctx):
                    return Seal(kind, actual, canon.encode(expected.value))
            return Unsealed("%s against a non-singleton" % name)
        if name == "assertAlmostEqual" or name == "assertAlmostEquals":
            given = self._args(call, ["first", "second", "places", "msg", "delta"])
            if not given or "first" not in given or "second" not in given:
                return Unsealed("%s arguments" % name)
            places = given.get("places")
            delta = given.get("delta")
            if places is not None and isinstance(places, ast.Constant) and places.value is None:
                places = None
            if delta is not None and isinstance(delta, ast.Constant) and delta.value is None:
                delta = None
            if places is not None and delta is not None:
                return Unsealed("places and delta")
            if delta is not None:
                value = self._number(delta, ctx) if self._const(delta, ctx) else None
                if value is None:
                    return Unsealed("delta")
                tol = {"abs": value}
            else:
                value = 7 if places is None else (self._number(places, ctx) if self._const(places, ctx) else None)
                if type(value) is not int:
                    return Unsealed("places")
                tol = {"places": value}
            seal = self._two_sided("py.almost", given["first"], given["second"], ctx)
            if isinstance(seal, Seal):
                seal.tolerance = tol
            return seal
        return Unsealed("unittest assertion %s" % name)


def is_math_function(func, ctx, name):
    if isinstance(func, ast.Attribute) and func.attr == name and isinstance(func.value, ast.Name):
        return ctx.resolve(func.value.id)[0] == "math"
    if isinstance(func, ast.Name):
        return ctx.resolve(func.id) == ("mathattr", name)
    return False


def callee_name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def is_assertion_call(call, ctx):
    """Calls that assert something the analysis cannot seal: pytest.raises/fail/warns, self.assert*, assert_*()."""
    q = ctx.qualified(call.func)
    if q in ASSERTION_CALLS:
        return True
    name = callee_name(call.func)
    if name is None:
        return False
    if name.lower().startswith("assert"):
        return True
    if isinstance(call.func, ast.Attribute) and name.startswith("fail") and isinstance(call.func.value, ast.Name) \
            and call.func.value.id in ("self", "cls", ctx.first_param() or "self"):
        return True
    if q and q.split(".")[-1] == "fail" and q.split(".")[0] in ("pytest", "_pytest", "unittest"):
        return True
    return False


def is_skip_call(call, ctx):
    q = ctx.qualified(call.func)
    if q in SKIP_CALLS or q in ("_pytest.outcomes.skip", "_pytest.outcomes.xfail", "_pytest.outcomes.importorskip"):
        return True
    return isinstance(call.func, ast.Attribute) and call.func.attr == "skipTest"


def is_skip_raise(stmt, ctx):
    exc = stmt.exc
    if exc is None:
        return False
    if isinstance(exc, ast.Call):
        exc = exc.func
    q = ctx.qualified(exc)
    if q in ("unittest.SkipTest", "unittest.case.SkipTest"):
        return True
    if q and (q.endswith("skip.Exception") or q.endswith("outcomes.Skipped")):
        return True
    return isinstance(exc, ast.Name) and exc.id == "SkipTest"


# ---------------------------------------------------------------------------------------------------------------
# Units, reach and sealing of one request test file

class Unit:
    def __init__(self, unit_id, fn, cls_chain, line, marks_nodes):
        self.id = unit_id
        self.fn = fn
        self.cls_chain = cls_chain        # collecting classes, outermost first (may be empty)
        self.line = line
        self.marks_nodes = marks_nodes    # AST nodes whose marks apply (decorators, pytestmark values)
        self.required = []
        self.blocking = []
        self.skip = False
        self.xfail = False


class Site:
    def __init__(self, stmt, seal, fn, ctx):
        self.stmt = stmt
        self.seal = seal
        self.fn = fn
        self.ctx = ctx
        self.protected = False      # reached inside try/with or through an xfail unit
        self.reached = False
        self.probe = None


class TestFileAnalysis:
    def __init__(self, ws, path, evaluator):
        self.ws = ws
        self.path = path
        self.ev = evaluator
        self.shapes = Shapes(evaluator)
        self.errors = []
        self.units = []
        self.sites = {}           # id(stmt) -> Site
        self.call_visits = {}     # id(Name node of a direct call) -> set of protected flags
        self.followed_refs = set()
        self._contains = {}
        self._class_mro = {}
        self._shapes = {}

    # --- loading -------------------------------------------------------------------------------------------

    def load(self):
        try:
            source, encoding = self.ws.read(self.path)
        except (OSError, ValueError, SyntaxError, UnicodeDecodeError) as e:
            self.errors.append({"name": self.path, "message": "cannot read: %s" % e})
            return False
        try:
            tree = ast.parse(source, filename=self.path)
        except SyntaxError as e:
            self.errors.append({"name": self.path, "message": "syntax error: %s (line %s)" % (e.msg, e.lineno)})
            return False
        except (ValueError, RecursionError, MemoryError) as e:
            self.errors.append({"name": self.path, "message": "cannot parse: %s" % type(e).__name__})
            return False
        self.source = source
        self.encoding = encoding
        self.module = Module(self.ws, self.path, source, tree)
        return True

    # --- collection ----------------------------------------------------------------------------------------

    def collect(self):
        tree = self.module.tree
        module_marks = [s.value for s in tree.body
                        if isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark"
                                                             for t in s.targets)]
        last = {}
        for stmt in tree.body:
            if isinstance(stmt, FUNCTION_NODES + (ast.ClassDef,)):
                last[stmt.name] = stmt
            elif isinstance(stmt, ast.Assign):
                for t in stmt.targets:
                    if isinstance(t, ast.Name):
                        last.pop(t.id, None)
        for name, node in last.items():
            if isinstance(node, FUNCTION_NODES):
                if name.startswith("test") and not self._is_fixture(node):
                    self.units.append(Unit("%s::%s" % (self.path, name), node, [], node.lineno,
                                           module_marks + list(node.decorator_list)))
            elif isinstance(node, ast.ClassDef):
                self._collect_class(node, [], module_marks)
        self.units.sort(key=lambda u: (u.line, u.id))

    def _is_fixture(self, fn):
        ctx = self.module.context
        for d in fn.decorator_list:
            target = d.func if isinstance(d, ast.Call) else d
            q = ctx.qualified(target)
            if q in ("pytest.fixture", "_pytest.fixtures.fixture") or (isinstance(target, ast.Name)
                                                                       and target.id == "fixture"):
                return True
        return False

    def _not_collected(self, cls):
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__test__"
                                                    for t in stmt.targets):
                if isinstance(stmt.value, ast.Constant) and not stmt.value.value:
                    return True
        return False

    def is_unittest(self, cls, seen=None):
        seen = seen or set()
        if id(cls) in seen:
            return False
        seen.add(id(cls))
        for base in cls.bases:
            name = callee_name(base)
            if name in ("TestCase", "IsolatedAsyncioTestCase"):
                return True
            if isinstance(base, ast.Name) and base.id in self.module.classes:
                if self.is_unittest(self.module.classes[base.id], seen):
                    return True
        return False

    def mro(self, cls):
        """Same-file classes in (C3-like) method resolution order, starting with cls."""
        key = id(cls)
        if key in self._class_mro:
            return self._class_mro[key]
        self._class_mro[key] = [cls]
        bases = [self.module.classes[b.id] for b in cls.bases
                 if isinstance(b, ast.Name) and b.id in self.module.classes]
        sequences = [list(self.mro(b)) for b in bases] + [list(bases)]
        result = [cls]
        while True:
            sequences = [s for s in sequences if s]
            if not sequences:
                break
            for seq in sequences:
                head = seq[0]
                if not any(head in s[1:] for s in sequences):
                    break
            else:
                result = [cls] + [c for b in bases for c in self.mro(b)]
                seen = set()
                result = [c for c in result if not (id(c) in seen or seen.add(id(c)))]
                break
            result.append(head)
            for s in sequences:
                if s and s[0] is head:
                    del s[0]
        self._class_mro[key] = result
        return result

    def _methods(self, cls):
        """name -> (FunctionDef, defining class) over the same-file MRO."""
        found = {}
        for klass in self.mro(cls):
            for stmt in klass.body:
                if isinstance(stmt, FUNCTION_NODES) and stmt.name not in found:
                    found[stmt.name] = (stmt, klass)
                elif isinstance(stmt, ast.Assign):
                    for t in stmt.targets:
                        if isinstance(t, ast.Name) and t.id not in found:
                            found[t.id] = (None, klass)
        return found

    def _class_marks(self, cls):
        nodes = []
        for klass in self.mro(cls):
            nodes.extend(klass.decorator_list)
            for stmt in klass.body:
                if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark"
                                                        for t in stmt.targets):
                    nodes.append(stmt.value)
        return nodes

    def _collect_class(self, cls, chain, marks):
        if self._not_collected(cls):
            return
        unittest_class = self.is_unittest(cls)
        if not unittest_class:
            if not cls.name.startswith("Test"):
                return
            methods = self._methods(cls)
            if "__init__" in methods or "__new__" in methods:
                return
        methods = self._methods(cls)
        chain = chain + [cls]
        class_marks = marks + self._class_marks(cls)
        prefix = "::".join([self.path] + [c.name for c in chain])
        for name, (fn, _owner) in methods.items():
            if fn is None or not name.startswith("test") or self._is_fixture(fn):
                continue
            self.units.append(Unit("%s::%s" % (prefix, name), fn, chain, fn.lineno,
                                   class_marks + list(fn.decorator_list)))
        if not unittest_class:
            for stmt in cls.body:
                if isinstance(stmt, ast.ClassDef):
                    self._collect_class(stmt, chain, class_marks)

    # --- marks ---------------------------------------------------------------------------------------------

    def _mark_names(self, nodes, depth=0):
        """Skip-like mark names found in decorator / pytestmark expressions (following module-level aliases)."""
        found = set()
        for node in nodes:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Attribute):
                    if sub.attr in SKIP_MARKS and isinstance(sub.value, (ast.Attribute, ast.Name)) and \
                            callee_name(sub.value) == "mark":
                        found.add(sub.attr)
                    q = self.module.context.qualified(sub)
                    if q and q.startswith("unittest.") and q.split(".")[-1] in UNITTEST_SKIPS:
                        found.add(q.split(".")[-1])
                elif isinstance(sub, ast.Name):
                    q = self.module.context.qualified(sub)
                    if q and q.startswith("unittest.") and q.split(".")[-1] in UNITTEST_SKIPS:
                        found.add(q.split(".")[-1])
                    elif q and q.startswith("pytest.mark.") and q.split(".")[-1] in SKIP_MARKS:
                        found.add(q.split(".")[-1])
                    elif depth < 3 and sub.id in self.module.constant_nodes:
                        found |= self._mark_names([self.module.constant_nodes[sub.id].value], depth + 1)
        return found

    def _module_skips(self):
        ctx = self.module.context
        for stmt in self.module.tree.body:
            if isinstance(stmt, FUNCTION_NODES + (ast.ClassDef,)):
                continue
            for sub in walk_no_scopes(stmt):
                if isinstance(sub, ast.Call) and is_skip_call(sub, ctx):
                    return True
                if isinstance(sub, ast.Raise) and is_skip_raise(sub, ctx):
                    return True
        return False

    def _fixtures(self):
        """name -> fixture function (module level and in classes), and the autouse ones."""
        fixtures, autouse = {}, []
        for node in ast.walk(self.module.tree):
            if isinstance(node, FUNCTION_NODES) and self._is_fixture(node):
                name = node.name
                for d in node.decorator_list:
                    if isinstance(d, ast.Call):
                        for k in d.keywords:
                            if k.arg == "name" and isinstance(k.value, ast.Constant) and isinstance(k.value.value,
                                                                                                    str):
                                name = k.value.value
                            if k.arg == "autouse" and isinstance(k.value, ast.Constant) and k.value.value:
                                autouse.append(node)
                fixtures.setdefault(name, []).append(node)
        return fixtures, autouse

    def _setup_functions(self, unit):
        found = []
        for stmt in self.module.tree.body:
            if isinstance(stmt, FUNCTION_NODES) and stmt.name in SETUP_NAMES:
                found.append(stmt)
        for cls in unit.cls_chain:
            for name, (fn, _) in self._methods(cls).items():
                if fn is not None and name in SETUP_NAMES:
                    found.append(fn)
        return found

    def _skip_in(self, fn):
        ctx = self.module.context
        for sub in ast.walk(fn):
            if isinstance(sub, ast.Call) and is_skip_call(sub, ctx):
                return True
            if isinstance(sub, ast.Raise) and is_skip_raise(sub, ctx):
                return True
        return False

    def mark_skips(self):
        module_skip = self._module_skips()
        fixtures, autouse = self._fixtures()
        for unit in self.units:
            names = self._mark_names(unit.marks_nodes)
            unit.xfail = bool(names & XFAIL_NAMES)
            skip = module_skip or bool(names)
            if not skip:
                todo = list(self._setup_functions(unit)) + list(autouse)
                params = unit.fn.args.posonlyargs + unit.fn.args.args + unit.fn.args.kwonlyargs
                seen = set()
                wanted = [p.arg for p in params]
                while wanted:
                    name = wanted.pop()
                    if name in seen:
                        continue
                    seen.add(name)
                    for fx in fixtures.get(name, []):
                        todo.append(fx)
                        wanted.extend(p.arg for p in fx.args.posonlyargs + fx.args.args + fx.args.kwonlyargs)
                for fn in todo:
                    if self._skip_in(fn) or self._mark_names(fn.decorator_list):
                        skip = True
                        break
            unit.skip = skip or unit.skip

    def classify(self, stmt, ctx):
        key = id(stmt)
        if key not in self._shapes:
            self._shapes[key] = self.shapes.statement(stmt, ctx)
        return self._shapes[key]

    # --- functions containing assertions ------------------------------------------------------------------

    def contains_assertions(self, fn, ctx, seen=None):
        key = id(fn)
        if key in self._contains:
            return self._contains[key]
        seen = seen or set()
        if key in seen:
            return False
        seen.add(key)
        inner = ctx.context_for(fn) if ctx.fn is not fn else ctx
        result = False
        for sub in walk_no_scopes_body(fn):
            if isinstance(sub, ast.Assert):
                if self.classify(sub, inner) is not TRIVIAL:
                    result = True
            elif isinstance(sub, ast.Raise):
                result = True
            elif isinstance(sub, ast.Call):
                if is_assertion_call(sub, inner):
                    result = True
                elif isinstance(sub.func, ast.Name):
                    kind, target = inner.resolve(sub.func.id)
                    if kind == "func" and target is not fn and self.contains_assertions(target, inner, seen):
                        result = True
            if result:
                break
        self._contains[key] = result
        return result

    # --- reach ---------------------------------------------------------------------------------------------

    def walk_units(self):
        module_ctx = self.module.context
        for unit in self.units:
            cls = unit.cls_chain[-1] if unit.cls_chain else None
            ctx = module_ctx.child(unit.fn, cls)
            walker = Walker(self, unit)
            walker.function(unit.fn, ctx, conditional=False, protected=unit.xfail)

    def rewritable_function(self, fn):
        """Every reference to fn in the file is a direct call the walks visited unprotected (or fn is a unit
        that nothing else references)."""
        if fn.name in self.module.attribute_names:
            return False
        refs = self.module.name_loads.get(fn.name, [])
        for node in refs:
            flags = self.call_visits.get(id(node))
            if flags is None or True in flags:
                return False
        if not refs:
            return any(u.fn is fn for u in self.units)
        return True

    def finish(self, next_probe):
        """Decides which sites are rewritten, assigns probe ids, computes evidence, builds the rewritten source."""
        rewritable = {}
        for site in self.sites.values():
            fn = site.fn
            if id(fn) not in rewritable:
                rewritable[id(fn)] = self.rewritable_function(fn)
            site.rewrite = site.reached and not site.protected and rewritable[id(fn)]
        ordered = sorted((s for s in self.sites.values() if s.rewrite),
                         key=lambda s: (s.stmt.lineno, s.stmt.col_offset))
        for site in ordered:
            site.probe = next_probe()
        return ordered


def walk_no_scopes(node):
    """ast.walk without entering nested function, class or lambda bodies."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        for child in ast.iter_child_nodes(n):
            if isinstance(child, FUNCTION_NODES + (ast.ClassDef, ast.Lambda)):
                continue
            stack.append(child)


def walk_no_scopes_body(fn):
    for stmt in fn.body:
        if isinstance(stmt, FUNCTION_NODES + (ast.ClassDef,)):
            continue
        yield from walk_no_scopes(stmt)


class Walker:
    """Walks one unit's reach, recording sealed sites, required probes, blocking constructs and skips."""

    def __init__(self, analysis, unit):
        self.a = analysis
        self.unit = unit
        self.stack = []

    def block(self, reason):
        if len(self.unit.blocking) < 20:
            self.unit.blocking.append(reason)

    def function(self, fn, ctx, conditional, protected):
        self.stack.append(fn)
        try:
            self.body(fn.body, ctx, fn, conditional, protected)
        finally:
            self.stack.pop()

    def body(self, stmts, ctx, fn, conditional, protected):
        for stmt in stmts:
            self.statement(stmt, ctx, fn, conditional, protected)
            if isinstance(stmt, (ast.Return, ast.Raise, ast.Continue, ast.Break)):
                break

    def statement(self, stmt, ctx, fn, conditional, protected):
        a = self.a
        shape = a.classify(stmt, ctx)
        if shape is not None:
            if isinstance(shape, Seal):
                site = a.sites.get(id(stmt))
                if site is None:
                    site = a.sites[id(stmt)] = Site(stmt, shape, fn, ctx)
                site.reached = True
                site.protected = site.protected or protected
                if conditional:
                    self.block("conditional assertion (line %d)" % stmt.lineno)
                else:
                    self.unit.required.append(site)
                self.expression(shape.actual, ctx, conditional, protected)
            elif isinstance(shape, Unsealed):
                self.block("%s (line %d)" % (shape.reason, stmt.lineno))
                if isinstance(stmt, ast.Assert):
                    self.expression(stmt.test, ctx, conditional, protected)
                else:
                    for arg in stmt.value.args:
                        self.expression(arg, ctx, conditional, protected)
                    for k in stmt.value.keywords:
                        self.expression(k.value, ctx, conditional, protected)
            return
        if isinstance(stmt, ast.Raise):
            if is_skip_raise(stmt, ctx):
                self.unit.skip = True
            else:
                self.block("raise (line %d)" % stmt.lineno)
            self.expressions(stmt, ctx, conditional, protected)
            return
        if isinstance(stmt, FUNCTION_NODES + (ast.ClassDef,)):
            for d in stmt.decorator_list:
                self.expression(d, ctx, conditional, protected)
            if isinstance(stmt, ast.ClassDef):
                for b in stmt.bases:
                    self.expression(b, ctx, conditional, protected)
            else:
                for d in stmt.args.defaults + [d for d in stmt.args.kw_defaults if d is not None]:
                    self.expression(d, ctx, conditional, protected)
            return
        if isinstance(stmt, (ast.If, ast.While)):
            self.expression(stmt.test, ctx, conditional, protected)
            self.body(stmt.body, ctx, fn, True, protected)
            self.body(stmt.orelse, ctx, fn, True, protected)
            return
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.expression(stmt.iter, ctx, conditional, protected)
            self.body(stmt.body, ctx, fn, True, protected)
            self.body(stmt.orelse, ctx, fn, True, protected)
            return
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self.expression(item.context_expr, ctx, conditional, protected)
            self.body(stmt.body, ctx, fn, True, True)
            return
        if isinstance(stmt, (ast.Try,) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())):
            self.body(stmt.body, ctx, fn, True, True)
            for handler in stmt.handlers:
                if handler.type is not None:
                    self.expression(handler.type, ctx, True, True)
                self.body(handler.body, ctx, fn, True, True)
            self.body(stmt.orelse, ctx, fn, True, True)
            self.body(stmt.finalbody, ctx, fn, True, True)
            return
        if isinstance(stmt, ast.Match):
            self.expression(stmt.subject, ctx, conditional, protected)
            for case in stmt.cases:
                if case.guard is not None:
                    self.expression(case.guard, ctx, True, protected)
                self.body(case.body, ctx, fn, True, protected)
            return
        self.expressions(stmt, ctx, conditional, protected)

    def expressions(self, stmt, ctx, conditional, protected):
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.expr):
                self.expression(child, ctx, conditional, protected)

    def expression(self, node, ctx, conditional, protected):
        a = self.a
        if isinstance(node, ast.Lambda):
            self.expression(node.body, ctx, True, True)
            return
        if isinstance(node, COMPREHENSIONS):
            for sub in ast.iter_child_nodes(node):
                self.expression_or_comprehension(sub, ctx, True, True)
            return
        if isinstance(node, ast.IfExp):
            self.expression(node.test, ctx, conditional, protected)
            self.expression(node.body, ctx, True, protected)
            self.expression(node.orelse, ctx, True, protected)
            return
        if isinstance(node, ast.BoolOp):
            self.expression(node.values[0], ctx, conditional, protected)
            for v in node.values[1:]:
                self.expression(v, ctx, True, protected)
            return
        if isinstance(node, ast.Call):
            self.call(node, ctx, conditional, protected)
            for arg in node.args:
                self.expression(arg, ctx, conditional, protected)
            for k in node.keywords:
                self.expression(k.value, ctx, conditional, protected)
            if not isinstance(node.func, ast.Name):
                self.expression(node.func, ctx, conditional, protected)
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            kind, target = ctx.resolve(node.id)
            if kind == "func" and a.contains_assertions(target, ctx):
                self.block("%s used as a value (line %d)" % (node.id, node.lineno))
            return
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and ctx.cls is not None \
                and node.value.id == (ctx.first_param() or "self"):
            method = a._methods(ctx.cls).get(node.attr)
            if method and method[0] is not None and \
                    a.contains_assertions(method[0], a.module.context.child(method[0], ctx.cls)):
                self.block("method %s cannot be followed (line %d)" % (node.attr, node.lineno))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expression(child, ctx, conditional, protected)

    def expression_or_comprehension(self, node, ctx, conditional, protected):
        if isinstance(node, ast.comprehension):
            self.expression(node.iter, ctx, conditional, protected)
            for cond in node.ifs:
                self.expression(cond, ctx, conditional, protected)
            return
        if isinstance(node, ast.expr):
            self.expression(node, ctx, conditional, protected)

    def call(self, call, ctx, conditional, protected):
        a = self.a
        if is_skip_call(call, ctx):
            self.unit.skip = True
            return
        if is_assertion_call(call, ctx):
            self.block("assertion call (line %d)" % call.lineno)
            return
        func = call.func
        if isinstance(func, ast.Name):
            kind, target = ctx.resolve(func.id)
            if kind == "func":
                a.call_visits.setdefault(id(func), set()).add(bool(protected))
                if self.followable(target):
                    self.function(target, ctx.context_for(target), conditional, protected)
                elif a.contains_assertions(target, ctx):
                    self.block("%s cannot be followed (line %d)" % (func.id, call.lineno))
                return
            if kind in ("unknown", "local"):
                self.imported_helper(func.id, ctx, call)
            return
        if isinstance(func, ast.Attribute):
            if isinstance(func.value, ast.Name) and ctx.cls is not None and \
                    func.value.id == (ctx.first_param() or "self"):
                method = a._methods(ctx.cls).get(func.attr)
                if method and method[0] is not None:
                    if is_skip_method(method[0], a):
                        self.unit.skip = True
                    if a.contains_assertions(method[0], a.module.context.child(method[0], ctx.cls)):
                        self.block("method %s cannot be followed (line %d)" % (func.attr, call.lineno))
                return
            q = ctx.qualified(func)
            if q:
                self.imported_attribute(q, call)

    def followable(self, fn):
        if fn in self.stack:
            return False
        if fn.decorator_list or isinstance(fn, ast.AsyncFunctionDef):
            return False
        for sub in walk_no_scopes_body(fn):
            if isinstance(sub, (ast.Yield, ast.YieldFrom)):
                return False
        return True

    def imported_helper(self, name, ctx, call):
        """A helper imported from a request (non-generated) module that contains assertions."""
        root = ctx.import_root(name)
        if root:
            self.imported_attribute(root, call)

    def imported_attribute(self, qualified, call):
        a = self.a
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module_name, attr = ".".join(parts[:cut]), parts[cut]
            level = len(module_name) - len(module_name.lstrip("."))
            candidates = a.ws.module_candidates(module_name.lstrip("."), level, a.path)
            if not candidates:
                continue
            for path in candidates:
                if path in a.ws.generated_set:
                    return
                tree = a.ws.tree(path)
                if tree is None:
                    continue
                for stmt in tree.body:
                    if isinstance(stmt, FUNCTION_NODES) and stmt.name == attr:
                        if function_has_assertions(stmt):
                            self.block("helper %s from %s contains assertions (line %d)" % (attr, path, call.lineno))
                        return
            return


def is_skip_method(fn, analysis):
    return analysis._skip_in(fn)


def function_has_assertions(fn):
    for sub in walk_no_scopes_body(fn):
        if isinstance(sub, (ast.Assert, ast.Raise)):
            if isinstance(sub, ast.Assert) and isinstance(sub.test, ast.Constant) and sub.test.value:
                continue
            return True
        if isinstance(sub, ast.Call):
            name = callee_name(sub.func)
            if name and (name.lower().startswith("assert") or name in ("fail", "raises")):
                return True
    return False


# ---------------------------------------------------------------------------------------------------------------
# Rewriting

def line_starts(source):
    starts = [0]
    offset = 0
    for line in io.StringIO(source, newline=""):
        offset += len(line)
        starts.append(offset)
    return starts


class Rewriter:
    def __init__(self, source):
        self.source = source
        self.lines = list(io.StringIO(source, newline=""))
        self.starts = line_starts(source)
        self.edits = []

    def offset(self, lineno, col):
        line = self.lines[lineno - 1] if lineno - 1 < len(self.lines) else ""
        return self.starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8", "replace"))

    def span(self, node):
        return self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset)

    def newline(self, lineno):
        """The line ending the file uses at that line (padding keeps CRLF files CRLF)."""
        line = self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else "\n"
        for ending in ("\r\n", "\n", "\r"):
            if line.endswith(ending):
                return ending
        return "\n"

    def probe(self, stmt, actual, probe_id):
        start, end = self.span(stmt)
        a_start, a_end = self.span(actual)
        nl = self.newline(stmt.lineno)
        text = "%s(%d, %s(%s)%s)" % (PROBE, probe_id, nl * (actual.lineno - stmt.lineno),
                                     self.source[a_start:a_end], nl * (stmt.end_lineno - actual.end_lineno))
        self.edits.append((start, end, text))

    def blank(self, value_node):
        start, end = self.span(value_node)
        nl = self.newline(value_node.lineno)
        self.edits.append((start, end, "(None%s)" % (nl * (value_node.end_lineno - value_node.lineno))))

    def result(self):
        out = []
        position = 0
        for start, end, text in sorted(self.edits):
            if start < position:
                raise ValueError("overlapping edits")
            out.append(self.source[position:start])
            out.append(text)
            position = end
        out.append(self.source[position:])
        return "".join(out)


CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def fix_coding_cookie(text, encoding):
    if encoding.lower().replace("_", "-") in ("utf-8", "utf-8-sig"):
        return text
    lines = text.split("\n", 2)
    for i in range(min(2, len(lines))):
        m = CODING.match(lines[i])
        if m:
            lines[i] = lines[i][:m.start(1)] + "utf-8" + lines[i][m.end(1):]
            break
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# Tamper analysis of generated files

FRAME_WALK = frozenset(("sys._getframe", "sys._current_frames", "sys._getframemodulename", "inspect.currentframe",
                        "inspect.stack", "inspect.getouterframes", "inspect.getinnerframes", "inspect.trace",
                        "traceback.walk_stack"))
FRAME_ATTRS = frozenset(("f_back", "f_locals", "f_globals", "tb_frame", "gi_frame", "cr_frame", "ag_frame"))
HEAP_WALK = frozenset(("gc.get_objects", "gc.get_referrers", "gc.get_referents"))
TRACE_HOOKS = frozenset(("sys.settrace", "sys.setprofile", "threading.settrace", "threading.setprofile",
                         "sys.addaudithook", "threading.settrace_all_threads", "threading.setprofile_all_threads",
                         "_thread.settrace"))
EXITS = frozenset(("os._exit", "posix._exit", "sys.exit", "builtins.exit", "builtins.quit", "os.abort",
                   "posix.abort", "os.killpg", "signal.raise_signal", "signal.pthread_kill", "os.execv", "os.execve",
                   "os.execl", "os.execle", "os.execlp", "os.execlpe", "os.execvp", "os.execvpe", "builtins.SystemExit",
                   "_thread.exit", "posix.execv", "posix.execve"))
ENVIRONMENT = frozenset(("os.environ", "os.environb", "os.getenv", "os.getenvb", "os.putenv", "os.unsetenv",
                         "posix.environ", "posix.putenv", "posix.unsetenv"))
FD_WRITERS = {"os.write": 0, "os.fdopen": 0, "builtins.open": 0, "io.open": 0, "io.FileIO": 0, "_io.open": 0,
              "_io.FileIO": 0, "os.dup2": 1, "os.pwrite": 0, "os.writev": 0, "os.sendfile": 0, "os.dup": 0,
              "posix.write": 0, "os.pwritev": 0, "os.ftruncate": 0}
SKIPS_GENERATED = frozenset(("pytest.skip", "pytest.xfail", "pytest.importorskip", "unittest.SkipTest",
                             "unittest.case.SkipTest", "_pytest.outcomes.skip", "_pytest.outcomes.Skipped",
                             "_pytest.outcomes.xfail", "_pytest.outcomes.XFailed", "unittest.skip",
                             "unittest.skipIf", "unittest.skipUnless", "unittest.expectedFailure",
                             "pytest.mark.skip", "pytest.mark.skipif", "pytest.mark.xfail"))
FRAMEWORK_MODULES = ("pytest", "_pytest", "pluggy", "unittest")
PROC_PATH = re.compile(r"/proc/(self|thread-self|\d+)(/|$)")
DANGEROUS_STRINGS = {"_getframe": "frame-walk", "_current_frames": "frame-walk", "f_back": "frame-walk",
                     "f_locals": "frame-walk", "f_globals": "frame-walk", "tb_frame": "frame-walk",
                     "gi_frame": "frame-walk", "cr_frame": "frame-walk", "get_objects": "heap-walk",
                     "get_referrers": "heap-walk", "get_referents": "heap-walk", "settrace": "trace-hook",
                     "setprofile": "trace-hook", "addaudithook": "trace-hook"}
SYS_MODULES_MUTATORS = frozenset(("update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"))
MAIN_GUARD_NAMES = ("__main__",)


def severity_of(rule):
    return "MEDIUM" if rule == "environment-read" else "CRITICAL"


class Names:
    """What the expressions of one file name, as qualified names (`sys._getframe`, `flask.Flask`), through its imports
    and its aliases (`x = sys`, `g = getattr(sys, "_getframe")`), flow-insensitively by name.

    With `calls`, a call's result is named too, as the callee's name followed by `()` (`app = Flask(__name__)` makes
    `app.get` name `flask.Flask().get`), and so are `with … as x`, awaited values and annotated parameters and
    variables (`conn: sqlite3.Connection` names `sqlite3.Connection()`): what the kind signals need to recognise
    framework objects. The tamper rules compare names of modules and classes only, so they resolve without it.
    `roots` (top-level module names) keeps only the names rooted there; with `calls`, a name has at most MAX_ALIASES
    names and a name at most MAX_CALLS calls in it: names built from calls on calls (`x = x.f()` in many assignments)
    multiply otherwise. Neither applies to the tamper rules' resolution.
    """
    MAX_CALLS = 6
    MAX_ALIASES = 32
    LOADERS = frozenset(("builtins.getattr", "builtins.__import__", "builtins.vars", "importlib.import_module",
                         "importlib.__import__"))

    def __init__(self, tree, calls=False, roots=None):
        self.tree = tree
        self.calls = calls
        self.roots = roots
        self.bound = set()
        self.imports = {}
        self.defined = set()
        for node in ast.walk(tree):
            if isinstance(node, FUNCTION_NODES + (ast.ClassDef,)):
                self.bound.add(node.name)
                self.defined.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                self.bound.add(node.id)
            elif isinstance(node, ast.arg):
                self.bound.add(node.arg)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        self.imports.setdefault(a.asname, set()).add(a.name)
                        self.bound.add(a.asname)
                    else:
                        top = a.name.split(".")[0]
                        self.imports.setdefault(top, set()).add(top)
                        self.bound.add(top)
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                for a in node.names:
                    if a.name == "*":
                        continue
                    name = a.asname or a.name
                    full = (module + "." + a.name) if module else a.name
                    if node.level:
                        full = "." * node.level + full
                    self.imports.setdefault(name, set()).add(full)
                    self.bound.add(name)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                self.bound.add(node.name)
            elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                self.bound.add(node.name)
        self.aliases = {}
        for _ in range(3):
            changed = False
            for target, quals in self.assignments():
                before = self.aliases.get(target, set())
                if quals <= before:
                    continue
                if not calls:
                    self.aliases[target] = before | quals
                elif len(before) < self.MAX_ALIASES:
                    self.aliases[target] = before | set(sorted(quals)[:self.MAX_ALIASES - len(before)])
                else:
                    continue
                changed = True
            if not changed:
                break
        self._quals = {}

    def assignments(self):
        """(name, qualified names of the value) for every binding of a name to a value with a name."""
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if node.value is not None:
                    quals = self.quals(node.value, fresh=True)
                elif self.calls:
                    quals = self.instances(node.annotation)
                else:
                    continue
                for t in targets:
                    if isinstance(t, ast.Name) and quals:
                        yield t.id, quals
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name):
                        quals = self.quals(item.context_expr, fresh=True)
                        if quals:
                            yield item.optional_vars.id, quals
            elif self.calls and isinstance(node, ast.arg) and node.annotation is not None:
                quals = self.instances(node.annotation)
                if quals:
                    yield node.arg, quals

    def instances(self, annotation):
        """The names of instances of an annotation's class (`Session` gives `sqlalchemy.orm.Session()`)."""
        if isinstance(annotation, ast.Subscript):  # Optional[Session]
            annotation = annotation.slice
        return {q + "()" for q in self.quals(annotation, True)}

    def quals(self, node, fresh=False):
        if not fresh:
            key = id(node)
            if key in self._quals:
                return self._quals[key]
        result = self._quals_of(node)
        if not fresh:
            self._quals[id(node)] = result
        return result

    def _quals_of(self, node):
        if isinstance(node, ast.Name):
            found = set(self.imports.get(node.id, ())) | set(self.aliases.get(node.id, ()))
            if node.id == "__builtins__":
                found.add("builtins")
            elif node.id not in self.bound and node.id in BUILTIN_NAMES:
                found.add("builtins." + node.id)
            return self.rooted(found)
        if isinstance(node, ast.Attribute):
            return {q + "." + node.attr for q in self.quals(node.value, True)}
        if isinstance(node, ast.Call):
            fq = self.quals(node.func, True)
            if fq & {"builtins.getattr"} and len(node.args) >= 2:
                name = self.const_string(node.args[1])
                if name is not None:
                    return {q + "." + name for q in self.quals(node.args[0], True)}
            if fq & {"builtins.__import__", "importlib.import_module", "importlib.__import__"} and node.args:
                name = self.const_string(node.args[0])
                if name is not None:
                    return self.rooted({name.split(".")[0] if "builtins.__import__" in fq else name})
            if fq & {"builtins.vars"} and node.args:
                return {q + ".__dict__" for q in self.quals(node.args[0], True)}
            return {q + "()" for q in fq if q.count("()") < self.MAX_CALLS} if self.calls else set()
        if isinstance(node, ast.Await) and self.calls:
            return self.quals(node.value, True)
        if isinstance(node, ast.Subscript):
            key = self.const_string(node.slice)
            if key is None:
                return set()
            base = self.quals(node.value, True)
            if "sys.modules" in base:
                return {key}
            return {q[:-len(".__dict__")] + "." + key for q in base if q.endswith(".__dict__")}
        return set()

    def rooted(self, quals):
        if self.roots is None:
            return quals
        return {q for q in quals if q.split(".", 1)[0] in self.roots or q in self.LOADERS}

    @staticmethod
    def const_string(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = Names.const_string(node.left)
            right = Names.const_string(node.right)
            if left is not None and right is not None:
                return left + right
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str):
                    parts.append(v.value)
                else:
                    return None
            return "".join(parts)
        return None


class TamperAnalysis:
    def __init__(self, ws, path, source, test_file):
        self.ws = ws
        self.path = path
        self.source = source
        self.test_file = test_file
        self.findings = []
        self._seen = set()

    def add(self, rule, line, message):
        key = (rule, line, message)
        if key in self._seen:
            return
        self._seen.add(key)
        self.findings.append({"rule": rule, "severity": severity_of(rule), "message": message[:500],
                              "path": self.path, "line": line})

    def run(self, tree=None):
        if tree is None:
            try:
                tree = ast.parse(self.source, filename=self.path)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return self.findings
        self.analyse(tree, 0)
        return self.findings

    # --- name resolution -------------------------------------------------------------------------------

    def analyse(self, tree, line_offset):
        self.line_offset = line_offset
        self.tree = tree
        self.names = Names(tree)
        self.bound = self.names.bound
        self.quals = self.names.quals
        self.const_string = Names.const_string
        self.main_guard()
        self.visit(tree)

    def line(self, node):
        """The node's line; code parsed from an exec/eval string reports the line of that call."""
        return self.line_offset or getattr(node, "lineno", None)

    # --- main guard ------------------------------------------------------------------------------------

    def main_guard(self):
        """Node ids where exits are allowed: `if __name__ == "__main__":` blocks and the bodies of module-level
        functions and classes referenced only from such places."""
        self.allowed = set()
        blocks = []
        for stmt in self.tree.body:
            if isinstance(stmt, ast.If) and is_main_test(stmt.test):
                blocks.append(stmt)
        if not blocks:
            return
        region = set()
        for b in blocks:
            for n in ast.walk(b):
                region.add(id(n))
        defs = {s.name: s for s in self.tree.body if isinstance(s, FUNCTION_NODES + (ast.ClassDef,))}
        body_nodes = {name: set(id(n) for n in ast.walk(d)) for name, d in defs.items()}
        refs = {name: [] for name in defs}
        for n in ast.walk(self.tree):
            if isinstance(n, ast.Name) and n.id in refs and isinstance(n.ctx, ast.Load):
                refs[n.id].append(id(n))
        members = set()
        changed = True
        while changed:
            changed = False
            allowed = set(region)
            for m in members:
                allowed |= body_nodes[m]
            for name in defs:
                if name in members:
                    continue
                outside = [r for r in refs[name] if r not in body_nodes[name]]
                if outside and all(r in allowed for r in outside):
                    members.add(name)
                    changed = True
        self.allowed = set(region)
        for m in members:
            self.allowed |= body_nodes[m]

    # --- visiting --------------------------------------------------------------------------------------

    def visit(self, tree):
        for node in ast.walk(tree):
            self.node(node)

    def node(self, node):
        if isinstance(node, ast.Attribute):
            self.attribute(node)
        elif isinstance(node, ast.Name):
            self.name(node)
        elif isinstance(node, ast.Call):
            self.call(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self.import_(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            self.string(node, node.value if isinstance(node.value, str) else node.value.decode("latin-1"))
        elif isinstance(node, (ast.JoinedStr, ast.BinOp)):
            self.dynamic_string(node)
        elif isinstance(node, ast.ClassDef):
            self.class_def(node)
        elif isinstance(node, FUNCTION_NODES):
            self.function_def(node)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            self.store(node)
        elif isinstance(node, ast.Raise):
            self.raise_(node)

    def check_qualified(self, node, quals):
        line = self.line(node)
        for q in quals:
            if q in FRAME_WALK:
                self.add("frame-walk", line, "%s walks the interpreter's frames" % q)
            elif q in HEAP_WALK:
                self.add("heap-walk", line, "%s walks the heap" % q)
            elif q.split(".")[0] in ("ctypes", "_ctypes"):
                self.add("heap-walk", line, "%s reaches native memory" % q)
            elif q in ("os.getppid", "posix.getppid"):
                self.add("process-introspection", line, "%s looks at the parent process" % q)
            elif q in TRACE_HOOKS or q.startswith("sys.monitoring"):
                self.add("trace-hook", line, "%s installs a trace or audit hook" % q)
            elif q in EXITS:
                if id(node) not in self.allowed:
                    self.add("exit-outside-main", line, "%s ends the process outside the main guard" % q)
            elif q in ENVIRONMENT:
                self.add("environment-read", line, "%s reads the environment" % q)
            elif q in ("sys.__stdout__", "sys.__stderr__"):
                self.add("report-channel", line, "%s reaches the original output stream" % q)
            if not self.test_file:
                if q in SKIPS_GENERATED:
                    self.add("skip-from-generated", line, "%s outside a test file" % q)
                if q.split(".")[0] in ("_pytest", "pluggy") and not q.startswith("_pytest.outcomes"):
                    self.add("framework-hook", line, "%s: test framework internals outside a test file" % q)
                if q in ("pytest.hookimpl", "pytest.hookspec", "pluggy.HookimplMarker"):
                    self.add("framework-hook", line, "%s registers a test framework hook" % q)
                if q in ("pytest.MonkeyPatch", "_pytest.monkeypatch.MonkeyPatch") or \
                        q.startswith("unittest.mock.patch") or q.startswith("mock.patch"):
                    self.add("framework-patch", line, "%s patches code outside a test" % q)
            parts = q.split(".")
            if parts[0] in FRAMEWORK_MODULES and any(p.startswith("_") and not p.startswith("__")
                                                     for p in parts[1:]):
                self.add("framework-patch", line, "%s reaches test framework internals" % q)

    def attribute(self, node):
        if node.attr in FRAME_ATTRS:
            self.add("frame-walk", self.line(node), "attribute %s reaches an interpreter frame" % node.attr)
        self.check_qualified(node, self.quals(node))

    def name(self, node):
        quals = self.quals(node)
        if isinstance(node.ctx, ast.Load):
            # a bare imported name: `from sys import _getframe` then `_getframe()`
            self.check_qualified(node, quals)
            if node.id == "monkeypatch" and not self.test_file:
                self.add("framework-patch", self.line(node), "monkeypatch used outside a test file")
            if node.id == "pytest_plugins" and not self.test_file:
                self.add("framework-hook", self.line(node), "pytest_plugins outside a test file")
        else:
            if node.id == "__builtins__":
                self.add("framework-patch", self.line(node), "__builtins__ rebound")
            if node.id == "pytest_plugins" and not self.test_file:
                self.add("framework-hook", self.line(node), "pytest_plugins registers plugins")

    def import_(self, node):
        line = self.line(node)
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            base = node.module or ""
            names = [base] + [(base + "." + a.name) if base else a.name for a in node.names if a.name != "*"]
            if node.level:
                return
        for name in names:
            top = name.split(".")[0]
            if top in ("ctypes", "_ctypes", "cffi"):
                self.add("heap-walk", line, "import of %s reaches native memory" % name)
            if not self.test_file and top in ("_pytest", "pluggy"):
                self.add("framework-hook", line, "import of %s outside a test file" % name)
        if isinstance(node, ast.ImportFrom) and not node.level:
            for a in node.names:
                full = (node.module or "") + "." + a.name
                self.check_qualified(node, {full})

    def call(self, node):
        line = self.line(node)
        fq = self.quals(node.func)
        # os.kill(os.getpid(), ...), os.kill(0, ...)
        if fq & {"os.kill", "posix.kill"} and node.args and id(node) not in self.allowed:
            target = node.args[0]
            if (isinstance(target, ast.Call) and self.quals(target.func) & {"os.getpid", "os.getppid"}) or \
                    (isinstance(target, ast.Constant) and target.value in (0, -1)):
                self.add("exit-outside-main", line, "os.kill of its own process outside the main guard")
        for q in fq:
            index = FD_WRITERS.get(q)
            if index is not None and len(node.args) > index and self.std_fd(node.args[index]):
                self.add("report-channel", line, "%s on descriptor 1 or 2" % q)
        if fq & {"builtins.setattr", "builtins.delattr", "object.__setattr__", "builtins.object.__setattr__",
                 "builtins.type.__setattr__", "builtins.object.__delattr__", "builtins.type.__delattr__"} \
                and node.args:
            target = node.args[0]
            tq = self.quals(target)
            if tq and not self.workspace_only(tq):
                self.add("framework-patch", line, "setattr on %s, which this file did not define" % sorted(tq)[0])
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in SYS_MODULES_MUTATORS:
            base = self.quals(func.value)
            if "sys.modules" in base or any(q.endswith(".__dict__") and not self.workspace_only({q})
                                            for q in base):
                self.add("framework-patch", line, "%s.%s changes modules" % (sorted(base)[0], func.attr))
        if isinstance(func, ast.Attribute) and func.attr == "skipTest" and not self.test_file:
            self.add("skip-from-generated", line, "skipTest outside a test file")
        if fq & {"builtins.exec", "builtins.eval", "builtins.compile"} and node.args:
            code = self.const_string(node.args[0])
            if code is not None:
                try:
                    sub = ast.parse(code)
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    sub = None
                if sub is not None:
                    nested = TamperAnalysis(self.ws, self.path, code, self.test_file)
                    nested.analyse(sub, line)
                    for f in nested.findings:
                        self.add(f["rule"], line, f["message"] + " (in code run by exec/eval)")

    def std_fd(self, node):
        if isinstance(node, ast.Constant) and type(node.value) is int and node.value in (1, 2):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "fileno":
            return bool(self.quals(node.func.value) & {"sys.stdout", "sys.stderr", "sys.__stdout__",
                                                        "sys.__stderr__"})
        return False

    def workspace_only(self, quals):
        """True when every qualified name is rooted at a module of the workspace (generated code patching its own
        modules is not a framework patch)."""
        for q in quals:
            parts = q.split(".")
            if parts[0] == "builtins" or q.startswith("."):
                if q.startswith("."):
                    continue
                return False
            found = False
            for cut in range(len(parts), 0, -1):
                if self.ws.module_candidates(".".join(parts[:cut])):
                    found = True
                    break
            if not found:
                return False
        return True

    def string(self, node, text):
        line = self.line(node)
        if PROC_PATH.search(text) or text.rstrip("/") == "/proc" or text.endswith("/proc/"):
            self.add("process-introspection", line, "path %r reaches /proc" % text[:80])
        if "/dev/stdout" in text or "/dev/fd/" in text or "/proc/self/fd" in text or text.rstrip("/") == "/dev/fd":
            self.add("report-channel", line, "path %r reaches the output descriptors" % text[:80])
        rule = DANGEROUS_STRINGS.get(text)
        if rule:
            self.add(rule, line, "the name %r is looked up dynamically" % text)

    def dynamic_string(self, node):
        text = self.const_string(node)
        if text is not None and not isinstance(node, ast.Constant):
            self.string(node, text)
        if isinstance(node, ast.JoinedStr):
            first = node.values[0] if node.values else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and (
                    first.value.endswith("/proc/") or first.value.rstrip("/") == "/proc"):
                self.add("process-introspection", self.line(node), "a /proc path built at run time")

    def class_def(self, node):
        for stmt in node.body:
            if isinstance(stmt, FUNCTION_NODES) and stmt.name in ("__eq__", "__ne__"):
                self.equality(stmt, stmt.args, stmt.body, stmt.name)
            elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Lambda):
                for t in stmt.targets:
                    if isinstance(t, ast.Name) and t.id in ("__eq__", "__ne__"):
                        lam = stmt.value
                        self.equality(stmt, lam.args, [ast.Return(value=lam.body)], t.id)

    def equality(self, node, args, body, name):
        line = self.line(node)
        params = args.posonlyargs + args.args
        if len(params) < 2:
            if args.vararg is None:
                self.add("equality-ignores-argument", line, "%s takes no second argument" % name)
                return
            other = args.vararg.arg
        else:
            other = params[1].arg
        returns = []
        for stmt in body:
            stack = [stmt]
            while stack:
                n = stack.pop()
                if isinstance(n, ast.Return):
                    returns.append(n.value)
                for child in ast.iter_child_nodes(n):
                    if not isinstance(child, FUNCTION_NODES + (ast.ClassDef, ast.Lambda)):
                        stack.append(child)
        if returns and all(isinstance(v, ast.Name) and v.id == "NotImplemented" for v in returns):
            return  # equality left to identity: harmless
        if not returns and body and isinstance(body[-1], ast.Raise):
            return  # an abstract method that only raises: harmless
        used = False
        for stmt in body:
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Name) and sub.id == other:
                    used = True
                    break
            if used:
                break
        if not used:
            self.add("equality-ignores-argument", line, "%s never uses its argument %s" % (name, other))
            return
        if returns and all(literal_constant(v) for v in returns) and any(
                not (isinstance(v, ast.Name) and v.id == "NotImplemented") for v in returns):
            self.add("equality-ignores-argument", line, "%s always returns a constant" % name)

    def function_def(self, node):
        if node.name.startswith("pytest_") and not self.test_file:
            self.add("framework-hook", self.line(node), "hook function %s outside a test file" % node.name)
        if not self.test_file:
            for d in node.decorator_list:
                if isinstance(d, ast.Call):
                    q = self.quals(d.func)
                    if q & {"pytest.fixture", "_pytest.fixtures.fixture"} or (
                            isinstance(d.func, ast.Name) and d.func.id == "fixture"):
                        for k in d.keywords:
                            if k.arg == "autouse" and not (isinstance(k.value, ast.Constant) and not k.value.value):
                                self.add("framework-hook", self.line(node),
                                         "autouse fixture %s outside a test file" % node.name)

    def store(self, node):
        targets = list(node.targets) if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        flat = []
        while targets:
            t = targets.pop()
            if isinstance(t, (ast.Tuple, ast.List)):
                targets.extend(t.elts)
            elif isinstance(t, ast.Starred):
                targets.append(t.value)
            else:
                flat.append(t)
        verb = "deletes" if isinstance(node, ast.Delete) else "assigns"
        for t in flat:
            if isinstance(t, ast.Attribute):
                base = self.quals(t.value)
                if base and not self.workspace_only(base):
                    self.add("framework-patch", self.line(t), "%s %s.%s, which this file did not define" %
                             (verb, sorted(base)[0], t.attr))
            elif isinstance(t, ast.Subscript):
                base = self.quals(t.value)
                key = self.const_string(t.slice)
                if "sys.modules" in base:
                    self.add("framework-patch", self.line(t), "%s sys.modules entries" % verb)
                elif any(q.endswith(".__dict__") for q in base) and not self.workspace_only(base):
                    self.add("framework-patch", self.line(t), "%s through %s" % (verb, sorted(base)[0]))
                elif "builtins" in base or key == "__builtins__":
                    self.add("framework-patch", self.line(t), "%s builtins" % verb)

    def raise_(self, node):
        exc = node.exc
        if exc is None:
            return
        target = exc.func if isinstance(exc, ast.Call) else exc
        quals = self.quals(target)
        if "builtins.SystemExit" in quals and id(node) not in self.allowed:
            self.add("exit-outside-main", self.line(node), "raise SystemExit outside the main guard")
        if not self.test_file and (quals & {"unittest.SkipTest", "unittest.case.SkipTest"} or
                                   (isinstance(target, ast.Attribute) and target.attr == "Exception"
                                    and self.quals(target.value) & {"pytest.skip", "pytest.xfail"})):
            self.add("skip-from-generated", self.line(node), "raise of a skip outside a test file")


BUILTIN_NAMES = frozenset(dir(__builtins__) if not isinstance(__builtins__, dict) else __builtins__.keys())


def literal_constant(node):
    if node is None:
        return True
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name) and node.id in ("NotImplemented", "True", "False", "None"):
        return True
    if isinstance(node, ast.UnaryOp) and literal_constant(node.operand) and node.operand is not None:
        return True
    return False


def is_main_test(test):
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value in MAIN_GUARD_NAMES]
    return len(names) == 1 and len(consts) == 1


# ---------------------------------------------------------------------------------------------------------------
# The report

def analyze(handshake):
    root = handshake.get("root") or os.getcwd()
    ws = Workspace(root, handshake.get("requestFiles") or [], handshake.get("requestTests") or [],
                   handshake.get("generated") or [])
    tests, files, expectations, findings, errors = [], {}, {}, [], []
    counter = [0]

    def next_probe():
        counter[0] += 1
        return counter[0]

    evaluator = Evaluator()
    seen = set()
    for path in ws.request_tests:
        if path in seen or not path.endswith(".py") or not TEST_FILE.match(path.rsplit("/", 1)[-1]):
            continue
        seen.add(path)
        analysis = TestFileAnalysis(ws, path, evaluator)
        try:
            result = analyse_test_file(analysis, next_probe)
        except (RecursionError, MemoryError) as e:
            result = None
            analysis.errors.append({"name": path, "message": "analysis failed: %s" % type(e).__name__})
        errors.extend(analysis.errors)
        if result is None:
            tests.append({"function": path, "file": path, "kind": "file", "skipInSource": False,
                          "evidence": "IN_PROCESS", "probes": [], "line": 0})
            continue
        unit_entries, rewritten, file_expectations = result
        tests.extend(unit_entries)
        if rewritten is not None:
            files[path] = rewritten
        expectations.update(file_expectations)
    signals = []
    for path in ws.generated:
        if not path.endswith(".py"):
            continue
        try:
            source, _ = ws.read(path)
        except (OSError, ValueError, SyntaxError, UnicodeDecodeError):
            continue
        name = path.rsplit("/", 1)[-1]
        tree = ws.tree(path)
        try:
            findings.extend(TamperAnalysis(ws, path, source, bool(TEST_FILE.match(name))).run(tree))
        except (RecursionError, MemoryError):
            findings.append({"rule": "framework-patch", "severity": "HIGH",
                             "message": "the file could not be analysed", "path": path, "line": None})
        if tree is not None:
            try:
                signals.extend(kinds.signals(path, tree, Names(tree, calls=True, roots=kinds.ROOTS)))
            except (RecursionError, MemoryError):
                errors.append({"name": path, "message": "kind signals: the file could not be analysed"})
    return {"tests": tests, "files": files, "expectations": expectations, "findings": findings, "signals": signals,
            "errors": errors}


def analyse_test_file(analysis, next_probe):
    """(unit entries, rewritten source or None, expectations) for one request test file; None when it cannot be
    analysed (then it is one `kind: file` unit)."""
    if not analysis.load():
        return None
    analysis.collect()
    analysis.mark_skips()
    analysis.walk_units()
    sites = analysis.finish(next_probe)
    module = analysis.module
    rewriter = Rewriter(module.source)
    file_expectations = {}
    removed = set()
    for site in sites:
        rewriter.probe(site.stmt, site.seal.actual, site.probe)
        for sub in ast.walk(site.stmt):
            removed.add(id(sub))
        for sub in ast.walk(site.seal.actual):
            removed.discard(id(sub))
        source = module.segment(site.stmt)
        file_expectations[str(site.probe)] = {
            "kind": site.seal.kind, "expected": site.seal.expected, "tolerance": site.seal.tolerance,
            "path": analysis.path, "line": site.stmt.lineno,
            "source": source if len(source) <= MAX_SOURCE else source[:MAX_SOURCE - 1] + "\u2026"}
    blank_constants(module, rewriter, removed)
    rewritten = None
    if sites:
        try:
            text = fix_coding_cookie(rewriter.result(), analysis.encoding)
            compile(text, analysis.path, "exec", dont_inherit=True)
            if len(list(io.StringIO(text, newline=""))) != len(list(io.StringIO(module.source, newline=""))):
                raise ValueError("line count changed")
            rewritten = text
        except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
            analysis.errors.append({"name": analysis.path, "message": "rewrite failed, nothing sealed: %s" % e})
            for site in sites:
                site.probe = None
            file_expectations = {}
    entries = []
    for unit in analysis.units:
        probes = sorted({s.probe for s in unit.required if s.probe is not None})
        sealed = bool(probes) and not unit.blocking and all(s.probe is not None for s in unit.required)
        entries.append({"function": unit.id, "file": analysis.path, "kind": "exact", "skipInSource": unit.skip,
                        "evidence": "SEALED" if sealed else "IN_PROCESS", "probes": probes, "line": unit.line})
    if not analysis.units and dynamic_tests(module.tree):
        entries.append({"function": analysis.path, "file": analysis.path, "kind": "file", "skipInSource": False,
                        "evidence": "IN_PROCESS", "probes": [], "line": 0})
    return entries, rewritten, file_expectations


def dynamic_tests(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                "globals", "setattr", "exec", "type"):
            return True
        if isinstance(node, FUNCTION_NODES) and node.name in ("load_tests", "pytest_generate_tests"):
            return True
    return False


def blank_constants(module, rewriter, removed):
    """Replace the value of module-level constants whose every use was sealed away by `None`."""
    blanked = set()
    changed = True
    while changed:
        changed = False
        for name, assign in module.constant_nodes.items():
            if name in blanked:
                continue
            uses = module.name_loads.get(name, [])
            if not uses or not all(id(n) in removed for n in uses):
                continue
            rewriter.blank(assign.value)
            blanked.add(name)
            for sub in ast.walk(assign.value):
                removed.add(id(sub))
            changed = True
    return blanked


def main():
    try:
        handshake, nonce = protocol.read_handshake()
    except Exception as e:  # noqa: BLE001 - no handshake, no report (PROTOCOL.md)
        sys.stderr.write("assay analyzer: cannot read the handshake: %s\n" % type(e).__name__)
        sys.stderr.flush()
        os._exit(2)
    nonce = nonce.decode("ascii")
    os.close(0)
    os.open(os.devnull, os.O_RDONLY)
    record_fd = os.dup(1)
    write_record(record_fd, nonce, "BEGIN", {"harness": "python", "mode": "analyze"})
    try:
        if handshake.get("mode") != "analyze":
            raise ValueError("mode %r is not analyze" % handshake.get("mode"))
        report = analyze(handshake)
        text = json.dumps(report, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    except BaseException as e:  # noqa: BLE001 - a report in every case
        try:
            text = json.dumps({"tests": [], "files": {}, "expectations": {}, "findings": [], "signals": [],
                               "errors": [{"name": "analyzer", "message": "analysis failed: %s: %s" %
                                           (type(e).__name__, str(e)[:500])}]})
        except BaseException:  # noqa: BLE001
            text = '{"tests":[],"files":{},"expectations":{},"findings":[],"signals":[],"errors":[{"name":"analyzer",' \
                   '"message":"analysis failed"}]}'
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001
        pass
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    data = ("\n" + nonce + " REPORT " + text + "\n").encode("ascii")
    while data:
        data = data[os.write(record_fd, data):]
    os._exit(0)


if __name__ == "__main__":
    main()
