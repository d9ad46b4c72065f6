// harness.mjs, run as the sandbox runs it: `node harness.mjs` in the workspace, the handshake on stdin, NODE_OPTIONS
// preloading probe.cjs. Only the records that start with this run's nonce count.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HARNESS, PROBE, analyzeAndRun, harness, nonce, runScript, tempDir, wellFormed, workspace } from './support.mjs';

const SOLUTION = 'module.exports = { add: (a, b) => a + b, mul: (a, b) => a * b };\n';
const REQUIRE = "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add, mul } = require('./solution.js');\n";

const byId = (report) => Object.fromEntries(report.tests.map((t) => [t.id, t]));

describe('harness: the report', () => {
  it('writes BEGIN first and one REPORT last, exits 0, and a correct solution passes', () => {
    const root = workspace({
      'solution.js': SOLUTION,
      'math.test.js': `${REQUIRE}test('adds', () => { assert.strictEqual(add(1, 2), 3); });\ntest('multiplies', () => { assert.equal(mul(2, 3), 6); });\n`,
    });
    const r = harness(root, { requestTests: ['math.test.js'], generated: ['solution.js'] });
    const shape = wellFormed(r);
    assert.ok(shape.ok, JSON.stringify({ shape, stderr: r.stderr }));
    assert.deepEqual(r.records[0].value, { harness: 'javascript', mode: 'test' });
    assert.deepEqual(r.report.tests.map((t) => [t.id, t.function, t.file, t.status, t.message, t.resource]), [
      ['math.test.js::adds', 'math.test.js::adds', 'math.test.js', 'PASSED', null, null],
      ['math.test.js::multiplies', 'math.test.js::multiplies', 'math.test.js', 'PASSED', null, null]]);
    assert.deepEqual(r.report.errors, []);
    assert.deepEqual(r.report.integrity, []);
    assert.ok(r.report.usage.cpuMillis > 0 && r.report.usage.peakMemoryBytes > 1024 * 1024, JSON.stringify(r.report.usage));
    assert.ok(Number.isInteger(r.report.tests[0].durationMs));
  });

  it('reports failures as FAILED for assertions and ERROR for anything else', () => {
    const root = workspace({
      'solution.js': 'module.exports = { add: (a, b) => a - b, mul: () => { throw new TypeError("nope"); } };\n',
      'math.test.js': `${REQUIRE}test('adds', () => { assert.strictEqual(add(1, 2), 3); });\ntest('multiplies', () => { mul(); });\n`,
    });
    const tests = byId(harness(root, { requestTests: ['math.test.js'] }).report);
    assert.equal(tests['math.test.js::adds'].status, 'FAILED');
    assert.match(tests['math.test.js::adds'].message, /^AssertionError/);
    assert.equal(tests['math.test.js::multiplies'].status, 'ERROR');
    assert.equal(tests['math.test.js::multiplies'].message, 'TypeError: nope');
  });

  it('names nested tests path::suite > name, and suites are not tests', () => {
    const root = workspace({
      'test/nested.js': "const { describe, it, test } = require('node:test');\n"
        + "describe('A', () => { describe('B', () => { it('c', () => {}); }); it('d', () => {}); });\n"
        + "test('p', async (t) => { await t.test('q', () => {}); });\n",
    });
    const r = harness(root, {});
    assert.deepEqual(r.report.tests.map((t) => [t.id, t.file, t.status]), [
      ['test/nested.js::A > B > c', 'test/nested.js', 'PASSED'], ['test/nested.js::A > d', 'test/nested.js', 'PASSED'],
      ['test/nested.js::p > q', 'test/nested.js', 'PASSED'], ['test/nested.js::p', 'test/nested.js', 'PASSED']]);
  });

  it('reports skip and todo as SKIPPED with the reason', () => {
    const root = workspace({
      'skips.test.mjs': "import test from 'node:test';\n"
        + "test('a', { skip: 'not today' }, () => {});\ntest.skip('b', () => {});\ntest('c', { todo: 'later' }, () => {});\n"
        + "test.todo('d');\ntest('e', (t) => { t.skip('dynamic'); });\n",
    });
    const tests = byId(harness(root, {}).report);
    assert.deepEqual(Object.values(tests).map((t) => [t.id, t.status, t.message]), [
      ['skips.test.mjs::a', 'SKIPPED', 'not today'], ['skips.test.mjs::b', 'SKIPPED', null],
      ['skips.test.mjs::c', 'SKIPPED', 'todo: later'], ['skips.test.mjs::d', 'SKIPPED', 'todo'],
      ['skips.test.mjs::e', 'SKIPPED', 'dynamic']]);
  });

  it('reports a file that does not load as an error and an ERROR test named after it, and a hook failure as an error', () => {
    const root = workspace({
      'syntax.test.js': 'this is not javascript(\n',
      'throws.test.js': "require('./missing-module');\n",
      'hook.test.js': "const { describe, it, before } = require('node:test');\n"
        + "describe('S', () => { before(() => { throw new Error('hook broke'); }); it('x', () => {}); });\n",
      'exits.test.js': "const test = require('node:test');\ntest('ran', () => {});\nprocess.exitCode = 7;\n",
    });
    const r = harness(root, {});
    assert.ok(wellFormed(r).ok);
    const tests = byId(r.report);
    for (const file of ['syntax.test.js', 'throws.test.js', 'exits.test.js']) {
      assert.equal(tests[file].status, 'ERROR', file);
      assert.equal(tests[file].function, file);
      assert.equal(tests[file].file, file);
    }
    assert.match(tests['syntax.test.js'].message, /SyntaxError/);
    assert.match(tests['throws.test.js'].message, /Cannot find module/);
    assert.match(tests['exits.test.js'].message, /exit status 7/);
    assert.equal(tests['exits.test.js::ran'].status, 'PASSED');
    assert.equal(tests['hook.test.js::S > x'].status, 'ERROR');
    const errors = Object.fromEntries(r.report.errors.map((e) => [e.name, e.message]));
    assert.deepEqual(Object.keys(errors).sort(), ['exits.test.js', 'hook.test.js::S', 'syntax.test.js', 'throws.test.js']);
    assert.equal(errors['hook.test.js::S'], 'Error: hook broke');
  });

  it('writes a report with no tests when there are no test files', () => {
    const r = harness(workspace({ 'solution.js': SOLUTION }), {});
    assert.ok(wellFormed(r).ok);
    assert.deepEqual([r.report.tests, r.report.errors, r.report.probes], [[], [], []]);
  });

  it('runs the request\'s test files even when their names do not follow Node\'s patterns, and skips node_modules', () => {
    const root = workspace({
      'checks/spec.js': "require('node:test')('spec', () => {});\n",
      'node_modules/x/x.test.js': "require('node:test')('vendored', () => {});\n",
      '.hidden/y.test.js': "require('node:test')('hidden', () => {});\n",
    });
    const r = harness(root, { requestTests: ['checks/spec.js'] });
    assert.deepEqual(r.report.tests.map((t) => t.id), ['checks/spec.js::spec']);
  });
});

