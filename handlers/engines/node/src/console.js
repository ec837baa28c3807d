// Lambda's console: each console.* call writes one line
// `<ISO time>\t<request id>\t<LEVEL>\t<util.format of the arguments>` to stdout, with the
// newlines inside the message turned into carriage returns so that one call stays one log
// event (aws-lambda-nodejs-runtime-interface-client, src/LogPatch.js: logTextToStdout).
// AWS_LAMBDA_LOG_LEVEL filters as the runtime does; the request id is `undefined` while the
// module loads.

import { format } from './inspect.js';
import { intoError, toFormatted } from './errors.js';

const LEVELS = {
  TRACE: 1,
  DEBUG: 2,
  INFO: 3,
  WARN: 4,
  ERROR: 5,
  FATAL: 6,
};

let requestId;
let write = () => {};

/** Sets the request id the next lines carry (`undefined` during module load). */
export function setRequestId(id) {
  requestId = id;
}

function log(level, args) {
  const line = `${new Date().toISOString()}\t${requestId}\t${level}\t${format(...args)}`;
  write(line.replace(/\n/g, '\r'));
}

/** Replaces the console's methods with Lambda's; `raw` writes one line to stdout. */
export function patchConsole(raw, env) {
  write = raw;
  const threshold = LEVELS[String(env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase()] ?? LEVELS.TRACE;
  const nop = () => {};
  const at = (level) => (LEVELS[level] >= threshold ? (...args) => log(level, args) : nop);
  console.trace = at('TRACE');
  console.debug = at('DEBUG');
  console.info = at('INFO');
  console.log = console.info;
  console.warn = at('WARN');
  console.error = at('ERROR');
  console.fatal = (...args) => log('FATAL', args);
}

/** The runtime's error log line: `ERROR\t<what> \t{"errorType":…}`. */
export function logError(what, err) {
  console.error(what, toFormatted(intoError(err)));
}
