// tamper.mjs: every rule of the JavaScript column, with aliases, and what must not be flagged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as acorn from '/usr/share/nodejs/acorn/dist/acorn.mjs';
import { parse } from '../../main/resources/dev/assay/harness/js/ast.mjs';
import { tamperFindings } from '../../main/resources/dev/assay/harness/js/tamper.mjs';

function findings(source, { rel = 'solution.js', testFile = false, requestFiles = [] } = {}) {
  const parsed = parse(acorn, source, rel);
  assert.equal(parsed.error, undefined, parsed.error);
  return tamperFindings({ rel, ast: parsed.ast, testFile, requestFiles: new Set(requestFiles) });
}

const rules = (source, options) => findings(source, options).map((f) => `${f.rule}/${f.severity}`);

function flags(rule, severity, sources, options) {
  for (const source of sources) {
    assert.ok(rules(source, options).includes(`${rule}/${severity}`), `${rule} expected for: ${source}\n got ${rules(source, options)}`);
  }
}

function clean(sources, options) {
  for (const source of sources) {
    const found = findings(source, options).filter((f) => f.severity !== 'MEDIUM');
    assert.deepEqual(found, [], `no finding expected for: ${source}`);
  }
}

describe('tamper: process-introspection', () => {
  it('flags /proc/self paths, process.ppid and process.execArgv, aliased too', () => {
    flags('process-introspection', 'CRITICAL', [
      "require('fs').readFileSync('/proc/self/cmdline');",
      'const p = `/proc/${process.pid}/environ`;',
      "const base = '/proc/'; const x = base + pid;",
      "fs.readFileSync('/proc/1234/mem');",
      'const x = process.ppid;',
      'const { ppid } = process;',
      'const p = globalThis.process; p.execArgv.join(" ");',
      "const k = 'exec' + 'Argv'; process[k];",
      "const p = '/pr' + 'oc/' + 'self/environ';",
      "const SELF = 'self'; const p = `/proc/${SELF}/mem`;",
    ]);
  });
  it('leaves other paths and process.argv alone', () => {
    clean(["fs.readFileSync('/proc/cpuinfo');", 'const args = process.argv.slice(2);', "const s = 'processing';"]);
  });
});

describe('tamper: frame-walk', () => {
  it('flags stack-trace hooks and caller chains', () => {
    flags('frame-walk', 'CRITICAL', [
      'Error.prepareStackTrace = (e, frames) => frames;',
      'function f() { return arguments.callee.caller; }',
      'function f() { return f.caller; }',
      "const c = Function.prototype['caller'];",
    ]);
  });
  it('rates Error.captureStackTrace, the custom-error idiom, as worth a look only', () => {
    assert.deepEqual(rules('class E extends Error { constructor() { super(); Error.captureStackTrace(this, E); } }'), ['frame-walk/MEDIUM']);
    assert.deepEqual(rules('const E = Error; E.captureStackTrace(obj);'), ['frame-walk/MEDIUM']);
  });
  it('leaves error stacks alone', () => {
    clean(["const s = new Error('x').stack;", 'class A { m() { return this.caller; } }'.replace('this.caller', 'this.callers')]);
  });
});

describe('tamper: heap-walk', () => {
  it('flags heap snapshots, the inspector, V8 flags and process.binding', () => {
    flags('heap-walk', 'CRITICAL', [
      "require('v8').getHeapSnapshot();",
      "const { writeHeapSnapshot } = require('node:v8');",
      "const inspector = require('inspector');",
      "import('node:inspector');",
      "const v8 = require('v8'); v8.setFlagsFromString('--allow-natives-syntax');",
      "process.binding('fs');",
      'process._linkedBinding("x");',
    ]);
    flags('heap-walk', 'CRITICAL', ["import { Session } from 'node:inspector';", "import * as v8 from 'v8';\nv8.getHeapSnapshot();"],
      { rel: 'solution.mjs' });
  });
  it('leaves ordinary v8 use alone', () => {
    clean(["require('v8').getHeapStatistics();"]);
  });
});

