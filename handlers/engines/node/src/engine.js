// The s3lambda Node.js engine: loads the function named by `_HANDLER` from /var/task and
// runs it with Lambda's Node.js programming model (callback, context.succeed/fail/done,
// returned promises, async handlers), Lambda's log lines and error documents. Each call of
// `handle` runs in a fresh instance: the module's top-level code runs, then the handler.
// The behaviour follows aws-lambda-nodejs-runtime-interface-client (src/UserFunction.js,
// src/Runtime.js, src/CallbackContext.js, src/LogPatch.js, src/Errors.js).

import readTaskFile from 'read-task-file';
import { getEnvironment } from 'wasi:cli/environment@0.2.12';
import { patchConsole, setRequestId, logError } from './console.js';
import {
  functionError,
  handlerNotFound,
  importModuleError,
  malformedHandlerName,
  nodeJsExit,
  userCodeSyntaxError,
} from './errors.js';
import { EsmLoader } from './esm.js';
import { EventEmitter } from './events.js';
import { Loader } from './modules.js';
import { path } from './path.js';
import { makeProcess, ProcessExit } from './process.js';
import { TASK_ROOT } from './stack.js';
import { installTimers, nextActivity, onUncaught, pendingTimers, poke, timers, turn } from './timers.js';
import { util } from './util.js';

const engineLog = console.log.bind(console);
const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;

/** What the invocation ends with: a response, or an error to report. */
class Outcome {
  constructor(kind, value) {
    this.kind = kind;
    this.value = value;
  }
}

function setup() {
  const env = Object.create(null);
  for (const [k, v] of getEnvironment()) env[k] = v;
  const rawOut = (line) => engineLog(line);
  const proc = makeProcess(env, rawOut);
  globalThis.process = proc;
  globalThis.global = globalThis;
  installTimers();
  patchConsole(rawOut, env);
  const builtins = {
    util,
    events: EventEmitter,
    path,
    timers,
    process: proc,
    url: { URL, URLSearchParams },
    console,
  };
  const loader = new Loader(readTaskFile, builtins);
  loader.esm = new EsmLoader(loader);
  return { env, proc, loader };
}

/** Loads the handler's module as the runtime's `_tryRequire` does. */
async function loadModule(loader, moduleRoot, module) {
  const lambdaStylePath = path.resolve(TASK_ROOT, moduleRoot, module);
  // Extensionless files are CommonJS; .js is CommonJS unless its package.json says
  // "type": "module"; then .js (as ESM), .mjs, .cjs in that order.
  if (loader.exists(lambdaStylePath)) return loader.load(lambdaStylePath, undefined);
  const jsPath = `${lambdaStylePath}.js`;
  const typeModule = loader.exists(jsPath) && loader.esm.isEsm(jsPath);
  if (!typeModule && loader.exists(jsPath)) return loader.load(jsPath, undefined);
  if (typeModule) return loader.esm.load(jsPath);
  if (loader.exists(`${lambdaStylePath}.mjs`)) return loader.esm.load(`${lambdaStylePath}.mjs`);
  if (loader.exists(`${lambdaStylePath}.cjs`)) return loader.load(`${lambdaStylePath}.cjs`, undefined);
  // Node-style: require.resolve(module, { paths: [appRoot, moduleRoot] }).
  for (const from of [TASK_ROOT, path.resolve(TASK_ROOT, moduleRoot || '.')]) {
    let resolved;
    try {
      resolved = loader.resolve(module, from, undefined);
    } catch {
      continue;
    }
    if (!resolved.startsWith('builtin:') && !module.startsWith('.')) return loader.load(resolved, undefined);
  }
  const err = new Error(`Cannot find module '${module}'\nRequire stack:\n- /var/runtime/index.mjs`);
  err.code = 'MODULE_NOT_FOUND';
  throw err;
}

