// Tamper findings for one generated JavaScript file (harness/PROTOCOL.md "Tamper analysis findings", the JavaScript
// column), from acorn's AST. Names are resolved through the file's scopes, so aliases count like the original:
// `const p = process; p.exit(0)`, `const { exit } = process`, `globalThis.process.exit`, `process['ex' + 'it']`,
// `import { writeSync } from 'node:fs'`, `require('fs').writeSync`. A name the file declares itself is never taken
// for the global of the same name. What this pass cannot see — values built at run time, `eval`, a module name
// computed from data — it does not guess at; the test run's own safeguards still hold there.
import path from 'node:path';
import { analyzeScopes, children, isFunction, staticKey } from './ast.mjs';

const CRITICAL = 'CRITICAL';
const HIGH = 'HIGH';
const MEDIUM = 'MEDIUM';

/** Globals the language or Node provides: writing to them (or their members) patches the runtime. */
const BUILTINS = new Set([
  'Object', 'Array', 'Function', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Math', 'JSON', 'Reflect', 'Proxy',
  'Promise', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Error', 'TypeError', 'RangeError',
  'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError', 'RegExp', 'Date', 'Intl', 'ArrayBuffer',
  'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Atomics',
  'WebAssembly', 'console', 'process', 'globalThis', 'global', 'Buffer', 'setTimeout', 'setInterval', 'setImmediate',
  'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask', 'structuredClone', 'URL', 'URLSearchParams',
  'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal', 'EventTarget', 'Event', 'fetch', 'performance',
  'require', 'isNaN', 'isFinite', 'parseInt', 'parseFloat', 'eval', 'escape', 'unescape', 'encodeURIComponent',
  'decodeURIComponent', 'encodeURI', 'decodeURI', '__assayProbe',
]);
/** Free names resolved to globals (the CommonJS wrapper's names among them). */
const GLOBALS = new Set([...BUILTINS, 'module', 'exports', 'arguments', 'window', 'self', '__filename', '__dirname']);
const GLOBAL_OBJECTS = new Set(['g:globalThis', 'g:global', 'g:window', 'g:self']);

/** Reads that are findings wherever they appear. */
const READS = new Map([
  ['g:process.ppid', ['process-introspection', CRITICAL, 'reads process.ppid']],
  ['g:process.execArgv', ['process-introspection', CRITICAL, 'reads process.execArgv']],
  ['g:Error.prepareStackTrace', ['frame-walk', CRITICAL, 'uses Error.prepareStackTrace']],
  // Only a string stack on the object, the idiom of custom error classes; the frame walk needs prepareStackTrace.
  ['g:Error.captureStackTrace', ['frame-walk', MEDIUM, 'uses Error.captureStackTrace']],
  ['g:Function.prototype.caller', ['frame-walk', CRITICAL, 'uses Function.prototype.caller']],
  ['g:arguments.callee.caller', ['frame-walk', CRITICAL, 'uses arguments.callee.caller']],
  ['m:v8.getHeapSnapshot', ['heap-walk', CRITICAL, 'uses v8.getHeapSnapshot']],
  ['m:v8.writeHeapSnapshot', ['heap-walk', CRITICAL, 'uses v8.writeHeapSnapshot']],
  ['m:v8.setFlagsFromString', ['heap-walk', CRITICAL, 'uses v8.setFlagsFromString']],
  ['g:process.binding', ['heap-walk', CRITICAL, 'uses process.binding']],
  ['g:process._linkedBinding', ['heap-walk', CRITICAL, 'uses process._linkedBinding']],
  ['g:require.cache', ['framework-patch', CRITICAL, 'uses require.cache']],
  ['g:require.extensions', ['framework-patch', CRITICAL, 'uses require.extensions']],
  ['m:module._load', ['framework-patch', CRITICAL, 'uses Module._load']],
  ['m:module._cache', ['framework-patch', CRITICAL, 'uses Module._cache']],
  ['m:module._extensions', ['framework-patch', CRITICAL, 'uses Module._extensions']],
  ['m:module._resolveFilename', ['framework-patch', CRITICAL, 'uses Module._resolveFilename']],
  ['m:module.prototype.require', ['framework-patch', CRITICAL, 'uses Module.prototype.require']],
  ['m:module.prototype._compile', ['framework-patch', CRITICAL, 'uses Module.prototype._compile']],
  ['g:process.stdout.fd', ['report-channel', CRITICAL, 'uses process.stdout.fd']],
  ['g:process.stderr.fd', ['report-channel', CRITICAL, 'uses process.stderr.fd']],
  ['g:process.stdout._handle', ['report-channel', CRITICAL, 'uses process.stdout._handle']],
  ['g:process.stderr._handle', ['report-channel', CRITICAL, 'uses process.stderr._handle']],
  ['g:process._rawDebug', ['report-channel', CRITICAL, 'uses process._rawDebug']],
  ['g:Symbol.hasInstance', ['equality-ignores-argument', CRITICAL, 'defines or uses Symbol.hasInstance']],
  ['g:process.env', ['environment-read', MEDIUM, 'reads process.env']],
]);
/** Reads that end the process: allowed only under `if (require.main === module)`. */
const EXITS = new Map([
  ['g:process.exit', 'process.exit'], ['g:process.abort', 'process.abort'], ['g:process.reallyExit', 'process.reallyExit'],
]);
/** Modules whose loading alone is a finding. */
const MODULES = new Map([
  ['inspector', ['heap-walk', CRITICAL, 'loads the inspector module']],
  ['inspector/promises', ['heap-walk', CRITICAL, 'loads the inspector module']],
]);
const FD_WRITES = new Set(['m:fs.writeSync', 'm:fs.write', 'm:fs.writeFileSync', 'm:fs.writeFile', 'm:fs.appendFileSync',
  'm:fs.appendFile', 'm:fs.writev', 'm:fs.writevSync', 'm:fs.fsyncSync', 'm:fs/promises.writeFile',
  'm:fs/promises.appendFile', 'm:fs.promises.writeFile', 'm:fs.promises.appendFile', 'm:tty.WriteStream', 'm:net.Socket',
  'm:fs.createWriteStream', 'm:fs.createReadStream']);