describe('tamper: framework-patch', () => {
  it('flags writes to built-ins, modules and the module loader', () => {
    flags('framework-patch', 'CRITICAL', [
      "JSON.stringify = () => '[]';",
      'Object.prototype.equals = () => true;',
      'Array.prototype.sum = function () { return 0; };',
      'globalThis.assert = null;',
      "const a = require('assert'); a.strictEqual = () => {};",
      "const { strict } = require('node:assert'); strict.deepEqual = () => {};",
      "Object.defineProperty(Array.prototype, 'x', { value: 1 });",
      "Reflect.set(Math, 'max', () => 0);",
      "delete require('assert').ok;",
      "Object.assign(console, { log() {} });",
      'require.cache[key] = fake;',
      "require('module')._load = () => ({});",
      'module.constructor.prototype.require = () => ({});',
      "const Module = require('module'); Module.prototype.require = null;",
      'JSON = {};',
      "const t = require('node:test'); t.it = () => {};",
      "const h = require('./helpers.js'); h.check = () => {};",
    ], { requestFiles: ['helpers.js'] });
  });
  it('leaves exports, local objects and local classes alone', () => {
    clean([
      'module.exports = { f };',
      'exports.f = f; module.exports.g = g;',
      'const o = {}; o.x = 1; o.y++;',
      'class A {}\nA.prototype.m = function () { return 1; };',
      "Object.defineProperty(exports, '__esModule', { value: true });",
      'const Math = { max: 1 }; Math.max = 2;',
      'function f(process) { process.exit = 1; }',
      'let cache = {}; cache.x = 1;',
    ]);
  });
  it('rates the exit status, the title and the arguments as worth a look only', () => {
    assert.deepEqual(rules('process.exitCode = 1;\nprocess.title = "x";\nprocess.argv[2] = "y";'),
      ['framework-patch/MEDIUM', 'framework-patch/MEDIUM', 'framework-patch/MEDIUM']);
    assert.deepEqual(rules('if (require.main === module) { process.exitCode = 1; }'), []);
  });
  it('rates writes into another generated module as worth a look only', () => {
    assert.deepEqual(rules("const other = require('./other.js'); other.x = 1;"), ['framework-patch/MEDIUM']);
  });
});

describe('tamper: exit-outside-main', () => {
  it('flags exits however they are named', () => {
    flags('exit-outside-main', 'CRITICAL', [
      'process.exit(0);',
      'const p = process; p.exit(1);',
      'const { exit } = process; exit();',
      "process['ex' + 'it'](0);",
      'globalThis.process.exit();',
      'process.kill(process.pid);',
      'process.abort();',
      'process.reallyExit(0);',
      "import { exit } from 'node:process';",
      'const e = process.exit.bind(process); e(0);',
      'function main() { process.exit(0); }\nif (require.main === module) main();\nmodule.exports = { main };',
      'let p; p = process; p.exit();',
    ]);
  });
  it('allows exits under the main guard and in the functions only it calls', () => {
    clean([
      'if (require.main === module) { process.exit(main()); }',
      'function main() { run(); process.exit(0); }\nfunction run() { process.exitCode = 1; }\nif (module === require.main) main();',
      "if (require.main === module) { const { exit } = process; exit(0); }",
      'process.kill(childPid);',
    ]);
  });
});

describe('tamper: equality-ignores-argument', () => {
  it('flags valueOf, toString and Symbol.toPrimitive returning a constant, and Symbol.hasInstance', () => {
    flags('equality-ignores-argument', 'CRITICAL', [
      'class A { valueOf() { return 42; } }',
      "const o = { toString: () => 'x' };",
      'class A { [Symbol.toPrimitive]() { return 1; } }',
      "const o = { toString() { if (a) return 'x'; return 'y'; } };",
      'class A { static [Symbol.hasInstance]() { return true; } }',
      'function P() {}\nP.prototype.valueOf = function () { return 0; };',
      'class A { valueOf() {} }',
    ]);
  });
  it('leaves methods that use their object alone', () => {
    clean([
      'class A { toString() { return this.name; } valueOf() { return this.v; } }',
      'const o = { toString() { return `${this.a}`; } };',
      'const s = n.toString(2);',
      'class A { toString() { throw new Error("no"); } }',
      'const { toString } = Object.prototype;',
    ]);
  });
});

