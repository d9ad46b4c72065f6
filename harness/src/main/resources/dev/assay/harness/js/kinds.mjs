// Kind signals of one generated JavaScript file (harness/PROTOCOL.md "Kind signals", the JavaScript column), from
// acorn's AST with the names tamper.mjs's Resolver gives (in its `calls` mode, so `const app = express()` makes
// `app.get` denote `m:express().get`): HTTP endpoints (Express, Koa, Fastify and Hapi routes, node:http servers),
// database queries (pg, mysql, sqlite3, better-sqlite3, knex, … clients, with the SQL when a literal is handed over),
// migrations (Knex and Sequelize `up`/`down` exports and what they call, DDL handed to a client) and infrastructure
// (AWS, Google Cloud, Azure and Kubernetes SDKs, `child_process` running their command-line tools).
//
// Names alone never make a signal: a framework or client object must come from its module, a call on anything else
// must be handed an SQL statement (a literal, or literal SQL around parts built at run time), or register a route with
// a path and a handler function. One signal per kind and line.
import { children, isFunction } from './ast.mjs';
import { Resolver } from './tamper.mjs';

const API = 'API_ENDPOINT';
const QUERY = 'DB_QUERY';
const MIGRATION = 'MIGRATION';
const INFRASTRUCTURE = 'INFRASTRUCTURE';
const MAX_REASON = 200;
const MAX_SQL = 10000;

/** Application and router factories (called or constructed): their results' route methods are endpoints. */
const APPS = new Map([
  ['m:express', 'Express'], ['m:express.Router', 'Express'], ['m:koa', 'Koa'], ['m:@koa/router', 'Koa'],
  ['m:koa-router', 'Koa'], ['m:fastify', 'Fastify'], ['m:fastify.fastify', 'Fastify'], ['m:@hapi/hapi.server', 'Hapi'],
  ['m:@hapi/hapi.Server', 'Hapi'], ['m:restify.createServer', 'restify'],
]);
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'delete', 'del', 'patch', 'head', 'options', 'all', 'route',
  'listen']);
/** Route registrations on a receiver this file does not resolve (an app of another module): with a path and a handler. */
const ROUTE_VERBS = new Set(['get', 'post', 'put', 'delete', 'patch', 'all']);
const SERVERS = new Map([
  ['m:http.createServer', 'node:http'], ['m:http.Server', 'node:http'], ['m:https.createServer', 'node:https'],
  ['m:https.Server', 'node:https'], ['m:http2.createServer', 'node:http2'], ['m:http2.createSecureServer', 'node:http2'],
  ['m:net.createServer', 'node:net'],
]);

/** Database client modules. */
const DB_MODULES = ['pg', 'pg-pool', 'postgres', 'mysql', 'mysql2', 'mysql2/promise', 'sqlite3', 'sqlite', 'better-sqlite3',
  'knex', 'mssql', 'oracledb', 'sequelize'];
const QUERY_METHODS = new Set(['query', 'execute', 'exec', 'run', 'all', 'get', 'each', 'prepare', 'raw', 'unsafe']);
const CONNECT_NAMES = new Set(['Pool', 'Client', 'createConnection', 'createPool', 'Database', 'connect', 'open',
  'Sequelize']);
/** Statement methods on receivers this file does not resolve: a query when handed a literal SQL statement. */
const STATEMENT_METHODS = new Set(['query', 'execute', 'exec', 'run', 'all', 'get', 'each', 'prepare', 'raw']);