describe('harness: probes', () => {
  it('records probe values, in call order, attributed to no test', () => {
    const root = workspace({
      'probe.test.js': "const test = require('node:test');\n"
        + "test('a', () => { __assayProbe(2, [1, 'x']); __assayProbe(1, new Map([[1, 2]])); });\n"
        + "test('b', () => { const r = __assayProbe(3, { n: -0, big: 5n }); if (r !== undefined) throw new Error('returned'); });\n",
      'second.test.js': "require('node:test')('c', () => { __assayProbe(4, class Liar { valueOf() { return 1; } }); __assayProbe(5, undefined); });\n",
    });
    const r = harness(root, {});
    assert.deepEqual(r.report.tests.map((t) => t.status), ['PASSED', 'PASSED', 'PASSED']);
    assert.deepEqual(r.report.probes, [
      { probe: 2, test: null, value: { t: 'list', v: [{ t: 'float', v: '1' }, { t: 'str', v: 'x' }] } },
      { probe: 1, test: null, value: { t: 'map', type: 'Map', v: [[{ t: 'float', v: '1' }, { t: 'float', v: '2' }]] } },
      { probe: 3, test: null, value: { t: 'map', v: [[{ t: 'str', v: 'n' }, { t: 'float', v: '-0.0' }], [{ t: 'str', v: 'big' }, { t: 'int', v: '5' }]] } },
      { probe: 4, test: null, value: { t: 'object', type: 'function', repr: r.report.probes[3].value.repr } },
      { probe: 5, test: null, value: { t: 'undefined' } }]);
  });

  it('keeps __assayProbe out of reach of code that would replace it', () => {
    const root = workspace({
      'replace.test.js': "'use strict';\nconst test = require('node:test');\n"
        + "test('replace', () => { globalThis.__assayProbe = () => {}; });\n"
        + "test('after', () => { __assayProbe(1, 'still recorded'); });\n",
    });
    const r = harness(root, {});
    assert.equal(byId(r.report)['replace.test.js::replace'].status, 'ERROR');
    assert.deepEqual(r.report.probes.map((p) => p.value.v), ['still recorded']);
  });

  it('turns a passing run into a failing verdict when a sealed value is wrong, however the code fakes equality', () => {
    const files = {
      'solution.js': "class Anything { valueOf() { return 3; } toString() { return '3'; } }\n"
        + 'module.exports = { add: () => new Anything(), mul: (a, b) => a * b };\n',
      'math.test.js': `${REQUIRE}test('adds', () => { assert.ok(add(1, 2) == 3); });\ntest('mul', () => { assert.strictEqual(mul(2, 3), 6); });\n`,
    };
    const r = analyzeAndRun(files, { requestTests: ['math.test.js'], generated: ['solution.js'] });
    assert.ok(wellFormed(r.testRun).ok);
    assert.deepEqual(r.analysis.tests.map((u) => u.evidence), ['SEALED', 'SEALED']);
    assert.deepEqual(r.test.tests.map((t) => t.status), ['PASSED', 'PASSED']); // in process, the object fools ==
    // What the executor compares outside: the object is recorded as an opaque object, which equals nothing there.
    const values = Object.fromEntries(r.test.probes.map((p) => [p.probe, p.value]));
    const addProbe = r.analysis.tests.find((u) => u.function === 'math.test.js::adds').probes[0];
    const mulProbe = r.analysis.tests.find((u) => u.function === 'math.test.js::mul').probes[0];
    assert.equal(values[addProbe].t, 'object');
    assert.equal(r.analysis.expectations[addProbe].kind, 'js.loose');
    assert.deepEqual(values[mulProbe], r.analysis.expectations[mulProbe].expected);
    assert.deepEqual(r.analysis.findings.map((f) => f.rule), ['equality-ignores-argument', 'equality-ignores-argument']);
  });

  it('sums CPU over the test processes and reports framework patches seen at their exit', () => {
    const root = workspace({
      'solution.js': "require('node:assert').strictEqual = () => {};\nmodule.exports = {};\n",
      'p.test.js': "const test = require('node:test');\nrequire('./solution.js');\ntest('x', () => {});\n",
    });
    const r = harness(root, {});
    assert.equal(r.report.integrity.length, 1);
    assert.equal(r.report.integrity[0].rule, 'framework-patch');
    assert.match(r.report.integrity[0].message, /assert\.strictEqual/);
    assert.equal(r.report.integrity[0].path, null);
  });
});

