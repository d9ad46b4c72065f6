// kinds.mjs: kind signals of generated files (PROTOCOL.md "Kind signals", the JavaScript column), per kind and
// framework family, with aliases, the SQL text, what must not be signalled, and HumanEval-X's canonical solutions.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import * as acorn from '/usr/share/nodejs/acorn/dist/acorn.mjs';
import { analyzeScopes, parse } from '../../main/resources/dev/assay/harness/js/ast.mjs';
import { kindSignals } from '../../main/resources/dev/assay/harness/js/kinds.mjs';
import { analyze, workspace } from './support.mjs';

function signals(source, rel = 'app.js') {
  const parsed = parse(acorn, source, rel);
  assert.equal(parsed.error, undefined, parsed.error);
  const found = kindSignals({ rel, ast: parsed.ast, scopes: analyzeScopes(parsed.ast) });
  for (const s of found) {
    assert.deepEqual(Object.keys(s).sort(), ['kind', 'line', 'path', 'reason', 'sql']);
    assert.ok(s.path === rel && Number.isInteger(s.line) && s.line > 0 && s.reason, JSON.stringify(s));
  }
  return found;
}

/** [line, reason] (and sql when asked) of every signal of one kind. */
const of = (found, kind, withSql = false) => found.filter((s) => s.kind === kind)
  .map((s) => (withSql ? [s.line, s.reason, s.sql] : [s.line, s.reason]));

describe('kinds: API_ENDPOINT', () => {
  it('Express, through an aliased require, a Router and a route chain', () => {
    const found = signals([
      "const e = require('express');",
      'const app = e();',
      "app.get('/orders/:id', (req, res) => res.json({}));",
      "const router = e.Router();",
      "router.post('/items', function (req, res) {});",
      "app.route('/book').get((q, s) => s.end()).post((q, s) => s.end());",
      'app.listen(3000);',
    ].join('\n'));
    assert.deepEqual(of(found, 'API_ENDPOINT'), [
      [2, 'Express application e()'],
      [3, 'Express route app.get("/orders/:id")'],
      [4, 'Express application e.Router()'],
      [5, 'Express route router.post("/items")'],
      [6, 'Express route app.route(…).get(…).post("/book")'],
      [7, 'Express server app.listen()'],
    ]);
  });

  it('Express as an ES module import, and a named Router import', () => {
    const found = signals("import express, { Router } from 'express';\nconst r = Router();\nr.delete('/x/:id', handler);\n"
      + 'function handler(req, res) {}\nexport default r;\n');
    assert.deepEqual(of(found, 'API_ENDPOINT'), [[2, 'Express application Router()'], [3, 'Express route r.delete("/x/:id")']]);
  });

  it('Koa and its router', () => {
    const found = signals("const Koa = require('koa');\nconst Router = require('@koa/router');\nconst app = new Koa();\n"
      + "const router = new Router();\nrouter.get('/', (ctx) => { ctx.body = 'ok'; });\napp.listen(3000);\n");
    assert.deepEqual(of(found, 'API_ENDPOINT'), [[3, 'Koa application new Koa()'], [4, 'Koa application new Router()'],
      [5, 'Koa route router.get("/")'], [6, 'Koa server app.listen()']]);
  });

  it('Fastify, called on its require and imported', () => {
    assert.deepEqual(of(signals("const fastify = require('fastify')({ logger: true });\n"
      + "fastify.get('/', async () => ({ hello: 'world' }));\n"), 'API_ENDPOINT'),
    [[1, 'Fastify application require(…)()'], [2, 'Fastify route fastify.get("/")']]);
    assert.deepEqual(of(signals("import Fastify from 'fastify';\nconst app = Fastify();\n"
      + "app.route({ method: 'GET', url: '/health', handler: async () => 'ok' });\n"), 'API_ENDPOINT'),
    [[2, 'Fastify application Fastify()'], [3, 'Fastify route app.route("/health")']]);
  });

  it('Hapi', () => {
    assert.deepEqual(of(signals("const Hapi = require('@hapi/hapi');\nconst server = Hapi.server({ port: 3000 });\n"
      + "server.route({ method: 'GET', path: '/orders', handler: () => [] });\n"), 'API_ENDPOINT'),
    [[2, 'Hapi application Hapi.server()'], [3, 'Hapi route server.route("/orders")']]);
  });

  it('node:http, https and http2 servers', () => {
    assert.deepEqual(of(signals("const http = require('node:http');\nhttp.createServer((req, res) => res.end()).listen(8080);\n"),
      'API_ENDPOINT'), [[2, 'node:http server http.createServer()']]);
    assert.deepEqual(of(signals("import { createServer as serve } from 'https';\nserve({}, (req, res) => res.end());\n"),
      'API_ENDPOINT'), [[2, 'node:https server serve()']]);
    assert.deepEqual(of(signals("import * as h2 from 'node:http2';\nconst s = h2.createSecureServer({});\n"), 'API_ENDPOINT'),
      [[2, 'node:http2 server h2.createSecureServer()']]);
  });

  it('an AWS Lambda-style handler, exported', () => {
    assert.deepEqual(of(signals('exports.handler = async (event, context) => ({ statusCode: 200 });\n'), 'API_ENDPOINT'),
      [[1, 'AWS Lambda-style handler handler(event, context)']]);
    assert.deepEqual(of(signals('export async function main(event, context) { return event; }\n'), 'API_ENDPOINT'),
      [[1, 'AWS Lambda-style handler main(event, context)']]);
  });

  it('a route registered on an app of another module, with a path and a handler', () => {
    assert.deepEqual(of(signals("const app = require('./app');\napp.post('/orders', (req, res) => res.status(201).end());\n"),
      'API_ENDPOINT'), [[2, 'route registration app.post("/orders")']]);
  });
});

