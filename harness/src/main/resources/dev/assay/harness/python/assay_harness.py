"""Assay's test and compile runs for Python (modes `test`, `compile`; harness/PROTOCOL.md).

Run inside the sandbox as `/usr/bin/python3 -I -B assay_harness.py` from the workspace, with the handshake on standard
input (or in the file named by ASSAY_HANDSHAKE_FILE, unlinked once read). It must be run as a script: the report is
only accepted from this file's own `main()` called from its module body.

Order of events:
1. The handshake is read to the end; descriptor 0 is replaced by /dev/null; a private duplicate of descriptor 1 is
   kept for records; `BEGIN` is written.
2. Everything the harness needs is imported (pytest and all its built-in plugins, json, ...) before any workspace code
   can load, so a generated `json.py` cannot shadow them.
3. `builtins.__assay_probe__` is installed, then the audit hook (PEP 578). From then on the nonce exists only inside
   the hook's closure: the hook writes every record (EVENT the moment it is seen, REPORT once at the end) and nothing
   else in the process holds the nonce. The hook accepts the report only from `deliver()` called by `main()` called
   by this module's body (checked by code-object identity on the real stack), writes it with `os.write` on the
   private descriptor after pointing descriptors 1 and 2 at /dev/null, and ends the process with `os._exit(0)`.
4. Test mode runs real pytest in-process (`pytest.main` with `-p no:cacheprovider`, `--rootdir=<root>`,
   `--continue-on-collection-errors` so one broken module does not stop the others, quiet output, the request's own
   configuration) with the plugin below; compile mode compiles every `.py` file without importing anything.

Integrity (the report's `integrity`, PROTOCOL.md "Integrity entry"):
- Audit events attributed to generated code, written as EVENT records at once: frame-walk (`sys._getframe`,
  `sys._current_frames`, `tb_frame`/`gi_frame`/`cr_frame`/`ag_frame` reads, `inspect` frame functions called directly
  from generated code), heap-walk (`gc.get_objects/get_referrers/get_referents`: denied), process-introspection
  (opening or listing `/proc/self`, `/proc/thread-self`, `/proc/<pid>`, directly or through the standard library,
  or any file on procfs: denied), native-memory (`import ctypes` and `ctypes.*` events: denied), trace-hook
  (`sys.settrace/setprofile/addaudithook`: denied), framework-patch (`__code__` replaced on a framework function,
  `__class__`/`__name__`/`__bases__`... set on framework classes, code compiled under the name of a test, framework
  or harness file, a forged report event).
  Attribution: an event belongs to generated code when the frame that made the audited call is in a generated file
  (or in a file code compiled by generated code claimed); for `inspect` the first frame outside inspect.py counts,
  for ctypes the first frame outside the ctypes package, for /proc opens the first frame outside the standard library.
- CPython 3.11 raises no audit event for ordinary class attribute assignment, and none for module attributes, so
  framework patches are found by comparing snapshots taken before any workspace code loaded: after a collected
  module or a finished test when the last comparison is 50 ms old or more (bounded cost), and at the end. Each difference is written as an EVENT when found (path
  and line from the new value's code when it is a function from a generated file). Modules compared (every attribute,
  identity): builtins, sys, os, posixpath, io, json, json.encoder, json.decoder, pytest, pluggy, unittest and every
  loaded `_pytest.*`, `pluggy.*`, `unittest.*` module, assay_canon and this harness; plus the own `__dict__` of every
  class those modules define. Attributes pytest itself changes and restores during a run are exempt (see EXEMPT), and
  so is the warnings registry of every module (EXEMPT_IN_EVERY_MODULE).
- Checks of the harness itself, also written as EVENT records when found: pytest hook implementations whose code is
  in a generated file (`plugin`, at the end of the session), request tests skipped by a skip raised while generated
  code was on the stack (`skip-from-generated`, when the test's report is made), and the probe function called from
  anything but a request test file (`framework-patch`; the call is not recorded).

Test results: one entry per pytest test case; setup/call/teardown combined. An error in setup or teardown is ERROR; a
failing call is FAILED when it raised AssertionError or pytest.fail's Failed (a deliberate test failure), else
ERROR; skipped is SKIPPED with the reason; xfail is SKIPPED "expected failure: ..."; a non-strict xpass is PASSED, a
strict one FAILED. A module that fails to collect is an `errors` entry and an ERROR test with the module's id; a
module skipped at collection is a SKIPPED test with the module's id.
"""
import os
import sys

MAX_MESSAGE = 2000
MAX_PROBES = 20000
MAX_EVENTS = 200
SKIP_DIRS = frozenset(("__pycache__", "node_modules", "venv", ".venv", "site-packages"))
SWEEP_INTERVAL = 0.05


# ---------------------------------------------------------------------------------------------------------------
# Everything below main() imports runs before any workspace code; see preload().

def preload(mode):
    """Imports the harness needs, before any workspace code can load (a generated json.py must not shadow them)."""
    import base64  # noqa: F401
    import builtins  # noqa: F401
    import collections  # noqa: F401
    import errno  # noqa: F401
    import gc  # noqa: F401
    import inspect  # noqa: F401
    import io  # noqa: F401
    import json  # noqa: F401
    import json.decoder  # noqa: F401
    import json.encoder  # noqa: F401
    import math  # noqa: F401
    import resource  # noqa: F401
    import signal  # noqa: F401
    import socket  # noqa: F401
    import sysconfig  # noqa: F401
    import threading  # noqa: F401
    import time  # noqa: F401
    import traceback  # noqa: F401
    import types  # noqa: F401
    import unittest  # noqa: F401
    import _json  # noqa: F401
    import _thread  # noqa: F401
    if mode == "test":
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DEBUG", "PYTEST_CURRENT_TEST"):
            os.environ.pop(name, None)
        import importlib
        import pytest  # noqa: F401
        import pluggy  # noqa: F401
        import _pytest.config
        for name in _pytest.config.default_plugins:
            try:
                importlib.import_module("_pytest." + name)
            except ImportError:
                pass
        for name in ("_pytest.python_api", "_pytest.outcomes", "_pytest.reports", "_pytest.runner",
                     "_pytest.fixtures", "_pytest.nodes", "_pytest.main", "_pytest.mark.structures",
                     "_pytest.assertion.rewrite", "_pytest.assertion.util", "_pytest._code.code", "unittest.mock"):
            try:
                importlib.import_module(name)
            except ImportError:
                pass