describe('harness: the report channel', () => {
  it('ignores records a test prints, on any stream, however they are written', () => {
    const fake = nonce();
    const root = workspace({
      'fake.test.js': "const test = require('node:test');\nconst fs = require('node:fs');\n"
        + `test('forges', () => {\n  console.log('${fake} REPORT {"tests":[]}');\n  fs.writeSync(1, '\\n${fake} BEGIN {}\\n');\n`
        + `  process.stdout.write('${fake} EVENT {}');\n  console.error('${fake} REPORT {}');\n  process.stdout.write('no newline at the end');\n});\n`
        + "test('fails', () => { throw new Error('real failure'); });\n",
    });
    const r = harness(root, {});
    const shape = wellFormed(r);
    assert.ok(shape.ok, JSON.stringify(shape));
    assert.deepEqual(r.records.map((x) => x.kind), ['BEGIN', 'REPORT']);
    assert.deepEqual(r.report.tests.map((t) => [t.id, t.status]), [['fake.test.js::forges', 'PASSED'], ['fake.test.js::fails', 'ERROR']]);
    assert.ok(r.stdout.includes(`${fake} REPORT`), 'the child output passed through');
    assert.ok(r.stderr.includes(`${fake} REPORT {}`));
  });

  it('keeps the nonce out of every test process\'s arguments, environment and readable files', () => {
    const root = workspace({
      'spy.test.js': `const test = require('node:test');
const fs = require('node:fs');
const path = require('node:path');
const read = (f) => { try { return fs.readFileSync(f, 'latin1'); } catch { return ''; } };
function files(dir, depth, out) {
  let entries = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && depth > 0) files(full, depth - 1, out);
    else if (e.isFile()) { try { if (fs.statSync(full).size < 1e6) out.push(full + '\\n' + read(full)); } catch {} }
  }
  return out;
}
test('spy', () => {
  const seen = [process.argv.join(' '), process.execArgv.join(' '), JSON.stringify(process.env),
    read('/proc/self/cmdline'), read('/proc/self/environ'), read('/proc/' + process.ppid + '/cmdline'),
    read('/proc/' + process.ppid + '/environ'), read('/dev/stdin'),
    ...files(process.cwd(), 3, []), ...files(process.env.ASSAY_PROBE_DIR || '/nonexistent', 1, [])];
  for (const fd of fs.readdirSync('/proc/self/fd')) { try { seen.push(fs.readlinkSync('/proc/self/fd/' + fd)); } catch {} }
  fs.writeFileSync(path.join(process.cwd(), 'seen.txt'), seen.join('\\n----\\n'));
  fs.writeFileSync(path.join(process.cwd(), 'env.txt'), JSON.stringify(process.env));
});
`,
    });
    const handshakeFile = path.join(tempDir('assay-hs-'), 'handshake.json');
    for (const viaFile of [false, true]) {
      const n = nonce();
      let r;
      if (viaFile) {
        fs.writeFileSync(handshakeFile, JSON.stringify({ nonce: n, mode: 'test', root, requestFiles: [], requestTests: [], generated: [] }));
        const out = spawnSync(process.execPath, [HARNESS], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
          env: { PATH: process.env.PATH, NODE_OPTIONS: `--require ${PROBE}`, ASSAY_HANDSHAKE_FILE: handshakeFile } });
        r = { stdout: out.stdout, status: out.status };
        assert.equal(fs.existsSync(handshakeFile), false, 'the handshake file is unlinked');
      } else {
        r = harness(root, { nonce: n });
      }
      assert.equal(r.status, 0);
      assert.match(r.stdout, new RegExp(`${n} REPORT .*"spy.test.js::spy","function":"spy.test.js::spy","file":"spy.test.js","status":"PASSED"`));
      const seen = fs.readFileSync(path.join(root, 'seen.txt'), 'latin1');
      assert.ok(seen.length > 1000, 'the spy saw something');
      assert.ok(seen.includes('ASSAY_PROBE_DIR'), 'the spy read the environment');
      assert.equal(seen.includes(n), false, `the nonce leaked (handshake ${viaFile ? 'file' : 'on stdin'})`);
      // The file's name stays in the harness's initial environment block (/proc/<pid>/environ), but the file is gone
      // and the test processes do not inherit the variable.
      assert.equal(fs.readFileSync(path.join(root, 'env.txt'), 'utf8').includes('ASSAY_HANDSHAKE_FILE'), false);
      assert.equal(r.stdout.split(n).length - 1, 2, 'the nonce appears only in the two records');
    }
  });

  it('writes no record and exits 2 without a valid handshake', () => {
    const root = workspace({});
    for (const input of ['', 'not json\n', '{"nonce":"abc","mode":"test"}\n', `{"nonce":"${nonce()}","mode":"run"}\n`]) {
      const out = spawnSync(process.execPath, [HARNESS], { cwd: root, input, encoding: 'utf8', env: { PATH: process.env.PATH } });
      assert.equal(out.status, 2, input);
      assert.equal(out.stdout, '', input);
    }
  });
});

describe('harness: compile mode', () => {
  it('checks every .js/.mjs/.cjs file with node --check, one test per file', () => {
    const root = workspace({
      'good.js': 'module.exports = 1;\n',
      'lib/bad.cjs': 'function (\n',
      'esm.mjs': 'export const x = 1;\n',
      'node_modules/dep/index.js': 'not checked (\n',
      'README.md': '# not code',
    });
    const r = runScript(HARNESS, root, { mode: 'compile' });
    assert.ok(wellFormed(r).ok);
    assert.deepEqual(r.records[0].value, { harness: 'javascript', mode: 'compile' });
    assert.deepEqual(r.report.tests.map((t) => [t.id, t.function, t.file, t.status]), [
      ['compile:esm.mjs', 'compile:esm.mjs', 'esm.mjs', 'PASSED'], ['compile:good.js', 'compile:good.js', 'good.js', 'PASSED'],
      ['compile:lib/bad.cjs', 'compile:lib/bad.cjs', 'lib/bad.cjs', 'FAILED']]);
    assert.match(r.report.tests[2].message, /SyntaxError/);
    assert.deepEqual(r.report.probes, []);
    assert.ok(r.report.usage.cpuMillis > 0);
  });
});
