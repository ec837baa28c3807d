// ES modules (.mjs, and .js under a package.json with "type": "module"), which the engine
// cannot hand to SpiderMonkey's own loader at run time: each module is parsed with acorn
// and rewritten into an async function (imports become awaited loads, exports become
// getters on the namespace, `import.meta` and `import()` are provided), then evaluated.
// Exports are live through the getters; imported names are bound once the import loaded.

import { parse } from '../node_modules/acorn/dist/acorn.mjs';
import { path } from './path.js';
import { TASK_ROOT } from './stack.js';

function moduleNotFound(what, from) {
  const err = new Error(`Cannot find ${what} imported from ${from}`);
  err.code = 'ERR_MODULE_NOT_FOUND';
  return err;
}

/** The name an export specifier or import specifier carries (identifier or string). */
const nameOf = (node) => (node.type === 'Identifier' ? node.name : String(node.value));

/** Loads and evaluates ES modules for a CommonJS `Loader`. */
export class EsmLoader {
  /** @param {import('./modules.js').Loader} cjs the CommonJS loader (files, built-ins) */
  constructor(cjs) {
    this.cjs = cjs;
    this.modules = new Map();
  }

  /** Whether `filename` is an ES module: .mjs, or .js whose package says "type": "module". */
  isEsm(filename) {
    if (filename.endsWith('.mjs')) return true;
    if (!filename.endsWith('.js')) return false;
    for (let d = path.dirname(filename); d.startsWith(TASK_ROOT); d = path.dirname(d)) {
      if (d.endsWith('/node_modules')) return false;
      const text = this.cjs.read(`${d}/package.json`);
      if (text !== undefined) {
        try {
          return JSON.parse(text)?.type === 'module';
        } catch {
          return false;
        }
      }
      if (d === TASK_ROOT) break;
    }
    return false;
  }

  /** The namespace of `specifier` imported from the module `from`. */
  async importFrom(specifier, from) {
    const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
    if (Object.prototype.hasOwnProperty.call(this.cjs.builtins, bare)) {
      return this.wrapCommonJs(this.cjs.builtins[bare]);
    }
    let filename;
    if (specifier.startsWith('file://')) specifier = specifier.slice(7);
    if (specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/')) {
      filename = path.resolve(path.dirname(from), specifier);
      if (!this.cjs.exists(filename)) throw moduleNotFound(`module '${filename}'`, from);
    } else {
      try {
        filename = this.cjs.resolve(specifier, path.dirname(from), undefined);
      } catch (e) {
        if (e && e.code === 'MODULE_NOT_FOUND' && !/does not provide/.test(e.message)) {
          throw moduleNotFound(`package '${specifier.split('/')[0]}'`, from);
        }
        throw e;
      }
      if (filename.startsWith('builtin:')) return this.wrapCommonJs(this.cjs.builtins[filename.slice(8)]);
    }
    return this.load(filename);
  }

  wrapCommonJs(exports) {
    const ns = Object.create(null);
    if (exports !== null && (typeof exports === 'object' || typeof exports === 'function')) {
      for (const key of Object.keys(exports)) if (key !== 'default') ns[key] = exports[key];
    }
    ns.default = exports;
    return ns;
  }

  /** The namespace of the module file `filename`, loading it once. */
  async load(filename) {
    const known = this.modules.get(filename);
    if (known) return known.ns;
    if (!this.isEsm(filename)) return this.wrapCommonJs(this.cjs.load(filename, undefined));
    const ns = Object.create(null);
    Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
    const record = { ns, evaluated: undefined };
    this.modules.set(filename, record);
    record.evaluated = this.evaluate(filename, ns);
    await record.evaluated;
    return ns;
  }

  async evaluate(filename, ns) {
    const text = this.cjs.read(filename) ?? '';
    const body = this.transform(text, filename);
    const source = `(async function (__s3l_import, __s3l_export, __s3l_meta, __s3l_dynamic) {"use strict";${body}\n})\n//# sourceURL=${filename}`;
    const fn = (0, eval)(source);
    const exportGetters = (getters) => {
      for (const [name, get] of Object.entries(getters)) {
        Object.defineProperty(ns, name, { get, enumerable: true, configurable: true });
      }
    };
    const exportAll = (from) => {
      for (const key of Object.keys(from)) {
        if (key === 'default' || Object.prototype.hasOwnProperty.call(ns, key)) continue;
        Object.defineProperty(ns, key, { get: () => from[key], enumerable: true, configurable: true });
      }
    };
    exportGetters.all = exportAll;
    const meta = {
      url: `file://${filename}`,
      filename,
      dirname: path.dirname(filename),
      resolve: (s) => `file://${path.resolve(path.dirname(filename), s)}`,
    };
    await fn.call(undefined, (s) => this.importFrom(s, filename), exportGetters, meta, (s) =>
      this.importFrom(String(s), filename),
    );
  }

