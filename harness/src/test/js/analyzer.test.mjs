// analyze.mjs / tests.mjs: the trusted test set, sealing, line preservation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as acorn from '/usr/share/nodejs/acorn/dist/acorn.mjs';
import { analyzeTestFile } from '../../main/resources/dev/assay/harness/js/tests.mjs';
import { analyze, workspace, wellFormed } from './support.mjs';

const HEADER = "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add, f, g } = require('./solution.js');\n";

function run(source, { rel = 'a.test.js', helperFiles = [] } = {}) {
  let probe = 0;
  return analyzeTestFile({ rel, source, acorn, nextProbe: () => ++probe, helperFiles: new Set(helperFiles) });
}

function only(source, options) {
  const r = run(source, options);
  assert.equal(r.units.length, 1, JSON.stringify(r.units));
  return { ...r, unit: r.units[0], kinds: Object.values(r.expectations).map((e) => e.kind) };
}

const body = (statements) => `${HEADER}test('t', () => {\n${statements}\n});\n`;

describe('analyzer: sealed shapes', () => {
  const cases = [
    ['assert.strictEqual(add(1, 2), 3);', 'js.strict', { t: 'float', v: '3' }, 'add(1, 2)'],
    ['assert.strictEqual(3, add(1, 2));', 'js.strict', { t: 'float', v: '3' }, 'add(1, 2)'],
    ['assert.equal(add(1, 2), 3);', 'js.loose', { t: 'float', v: '3' }, 'add(1, 2)'],
    ['assert.deepStrictEqual(f(), [1, { a: "b" }]);', 'js.deepStrict',
      { t: 'list', v: [{ t: 'float', v: '1' }, { t: 'map', v: [[{ t: 'str', v: 'a' }, { t: 'str', v: 'b' }]] }] }, 'f()'],
    ['assert.deepEqual(f(), [1]);', 'js.deepLoose', { t: 'list', v: [{ t: 'float', v: '1' }] }, 'f()'],
    ['assert.notStrictEqual(f(), null);', 'js.notStrict', { t: 'null' }, 'f()'],
    ['assert.ok(f());', 'js.truthy', null, 'f()'],
    ['assert(f());', 'js.truthy', null, 'f()'],
    ['console.assert(f());', 'js.truthy', null, 'f()'],
    ['assert(f() === 1);', 'js.strict', { t: 'float', v: '1' }, 'f()'],
    ['assert.ok(1 === f());', 'js.strict', { t: 'float', v: '1' }, 'f()'],
    ['console.assert(f() == "1");', 'js.loose', { t: 'str', v: '1' }, 'f()'],
    ['console.assert(f() !== undefined, "message");', 'js.notStrict', { t: 'undefined' }, 'f()'],
    ['assert.strictEqual(f(), 2n ** 70n);', 'js.strict', { t: 'int', v: (2n ** 70n).toString() }, 'f()'],
    ['assert.strictEqual(f(), -0);', 'js.strict', { t: 'float', v: '-0.0' }, 'f()'],
    ['assert.strictEqual(f(), `x${1 + 1}`);', 'js.strict', { t: 'str', v: 'x2' }, 'f()'],
    ['assert.strictEqual(JSON.stringify(f()), JSON.stringify([1, 2]));', 'js.strict', { t: 'str', v: '[1,2]' }, 'JSON.stringify(f())'],
    ['assert.deepStrictEqual(f(), Array.of(Math.max(1, 2), Number("3"), String(4), Boolean(0)));', 'js.deepStrict',
      { t: 'list', v: [{ t: 'float', v: '2' }, { t: 'float', v: '3' }, { t: 'str', v: '4' }, { t: 'bool', v: false }] }, 'f()'],
    ['assert.deepStrictEqual(f(), Object.freeze({ k: Math.PI }));', 'js.deepStrict',
      { t: 'map', v: [[{ t: 'str', v: 'k' }, { t: 'float', v: String(Math.PI) }]] }, 'f()'],
    ['assert.strictEqual(f(), "a", `got ${add}`);', 'js.strict', { t: 'str', v: 'a' }, 'f()'],
  ];
  for (const [statement, kind, expected, actual] of cases) {
    it(`${statement} → ${kind}`, () => {
      const r = only(body(statement));
      assert.equal(r.unit.evidence, 'SEALED', JSON.stringify(r.unit));
      assert.deepEqual(r.unit.probes, [1]);
      assert.equal(r.expectations['1'].kind, kind);
      assert.deepEqual(r.expectations['1'].expected, expected);
      assert.equal(r.expectations['1'].source, statement.replace(/;$/, ''));
      assert.match(r.rewritten, new RegExp(`__assayProbe\\(1, \\(${actual.replace(/[()[\]]/g, '\\$&')}\\)\\);`));
    });
  }

  it('node:assert/strict makes equal and deepEqual strict', () => {
    const r = only("const test = require('node:test');\nconst assert = require('node:assert/strict');\n"
      + "test('t', () => {\n  assert.equal(f(), 1);\n  assert.deepEqual(f(), [1]);\n  assert.notEqual(f(), 2);\n});\n");
    assert.deepEqual(r.kinds, ['js.strict', 'js.deepStrict', 'js.notStrict']);
    assert.equal(r.unit.evidence, 'SEALED');
  });

  it('assert.strict.* is strict, and assert.strict(A) is truthy', () => {
    const r = only(body('assert.strict.equal(f(), 1);\nassert.strict(f());'));
    assert.deepEqual(r.kinds, ['js.strict', 'js.truthy']);
  });

  it('leaves comparisons with no constant side, or with no sealed kind, in process', () => {
    for (const statement of ['assert.strictEqual(f(), g());', 'assert.notEqual(f(), 1);', 'assert.notDeepStrictEqual(f(), [1]);',
      'assert.throws(() => f());', 'assert.match(f(), /x/);', 'assert.strictEqual(f(), 1, g());', 'assert.strictEqual(...f());',
      'assert.strictEqual.call(null, f(), 1);', 'console.assert.apply(console, [f()]);']) {
      const r = only(body(statement));
      assert.equal(r.unit.evidence, 'IN_PROCESS', statement);
      assert.deepEqual(r.unit.probes, [], statement);
      assert.equal(r.rewritten, null, statement);
    }
  });

  it('ignores assertions that hold by themselves but needs a sealed one', () => {
    let r = only(body('assert.ok(true);\nassert.strictEqual(1, 1);\nassert.strictEqual(f(), 1);'));
    assert.equal(r.unit.evidence, 'SEALED');
    assert.deepEqual(r.unit.probes, [1]);
    r = only(body('assert.ok(true);'));
    assert.equal(r.unit.evidence, 'IN_PROCESS');
    r = only(body('assert.strictEqual(1, 2);'));
    assert.equal(r.unit.evidence, 'IN_PROCESS');
  });

  it('makes a unit with a throw, assert.rejects or an unsealed assertion IN_PROCESS, still sealing the rest', () => {
    const r = only(body("assert.strictEqual(f(), 1);\nif (g()) throw new Error('x');"));
    assert.equal(r.unit.evidence, 'IN_PROCESS');
    assert.deepEqual(r.unit.probes, [1]);
    assert.match(r.rewritten, /__assayProbe\(1/);
    assert.equal(only(body('assert.strictEqual(f(), 1);\nawait assert.rejects(g());')).unit.evidence, 'IN_PROCESS');
  });

  it('treats helpers of the request and assertion-like names as unseen helpers', () => {
    const src = "const test = require('node:test');\nconst assert = require('node:assert');\nconst { check } = require('./helpers.js');\n"
      + "const { solve } = require('./solution.js');\ntest('t', () => {\n  assert.strictEqual(solve(), 1);\n  check(solve());\n});\n";
    assert.equal(only(src, { helperFiles: ['helpers.js'] }).unit.evidence, 'IN_PROCESS');
    assert.equal(only(body('assert.strictEqual(f(), 1);\nexpect(f()).toBe(1);')).unit.evidence, 'IN_PROCESS');
    // A function of the code under test whose name merely starts with "check" is not a helper.
    const generated = "const test = require('node:test');\nconst assert = require('node:assert');\n"
      + "const { checkDictCase } = require('./he_95.js');\ntest('t', () => {\n  assert.strictEqual(checkDictCase({}), false);\n});\n";
    assert.equal(only(generated).unit.evidence, 'SEALED');
  });
});

describe('analyzer: aliases', () => {
  it('finds node:test and node:assert under any local name', () => {
    const src = "const nt = require('node:test');\nconst { describe: group, it: check } = require('node:test');\n"
      + "const a = require('assert');\nconst { strictEqual: same, deepStrictEqual } = require('node:assert');\n"
      + "const { strict: s } = require('assert');\nconst { f } = require('./solution.js');\n"
      + "nt('one', () => { a.strictEqual(f(), 1); });\n"
      + "group('g', () => { check('two', () => { same(f(), 2); deepStrictEqual(f(), [2]); s.equal(f(), 3); }); });\n"
      + "nt.test('three', () => { a(f()); });\n";
    const r = run(src);
    assert.deepEqual(r.units.map((u) => [u.function, u.evidence]), [
      ['a.test.js::one', 'SEALED'], ['a.test.js::g > two', 'SEALED'], ['a.test.js::three', 'SEALED']]);
    assert.deepEqual(Object.values(r.expectations).map((e) => e.kind), ['js.strict', 'js.strict', 'js.deepStrict', 'js.strict', 'js.truthy']);
  });

  it('handles ES module imports', () => {
    const src = "import test, { describe, it } from 'node:test';\nimport assert, { deepStrictEqual as same } from 'node:assert';\n"
      + "import * as strict from 'node:assert/strict';\nimport { f } from './solution.mjs';\n"
      + "test('a', async () => { assert.strictEqual(await f(), 1); });\n"
      + "describe('d', () => { it('b', () => { same(f(), [1]); strict.equal(f(), 2); }); });\n";
    const r = run(src, { rel: 'a.test.mjs' });
    assert.deepEqual(r.units.map((u) => [u.function, u.evidence]), [['a.test.mjs::a', 'SEALED'], ['a.test.mjs::d > b', 'SEALED']]);
    assert.match(r.rewritten, /__assayProbe\(1, \(await f\(\)\)\);/);
    assert.deepEqual(Object.values(r.expectations).map((e) => e.kind), ['js.strict', 'js.deepStrict', 'js.strict']);
  });

  it('does not take a local function named like the API for it', () => {
    const src = "const test = require('node:test');\nconst { f } = require('./solution.js');\n"
      + "function assert(x) { if (!x) throw new Error('no'); }\n"
      + "test('t', () => { assert(f()); });\n";
    const r = only(src);
    assert.equal(r.unit.evidence, 'IN_PROCESS');
    assert.equal(r.rewritten, null);
  });
});

describe('analyzer: constants', () => {
  it('accepts module-level constants and blanks those only the expectations use', () => {
    const src = `${HEADER}const EXPECTED = [1, 2];\nconst INPUT = [3, 4];\nconst BOTH = 5;\n`
      + "test('t', () => {\n  assert.deepStrictEqual(f(INPUT), EXPECTED);\n  assert.strictEqual(g(BOTH), BOTH);\n});\n";
    const r = only(src);
    assert.equal(r.unit.evidence, 'SEALED');
    assert.deepEqual(r.expectations['1'].expected, { t: 'list', v: [{ t: 'float', v: '1' }, { t: 'float', v: '2' }] });
    assert.match(r.rewritten, /const EXPECTED = void 0;/);
    assert.match(r.rewritten, /const INPUT = \[3, 4\];/);
    assert.match(r.rewritten, /const BOTH = 5;/);
    assert.doesNotMatch(r.rewritten, /\[1, 2\]/);
  });

  it('follows constants through other constants', () => {
    const src = `${HEADER}const A = 2;\nconst B = [A, A * 3];\ntest('t', () => { assert.deepStrictEqual(f(), B); });\n`;
    const r = only(src);
    assert.deepEqual(r.expectations['1'].expected.v.map((x) => x.v), ['2', '6']);
    assert.match(r.rewritten, /const A = void 0;\nconst B = void 0;/);
  });

  it('rejects reassigned names, workspace values, shadowed built-ins and impure calls', () => {
    const notConstant = [
      'let X = 1;\nX = 2;\ntest(\'t\', () => { assert.strictEqual(f(), X); });',
      "const X = require('./data.js');\ntest('t', () => { assert.strictEqual(f(), X); });",
      "const X = g();\ntest('t', () => { assert.strictEqual(f(), X); });",
      "const JSON = { stringify: () => 'x' };\ntest('t', () => { assert.strictEqual(f(), JSON.stringify(1)); });",
      "test('t', () => { assert.strictEqual(f(), Math.random()); });",
      "test('t', () => { assert.strictEqual(f(), new Number(1)); });",
      "test('t', () => { assert.deepStrictEqual(f(), /x/); });",
      "test('t', () => { assert.strictEqual(f(), 'abc'.toUpperCase()); });",
      "test('t', () => { const local = 1; assert.strictEqual(f(), local); });",
    ];
    for (const tail of notConstant) {
      const r = only(`${HEADER}${tail}\n`);
      assert.equal(r.unit.evidence, 'IN_PROCESS', tail);
      assert.equal(r.rewritten, null, tail);
    }
  });
});

describe('analyzer: conditional and unconditional', () => {
  it('seals only assertions that always run, directly or in functions the test calls by name', () => {
    const src = `${HEADER}function helper() {\n  assert.strictEqual(f(), 1);\n}\n`
      + "test('t', () => {\n  const local = () => { assert.strictEqual(g(), 2); };\n  helper();\n  local();\n"
      + "  if (f()) { assert.strictEqual(f(), 3); }\n  for (const x of [1]) { assert.strictEqual(f(x), 4); }\n"
      + "  try { assert.strictEqual(f(), 5); } catch {}\n  [1].forEach(() => assert.strictEqual(f(), 6));\n"
      + "  f() && assert.ok(f());\n  return;\n  assert.strictEqual(f(), 7);\n});\n";
    const r = only(src);
    assert.deepEqual(Object.values(r.expectations).map((e) => e.line), [5, 8]);
    assert.deepEqual(r.unit.probes, [1, 2]);
    assert.equal(r.unit.evidence, 'IN_PROCESS');
    assert.match(r.rewritten, /if \(f\(\)\) \{ assert\.strictEqual\(f\(\), 3\); \}/);
    assert.match(r.rewritten, /assert\.strictEqual\(f\(\), 7\)/); // unreachable: left as it is
  });

  it('does not seal a helper that is also called conditionally, exported or referenced', () => {
    const cases = [
      "test('a', () => { helper(); });\ntest('b', () => { if (f()) helper(); });",
      "test('a', () => { helper(); });\nmodule.exports = { helper };",
      "test('a', () => { helper(); [1].map(helper); });",
      "test('a', () => { helper(); });\nhelper();",
    ];
    for (const tail of cases) {
      const r = run(`${HEADER}function helper() { assert.strictEqual(f(), 1); }\n${tail}\n`);
      assert.equal(r.rewritten, null, tail);
      assert.ok(r.units.every((u) => u.evidence === 'IN_PROCESS'), tail);
    }
  });

  it('lists a helper\'s probes for every test that calls it', () => {
    const r = run(`${HEADER}const check = () => { assert.strictEqual(f(), 1); };\n`
      + "test('a', () => { check(); });\ntest('b', async () => { await g(); check(); });\n");
    assert.deepEqual(r.units.map((u) => [u.evidence, u.probes]), [['SEALED', [1]], ['SEALED', [1]]]);
  });

  it('seals the expression body of an arrow test', () => {
    const r = only(`${HEADER}test('t', () => assert.strictEqual(f(), 1));\n`);
    assert.equal(r.unit.evidence, 'SEALED');
    assert.match(r.rewritten, /test\('t', \(\) => __assayProbe\(1, \(f\(\)\)\)\);/);
  });
});

describe('analyzer: names and kinds', () => {
  it('joins nested suite and subtest names with " > "', () => {
    const src = `${HEADER}describe('A', () => {\n  describe('B', () => {\n    it('c', () => { assert.ok(f()); });\n  });\n  it(\`d\`, () => {});\n});\n`
      + "test('p', async (t) => {\n  await t.test('q', () => { assert.ok(g()); });\n});\n";
    const r = run(src.replace(HEADER, `${HEADER}const { describe, it } = require('node:test');\n`));
    assert.deepEqual(r.units.map((u) => [u.function, u.line]), [
      ['a.test.js::A > B > c', 7], ['a.test.js::A > d', 9], ['a.test.js::p', 11], ['a.test.js::p > q', 12]]);
  });

  it('makes a file with a computed test name one file unit, unrewritten', () => {
    for (const tail of [
      "const name = 'x';\ntest(name, () => { assert.strictEqual(f(), 1); });",
      "test(`case ${1}`, () => { assert.strictEqual(f(), 1); });",
      "for (const c of [1, 2]) { test('loop', () => { assert.strictEqual(f(c), 1); }); }",
      "test(function named() { assert.strictEqual(f(), 1); });",
      "[1].forEach((c) => test('x', () => {}));\ntest('y', () => { assert.strictEqual(f(), 1); });",
    ]) {
      const r = run(`${HEADER}${tail}\n`);
      assert.deepEqual(r.units, [{ function: 'a.test.js', file: 'a.test.js', kind: 'file', skipInSource: false,
        evidence: 'IN_PROCESS', probes: [], line: 1 }], tail);
      assert.equal(r.rewritten, null, tail);
    }
  });

  it('reports a file that does not parse as an error and one file unit', () => {
    const r = run(`${HEADER}test('t', () => {\n`);
    assert.match(r.error, /^syntax error: /);
    assert.equal(r.units[0].kind, 'file');
  });

  it('makes a node:test file without listable tests one file unit, and ignores a helper without node:test', () => {
    assert.equal(run("require('node:test');\n").units[0].kind, 'file');
    assert.deepEqual(run('module.exports = { x: 1 };\n', { rel: 'test/helpers.js' }).units, []);
  });
});

describe('analyzer: skips in source', () => {
  const skipOf = (src) => Object.fromEntries(run(src.replace(HEADER, `${HEADER}const { describe, it } = require('node:test');\n`))
    .units.map((u) => [u.function.split('::')[1], u.skipInSource]));

  it('sees skip and todo variants, options and context calls', () => {
    const s = skipOf(`${HEADER}test.skip('a', () => {});\nit.todo('b');\ntest('c', { skip: true }, () => {});\n`
      + "test('d', { skip: 'why' }, () => {});\ntest('e', { todo: 'later' }, () => {});\ntest('f', { skip: false }, () => {});\n"
      + "test('g', (t) => { if (f()) t.skip('no'); });\ntest('h', (t) => { t.todo(); });\ntest('i', () => {});\n"
      + "describe.skip('S', () => { it('j', () => {}); describe('T', () => { it('k', () => {}); }); });\n"
      + "describe('U', { todo: true }, () => { it('l', () => {}); });\ntest('m', (t) => { t.diagnostic('x'); });\n"
      + "test('n', { skip: process.env.X }, () => {});\ntest.only('o', () => {});\n");
    assert.deepEqual(s, { a: true, b: true, c: true, d: true, e: true, f: false, g: true, h: true, i: false,
      'S > j': true, 'S > T > k': true, 'U > l': true, m: false, n: true, o: false });
  });
});

describe('analyzer: line preservation', () => {
  it('keeps the line count, the actual value\'s line and every later line', () => {
    const src = `${HEADER}test('t', () => {\n  assert.deepStrictEqual(\n    f(1,\n      2),\n    [\n      1,\n      2,\n    ],\n  );\n`
      + "  console.assert(\n    g() ===\n    'x'\n  )\n  throw new Error('line 17');\n});\n// last line\n";
    const r = only(src);
    const before = src.split('\n');
    const after = r.rewritten.split('\n');
    assert.equal(after.length, before.length);
    assert.equal(after.findIndex((l) => l.includes('f(1,')), before.findIndex((l) => l.includes('f(1,')));
    assert.equal(after.findIndex((l) => l.includes('g()')), before.findIndex((l) => l.includes('g()')));
    assert.equal(after.indexOf("  throw new Error('line 17');"), 16);
    assert.deepEqual(after.slice(16), before.slice(16));
    assert.equal(after[5].indexOf('f(1,'), before[5].indexOf('f(1,')); // the same column on its own line
    acorn.parse(r.rewritten, { ecmaVersion: 'latest', sourceType: 'script' });
    assert.equal(r.expectations['1'].line, 5);
    assert.equal(r.expectations['2'].line, 13);
  });

  it('leaves a file that mentions __assayProbe alone', () => {
    const r = run(`${HEADER}test('t', () => { assert.strictEqual(f(), 1); __assayProbe(1, 2); });\n`);
    assert.equal(r.rewritten, null);
    assert.equal(r.units[0].kind, 'file');
  });
});

describe('analyzer: the analysis run', () => {
  it('writes BEGIN and one REPORT as the last thing, and exits 0', () => {
    const root = workspace({
      'solution.js': 'module.exports = { add: (a, b) => a + b };\n',
      'add.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('./solution.js');\n"
        + "test('adds', () => { assert.strictEqual(add(1, 2), 3); });\n",
      'broken.test.js': 'test(\n',
      'notes.txt': 'not javascript',
    });
    const r = analyze(root, { requestTests: ['add.test.js', 'broken.test.js'], generated: ['solution.js'],
      requestFiles: ['add.test.js', 'broken.test.js', 'notes.txt'] });
    const shape = wellFormed(r);
    assert.ok(shape.ok, JSON.stringify(shape));
    assert.deepEqual(r.records[0].value, { harness: 'javascript', mode: 'analyze' });
    const report = r.report;
    assert.deepEqual(report.tests, [
      { function: 'add.test.js::adds', file: 'add.test.js', kind: 'exact', skipInSource: false, evidence: 'SEALED', probes: [1], line: 4 },
      { function: 'broken.test.js', file: 'broken.test.js', kind: 'file', skipInSource: false, evidence: 'IN_PROCESS', probes: [], line: 1 }]);
    assert.match(report.files['add.test.js'], /__assayProbe\(1, \(add\(1, 2\)\)\);/);
    assert.deepEqual(report.expectations['1'], { kind: 'js.strict', expected: { t: 'float', v: '3' }, tolerance: null,
      path: 'add.test.js', line: 4, source: 'assert.strictEqual(add(1, 2), 3)' });
    assert.deepEqual(report.findings, []);
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0].name, 'broken.test.js');
  });

  it('flags a generated file the parser cannot read', () => {
    const root = workspace({ 'solution.js': 'const r = /[a]/v;\n' });
    const r = analyze(root, { requestTests: [], generated: ['solution.js'] });
    assert.deepEqual(r.report.findings.map((f) => [f.rule, f.severity]), [['unparsable', 'HIGH']]);
  });
});