const DEFINERS = new Set(['g:Object.defineProperty', 'g:Object.defineProperties', 'g:Object.setPrototypeOf',
  'g:Reflect.defineProperty', 'g:Reflect.setPrototypeOf', 'g:Reflect.set', 'g:Reflect.deleteProperty', 'g:Object.assign',
  'g:Object.prototype.__defineGetter__', 'g:Object.prototype.__defineSetter__']);
const LISTEN = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const HOOKS = new Set(['before', 'after', 'beforeEach', 'afterEach']);
const CONTEXT_NAMES = new Set(['t', 'ctx', 'context', 'testContext', 'tc']);
const EQUALITY_METHODS = new Set(['valueOf', 'toString']);
const OUTPUT_CALLS = /^(g:console\.\w+|g:process\.(stdout|stderr)\.write|m:fs\.(write|writeSync|writeFileSync|appendFileSync))$/;

const PROC_PATH = /\/proc\/(self|thread-self|\d+)(\/|$)|\/proc\/?$/;
const CHANNEL_PATH = /\/dev\/(stdout|stderr)\b|\/dev\/fd\/|\/proc\/(self|thread-self|\d+)\/fd\b/;

function normalizeModule(name) {
  return name.startsWith('node:') ? name.slice(5) : name;
}

/**
 * @param {object} options
 * @param {string} options.rel       the generated file, workspace-relative
 * @param {object} options.ast       acorn's AST of it
 * @param {boolean} options.testFile whether the file is a test file by Node's patterns (a generated test)
 * @param {Set<string>} options.requestFiles  the request's files (writes into their modules are patches)
 * @returns {object[]} findings
 */
export function tamperFindings({ rel, ast, testFile, requestFiles, scopes }) {
  return new Tamper(rel, ast, testFile, requestFiles || new Set(), scopes || analyzeScopes(ast)).run();
}

/**
 * What the expressions of one file denote: `g:process.exit` (a global and its members), `m:fs.writeSync` (a module
 * and its members), or null. With `calls`, a call's or a `new`'s result is named too, as its callee followed by `()`
 * (`const app = express()` makes `app.get` denote `m:express().get`): what the kind signals need to recognise
 * framework and client objects. The tamper rules name modules and globals only, so they resolve without it.
 */
