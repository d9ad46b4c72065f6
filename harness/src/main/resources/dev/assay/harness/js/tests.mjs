// The analysis of one request test file (harness/PROTOCOL.md "Which tests are trusted", "Sealing"): its test units,
// which of its assertions can be sealed, the expected values of those (evaluated here, outside the test run), and the
// file rewritten with probes in place of the sealed assertions. Nothing of the workspace is imported or executed: the
// file is read as text and parsed with acorn; only whitelisted constant expressions are evaluated, in a fresh vm
// context.
import path from 'node:path';
import util from 'node:util';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { analyzeScopes, children, isFunction, parse, staticKey } from './ast.mjs';

const require = createRequire(import.meta.url);
const canon = require('./canon.cjs');

const TEST_FUNCTIONS = new Set(['test', 'it']);
const SUITE_FUNCTIONS = new Set(['describe', 'suite']);
const HOOKS = new Set(['before', 'after', 'beforeEach', 'afterEach']);
const MODIFIERS = new Set(['skip', 'todo', 'only']);
const MATH_CONSTANTS = new Set(['E', 'LN10', 'LN2', 'LOG10E', 'LOG2E', 'PI', 'SQRT1_2', 'SQRT2']);
const NUMBER_CONSTANTS = new Set(['EPSILON', 'MAX_SAFE_INTEGER', 'MAX_VALUE', 'MIN_SAFE_INTEGER', 'MIN_VALUE', 'NaN',
  'NEGATIVE_INFINITY', 'POSITIVE_INFINITY']);
const CONSTANT_GLOBALS = new Set(['undefined', 'NaN', 'Infinity']);
const PURE_GLOBAL_CALLS = new Set(['Number', 'String', 'Boolean']);
const PURE_MEMBER_CALLS = new Map([['JSON', new Set(['stringify'])], ['Array', new Set(['of'])], ['Object', new Set(['freeze'])]]);
const HELPER_NAME = /^(assert|expect|verify|should|must|check)/i;
const PROBE_NAME = '__assayProbe';
const MAX_SOURCE = 1000;
const EVAL_TIMEOUT_MS = 1000;

// The assertion module's comparisons that seal, by the module's flavour (node:assert or node:assert/strict).
const LEGACY_KINDS = {
  strictEqual: 'js.strict', equal: 'js.loose', deepStrictEqual: 'js.deepStrict', deepEqual: 'js.deepLoose',
  notStrictEqual: 'js.notStrict',
};
const STRICT_KINDS = {
  strictEqual: 'js.strict', equal: 'js.strict', deepStrictEqual: 'js.deepStrict', deepEqual: 'js.deepStrict',
  notStrictEqual: 'js.notStrict', notEqual: 'js.notStrict',
};
const OPERATOR_KINDS = { '===': 'js.strict', '==': 'js.loose', '!==': 'js.notStrict' };

function normalizeModule(name) {
  return typeof name === 'string' && name.startsWith('node:') ? name.slice(5) : name;
}

/**
 * @param {object} options
 * @param {string} options.rel        the test file, workspace-relative
 * @param {string} options.source     its text
 * @param {object} options.acorn      the parser module
 * @param {() => number} options.nextProbe  hands out probe ids
 * @param {Set<string>} options.helperFiles  request files that are neither tests nor generated (helpers whose
 *                                           assertions the analysis cannot see)
 * @returns {{units: object[], expectations: object, rewritten: string|null, error: string|null}}
 */
export function analyzeTestFile({ rel, source, acorn, nextProbe, helperFiles }) {
  const parsed = parse(acorn, source, rel);
  if (parsed.error) {
    return { units: [fileUnit(rel)], expectations: {}, rewritten: null, error: `syntax error: ${parsed.error}` };
  }
  return new TestFile(rel, source, parsed.ast, acorn, nextProbe, helperFiles || new Set()).analyze();
}

function fileUnit(rel) {
  return { function: rel, file: rel, kind: 'file', skipInSource: false, evidence: 'IN_PROCESS', probes: [], line: 1 };
}

class TestFile {
  constructor(rel, source, ast, acorn, nextProbe, helperFiles) {
    this.rel = rel;
    this.source = source;
    this.ast = ast;
    this.acorn = acorn;
    this.nextProbe = nextProbe;
    this.helperFiles = helperFiles;
    const scopes = analyzeScopes(ast);
    this.parents = scopes.parents;
    this.refs = scopes.refs;
    this.program = scopes.program;
    this.apiCache = new Map();
    this.constCache = new Map();
    this.units = [];
    this.computed = null; // why the file's tests cannot be listed statically
    this.goodRefs = new Set(); // identifier references that are unconditional calls from a unit's reach
    this.context = null;
  }

  // ------------------------------------------------------------------------------------------------------------
  // What an expression denotes: node:test's API, the assertion module

  /** The module a `require('x')` call or an import binding names, or null. */
  requireSource(node) {
    if (node && node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require'
        && this.refs.get(node.callee) === null && node.arguments.length === 1) {
      return staticKey(node.arguments[0], true);
    }
    return null;
  }

  moduleApi(name) {
    const m = normalizeModule(name);
    if (m === 'test' && name === 'node:test') {
      return { mod: 'test', member: null, modifier: null };
    }
    if (m === 'assert') {
      return { mod: 'assert', strict: false, member: null };
    }
    if (m === 'assert/strict') {
      return { mod: 'assert', strict: true, member: null };
    }
    return null;
  }

