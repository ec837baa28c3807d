// The error documents of Lambda's Node.js runtime: the `{errorType, errorMessage, trace}`
// response, the `Invoke Error \t{…}` log text, and the `Runtime.*` errors it raises itself.
// Learned from aws-lambda-nodejs-runtime-interface-client (src/Errors.js, src/UserFunction.js).

import { v8Stack } from './stack.js';

function looksLikeError(obj) {
  return (
    obj &&
    typeof obj.name === 'string' &&
    typeof obj.message === 'string' &&
    typeof obj.stack === 'string' &&
    obj.name &&
    obj.message &&
    obj.stack
  );
}

function isNativeError(obj) {
  return obj instanceof Error || Object.prototype.toString.call(obj) === '[object Error]';
}

/** An `Error` for anything thrown or passed to a callback (the runtime's `intoError`). */
export function intoError(err) {
  return isNativeError(err) ? err : new Error(err);
}

/** The response payload Lambda returns for an error (the runtime's `toRapidResponse`). */
export function toRapidResponse(error) {
  try {
    if (isNativeError(error) || looksLikeError(error)) {
      return {
        errorType: error.name?.replaceAll('\x7F', '%7F'),
        errorMessage: error.message?.replaceAll('\x7F', '%7F'),
        trace: v8Stack(error).replaceAll('\x7F', '%7F').split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function withEnumerableProperties(value) {
  if (value instanceof Error) {
    const ret = Object.assign({ errorType: value.name, errorMessage: value.message, code: value.code }, value);
    ret.stack = v8Stack(value).split('\n');
    return ret;
  }
  return value;
}

/** The JSON the runtime logs after `Invoke Error ` / `Uncaught Exception `, tab first. */
export function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

function runtimeError(name, message) {
  const err = new Error(message);
  // Not own enumerable properties: the runtime's errors carry `name` on their prototype,
  // so the logged JSON has no "name" key. No frames: /var/runtime/index.mjs is not here.
  Object.defineProperty(err, 'name', { value: `Runtime.${name}`, enumerable: false, configurable: true, writable: true });
  Object.defineProperty(err, 'stack', { value: `${err.name}: ${message}`, enumerable: false, configurable: true, writable: true });
  return err;
}

/** `Runtime.MalformedHandlerName`. */
export const malformedHandlerName = (message) => runtimeError('MalformedHandlerName', message);
/** `Runtime.HandlerNotFound`. */
export const handlerNotFound = (message) => runtimeError('HandlerNotFound', message);
/** `Runtime.ImportModuleError`, wrapping the module error as the runtime does (`String(e)`). */
export const importModuleError = (cause) => runtimeError('ImportModuleError', String(cause));
/** `Runtime.UserCodeSyntaxError`, wrapping the SyntaxError. */
export const userCodeSyntaxError = (cause) => runtimeError('UserCodeSyntaxError', String(cause));
/** `Runtime.NodeJsExit`: an async handler whose promise never settled. */
export const nodeJsExit = () =>
  runtimeError(
    'NodeJsExit',
    'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
  );

/** The `function-error` record of the WIT world for `error`, as Lambda reports it. */
export function functionError(error) {
  const doc = toRapidResponse(error);
  return {
    errorType: String(doc.errorType ?? ''),
    errorMessage: String(doc.errorMessage ?? ''),
    payload: JSON.stringify(doc),
    // Every error the Node.js runtime reports goes to the Runtime API's
    // /runtime/invocation/{id}/error endpoint (RAPIDClient.postInvocationError, for thrown
    // errors, rejected promises and callback(err) alike), which Lambda reports as
    // X-Amz-Function-Error: Unhandled. "Handled" belonged to the retired nodejs4.3-era runtime.
    unhandled: true,
  };
}
