// Preloaded into every Node process of a test run (NODE_OPTIONS="--require …/probe.cjs"), before any workspace code.
//
// 1. Defines the global `__assayProbe(id, value)` that the analyzer's rewritten test files call in place of sealed
//    assertions (harness/PROTOCOL.md "Sealing"). It encodes the value as CANON (canon.cjs), records it, returns
//    undefined and never throws. The global is non-writable and non-configurable, so later code cannot replace it.
// 2. Records the process's resource use when it exits (node:test runs every test file in its own process and Node has
//    no getrusage(RUSAGE_CHILDREN)), so the harness can sum CPU time and take the largest peak RSS.
// 3. In the test processes node:test starts, notes at exit whether the assertion module, node:test or the module
//    loader were changed during the run (integrity rule `framework-patch`).
//
// Transport. Records go to a file of this process's own, `<ASSAY_PROBE_DIR>/p-<pid>-<thread>-<random>.jsonl`, one
// JSON line each, appended with plain write(2) calls on a descriptor opened once. harness.mjs creates the directory
// (mkdtemp under the system temp dir), passes its path to the test processes in the environment, and reads every file
// in it after node:test's run() has finished. The directory path is not a secret and this channel carries none: the
// nonce stays in the harness process, which never loads workspace code, and is never written to any file or passed
// to any process. Code under test runs as the same user and can delete, rewrite or add lines in these files. That can
// only make sealed tests fail or lose the usage figures: a deleted or corrupted probe value is a sealed assertion that
// was never reached, and a made-up value can only match an expectation the code under test never sees (expected
// values never enter the test run). The harness parent itself does not record: it loads this file before it has set
// ASSAY_PROBE_DIR, so here the probe is a no-op.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const canon = require('./canon.cjs');

const DIR = process.env.ASSAY_PROBE_DIR || '';
// Captured now, before workspace code can patch them.
const { openSync, writeSync } = fs;
const { encode, stringify } = canon;
const hrtime = process.hrtime.bigint;
const resourceUsage = process.resourceUsage;
const isSafeInteger = Number.isSafeInteger;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const reflectOwnKeys = Reflect.ownKeys;
const pid = process.pid;

let isMainThread = true;
let threadId = 0;
try {
  const workers = require('node:worker_threads');
  isMainThread = workers.isMainThread;
  threadId = workers.threadId;
} catch {
  // No worker_threads: a single thread.
}

let fd = -1;
let broken = false;

function out(record) {
  if (!DIR || broken) {
    return;
  }
  try {
    if (fd < 0) {
      const name = `p-${pid}-${threadId}-${Math.random().toString(36).slice(2, 10)}.jsonl`;
      fd = openSync(path.join(DIR, name), 'a', 0o600);
    }
    writeSync(fd, `${stringify(record)}\n`);
  } catch {
    // The directory is gone or full: this process's records are lost, which only makes its sealed tests fail.
    broken = true;
  }
}

function assayProbe(id, value) {
  try {
    if (isSafeInteger(id)) {
      out({ k: 'probe', at: String(hrtime()), probe: id, value: encode(value) });
    }
  } catch {
    // Never disturb the test.
  }
  return undefined;
}

Object.defineProperty(globalThis, '__assayProbe', {
  value: assayProbe, writable: false, enumerable: false, configurable: false,
});

/** Function-valued own properties of `object`, by name. */
function snapshot(object) {
  const functions = new Map();
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) {
    return functions;
  }
  for (const key of reflectOwnKeys(object)) {
    const d = getOwnPropertyDescriptor(object, key);
    if (d && typeof d.value === 'function') {
      functions.set(key, d.value);
    }
  }
  return functions;
}

function changedMembers(label, object, before) {
  const changed = [];
  for (const [key, original] of before) {
    let d;
    try {
      d = getOwnPropertyDescriptor(object, key);
    } catch {
      d = undefined;
    }
    if (!d || d.value !== original) {
      changed.push(`${label}.${String(key)}`);
    }
  }
  return changed;
}

// What the test processes node:test starts must not see changed: the assertion module, node:test's API and the
// module loader. Only there (node:test marks them with NODE_TEST_CONTEXT), and only on the main thread.
const watched = [];
if (DIR && isMainThread && process.env.NODE_TEST_CONTEXT) {
  try {
    const assert = require('node:assert');
    watched.push(['assert', assert, snapshot(assert)]);
    watched.push(['assert.strict', assert.strict, snapshot(assert.strict)]);
    const test = require('node:test');
    watched.push(['node:test', test, snapshot(test)]);
    const Module = require('node:module');
    const loader = new Map();
    for (const key of ['_load', '_resolveFilename', '_compile']) {
      const d = getOwnPropertyDescriptor(key === '_compile' ? Module.prototype : Module, key);
      if (d && typeof d.value === 'function') {
        loader.set(key, d.value);
      }
    }
    watched.push(['Module', Module, new Map([...loader].filter(([k]) => k !== '_compile'))]);
    watched.push(['Module.prototype', Module.prototype, new Map([...loader].filter(([k]) => k === '_compile')
      .concat([['require', Module.prototype.require]]))]);
    watched.push(['JSON', JSON, snapshot(JSON)]);
  } catch {
    // Whatever could not be watched is not checked.
  }
}

if (DIR) {
  process.on('exit', () => {
    try {
      for (const [label, object, before] of watched) {
        const changed = changedMembers(label, object, before);
        if (changed.length > 0) {
          out({
            k: 'integrity', rule: 'framework-patch',
            message: `changed during the test run of ${process.argv[1] || 'a test process'}: ${changed.slice(0, 10).join(', ')}`,
          });
        }
      }
    } catch {
      // Best effort: the check must not change how the process exits.
    }
    if (isMainThread) {
      try {
        // userCPUTime and systemCPUTime are microseconds, maxRSS is KiB.
        const u = resourceUsage();
        out({ k: 'usage', cpuMicros: u.userCPUTime + u.systemCPUTime, maxRssKb: u.maxRSS });
      } catch {
        // This process's share stays uncounted.
      }
    }
  });
}