  member(api, key) {
    if (!api || key === null) {
      return null;
    }
    if (api.mod === 'test') {
      if (api.member === null) {
        if (TEST_FUNCTIONS.has(key) || SUITE_FUNCTIONS.has(key) || HOOKS.has(key)) {
          return { mod: 'test', member: key, modifier: null };
        }
        if (MODIFIERS.has(key)) {
          return { mod: 'test', member: 'test', modifier: key };
        }
        if (key === 'default') {
          return api;
        }
        return null;
      }
      if ((TEST_FUNCTIONS.has(api.member) || SUITE_FUNCTIONS.has(api.member)) && api.modifier === null && MODIFIERS.has(key)) {
        return { mod: 'test', member: api.member, modifier: key };
      }
      return null;
    }
    if (api.mod === 'assert' && api.member === null) {
      if (key === 'strict') {
        return { mod: 'assert', strict: true, member: null };
      }
      if (key === 'default') {
        return api;
      }
      return { mod: 'assert', strict: api.strict, member: key };
    }
    return null;
  }

  /** node:test or assertion-module API that `node` denotes, following const/let bindings and destructuring. */
  apiOf(node, depth = 0) {
    if (!node || depth > 20) {
      return null;
    }
    if (this.apiCache.has(node)) {
      return this.apiCache.get(node);
    }
    this.apiCache.set(node, null);
    let api = null;
    switch (node.type) {
      case 'Identifier': {
        const b = this.refs.get(node);
        if (b && b.kind === 'import') {
          const mod = this.moduleApi(b.importSource);
          api = b.importName === 'default' || b.importName === '*' ? mod : this.member(mod, b.importName);
        } else if (b && b.init && (b.kind === 'const' || b.writes.length === 0) && b.kind !== 'function' && b.kind !== 'class') {
          api = this.apiOf(b.init, depth + 1);
          for (const key of b.path || []) {
            api = this.member(api, key);
          }
          if (b.path === null && b.declNode && b.declNode.id && b.declNode.id.type !== 'Identifier') {
            api = null;
          }
        }
        break;
      }
      case 'MemberExpression':
        if (!node.optional) {
          api = this.member(this.apiOf(node.object, depth + 1), staticKey(node.property, node.computed));
        }
        break;
      case 'CallExpression': {
        const source = this.requireSource(node);
        api = source === null ? null : this.moduleApi(source);
        break;
      }
      case 'AwaitExpression':
        if (node.argument.type === 'ImportExpression') {
          const source = staticKey(node.argument.source, true);
          api = source === null ? null : this.moduleApi(source);
        }
        break;
      default:
        break;
    }
    this.apiCache.set(node, api);
    return api;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Registrations: the test units

  /** A test/describe registration: {fn: 'test'|'describe', modifier, sub}, or null. */
  registration(call, contextBindings) {
    if (!call || call.type !== 'CallExpression' || call.optional) {
      return null;
    }
    const callee = call.callee;
    if (callee.type === 'MemberExpression' && !callee.optional && callee.object.type === 'Identifier'
        && contextBindings.includes(this.refs.get(callee.object)) && staticKey(callee.property, callee.computed) === 'test') {
      return { fn: 'test', modifier: null };
    }
    const api = this.apiOf(callee);
    if (!api || api.mod !== 'test') {
      return null;
    }
    if (api.member === null || TEST_FUNCTIONS.has(api.member)) {
      return { fn: 'test', modifier: api.modifier };
    }
    if (SUITE_FUNCTIONS.has(api.member)) {
      return { fn: 'describe', modifier: api.modifier };
    }
    return null;
  }

  /** Whether anything below `node` registers a test (then the file's tests cannot be listed statically). */
  containsRegistration(node, contextBindings) {
    let found = null;
    const visit = (n) => {
      if (found || !n || typeof n.type !== 'string') {
        return;
      }
      if (n.type === 'CallExpression' && this.registration(n, contextBindings)) {
        found = n;
        return;
      }
      for (const c of children(n)) {
        visit(c);
      }
    };
    visit(node);
    return found;
  }

  /** The statements of a function body; an expression body is one pseudo statement. */
  static bodyStatements(fn) {
    if (!fn) {
      return [];
    }
    if (fn.body.type === 'BlockStatement') {
      return fn.body.body;
    }
    return [{ type: 'ExpressionStatement', expression: fn.body, start: fn.body.start, end: fn.body.end, loc: fn.body.loc }];
  }

  /** A function passed by name: `test('x', check)` with `function check() {…}` in the file. */
  functionArgument(node) {
    if (isFunction(node)) {
      return node;
    }
    if (node && node.type === 'Identifier') {
      const f = this.sameFileFunction(node);
      if (f) {
        this.goodRefs.add(node);
        return f.fn;
      }
    }
    return null;
  }

  processRegistrations(statements, prefix, inheritedSkip, contextBindings) {
    for (const statement of statements) {
      let expression = statement.type === 'ExpressionStatement' ? statement.expression : null;
      if (expression && expression.type === 'AwaitExpression') {
        expression = expression.argument;
      }
      const reg = expression && expression.type === 'CallExpression' ? this.registration(expression, contextBindings) : null;
      if (reg) {
        this.register(expression, reg, prefix, inheritedSkip);
        continue;
      }
      const nested = this.containsRegistration(statement, contextBindings);
      if (nested && !this.computed) {
        this.computed = `a test registered at line ${nested.loc.start.line} is not a direct statement of the file, a suite or a test`;
      }
    }
  }

  register(call, reg, prefix, inheritedSkip) {
    const args = call.arguments;
    if (args.some((a) => a.type === 'SpreadElement')) {
      this.computed = this.computed || `line ${call.loc.start.line}: test arguments spread`;
      return;
    }
    let name = null;
    let rest = args;
    if (args.length > 0 && (args[0].type === 'Literal' && typeof args[0].value === 'string'
        || args[0].type === 'TemplateLiteral' && args[0].expressions.length === 0)) {
      name = args[0].type === 'Literal' ? args[0].value : args[0].quasis[0].value.cooked;
      rest = args.slice(1);
    }
    if (name === null) {
      this.computed = this.computed || `line ${call.loc.start.line}: a test name that is not a string literal`;
      return;
    }
    let fn = null;
    let options = null;
    if (rest.length > 0) {
      fn = this.functionArgument(rest[rest.length - 1]);
      const optionArgs = fn ? rest.slice(0, -1) : rest;
      options = optionArgs.length > 0 ? optionArgs[0] : null;
    }
    const skip = inheritedSkip || reg.modifier === 'skip' || reg.modifier === 'todo' || this.optionsMaySkip(options);
    const full = prefix === null ? name : `${prefix} > ${name}`;
    if (reg.fn === 'describe') {
      this.processRegistrations(TestFile.bodyStatements(fn), full, skip, []);
      return;
    }
    const contextBinding = fn && fn.params.length > 0 && fn.params[0].type === 'Identifier' ? this.refs.get(fn.params[0]) : null;
    const unit = { name: full, line: call.loc.start.line, fn, skip, contextBinding };
    if (contextBinding && this.callsSkip(fn, contextBinding)) {
      unit.skip = true;
    }
    this.units.push(unit);
    if (fn) {
      this.processRegistrations(TestFile.bodyStatements(fn), full, unit.skip, contextBinding ? [contextBinding] : []);
    }
  }

  optionsMaySkip(options) {
    if (!options) {
      return false;
    }
    if (options.type !== 'ObjectExpression') {
      return true; // options the analysis cannot read may carry a skip
    }
    for (const p of options.properties) {
      if (p.type === 'SpreadElement') {
        return true;
      }
      const key = staticKey(p.key, p.computed);
      if (key === null) {
        return true;
      }
      if (key === 'skip' || key === 'todo') {
        const v = p.value;
        const off = v.type === 'Literal' && (v.value === false || v.value === null)
          || v.type === 'Identifier' && v.name === 'undefined' && this.refs.get(v) === null;
        if (!off) {
          return true;
        }
      }
    }
    return false;
  }

  /** `t.skip(…)` or `t.todo(…)` anywhere in the test's body. */
  callsSkip(fn, contextBinding) {
    let found = false;
    const visit = (n) => {
      if (found || !n || typeof n.type !== 'string') {
        return;
      }
      if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && n.callee.object.type === 'Identifier'
          && this.refs.get(n.callee.object) === contextBinding) {
        const key = staticKey(n.callee.property, n.callee.computed);
        if (key === 'skip' || key === 'todo') {
          found = true;
          return;
        }
      }
      for (const c of children(n)) {
        visit(c);
      }
    };
    visit(fn.body);
    return found;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Reach: what a unit runs, and which of it is unconditional

  /** The function a name calls when it is declared in this file ({binding, fn}), else null. */
  sameFileFunction(id) {
    const b = this.refs.get(id);
    if (!b) {
      return null;
    }
    if (b.kind === 'function' && b.init && isFunction(b.init) && b.declNode && b.declNode.type === 'FunctionDeclaration') {
      return { binding: b, fn: b.init };
    }
    if ((b.kind === 'const' || b.kind === 'let' || b.kind === 'var') && b.path === null && b.init && isFunction(b.init)
        && b.writes.length === 0 && b.declNode && b.declNode.id && b.declNode.id.type === 'Identifier') {
      return { binding: b, fn: b.init };
    }
    return null;
  }

  /** The assertion an expression makes: {kind: 'console'|'assert'|'other', strict, method}, or null. */
  assertionCall(node, contextBinding) {
    if (!node || node.type !== 'CallExpression') {
      return null;
    }
    const callee = node.callee;
    if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'console'
        && this.refs.get(callee.object) === null && staticKey(callee.property, callee.computed) === 'assert') {
      return { kind: 'console', optional: Boolean(node.optional || callee.optional) };
    }
    const api = this.apiOf(callee);
    if (api && api.mod === 'assert') {
      return { kind: 'assert', strict: api.strict, method: api.member, optional: Boolean(node.optional || callee.optional) };
    }
    // t.assert.* (newer Node) and anything else hanging off the test context named assert*; the assertion module or
    // console.assert reached some other way (assert.strictEqual.call(…), assert.strict.equal.apply(…)).
    let c = callee;
    while (c && c.type === 'MemberExpression') {
      const api = this.apiOf(c.object);
      if (api && api.mod === 'assert') {
        return { kind: 'other' };
      }
      if (c.object.type === 'MemberExpression' && c.object.object.type === 'Identifier' && c.object.object.name === 'console'
          && this.refs.get(c.object.object) === null && staticKey(c.object.property, c.object.computed) === 'assert') {
        return { kind: 'other' };
      }
      const key = staticKey(c.property, c.computed);
      if (key && HELPER_NAME.test(key) && c.object.type === 'Identifier' && contextBinding
          && this.refs.get(c.object) === contextBinding) {
        return { kind: 'other' };
      }
      c = c.object;
    }
    return null;
  }