def load_sibling(name):
    """A module of this folder, loaded by path: under -I the script's folder is not on sys.path."""
    import importlib.util
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location(name, os.path.join(here, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------------------------------------
# The audit hook: sole holder of the nonce, writer of every record

# Attributes that pytest (or the interpreter) legitimately changes during a run and that are not compared.
EXEMPT = {
    "sys": {"last_type", "last_value", "last_traceback", "stdout", "stderr", "stdin", "path", "path_importer_cache",
            "meta_path", "path_hooks", "modules", "exc_info", "breakpointhook", "unraisablehook", "excepthook",
            "displayhook", "ps1", "ps2", "_git", "_xoptions", "__interactivehook__"},
    "builtins": {"_"},
    "os": {"environ", "environb"},
    "_pytest.assertion.util": {"_reprcompare", "_assertion_pass", "_config"},
}
# In every module: warnings.warn keeps what it has shown in the __warningregistry__ of the module it attributes a
# warning to, which for a warning raised under a test is often one of pytest's (it only decides repeats).
EXEMPT_IN_EVERY_MODULE = frozenset(("__warningregistry__",))
# Class attributes pytest's legacypath and debugging plugins set at configure time and restore at unconfigure: only
# compared by the final check, after pytest.main has returned.
RESTORED_AT_END = frozenset((
    "_pytest.cacheprovider.Cache.makedir", "_pytest.fixtures.FixtureRequest.fspath",
    "_pytest.terminal.TerminalReporter.startdir", "_pytest.config.Config.invocation_dir",
    "_pytest.config.Config.rootdir", "_pytest.config.Config.inifile", "_pytest.config.Config._getini_unknown_type",
    "_pytest.main.Session.startdir", "_pytest.nodes.Node.fspath", "_pytest.debugging.pytestPDB._pluginmanager",
    "_pytest.debugging.pytestPDB._config"))
# A flag pytest sets on a node class once it has warned about it (_pytest/nodes.py).
EXEMPT_CLASS_ATTRIBUTES = frozenset(("_pytest_diamond_inheritance_warning_shown",))
PATH_EVENTS = ("open", "os.listdir", "os.scandir", "os.chdir", "os.symlink", "os.link")
CTYPES_EVENTS = ("ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.addressof", "ctypes.call_function",
                 "ctypes.cdata", "ctypes.cdata/buffer", "ctypes.create_string_buffer",
                 "ctypes.create_unicode_buffer", "ctypes.get_errno", "ctypes.set_errno", "ctypes.string_at",
                 "ctypes.wstring_at", "ctypes.set_exception", "ctypes.seh_exception", "ctypes.get_last_error",
                 "ctypes.set_last_error", "ctypes.PyObj_FromPtr")
FRAME_ATTRIBUTES = frozenset(("tb_frame", "gi_frame", "cr_frame", "ag_frame"))
INTEGRITY_RULES = frozenset(("frame-walk", "heap-walk", "process-introspection", "native-memory", "trace-hook",
                             "framework-patch", "plugin", "skip-from-generated"))


def framework_modules():
    """The modules whose attributes (and whose classes' attributes) are compared at the end (see the docstring)."""
    names = ["builtins", "sys", "os", "posixpath", "io", "json", "json.encoder", "json.decoder", "assay_canon",
             "__main__"]
    for name in sorted(sys.modules):
        if name.split(".")[0] in ("pytest", "_pytest", "pluggy", "unittest") and name not in names:
            names.append(name)
    return [(n, sys.modules[n]) for n in names if sys.modules.get(n) is not None]


def install_hook(nonce, record_fd, root, generated, request_tests, deliver_code):
    """Installs the audit hook. `nonce` (bytes) is kept only in the hook's closure."""
    import _json
    import _thread
    import time
    import types

    caller_frame = sys._getframe(1)                 # main()
    main_code = caller_frame.f_code
    module_frame = caller_frame.f_back              # this module's body
    module_code = module_frame.f_code if module_frame is not None else None

    _type, _str, _bytes, _int, _float, _bool, _dict, _list, _tuple = str.__class__, str, bytes, int, float, bool, \
        dict, list, tuple
    _len, _id = len, id
    _isinstance = isinstance
    getframe = sys._getframe
    get_ident = _thread.get_ident
    write = os.write
    dup2 = os.dup2
    stat = os.stat
    getcwd = os.getcwd
    _exit = os._exit
    monotonic = time.monotonic
    encode_string = _json.encode_basestring_ascii
    int_repr = int.__repr__
    float_repr = float.__repr__
    function_type = types.FunctionType
    method_type = types.MethodType
    property_type = property
    type_dict = type.__dict__["__dict__"].__get__
    type_qualname = type.__dict__["__qualname__"].__get__
    modules_table = sys.modules
    str_startswith = str.startswith
    str_split = str.split
    str_isdigit = str.isdigit
    str_join = str.join
    bytes_decode = bytes.decode
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        proc_dev = stat("/proc/self").st_dev
    except OSError:
        proc_dev = None
    stdlib_dir = os.path.dirname(os.__file__) + "/"
    ctypes_dir = stdlib_dir + "ctypes/"
    inspect_file = stdlib_dir + "inspect.py"
    try:
        import pathlib
        path_types = (pathlib.PosixPath, pathlib.PurePosixPath, pathlib.Path, pathlib.PurePath)
        path_str = pathlib.PurePath.__str__
    except ImportError:
        path_types, path_str = (), None

    attributed = {}      # co_filename -> generated relative path
    for rel in generated:
        if type(rel) is str and rel.endswith(".py"):
            for p in (os.path.join(root, rel), os.path.realpath(os.path.join(root, rel))):
                attributed[p] = rel
    protected_files = set()  # files whose names generated code must not compile code under
    for rel in request_tests:
        if type(rel) is str:
            protected_files.add(os.path.join(root, rel))
            protected_files.add(os.path.realpath(os.path.join(root, rel)))
    protected_files.add(os.path.abspath(__file__))

    # snapshots: module dicts and the own dicts of the classes those modules define
    modules = framework_modules()
    module_snap = []
    class_snap = []
    framework_ids = set()
    for name, module in modules:
        try:
            namespace = vars(module)
        except TypeError:
            continue
        exempt = EXEMPT_IN_EVERY_MODULE | EXEMPT.get(name, frozenset())
        module_snap.append((name, module, namespace, _dict(namespace), exempt))
        file = namespace.get("__file__")
        if type(file) is str:
            protected_files.add(file)
        for value in list(namespace.values()):
            if _isinstance(value, type) and type_dict(value).get("__module__") == name:
                if _id(value) not in framework_ids:
                    framework_ids.add(_id(value))
                    own = type_dict(value)
                    class_snap.append((name + "." + type_qualname(value), value, own, _dict(own)))
                    for member in _list(own.values()):
                        if _type(member) in (staticmethod, classmethod):
                            member = member.__func__
                        elif _type(member) is property:
                            member = member.fget
                        if _type(member) is function_type:
                            framework_ids.add(_id(member))
            elif type(value) is function_type and name != "__main__":
                framework_ids.add(_id(value))
    keep_alive = [module_snap, class_snap]      # the snapshots keep the original values (and their ids) alive

    busy = set()
    events = []
    event_keys = set()
    reported = [False]
    seen_changes = set()
    last_sweep = [0.0]
    file_cache = {}

    # --- JSON without the json module (whose Python parts generated code could patch) ---------------------

    def dumps(value, out):
        t = _type(value)
        if value is None:
            out.append("null")
        elif t is _bool:
            out.append("true" if value else "false")
        elif t is _str:
            out.append(encode_string(value))
        elif t is _int:
            out.append(int_repr(value))
        elif t is _float:
            text = float_repr(value)
            out.append(text if text not in ("nan", "inf", "-inf") else "null")
        elif t is _dict:
            out.append("{")
            first = True
            for k, v in _list(_dict.items(value)):
                if not first:
                    out.append(",")
                first = False
                out.append(encode_string(k if _type(k) is _str else "?"))
                out.append(":")
                dumps(v, out)
            out.append("}")
        elif t is _list or t is _tuple:
            out.append("[")
            first = True
            for v in _list(value):
                if not first:
                    out.append(",")
                first = False
                dumps(v, out)
            out.append("]")
        else:
            out.append("null")

    def record(kind, payload):
        out = []
        dumps(payload, out)
        data = b"\n" + nonce + b" " + kind.encode("ascii") + b" " + str_join("", out).encode("ascii") + b"\n"
        while data:
            data = data[write(record_fd, data):]

    # --- attribution ---------------------------------------------------------------------------------------

    def classify(filename):
        """The generated file a code file name belongs to, or None."""
        if _type(filename) is not _str:
            return None
        hit = file_cache.get(filename)
        if hit is not None:
            return hit or None
        rel = attributed.get(filename)
        if rel is None and not str_startswith(filename, "/") and not str_startswith(filename, "<"):
            rel = attributed.get(root + "/" + filename)
        file_cache[filename] = rel or ""
        return rel

    def generated_frame(frame, skip_prefix=None, skip_file=None, skip_stdlib=False):
        """(relative path, line) of the first frame from `frame` outward that is not skipped, when it is generated."""
        depth = 0
        while frame is not None and depth < 200:
            filename = frame.f_code.co_filename
            skip = False
            if _type(filename) is _str:
                if str_startswith(filename, "<frozen "):
                    skip = True
                elif skip_prefix is not None and str_startswith(filename, skip_prefix):
                    skip = True
                elif skip_file is not None and filename == skip_file:
                    skip = True
                elif skip_stdlib and str_startswith(filename, stdlib_dir):
                    skip = True
            if not skip:
                rel = classify(filename)
                if rel is None:
                    return None
                return rel, frame.f_lineno
            frame = frame.f_back
            depth += 1
        return None

    def event(rule, message, where):
        """Records an integrity entry: written at once, the same (rule, place, message) only once, at most
        MAX_EVENTS (a loop of frame walks must not flood the output)."""
        path = where[0] if where else None
        line = where[1] if where else None
        key = (rule, path, line, message)
        if key in event_keys or _len(events) >= MAX_EVENTS:
            return
        event_keys.add(key)
        entry = {"rule": rule, "message": message[:500], "path": path, "line": line}
        events.append(entry)
        if not reported[0]:
            record("EVENT", entry)

    # --- handlers (frame: the frame that made the audited call) -------------------------------------------

    def on_frame_walk(name, args, frame):
        where = generated_frame(frame)
        if where is None and frame is not None and frame.f_code.co_filename == inspect_file:
            where = generated_frame(frame, skip_file=inspect_file)
        if where is not None:
            event("frame-walk", "%s from generated code" % name, where)

    def on_getattr(name, args, frame):
        attr = args[1] if _len(args) > 1 else None
        if _type(attr) is _str and attr in FRAME_ATTRIBUTES:
            on_frame_walk("attribute " + attr, args, frame)

    def on_gc(name, args, frame):
        where = generated_frame(frame)
        if where is not None:
            event("heap-walk", "%s from generated code (denied)" % name, where)
            raise RuntimeError("assay: %s is not allowed here" % name)

    def on_trace(name, args, frame):
        where = generated_frame(frame)
        if where is not None:
            event("trace-hook", "%s from generated code (denied)" % name, where)
            raise RuntimeError("assay: %s is not allowed here" % name)

    def on_ctypes(name, args, frame):
        where = generated_frame(frame, skip_prefix=ctypes_dir)
        if where is not None:
            event("native-memory", "%s from generated code (denied)" % name, where)
            raise RuntimeError("assay: %s is not allowed here" % name)

    def on_import(name, args, frame):
        module = args[0] if args else None
        if _type(module) is _str and (module == "ctypes" or module == "_ctypes" or str_startswith(module, "ctypes.")):
            where = generated_frame(frame)
            if where is not None:
                event("native-memory", "import of %s from generated code (denied)" % module, where)
                raise RuntimeError("assay: importing %s is not allowed here" % module)

    def path_text(path):
        t = _type(path)
        if t is _str:
            return path
        if t is _bytes:
            try:
                return bytes_decode(path, "utf-8", "surrogateescape")
            except Exception:  # noqa: BLE001
                return None
        if path_types and t in path_types and path_str is not None:
            try:
                text = path_str(path)
                return text if _type(text) is _str else None
            except Exception:  # noqa: BLE001
                return None
        return None

    def proc_target(text):
        if not str_startswith(text, "/"):
            text = getcwd() + "/" + text
        parts = []
        for part in str_split(text, "/"):
            if part == "" or part == ".":
                continue
            if part == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(part)
        if _len(parts) >= 2 and parts[0] == "proc" and (parts[1] in ("self", "thread-self") or str_isdigit(parts[1])):
            return "/" + str_join("/", parts)
        if _len(parts) == 1 and parts[0] == "proc":
            return "/proc"
        return None

    def on_path(name, args, frame):
        """open/listdir/scandir/chdir of a path (the first argument; for symlink/link, the link's target)."""
        if args:
            raw = args[0]
            if _type(raw) is _int:
                return
            text = path_text(raw)
            if text is None:
                return
            target = proc_target(text)
            if target is None and proc_dev is not None and name == "open":
                # not a /proc path by name: a symlink into /proc still lands on procfs
                where = generated_frame(frame, skip_stdlib=True)
                if where is None:
                    return
                try:
                    if stat(text).st_dev != proc_dev:
                        return
                except (OSError, ValueError):
                    return
                event("process-introspection", "%s of %s (on /proc) from generated code (denied)" % (name, text[:200]),
                      where)
                raise RuntimeError("assay: %s is not allowed here" % text[:200])
            if target is None:
                return
            where = generated_frame(frame, skip_stdlib=True)
            if where is not None:
                event("process-introspection", "%s of %s from generated code (denied)" % (name, target[:200]), where)
                raise RuntimeError("assay: %s is not allowed here" % target[:200])

    def on_setattr(name, args, frame):
        if _len(args) < 2:
            return
        target, attr = args[0], args[1]
        if _id(target) in framework_ids or (attr == "__class__" and _id(_type(target)) in framework_ids):
            where = generated_frame(frame)
            if where is not None:
                event("framework-patch", "%s set on a test framework or harness object from generated code" %
                      (attr if _type(attr) is _str else "?"), where)

    def on_compile(name, args, frame):
        filename = args[1] if _len(args) > 1 else None
        if name == "code.__new__" and _len(args) > 1:
            filename = args[1]
        if _type(filename) is not _str or filename == "":
            return
        where = generated_frame(frame)
        if where is None:
            return
        if filename in protected_files or str_startswith(filename, stdlib_dir):
            event("framework-patch", "code compiled under the name of %s from generated code" % filename[:200],
                  where)
        if attributed.get(filename) is None:
            attributed[filename] = where[0]
            file_cache.pop(filename, None)

    def changed_value(value):
        """(path, line) of a function value defined in a generated file."""
        try:
            t = _type(value)
            if t is property_type:
                value = value.fget
            elif t is method_type or t is staticmethod or t is classmethod:
                value = value.__func__
            elif _isinstance(value, type):
                for member in _list(type_dict(value).values()):
                    if _type(member) is function_type:
                        code = member.__code__
                        rel = classify(code.co_filename)
                        if rel is not None:
                            return rel, code.co_firstlineno
                return None
            if _type(value) is function_type:
                code = value.__code__
                rel = classify(code.co_filename)
                if rel is not None:
                    return rel, code.co_firstlineno
        except Exception:  # noqa: BLE001
            pass
        return None

    def sweep(final):
        found = []
        missing = keep_alive  # a unique marker
        for name, module, namespace, saved, exempt in module_snap:
            for key, value in _list(_dict.items(saved)):
                if key in exempt:
                    continue
                if namespace.get(key, missing) is not value:
                    found.append(("%s.%s" % (name, key), namespace.get(key, None)))
            if _len(namespace) != _len(saved):
                for key in _list(namespace):
                    if _type(key) is not _str:
                        found.append(("%s.<non-string key>" % name, None))
                    elif key not in saved and key not in exempt:
                        value = namespace.get(key, None)
                        if modules_table.get(name + "." + key, missing) is value:
                            continue  # a submodule imported during the run
                        found.append(("%s.%s" % (name, key), value))
        for name, cls, own, saved in class_snap:
            for key, value in _list(_dict.items(saved)):
                if own.get(key, missing) is not value:
                    what = name + "." + key
                    if final or what not in RESTORED_AT_END:
                        found.append((what, own.get(key, None)))
            if _len(own) != _len(saved):
                for key in _list(own):
                    if _type(key) is _str and key not in saved and key not in EXEMPT_CLASS_ATTRIBUTES:
                        what = name + "." + key
                        if final or what not in RESTORED_AT_END:
                            found.append((what, own.get(key, None)))
        for what, value in found:
            if what in seen_changes:
                continue
            seen_changes.add(what)
            event("framework-patch", "%s changed during the run" % what, changed_value(value))

    def on_sweep(name, args, frame):
        now = monotonic()
        force = _len(args) > 0 and args[0] is True
        if force or now - last_sweep[0] >= SWEEP_INTERVAL:
            sweep(False)
            last_sweep[0] = monotonic()

    def on_report(name, args, frame):
        if reported[0]:
            return
        f1 = frame
        f2 = f1.f_back if f1 is not None else None
        f3 = f2.f_back if f2 is not None else None
        if not (f1 is not None and f1.f_code is deliver_code and f2 is not None and f2.f_code is main_code
                and f3 is not None and f3.f_code is module_code and f3.f_back is None):
            event("framework-patch", "a report was offered from outside the harness", generated_frame(frame))
            return
        report = args[0] if args else None
        try:
            sweep(True)
        except Exception:  # noqa: BLE001
            pass
        reported[0] = True
        try:
            dup2(devnull, 1)
            dup2(devnull, 2)
        except OSError:
            pass
        pieces = None
        if _type(report) is _dict:
            report["integrity"] = _list(events) + _list(report.get("integrity") or [])
            pieces = serialize(report)
            if pieces is None:
                # out of memory: the same report without probe values, then a minimal one
                probes = report.get("probes")
                dropped = _len(probes) if _type(probes) is _list else 0
                report["probes"] = []
                probes = None
                errors = report.get("errors")
                errors = _list(errors) if _type(errors) is _list else []
                errors.append({"name": "harness", "message": "%d probe values could not be written (out of memory)"
                               % dropped, "resource": "MEMORY"})
                report["errors"] = errors
                pieces = serialize(report)
        if pieces is None:
            pieces = serialize({"tests": [], "probes": [], "errors": [
                {"name": "harness", "message": "the report could not be written", "resource": "MEMORY"}],
                "integrity": _list(events), "usage": None})
        if pieces is None:
            pieces = ['{"tests":[],"probes":[],"errors":[{"name":"harness","message":"no report",'
                      '"resource":"MEMORY"}],"integrity":[],"usage":null}']
        write_all(b"\n" + nonce + b" REPORT ")
        chunk = []
        size = 0
        for piece in pieces:
            chunk.append(piece)
            size += _len(piece)
            if size >= 65536:
                write_all(str_join("", chunk).encode("ascii"))
                chunk = []
                size = 0
        chunk.append("\n")
        write_all(str_join("", chunk).encode("ascii"))
        _exit(0)

    def serialize(value):
        """The JSON text of value as a list of pieces, or None when it does not fit in memory."""
        out = []
        try:
            dumps(value, out)
            return out
        except BaseException:  # noqa: BLE001 - MemoryError, RecursionError: the caller tries a smaller report
            out = None
            return None

    def write_all(data):
        while data:
            try:
                data = data[write(record_fd, data):]
            except InterruptedError:
                continue

    def on_integrity(name, args, frame):
        """An integrity entry found by the harness's own checks (plugins, skips, probe misuse). Anyone may add
        one; an added entry can only count against the run."""
        if _len(args) != 4:
            return
        rule, message, path, line = args
        if _type(rule) is not _str or rule not in INTEGRITY_RULES or _type(message) is not _str:
            return
        where = None
        if _type(path) is _str:
            where = (path, line if _type(line) is _int else None)
        event(rule, message, where)

    handlers = {
        "sys._getframe": on_frame_walk,
        "sys._current_frames": on_frame_walk,
        "object.__getattr__": on_getattr,
        "gc.get_objects": on_gc,
        "gc.get_referrers": on_gc,
        "gc.get_referents": on_gc,
        "sys.settrace": on_trace,
        "sys.setprofile": on_trace,
        "sys.addaudithook": on_trace,
        "import": on_import,
        "object.__setattr__": on_setattr,
        "compile": on_compile,
        "code.__new__": on_compile,
        "assay.sweep": on_sweep,
        "assay.report": on_report,
        "assay.integrity": on_integrity,
    }
    for name in PATH_EVENTS:
        handlers[name] = on_path
    for name in CTYPES_EVENTS:
        handlers[name] = on_ctypes

    def hook(name, args):
        handler = handlers.get(name)
        if handler is None:
            return
        ident = get_ident()
        if ident in busy:
            return
        busy.add(ident)
        try:
            frame = getframe(1)
            handler(name, args, frame)
        finally:
            busy.discard(ident)

    sys.addaudithook(hook)


# ---------------------------------------------------------------------------------------------------------------
# Results

class State:
    def __init__(self, root, request_tests, generated, canon):
        self.root = root
        self.request_tests = set(p for p in request_tests if type(p) is str)
        self.generated = set(p for p in generated if type(p) is str)
        self.request_abs = set()
        for rel in self.request_tests:
            self.request_abs.add(os.path.join(root, rel))
            self.request_abs.add(os.path.realpath(os.path.join(root, rel)))
        self.generated_abs = {}
        for rel in self.generated:
            self.generated_abs[os.path.join(root, rel)] = rel
            self.generated_abs[os.path.realpath(os.path.join(root, rel))] = rel
        self.canon = canon
        self.current = None
        self.tests = []
        self.probes = []
        self.probe_overflow = 0
        self.errors = []
        self.integrity = []
        self.phases = {}
        self.phase_exc = {}
        self.functions = {}
        self.collect_exc = {}
        self.pluginmanager = None
        self.finished = set()
        self.flagged = set()
        self.audit = sys.audit

    def relative(self, path):
        if type(path) is not str:
            return None
        if not os.path.isabs(path):
            path = os.path.join(self.root, path)
        for candidate in (path, os.path.realpath(path)):
            rel = self.generated_abs.get(candidate)
            if rel is not None:
                return rel
        return None

    def add_integrity(self, rule, message, path, line):
        """Hands the entry to the audit hook, which writes it as an EVENT at once and puts it in the report."""
        key = (rule, path, line, message)
        if key in self.flagged:
            return
        self.flagged.add(key)
        self.audit("assay.integrity", rule, message[:500], path, line)


def make_probe(state, getframe):
    encode = state.canon.encode
    request_abs = state.request_abs
    probes = state.probes

    def __assay_probe__(probe_id, value):
        try:
            filename = getframe(1).f_code.co_filename
            if filename not in request_abs:
                rel = state.relative(filename)
                state.add_integrity("framework-patch", "the probe function was called from %s" % (
                    rel or "code that is not a request test"), rel, None)
                return None
            if len(probes) >= MAX_PROBES:
                state.probe_overflow += 1
                return None
            probes.append({"probe": probe_id if type(probe_id) is int else None, "test": state.current,
                           "value": encode(value)})
        except BaseException:  # noqa: BLE001 - it stands in for an assert: it must never raise
            pass
        return None

    return __assay_probe__


def resource_of(exc):
    """The sandbox limit an exception (or one it was raised from) points at, or None."""
    import errno
    import socket
    codes = {errno.EAGAIN: "PIDS", errno.EFBIG: "DISK", errno.ENOSPC: "DISK", errno.EDQUOT: "DISK",
             errno.ENETUNREACH: "NETWORK", errno.EHOSTUNREACH: "NETWORK", errno.ENETDOWN: "NETWORK",
             errno.ECONNREFUSED: "NETWORK"}
    seen = set()
    try:
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            if isinstance(exc, MemoryError):
                return "MEMORY"
            if isinstance(exc, socket.gaierror):
                return "NETWORK"
            if isinstance(exc, OSError) and type(exc.errno) is int and exc.errno in codes:
                return codes[exc.errno]
            exc = exc.__cause__ or exc.__context__
    except BaseException:  # noqa: BLE001
        return None
    return None


def cut(text, limit=MAX_MESSAGE):
    if text is None:
        return None
    if type(text) is not str:
        try:
            text = str.__str__(text) if isinstance(text, str) else "?"
        except BaseException:  # noqa: BLE001
            text = "?"
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def describe(exc):
    import traceback
    try:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    except BaseException:  # noqa: BLE001 - a generated exception's __str__ may raise
        text = type(exc).__name__
    return cut(text)


def crash_message(report):
    try:
        crash = getattr(report.longrepr, "reprcrash", None)
        if crash is not None and type(crash.message) is str:
            return cut(crash.message)
    except BaseException:  # noqa: BLE001
        pass
    return None


def long_text(report):
    try:
        return cut(report.longreprtext)
    except BaseException:  # noqa: BLE001
        return None


def skip_reason(report):
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])
        return reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason
    return long_text(report) or "skipped"


