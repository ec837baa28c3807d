// Error stacks in the shape Node.js (V8) prints them, from SpiderMonkey's `fn@file:line:col`
// frames: a `Name: message` head, then `    at fn (file:line:col)` for the function's frames.

/** The directory the function's code is loaded from; frames elsewhere are the engine's. */
export const TASK_ROOT = '/var/task';

function head(err) {
  let name;
  let message;
  try {
    name = err.name === undefined ? 'Error' : String(err.name);
    message = err.message === undefined ? '' : String(err.message);
  } catch {
    return 'Error';
  }
  if (!name) return message;
  return message ? `${name}: ${message}` : name;
}

/** The frames of `stack` that belong to the function's code, as V8 writes them. */
export function v8Frames(stack) {
  if (typeof stack !== 'string') return [];
  const frames = [];
  for (let line of stack.split('\n')) {
    if (!line) continue;
    line = line.replace(/^async\*/, '');
    const at = line.lastIndexOf('@');
    if (at < 0) continue;
    const fn = line.slice(0, at);
    const where = line.slice(at + 1);
    if (!where.startsWith(TASK_ROOT + '/')) continue;
    frames.push(fn ? `    at ${fn} (${where})` : `    at ${where}`);
  }
  return frames;
}

/** `err.stack` as V8 prints it: the head line, then the function's frames. */
export function v8Stack(err) {
  let stack;
  try {
    stack = err.stack;
  } catch {
    stack = undefined;
  }
  if (typeof stack === 'string' && /^\S.*\n {4}at /.test(stack)) return stack; // already V8-shaped
  return [head(err), ...v8Frames(stack)].join('\n');
}