const INFRASTRUCTURE_MODULES = [
  [/^aws-sdk(\/|$)|^@aws-sdk\//, 'AWS SDK'], [/^@google-cloud\//, 'Google Cloud'], [/^@azure\//, 'Azure SDK'],
  [/^@kubernetes\/client-node$/, 'Kubernetes client'],
];
const PROCESS_CALLS = new Set(['exec', 'execSync', 'execFile', 'execFileSync', 'spawn', 'spawnSync']);
const INFRASTRUCTURE_TOOLS = new Set(['kubectl', 'terraform', 'terragrunt', 'helm', 'docker', 'docker-compose', 'podman',
  'aws', 'gcloud', 'gsutil', 'az', 'eksctl', 'kustomize', 'pulumi', 'oc']);

const COMMENTS = String.raw`(?:\s|--[^\n]*(?:\n|$)|/\*[\s\S]*?\*/)*`;
/** A literal that is an SQL statement, in the shapes that are not English: SELECT … FROM, INSERT INTO, UPDATE … SET, … */
const SQL_STATEMENT = new RegExp(`^${COMMENTS}(?:select\\s(?:[\\s\\S]*?\\sfrom\\s|\\s*[\\d*'(])|insert\\s+(?:or\\s+\\w+\\s+)?into\\s`
  + String.raw`|update\s+[\w."\x60\[\]]+\s+set\s|delete\s+from\s|replace\s+into\s|merge\s+into\s|upsert\s`
  + String.raw`|with\s+(?:recursive\s+)?[\w"]+\s*(?:\([^)]*\)\s*)?as\s*\(`
  + String.raw`|(?:create|drop)\s+(?:or\s+replace\s+)?(?:(?:temp|temporary|unique|materialized|virtual)\s+)*`
  + String.raw`(?:table|index|view|schema|database|sequence|trigger|type|extension|function|procedure)\s`
  + String.raw`|alter\s+(?:table|index|view|schema|database|sequence|type)\s|truncate\s+(?:table\s+)?[\w"\x60]|pragma\s+\w)`, 'i');
const DDL = new RegExp(`(?:^|;)${COMMENTS}(?:create|alter|drop|truncate|rename)\\s`, 'i');

export const isSql = (text) => typeof text === 'string' && SQL_STATEMENT.test(text);
export const isDdl = (text) => typeof text === 'string' && DDL.test(text);

/**
 * @param {object} options
 * @param {string} options.rel    the generated file, workspace-relative
 * @param {object} options.ast    acorn's AST of it
 * @param {object} options.scopes analyzeScopes(ast)
 * @returns {object[]} signals
 */
export function kindSignals({ rel, ast, scopes }) {
  return new KindSignals(rel, ast, scopes).run();
}

/** `m:<module>` (with its members or call results) when `p` is rooted at a module the test accepts, else null. */
function moduleOf(p, accepts) {
  if (p === null || !p.startsWith('m:')) {
    return null;
  }
  const spec = Resolver.specifierOf(p.split('()')[0]);
  return accepts(spec) ? spec : null;
}

/** `app.get`, `new Pool`, `db.prepare(…).all`: an expression as written, shortened. */
function shown(node, depth = 0) {
  if (!node || depth > 12) {
    return '…';
  }
  switch (node.type) {
    case 'Identifier':
      return node.name;
    case 'ThisExpression':
      return 'this';
    case 'MemberExpression':
      return `${shown(node.object, depth + 1)}${node.computed ? '[…]' : `.${node.property.name}`}`;
    case 'CallExpression':
      return `${shown(node.callee, depth + 1)}(…)`;
    case 'NewExpression':
      return `new ${shown(node.callee, depth + 1)}(…)`;
    case 'AwaitExpression':
      return shown(node.argument, depth + 1);
    case 'ChainExpression':
      return shown(node.expression, depth + 1);
    default:
      return '…';
  }
}

class KindSignals {
  constructor(rel, ast, scopes) {
    this.rel = rel;
    this.ast = ast;
    this.names = new Resolver(ast, scopes, { calls: true });
    this.found = new Map();
  }

  add(kind, node, reason, sql = null) {
    const line = node && node.loc ? node.loc.start.line : null;
    const text = sql !== null && sql.length > MAX_SQL ? `${sql.slice(0, MAX_SQL - 1)}…` : sql;
    const key = `${kind}:${line}`;
    const known = this.found.get(key);
    if (!known || (known.sql === null && text !== null)) {
      this.found.set(key, { kind, path: this.rel, line, reason: reason.slice(0, MAX_REASON), sql: text });
    }
  }

  run() {
    this.migrationExports();
    const visit = (n) => {
      if (!n || typeof n.type !== 'string') {
        return;
      }
      if (n.type === 'CallExpression' || n.type === 'NewExpression') {
        this.call(n);
      } else if (isFunction(n)) {
        this.lambdaHandler(n);
      }
      for (const c of children(n)) {
        visit(c);
      }
    };
    visit(this.ast);
    return [...this.found.values()].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.kind.localeCompare(b.kind));
  }

  // ------------------------------------------------------------------------------------------------------------
  // Arguments

  /** The string a node always is (a literal, a template or `+` of those, a constant name), or null. */
  literal(node) {
    if (!node || (node.type === 'Literal' && typeof node.value !== 'string')) {
      return null;
    }
    return this.names.constString(node);
  }

  /** The property `key` of an object literal argument, or null. */
  property(node, keys) {
    if (!node || node.type !== 'ObjectExpression') {
      return null;
    }
    const found = node.properties.find((p) => p.type === 'Property' && keys.includes(this.names.key(p.key, p.computed)));
    return found ? found.value : null;
  }

  /**
   * The statement handed to a call (its first argument, or the `text`/`sql` of a query config object): `sql`, its text
   * when it is a literal, else null; `shape`, its text with `x` for each part built at run time (template
   * placeholders, `+`), or null when nothing of it is literal.
   */
  statement(call) {
    const first = call.arguments[0];
    const arg = first && first.type === 'ObjectExpression' ? this.property(first, ['text', 'sql']) : first;
    const sql = this.literal(arg);
    return { sql, shape: sql ?? this.shape(arg) };
  }

  shape(node, depth = 0) {
    if (!node || depth > 20) {
      return null;
    }
    const text = this.literal(node);
    if (text !== null) {
      return text;
    }
    if (node.type === 'TemplateLiteral') {
      return node.quasis.map((q) => q.value.cooked ?? q.value.raw).join('x');
    }
    if (node.type === 'BinaryExpression' && node.operator === '+') {
      return (this.shape(node.left, depth + 1) ?? 'x') + (this.shape(node.right, depth + 1) ?? 'x');
    }
    return null;
  }

  /** A route's path: the first argument, an options object's `path`/`url`, or the path of `.route('/x').get(…)`. */
  routePath(call) {
    for (let c = call; c && c.type === 'CallExpression'; c = c.callee.type === 'MemberExpression' ? c.callee.object : null) {
      const first = c.arguments[0];
      const found = this.literal(first) ?? this.literal(this.property(first, ['path', 'url']));
      const method = c.callee.type === 'MemberExpression' ? this.names.key(c.callee.property, c.callee.computed) : null;
      if (found !== null || method === 'route' || !ROUTE_METHODS.has(method)) {
        return found;
      }
    }
    return null;
  }

  /** A function expression that takes a request (or a context), or a name bound to a function of this file. */
  isHandler(node) {
    if (isFunction(node)) {
      return node.params.length > 0;
    }
    const b = node && node.type === 'Identifier' ? this.names.refs.get(node) : null;
    return Boolean(b && (b.kind === 'function' || isFunction(b.init)));
  }

  described(call, withPath = true) {
    const path = withPath ? this.routePath(call) : null;
    const text = shown(call.callee);
    const head = call.type === 'NewExpression' ? `new ${text}` : text;
    return path !== null ? `${head}(${JSON.stringify(path.length > 60 ? `${path.slice(0, 59)}…` : path)})` : `${head}()`;
  }

  // ------------------------------------------------------------------------------------------------------------
  // What a call is

  call(node) {
    const p = this.names.resolve(node.callee);
    if (this.serving(node, p) || this.database(node, p) || this.infrastructure(node, p)) {
      return;
    }
    this.unresolved(node, p);
  }

  serving(node, p) {
    if (p === null) {
      return false;
    }
    const server = SERVERS.get(p);
    if (server) {
      this.add(API, node, `${server} server ${this.described(node, false)}`);
      return true;
    }
    if (APPS.has(p)) {
      this.add(API, node, `${APPS.get(p)} application ${this.described(node, false)}`);
      return true;
    }
    const cut = p.indexOf('()');
    const ctor = cut < 0 ? null : p.slice(0, cut);
    // `app.route('/x').get(h).post(h)`: the chain's own route calls are part of the route
    const rest = cut < 0 ? '' : p.slice(cut + 2).replace(/\.(\w+)\(\)/g, (m, v) => (ROUTE_METHODS.has(v) ? '' : m));
    const method = rest.slice(rest.lastIndexOf('.') + 1);
    if (APPS.has(ctor) && rest.startsWith('.') && !rest.includes('()') && ROUTE_METHODS.has(method)) {
      this.add(API, node, `${APPS.get(ctor)} ${method === 'listen' ? 'server' : 'route'} ${this.described(node, method !== 'listen')}`);
      return true;
    }
    return false;
  }

  database(node, p) {
    const module = moduleOf(p, (spec) => DB_MODULES.includes(spec));
    if (module === null) {
      return false;
    }
    const method = p.slice(p.lastIndexOf('.') + 1);
    if (p.includes('.getQueryInterface()')) {
      this.add(MIGRATION, node, `Sequelize queryInterface.${method}`);
    } else if (module === 'knex' && /^m:knex\(\)\.schema\./.test(p)) {
      this.add(MIGRATION, node, `Knex ${shown(node.callee)}`);
    } else if (p.includes('()') && QUERY_METHODS.has(method)) {
      this.query(node, `${module} ${this.described(node, false)}`, this.statement(node));
    } else if (p === `m:${module}` || CONNECT_NAMES.has(method)) {
      this.add(QUERY, node, `${module} connection ${this.described(node, false)}`);
    } else {
      return false;
    }
    return true;
  }

  /** A statement handed to the database: a migration when it is DDL (also when built at run time). */
  query(node, reason, { sql, shape }) {
    if (isDdl(shape)) {
      this.add(MIGRATION, node, `DDL handed to the database: ${reason}`, sql);
    } else {
      this.add(QUERY, node, reason, sql);
    }
  }

  infrastructure(node, p) {
    let label = null;
    const module = moduleOf(p, (spec) => INFRASTRUCTURE_MODULES.some(([re, l]) => re.test(spec) && (label = l)));
    if (module !== null) {
      this.add(INFRASTRUCTURE, node, `${label} call ${this.described(node, false)} (${module})`);
      return true;
    }
    if (p !== null && p.startsWith('m:child_process.') && PROCESS_CALLS.has(p.slice('m:child_process.'.length))) {
      const words = (this.literal(node.arguments[0]) || '').trim().split(/\s+/);
      while (words.length > 1 && (words[0].includes('=') || ['sudo', 'env', 'exec'].includes(words[0]))) {
        words.shift();
      }
      const tool = words[0].slice(words[0].lastIndexOf('/') + 1);
      if (INFRASTRUCTURE_TOOLS.has(tool)) {
        this.add(INFRASTRUCTURE, node, `child_process.${p.slice('m:child_process.'.length)} runs ${tool}`);
      }
      return true;
    }
    return false;
  }

  /** Receivers this file does not resolve to a known module (or resolves to a workspace module). */
  unresolved(node, p) {
    const callee = node.callee;
    const workspaceModule = p !== null && p.startsWith('m:') && /^\.{1,2}\//.test(Resolver.specifierOf(p));
    if (node.type !== 'CallExpression' || callee.type !== 'MemberExpression' || (p !== null && !workspaceModule)) {
      return;
    }
    const method = this.names.key(callee.property, callee.computed);
    if (STATEMENT_METHODS.has(method)) {
      const statement = this.statement(node);
      if (isSql(statement.shape)) {
        this.query(node, `${shown(callee)}() of an SQL statement${statement.sql === null ? ' built at run time' : ''}`, statement);
        return;
      }
    }
    const path = this.literal(node.arguments[0]);
    if (ROUTE_VERBS.has(method) && path !== null && path.startsWith('/') && node.arguments.slice(1).some((a) => this.isHandler(a))) {
      this.add(API, node, `route registration ${this.described(node)}`);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Declarations

  /** The function a module export named `name` is, with the node to report: exports.up, module.exports = {up}, … */
  exported() {
    const out = new Map();
    const put = (name, fn, at) => {
      if (isFunction(fn) && !out.has(name)) {
        out.set(name, { fn, at });
      }
    };
    for (const statement of this.ast.body) {
      if (statement.type === 'ExportNamedDeclaration' && statement.declaration) {
        const d = statement.declaration;
        if (d.type === 'FunctionDeclaration') {
          put(d.id.name, d, statement);
        } else if (d.type === 'VariableDeclaration') {
          d.declarations.forEach((v) => v.id.type === 'Identifier' && put(v.id.name, v.init, statement));
        }
      }
      const e = statement.type === 'ExpressionStatement' ? statement.expression : null;
      if (!e || e.type !== 'AssignmentExpression' || e.operator !== '=') {
        continue;
      }
      const target = this.names.resolve(e.left);
      if (target === 'g:module.exports' && e.right.type === 'ObjectExpression') {
        for (const prop of e.right.properties) {
          if (prop.type === 'Property') {
            put(this.names.key(prop.key, prop.computed), prop.value, prop);
          }
        }
      } else if (e.left.type === 'MemberExpression' && ['g:exports', 'g:module.exports'].includes(this.names.resolve(e.left.object))) {
        put(this.names.key(e.left.property, e.left.computed), e.right, statement);
      }
    }
    return out;
  }

  /** Knex and Sequelize migrations: a module exporting functions `up` and `down`, and what they do to the schema. */
  migrationExports() {
    this.exports = this.exported();
    const up = this.exports.get('up');
    const down = this.exports.get('down');
    if (!up || !down) {
      return;
    }
    this.add(MIGRATION, up.at, 'Knex/Sequelize migration (exports up and down)');
    for (const { fn } of [up, down]) {
      const param = fn.params[0];
      if (param && param.type === 'Identifier') {
        this.schemaCalls(fn, param);
      }
    }
  }

  /** Calls on a migration function's first parameter (knex, queryInterface): each is a migration step. */
  schemaCalls(fn, param) {
    const binding = this.names.refs.get(param);
    const rootedAtParam = (n) => {
      let o = n;
      while (o && (o.type === 'MemberExpression' || o.type === 'CallExpression')) {
        o = o.type === 'MemberExpression' ? o.object : o.callee;
      }
      return o && o.type === 'Identifier' && this.names.refs.get(o) === binding;
    };
    const visit = (n) => {
      if (!n || typeof n.type !== 'string') {
        return;
      }
      if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && n.callee.object.type !== 'CallExpression'
          && rootedAtParam(n.callee)) {
        const { sql } = this.statement(n);
        this.add(MIGRATION, n, `migration step ${shown(n.callee)}`, isSql(sql) ? sql : null);
      }
      children(n).forEach(visit);
    };
    visit(fn.body);
  }

  /** An AWS Lambda-style handler: an exported function of (event, context). */
  lambdaHandler(fn) {
    const names = fn.params.map((p) => (p.type === 'Identifier' ? p.name : null));
    if (names.length !== 2 || names[0] !== 'event' || names[1] !== 'context') {
      return;
    }
    for (const [name, e] of this.exports) {
      if (e.fn === fn) {
        this.add(API, e.at, `AWS Lambda-style handler ${name}(event, context)`);
      }
    }
  }
}
