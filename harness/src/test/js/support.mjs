// Shared helpers of the JavaScript harness tests: run harness.mjs / analyze.mjs exactly as the sandbox does (a
// subprocess, cwd = the workspace, handshake on stdin, NODE_OPTIONS preloading probe.cjs), parse the records, and
// weigh a test report against an analysis the way the executor does (TestEvidence + SealedComparison, JavaScript
// kinds only), so the tests can check verdicts end to end.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const JS_DIR = path.resolve(here, '../../main/resources/dev/assay/harness/js');
export const HARNESS = path.join(JS_DIR, 'harness.mjs');
export const ANALYZER = path.join(JS_DIR, 'analyze.mjs');
export const PROBE = path.join(JS_DIR, 'probe.cjs');
export const PARSER = '/usr/share/nodejs/acorn/dist/acorn.mjs';

export function nonce() {
  return crypto.randomBytes(32).toString('hex');
}

const created = [];
process.on('exit', () => {
  for (const dir of created) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Left for the system's temporary-file cleanup.
    }
  }
});

/** A fresh temporary directory, removed when the test process exits. */
export function tempDir(prefix = 'assay-js-test-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A fresh workspace holding `files` ({relative path: text}). */
export function workspace(files = {}) {
  const root = tempDir();
  writeFiles(root, files);
  return root;
}

export function writeFiles(root, files) {
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
}

/**
 * Runs a harness script as the sandbox does and returns {status, stdout, stderr, records, report, begin, nonce}.
 * `records` are the lines that start with the nonce, in order.
 */
export function runScript(script, root, handshake, { env = {}, timeout = 300000 } = {}) {
  const n = handshake.nonce || nonce();
  const full = { nonce: n, root, requestFiles: [], requestTests: [], generated: [], targetPaths: [], parser: PARSER,
    memoryBytes: 536870912, ...handshake };
  const result = spawnSync(process.execPath, [script], {
    cwd: root, input: `${JSON.stringify(full)}\n`, encoding: 'utf8', timeout, maxBuffer: 256 * 1024 * 1024,
    env: { PATH: process.env.PATH, NODE_OPTIONS: `--max-old-space-size=512 --require ${PROBE}`, ...env },
  });
  const records = [];
  for (const line of result.stdout.split('\n')) {
    if (line.startsWith(n)) {
      const rest = line.slice(n.length + 1);
      const space = rest.indexOf(' ');
      records.push({ kind: rest.slice(0, space), value: JSON.parse(rest.slice(space + 1)) });
    }
  }
  const report = records.length > 0 && records[records.length - 1].kind === 'REPORT' ? records[records.length - 1].value : null;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, records, report, nonce: n, error: result.error };
}

export function analyze(root, handshake) {
  return runScript(ANALYZER, root, { mode: 'analyze', ...handshake });
}

export function harness(root, handshake, options) {
  return runScript(HARNESS, root, { mode: 'test', ...handshake }, options);
}

/** The stdout after the REPORT line (must be whitespace) and whether the records are BEGIN … REPORT exactly once. */
export function wellFormed(run) {
  const kinds = run.records.map((r) => r.kind);
  const lastLine = run.stdout.lastIndexOf(`${run.nonce} REPORT `);
  const after = lastLine < 0 ? '' : run.stdout.slice(run.stdout.indexOf('\n', lastLine) + 1);
  const nonceCount = run.stdout.split(run.nonce).length - 1;
  return {
    ok: run.status === 0 && kinds[0] === 'BEGIN' && kinds.filter((k) => k === 'BEGIN').length === 1
      && kinds.filter((k) => k === 'REPORT').length === 1 && kinds[kinds.length - 1] === 'REPORT'
      && after.trim() === '' && nonceCount === run.records.length,
    kinds, after, nonceCount,
  };
}

/** Analysis run, then the test run on the rewritten workspace, as the executor does; returns both reports. */
export function analyzeAndRun(files, { requestTests, generated, requestFiles }) {
  const root = workspace(files);
  const handshake = { requestTests, generated, requestFiles: requestFiles || [...requestTests] };
  const a = analyze(root, handshake);
  if (!a.report) {
    throw new Error(`analysis produced no report: ${a.stderr}`);
  }
  writeFiles(root, a.report.files);
  const h = harness(root, handshake);
  return { root, analysis: a.report, analysisRun: a, test: h.report, testRun: h };
}
