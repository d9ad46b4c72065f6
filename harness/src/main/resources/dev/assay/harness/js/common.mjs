// What harness.mjs and analyze.mjs share: reading the handshake and writing records (harness/PROTOCOL.md
// "Handshake", "Records"). Neither process ever loads workspace code, so the nonce held here is out of reach of the
// code under test, which only runs in the test processes harness.mjs starts.
import fs from 'node:fs';

const NONCE = /^[0-9a-f]{64}$/;
const MODES = new Set(['test', 'compile', 'analyze']);

/**
 * Reads the handshake: standard input to end-of-file, or the file named by ASSAY_HANDSHAKE_FILE (then unlinked).
 * Afterwards descriptor 0 is /dev/null. Exits with status 2 and no record when there is no valid handshake: a run
 * without BEGIN never got as far as the harness.
 */
export function readHandshake() {
  let text;
  try {
    const file = process.env.ASSAY_HANDSHAKE_FILE;
    if (file) {
      text = fs.readFileSync(file, 'utf8');
      fs.unlinkSync(file);
      delete process.env.ASSAY_HANDSHAKE_FILE;
    } else {
      text = fs.readFileSync(0, 'utf8');
    }
  } catch (e) {
    fail(`cannot read the handshake: ${e.message}`);
  }
  try {
    fs.closeSync(0);
  } catch {
    // Already closed: /dev/null takes the lowest free descriptor below anyway.
  }
  try {
    fs.openSync('/dev/null', 'r');
  } catch {
    // No /dev/null: descriptor 0 stays closed, which is just as empty.
  }
  let handshake;
  try {
    handshake = JSON.parse(text);
  } catch (e) {
    fail(`the handshake is not JSON: ${e.message}`);
  }
  if (!handshake || typeof handshake !== 'object' || typeof handshake.nonce !== 'string' || !NONCE.test(handshake.nonce)
      || !MODES.has(handshake.mode)) {
    fail('the handshake has no valid nonce or mode');
  }
  for (const key of ['requestFiles', 'requestTests', 'generated', 'targetPaths']) {
    const list = handshake[key];
    handshake[key] = Array.isArray(list) ? list.filter((p) => typeof p === 'string') : [];
  }
  if (typeof handshake.root !== 'string' || handshake.root === '') {
    handshake.root = process.cwd();
  }
  return handshake;
}

function fail(message) {
  try {
    fs.writeSync(2, `assay harness: ${message}\n`);
  } catch {
    // Nothing more to say.
  }
  process.exit(2);
}

/** Writes all of `text` to descriptor `fd`, waiting out EAGAIN on a non-blocking pipe. */
export function writeFully(fd, text) {
  const buffer = Buffer.from(text, 'utf8');
  let offset = 0;
  let waits = 0;
  while (offset < buffer.length) {
    try {
      offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
    } catch (e) {
      if (e.code !== 'EAGAIN' || waits++ > 100000) {
        throw e;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/** The record writer for one run: every record starts a line, and nothing may follow the REPORT. */
export function recordWriter(nonce) {
  let reported = false;
  const write = (kind, value) => {
    if (reported) {
      return;
    }
    if (kind === 'REPORT') {
      reported = true;
    }
    writeFully(1, `\n${nonce} ${kind} ${JSON.stringify(value)}\n`);
  };
  return {
    begin: (harness, mode) => write('BEGIN', { harness, mode }),
    event: (entry) => write('EVENT', entry),
    /** Writes the report and exits 0 at once; nothing else runs. */
    report: (value) => {
      if (reported) {
        return;
      }
      try {
        write('REPORT', value);
      } finally {
        process.reallyExit ? process.reallyExit(0) : process.exit(0);
      }
    },
    get reported() {
      return reported;
    },
  };
}

/** Node 20's default test-file patterns (lib/internal/test_runner/utils.js), for a workspace-relative path. */
export const TEST_FILE_NAME = /((^test(-.+)?)|(.+[.\-_]test))\.[cm]?js$/;
export const SOURCE_FILE = /\.[cm]?js$/;

export function isTestPath(rel) {
  const parts = rel.split('/');
  const name = parts[parts.length - 1];
  return TEST_FILE_NAME.test(name) || (SOURCE_FILE.test(name) && parts.slice(0, -1).includes('test'));
}