describe('kinds: DB_QUERY', () => {
  it('pg: a pool query with its SQL, a client query config, and the connection', () => {
    const found = signals([
      "const { Pool, Client } = require('pg');",
      'const pool = new Pool();',
      'async function order(id) {',
      "  return pool.query('SELECT * FROM orders WHERE id = $1', [id]);",
      '}',
      'async function names() {',
      '  const client = await pool.connect();',
      "  return client.query({ text: 'SELECT name ' + 'FROM users', values: [] });",
      '}',
    ].join('\n'));
    assert.deepEqual(of(found, 'DB_QUERY', true), [
      [2, 'pg connection new Pool()', null],
      [4, 'pg pool.query()', 'SELECT * FROM orders WHERE id = $1'],
      [7, 'pg connection pool.connect()', null],
      [8, 'pg client.query()', 'SELECT name FROM users'],
    ]);
  });

  it('mysql2/promise, sqlite3 and better-sqlite3', () => {
    assert.deepEqual(of(signals("const mysql = require('mysql2/promise');\nasync function f(id) {\n"
      + '  const conn = await mysql.createConnection({});\n'
      + "  return conn.execute('SELECT * FROM users WHERE id = ?', [id]);\n}\n"), 'DB_QUERY', true), [
      [3, 'mysql2/promise connection mysql.createConnection()', null],
      [4, 'mysql2/promise conn.execute()', 'SELECT * FROM users WHERE id = ?']]);
    assert.deepEqual(of(signals("const sqlite3 = require('sqlite3').verbose();\nconst db = new sqlite3.Database(':memory:');\n"
      + "db.all('SELECT id FROM events', (err, rows) => {});\n"), 'DB_QUERY', true), [
      [2, 'sqlite3 connection new sqlite3.Database()', null], [3, 'sqlite3 db.all()', 'SELECT id FROM events']]);
    assert.deepEqual(of(signals("import Database from 'better-sqlite3';\nconst db = new Database('app.db');\n"
      + "export const name = (id) => db.prepare('SELECT name FROM users WHERE id = ?').get(id);\n"), 'DB_QUERY', true), [
      [2, 'better-sqlite3 connection new Database()', null],
      [3, 'better-sqlite3 db.prepare()', 'SELECT name FROM users WHERE id = ?']]);
  });

  it('knex.raw, a constant, and a statement built at run time', () => {
    const found = signals("const knex = require('knex')({ client: 'pg' });\nconst SQL = 'DELETE FROM sessions WHERE expired';\n"
      + 'async function clean() {\n  await knex.raw(SQL);\n}\n'
      + 'function any(table) {\n  return knex.raw(`SELECT * FROM ${table}`);\n}\n');
    assert.deepEqual(of(found, 'DB_QUERY', true), [[1, 'knex connection require(…)()', null],
      [4, 'knex knex.raw()', 'DELETE FROM sessions WHERE expired'], [7, 'knex knex.raw()', null]]);
  });

  it('statements built at run time: no sql, DDL still a migration', () => {
    const found = signals([
      'async function f(db, name, table) {',
      "  await db.query(`SELECT * FROM users WHERE name = '${name}'`);",
      "  await db.query('UPDATE ' + table + ' SET flag = 1');",
      '  await db.query(`DROP TABLE ${table}`);',
      '}',
    ].join('\n'));
    assert.deepEqual(found.map((s) => [s.kind, s.line, s.reason, s.sql]), [
      ['DB_QUERY', 2, 'db.query() of an SQL statement built at run time', null],
      ['DB_QUERY', 3, 'db.query() of an SQL statement built at run time', null],
      ['MIGRATION', 4, 'DDL handed to the database: db.query() of an SQL statement built at run time', null],
    ]);
  });

  it('a receiver the file does not resolve, handed a literal statement', () => {
    assert.deepEqual(of(signals("async function f(db) {\n  return db.query('SELECT id FROM users WHERE active');\n}\n"),
      'DB_QUERY', true), [[2, 'db.query() of an SQL statement', 'SELECT id FROM users WHERE active']]);
  });
});

