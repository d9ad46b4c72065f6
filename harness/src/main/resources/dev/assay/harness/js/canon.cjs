// The canonical value encoding (CANON, harness/PROTOCOL.md "Canonical values") for JavaScript values.
//
// Used in two places: probe.cjs encodes the actual values a sealed assertion sees inside a test process, and
// analyze.mjs encodes the expected values it evaluated (in a vm context, hence the `realm` option). The executor
// compares the two outside the sandbox.
//
// Only JavaScript's own plain data is encoded as data: primitives, arrays and plain objects (prototype exactly
// Array.prototype, Object.prototype or null, data properties only, no enumerable symbol keys), and Map/Set instances
// whose prototype is exactly Map.prototype/Set.prototype. Everything else — class instances, boxed primitives,
// proxies, functions, arrays with extra enumerable properties or accessors — is an opaque `object`, which equals
// nothing, so a value that claims to equal everything cannot pass a sealed comparison. Encoding never calls a getter
// or any method of the value: own properties are read through their descriptors and Map/Set contents through the
// built-in iterators captured when this file loaded (so code that later patches Map.prototype.entries or
// Array.prototype.push changes nothing here). Only an opaque object's `repr` goes through util.inspect (custom
// inspection off), guarded.
//
// Extensions the protocol leaves open: a Map is `{"t":"map","type":"Map",…}` and an object with a null prototype
// `{"t":"map","type":"Object(null)",…}` (a plain object has no `type`), so deep strict equality outside can tell the
// three apart as Node's does; array holes encode as `undefined`.
'use strict';

const util = require('node:util');

const { getPrototypeOf, getOwnPropertyDescriptor, is: objectIs } = Object;
const reflectOwnKeys = Reflect.ownKeys;
const arrayIsArray = Array.isArray;
const isProxy = util.types.isProxy;
const inspect = util.inspect;
const jsonQuote = JSON.stringify;
const uncurry = (fn) => Function.prototype.call.bind(fn);
const mapEntries = uncurry(Map.prototype.entries);
const mapIteratorNext = uncurry(getPrototypeOf(new Map().entries()).next);
const setValues = uncurry(Set.prototype.values);
const setIteratorNext = uncurry(getPrototypeOf(new Set().values()).next);
const stringSlice = uncurry(String.prototype.slice);
const hasOwn = uncurry(Object.prototype.hasOwnProperty);
const isData = (d) => hasOwn(d, 'value');

const MAX_DEPTH = 32;
const MAX_VALUES = 10000;
const MAX_STRING = 100000;
const MAX_REPR = 200;

/** The intrinsics of the realm this file was loaded in; analyze.mjs passes a vm context's own. */
const DEFAULT_REALM = Object.freeze({
  ArrayPrototype: Array.prototype,
  ObjectPrototype: Object.prototype,
  MapPrototype: Map.prototype,
  SetPrototype: Set.prototype,
});

class TooLarge {
  constructor(reason) {
    this.reason = reason;
  }
}

function push(list, item) {
  list[list.length] = item;
}

function formatNumber(n) {
  if (n !== n) {
    return 'nan';
  }
  if (n === Infinity) {
    return 'inf';
  }
  if (n === -Infinity) {
    return '-inf';
  }
  if (objectIs(n, -0)) {
    return '-0.0';
  }
  return String(n);
}

/** The constructor name along the prototype chain, read from data properties only. */
function typeName(value) {
  try {
    let proto = getPrototypeOf(value);
    for (let i = 0; proto !== null && i < 64; i++) {
      const ctor = getOwnPropertyDescriptor(proto, 'constructor');
      if (ctor && isData(ctor) && typeof ctor.value === 'function') {
        const name = getOwnPropertyDescriptor(ctor.value, 'name');
        if (name && isData(name) && typeof name.value === 'string' && name.value !== '') {
          return stringSlice(name.value, 0, MAX_REPR);
        }
      }
      proto = getPrototypeOf(proto);
    }
    return proto === null ? 'Object' : 'object';
  } catch {
    return 'object';
  }
}

function reprOf(value) {
  try {
    const text = inspect(value, {
      depth: 1, customInspect: false, showProxy: true, getters: false, maxArrayLength: 10, maxStringLength: 100,
      breakLength: Infinity, colors: false,
    });
    return typeof text === 'string' ? stringSlice(text, 0, MAX_REPR) : '';
  } catch {
    return '';
  }
}

function opaque(value, type) {
  return { t: 'object', type: type === undefined ? typeName(value) : type, repr: reprOf(value) };
}

function isIndex(key, length) {
  if (typeof key !== 'string' || key === '' || (key.length > 1 && key[0] === '0')) {
    return false;
  }
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) {
      return false;
    }
  }
  return Number(key) < length;
}

/**
 * Encodes `value` as CANON (a plain object tree). Never throws: past a limit the whole value is
 * `{"t":"object","type":"<too large>",…}`.
 *
 * @param {*} value
 * @param {{realm?: {ArrayPrototype: object, ObjectPrototype: object, MapPrototype: object, SetPrototype: object}}} [options]
 */
