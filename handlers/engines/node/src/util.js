// The `util` module: format, inspect, promisify, callbackify, inherits, deprecate, types.

import { format, inspect } from './inspect.js';

const custom = Symbol.for('nodejs.util.promisify.custom');

function promisify(fn) {
  if (typeof fn !== 'function') throw new TypeError('The "original" argument must be of type function');
  if (fn[custom]) return fn[custom];
  return function (...args) {
    return new Promise((resolve, reject) => {
      fn.call(this, ...args, (err, ...values) => {
        if (err) reject(err);
        else resolve(values.length > 1 ? values : values[0]);
      });
    });
  };
}
promisify.custom = custom;

function callbackify(fn) {
  return function (...args) {
    const cb = args.pop();
    fn.apply(this, args).then(
      (v) => queueMicrotask(() => cb(null, v)),
      (e) => queueMicrotask(() => cb(e || new Error('Promise was rejected with a falsy value'))),
    );
  };
}

function inherits(ctor, superCtor) {
  Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

function deprecate(fn, msg) {
  let warned = false;
  return function (...args) {
    if (!warned) {
      warned = true;
      console.warn(`DeprecationWarning: ${msg}`);
    }
    return new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args);
  };
}

const tag = (v) => Object.prototype.toString.call(v);

const types = {
  isNativeError: (v) => v instanceof Error || tag(v) === '[object Error]',
  isPromise: (v) => v instanceof Promise,
  isDate: (v) => v instanceof Date,
  isRegExp: (v) => v instanceof RegExp,
  isMap: (v) => v instanceof Map,
  isSet: (v) => v instanceof Set,
  isAsyncFunction: (v) => typeof v === 'function' && v.constructor?.name === 'AsyncFunction',
  isTypedArray: (v) => ArrayBuffer.isView(v) && !(v instanceof DataView),
  isUint8Array: (v) => v instanceof Uint8Array,
  isArrayBuffer: (v) => v instanceof ArrayBuffer,
};

/** The `util` module. */
export const util = {
  format,
  inspect,
  promisify,
  callbackify,
  inherits,
  deprecate,
  types,
  isArray: Array.isArray,
  isError: types.isNativeError,
  TextEncoder,
  TextDecoder,
};
inspect.custom = Symbol.for('nodejs.util.inspect.custom');