def split_nodeid(nodeid):
    end = nodeid.find("::")
    file = nodeid if end < 0 else nodeid[:end]
    function = nodeid
    if nodeid.endswith("]") and end >= 0:
        bracket = nodeid.find("[", end)
        if bracket > 0:
            function = nodeid[:bracket]
    return file, function


def make_plugin(state):
    import _pytest.outcomes
    import pytest
    import time
    import unittest

    skip_types = (_pytest.outcomes.Skipped, _pytest.outcomes.XFailed, unittest.SkipTest)
    failed_type = _pytest.outcomes.Failed
    audit = sys.audit

    def generated_in_traceback(exc):
        """The (path, line) of the first generated frame in the traceback of exc or the exceptions it chains."""
        seen = set()
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            tb = exc.__traceback__
            depth = 0
            while tb is not None and depth < 500:
                rel = state.relative(tb.tb_frame.f_code.co_filename)
                if rel is not None:
                    return rel, tb.tb_lineno
                tb = tb.tb_next
                depth += 1
            exc = exc.__context__
        return None

    class AssayPlugin:
        """Collects results; holds no secret."""

        def pytest_configure(self, config):
            state.pluginmanager = config.pluginmanager

        @pytest.hookimpl(tryfirst=True)
        def pytest_itemcollected(self, item):
            try:
                nodeid = item.nodeid
                name, original = item.name, getattr(item, "originalname", None) or item.name
                function = nodeid[:len(nodeid) - len(name)] + original if nodeid.endswith(name) else \
                    split_nodeid(nodeid)[1]
                state.functions[nodeid] = function
            except BaseException:  # noqa: BLE001
                pass

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_logstart(self, nodeid, location):
            state.current = nodeid

        @pytest.hookimpl(trylast=True)
        def pytest_runtest_logfinish(self, nodeid, location):
            self.finish(nodeid)
            state.current = None
            audit("assay.sweep")

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(self, item, call):
            before = []
            try:
                if call.excinfo is not None:
                    before.append(call.excinfo.value)
                for info in list(getattr(item, "_excinfo", None) or []):
                    before.append(info.value)
            except BaseException:  # noqa: BLE001
                pass
            outcome = yield
            try:
                report = outcome.get_result()
                exc = call.excinfo.value if call.excinfo is not None else None
                if exc is not None:
                    # what the result needs, not the exception (its traceback would keep the test's frames alive)
                    state.phase_exc[(item.nodeid, call.when)] = (
                        isinstance(exc, (AssertionError, failed_type)), resource_of(exc), describe(exc))
                if report.skipped:
                    file = split_nodeid(item.nodeid)[0]
                    if file in state.request_tests:
                        for candidate in before + [exc]:
                            if isinstance(candidate, skip_types) or isinstance(
                                    getattr(candidate, "__context__", None), skip_types):
                                where = generated_in_traceback(candidate)
                                if where is not None:
                                    state.add_integrity("skip-from-generated", "%s skipped by generated code" %
                                                        item.nodeid, where[0], where[1])
                                    break
            except BaseException:  # noqa: BLE001
                pass

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_logreport(self, report):
            state.phases.setdefault(report.nodeid, {})[report.when] = report

        def pytest_exception_interact(self, node, call, report):
            try:
                if report.when == "collect" and call.excinfo is not None:
                    state.collect_exc[node.nodeid] = resource_of(call.excinfo.value)
            except BaseException:  # noqa: BLE001
                pass

        @pytest.hookimpl(tryfirst=True)
        def pytest_collectreport(self, report):
            try:
                nodeid = report.nodeid
                if report.failed:
                    message = long_text(report) or "collection failed"
                    resource = state.collect_exc.get(nodeid)
                    state.errors.append({"name": nodeid or ".", "message": cut("collection failed: " + message),
                                         "resource": resource})
                    file = split_nodeid(nodeid)[0] if nodeid else "."
                    state.tests.append({"id": nodeid or ".", "function": nodeid or ".", "file": file,
                                        "status": "ERROR", "message": cut("collection failed: " + message),
                                        "durationMs": int(getattr(report, "duration", 0) * 1000)
                                        if isinstance(getattr(report, "duration", 0), (int, float)) else 0,
                                        "resource": resource})
                elif report.skipped and nodeid:
                    file = split_nodeid(nodeid)[0]
                    state.tests.append({"id": nodeid, "function": nodeid, "file": file, "status": "SKIPPED",
                                        "message": cut(skip_reason(report)), "durationMs": 0, "resource": None})
                    longrepr = report.longrepr
                    if file in state.request_tests and isinstance(longrepr, tuple) and len(longrepr) == 3:
                        rel = state.relative(str(longrepr[0]))
                        if rel is not None:
                            state.add_integrity("skip-from-generated", "%s skipped at collection by generated code"
                                                % nodeid, rel, longrepr[1] if type(longrepr[1]) is int else None)
            except BaseException:  # noqa: BLE001
                pass
            audit("assay.sweep")

        def pytest_internalerror(self, excrepr, excinfo):
            try:
                state.errors.append({"name": "pytest", "message": cut("internal error: " + str(excrepr)),
                                     "resource": resource_of(excinfo.value)})
            except BaseException:  # noqa: BLE001
                state.errors.append({"name": "pytest", "message": "internal error", "resource": None})

        def pytest_sessionfinish(self, session, exitstatus):
            check_plugins(state)

        def finish(self, nodeid):
            if nodeid in state.finished:
                return
            state.finished.add(nodeid)
            try:
                state.tests.append(self.entry(nodeid))
            except BaseException as e:  # noqa: BLE001
                file, function = split_nodeid(nodeid)
                state.tests.append({"id": nodeid, "function": state.functions.get(nodeid, function), "file": file,
                                    "status": "ERROR", "message": cut("result unreadable: %s" % type(e).__name__),
                                    "durationMs": 0, "resource": None})

        def entry(self, nodeid):
            phases = state.phases.get(nodeid, {})
            file, function = split_nodeid(nodeid)
            function = state.functions.get(nodeid, function)
            status, message, resource = "PASSED", None, None
            duration = 0.0
            for r in phases.values():
                d = getattr(r, "duration", 0)
                if isinstance(d, (int, float)):
                    duration += d
            setup, call, teardown = phases.get("setup"), phases.get("call"), phases.get("teardown")
            if setup is not None and setup.failed:
                failure, res, text = state.phase_exc.get((nodeid, "setup"), (False, None, None))
                status, message, resource = "ERROR", crash_message(setup) or text or long_text(setup), res
                message = cut("setup failed: " + (message or ""))
            elif setup is not None and setup.skipped:
                status = "SKIPPED"
                message = ("expected failure: " + str(setup.wasxfail)) if hasattr(setup, "wasxfail") else \
                    skip_reason(setup)
            elif call is not None:
                info = state.phase_exc.get((nodeid, "call"))
                if call.passed:
                    status = "PASSED"
                elif call.skipped:
                    status = "SKIPPED"
                    message = ("expected failure: " + str(call.wasxfail)) if hasattr(call, "wasxfail") else \
                        skip_reason(call)
                else:
                    failure, res, text = info if info is not None else (True, None, None)
                    status = "FAILED" if failure else "ERROR"
                    message = crash_message(call) or text or long_text(call)
                    resource = res
            elif setup is None:
                status, message = "ERROR", "the test did not run"
            if teardown is not None and teardown.failed:
                failure, res, text = state.phase_exc.get((nodeid, "teardown"), (False, None, None))
                text = crash_message(teardown) or text or long_text(teardown) or ""
                message = cut(((message + "; ") if message and status != "PASSED" else "") + "teardown failed: " + text)
                status = "ERROR"
                resource = resource or res
            return {"id": nodeid, "function": function, "file": file, "status": status, "message": cut(message),
                    "durationMs": int(duration * 1000), "resource": resource}

    del time
    return AssayPlugin()