describe('kinds: MIGRATION', () => {
  it('Knex: exports.up and exports.down, and their schema steps', () => {
    const found = signals([
      'exports.up = function (knex) {',
      "  return knex.schema.createTable('users', (t) => { t.increments('id'); });",
      '};',
      'exports.down = function (knex) {',
      "  return knex.schema.dropTable('users');",
      '};',
    ].join('\n'), 'migrations/20240101_users.js');
    assert.deepEqual(of(found, 'MIGRATION'), [[1, 'Knex/Sequelize migration (exports up and down)'],
      [2, 'migration step knex.schema.createTable'], [5, 'migration step knex.schema.dropTable']]);
  });

  it('Sequelize: module.exports = { up, down } with queryInterface', () => {
    const found = signals([
      'module.exports = {',
      '  async up(queryInterface, Sequelize) {',
      "    await queryInterface.addColumn('users', 'age', { type: Sequelize.INTEGER });",
      '  },',
      '  async down(queryInterface) {',
      "    await queryInterface.removeColumn('users', 'age');",
      '  },',
      '};',
    ].join('\n'));
    assert.deepEqual(of(found, 'MIGRATION'), [[2, 'Knex/Sequelize migration (exports up and down)'],
      [3, 'migration step queryInterface.addColumn'], [6, 'migration step queryInterface.removeColumn']]);
  });

  it('ES module up/down with raw DDL, and a Sequelize query interface', () => {
    const found = signals("export async function up(knex) {\n  await knex.raw('ALTER TABLE t ADD COLUMN c int');\n}\n"
      + "export async function down(knex) {\n  await knex.raw('ALTER TABLE t DROP COLUMN c');\n}\n");
    assert.deepEqual(of(found, 'MIGRATION', true), [[1, 'Knex/Sequelize migration (exports up and down)', null],
      [2, 'migration step knex.raw', 'ALTER TABLE t ADD COLUMN c int'], [5, 'migration step knex.raw', 'ALTER TABLE t DROP COLUMN c']]);
    assert.deepEqual(of(signals("const { Sequelize } = require('sequelize');\nconst s = new Sequelize('sqlite::memory:');\n"
      + "s.getQueryInterface().dropTable('users');\n"), 'MIGRATION'), [[3, 'Sequelize queryInterface.dropTable']]);
  });

  it('DDL handed to a client, and knex.schema outside a migration', () => {
    const found = signals("const { Client } = require('pg');\nconst c = new Client();\n"
      + "c.query('CREATE TABLE IF NOT EXISTS orders (id serial)');\n"
      + "const knex = require('knex')({});\nknex.schema.dropTable('legacy');\n");
    assert.deepEqual(of(found, 'MIGRATION', true), [
      [3, 'DDL handed to the database: pg c.query()', 'CREATE TABLE IF NOT EXISTS orders (id serial)'],
      [5, 'Knex knex.schema.dropTable', null]]);
  });
});