  /** The module's source rewritten as the body of an async function. */
  transform(text, filename) {
    if (text.startsWith('#!')) text = '//' + text;
    const ast = parse(text, { ecmaVersion: 'latest', sourceType: 'module', sourceFile: filename });
    const edits = [];
    const getters = [];
    let n = 0;
    const temp = () => `__s3l_m${n++}`;
    const walk = (node) => {
      if (!node || typeof node.type !== 'string') return;
      if (node.type === 'MetaProperty' && node.meta.name === 'import') {
        edits.push([node.start, node.end, '__s3l_meta']);
        return;
      }
      if (node.type === 'ImportExpression') {
        edits.push([node.start, node.source.start, '__s3l_dynamic(']);
      }
      for (const key of Object.keys(node)) {
        const v = node[key];
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v.type === 'string') walk(v);
      }
    };
    for (const node of ast.body) {
      switch (node.type) {
        case 'ImportDeclaration': {
          const m = temp();
          const decls = [`const ${m} = await __s3l_import(${JSON.stringify(node.source.value)});`];
          for (const s of node.specifiers) {
            if (s.type === 'ImportDefaultSpecifier') decls.push(`const ${s.local.name} = ${m}.default;`);
            else if (s.type === 'ImportNamespaceSpecifier') decls.push(`const ${s.local.name} = ${m};`);
            else decls.push(`const ${s.local.name} = ${m}[${JSON.stringify(nameOf(s.imported))}];`);
          }
          edits.push([node.start, node.end, decls.join(' ')]);
          break;
        }
        case 'ExportNamedDeclaration': {
          if (node.declaration) {
            edits.push([node.start, node.declaration.start, '']);
            const d = node.declaration;
            if (d.type === 'VariableDeclaration') {
              for (const decl of d.declarations) {
                for (const name of boundNames(decl.id)) getters.push([name, name]);
              }
            } else if (d.id) {
              getters.push([d.id.name, d.id.name]);
            }
            walk(d);
          } else if (node.source) {
            const m = temp();
            edits.push([node.start, node.end, `const ${m} = await __s3l_import(${JSON.stringify(node.source.value)});`]);
            for (const s of node.specifiers) getters.push([nameOf(s.exported), `${m}[${JSON.stringify(nameOf(s.local))}]`]);
          } else {
            edits.push([node.start, node.end, '']);
            for (const s of node.specifiers) getters.push([nameOf(s.exported), s.local.name]);
          }
          break;
        }
        case 'ExportAllDeclaration': {
          const m = temp();
          let code = `const ${m} = await __s3l_import(${JSON.stringify(node.source.value)});`;
          if (node.exported) getters.push([nameOf(node.exported), m]);
          else code += ` __s3l_export.all(${m});`;
          edits.push([node.start, node.end, code]);
          break;
        }
        case 'ExportDefaultDeclaration': {
          const d = node.declaration;
          if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) {
            edits.push([node.start, d.start, '']);
            getters.push(['default', d.id.name]);
          } else {
            edits.push([node.start, d.start, 'const __s3l_default = (']);
            edits.push([d.end, d.end, ');']);
            getters.push(['default', '__s3l_default']);
          }
          walk(d);
          break;
        }
        default:
          walk(node);
      }
    }
    edits.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
    let out = text;
    for (const [start, end, code] of edits) out = out.slice(0, start) + code + out.slice(end);
    if (getters.length) {
      const defs = getters.map(([name, expr]) => `${JSON.stringify(name)}: () => ${expr}`).join(', ');
      out = `__s3l_export({ ${defs} }); ` + out;
    }
    return out;
  }
}

/**
 * A CommonJS source with its `import()` calls made to call `__s3l_dynamic(` (SpiderMonkey's
 * own dynamic import would reach for a file system the engine does not have).
 */
export function rewriteDynamicImports(text, filename) {
  if (!/\bimport\s*\(/.test(text)) return text;
  let ast;
  try {
    ast = parse(text, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, sourceFile: filename });
  } catch {
    return text; // the engine's own parse reports the syntax error
  }
  const edits = [];
  const walk = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'ImportExpression') edits.push([node.start, node.source.start]);
    for (const key of Object.keys(node)) {
      const v = node[key];
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v.type === 'string') walk(v);
    }
  };
  walk(ast);
  edits.sort((a, b) => b[0] - a[0]);
  let out = text;
  for (const [start, end] of edits) out = out.slice(0, start) + '__s3l_dynamic(' + out.slice(end);
  return out;
}

/** The names a binding pattern declares. */
function boundNames(pattern) {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p) => boundNames(p.type === 'RestElement' ? p.argument : p.value));
    case 'ArrayPattern':
      return pattern.elements.filter(Boolean).flatMap(boundNames);
    case 'RestElement':
      return boundNames(pattern.argument);
    case 'AssignmentPattern':
      return boundNames(pattern.left);
    default:
      return [];
  }
}
