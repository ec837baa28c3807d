// util.inspect and util.format, as Node.js renders values in `console.log` (the subset a
// Lambda log line needs): objects and arrays on one line when they fit in 80 columns,
// nested to depth 2, `[Circular *1]`, strings quoted inside containers, errors by stack.

import { v8Stack } from './stack.js';

const BREAK_LENGTH = 80;
const COMPACT = 3;
const MAX_ARRAY = 100;
const MAX_STRING = 10000;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Quotes a string as Node does inside containers: '…', or "…" / `…` when it holds quotes. */
function quote(s) {
  let q = "'";
  if (s.includes("'")) {
    if (!s.includes('"')) q = '"';
    else if (!s.includes('`') && !s.includes('${')) q = '`';
  }
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).toUpperCase().padStart(2, '0');
    else out += ch;
  }
  return q + out + q;
}

function formatKey(key) {
  if (typeof key === 'symbol') return `[${key.toString()}]`;
  return IDENT.test(key) ? key : quote(key);
}

function fnBase(fn) {
  const src = Function.prototype.toString.call(fn);
  const name = fn.name;
  if (src.startsWith('class') && /^class\b/.test(src)) {
    return name ? `[class ${name}]` : '[class (anonymous)]';
  }
  let type = 'Function';
  const ctor = Object.getPrototypeOf(fn)?.constructor?.name;
  if (ctor === 'AsyncFunction') type = 'AsyncFunction';
  else if (ctor === 'GeneratorFunction') type = 'GeneratorFunction';
  else if (ctor === 'AsyncGeneratorFunction') type = 'AsyncGeneratorFunction';
  return name ? `[${type}: ${name}]` : `[${type} (anonymous)]`;
}

function formatPrimitive(v, nested) {
  switch (typeof v) {
    case 'string': {
      const s = v.length > MAX_STRING ? v.slice(0, MAX_STRING) : v;
      const more = v.length > MAX_STRING ? `... ${v.length - MAX_STRING} more characters` : '';
      return nested ? quote(s) + more : s + more;
    }
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'bigint':
      return `${v}n`;
    case 'boolean':
      return String(v);
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return v.toString();
    default:
      return String(v);
  }
}

function isError(v) {
  return v instanceof Error || Object.prototype.toString.call(v) === '[object Error]';
}

function constructorName(v) {
  const proto = Object.getPrototypeOf(v);
  if (proto === null) return null;
  const name = proto.constructor?.name;
  return typeof name === 'string' ? name : '';
}

function isBelowBreakLength(output, start, base) {
  let total = output.length + start;
  if (total + output.length > BREAK_LENGTH) return false;
  for (const entry of output) {
    total += entry.length;
    if (total > BREAK_LENGTH) return false;
  }
  return base === '' || !base.includes('\n');
}

// Node's grouping of long arrays into aligned columns (lib/internal/util/inspect.js).
function groupArrayElements(ctx, output, value) {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  if (value && value.length > MAX_ARRAY) outputLength--;
  const separatorSpace = 2;
  const dataLen = new Array(outputLength);
  for (let i = 0; i < outputLength; i++) {
    const len = output[i].length;
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + ctx.indentationLvl < BREAK_LENGTH && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((BREAK_LENGTH - ctx.indentationLvl) / actualMax),
      COMPACT * 4,
      15,
    );
    if (columns <= 1) return output;
    const tmp = [];
    const maxLineLength = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
      maxLineLength.push(lineLength + separatorSpace);
    }
    let padStart = true;
    if (value !== undefined) {
      for (let i = 0; i < output.length; i++) {
        if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') {
          padStart = false;
          break;
        }
      }
    }
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let str = '';
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        str += padStart ? cell.padStart(maxLineLength[j - i], ' ') : cell.padEnd(maxLineLength[j - i], ' ');
      }
      str += padStart ? output[j].padStart(maxLineLength[j - i] - separatorSpace, ' ') : output[j];
      tmp.push(str);
    }
    if (value && value.length > MAX_ARRAY) tmp.push(output[outputLength]);
    output = tmp;
  }
  return output;
}

function reduceToSingleString(ctx, output, base, braces, recurseTimes, arrayValue) {
  const entries = output.length;
  if (arrayValue !== undefined && entries > 6) output = groupArrayElements(ctx, output, arrayValue);
  if (ctx.currentDepth - recurseTimes < COMPACT && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
    if (isBelowBreakLength(output, start, base)) {
      const joined = output.join(', ');
      if (!joined.includes('\n')) {
        return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
      }
    }
  }
  const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
  return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
}