describe('kinds: INFRASTRUCTURE', () => {
  it('AWS SDK v3 and v2, Google Cloud, Azure and the Kubernetes client', () => {
    assert.deepEqual(of(signals("const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');\n"
      + 'const s3 = new S3Client({});\nawait s3.send(new PutObjectCommand({}));\n', 'upload.mjs'), 'INFRASTRUCTURE'), [
      [2, 'AWS SDK call new S3Client() (@aws-sdk/client-s3)'], [3, 'AWS SDK call s3.send() (@aws-sdk/client-s3)']]);
    assert.deepEqual(of(signals("const AWS = require('aws-sdk');\nnew AWS.EC2().terminateInstances({ InstanceIds: ids });\n"),
      'INFRASTRUCTURE'), [[2, 'AWS SDK call new AWS.EC2(…).terminateInstances() (aws-sdk)']]);
    assert.deepEqual(of(signals("import { Storage } from '@google-cloud/storage';\nnew Storage().bucket('b');\n"),
      'INFRASTRUCTURE'), [[2, 'Google Cloud call new Storage(…).bucket() (@google-cloud/storage)']]);
    assert.deepEqual(of(signals("import { BlobServiceClient as B } from '@azure/storage-blob';\nB.fromConnectionString(cs);\n"),
      'INFRASTRUCTURE'), [[2, 'Azure SDK call B.fromConnectionString() (@azure/storage-blob)']]);
    assert.deepEqual(of(signals("const k8s = require('@kubernetes/client-node');\nconst kc = new k8s.KubeConfig();\n"
      + 'kc.loadFromDefault();\n'), 'INFRASTRUCTURE'), [
      [2, 'Kubernetes client call new k8s.KubeConfig() (@kubernetes/client-node)'],
      [3, 'Kubernetes client call kc.loadFromDefault() (@kubernetes/client-node)']]);
  });

  it('child_process running the tools', () => {
    assert.deepEqual(of(signals("const { execSync } = require('child_process');\nexecSync('kubectl apply -f deploy.yaml');\n"),
      'INFRASTRUCTURE'), [[2, 'child_process.execSync runs kubectl']]);
    assert.deepEqual(of(signals("import { spawn as run } from 'node:child_process';\nrun('terraform', ['apply']);\n"),
      'INFRASTRUCTURE'), [[2, 'child_process.spawn runs terraform']]);
    assert.deepEqual(of(signals("const cp = require('child_process');\ncp.execFile('/usr/local/bin/helm', ['install']);\n"),
      'INFRASTRUCTURE'), [[2, 'child_process.execFile runs helm']]);
  });
});