export class Resolver {
  /** @param scopes analyzeScopes(ast) of the file */
  constructor(ast, scopes, { calls = false } = {}) {
    this.ast = ast;
    this.calls = calls;
    this.parents = scopes.parents;
    this.refs = scopes.refs;
    this.program = scopes.program;
    this.bindings = scopes.bindings;
    this.cache = new Map();
  }

  /** A string the expression always evaluates to (literals, templates and `+` of those, constant names), or null. */
  constString(node, depth = 0) {
    if (!node || depth > 20) {
      return null;
    }
    switch (node.type) {
      case 'Literal':
        return typeof node.value === 'string' || typeof node.value === 'number' ? String(node.value) : null;
      case 'TemplateLiteral': {
        let out = node.quasis[0].value.cooked;
        for (let i = 0; i < node.expressions.length; i++) {
          const part = this.constString(node.expressions[i], depth + 1);
          if (part === null) {
            return null;
          }
          out += part + node.quasis[i + 1].value.cooked;
        }
        return out;
      }
      case 'BinaryExpression': {
        if (node.operator !== '+') {
          return null;
        }
        const a = this.constString(node.left, depth + 1);
        const b = a === null ? null : this.constString(node.right, depth + 1);
        return a === null || b === null ? null : a + b;
      }
      case 'Identifier': {
        const b = this.refs.get(node);
        if (b && b.init && b.path === null && (b.kind === 'const' || b.writes.length === 0) && !isFunction(b.init)
            && b.declNode && b.declNode.id && b.declNode.id.type === 'Identifier') {
          return this.constString(b.init, depth + 1);
        }
        return null;
      }
      default:
        return null;
    }
  }

  key(property, computed) {
    const k = staticKey(property, computed);
    return k !== null ? k : computed ? this.constString(property) : null;
  }

  static join(base, key) {
    if (base === null || key === null) {
      return null;
    }
    if (GLOBAL_OBJECTS.has(base)) {
      return GLOBALS.has(key) ? `g:${key}` : `g:globalThis.${key}`;
    }
    if (base.startsWith('m:') && key === 'default' && !base.slice(2).includes('.')) {
      return base;
    }
    return Resolver.normalize(`${base}.${key}`);
  }

  static called(p) {
    return p === null ? null : `${p}()`;
  }

  static normalize(p) {
    if (p === 'm:process') {
      return 'g:process';
    }
    if (p.startsWith('m:process.')) {
      return `g:process.${p.slice(10)}`;
    }
    if (p === 'g:module.constructor' || p === 'm:module.Module' || p === 'g:process.mainModule.constructor') {
      return 'm:module';
    }
    if (p.startsWith('m:module.Module.')) {
      return `m:module.${p.slice(16)}`;
    }
    if (p === 'g:module.require') {
      return 'g:require';
    }
    if (p.startsWith('g:module.constructor.')) {
      return `m:module.${p.slice(21)}`;
    }
    if (p.startsWith('m:fs/promises')) {
      return p;
    }
    return p;
  }

  /** `m:<specifier>`, with the specifier's dots escaped so that `.` only ever separates member names. */
  moduleOf(specifier) {
    return specifier === null ? null : Resolver.normalize(`m:${normalizeModule(specifier).replaceAll('.', '%2E')}`);
  }

  static specifierOf(p) {
    return p.slice(2).split('.')[0].replaceAll('%2E', '.');
  }

  /** The module a call loads: require('x'), module.require('x'), createRequire(…)('x'), or null. */
  loadedModule(call) {
    if (call.type !== 'CallExpression' || call.arguments.length < 1) {
      return null;
    }
    const callee = this.resolve(call.callee);
    const loader = callee === 'g:require' || callee === 'g:process.getBuiltinModule';
    if (!loader && !(call.callee.type === 'CallExpression' && this.resolve(call.callee.callee) === 'm:module.createRequire')) {
      return null;
    }
    return this.constString(call.arguments[0]);
  }

