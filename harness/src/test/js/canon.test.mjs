// canon.cjs: only plain data is data; everything else is an opaque object that equals nothing.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import { JS_DIR } from './support.mjs';

const require = createRequire(import.meta.url);
const { encode, stringify } = require(`${JS_DIR}/canon.cjs`);

const roundTrip = (v, options) => JSON.parse(stringify(encode(v, options)));

describe('canon: primitives', () => {
  it('encodes every number as a float that parses back', () => {
    assert.deepEqual(encode(3), { t: 'float', v: '3' });
    assert.deepEqual(encode(0.1), { t: 'float', v: '0.1' });
    assert.deepEqual(encode(1e21), { t: 'float', v: '1e+21' });
    assert.equal(Number(encode(0.1 + 0.2).v), 0.1 + 0.2);
  });

  it('keeps -0, NaN and the infinities apart', () => {
    assert.deepEqual(encode(-0), { t: 'float', v: '-0.0' });
    assert.deepEqual(encode(0), { t: 'float', v: '0' });
    assert.deepEqual(encode(NaN), { t: 'float', v: 'nan' });
    assert.deepEqual(encode(Infinity), { t: 'float', v: 'inf' });
    assert.deepEqual(encode(-Infinity), { t: 'float', v: '-inf' });
  });

  it('encodes bigint exactly as int', () => {
    assert.deepEqual(encode(-12n), { t: 'int', v: '-12' });
    assert.deepEqual(encode(2n ** 100n), { t: 'int', v: (2n ** 100n).toString() });
  });

  it('encodes strings, booleans, null and undefined', () => {
    assert.deepEqual(encode('a\nb'), { t: 'str', v: 'a\nb' });
    assert.deepEqual(encode(true), { t: 'bool', v: true });
    assert.deepEqual(encode(null), { t: 'null' });
    assert.deepEqual(encode(undefined), { t: 'undefined' });
  });

  it('makes symbols and functions opaque', () => {
    assert.equal(encode(Symbol('s')).t, 'object');
    assert.equal(encode(() => 1).t, 'object');
    assert.equal(encode(() => 1).type, 'function');
  });
});

describe('canon: containers', () => {
  it('encodes arrays and plain objects as data', () => {
    assert.deepEqual(encode([1, 'a', [true]]), {
      t: 'list', v: [{ t: 'float', v: '1' }, { t: 'str', v: 'a' }, { t: 'list', v: [{ t: 'bool', v: true }] }],
    });
    assert.deepEqual(encode({ a: 1, b: null }), {
      t: 'map', v: [[{ t: 'str', v: 'a' }, { t: 'float', v: '1' }], [{ t: 'str', v: 'b' }, { t: 'null' }]],
    });
  });

  it('tells a null-prototype object and a Map from a plain object', () => {
    const bare = Object.create(null);
    bare.a = 1;
    assert.equal(encode(bare).type, 'Object(null)');
    assert.equal(encode(new Map([['a', 1]])).type, 'Map');
    assert.equal(encode({ a: 1 }).type, undefined);
  });

  it('encodes Map entries and Set members in insertion order, keys of any type', () => {
    assert.deepEqual(encode(new Map([[1, 'x'], ['1', 'y']])).v, [
      [{ t: 'float', v: '1' }, { t: 'str', v: 'x' }], [{ t: 'str', v: '1' }, { t: 'str', v: 'y' }]]);
    assert.deepEqual(encode(new Set([3, 1])), { t: 'set', v: [{ t: 'float', v: '3' }, { t: 'float', v: '1' }] });
  });

  it('ignores non-enumerable properties and encodes holes as undefined', () => {
    const o = { a: 1 };
    Object.defineProperty(o, 'hidden', { value: 2, enumerable: false });
    assert.equal(encode(o).v.length, 1);
    // eslint-disable-next-line no-sparse-arrays
    assert.deepEqual(encode([, 1]).v[0], { t: 'undefined' });
  });
});

