// The `events` module: an EventEmitter with Node's common methods.

/** Node's EventEmitter: on/once/off/emit, listeners, an unhandled 'error' throws. */
export class EventEmitter {
  constructor() {
    this._events = new Map();
    this._maxListeners = EventEmitter.defaultMaxListeners;
  }

  _list(name) {
    if (!this._events) this._events = new Map();
    let list = this._events.get(name);
    if (!list) {
      list = [];
      this._events.set(name, list);
    }
    return list;
  }

  on(name, fn, prepend) {
    if (typeof fn !== 'function') throw new TypeError('The "listener" argument must be of type function');
    if (this._events?.has('newListener')) this.emit('newListener', name, fn.listener ?? fn);
    const list = this._list(name);
    if (prepend) list.unshift(fn);
    else list.push(fn);
    return this;
  }

  addListener(name, fn) {
    return this.on(name, fn);
  }

  prependListener(name, fn) {
    return this.on(name, fn, true);
  }

  once(name, fn, prepend) {
    const self = this;
    function wrapper(...args) {
      self.removeListener(name, wrapper);
      return fn.apply(this, args);
    }
    wrapper.listener = fn;
    return this.on(name, wrapper, prepend);
  }

  prependOnceListener(name, fn) {
    return this.once(name, fn, true);
  }

  removeListener(name, fn) {
    const list = this._events?.get(name);
    if (!list) return this;
    const i = list.findIndex((l) => l === fn || l.listener === fn);
    if (i >= 0) {
      list.splice(i, 1);
      if (list.length === 0) this._events.delete(name);
      if (this._events.has('removeListener')) this.emit('removeListener', name, fn);
    }
    return this;
  }

  off(name, fn) {
    return this.removeListener(name, fn);
  }

  removeAllListeners(name) {
    if (!this._events) return this;
    if (name === undefined) this._events.clear();
    else this._events.delete(name);
    return this;
  }

  emit(name, ...args) {
    const list = this._events?.get(name);
    if (!list || list.length === 0) {
      if (name === 'error') {
        const err = args[0];
        if (err instanceof Error) throw err;
        const e = new Error(`Unhandled error. (${String(err)})`);
        e.context = err;
        throw e;
      }
      return false;
    }
    for (const fn of [...list]) fn.apply(this, args);
    return true;
  }

  listeners(name) {
    return (this._events?.get(name) ?? []).map((l) => l.listener ?? l);
  }

  rawListeners(name) {
    return [...(this._events?.get(name) ?? [])];
  }

  listenerCount(name) {
    return this._events?.get(name)?.length ?? 0;
  }

  eventNames() {
    return this._events ? [...this._events.keys()] : [];
  }

  setMaxListeners(n) {
    this._maxListeners = n;
    return this;
  }

  getMaxListeners() {
    return this._maxListeners;
  }
}

EventEmitter.defaultMaxListeners = 10;
EventEmitter.EventEmitter = EventEmitter;

/** `events.once(emitter, name)`: a promise of the next event's arguments. */
EventEmitter.once = (emitter, name) =>
  new Promise((resolve, reject) => {
    const onError = (err) => {
      emitter.removeListener(name, onEvent);
      reject(err);
    };
    const onEvent = (...args) => {
      if (name !== 'error') emitter.removeListener('error', onError);
      resolve(args);
    };
    emitter.once(name, onEvent);
    if (name !== 'error') emitter.once('error', onError);
  });