describe('kinds: what is none of them', () => {
  it('clients, caches, plain code, other exports, processes and modules give no signal', () => {
    for (const source of [
      // clients and caches, a path without a handler, handlers by name only
      "const axios = require('axios');\naxios.get('/orders', { params: { id: 1 } }).then((r) => r.data);\n",
      "fetch('/orders').then((r) => r.json());\n",
      "const http = require('http');\nhttp.get('http://localhost/orders', (res) => res.resume());\n",
      "const cache = new Map();\ncache.get('/orders');\n",
      "function load(cache) { return cache.get('/orders', () => compute()); }\n",
      "const app = require('./app');\napp.get('orders', (req, res) => {});\n",
      'function handler(event, context) { return event; }\n',
      'exports.handler = (event, ctx, extra) => event;\n',
      "const app = { get() {} };\napp.get('/x');\n",
      // statement methods without a database client or an SQL literal
      "function f(db) { return db.get('user:1'); }\n",
      "function f(redis) { return redis.get('SELECT'); }\n",
      "function f(runner) { return runner.run('build --prod'); }\n",
      'function f(client, sql) { return client.query(sql); }\n',
      "function f(db) { return db.collection('users').find({}); }\n",
      "const re = /select/; 'select all'.match(re);\n",
      // exports that are not migrations
      'exports.up = () => 1;\n',
      'module.exports = { up: 1, down: 2 };\n',
      'export function up(x) { return x + 1; }\n',
      // processes and modules that are not infrastructure
      "const { execSync } = require('child_process');\nexecSync('ls -la');\n",
      "const { spawn } = require('child_process');\nconst go = (cmd) => spawn(cmd);\n",
      "const aws4 = require('aws4');\naws4.sign({});\n",
      "const docker = 'kubectl';\nconsole.log(docker);\n",
    ]) {
      assert.deepEqual(signals(source), [], `no signal expected for: ${source}`);
    }
  });
});

describe('kinds: the analysis run', () => {
  it('reports signals of generated files, generated tests included, and none of request files', () => {
    const server = "const http = require('http');\nconst { test } = require('node:test');\n"
      + "test('serves', () => { http.createServer((q, s) => s.end()).listen(0).close(); });\n";
    const root = workspace({
      'app.js': "const { Pool } = require('pg');\nmodule.exports = (p = new Pool()) => p.query('SELECT 1 FROM t');\n",
      'server.test.js': server,
      'request.test.js': server,
      'db.js': "const { Pool } = require('pg');\nnew Pool().query('DROP TABLE t');\n",
    });
    const run = analyze(root, { requestTests: ['request.test.js'], requestFiles: ['request.test.js', 'db.js'],
      generated: ['app.js', 'server.test.js'] });
    assert.ok(run.report, run.stderr);
    assert.deepEqual(run.report.signals.map((s) => [s.path, s.kind, s.line]),
      [['app.js', 'DB_QUERY', 2], ['server.test.js', 'API_ENDPOINT', 3]]);
    assert.equal(run.report.signals[0].sql, 'SELECT 1 FROM t');
  });

  it('a plain library function gives none', () => {
    assert.deepEqual(signals("'use strict';\n/** Select the values. */\nfunction mean(xs) {\n"
      + '  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;\n}\nmodule.exports = { mean };\n'), []);
  });
});

describe('kinds: HumanEval-X', () => {
  const dataset = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/benchmarks/humaneval-x/humaneval_js.jsonl.gz');
  it('no canonical solution (as the generated he_N.js) and no test gives a signal', { skip: !fs.existsSync(dataset) && `no ${dataset}` }, () => {
    const rows = zlib.gunzipSync(fs.readFileSync(dataset)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rows.length, 164);
    const found = [];
    for (const row of rows) {
      const number = row.task_id.split('/')[1];
      const names = [...row.prompt.matchAll(/^(?:const|let|var|function)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
      const solution = `${row.prompt}${row.canonical_solution}\nmodule.exports = { ${names.join(', ')} };\n`;
      for (const [rel, source] of [[`he_${number}.js`, solution], [`he_${number}.test.js`, row.test]]) {
        found.push(...signals(source, rel).map((s) => `${row.task_id}: ${JSON.stringify(s)}`));
      }
    }
    assert.deepEqual(found, []);
  });
});
