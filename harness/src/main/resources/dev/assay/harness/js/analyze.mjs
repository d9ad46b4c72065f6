// Assay's JavaScript analysis run (harness/PROTOCOL.md "Runs", "Analysis report"), inside the sandbox as
// `node /opt/assay/harness/js/analyze.mjs` with the handshake on standard input.
//
// The workspace holds the request's test files and the generated files as data: this process reads them as text and
// parses them with acorn (the module the handshake's `parser` names); it never imports or executes any of them. It
// derives the trusted test set from the request's test files (tests.mjs), rewrites them so their constant
// expectations stay outside the test run, evaluates those expectations (whitelisted constant expressions only, in a
// fresh vm context), and reports tamper findings (tamper.mjs) and kind signals (kinds.mjs) for the generated files.
// One REPORT, then exit 0.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isTestPath, readHandshake, recordWriter, SOURCE_FILE } from './common.mjs';
import { analyzeTestFile } from './tests.mjs';
import { tamperFindings } from './tamper.mjs';
import { kindSignals } from './kinds.mjs';
import { analyzeScopes, parse } from './ast.mjs';

const DEFAULT_PARSER = '/usr/share/nodejs/acorn/dist/acorn.mjs';
const MAX_FILE = 4 * 1024 * 1024;

const handshake = readHandshake();
const records = recordWriter(handshake.nonce);
records.begin('javascript', handshake.mode);

const report = { tests: [], files: {}, expectations: {}, findings: [], signals: [], errors: [] };
const ROOT = path.resolve(handshake.root);

function fileUnit(rel) {
  return { function: rel, file: rel, kind: 'file', skipInSource: false, evidence: 'IN_PROCESS', probes: [], line: 1 };
}

function describe(e) {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** A workspace file's text, or null with the reason recorded. */
function read(rel, errors) {
  const full = path.resolve(ROOT, rel);
  if (path.isAbsolute(rel) || !full.startsWith(ROOT + path.sep)) {
    errors.push({ name: rel, message: 'not a path inside the workspace' });
    return null;
  }
  try {
    const stat = fs.lstatSync(full);
    if (!stat.isFile()) {
      errors.push({ name: rel, message: 'not a regular file' });
      return null;
    }
    if (stat.size > MAX_FILE) {
      errors.push({ name: rel, message: `larger than ${MAX_FILE} bytes: not analysed` });
      return null;
    }
    return fs.readFileSync(full, 'utf8');
  } catch (e) {
    errors.push({ name: rel, message: `cannot read: ${e.message}` });
    return null;
  }
}

async function analyze() {
  const acorn = await import(pathToFileURL(handshake.parser || DEFAULT_PARSER).href);
  const requestTests = [...new Set(handshake.requestTests)].filter((p) => SOURCE_FILE.test(p));
  const requestFiles = new Set(handshake.requestFiles);
  const generated = new Set(handshake.generated);
  const helperFiles = new Set([...requestFiles].filter((p) => SOURCE_FILE.test(p) && !requestTests.includes(p) && !generated.has(p)));
  let probe = 0;
  for (const rel of requestTests) {
    const source = read(rel, report.errors);
    if (source === null) {
      report.tests.push(fileUnit(rel));
      continue;
    }
    let result;
    try {
      result = analyzeTestFile({ rel, source, acorn, nextProbe: () => ++probe, helperFiles });
    } catch (e) {
      // Whatever defeated the analysis (a pathological file), the file's tests still run and one must pass.
      result = { units: [fileUnit(rel)], expectations: {}, rewritten: null, error: `cannot be analysed: ${describe(e)}` };
    }
    if (result.error) {
      report.errors.push({ name: rel, message: result.error });
    }
    for (const unit of result.units) {
      const { reasons, ...entry } = unit; // eslint-disable-line no-unused-vars
      report.tests.push(entry);
    }
    if (result.rewritten !== null) {
      report.files[rel] = result.rewritten;
    }
    Object.assign(report.expectations, result.expectations);
  }
  for (const rel of [...generated].sort()) {
    // A generated file at the path of a request file is not what is in the workspace: the request's version is.
    if (!SOURCE_FILE.test(rel) || requestFiles.has(rel)) {
      continue;
    }
    const errors = [];
    const source = read(rel, errors);
    if (source === null) {
      report.errors.push(...errors);
      continue;
    }
    const parsed = parse(acorn, source, rel);
    if (parsed.error) {
      // Node may run what acorn cannot parse (newer syntax): a file the analysis cannot see is not approved.
      report.errors.push({ name: rel, message: `generated file does not parse: ${parsed.error}` });
      report.findings.push({
        rule: 'unparsable', severity: 'HIGH', message: `the analysis cannot parse ${rel}: ${parsed.error}`, path: rel, line: null,
      });
      continue;
    }
    let scopes = null;
    try {
      scopes = analyzeScopes(parsed.ast);
      report.findings.push(...tamperFindings({ rel, ast: parsed.ast, testFile: isTestPath(rel), requestFiles, scopes }));
    } catch (e) {
      report.errors.push({ name: rel, message: `generated file cannot be analysed: ${describe(e)}` });
      report.findings.push({
        rule: 'unparsable', severity: 'HIGH', message: `the analysis of ${rel} failed: ${describe(e)}`, path: rel, line: null,
      });
    }
    try {
      report.signals.push(...kindSignals({ rel, ast: parsed.ast, scopes: scopes || analyzeScopes(parsed.ast) }));
    } catch (e) {
      report.errors.push({ name: rel, message: `kind signals: the file cannot be analysed: ${describe(e)}` });
    }
  }
}

try {
  if (handshake.mode === 'analyze') {
    await analyze();
  } else {
    report.errors.push({ name: 'analyzer', message: `${handshake.mode} runs are harness.mjs's, not the analyzer's` });
  }
} catch (e) {
  report.errors.push({ name: 'analyzer', message: `the analysis failed: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' ') : e}` });
}
records.report(report);