def check_plugins(state):
    """Hook implementations whose code is in a generated file (`plugin`)."""
    pm = state.pluginmanager
    if pm is None:
        return
    try:
        for name, plugin in list(pm.list_name_plugin()):
            for caller in list(pm.get_hookcallers(plugin) or []):
                for impl in list(caller.get_hookimpls()):
                    if impl.plugin is not plugin:
                        continue
                    function = impl.function
                    code = getattr(function, "__code__", None)
                    if code is None:
                        code = getattr(getattr(function, "__func__", None), "__code__", None)
                    filename = getattr(code, "co_filename", None)
                    rel = state.relative(filename)
                    if rel is not None:
                        state.add_integrity("plugin", "pytest hook %s registered from a generated file" %
                                            caller.name, rel, getattr(code, "co_firstlineno", None))
    except BaseException:  # noqa: BLE001
        state.add_integrity("plugin", "the registered pytest plugins could not be inspected", None, None)


def run_pytest(state, plugin):
    import pytest
    root = state.root
    args = ["--rootdir=" + root, "-p", "no:cacheprovider", "-q", "--no-header", "--tb=short", "-rN",
            "--disable-warnings", "--continue-on-collection-errors", root]
    try:
        code = pytest.main(args, plugins=[plugin])
    except BaseException as e:  # noqa: BLE001 - SystemExit/KeyboardInterrupt/MemoryError out of pytest itself
        state.errors.append({"name": "pytest", "message": cut("the test run ended with %s" % describe(e)),
                             "resource": resource_of(e)})
        return
    try:
        code = int(code)
    except (TypeError, ValueError):
        code = -1
    if code in (2, 3, 4):
        meaning = {2: "interrupted", 3: "internal error", 4: "usage error (see standard error)"}[code]
        state.errors.append({"name": "pytest", "message": "pytest exited with status %d: %s" % (code, meaning),
                             "resource": None})


