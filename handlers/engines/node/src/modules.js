// CommonJS for the function's code: `require` of relative files (.js, .json, .cjs, folders
// with package.json `main` or index.js) and node_modules packages inside /var/task, the
// built-in modules this engine offers, and Node's `Cannot find module` error for the rest.
// Files are read through the host's `read-task-file`; each is compiled once per instance.

import { rewriteDynamicImports } from './esm.js';
import { path } from './path.js';
import { TASK_ROOT } from './stack.js';

const RUNTIME_PARENT = '/var/runtime/index.mjs';

/** Node's built-in modules; those this engine lacks are refused by name. */
export const NODE_BUILTINS = new Set(
  (
    'assert async_hooks buffer child_process cluster console constants crypto dgram diagnostics_channel ' +
    'dns domain events fs http http2 https inspector module net os path perf_hooks process punycode ' +
    'querystring readline repl stream string_decoder sys timers tls trace_events tty url util v8 vm ' +
    'wasi worker_threads zlib test sqlite'
  ).split(' '),
);

function notFound(request, parent, detail) {
  const stack = [];
  for (let m = parent; m; m = m.parent) stack.push(`- ${m.filename}`);
  stack.push(`- ${RUNTIME_PARENT}`);
  const err = new Error(`Cannot find module '${request}'${detail ?? ''}\nRequire stack:\n${stack.join('\n')}`);
  err.code = 'MODULE_NOT_FOUND';
  err.requireStack = stack.map((s) => s.slice(2));
  return err;
}

/** Loads the function's modules from /var/task. */
export class Loader {
  /**
   * @param {(rel: string) => Uint8Array | undefined} readTaskFile the host's file reader
   * @param {Record<string, unknown>} builtins built-in modules by name
   */
  constructor(readTaskFile, builtins) {
    this.readTaskFile = readTaskFile;
    this.builtins = builtins;
    this.files = new Map();
    this.cache = Object.create(null);
    this.decoder = new TextDecoder();
  }

  /** The text of an absolute path inside /var/task, or undefined. */
  read(abs) {
    if (this.files.has(abs)) return this.files.get(abs);
    let text;
    if (abs.startsWith(TASK_ROOT + '/')) {
      const bytes = this.readTaskFile(abs.slice(TASK_ROOT.length + 1));
      if (bytes !== undefined && bytes !== null) text = this.decoder.decode(bytes);
    }
    this.files.set(abs, text);
    return text;
  }

  exists(abs) {
    return this.read(abs) !== undefined;
  }

  tryFile(abs) {
    if (this.exists(abs)) return abs;
    for (const ext of ['.js', '.json', '.cjs']) {
      if (this.exists(abs + ext)) return abs + ext;
    }
    return undefined;
  }

  tryDirectory(abs) {
    const pkgText = this.read(`${abs}/package.json`);
    if (pkgText !== undefined) {
      let main;
      try {
        main = JSON.parse(pkgText).main;
      } catch {
        main = undefined;
      }
      if (typeof main === 'string' && main) {
        const target = path.resolve(abs, main);
        const found = this.tryFile(target) ?? this.tryIndex(target);
        if (found) return found;
      }
    }
    return this.tryIndex(abs);
  }

  tryIndex(abs) {
    for (const name of ['index.js', 'index.json', 'index.cjs']) {
      if (this.exists(`${abs}/${name}`)) return `${abs}/${name}`;
    }
    return undefined;
  }

  /** Node's resolution of `request` from directory `fromDir`; a path or a built-in's name. */
  resolve(request, fromDir, parent) {
    if (typeof request !== 'string' || request === '') {
      throw new TypeError(`The "id" argument must be of type string. Received ${String(request)}`);
    }
    const bare = request.startsWith('node:') ? request.slice(5) : request;
    if (Object.prototype.hasOwnProperty.call(this.builtins, bare)) return `builtin:${bare}`;
    if (NODE_BUILTINS.has(bare) || request.startsWith('node:')) {
      throw notFound(request, parent, ": s3lambda's Node.js engine does not provide this built-in module");
    }
    if (request.startsWith('./') || request.startsWith('../') || request.startsWith('/') || request === '.' || request === '..') {
      const abs = path.resolve(fromDir, request);
      const found = this.tryFile(abs) ?? this.tryDirectory(abs);
      if (found) return found;
      throw notFound(request, parent);
    }
    for (let dir = fromDir; dir.startsWith(TASK_ROOT); dir = path.dirname(dir)) {
      if (path.basename(dir) === 'node_modules') continue;
      const abs = `${dir}/node_modules/${request}`;
      const found = this.tryFile(abs) ?? this.tryDirectory(abs);
      if (found) return found;
      if (dir === TASK_ROOT) break;
    }
    throw notFound(request, parent);
  }

  makeRequire(mod) {
    const require = (request) => this.require(request, mod);
    require.resolve = (request) => {
      const r = this.resolve(request, mod ? path.dirname(mod.filename) : TASK_ROOT, mod);
      return r.startsWith('builtin:') ? r.slice(8) : r;
    };
    require.cache = this.cache;
    require.main = undefined;
    return require;
  }

  /** `require(request)` from module `parent` (undefined: from /var/task). */
  require(request, parent) {
    const resolved = this.resolve(request, parent ? path.dirname(parent.filename) : TASK_ROOT, parent);
    if (resolved.startsWith('builtin:')) return this.builtins[resolved.slice(8)];
    return this.load(resolved, parent);
  }

  /** Loads the file `filename` (already resolved) as a CommonJS module. */
  load(filename, parent) {
    const cached = this.cache[filename];
    if (cached) return cached.exports;
    const mod = {
      id: filename,
      path: path.dirname(filename),
      filename,
      loaded: false,
      exports: {},
      parent,
      children: [],
      paths: [],
    };
    mod.require = this.makeRequire(mod);
    if (parent) parent.children.push(mod);
    this.cache[filename] = mod;
    try {
      this.compile(mod);
    } catch (e) {
      delete this.cache[filename];
      throw e;
    }
    mod.loaded = true;
    return mod.exports;
  }

  compile(mod) {
    let text = this.read(mod.filename) ?? '';
    if (mod.filename.endsWith('.json')) {
      try {
        mod.exports = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      } catch (e) {
        e.message = `${mod.filename}: ${e.message}`;
        throw e;
      }
      return;
    }
    if (mod.filename.endsWith('.mjs')) {
      const err = new Error(
        `s3lambda's Node.js engine runs CommonJS only; cannot load the ES module ${mod.filename}`,
      );
      err.code = 'ERR_REQUIRE_ESM';
      throw err;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.startsWith('#!')) text = '//' + text;
    text = rewriteDynamicImports(text, mod.filename);
    const dynamicImport = (specifier) => this.esm.importFrom(String(specifier), mod.filename);
    // The wrapper is on the source's first line, so line numbers in stacks are the file's.
    const source = `(function (exports, require, module, __filename, __dirname, __s3l_dynamic) {${text}\n})\n//# sourceURL=${mod.filename}`;
    const fn = (0, eval)(source);
    fn.call(mod.exports, mod.exports, mod.require, mod, mod.filename, mod.path, dynamicImport);
  }
}