  resolve(node, depth = 0) {
    if (!node || depth > 30) {
      return null;
    }
    if (this.cache.has(node)) {
      return this.cache.get(node);
    }
    this.cache.set(node, null);
    let result = null;
    switch (node.type) {
      case 'Identifier': {
        const b = this.refs.get(node);
        if (b === null) {
          result = GLOBALS.has(node.name) ? `g:${node.name}` : null;
        } else if (b) {
          result = this.resolveBinding(b, depth + 1);
        }
        break;
      }
      case 'MemberExpression':
        result = Resolver.join(this.resolve(node.object, depth + 1), this.key(node.property, node.computed));
        break;
      case 'ChainExpression':
        result = this.resolve(node.expression, depth + 1);
        break;
      case 'CallExpression': {
        const loaded = this.loadedModule(node);
        if (loaded !== null) {
          result = this.moduleOf(loaded);
          break;
        }
        const callee = node.callee;
        if (callee.type === 'MemberExpression' && this.key(callee.property, callee.computed) === 'bind') {
          result = this.resolve(callee.object, depth + 1);
        } else if (this.resolve(callee, depth + 1) === 'g:Reflect.get' && node.arguments.length >= 2) {
          result = Resolver.join(this.resolve(node.arguments[0], depth + 1), this.constString(node.arguments[1]));
        } else if (this.calls) {
          result = Resolver.called(this.resolve(callee, depth + 1));
        }
        break;
      }
      case 'NewExpression':
        result = this.calls ? Resolver.called(this.resolve(node.callee, depth + 1)) : null;
        break;
      case 'ImportExpression':
        result = this.moduleOf(this.constString(node.source));
        break;
      case 'AwaitExpression':
        result = this.resolve(node.argument, depth + 1);
        break;
      case 'LogicalExpression':
        result = this.resolve(node.left, depth + 1) || this.resolve(node.right, depth + 1);
        break;
      case 'ConditionalExpression':
        result = this.resolve(node.consequent, depth + 1) || this.resolve(node.alternate, depth + 1);
        break;
      case 'SequenceExpression':
        result = this.resolve(node.expressions[node.expressions.length - 1], depth + 1);
        break;
      case 'AssignmentExpression':
        result = node.operator === '=' ? this.resolve(node.right, depth + 1) : null;
        break;
      default:
        break;
    }
    this.cache.set(node, result);
    return result;
  }

  resolveBinding(b, depth) {
    if (b.kind === 'import') {
      const base = this.moduleOf(b.importSource);
      return b.importName === 'default' || b.importName === '*' ? base : Resolver.join(base, b.importName);
    }
    if (b.kind === 'function' || b.kind === 'class' || b.kind === 'param' || b.kind === 'catch') {
      return null;
    }
    let base = null;
    if (b.init) {
      base = this.resolve(b.init, depth);
      if (b.path) {
        for (const k of b.path) {
          base = Resolver.join(base, k);
        }
      } else if (b.declNode && b.declNode.id && b.declNode.id.type !== 'Identifier') {
        base = null; // an array pattern or a rest element: not followed
      }
    }
    if (base === null) {
      for (const w of b.writes) {
        if (w.type === 'AssignmentExpression' && w.operator === '=' && w.left.type === 'Identifier') {
          base = this.resolve(w.right, depth);
          if (base !== null) {
            break;
          }
        }
      }
    }
    return base;
  }
}

class Tamper extends Resolver {
  constructor(rel, ast, testFile, requestFiles, scopes) {
    super(ast, scopes);
    this.rel = rel;
    this.testFile = testFile;
    this.requestFiles = requestFiles;
    this.findings = [];
    this.seen = new Set();
  }