function encode(value, options) {
  const realm = (options && options.realm) || DEFAULT_REALM;
  const state = { count: 0 };

  function enc(v, depth) {
    if (++state.count > MAX_VALUES) {
      throw new TooLarge(`more than ${MAX_VALUES} values`);
    }
    if (depth > MAX_DEPTH) {
      throw new TooLarge(`nested deeper than ${MAX_DEPTH}`);
    }
    switch (typeof v) {
      case 'undefined':
        return { t: 'undefined' };
      case 'boolean':
        return { t: 'bool', v };
      case 'number':
        return { t: 'float', v: formatNumber(v) };
      case 'bigint':
        return { t: 'int', v: String(v) };
      case 'string':
        if (v.length > MAX_STRING) {
          throw new TooLarge(`a string of ${v.length} characters`);
        }
        return { t: 'str', v };
      case 'symbol':
        return { t: 'object', type: 'symbol', repr: reprOf(v) };
      case 'function':
        return opaque(v, 'function');
      default:
        break;
    }
    if (v === null) {
      return { t: 'null' };
    }
    if (isProxy(v)) {
      return opaque(v, 'Proxy');
    }
    const proto = getPrototypeOf(v);
    if (arrayIsArray(v)) {
      return proto === realm.ArrayPrototype ? encodeArray(v, depth) : opaque(v);
    }
    if (proto === realm.ObjectPrototype || proto === null) {
      return encodeObject(v, depth, proto === null);
    }
    if (proto === realm.MapPrototype) {
      return reflectOwnKeys(v).length === 0 ? encodeMap(v, depth) : opaque(v);
    }
    if (proto === realm.SetPrototype) {
      return reflectOwnKeys(v).length === 0 ? encodeSet(v, depth) : opaque(v);
    }
    return opaque(v);
  }

  function encodeArray(array, depth) {
    const length = getOwnPropertyDescriptor(array, 'length').value;
    const keys = reflectOwnKeys(array);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      if (key === 'length' || isIndex(key, length)) {
        continue;
      }
      const d = getOwnPropertyDescriptor(array, key);
      if (d && d.enumerable) {
        return opaque(array);
      }
    }
    const out = [];
    for (let i = 0; i < length; i++) {
      const d = getOwnPropertyDescriptor(array, String(i));
      if (d === undefined) {
        push(out, enc(undefined, depth + 1));
      } else if (!isData(d)) {
        return opaque(array);
      } else {
        push(out, enc(d.value, depth + 1));
      }
    }
    return { t: 'list', v: out };
  }

  function encodeObject(object, depth, nullPrototype) {
    const entries = [];
    const keys = reflectOwnKeys(object);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      const d = getOwnPropertyDescriptor(object, key);
      if (!d || !d.enumerable) {
        continue;
      }
      if (typeof key === 'symbol' || !isData(d)) {
        return opaque(object);
      }
      if (++state.count > MAX_VALUES) {
        throw new TooLarge(`more than ${MAX_VALUES} values`);
      }
      push(entries, [{ t: 'str', v: key }, enc(d.value, depth + 1)]);
    }
    return nullPrototype ? { t: 'map', type: 'Object(null)', v: entries } : { t: 'map', v: entries };
  }

  function encodeMap(map, depth) {
    const entries = [];
    const it = mapEntries(map);
    for (let step = mapIteratorNext(it); !step.done; step = mapIteratorNext(it)) {
      push(entries, [enc(step.value[0], depth + 1), enc(step.value[1], depth + 1)]);
    }
    return { t: 'map', type: 'Map', v: entries };
  }

  function encodeSet(set, depth) {
    const items = [];
    const it = setValues(set);
    for (let step = setIteratorNext(it); !step.done; step = setIteratorNext(it)) {
      push(items, enc(step.value, depth + 1));
    }
    return { t: 'set', v: items };
  }

  try {
    return enc(value, 0);
  } catch (e) {
    if (e instanceof TooLarge) {
      return { t: 'object', type: '<too large>', repr: e.reason };
    }
    // Stack overflow, a revoked proxy's internals, anything else: the value is not data this encoding can carry.
    return { t: 'object', type: '<unencodable>', repr: '' };
  }
}

/**
 * JSON text of a CANON tree (or of any tree of plain objects, arrays, strings, finite numbers, booleans and null
 * built by this harness), written without JSON.stringify's `toJSON` lookups so a polluted prototype in the test
 * process cannot change it.
 */
function stringify(x) {
  if (x === null || x === undefined) {
    return 'null';
  }
  switch (typeof x) {
    case 'string':
      return jsonQuote(x);
    case 'number':
      return Number.isFinite(x) ? String(x) : 'null';
    case 'boolean':
      return x ? 'true' : 'false';
    case 'bigint':
      return jsonQuote(String(x));
    default:
      break;
  }
  if (arrayIsArray(x)) {
    let out = '[';
    for (let i = 0; i < x.length; i++) {
      out += (i > 0 ? ',' : '') + stringify(x[i]);
    }
    return out + ']';
  }
  let out = '{';
  let first = true;
  const keys = reflectOwnKeys(x);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (typeof key !== 'string') {
      continue;
    }
    const d = getOwnPropertyDescriptor(x, key);
    if (!d || !d.enumerable || !isData(d) || d.value === undefined) {
      continue;
    }
    out += (first ? '' : ',') + jsonQuote(key) + ':' + stringify(d.value);
    first = false;
  }
  return out + '}';
}

module.exports = { encode, stringify, DEFAULT_REALM, MAX_DEPTH, MAX_VALUES, MAX_STRING };
