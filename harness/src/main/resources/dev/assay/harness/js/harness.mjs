// Assay's JavaScript harness for test and compile runs (harness/PROTOCOL.md), run inside the sandbox as
// `node /opt/assay/harness/js/harness.mjs` with the handshake on standard input and
// NODE_OPTIONS="--max-old-space-size=<n> --require /opt/assay/harness/js/probe.cjs".
//
// This process never loads workspace code: node:test's run() starts every test file in a child process of its own
// and hands back events, so the nonce read from the handshake stays out of reach of the code under test. It is on no
// command line, in no environment variable and in no file; child output passes through this process and can never
// form a record, because a record starts with the nonce.
//
// Test mode: runs the workspace's test files (Node's default patterns, plus the request's test files), turns the
// events into the report's tests, reads the probe values and resource use the test processes left (probe.cjs), and
// writes one REPORT. Compile mode: `node --check` on every .js/.mjs/.cjs file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { readHandshake, recordWriter, SOURCE_FILE, TEST_FILE_NAME, writeFully } from './common.mjs';

const handshake = readHandshake();
const records = recordWriter(handshake.nonce);
records.begin('javascript', handshake.mode);

const MAX_MESSAGE = 2000;
const MAX_PROBES = 200000;
const ROOT = path.resolve(handshake.root);

const RESOURCE_CODES = {
  EAGAIN: 'PIDS', ENOSPC: 'DISK', EFBIG: 'DISK', EDQUOT: 'DISK',
  ENETUNREACH: 'NETWORK', EHOSTUNREACH: 'NETWORK', ENETDOWN: 'NETWORK', EAI_AGAIN: 'NETWORK', ENOTFOUND: 'NETWORK',
};

const report = { tests: [], probes: [], errors: [], integrity: [], usage: null };
let probeDir = null;
const childUsage = { cpuMicros: 0, maxRssKb: 0 };

function finish(error) {
  if (records.reported) {
    return;
  }
  if (error) {
    report.errors.push({ name: 'harness', message: clip(`the harness failed: ${describeValue(error)}`), resource: null });
  }
  try {
    report.usage = usageTotal();
  } catch {
    report.usage = null;
  }
  if (probeDir) {
    try {
      fs.rmSync(probeDir, { recursive: true, force: true });
    } catch {
      // The sandbox's temporary directory goes away with it.
    }
  }
  records.report(report);
}

function clip(text) {
  return text.length > MAX_MESSAGE ? text.slice(0, MAX_MESSAGE) : text;
}

function describeValue(e) {
  if (e instanceof Error) {
    return `${e.name}: ${e.message}`;
  }
  return String(e);
}

function relative(file) {
  return path.relative(ROOT, path.resolve(ROOT, file)).split(path.sep).join('/');
}

/** Every file under `dir`, sorted, skipping node_modules and dot folders. */
function* walk(dir, underTestDir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') {
      continue;
    }
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      yield* walk(full, underTestDir || entry.name === 'test');
    } else if (entry.isFile()) {
      yield { file: full, underTestDir };
    }
  }
}

/** Node 20's default test files (lib/internal/test_runner/utils.js kTestFilePattern, and every file under test/). */
function testFiles() {
  const files = new Set();
  for (const { file, underTestDir } of walk(ROOT, false)) {
    if (TEST_FILE_NAME.test(path.basename(file)) || (underTestDir && SOURCE_FILE.test(file))) {
      files.add(file);
    }
  }
  for (const rel of handshake.requestTests) {
    const full = path.resolve(ROOT, rel);
    if (SOURCE_FILE.test(full) && full.startsWith(ROOT + path.sep) && isFile(full)) {
      files.add(full);
    }
  }
  return [...files].sort();
}

function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Test mode


async function testRun() {
  probeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-probes-'));
  fs.chmodSync(probeDir, 0o700);
  // Inherited by the test processes run() starts (it spawns them with this process's environment). probe.cjs read
  // the variable when it loaded here, before it was set, so this process records nothing itself.
  process.env.ASSAY_PROBE_DIR = probeDir;
  const files = testFiles();
  if (files.length > 0) {
    const { run } = await import('node:test');
    await collect(run({ files, concurrency: 1 }));
  }
  readProbeFiles();
}