function formatValue(ctx, v, recurseTimes, nested) {
  if (v === null) return 'null';
  if (typeof v !== 'object' && typeof v !== 'function') return formatPrimitive(v, nested);
  if (ctx.seen.includes(v)) {
    let index = ctx.circular.get(v);
    if (index === undefined) {
      index = ctx.circular.size + 1;
      ctx.circular.set(v, index);
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, v, recurseTimes);
}

function ownEntries(ctx, v, recurseTimes, skip) {
  const out = [];
  for (const key of Reflect.ownKeys(v)) {
    if (skip && skip(key)) continue;
    const desc = Object.getOwnPropertyDescriptor(v, key);
    if (!desc || !desc.enumerable) continue;
    let str;
    if (desc.get || desc.set) {
      str = desc.get && desc.set ? '[Getter/Setter]' : desc.get ? '[Getter]' : '[Setter]';
    } else {
      ctx.indentationLvl += 2;
      str = formatValue(ctx, desc.value, recurseTimes + 1, true);
      ctx.indentationLvl -= 2;
    }
    out.push(`${formatKey(key)}: ${str}`);
  }
  return out;
}

function formatRaw(ctx, v, recurseTimes) {
  const ctor = constructorName(v);
  let braces;
  let base = '';
  let output;
  let entriesFn;
  const prefixFor = (fallback, size) => {
    const sz = size === undefined ? '' : `(${size})`;
    if (ctor === null) return `[${fallback}${sz}: null prototype] `;
    if (ctor !== fallback) return `${ctor || fallback}${sz} [${fallback}] `;
    return `${fallback}${sz} `;
  };
  if (Array.isArray(v)) {
    const prefix = ctor === 'Array' ? '' : prefixFor('Array', v.length);
    braces = [`${prefix}[`, ']'];
    if (v.length === 0 && Object.keys(v).length === 0) return `${braces[0]}]`;
    entriesFn = () => {
      const out = [];
      const n = Math.min(v.length, MAX_ARRAY);
      let holes = 0;
      for (let i = 0; i < n; i++) {
        if (!Object.prototype.hasOwnProperty.call(v, i)) {
          holes++;
          continue;
        }
        if (holes) {
          out.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
          holes = 0;
        }
        ctx.indentationLvl += 2;
        out.push(formatValue(ctx, v[i], recurseTimes + 1, true));
        ctx.indentationLvl -= 2;
      }
      if (holes) out.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
      if (v.length > MAX_ARRAY) {
        const rest = v.length - MAX_ARRAY;
        out.push(`... ${rest} more item${rest > 1 ? 's' : ''}`);
      }
      return out.concat(ownEntries(ctx, v, recurseTimes, (k) => typeof k === 'string' && (/^\d+$/.test(k) || k === 'length')));
    };
  } else if (typeof v === 'function') {
    base = fnBase(v);
    const keys = Object.keys(v);
    if (keys.length === 0) return base;
    braces = ['{', '}'];
    entriesFn = () => ownEntries(ctx, v, recurseTimes);
  } else if (isError(v)) {
    base = v8Stack(v);
    const keys = Object.keys(v);
    if (keys.length === 0) return base;
    braces = ['{', '}'];
    entriesFn = () => ownEntries(ctx, v, recurseTimes);
  } else if (v instanceof Date) {
    base = Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
    if (Object.keys(v).length === 0) return base;
    braces = ['{', '}'];
    entriesFn = () => ownEntries(ctx, v, recurseTimes);
  } else if (v instanceof RegExp) {
    base = RegExp.prototype.toString.call(v);
    if (Object.keys(v).length === 0) return base;
    braces = ['{', '}'];
    entriesFn = () => ownEntries(ctx, v, recurseTimes);
  } else if (v instanceof Map) {
    braces = [`${prefixFor('Map', v.size)}{`, '}'];
    if (v.size === 0 && Object.keys(v).length === 0) return `${braces[0]}}`;
    entriesFn = () => {
      const out = [];
      ctx.indentationLvl += 2;
      for (const [k, val] of v) {
        out.push(`${formatValue(ctx, k, recurseTimes + 1, true)} => ${formatValue(ctx, val, recurseTimes + 1, true)}`);
      }
      ctx.indentationLvl -= 2;
      return out.concat(ownEntries(ctx, v, recurseTimes));
    };
  } else if (v instanceof Set) {
    braces = [`${prefixFor('Set', v.size)}{`, '}'];
    if (v.size === 0 && Object.keys(v).length === 0) return `${braces[0]}}`;
    entriesFn = () => {
      const out = [];
      ctx.indentationLvl += 2;
      for (const val of v) out.push(formatValue(ctx, val, recurseTimes + 1, true));
      ctx.indentationLvl -= 2;
      return out.concat(ownEntries(ctx, v, recurseTimes));
    };
  } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const name = ctor || 'TypedArray';
    braces = [`${name}(${v.length}) [`, ']'];
    if (v.length === 0) return `${braces[0]}]`;
    entriesFn = () => {
      const out = [];
      const n = Math.min(v.length, MAX_ARRAY);
      for (let i = 0; i < n; i++) out.push(formatPrimitive(v[i], true));
      if (v.length > MAX_ARRAY) out.push(`... ${v.length - MAX_ARRAY} more items`);
      return out;
    };
  } else if (v instanceof Promise) {
    return 'Promise { <pending> }';
  } else if (v instanceof WeakMap || v instanceof WeakSet) {
    return `${ctor} { <items unknown> }`;
  } else if (v instanceof Number || v instanceof String || v instanceof Boolean) {
    const type = v instanceof Number ? 'Number' : v instanceof String ? 'String' : 'Boolean';
    return `[${type}: ${formatPrimitive(v.valueOf(), true)}]`;
  } else {
    const tag = v[Symbol.toStringTag];
    let prefix = '';
    if (ctor === null) prefix = '[Object: null prototype] ';
    else if (ctor !== 'Object') prefix = `${ctor || 'Object'} `;
    if (typeof tag === 'string' && tag !== '' && tag !== ctor) prefix = `${prefix || 'Object '}[${tag}] `;
    braces = [`${prefix}{`, '}'];
    entriesFn = () => ownEntries(ctx, v, recurseTimes);
  }
  if (recurseTimes > ctx.depth) {
    if (Array.isArray(v)) return '[Array]';
    return `[${ctor === null ? 'Object: null prototype' : ctor || 'Object'}]`;
  }
  ctx.seen.push(v);
  ctx.currentDepth = recurseTimes;
  try {
    output = entriesFn();
  } finally {
    ctx.seen.pop();
  }
  if (output.length === 0) {
    return base || `${braces[0]}${braces[1]}`;
  }
  if (ctx.circular.has(v)) {
    const ref = `<ref *${ctx.circular.get(v)}>`;
    if (base) base = `${ref} ${base}`;
    else braces[0] = `${ref} ${braces[0]}`;
  }
  const arrayValue = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)) ? v : undefined;
  return reduceToSingleString(ctx, output, base, braces, recurseTimes, arrayValue);
}

