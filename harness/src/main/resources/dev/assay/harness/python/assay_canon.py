"""The canonical value encoding (CANON, harness/PROTOCOL.md "Canonical values") for Python.

`encode(value)` turns a value into a JSON-ready dict. Probes (the test run) and the analyzer (expected values) use the
same function, so an expected and an actual value that are equal plain data encode alike.

Only Python's own plain data is encoded as data: `None`, `bool`, `int`, `float`, `str`, `bytes`/`bytearray`, `tuple`,
`list`, `dict` (also `OrderedDict`, `defaultdict`, `Counter`), `set` and `frozenset`. An instance of a subclass of one of
these is encoded as its base only when no class between it and the base in its MRO defines `__eq__`, `__ne__` or
`__hash__`; its contents are read through the base type's own methods (`int.__repr__`, `tuple.__getitem__`,
`dict.items`, ...), so no method of the subclass runs. Everything else is `{"t": "object", "type", "repr"}`, which equals
nothing: an object that claims to equal everything cannot pass a sealed comparison. The `repr` is the only method of a
foreign class that runs, guarded (exceptions of any kind, recursion, output cut to 200 characters).

Choices the protocol leaves open:
- maps keep the dict's iteration order; set elements are sorted by their encoded JSON so equal sets encode alike;
- limits (depth 32, 10 000 values, strings and bytes 100 000 characters/bytes): past any of them the whole value is
  `{"t": "object", "type": "<too large>", "repr": <what was exceeded>}`;
- `encode` never raises: a failure while encoding is an `object` entry of type `<error>` (a sub-value whose reading
  failed) or the `<too large>` entry above.

This module imports only the standard library and keeps references to what it uses, taken at import time.
"""
import base64 as _base64
import collections as _collections
import json as _json
import math as _math
import sys as _sys

MAX_DEPTH = 32
MAX_VALUES = 10000
MAX_STRING = 100000
MAX_REPR = 200

_type = type
_len = len
_str = str
_int = int
_float = float
_bytes = bytes
_bytearray = bytearray
_tuple = tuple
_list = list
_dict = dict
_set = set
_frozenset = frozenset
_bool = bool
_repr = repr
_slice = slice
_BaseException = BaseException

_TYPE_DICT = type.__dict__["__dict__"].__get__     # cls -> its own mappingproxy, bypassing any metaclass
_TYPE_MRO = type.__dict__["__mro__"].__get__
_TYPE_MODULE = type.__dict__["__module__"].__get__
_TYPE_QUALNAME = type.__dict__["__qualname__"].__get__
_INT_REPR = int.__repr__
_INT_INDEX = int.__index__
_INT_BITS = int.bit_length
_FLOAT_FLOAT = float.__float__
_FLOAT_REPR = float.__repr__
_STR_STR = str.__str__
_STR_LEN = str.__len__
_STR_GETITEM = str.__getitem__
_BYTES_GETITEM = bytes.__getitem__
_BYTES_LEN = bytes.__len__
_BYTEARRAY_GETITEM = bytearray.__getitem__
_TUPLE_GETITEM = tuple.__getitem__
_LIST_GETITEM = list.__getitem__
_DICT_ITEMS = dict.items
_SET_ITER = set.__iter__
_FROZENSET_ITER = frozenset.__iter__
_B64 = _base64.b64encode
_ISNAN = _math.isnan
_ISINF = _math.isinf
_DUMPS = _json.dumps

_COMPARISON = ("__eq__", "__ne__", "__hash__")
# Subclasses of dict from the standard library that are plain maps (their __eq__ is dict's or order-sensitive
# OrderedDict's; the protocol encodes all of them as maps).
_STDLIB_MAPS = (_collections.OrderedDict, _collections.defaultdict, _collections.Counter)


class _TooLarge(Exception):
    def __init__(self, what):
        Exception.__init__(self, what)
        self.what = what


def _exact_base(cls, base):
    """True when `cls` (a subclass of `base`) may be encoded as `base`: nothing before `base` in its MRO defines
    __eq__, __ne__ or __hash__."""
    if cls is base:
        return True
    for klass in _TYPE_MRO(cls):
        if klass is base:
            return True
        if klass in _STDLIB_MAPS and base is _dict:
            continue
        own = _TYPE_DICT(klass)
        for name in _COMPARISON:
            if name in own:
                return False
    return False


def _is_sub(cls, base):
    return base in _TYPE_MRO(cls)


def type_name(cls):
    """`module.Qualname` of a class, read without running anything the class defines."""
    try:
        module = _TYPE_MODULE(cls)
        qualname = _TYPE_QUALNAME(cls)
    except _BaseException:  # noqa: BLE001 - a broken class still gets a name
        return "?"
    module = module if _type(module) is _str else "?"
    qualname = qualname if _type(qualname) is _str else "?"
    if module == "builtins":
        return qualname
    return module + "." + qualname


def guarded_repr(value, limit=MAX_REPR):
    """repr(value) cut to `limit` characters; never raises (the repr of a foreign class may do anything)."""
    try:
        text = _repr(value)
        if _type(text) is not _str:
            text = _STR_STR(text)  # a str subclass: take its characters, not its methods
        if _STR_LEN(text) > limit:
            text = _STR_GETITEM(text, _slice(0, limit - 1)) + "\u2026"
        return text
    except _BaseException as e:  # noqa: BLE001 - includes SystemExit/RecursionError raised by the repr
        return "<repr failed: " + type_name(_type(e)) + ">"


def _object(value):
    return {"t": "object", "type": type_name(_type(value)), "repr": guarded_repr(value)}