function rootCause(error) {
  let e = error;
  for (let i = 0; i < 10 && e && e.cause && (e.code === 'ERR_TEST_FAILURE' || e.failureType); i++) {
    e = e.cause;
  }
  return e;
}

function describeError(error) {
  const e = rootCause(error);
  if (e === undefined || e === null) {
    return null;
  }
  let text;
  try {
    text = e instanceof Error || (typeof e === 'object' && 'message' in e) ? `${e.name || 'Error'}: ${e.message}` : String(e);
  } catch {
    text = 'an error that cannot be described';
  }
  return clip(text);
}

function isAssertion(error) {
  const e = rootCause(error);
  return Boolean(e && typeof e === 'object' && (e.code === 'ERR_ASSERTION' || e.name === 'AssertionError'));
}

function resourceOf(error) {
  const e = rootCause(error);
  if (!e || typeof e !== 'object') {
    return null;
  }
  if (e.name === 'RangeError' && /memory|allocation/i.test(String(e.message))) {
    return 'MEMORY';
  }
  return (typeof e.code === 'string' && RESOURCE_CODES[e.code]) || null;
}

async function collect(events) {
  const stacks = new Map(); // file -> names by nesting, from test:start
  const stderrTail = new Map(); // file -> last output on standard error, for load failures
  for await (const event of events) {
    const data = event.data || {};
    const file = typeof data.file === 'string' ? data.file : '';
    switch (event.type) {
      case 'test:stdout':
        writeFully(1, String(data.message));
        break;
      case 'test:stderr': {
        const message = String(data.message);
        writeFully(2, message);
        const tail = (stderrTail.get(file) || '') + message;
        stderrTail.set(file, tail.length > 4000 ? tail.slice(-4000) : tail);
        break;
      }
      case 'test:start': {
        const stack = stacks.get(file) || [];
        stack.length = data.nesting;
        stack[data.nesting] = String(data.name);
        stacks.set(file, stack);
        break;
      }
      case 'test:pass':
      case 'test:fail':
        onResult(event.type === 'test:pass', data, file, stacks.get(file) || [], stderrTail);
        break;
      default:
        break;
    }
  }
}