  /** The source module of the binding an identifier refers to (require or import), or null. */
  bindingModule(id) {
    const b = this.refs.get(id);
    if (!b) {
      return null;
    }
    if (b.kind === 'import') {
      return b.importSource;
    }
    let init = b.init;
    while (init && init.type === 'MemberExpression') {
      init = init.object;
    }
    return this.requireSource(init);
  }

  /** The workspace file a relative module specifier names (from this test file) among `files`, or null. */
  resolveIn(specifier, files) {
    if (!specifier || !(specifier.startsWith('./') || specifier.startsWith('../'))) {
      return null;
    }
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(this.rel), specifier));
    for (const candidate of [resolved, `${resolved}.js`, `${resolved}.mjs`, `${resolved}.cjs`, `${resolved}/index.js`]) {
      if (files.has(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** A call of an assertion helper the analysis cannot see into: a reason, or null. */
  unseenHelper(callee) {
    let root = callee;
    while (root.type === 'MemberExpression') {
      root = root.object;
    }
    if (root.type !== 'Identifier') {
      return null;
    }
    const binding = this.refs.get(root);
    const specifier = this.bindingModule(root);
    if (this.resolveIn(specifier, this.helperFiles)) {
      return `calls ${this.text(callee)} from a helper file of the request`;
    }
    // Names from the generated code are the code under test; same-file functions are seen into; parameters and
    // locals are values. What is left is a global or a package: judged by its name.
    const foreign = binding === null || (binding && specifier !== null && !specifier.startsWith('.') && !specifier.startsWith('/'));
    if (!foreign) {
      return null;
    }
    const name = callee.type === 'Identifier' ? callee.name : staticKey(callee.property, callee.computed);
    if (name && HELPER_NAME.test(name)) {
      return `calls ${this.text(callee)}, an assertion helper the analysis cannot see`;
    }
    return null;
  }

  reach(unit) {
    const st = {
      unit, assertions: [], reasons: [], visitedCond: new Set(), visitedUncond: new Set(), stack: new Set(),
    };
    if (unit.fn) {
      this.reachFunction(unit.fn, false, st);
    }
    return st;
  }

  reachFunction(fn, cond, st) {
    if (st.stack.has(fn)) {
      return; // recursion: the recursive reference is not an unconditional call, so the function is not sealed
    }
    const visited = cond ? st.visitedCond : st.visitedUncond;
    if (visited.has(fn)) {
      return;
    }
    visited.add(fn);
    st.stack.add(fn);
    if (fn.body.type === 'BlockStatement') {
      this.walkStatements(fn.body.body, cond, st);
    } else {
      this.walkStatement({ type: 'ExpressionStatement', expression: fn.body }, cond, st);
    }
    st.stack.delete(fn);
  }

  walkStatements(list, cond, st) {
    for (const s of list) {
      if (this.walkStatement(s, cond, st) === 'exit') {
        return 'exit'; // the rest of this list is unreachable
      }
    }
    return null;
  }

  walkStatement(s, cond, st) {
    if (!s) {
      return null;
    }
    switch (s.type) {
      case 'ExpressionStatement': {
        const e = s.expression;
        const a = this.assertionCall(e, st.unit.contextBinding);
        if (a) {
          st.assertions.push({ call: e, assertion: a, statement: true, cond });
          for (const arg of e.arguments) {
            this.walkExpr(arg, cond, st);
          }
          return null;
        }
        this.walkExpr(e, cond, st);
        return null;
      }
      case 'VariableDeclaration':
        for (const d of s.declarations) {
          if (d.id.type === 'Identifier' && isFunction(d.init)) {
            continue; // a named function: reached through its calls
          }
          this.walkExpr(d.init, cond, st);
          this.walkPatternDefaults(d.id, cond, st);
        }
        return null;
      case 'FunctionDeclaration':
        return null;
      case 'ClassDeclaration':
        this.walkExpr({ ...s, type: 'ClassExpression' }, cond, st);
        return null;
      case 'ReturnStatement':
        this.walkExpr(s.argument, cond, st);
        return 'exit';
      case 'ThrowStatement':
        st.reasons.push(`throws at line ${s.loc.start.line}`);
        this.walkExpr(s.argument, cond, st);
        return 'exit';
      case 'BreakStatement':
      case 'ContinueStatement':
        return 'exit';
      case 'BlockStatement':
        return this.walkStatements(s.body, cond, st);
      case 'IfStatement':
        this.walkExpr(s.test, cond, st);
        this.walkStatement(s.consequent, true, st);
        this.walkStatement(s.alternate, true, st);
        return null;
      case 'SwitchStatement':
        this.walkExpr(s.discriminant, cond, st);
        for (const c of s.cases) {
          this.walkExpr(c.test, true, st);
          this.walkStatements(c.consequent, true, st);
        }
        return null;
      case 'TryStatement':
        this.walkStatement(s.block, true, st);
        if (s.handler) {
          this.walkStatement(s.handler.body, true, st);
        }
        this.walkStatement(s.finalizer, true, st);
        return null;
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'LabeledStatement':
      case 'WithStatement':
        for (const c of children(s)) {
          if (c.type.endsWith('Statement') || c.type === 'VariableDeclaration' || c.type.endsWith('Declaration')) {
            this.walkStatement(c, true, st);
          } else {
            this.walkExpr(c, true, st);
          }
        }
        return null;
      default:
        return null;
    }
  }

  walkPatternDefaults(pattern, cond, st) {
    if (!pattern) {
      return;
    }
    for (const c of children(pattern)) {
      if (c.type === 'AssignmentPattern') {
        this.walkExpr(c.right, true, st);
      }
      this.walkPatternDefaults(c, cond, st);
    }
  }

  walkExpr(e, cond, st) {
    if (!e || typeof e.type !== 'string') {
      return;
    }
    switch (e.type) {
      case 'CallExpression':
      case 'NewExpression': {
        const callCond = cond || Boolean(e.optional);
        const a = e.type === 'CallExpression' ? this.assertionCall(e, st.unit.contextBinding) : null;
        if (a) {
          st.assertions.push({ call: e, assertion: a, statement: false, cond: callCond });
          for (const arg of e.arguments) {
            this.walkExpr(arg, callCond, st);
          }
          return;
        }
        if (e.type === 'CallExpression' && this.isFrameworkCall(e, st.unit.contextBinding)) {
          return; // a subtest or hook: its callback is not this unit's body
        }
        const callee = e.callee;
        if (callee.type === 'Identifier') {
          const f = this.sameFileFunction(callee);
          if (f) {
            if (!callCond && e.type === 'CallExpression') {
              this.goodRefs.add(callee);
              this.reachFunction(f.fn, false, st);
            } else {
              this.reachFunction(f.fn, true, st);
            }
          } else {
            const helper = this.unseenHelper(callee);
            if (helper) {
              st.reasons.push(helper);
            }
          }
        } else if (callee.type === 'MemberExpression') {
          const helper = this.unseenHelper(callee);
          if (helper) {
            st.reasons.push(helper);
          }
          this.walkExpr(callee, callCond, st);
        } else {
          this.walkExpr(callee, callCond, st);
        }
        for (const arg of e.arguments) {
          this.walkExpr(arg, isFunction(arg) ? true : callCond, st);
        }
        return;
      }
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        this.reachFunction(e, true, st);
        return;
      case 'ClassExpression':
        for (const c of children(e)) {
          this.walkExpr(c, true, st);
        }
        return;
      case 'MethodDefinition':
      case 'PropertyDefinition':
      case 'Property':
        if (e.computed) {
          this.walkExpr(e.key, cond, st);
        }
        this.walkExpr(e.value, cond, st);
        return;
      case 'ClassBody':
        for (const c of e.body) {
          this.walkExpr(c, true, st);
        }
        return;
      case 'StaticBlock':
        this.walkStatements(e.body, true, st);
        return;
      case 'ConditionalExpression':
        this.walkExpr(e.test, cond, st);
        this.walkExpr(e.consequent, true, st);
        this.walkExpr(e.alternate, true, st);
        return;
      case 'LogicalExpression':
        this.walkExpr(e.left, cond, st);
        this.walkExpr(e.right, true, st);
        return;
      case 'ChainExpression':
        this.walkExpr(e.expression, true, st);
        return;
      case 'Identifier': {
        const f = this.sameFileFunction(e);
        if (f) {
          this.reachFunction(f.fn, true, st); // passed as a value: it may run any number of times
        }
        return;
      }
      case 'MemberExpression':
        this.walkExpr(e.object, cond, st);
        if (e.computed) {
          this.walkExpr(e.property, cond, st);
        }
        return;
      default:
        for (const c of children(e)) {
          this.walkExpr(c, cond, st);
        }
    }
  }

  /** A registration or hook call of node:test (or of the test context), whose callbacks are not the unit's body. */
  isFrameworkCall(call, contextBinding) {
    if (this.registration(call, contextBinding ? [contextBinding] : [])) {
      return true;
    }
    const callee = call.callee;
    if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && contextBinding
        && this.refs.get(callee.object) === contextBinding && HOOKS.has(staticKey(callee.property, callee.computed))) {
      return true;
    }
    const api = this.apiOf(callee);
    return Boolean(api && api.mod === 'test');
  }

  // ------------------------------------------------------------------------------------------------------------
  // Constant expressions and their values

  /** The module-level bindings a constant expression depends on, or null when it is not constant. */
  constDeps(node, seen = new Set()) {
    if (!node) {
      return null;
    }
    if (this.constCache.has(node)) {
      return this.constCache.get(node);
    }
    if (seen.has(node)) {
      return null;
    }
    seen.add(node);
    const deps = new Set();
    const all = (nodes) => {
      for (const n of nodes) {
        if (n === null) {
          continue; // an array hole
        }
        const d = this.constDeps(n.type === 'SpreadElement' ? n.argument : n, seen);
        if (d === null) {
          return false;
        }
        d.forEach((x) => deps.add(x));
      }
      return true;
    };
    let ok = false;
    switch (node.type) {
      case 'Literal':
        ok = !node.regex;
        break;
      case 'TemplateLiteral':
        ok = all(node.expressions);
        break;
      case 'ArrayExpression':
        ok = all(node.elements);
        break;
      case 'ObjectExpression':
        ok = node.properties.every((p) => {
          if (p.type === 'SpreadElement') {
            return all([p.argument]);
          }
          if (p.kind !== 'init' || p.method) {
            return false;
          }
          if (p.computed && !all([p.key])) {
            return false;
          }
          if (!p.computed && staticKey(p.key, false) === '__proto__') {
            return false;
          }
          return all([p.value]);
        });
        break;
      case 'UnaryExpression':
        ok = node.operator !== 'delete' && all([node.argument]);
        break;
      case 'BinaryExpression':
        ok = node.left.type !== 'PrivateIdentifier' && all([node.left, node.right]);
        break;
      case 'LogicalExpression':
        ok = all([node.left, node.right]);
        break;
      case 'ConditionalExpression':
        ok = all([node.test, node.consequent, node.alternate]);
        break;
      case 'SequenceExpression':
        ok = all(node.expressions);
        break;
      case 'Identifier': {
        const b = this.refs.get(node);
        if (b === null || b === undefined) {
          ok = b === null && CONSTANT_GLOBALS.has(node.name);
        } else if (this.isModuleConstant(b)) {
          const d = this.constDeps(b.init, seen);
          if (d !== null) {
            d.forEach((x) => deps.add(x));
            deps.add(b);
            ok = true;
          }
        }
        break;
      }
      case 'MemberExpression': {
        const key = staticKey(node.property, node.computed);
        if (!node.optional && node.object.type === 'Identifier' && this.refs.get(node.object) === null) {
          ok = node.object.name === 'Math' && MATH_CONSTANTS.has(key)
            || node.object.name === 'Number' && NUMBER_CONSTANTS.has(key);
        }
        break;
      }
      case 'CallExpression': {
        if (node.optional) {
          break;
        }
        const c = node.callee;
        let pure = false;
        if (c.type === 'Identifier' && this.refs.get(c) === null) {
          pure = PURE_GLOBAL_CALLS.has(c.name);
        } else if (c.type === 'MemberExpression' && !c.optional && c.object.type === 'Identifier' && this.refs.get(c.object) === null) {
          const key = staticKey(c.property, c.computed);
          if (c.object.name === 'Math') {
            pure = typeof Math[key] === 'function' && key !== 'random';
          } else {
            pure = Boolean(PURE_MEMBER_CALLS.get(c.object.name)?.has(key));
          }
        }
        ok = pure && all(node.arguments);
        break;
      }
      default:
        ok = false;
    }
    seen.delete(node);
    const result = ok ? deps : null;
    this.constCache.set(node, result);
    return result;
  }

  isConst(node) {
    return this.constDeps(node) !== null;
  }

  /** A name bound once at the top level of this file and never reassigned. */
  isModuleConstant(b) {
    return b.scope === this.program && b.path === null && b.init && !isFunction(b.init)
      && (b.kind === 'const' || ((b.kind === 'let' || b.kind === 'var') && b.writes.length === 0))
      && b.declNode && b.declNode.id && b.declNode.id.type === 'Identifier';
  }

  text(node) {
    return this.source.slice(node.start, node.end);
  }

  /** Evaluates constant expressions in a fresh context that has nothing but the language's own globals. */
  evaluate(nodes) {
    const deps = new Set();
    for (const n of nodes) {
      const d = this.constDeps(n);
      if (d === null) {
        throw new Error('not a constant expression');
      }
      d.forEach((x) => deps.add(x));
    }
    if (!this.context) {
      this.context = vm.createContext(Object.create(null));
      this.realm = vm.runInContext(
        '({ ArrayPrototype: Array.prototype, ObjectPrototype: Object.prototype, MapPrototype: Map.prototype, SetPrototype: Set.prototype })',
        this.context);
    }
    const ordered = [...deps].sort((a, b) => a.declNode.start - b.declNode.start);
    const declarations = ordered.map((b) => `const ${b.name} = (${this.text(b.init)});\n`).join('');
    const values = nodes.map((n) => `(${this.text(n)})`).join(',\n');
    return vm.runInContext(`(() => {\n${declarations}return [${values}];\n})()`, this.context, { timeout: EVAL_TIMEOUT_MS });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Sealing

  /** A message argument that can be dropped without dropping any effect. */
  safeMessage(node) {
    if (this.isConst(node) || node.type === 'Identifier') {
      return true;
    }
    if (node.type === 'TemplateLiteral') {
      return node.expressions.every((e) => this.safeMessage(e));
    }
    if (node.type === 'BinaryExpression' && node.operator === '+') {
      return this.safeMessage(node.left) && this.safeMessage(node.right);
    }
    return false;
  }

  /** Picks the actual and the expected side of a comparison: exactly one must be constant. */
  sides(a, b) {
    const ca = this.isConst(a);
    const cb = this.isConst(b);
    if (ca && cb) {
      return { both: true, left: a, right: b };
    }
    if (cb) {
      return { actual: a, expected: b };
    }
    if (ca) {
      return { actual: b, expected: a };
    }
    return null;
  }

  /**
   * The sealed shape of an assertion: {kind, actual, expected} (expected null for js.truthy), {trivial: true} for a
   * comparison of constants that holds, or null when it cannot be sealed.
   */
  shape(call, assertion) {
    if (assertion.kind === 'other' || assertion.optional) {
      return null;
    }
    const args = call.arguments;
    if (args.some((a) => a.type === 'SpreadElement')) {
      return null;
    }
    const truthyForm = assertion.kind === 'console' || assertion.method === null || assertion.method === 'ok';
    if (truthyForm) {
      if (args.length < 1 || !args.slice(1).every((m) => this.safeMessage(m))) {
        return null;
      }
      const a = args[0];
      if (a.type === 'BinaryExpression' && OPERATOR_KINDS[a.operator]) {
        const s = this.sides(a.left, a.right);
        if (s && s.both) {
          return this.holds(() => this.evaluate([a])[0]);
        }
        if (s) {
          return { kind: OPERATOR_KINDS[a.operator], actual: s.actual, expected: s.expected };
        }
      }
      if (this.isConst(a)) {
        return this.holds(() => this.evaluate([a])[0]);
      }
      return { kind: 'js.truthy', actual: a, expected: null };
    }
    const kind = (assertion.strict ? STRICT_KINDS : LEGACY_KINDS)[assertion.method];
    if (!kind || args.length < 2 || args.length > 3 || (args.length === 3 && !this.safeMessage(args[2]))) {
      return null;
    }
    const s = this.sides(args[0], args[1]);
    if (!s) {
      return null;
    }
    if (s.both) {
      return this.holds(() => {
        const [x, y] = this.evaluate([s.left, s.right]);
        switch (kind) {
          case 'js.strict':
            return Object.is(x, y);
          case 'js.loose':
            return x == y; // eslint-disable-line eqeqeq
          case 'js.notStrict':
            return !Object.is(x, y);
          case 'js.deepStrict':
            return util.isDeepStrictEqual(x, y);
          default:
            return false;
        }
      });
    }
    return { kind, actual: s.actual, expected: s.expected };
  }

  holds(check) {
    try {
      return check() ? { trivial: true } : null;
    } catch {
      return null;
    }
  }

  /** The function whose body directly holds `node` (its nearest enclosing function), or null at the top level. */
  enclosingFunction(node) {
    for (let p = this.parents.get(node); p; p = this.parents.get(p)) {
      if (isFunction(p)) {
        return p;
      }
    }
    return null;
  }

  /** Whether every reference to the function (by name) is an unconditional call from some unit's reach. */
  onlyCalledUnconditionally(fn, unitFunctions) {
    if (unitFunctions.has(fn)) {
      // A test's own callback; when passed by name, its other references count like any other.
      const b = this.bindingOfFunction(fn);
      return !b || b.references.every((r) => this.goodRefs.has(r));
    }
    const b = this.bindingOfFunction(fn);
    if (!b) {
      return false; // an anonymous function that is not a test callback: a callback of something else
    }
    return b.references.length > 0 && b.references.every((r) => this.goodRefs.has(r));
  }

  bindingOfFunction(fn) {
    if (fn.type === 'FunctionDeclaration' && fn.id) {
      return this.refs.get(fn.id) || null;
    }
    const parent = this.parents.get(fn);
    if (parent && parent.type === 'VariableDeclarator' && parent.init === fn && parent.id.type === 'Identifier') {
      const b = this.refs.get(parent.id);
      return b && this.sameFileFunction(parent.id) ? b : null;
    }
    return null;
  }

  /** Whether the file loads node:test at all (then a file without listable tests is one `file` unit). */
  importsNodeTest() {
    let found = false;
    const visit = (n) => {
      if (found || !n || typeof n.type !== 'string') {
        return;
      }
      if ((n.type === 'ImportDeclaration' || n.type === 'ImportExpression') && staticKey(n.source, true) === 'node:test'
          || n.type === 'CallExpression' && this.requireSource(n) === 'node:test') {
        found = true;
        return;
      }
      children(n).forEach(visit);
    };
    visit(this.ast);
    return found;
  }

  analyze() {
    this.processRegistrations(this.ast.body, null, false, []);
    if (this.source.includes(PROBE_NAME) && !this.computed) {
      this.computed = `the file mentions ${PROBE_NAME} itself`;
    }
    if (this.computed) {
      return { units: [fileUnit(this.rel)], expectations: {}, rewritten: null, error: null, note: this.computed };
    }
    if (this.units.length === 0) {
      return { units: this.importsNodeTest() ? [fileUnit(this.rel)] : [], expectations: {}, rewritten: null, error: null };
    }
    const reaches = this.units.map((u) => ({ unit: u, st: this.reach(u) }));
    const unitFunctions = new Set(this.units.map((u) => u.fn).filter(Boolean));

    // Every place each assertion is reached from, over all units.
    const byCall = new Map();
    for (const { st } of reaches) {
      for (const r of st.assertions) {
        const entry = byCall.get(r.call) || { call: r.call, assertion: r.assertion, statement: r.statement, cond: false };
        entry.cond = entry.cond || r.cond;
        entry.statement = entry.statement && r.statement;
        byCall.set(r.call, entry);
      }
    }
    // Decide which assertions are sealed, in source order so probe ids follow the file.
    const sealed = new Map(); // call -> {id, shape}
    const trivial = new Set();
    const why = new Map(); // call -> why it is not sealed
    const expectations = {};
    const calls = [...byCall.values()].sort((a, b) => a.call.start - b.call.start);
    for (const entry of calls) {
      if (entry.cond) {
        why.set(entry.call, 'runs conditionally (in a branch, loop, try block or callback)');
        continue;
      }
      if (!entry.statement) {
        why.set(entry.call, 'is part of a larger expression');
        continue;
      }
      const fn = this.enclosingFunction(entry.call);
      if (!fn || !this.onlyCalledUnconditionally(fn, unitFunctions)) {
        why.set(entry.call, 'is in a function that also runs from elsewhere');
        continue;
      }
      const s = this.shape(entry.call, entry.assertion);
      if (!s) {
        why.set(entry.call, 'has no sealable shape with exactly one constant side');
        continue;
      }
      if (s.trivial) {
        trivial.add(entry.call);
        continue;
      }
      let expected = null;
      if (s.expected) {
        try {
          expected = canon.encode(this.evaluate([s.expected])[0], { realm: this.realm });
        } catch {
          why.set(entry.call, 'has an expected value that cannot be evaluated');
          continue;
        }
        if (expected.t === 'object') {
          why.set(entry.call, 'expects a value that is not plain data');
          continue; // an expectation that is not plain data could never be met outside
        }
      }
      const id = this.nextProbe();
      sealed.set(entry.call, { id, shape: s });
      const source = this.text(entry.call);
      expectations[String(id)] = {
        kind: s.kind, expected, tolerance: null, path: this.rel, line: entry.call.loc.start.line,
        source: source.length > MAX_SOURCE ? `${source.slice(0, MAX_SOURCE)}…` : source,
      };
    }

    let rewritten = null;
    if (sealed.size > 0) {
      rewritten = this.rewrite(sealed);
      if (rewritten === null) {
        for (const [, { id }] of sealed) {
          delete expectations[String(id)];
        }
        sealed.clear();
      }
    }

    const units = new Map();
    for (const { unit, st } of reaches) {
      const probes = [];
      const reasons = [...st.reasons];
      for (const r of st.assertions) {
        const s = sealed.get(r.call);
        if (s) {
          if (!probes.includes(s.id)) {
            probes.push(s.id);
          }
        } else if (!trivial.has(r.call)) {
          reasons.push(`line ${r.call.loc.start.line}: ${this.text(r.call.callee)} ${why.get(r.call) || 'is not sealed'}`);
        }
      }
      const id = `${this.rel}::${unit.name}`;
      const entry = {
        function: id, file: this.rel, kind: 'exact', skipInSource: unit.skip,
        evidence: probes.length > 0 && reasons.length === 0 ? 'SEALED' : 'IN_PROCESS',
        probes: probes.sort((a, b) => a - b), line: unit.line,
      };
      const previous = units.get(id);
      if (previous) {
        // Two tests of the same name: one unit that both must satisfy.
        previous.skipInSource = previous.skipInSource || entry.skipInSource;
        previous.evidence = previous.evidence === 'SEALED' && entry.evidence === 'SEALED' ? 'SEALED' : 'IN_PROCESS';
        previous.probes = [...new Set([...previous.probes, ...entry.probes])].sort((a, b) => a - b);
      } else {
        units.set(id, entry);
      }
      entry.reasons = reasons;
    }
    return { units: [...units.values()], expectations, rewritten, error: null };
  }

  /**
   * The file with each sealed assertion replaced in place by `__assayProbe(<id>, (<actual>))`, on the same lines:
   * the newlines of the removed text are kept inside the call's parentheses, before and after the actual value, so
   * the actual value and every later line keep their line numbers. Module-level constants used only by the removed
   * expected values are blanked too, so the expected values are nowhere in the test run. Null when the result would
   * not parse or would change the line count (it never should).
   */
  rewrite(sealed) {
    const newlines = (a, b) => this.source.slice(a, b).split('\n').length - 1;
    // The newlines of a removed stretch, and the indentation of its last line, so the actual value keeps its column.
    const padding = (a, b) => {
      const removedText = this.source.slice(a, b);
      const last = removedText.lastIndexOf('\n');
      return last < 0 ? '' : '\n'.repeat(newlines(a, b)) + removedText.slice(last + 1).replace(/[^\t]/g, ' ');
    };
    const edits = [];
    const removed = [];
    for (const [call, { id, shape }] of sealed) {
      const actual = shape.actual;
      const text = `${PROBE_NAME}(${id}, (${padding(call.start, actual.start)}${this.text(actual)})`
        + `${'\n'.repeat(newlines(actual.end, call.end))})`;
      edits.push({ start: call.start, end: call.end, text });
      removed.push([call.start, actual.start], [actual.end, call.end]);
    }
    // Constants whose every use is inside removed text (or inside another constant being blanked).
    const inRemoved = (node, ranges) => ranges.some(([a, b]) => node.start >= a && node.end <= b);
    const candidates = new Set();
    for (const [, { shape }] of sealed) {
      if (shape.expected) {
        (this.constDeps(shape.expected) || new Set()).forEach((b) => candidates.add(b));
      }
    }
    let changed = true;
    while (changed) {
      changed = false;
      const blankRanges = [...candidates].map((b) => [b.init.start, b.init.end]);
      for (const b of candidates) {
        if (!b.references.every((r) => r === b.declNode.id || inRemoved(r, removed) || inRemoved(r, blankRanges))) {
          candidates.delete(b);
          changed = true;
        }
      }
    }
    for (const b of candidates) {
      edits.push({ start: b.init.start, end: b.init.end, text: `void 0${'\n'.repeat(newlines(b.init.start, b.init.end))}` });
    }
    edits.sort((a, b) => b.start - a.start);
    let out = this.source;
    for (const e of edits) {
      out = out.slice(0, e.start) + e.text + out.slice(e.end);
    }
    const check = parse(this.acorn, out, this.rel);
    if (check.error || out.split('\n').length !== this.source.split('\n').length) {
      return null;
    }
    return out;
  }
}
