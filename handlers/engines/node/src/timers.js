// Node-style timers over the engine's own: setTimeout/setInterval/setImmediate return
// Timeout objects (ref/unref/refresh), and the engine counts the referenced ones, which is
// how it knows when the event loop is empty (callbackWaitsForEmptyEventLoop).

const engineSetTimeout = globalThis.setTimeout;
const engineClearTimeout = globalThis.clearTimeout;
const engineSetInterval = globalThis.setInterval;
const engineClearInterval = globalThis.clearInterval;

let pending = 0;
let uncaught = (err) => {
  throw err;
};

/** Sets who receives an exception thrown by a timer's callback. */
export function onUncaught(fn) {
  uncaught = fn;
}
let wakers = [];

function wake() {
  const list = wakers;
  wakers = [];
  for (const w of list) w();
}

/** How many referenced timers are still to fire. */
export function pendingTimers() {
  return pending;
}

/** A promise that resolves the next time a timer fires or is cleared, or `poke` is called. */
export function nextActivity() {
  return new Promise((resolve) => wakers.push(resolve));
}

/** Wakes whoever waits in `nextActivity`. */
export function poke() {
  wake();
}

/** One turn of the event loop: microtasks drain and due timers run. */
export function turn() {
  return new Promise((resolve) => engineSetTimeout(resolve, 0));
}

class Timeout {
  constructor(repeat) {
    this._repeat = repeat;
    this._ref = true;
    this._active = true;
    this._id = undefined;
    pending++;
  }

  _settle() {
    if (this._active) {
      this._active = false;
      if (this._ref) pending--;
    }
    wake();
  }

  ref() {
    if (!this._ref && this._active) pending++;
    this._ref = true;
    return this;
  }

  unref() {
    if (this._ref && this._active) pending--;
    this._ref = false;
    wake();
    return this;
  }

  hasRef() {
    return this._ref;
  }

  refresh() {
    if (this._active && this._restart) this._restart();
    return this;
  }

  close() {
    clear(this);
    return this;
  }

  [Symbol.toPrimitive]() {
    return this._id;
  }
}

function schedule(fn, ms, args, repeat) {
  if (typeof fn !== 'function') {
    throw new TypeError(`The "callback" argument must be of type function. Received ${typeof fn}`);
  }
  const delay = Number(ms) >= 1 && Number(ms) <= 2147483647 ? Number(ms) : 1;
  const t = new Timeout(repeat);
  const run = () => {
    if (!repeat) t._settle();
    try {
      fn(...args);
    } catch (err) {
      uncaught(err);
    } finally {
      wake();
    }
  };
  t._restart = () => {
    (repeat ? engineClearInterval : engineClearTimeout)(t._id);
    t._id = (repeat ? engineSetInterval : engineSetTimeout)(run, delay);
  };
  t._id = (repeat ? engineSetInterval : engineSetTimeout)(run, delay);
  return t;
}

function clear(t) {
  if (t instanceof Timeout) {
    (t._repeat ? engineClearInterval : engineClearTimeout)(t._id);
    t._settle();
  } else if (typeof t === 'number') {
    engineClearTimeout(t);
  }
}

/** The timer functions installed as globals and offered as require('timers'). */
export const timers = {
  setTimeout: (fn, ms, ...args) => schedule(fn, ms, args, false),
  setInterval: (fn, ms, ...args) => schedule(fn, ms, args, true),
  setImmediate: (fn, ...args) => schedule(fn, 0, args, false),
  clearTimeout: clear,
  clearInterval: clear,
  clearImmediate: clear,
};

/** Replaces the global timer functions with the counted ones. */
export function installTimers() {
  Object.assign(globalThis, timers);
}
