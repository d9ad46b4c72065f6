"""assay_canon: the canonical value encoding (PROTOCOL.md "Canonical values")."""
import collections
import enum
import json
import math
import sys

import assay_canon as canon
from assay_canon import encode


def i(n):
    return {"t": "int", "v": str(n)}


def test_plain_scalars():
    assert encode(None) == {"t": "null"}
    assert encode(True) == {"t": "bool", "v": True}
    assert encode(False) == {"t": "bool", "v": False}
    assert encode(-12) == i(-12)
    assert encode(0.1) == {"t": "float", "v": "0.1"}
    assert encode("é") == {"t": "str", "v": "é"}
    assert encode(b"ab") == {"t": "bytes", "v": "YWI="}
    assert encode(bytearray(b"ab")) == {"t": "bytes", "v": "YWI="}


def test_floats_nan_inf_negative_zero():
    assert encode(float("nan")) == {"t": "float", "v": "nan"}
    assert encode(float("inf")) == {"t": "float", "v": "inf"}
    assert encode(float("-inf")) == {"t": "float", "v": "-inf"}
    assert encode(-0.0) == {"t": "float", "v": "-0.0"}
    assert encode(1e300) == {"t": "float", "v": "1e+300"}
    assert float(encode(2 / 3)["v"]) == 2 / 3


def test_big_ints_beyond_the_conversion_limit():
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        for n in (10 ** 5000 + 7, -(10 ** 4001) + 3, 2 ** 20000 - 1, 10 ** 8000 - 1):
            assert encode(n) == {"t": "int", "v": str(n)}
    finally:
        sys.set_int_max_str_digits(previous)
    assert encode(10 ** 5000)["v"] == "1" + "0" * 5000


def test_containers():
    assert encode([1, (2, "x")]) == {"t": "list", "v": [i(1), {"t": "tuple", "v": [i(2), {"t": "str", "v": "x"}]}]}
    assert encode({"a": 1}) == {"t": "map", "v": [[{"t": "str", "v": "a"}, i(1)]]}
    assert encode({3, 1, 2}) == encode(frozenset({2, 3, 1}))
    assert encode({3, 1, 2})["t"] == "set"
    assert [e["v"] for e in encode({3, 1, 2})["v"]] == ["1", "2", "3"]


def test_always_equal_object_is_opaque():
    class AlwaysEqual:
        def __eq__(self, other):
            return True

        def __hash__(self):
            return 0

    e = encode(AlwaysEqual())
    assert e["t"] == "object"
    assert e["type"].endswith("AlwaysEqual")
    assert e["repr"].startswith("<")


def test_int_subclass_overriding_eq_is_opaque_and_no_subclass_method_runs():
    calls = []

    class Sneaky(int):
        def __eq__(self, other):
            calls.append("eq")
            return True

        __hash__ = int.__hash__

        def __index__(self):
            calls.append("index")
            return 99

        def __int__(self):
            calls.append("int")
            return 99

    e = encode(Sneaky(5))
    assert e["t"] == "object" and e["repr"] == "5"
    assert calls == []


def test_subclasses_without_comparison_overrides_are_their_base_read_through_base_methods():
    calls = []

    class Quiet(int):
        def __repr__(self):
            calls.append("repr")
            return "not five"

        def __str__(self):
            calls.append("str")
            return "not five"

    class L(list):
        def __iter__(self):
            calls.append("iter")
            return iter([9])

        def __getitem__(self, item):
            calls.append("getitem")
            return 9

        def __len__(self):
            calls.append("len")
            return 0

    class D(dict):
        def items(self):
            calls.append("items")
            return [("x", 9)]

        def __iter__(self):
            calls.append("iter")
            return iter(["x"])

    class S(str):
        def __str__(self):
            calls.append("str")
            return "fake"

    assert encode(Quiet(5)) == i(5)
    assert encode(L([1, 2])) == encode([1, 2])
    assert encode(D(a=1)) == encode({"a": 1})
    assert encode(S("real")) == {"t": "str", "v": "real"}
    assert calls == []


def test_namedtuple_is_a_tuple():
    Point = collections.namedtuple("Point", "x y")
    assert encode(Point(1, 2)) == encode((1, 2))


def test_stdlib_maps_are_maps():
    assert encode(collections.OrderedDict([("a", 1), ("b", 2)])) == encode({"a": 1, "b": 2})
    assert encode(collections.Counter("aab")) == encode({"a": 2, "b": 1})
    assert encode(collections.defaultdict(int, {1: 2})) == encode({1: 2})


def test_subclass_of_ordered_dict_with_its_own_eq_is_opaque():
    class Od(collections.OrderedDict):
        def __eq__(self, other):
            return True

        __hash__ = None

    assert encode(Od(a=1))["t"] == "object"


def test_deque_range_complex_are_objects():
    for value in (collections.deque([1, 2]), range(3), 1 + 2j):
        e = encode(value)
        assert e["t"] == "object"
        assert e["repr"] == repr(value)
    assert encode(collections.deque([1]))["type"] == "collections.deque"


def test_int_enum_equals_its_int():
    class Color(enum.IntEnum):
        RED = 1

    assert encode(Color.RED) == i(1)


def test_limits():
    assert encode("x" * 100000)["t"] == "str"
    assert encode("x" * 100001) == {"t": "object", "type": "<too large>",
                                    "repr": "a string of more than 100000 characters"}
    assert encode(b"x" * 100001)["type"] == "<too large>"
    assert encode(list(range(9999)))["t"] == "list"
    assert encode(list(range(10000)))["type"] == "<too large>"   # 10 000 items + the list itself
    nested = []
    for _ in range(31):
        nested = [nested]
    assert encode(nested)["t"] == "list"                          # depth 32
    assert encode([nested])["type"] == "<too large>"
    loop = []
    loop.append(loop)
    assert encode(loop)["type"] == "<too large>"
    assert encode(10 ** 400000)["type"] == "<too large>"


def test_guarded_repr():
    class Raises:
        def __repr__(self):
            raise SystemExit(3)

    class Huge:
        def __repr__(self):
            return "y" * 10 ** 6

    class Recursive:
        def __repr__(self):
            return repr(self)

    class StrSub(str):
        def __getitem__(self, item):
            raise AssertionError("must not run")

        def __len__(self):
            raise AssertionError("must not run")

    class OddRepr:
        def __repr__(self):
            return StrSub("z" * 500)

    assert encode(Raises())["repr"] == "<repr failed: SystemExit>"
    assert len(encode(Huge())["repr"]) == 200
    assert encode(Recursive())["repr"] == "<repr failed: RecursionError>"
    r = encode(OddRepr())["repr"]
    assert len(r) == 200 and r.startswith("zzz")


def test_metaclass_cannot_lie_about_the_mro_or_dict():
    class Meta(type):
        def __getattribute__(cls, name):
            if name in ("__mro__", "__dict__"):
                return {} if name == "__dict__" else (cls, int, object)
            return type.__getattribute__(cls, name)

    class Liar(int, metaclass=Meta):
        def __eq__(self, other):
            return True

        __hash__ = int.__hash__

    assert encode(Liar(1))["t"] == "object"


def test_never_raises_and_is_json_ready():
    class Boom:
        def __repr__(self):
            raise MemoryError()

    values = [Boom(), [Boom()], {1: Boom()}, object(), math, encode, type, float("nan")]
    for v in values:
        json.dumps(encode(v), allow_nan=False)


def test_equal_values_encode_alike():
    assert canon.canon_json({"b", "a", "c"}) == canon.canon_json({"c", "b", "a"})
    assert canon.canon_json((1, 2)) != canon.canon_json([1, 2])
