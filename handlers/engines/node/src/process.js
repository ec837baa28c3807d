// A `process` global for the function's code: env (the host's environment), argv, version,
// platform, cwd, nextTick, hrtime, stdout/stderr writes, exit, and events.

import { EventEmitter } from './events.js';

/** Thrown by process.exit to unwind the function's code. */
export class ProcessExit extends Error {
  constructor(code) {
    super(`process.exit(${code})`);
    this.exitCode = code;
  }
}

function lineWriter(emit) {
  let partial = '';
  const write = (chunk, encoding, cb) => {
    const text = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    const lines = (partial + text).split('\n');
    partial = lines.pop();
    for (const line of lines) emit(line);
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') queueMicrotask(done);
    return true;
  };
  const flush = () => {
    if (partial) emit(partial);
    partial = '';
  };
  return { write, flush, isTTY: false, fd: 1 };
}

/**
 * Builds the process object.
 * @param {Record<string, string>} env the environment the host set
 * @param {(line: string) => void} rawOut writes one line to stdout
 */
export function makeProcess(env, rawOut) {
  const exec = /^AWS_Lambda_nodejs(\d+)/.exec(env.AWS_EXECUTION_ENV ?? '');
  const version = `v${exec ? exec[1] : '20'}.0.0`;
  const start = performance.now();
  const proc = new EventEmitter();
  const stdout = lineWriter(rawOut);
  const stderr = lineWriter(rawOut);
  stderr.fd = 2;
  const hrtime = (prev) => {
    const ns = BigInt(Math.round((performance.now() - start) * 1e6));
    const t = [Number(ns / 1000000000n), Number(ns % 1000000000n)];
    if (!prev) return t;
    let s = t[0] - prev[0];
    let n = t[1] - prev[1];
    if (n < 0) {
      s -= 1;
      n += 1e9;
    }
    return [s, n];
  };
  hrtime.bigint = () => BigInt(Math.round((performance.now() - start) * 1e6));
  Object.assign(proc, {
    title: 'node',
    env,
    argv: ['/var/lang/bin/node', '/var/runtime/index.mjs'],
    argv0: 'node',
    execArgv: [],
    execPath: '/var/lang/bin/node',
    version,
    versions: { node: version.slice(1) },
    release: { name: 'node' },
    platform: 'linux',
    arch: 'wasm32',
    pid: 1,
    ppid: 0,
    exitCode: undefined,
    cwd: () => '/var/task',
    chdir: () => {
      throw new Error('process.chdir() is not supported');
    },
    umask: () => 0o22,
    uptime: () => (performance.now() - start) / 1000,
    hrtime,
    nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)),
    memoryUsage: () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }),
    emitWarning: (warning) => console.warn(String(warning?.stack ?? warning)),
    exit: (code) => {
      throw new ProcessExit(code ?? proc.exitCode ?? 0);
    },
    stdout,
    stderr,
    features: {},
    config: {},
  });
  return proc;
}
