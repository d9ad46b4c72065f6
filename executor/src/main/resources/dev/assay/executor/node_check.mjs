// Assay's dry run for JavaScript: `node --check` on every source file, reported in the harness JSON shape.
import { spawnSync } from 'node:child_process';
import usage from './node_usage.cjs';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const marker = process.argv[2];
const root = process.cwd();
const SKIP = new Set(['node_modules']);

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || SKIP.has(entry.name)) {
      continue;
    }
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      yield* sources(path);
    } else if (/\.(c|m)?js$/.test(entry.name)) {
      yield path;
    }
  }
}

const tests = [];
for (const file of sources(root)) {
  const started = Date.now();
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
  const ok = check.status === 0;
  tests.push({
    name: `compile:${relative(root, file)}`,
    status: ok ? 'PASSED' : 'FAILED',
    message: ok ? null : (check.stderr || String(check.error)).slice(0, 2000),
    durationMs: Date.now() - started,
    resource: null,
  });
}
process.stdout.write(`\n${marker}\n${JSON.stringify({ tests, errors: [], usage: usage.total() })}\n`);