/** The handler function named by `fullHandlerString` (UserFunction.load). */
async function loadHandler(loader, fullHandlerString) {
  if (fullHandlerString.includes('..')) {
    throw malformedHandlerName(
      `'${fullHandlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(0, fullHandlerString.indexOf(handlerString));
  const match = handlerString.match(FUNCTION_EXPR);
  if (!match || match.length !== 3) throw malformedHandlerName('Bad handler');
  const [, module, handlerPath] = match;
  let userApp;
  try {
    userApp = await loadModule(loader, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) throw userCodeSyntaxError(e);
    if (e && e.code === 'MODULE_NOT_FOUND') throw importModuleError(e);
    throw e;
  }
  const handlerFunc = handlerPath.split('.').reduce((nested, key) => nested && nested[key], userApp);
  if (!handlerFunc) throw handlerNotFound(`${fullHandlerString} is undefined or not exported`);
  if (typeof handlerFunc !== 'function') throw handlerNotFound(`${fullHandlerString} is not a function`);
  return handlerFunc;
}

function isAsyncFunction(fn) {
  try {
    return fn?.constructor?.name === 'AsyncFunction';
  } catch {
    return false;
  }
}

function exitOutcome(ctx, e) {
  const err = new Error(`RequestId: ${ctx.requestId} Error: Runtime exited with error: exit status ${e.exitCode}`);
  Object.defineProperty(err, 'name', { value: 'Runtime.ExitError', enumerable: false });
  Object.defineProperty(err, 'stack', { value: `${err.name}: ${err.message}`, enumerable: false });
  return new Outcome('error', err);
}

/** Runs the handler and drives the event loop until Lambda would answer. */
async function invoke(handlerFunc, event, ctx) {
  let outcome;
  let beforeExit;
  let completed = false;
  const settle = (o) => {
    if (!outcome) outcome = o;
    poke();
  };
  const postError = (err) => {
    logError('Invoke Error', err);
    settle(new Outcome('error', err));
  };
  const complete = (result) => {
    if (completed) {
      console.error(
        'Invocation has already been reported as done. Cannot call complete more than once per invocation.',
      );
      return;
    }
    completed = true;
    settle(new Outcome('response', result));
  };
  let waitForEmptyEventLoop = true;
  let finished = false;
  const once = (fn) =>
    function (...args) {
      if (!finished) {
        fn(...args);
        finished = true;
      }
    };
  const callback = once((err, result) => {
    beforeExit = undefined;
    if (err !== undefined && err !== null) postError(err);
    else if (!waitForEmptyEventLoop) complete(result);
    else beforeExit = () => complete(result);
  });
  const done = (err, result) => {
    beforeExit = undefined;
    if (err !== undefined && err !== null) postError(err);
    else complete(result);
  };
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    succeed: once((result) => done(null, result)),
    fail: once((err) => (err === undefined || err === null ? done('handled') : done(err, null))),
    done: once(done),
    functionVersion: ctx.functionVersion,
    functionName: ctx.functionName,
    memoryLimitInMB: String(ctx.memoryLimitMb),
    logGroupName: ctx.logGroupName,
    logStreamName: ctx.logStreamName,
    clientContext: undefined,
    identity: undefined,
    invokedFunctionArn: ctx.invokedFunctionArn,
    awsRequestId: ctx.requestId,
    getRemainingTimeInMillis: () => Number(ctx.deadlineMs) - Date.now(),
  };
  // With neither a callback nor a settled promise when the loop empties: a sync handler
  // answers null, an async one fails with Runtime.NodeJsExit (Runtime._setDefaultExitListener).
  const isAsync = isAsyncFunction(handlerFunc);
  // An exception thrown from a timer: the runtime logs it and reports it (index.mjs,
  // process.on('uncaughtException')).
  onUncaught((err) => {
    if (err instanceof ProcessExit) {
      settle(exitOutcome(ctx, err));
      return;
    }
    logError('Uncaught Exception', err);
    settle(new Outcome('error', err));
  });
  beforeExit = () => {
    completed = true;
    if (isAsync) postError(nodeJsExit());
    else settle(new Outcome('response', null));
  };
  try {
    const result = handlerFunc(event, context, callback);
    if (result && typeof result.then === 'function') {
      result.then(context.succeed, context.fail).catch?.(context.fail);
    }
  } catch (err) {
    if (err instanceof ProcessExit) return exitOutcome(ctx, err);
    callback(err);
  }
  // The event loop: wait while referenced timers remain; once none is left (after one
  // more turn for microtasks), the loop is empty and the pending beforeExit listener runs.
  for (;;) {
    if (outcome) return outcome;
    if (pendingTimers() > 0) {
      await nextActivity();
      continue;
    }
    await turn();
    if (outcome) return outcome;
    if (pendingTimers() > 0) continue;
    const listener = beforeExit;
    beforeExit = undefined;
    if (!listener) return new Outcome('response', null);
    listener();
  }
}

function toResult(ctx, outcome) {
  if (outcome.kind === 'response') {
    let body;
    try {
      body = JSON.stringify(outcome.value === undefined ? null : outcome.value);
    } catch {
      const err = new Error('Unable to stringify response body');
      logError('Uncaught Exception', err);
      return { tag: 'err', val: functionError(err) };
    }
    return { tag: 'ok', val: body === undefined ? 'null' : body };
  }
  return { tag: 'err', val: functionError(outcome.value) };
}

/** The world's export: one invocation in this (fresh) instance. */
export async function handle(eventJson, ctx) {
  const { env, proc, loader } = setup();
  setRequestId(undefined);
  let handlerFunc;
  try {
    handlerFunc = await loadHandler(loader, env._HANDLER ?? '');
  } catch (e) {
    if (e instanceof ProcessExit) return toResult(ctx, exitOutcome(ctx, e));
    logError('Uncaught Exception', e);
    proc.stdout.flush();
    return { tag: 'err', val: functionError(e) };
  }
  setRequestId(ctx.requestId);
  let outcome;
  try {
    outcome = await invoke(handlerFunc, JSON.parse(eventJson), ctx);
  } catch (e) {
    outcome = e instanceof ProcessExit ? exitOutcome(ctx, e) : new Outcome('error', e);
  }
  proc.stdout.flush();
  proc.stderr.flush();
  return toResult(ctx, outcome);
}