_DIRECT = 10 ** 4000   # ints below this convert directly (under the interpreter's 4300-digit limit)


def _int_text(n):
    """Decimal digits of an exact int of any size, without int's 4300-digit conversion limit."""
    if -_DIRECT < n < _DIRECT:
        return _INT_REPR(n)
    if n < 0:
        return "-" + _int_text(-n)
    # Divide and conquer on powers of ten: both halves stay under the conversion limit at the leaves.
    digits = _int(_INT_BITS(n) * 0.30103) + 1
    half = digits // 2
    high, low = divmod(n, 10 ** half)
    low_text = _int_text(low)
    return _int_text(high) + "0" * (half - _len(low_text)) + low_text


class _Encoder:
    def __init__(self):
        self.count = 0

    def value(self, v, depth):
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooLarge("more than %d values" % MAX_VALUES)
        if depth > MAX_DEPTH:
            raise _TooLarge("nested deeper than %d" % MAX_DEPTH)
        cls = _type(v)
        if v is None:
            return {"t": "null"}
        if cls is _bool:
            return {"t": "bool", "v": v is True}
        try:
            if cls is _int or (_is_sub(cls, _int) and cls is not _bool and _exact_base(cls, _int)):
                n = _INT_INDEX(v) if cls is not _int else v
                if _INT_BITS(n) > MAX_STRING * 3.33:
                    raise _TooLarge("an int of more than %d digits" % MAX_STRING)
                return {"t": "int", "v": _int_text(n)}
            if cls is _float or (_is_sub(cls, _float) and _exact_base(cls, _float)):
                x = _FLOAT_FLOAT(v)
                if _ISNAN(x):
                    text = "nan"
                elif _ISINF(x):
                    text = "inf" if x > 0 else "-inf"
                else:
                    text = _FLOAT_REPR(x)
                return {"t": "float", "v": text}
            if cls is _str or (_is_sub(cls, _str) and _exact_base(cls, _str)):
                s = v if cls is _str else _STR_STR(v)
                if _STR_LEN(s) > MAX_STRING:
                    raise _TooLarge("a string of more than %d characters" % MAX_STRING)
                return {"t": "str", "v": s}
            if cls is _bytes or (_is_sub(cls, _bytes) and _exact_base(cls, _bytes)):
                b = v if cls is _bytes else _BYTES_GETITEM(v, _slice(None))
                return self._bytes(b)
            if cls is _bytearray or (_is_sub(cls, _bytearray) and _exact_base(cls, _bytearray)):
                return self._bytes(_bytes(_BYTEARRAY_GETITEM(v, _slice(None))))
            if cls is _tuple or (_is_sub(cls, _tuple) and _exact_base(cls, _tuple)):
                items = _TUPLE_GETITEM(v, _slice(None))
                return {"t": "tuple", "v": self._items(items, depth)}
            if cls is _list or (_is_sub(cls, _list) and _exact_base(cls, _list)):
                items = _LIST_GETITEM(v, _slice(None))  # a snapshot: encoding elements may run foreign reprs
                return {"t": "list", "v": self._items(items, depth)}
            if cls is _dict or (_is_sub(cls, _dict) and _exact_base(cls, _dict)):
                pairs = _list(_DICT_ITEMS(v))
                if _len(pairs) > MAX_VALUES:
                    raise _TooLarge("more than %d values" % MAX_VALUES)
                return {"t": "map", "v": [[self.value(k, depth + 1), self.value(x, depth + 1)] for k, x in pairs]}
            if cls is _set or (_is_sub(cls, _set) and _exact_base(cls, _set)):
                return {"t": "set", "v": self._set(_list(_SET_ITER(v)), depth)}
            if cls is _frozenset or (_is_sub(cls, _frozenset) and _exact_base(cls, _frozenset)):
                return {"t": "set", "v": self._set(_list(_FROZENSET_ITER(v)), depth)}
        except _TooLarge:
            raise
        except RecursionError:
            raise _TooLarge("nested too deeply to read")
        except MemoryError:
            raise _TooLarge("too large to read")
        except _BaseException as e:  # noqa: BLE001 - a value whose reading failed is opaque
            return {"t": "object", "type": "<error>", "repr": guarded_repr(e)}
        return _object(v)

    def _bytes(self, b):
        if _BYTES_LEN(b) > MAX_STRING:
            raise _TooLarge("bytes of more than %d bytes" % MAX_STRING)
        return {"t": "bytes", "v": _B64(b).decode("ascii")}

    def _items(self, items, depth):
        if _len(items) > MAX_VALUES:
            raise _TooLarge("more than %d values" % MAX_VALUES)
        return [self.value(x, depth + 1) for x in items]

    def _set(self, items, depth):
        encoded = self._items(items, depth)
        keyed = [(_DUMPS(e, sort_keys=True, ensure_ascii=True), e) for e in encoded]
        keyed.sort(key=lambda pair: pair[0])
        return [e for _, e in keyed]


def encode(value):
    """CANON of `value` (a JSON-ready dict). Never raises."""
    try:
        return _Encoder().value(value, 1)
    except _TooLarge as e:
        return {"t": "object", "type": "<too large>", "repr": e.what}
    except _BaseException as e:  # noqa: BLE001 - the contract is "never raises"
        try:
            return {"t": "object", "type": "<error>", "repr": guarded_repr(e)}
        except _BaseException:  # noqa: BLE001
            return {"t": "object", "type": "<error>", "repr": ""}


def canon_json(value):
    """The CANON of `value` as compact JSON text (sorted keys): a stable key for comparisons and tests."""
    return _DUMPS(encode(value), sort_keys=True, ensure_ascii=True, separators=(",", ":"))
