// Assay's reporter for `node --test`, run inside the sandbox. It passes test output through and, when the run
// ends, prints the report marker line and one JSON line:
// {"tests":[{name,status,message,durationMs,resource}],"errors":[...],"usage":{cpuMillis,peakMemoryBytes}}.
// The marker is filled in per run.
import usage from './node_usage.cjs';

const MARKER = '@@MARKER@@';
const MAX_MESSAGE = 2000;

const RESOURCE_CODES = {
  EAGAIN: 'PIDS', ENOSPC: 'DISK', EFBIG: 'DISK', EDQUOT: 'DISK',
  ENETUNREACH: 'NETWORK', EHOSTUNREACH: 'NETWORK', ENETDOWN: 'NETWORK', EAI_AGAIN: 'NETWORK', ENOTFOUND: 'NETWORK',
};

function rootCause(error) {
  let e = error;
  for (let i = 0; i < 10 && e && e.cause && (e.code === 'ERR_TEST_FAILURE' || e.failureType); i++) {
    e = e.cause;
  }
  return e;
}

function describe(error) {
  const e = rootCause(error);
  if (e === undefined || e === null) {
    return null;
  }
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.length > MAX_MESSAGE ? text.slice(0, MAX_MESSAGE) : text;
}

function resourceOf(error) {
  const e = rootCause(error);
  if (!e) {
    return null;
  }
  if (e instanceof RangeError && /memory|allocation/i.test(e.message)) {
    return 'MEMORY';
  }
  if (e.code && RESOURCE_CODES[e.code]) {
    return RESOURCE_CODES[e.code];
  }
  return null;
}

function nameOf(data) {
  const file = data.file ? data.file.replace(/^\/workspace\//, '') : '';
  return file ? `${file}::${data.name}` : data.name;
}

export default async function* assayReporter(source) {
  const tests = [];
  const errors = [];
  for await (const event of source) {
    const data = event.data || {};
    switch (event.type) {
      case 'test:stdout':
        yield data.message;
        break;
      case 'test:stderr':
        process.stderr.write(data.message);
        break;
      case 'test:pass':
      case 'test:fail': {
        const details = data.details || {};
        if (details.type === 'suite') {
          // A suite fails when a test in it fails; that test is reported itself. A hook failure is not.
          if (event.type === 'test:fail' && details.error && details.error.failureType !== 'subtestsFailed') {
            errors.push({ name: nameOf(data), message: describe(details.error), resource: resourceOf(details.error) });
          }
          break;
        }
        if (event.type === 'test:fail' && data.nesting === 0 && data.file && data.name === data.file) {
          // The file itself failed outside any test: it did not load.
          errors.push({ name: nameOf(data), message: describe(details.error), resource: resourceOf(details.error) });
          break;
        }
        let status = event.type === 'test:pass' ? 'PASSED' : 'FAILED';
        let message = null;
        if (data.skip !== undefined && data.skip !== false) {
          status = 'SKIPPED';
          message = typeof data.skip === 'string' ? data.skip : null;
        } else if (data.todo !== undefined && data.todo !== false) {
          status = 'SKIPPED';
          message = 'todo';
        } else if (event.type === 'test:fail') {
          const cause = rootCause(details.error);
          status = cause && (cause.name === 'AssertionError' || cause.code === 'ERR_ASSERTION') ? 'FAILED' : 'ERROR';
          message = describe(details.error);
        }
        tests.push({
          name: nameOf(data), status, message,
          durationMs: Math.round(details.duration_ms || 0),
          resource: event.type === 'test:fail' ? resourceOf(details.error) : null,
        });
        break;
      }
      default:
        break;
    }
  }
  yield `\n${MARKER}\n${JSON.stringify({ tests, errors, usage: usage.total() })}\n`;
}