def compile_all(state):
    import time
    root = state.root
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(directory, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            started = time.monotonic()
            status, message = "PASSED", None
            try:
                with open(path, "rb") as f:
                    compile(f.read(), path, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as e:
                status, message = "FAILED", describe(e)
            except OSError as e:
                status, message = "ERROR", describe(e)
            state.tests.append({"id": "compile:" + rel, "function": "compile:" + rel, "file": rel, "status": status,
                                "message": cut(message), "durationMs": int((time.monotonic() - started) * 1000),
                                "resource": None})


def usage():
    """CPU time and peak RSS of this process and its waited-for children (ru_maxrss is KiB on Linux)."""
    try:
        import resource
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
    except BaseException:  # noqa: BLE001
        return None
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return {"cpuMillis": int(cpu * 1000), "peakMemoryBytes": max(own.ru_maxrss, children.ru_maxrss) * 1024}


def build_report(state):
    try:
        for nodeid in list(state.phases):
            if nodeid not in state.finished:
                state.finished.add(nodeid)
                file, function = split_nodeid(nodeid)
                state.tests.append({"id": nodeid, "function": state.functions.get(nodeid, function), "file": file,
                                    "status": "ERROR", "message": "the test did not finish", "durationMs": 0,
                                    "resource": None})
        errors = list(state.errors)
        if state.probe_overflow:
            errors.append({"name": "harness", "message": "%d more probe calls were not recorded (limit %d)" % (
                state.probe_overflow, MAX_PROBES), "resource": None})
        return {"tests": list(state.tests), "probes": list(state.probes), "errors": errors,
                "integrity": list(state.integrity), "usage": usage()}
    except BaseException:  # noqa: BLE001 - MemoryError: a smaller report
        state.tests = None
        state.probes = None
        return {"tests": [], "probes": [], "errors": [{"name": "harness", "message": "the report was too large",
                                                       "resource": "MEMORY"}],
                "integrity": [], "usage": None}


def deliver(report, _audit=sys.audit):
    """Offers the report to the audit hook, which writes it and ends the process."""
    _audit("assay.report", report)


def quiet_down():
    """Nothing generated may interrupt the report: signals off, automatic gc off."""
    try:
        import gc
        import signal
        for name in ("SIGALRM", "SIGINT", "SIGTERM", "SIGVTALRM", "SIGPROF", "SIGUSR1", "SIGUSR2", "SIGCHLD"):
            number = getattr(signal, name, None)
            if number is not None:
                try:
                    signal.signal(number, signal.SIG_IGN)
                except (OSError, ValueError):
                    pass
        for timer in ("ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF"):
            if hasattr(signal, timer):
                signal.setitimer(getattr(signal, timer), 0)
        gc.disable()
    except BaseException:  # noqa: BLE001
        pass


def main():
    try:
        handshake, nonce = load_sibling("assay_protocol").read_handshake()
    except BaseException as e:  # noqa: BLE001 - without a handshake there is no report (PROTOCOL.md)
        os.write(2, ("assay harness: cannot read the handshake: %s\n" % type(e).__name__).encode())
        os._exit(2)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    if devnull != 0:
        os.close(devnull)
    record_fd = os.dup(1)
    mode = handshake.get("mode")
    begin = b"\n" + nonce + b" BEGIN " + ('{"harness":"python","mode":"%s"}' % (
        mode if mode in ("test", "compile") else "test")).encode("ascii") + b"\n"
    while begin:
        begin = begin[os.write(record_fd, begin):]
    root = handshake.get("root") if type(handshake.get("root")) is str else os.getcwd()
    root = os.path.abspath(root)
    request_tests = [p for p in handshake.get("requestTests") or [] if type(p) is str]
    generated = [p for p in handshake.get("generated") or [] if type(p) is str]
    problems = []
    try:
        preload(mode)
    except BaseException as e:  # noqa: BLE001 - the run goes on to a report that says why nothing ran
        problems.append({"name": "harness", "message": cut("cannot load the test framework: %s" % e),
                         "resource": None})
    canon = load_sibling("assay_canon")
    state = State(root, request_tests, generated, canon)
    state.errors.extend(problems)
    import builtins
    builtins.__assay_probe__ = make_probe(state, sys._getframe)
    sys.argv = [sys.argv[0]]
    install_hook(nonce, record_fd, root, generated, request_tests, deliver.__code__)
    del nonce
    os.chdir(root)
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        if mode == "compile":
            compile_all(state)
        elif mode == "test":
            if not problems:
                plugin = make_plugin(state)
                run_pytest(state, plugin)
                check_plugins(state)
        else:
            state.errors.append({"name": "harness", "message": cut("unknown mode %r" % (mode,)), "resource": None})
    except BaseException as e:  # noqa: BLE001 - whatever happened, a report follows
        try:
            state.errors.append({"name": "harness", "message": cut("the run ended with %s" % describe(e)),
                                 "resource": resource_of(e)})
        except BaseException:  # noqa: BLE001
            pass
    quiet_down()
    report = build_report(state)
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001
            pass
    deliver(report)
    os.write(2, b"assay harness: the report was not accepted\n")
    os._exit(70)


if __name__ == "__main__":
    main()
