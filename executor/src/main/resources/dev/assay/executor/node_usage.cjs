// Assay's resource accounting for JavaScript, run inside the sandbox. Preloaded into every Node process of a run
// (NODE_OPTIONS=--require), because `node --test` runs each test file in its own child process and Node has no
// getrusage(RUSAGE_CHILDREN): on exit each process leaves its CPU time and peak RSS in /tmp, and the reporter, the
// last process to finish, adds them to its own with total().
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const DIR = '/tmp';
const PREFIX = '.assay-usage-';

function own() {
  const u = process.resourceUsage();
  // userCPUTime and systemCPUTime are microseconds, maxRSS is KiB.
  return { cpuMicros: u.userCPUTime + u.systemCPUTime, maxRssKb: u.maxRSS };
}

process.on('exit', () => {
  try {
    fs.writeFileSync(path.join(DIR, `${PREFIX}${process.pid}.json`), JSON.stringify(own()));
  } catch {
    // /tmp full or gone: this process's share stays uncounted, which must not change how it exits.
  }
});

/** CPU milliseconds summed over this process and the ones that exited before it, and the largest peak RSS in bytes. */
function total() {
  let cpuMicros = 0;
  let maxRssKb = 0;
  const add = (u) => {
    if (u && Number.isFinite(u.cpuMicros) && Number.isFinite(u.maxRssKb) && u.cpuMicros >= 0 && u.maxRssKb >= 0) {
      cpuMicros += u.cpuMicros;
      maxRssKb = Math.max(maxRssKb, u.maxRssKb);
    }
  };
  add(own());
  let names = [];
  try {
    names = fs.readdirSync(DIR);
  } catch {
    // No /tmp listing: only this process is counted.
  }
  for (const name of names) {
    if (name.startsWith(PREFIX) && name !== `${PREFIX}${process.pid}.json`) {
      try {
        add(JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8')));
      } catch {
        // A test removed or rewrote the file: that share is lost, the rest still counts.
      }
    }
  }
  return { cpuMillis: Math.round(cpuMicros / 1000), peakMemoryBytes: maxRssKb * 1024 };
}

module.exports = { total };