  add(rule, severity, message, node) {
    const line = node && node.loc ? node.loc.start.line : null;
    const key = `${rule}:${line}:${message}`;
    if (this.seen.has(key)) {
      return;
    }
    this.seen.add(key);
    this.findings.push({ rule, severity, message, path: this.rel, line });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Where exits are allowed: under `if (require.main === module)` and in the functions only it calls

  isMainTest(test) {
    if (!test || test.type !== 'BinaryExpression' || (test.operator !== '===' && test.operator !== '==')) {
      return false;
    }
    const a = this.resolve(test.left);
    const b = this.resolve(test.right);
    return (a === 'g:require.main' && b === 'g:module') || (a === 'g:module' && b === 'g:require.main');
  }

  computeMainRanges() {
    const ranges = [];
    const visit = (n) => {
      if (!n || typeof n.type !== 'string') {
        return;
      }
      if (n.type === 'IfStatement' && this.isMainTest(n.test)) {
        ranges.push([n.consequent.start, n.consequent.end]);
      }
      children(n).forEach(visit);
    };
    visit(this.ast);
    // Functions of the file every reference of which is inside a main range (or inside another such function).
    const functions = [];
    for (const b of this.bindings) {
      const fn = b.kind === 'function' ? b.init : (b.kind === 'const' || b.kind === 'let' || b.kind === 'var')
        && b.path === null && isFunction(b.init) && b.writes.length === 0 ? b.init : null;
      if (fn && isFunction(fn) && b.references.length > 0) {
        functions.push({ b, fn });
      }
    }
    const inside = (node, rs) => rs.some(([s, e]) => node.start >= s && node.end <= e);
    let changed = true;
    const mainOnly = new Set();
    while (changed) {
      changed = false;
      for (const f of functions) {
        if (mainOnly.has(f)) {
          continue;
        }
        const all = [...ranges, ...[...mainOnly].map((m) => [m.fn.start, m.fn.end])];
        const outside = f.b.references.filter((r) => !(r.start >= f.fn.start && r.end <= f.fn.end));
        if (outside.length > 0 && outside.every((r) => inside(r, all))) {
          mainOnly.add(f);
          changed = true;
        }
      }
    }
    this.mainRanges = [...ranges, ...[...mainOnly].map((m) => [m.fn.start, m.fn.end])];
  }

  inMain(node) {
    return this.mainRanges.some(([s, e]) => node.start >= s && node.end <= e);
  }

  // ------------------------------------------------------------------------------------------------------------
  // The rules

  /** Whether writing to a member of what `p` denotes patches something the file did not define. */
  protectedTarget(p) {
    if (p === null) {
      return null;
    }
    if (p.startsWith('m:')) {
      const spec = Resolver.specifierOf(p);
      if (spec.startsWith('.') || spec.startsWith('/')) {
        return 'workspace-module';
      }
      return 'module';
    }
    const root = p.slice(2).split('.')[0];
    if (root === 'module' || root === 'exports' || root === 'arguments' || root === 'window' || root === 'self'
        || root === '__filename' || root === '__dirname') {
      return null;
    }
    return BUILTINS.has(root) ? 'builtin' : null;
  }

  /** The workspace file a relative module path names, from this file. */
  workspaceFile(p) {
    const specifier = Resolver.specifierOf(p);
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(this.rel), specifier));
    for (const candidate of [resolved, `${resolved}.js`, `${resolved}.mjs`, `${resolved}.cjs`, `${resolved}/index.js`]) {
      if (this.requestFiles.has(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  checkWrite(target, node, what) {
    if (target.type === 'Identifier') {
      if (this.refs.get(target) === null && BUILTINS.has(target.name)) {
        this.add('framework-patch', CRITICAL, `${what} the global ${target.name}`, node);
      }
      return;
    }
    if (target.type !== 'MemberExpression') {
      return;
    }
    const objectPath = this.resolve(target.object);
    const key = this.key(target.property, target.computed);
    const full = Resolver.join(objectPath, key);
    if (objectPath === null) {
      return;
    }
    if (objectPath === 'g:process.env' || objectPath.startsWith('g:process.env.')) {
      return; // environment-read covers it
    }
    if (objectPath === 'g:process' && (key === 'exitCode' || key === 'title') || objectPath === 'g:process.argv') {
      // A status, a title or arguments: nothing a verdict rests on (a failing test fails whatever the exit status).
      if (!this.inMain(node)) {
        this.add('framework-patch', MEDIUM, `${what} ${full ? full.slice(2) : 'process.argv[…]'}`, node);
      }
      return;
    }
    const kind = this.protectedTarget(objectPath);
    const shown = (full ? full.slice(2) : `${objectPath.slice(2)}[…]`).replaceAll('%2E', '.');
    if (kind === 'builtin' || kind === 'module') {
      this.add('framework-patch', CRITICAL, `${what} ${shown}`, node);
    } else if (kind === 'workspace-module') {
      const file = this.workspaceFile(objectPath);
      if (file) {
        this.add('framework-patch', CRITICAL, `${what} ${shown}, a module of the request (${file})`, node);
      } else {
        this.add('framework-patch', MEDIUM, `${what} ${shown}, another module of the workspace`, node);
      }
    }
  }

  /** A function that returns the same constant whatever it is given. */
  returnsConstant(fn) {
    if (!isFunction(fn)) {
      return false;
    }
    if (fn.body.type !== 'BlockStatement') {
      return this.isLiteral(fn.body);
    }
    const returns = [];
    let throws = false;
    const visit = (n) => {
      if (!n || typeof n.type !== 'string' || (n !== fn.body && isFunction(n))) {
        return;
      }
      if (n.type === 'ReturnStatement') {
        returns.push(n);
      } else if (n.type === 'ThrowStatement') {
        throws = true;
      }
      children(n).forEach(visit);
    };
    visit(fn.body);
    if (returns.length === 0) {
      return !throws && fn.body.body.length === 0;
    }
    return returns.every((r) => r.argument === null || this.isLiteral(r.argument));
  }

  isLiteral(node) {
    if (!node) {
      return false;
    }
    switch (node.type) {
      case 'Literal':
        return !node.regex;
      case 'TemplateLiteral':
        return node.expressions.length === 0;
      case 'UnaryExpression':
        return ['-', '+', '!', 'void'].includes(node.operator) && this.isLiteral(node.argument);
      case 'Identifier':
        return this.refs.get(node) === null && ['undefined', 'NaN', 'Infinity'].includes(node.name);
      default:
        return false;
    }
  }

  /** A key that names valueOf, toString or Symbol.toPrimitive. */
  equalityKey(key, computed) {
    const name = this.key(key, computed);
    if (name !== null && EQUALITY_METHODS.has(name)) {
      return name;
    }
    if (computed && this.resolve(key) === 'g:Symbol.toPrimitive') {
      return '[Symbol.toPrimitive]';
    }
    return null;
  }

  writesOutput(fn) {
    let found = false;
    const visit = (n) => {
      if (found || !n || typeof n.type !== 'string') {
        return;
      }
      if (n.type === 'CallExpression' && OUTPUT_CALLS.test(this.resolve(n.callee) || '')) {
        found = true;
        return;
      }
      children(n).forEach(visit);
    };
    visit(fn.body);
    return found;
  }

  functionOf(node) {
    if (isFunction(node)) {
      return node;
    }
    if (node && node.type === 'Identifier') {
      const b = this.refs.get(node);
      if (b && (b.kind === 'function' || ((b.kind === 'const' || b.kind === 'let') && b.writes.length === 0)) && isFunction(b.init)) {
        return b.init;
      }
    }
    return null;
  }

  checkModule(specifier, node) {
    if (specifier === null) {
      return;
    }
    const rule = MODULES.get(normalizeModule(specifier));
    if (rule) {
      this.add(rule[0], rule[1], rule[2], node);
    }
    if (specifier === 'node:test' && !this.testFile) {
      this.add('framework-hook', CRITICAL, 'loads node:test outside a test file', node);
    }
  }

  checkPath(p, node) {
    if (p === null) {
      return;
    }
    const read = READS.get(p);
    if (read) {
      this.add(read[0], read[1], read[2], node);
    }
    if (EXITS.has(p) && !this.inMain(node)) {
      this.add('exit-outside-main', CRITICAL, `uses ${EXITS.get(p)} outside \`if (require.main === module)\``, node);
    }
    if (p === 'm:async_hooks.createHook' && !this.testFile) {
      this.add('trace-hook', CRITICAL, 'uses async_hooks.createHook', node);
    }
  }

  checkCall(call) {
    const callee = call.callee;
    const p = this.resolve(callee);
    const args = call.arguments;
    // Loading a module.
    const loaded = call.type === 'CallExpression' ? this.loadedModule(call) : null;
    if (loaded !== null) {
      this.checkModule(loaded, call);
    }
    if (p === null) {
      this.checkUnresolvedCall(call);
      return;
    }
    // Writing to descriptor 1 or 2 by number.
    if (FD_WRITES.has(p)) {
      const fdArgument = (a) => a && (a.type === 'Literal' && (a.value === 1 || a.value === 2)
        || ['g:process.stdout.fd', 'g:process.stderr.fd'].includes(this.resolve(a)));
      const fdOption = (a) => a && a.type === 'ObjectExpression' && a.properties.some((prop) => prop.type === 'Property'
        && this.key(prop.key, prop.computed) === 'fd' && fdArgument(prop.value));
      if (fdArgument(args[0]) || args.some(fdOption)) {
        this.add('report-channel', CRITICAL, `writes to standard output or error by descriptor (${p.slice(2)})`, call);
      }
    }
    // Killing this process.
    if (p === 'g:process.kill' && args.length > 0 && (this.resolve(args[0]) === 'g:process.pid'
        || (args[0].type === 'Literal' && args[0].value === 0)) && !this.inMain(call)) {
      this.add('exit-outside-main', CRITICAL, 'kills its own process outside `if (require.main === module)`', call);
    }
    // Redefining properties of built-ins and modules.
    if (DEFINERS.has(p) && args.length > 0) {
      const target = args[0];
      const targetPath = target.type === 'Identifier' && this.refs.get(target) === null && BUILTINS.has(target.name)
        ? `g:${target.name}` : this.resolve(target);
      const kind = this.protectedTarget(targetPath);
      const shown = `${p.slice(2)} on ${targetPath ? targetPath.slice(2).replaceAll('%2E', '.') : ''}`;
      if (kind === 'builtin' || kind === 'module') {
        this.add('framework-patch', CRITICAL, shown, call);
      } else if (kind === 'workspace-module') {
        this.add('framework-patch', this.workspaceFile(targetPath) ? CRITICAL : MEDIUM, shown, call);
      }
    }
    // An exit handler that writes output.
    if (callee.type === 'MemberExpression' && LISTEN.has(this.key(callee.property, callee.computed))
        && this.resolve(callee.object) === 'g:process' && args.length >= 2) {
      const event = this.constString(args[0]);
      if (event === 'exit' || event === 'beforeExit') {
        const handler = this.functionOf(args[1]);
        if (!handler) {
          this.add('trace-hook', MEDIUM, `registers a process '${event}' handler the analysis cannot see into`, call);
        } else if (this.writesOutput(handler)) {
          this.add('trace-hook', CRITICAL, `writes output from a process '${event}' handler`, call);
        }
      }
    }
    if (!this.testFile) {
      // node:test hooks and skips from code that is not a test.
      if (p.startsWith('m:test.') && HOOKS.has(p.slice(7))) {
        this.add('framework-hook', CRITICAL, `registers a node:test ${p.slice(7)} hook outside a test file`, call);
      }
      if (/^m:test(\.(test|it|describe|suite))?\.(skip|todo)$/.test(p)) {
        this.add('skip-from-generated', CRITICAL, `calls ${p.slice(2)} outside a test file`, call);
      }
    }
  }

  checkUnresolvedCall(call) {
    if (this.testFile) {
      return;
    }
    const callee = call.callee;
    if (callee.type === 'Identifier' && HOOKS.has(callee.name) && this.refs.get(callee) === null) {
      this.add('framework-hook', CRITICAL, `calls the test hook ${callee.name}() outside a test file`, call);
    }
    if (callee.type === 'MemberExpression') {
      const key = this.key(callee.property, callee.computed);
      if ((key === 'skip' || key === 'todo') && callee.object.type === 'Identifier'
          && CONTEXT_NAMES.has(callee.object.name)) {
        this.add('skip-from-generated', CRITICAL, `calls ${callee.object.name}.${key}() outside a test file`, call);
      }
    }
  }

  checkDefinition(node) {
    // valueOf / toString / [Symbol.toPrimitive] returning a constant, in a class or an object literal.
    let key = null;
    let fn = null;
    if (node.type === 'MethodDefinition' && node.kind === 'method') {
      key = this.equalityKey(node.key, node.computed);
      fn = node.value;
    } else if (node.type === 'PropertyDefinition' || (node.type === 'Property' && node.kind === 'init')) {
      key = this.equalityKey(node.key, node.computed);
      fn = this.functionOf(node.value);
    } else if (node.type === 'AssignmentExpression' && node.left.type === 'MemberExpression') {
      key = this.equalityKey(node.left.property, node.left.computed);
      fn = this.functionOf(node.right);
    }
    if (key && fn && this.returnsConstant(fn)) {
      this.add('equality-ignores-argument', CRITICAL, `${key} returns a constant`, node);
    }
  }

  /** `f.caller`: a frame walk when f is a function of the file or arguments.callee, else worth a look. */
  checkCaller(node) {
    if (this.key(node.property, node.computed) !== 'caller' || READS.has(this.resolve(node) || '')) {
      return;
    }
    const object = node.object;
    const fn = object.type === 'Identifier' ? this.refs.get(object) : null;
    const callee = object.type === 'MemberExpression' && this.resolve(object) === 'g:arguments.callee';
    if (callee || isFunction(object) || (fn && (fn.kind === 'function' || isFunction(fn.init)))) {
      this.add('frame-walk', CRITICAL, `reads the caller of a function (${this.rel})`.replace(` (${this.rel})`, ''), node);
    } else {
      this.add('frame-walk', MEDIUM, 'reads a property named caller', node);
    }
  }

  checkString(value, node) {
    if (typeof value !== 'string') {
      return;
    }
    if (PROC_PATH.test(value)) {
      this.add('process-introspection', CRITICAL, `names the path ${JSON.stringify(value.slice(0, 60))}`, node);
    }
    if (CHANNEL_PATH.test(value)) {
      this.add('report-channel', CRITICAL, `names the path ${JSON.stringify(value.slice(0, 60))}`, node);
    }
  }

  run() {
    this.computeMainRanges();
    // Names bound by destructuring or import: the read happens at the binding.
    for (const b of this.bindings) {
      if (b.kind === 'import' || (b.path && b.path.length > 0)) {
        const id = b.declNode && b.declNode.type === 'ImportDeclaration'
          ? b.declNode.specifiers.find((s) => s.local.name === b.name)?.local : null;
        const where = id || b.declNode;
        this.checkPath(this.resolveBinding(b, 0), where);
      }
    }
    const visit = (n) => {
      if (!n || typeof n.type !== 'string') {
        return;
      }
      switch (n.type) {
        case 'MemberExpression':
          this.checkPath(this.resolve(n), n);
          this.checkCaller(n);
          break;
        case 'CallExpression':
        case 'NewExpression':
          this.checkCall(n);
          break;
        case 'ImportDeclaration':
          this.checkModule(String(n.source.value), n);
          break;
        case 'ImportExpression':
          this.checkModule(this.constString(n.source), n);
          break;
        case 'ExportAllDeclaration':
        case 'ExportNamedDeclaration':
          if (n.source) {
            this.checkModule(String(n.source.value), n);
          }
          break;
        case 'AssignmentExpression':
          this.checkWrite(n.left, n, 'assigns to');
          this.checkDefinition(n);
          break;
        case 'UpdateExpression':
          this.checkWrite(n.argument, n, 'updates');
          break;
        case 'UnaryExpression':
          if (n.operator === 'delete') {
            this.checkWrite(n.argument, n, 'deletes');
          }
          break;
        case 'MethodDefinition':
        case 'PropertyDefinition':
        case 'Property':
          this.checkDefinition(n);
          break;
        case 'Literal':
          this.checkString(n.value, n);
          break;
        case 'TemplateLiteral':
          for (const q of n.quasis) {
            this.checkString(q.value.cooked ?? q.value.raw, n);
          }
          this.checkString(this.constString(n), n);
          break;
        case 'BinaryExpression':
          if (n.operator === '+') {
            this.checkString(this.constString(n), n); // '/pr' + 'oc/self'
          }
          break;
        default:
          break;
      }
      for (const c of children(n)) {
        visit(c);
      }
    };
    visit(this.ast);
    return this.findings;
  }
}

export { CRITICAL, HIGH, MEDIUM };