/** `util.inspect(value[, { depth }])`, without colors. */
export function inspect(value, opts) {
  const depth = opts && typeof opts === 'object' && opts.depth !== undefined ? (opts.depth === null ? Infinity : opts.depth) : 2;
  const ctx = { seen: [], circular: new Map(), indentationLvl: 0, currentDepth: 0, depth };
  return formatValue(ctx, value, 0, false);
}

// Whether `v`'s toString is a built-in one (then %s inspects it), as Node decides.
function hasBuiltInToString(v) {
  if (typeof v.toString !== 'function') return true;
  if (Object.prototype.hasOwnProperty.call(v, 'toString')) return false;
  let pointer = v;
  do {
    pointer = Object.getPrototypeOf(pointer);
  } while (pointer !== null && !Object.prototype.hasOwnProperty.call(pointer, 'toString'));
  if (pointer === null) return true;
  const ctor = Object.getOwnPropertyDescriptor(pointer, 'constructor')?.value;
  return typeof ctor === 'function' && globalThis[ctor.name] === ctor;
}

/** `util.format(format, ...args)`: printf-like %s %d %i %f %j %o %O %c %%, the rest inspected. */
export function format(...args) {
  const first = args[0];
  let out = '';
  let a = 1;
  if (typeof first === 'string') {
    if (args.length === 1) return first;
    let last = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue; // '%'
      const c = first[i + 1];
      if (c === '%') {
        out += first.slice(last, i) + '%';
        last = i + 2;
        i++;
        continue;
      }
      if (a >= args.length) continue;
      let rep;
      const arg = args[a];
      switch (c) {
        case 's':
          if (typeof arg === 'bigint') rep = `${arg}n`;
          else if (typeof arg === 'symbol') rep = arg.toString();
          else if (typeof arg === 'number') rep = formatPrimitive(arg, false);
          else if (arg !== null && typeof arg === 'object' && hasBuiltInToString(arg)) rep = inspect(arg, { depth: 0 });
          else rep = String(arg);
          break;
        case 'd':
          rep = typeof arg === 'bigint' ? `${arg}n` : typeof arg === 'symbol' ? 'NaN' : formatPrimitive(Number(arg), false);
          break;
        case 'i':
          rep = typeof arg === 'bigint' ? `${arg}n` : typeof arg === 'symbol' ? 'NaN' : formatPrimitive(parseInt(arg), false);
          break;
        case 'f':
          rep = typeof arg === 'symbol' ? 'NaN' : formatPrimitive(parseFloat(arg), false);
          break;
        case 'j':
          try {
            rep = JSON.stringify(arg);
          } catch {
            rep = '[Circular]';
          }
          break;
        case 'o':
          rep = inspect(arg, { depth: 4 });
          break;
        case 'O':
          rep = inspect(arg);
          break;
        case 'c':
          rep = '';
          break;
        default:
          continue;
      }
      out += first.slice(last, i) + rep;
      last = i + 2;
      i++;
      a++;
    }
    out += first.slice(last);
  } else {
    out = inspect(first);
  }
  for (; a < args.length; a++) {
    const arg = args[a];
    out += ' ' + (typeof arg === 'string' ? arg : inspect(arg));
  }
  return out;
}