describe('tamper: framework-hook', () => {
  it('flags node:test and hooks in code that is not a test', () => {
    flags('framework-hook', 'CRITICAL', [
      "const test = require('node:test');",
      "const { after } = require('node:test'); after(() => {});",
      'before(() => {});',
      'afterEach(() => {});',
    ]);
    flags('framework-hook', 'CRITICAL', ["import { beforeEach } from 'node:test';"], { rel: 'lib.mjs' });
  });
  it('leaves generated tests and local functions named like hooks alone', () => {
    clean(["const test = require('node:test');\ntest('x', () => {});\nbefore(() => {});"], { rel: 'x.test.js', testFile: true });
    clean(['function after(x) { return x; }\nafter(1);', "require('test-utils');"]);
  });
});

describe('tamper: report-channel', () => {
  it('flags writes to descriptors 1 and 2 and the paths that reach them', () => {
    flags('report-channel', 'CRITICAL', [
      "require('fs').writeSync(1, 'x');",
      "const { writeSync } = require('node:fs'); writeSync(2, 'x');",
      "fs.writeSync(process.stdout.fd, 'x');",
      "const fs = require('fs'); fs.writeFileSync(1, 'x');",
      "const fs = require('fs'); fs.createWriteStream(null, { fd: 2 });",
      "require('fs').openSync('/dev/stdout', 'w');",
      "const p = '/proc/self/fd/1';",
      "const p = '/dev/fd/1';",
      "process._rawDebug('x');",
    ]);
  });
  it('leaves console output and other descriptors alone', () => {
    clean(["process.stdout.write('x'); console.log('y');", "const fs = require('fs'); fs.writeSync(fd, 'x');",
      "fs.writeFileSync('out.txt', 'x');"]);
  });
});

describe('tamper: skip-from-generated', () => {
  it('flags skips in code that is not a test', () => {
    flags('skip-from-generated', 'CRITICAL', [
      'function helper(t) { t.skip(); }',
      "const { test } = require('node:test'); test.skip('x');",
      'module.exports = (ctx) => ctx.todo("later");',
    ]);
  });
  it('leaves skips in generated tests and unrelated skip methods alone', () => {
    clean(["const test = require('node:test');\ntest('x', (t) => { t.skip(); });"], { rel: 'x.test.js', testFile: true });
    clean(['lexer.skip(2);', 'stream.skip();']);
  });
});

describe('tamper: trace-hook', () => {
  it('flags async hooks and exit handlers that write output', () => {
    flags('trace-hook', 'CRITICAL', [
      "require('async_hooks').createHook({ init() {} }).enable();",
      "const { createHook } = require('node:async_hooks');",
      "process.on('exit', () => console.log('all tests passed'));",
      "function report() { process.stdout.write('ok'); }\nprocess.once('beforeExit', report);",
    ]);
  });
  it('leaves quiet exit handlers and other signals alone', () => {
    clean(["process.on('exit', () => { cleanup(); });", "process.on('SIGINT', () => console.log('bye'));"]);
    clean(["require('async_hooks').createHook({});"], { rel: 'x.test.js', testFile: true });
  });
});

describe('tamper: environment-read', () => {
  it('notes process.env as MEDIUM only', () => {
    assert.deepEqual(findings('const home = process.env.HOME;').map((f) => [f.rule, f.severity, f.line]),
      [['environment-read', 'MEDIUM', 1]]);
    assert.deepEqual(rules('const { env } = process;'), ['environment-read/MEDIUM']);
  });
});

describe('tamper: findings carry path and line', () => {
  it('points at the line', () => {
    const [f] = findings('const a = 1;\n\nprocess.exit(0);\n');
    assert.deepEqual([f.rule, f.severity, f.path, f.line], ['exit-outside-main', 'CRITICAL', 'solution.js', 3]);
  });
});