describe('canon: exactness', () => {
  it('makes class instances opaque, with their class name', () => {
    class Point {
      constructor() {
        this.x = 1;
      }
    }
    const e = encode(new Point());
    assert.equal(e.t, 'object');
    assert.equal(e.type, 'Point');
    assert.match(e.repr, /Point/);
  });

  it('makes an object that claims to equal everything opaque without calling it', () => {
    let called = 0;
    class Liar {
      valueOf() {
        called++;
        return 3;
      }

      toString() {
        called++;
        return '3';
      }

      [Symbol.toPrimitive]() {
        called++;
        return 3;
      }
    }
    assert.equal(encode(new Liar()).t, 'object');
    assert.equal(called, 0);
  });

  it('makes arrays with a changed prototype or extra enumerable properties opaque', () => {
    const a = [1, 2];
    Object.setPrototypeOf(a, Object.create(Array.prototype));
    assert.equal(encode(a).t, 'object');
    const b = [1, 2];
    b.extra = 3;
    assert.equal(encode(b).t, 'object');
    class MyArray extends Array {}
    assert.equal(encode(MyArray.from([1])).t, 'object');
  });

  it('makes Map and Set subclasses or decorated instances opaque', () => {
    class MyMap extends Map {}
    assert.equal(encode(new MyMap()).t, 'object');
    const s = new Set([1]);
    s.has = () => true;
    assert.equal(encode(s).t, 'object');
  });

  it('makes boxed primitives opaque', () => {
    assert.deepEqual([encode(new Number(3)).t, encode(new Number(3)).type], ['object', 'Number']);
    assert.equal(encode(new String('a')).t, 'object');
    assert.equal(encode(new Boolean(false)).t, 'object');
    assert.equal(encode(Object(1n)).t, 'object');
  });

  it('never calls a getter, even one that throws', () => {
    const o = {};
    Object.defineProperty(o, 'x', { get() {
      throw new Error('boom');
    }, enumerable: true });
    const e = encode(o);
    assert.equal(e.t, 'object');
    const a = [1];
    Object.defineProperty(a, '0', { get() {
      throw new Error('boom');
    } });
    assert.equal(encode(a).t, 'object');
  });

  it('makes proxies opaque without running their traps', () => {
    let traps = 0;
    const p = new Proxy([1, 2], {
      getPrototypeOf() {
        traps++;
        return Array.prototype;
      },
      ownKeys(t) {
        traps++;
        return Reflect.ownKeys(t);
      },
    });
    const e = encode(p);
    assert.equal(e.type, 'Proxy');
    assert.equal(traps, 0);
  });

  it('makes objects with enumerable symbol keys opaque', () => {
    assert.equal(encode({ [Symbol('k')]: 1 }).t, 'object');
  });

  it('reads Map and Set through the built-ins captured at load', () => {
    const original = Map.prototype.entries;
    try {
      Map.prototype.entries = function* fake() {
        yield ['forged', 1];
      };
      assert.deepEqual(encode(new Map([['real', 2]])).v[0][0], { t: 'str', v: 'real' });
    } finally {
      Map.prototype.entries = original;
    }
  });

  it('makes dates, regular expressions, errors and typed arrays opaque', () => {
    for (const v of [new Date(0), /x/, new Error('e'), new Uint8Array(2), Promise.resolve()]) {
      assert.equal(encode(v).t, 'object', String(v));
    }
  });
});

describe('canon: limits', () => {
  it('replaces a value nested deeper than 32 by <too large>', () => {
    let deep = [];
    for (let i = 0; i < 40; i++) {
      deep = [deep];
    }
    assert.deepEqual([encode(deep).t, encode(deep).type], ['object', '<too large>']);
    let ok = [];
    for (let i = 0; i < 31; i++) {
      ok = [ok];
    }
    assert.equal(encode(ok).t, 'list');
  });

  it('replaces a value of more than 10 000 values by <too large>', () => {
    assert.equal(encode(new Array(10001).fill(0)).type, '<too large>');
    assert.equal(encode(new Array(9000).fill(0)).t, 'list');
    assert.equal(encode(Object.fromEntries(Array.from({ length: 6000 }, (_, i) => [`k${i}`, i]))).type, '<too large>');
  });

  it('replaces a string of more than 100 000 characters by <too large>', () => {
    assert.equal(encode('x'.repeat(100001)).type, '<too large>');
    assert.equal(encode(['x'.repeat(100001)]).type, '<too large>');
    assert.equal(encode('x'.repeat(100000)).t, 'str');
  });

  it('survives a cycle', () => {
    const a = [];
    a.push(a);
    assert.equal(encode(a).type, '<too large>');
  });
});

describe('canon: realms and serialisation', () => {
  it('encodes a vm context\'s arrays and objects as data when given that realm', () => {
    const context = vm.createContext({});
    const realm = vm.runInContext('({ ArrayPrototype: Array.prototype, ObjectPrototype: Object.prototype, MapPrototype: Map.prototype, SetPrototype: Set.prototype })', context);
    const value = vm.runInContext('[1, {a: [2]}, new Map([[1, 2]]), new Set([3])]', context);
    assert.equal(encode(value).t, 'object'); // another realm's Array.prototype is not this one's
    const e = encode(value, { realm });
    assert.deepEqual(e.v.map((x) => x.t), ['float', 'map', 'map', 'set']);
  });

  it('serialises without toJSON lookups', () => {
    const original = Object.getOwnPropertyDescriptor(Object.prototype, 'toJSON');
    try {
      // eslint-disable-next-line no-extend-native
      Object.defineProperty(Object.prototype, 'toJSON', { value: () => 'forged', configurable: true, writable: true });
      Object.defineProperty(Array.prototype, 'toJSON', { value: () => 'forged', configurable: true, writable: true });
      assert.deepEqual(JSON.parse(stringify(encode([1, { a: 'b' }]))).v[1].v[0][1], { t: 'str', v: 'b' });
    } finally {
      delete Object.prototype.toJSON;
      delete Array.prototype.toJSON;
      if (original) {
        Object.defineProperty(Object.prototype, 'toJSON', original);
      }
    }
    assert.deepEqual(roundTrip({ s: 'a"b\u2028' }).v[0][1], { t: 'str', v: 'a"b\u2028' });
  });
});