function onResult(passed, data, file, stack, stderrTail) {
  const details = data.details || {};
  const rel = file ? relative(file) : '';
  if (data.nesting === 0 && file && data.name === file) {
    // The file's own result: it failed outside any test (did not load, or its process ended badly).
    if (!passed) {
      const error = details.error || {};
      const how = error.signal ? `killed by ${error.signal}` : error.exitCode != null ? `exit status ${error.exitCode}` : 'failed';
      const tail = (stderrTail.get(file) || '').trim();
      const message = clip(`test file failed outside any test (${how})${tail ? `: ${tail.slice(-1500)}` : ''}`);
      const resource = /heap out of memory|Allocation failed/i.test(tail) ? 'MEMORY' : resourceOf(error);
      report.errors.push({ name: rel, message, resource });
      report.tests.push({
        id: rel, function: rel, file: rel, status: 'ERROR', message,
        durationMs: Math.round(details.duration_ms || 0), resource,
      });
    }
    return;
  }
  const names = stack.slice(0, data.nesting);
  names.push(String(data.name));
  const id = `${rel}::${names.join(' > ')}`;
  if (details.type === 'suite') {
    // A suite fails when a test in it fails, and that test is reported itself; a hook failure is not.
    if (!passed && details.error && details.error.failureType !== 'subtestsFailed') {
      report.errors.push({ name: id, message: describeError(details.error), resource: resourceOf(details.error) });
    }
    return;
  }
  let status = passed ? 'PASSED' : 'FAILED';
  let message = null;
  if (data.skip !== undefined && data.skip !== false) {
    status = 'SKIPPED';
    message = typeof data.skip === 'string' ? clip(data.skip) : null;
  } else if (data.todo !== undefined && data.todo !== false) {
    status = 'SKIPPED';
    message = typeof data.todo === 'string' ? clip(`todo: ${data.todo}`) : 'todo';
  } else if (!passed) {
    status = isAssertion(details.error) ? 'FAILED' : 'ERROR';
    message = describeError(details.error);
  }
  report.tests.push({
    id, function: id, file: rel, status, message,
    durationMs: Math.round(details.duration_ms || 0),
    resource: passed ? null : resourceOf(details.error),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// What the test processes left behind (probe.cjs)


function readProbeFiles() {
  let names = [];
  try {
    names = fs.readdirSync(probeDir).filter((n) => n.endsWith('.jsonl')).sort();
  } catch {
    return;
  }
  const probes = [];
  let dropped = 0;
  const integrity = new Set();
  for (const name of names) {
    let text;
    try {
      text = fs.readFileSync(path.join(probeDir, name), 'utf8');
    } catch {
      continue;
    }
    let order = 0;
    for (const line of text.split('\n')) {
      let r;
      try {
        r = line ? JSON.parse(line) : null;
      } catch {
        r = null;
      }
      if (!r || typeof r !== 'object') {
        continue;
      }
      if (r.k === 'probe' && Number.isSafeInteger(r.probe) && isCanon(r.value) && /^\d{1,30}$/.test(r.at)) {
        if (probes.length < MAX_PROBES) {
          probes.push({ at: BigInt(r.at), file: name, order: order++, probe: r.probe, value: r.value });
        } else {
          dropped++;
        }
      } else if (r.k === 'usage' && Number.isFinite(r.cpuMicros) && Number.isFinite(r.maxRssKb)
          && r.cpuMicros >= 0 && r.maxRssKb >= 0) {
        childUsage.cpuMicros += r.cpuMicros;
        childUsage.maxRssKb = Math.max(childUsage.maxRssKb, r.maxRssKb);
      } else if (r.k === 'integrity' && r.rule === 'framework-patch' && typeof r.message === 'string') {
        integrity.add(clip(r.message));
      }
    }
  }
  // The order the calls were made: the monotonic clock is shared by all processes of the machine.
  probes.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : a.order - b.order));
  report.probes = probes.map((p) => ({ probe: p.probe, test: null, value: p.value }));
  if (dropped > 0) {
    report.errors.push({ name: 'probes', message: `${dropped} probe values beyond the first ${MAX_PROBES} were dropped`, resource: null });
  }
  for (const message of integrity) {
    report.integrity.push({ rule: 'framework-patch', message, path: null, line: null });
  }
}

function isCanon(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.t === 'string';
}

function usageTotal() {
  const own = process.resourceUsage();
  const cpuMicros = own.userCPUTime + own.systemCPUTime + childUsage.cpuMicros;
  const maxRssKb = Math.max(own.maxRSS, childUsage.maxRssKb);
  return { cpuMillis: Math.round(cpuMicros / 1000), peakMemoryBytes: maxRssKb * 1024 };
}

// ---------------------------------------------------------------------------------------------------------------
// Compile mode

async function compileRun() {
  probeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-probes-'));
  process.env.ASSAY_PROBE_DIR = probeDir;
  for (const { file } of walk(ROOT, false)) {
    if (!SOURCE_FILE.test(file)) {
      continue;
    }
    const rel = relative(file);
    const started = Date.now();
    const check = spawnSync(process.execPath, ['--check', file], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const ok = check.status === 0;
    const id = `compile:${rel}`;
    report.tests.push({
      id, function: id, file: rel, status: ok ? 'PASSED' : 'FAILED',
      message: ok ? null : clip(check.stderr || String(check.error || `exit status ${check.status}`)),
      durationMs: Date.now() - started,
      resource: check.error && RESOURCE_CODES[check.error.code] ? RESOURCE_CODES[check.error.code] : null,
    });
  }
  readProbeFiles();
  report.probes = [];
}

// ---------------------------------------------------------------------------------------------------------------

process.on('uncaughtException', (e) => finish(e));
process.on('unhandledRejection', (e) => finish(e));

try {
  if (handshake.mode === 'analyze') {
    report.errors.push({ name: 'harness', message: 'analysis runs are analyze.mjs\'s, not this harness\'s', resource: null });
  } else {
    await (handshake.mode === 'compile' ? compileRun() : testRun());
  }
  finish(null);
} catch (e) {
  finish(e);
}
