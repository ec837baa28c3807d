"""One invocation, as AWS's Python runtime runs it: load the handler, call it, report.

The engine runs in a fresh instance per invocation, so each call is an init followed by one
invoke: `_HANDLER` is resolved (`mod.func` or `pkg/mod.func`), the module is imported from
`/var/task` (its top-level code runs now, with an empty request id in `logging` lines, as
during Lambda's init), the handler is called with the event and a `LambdaContext`, and the
result is written as JSON. Every failure becomes the error document AWS's runtime returns
(`errorMessage`, `errorType`, `requestId`, `stackTrace`) and the `[ERROR]` record it logs.
The error type names and texts are the runtime's (`Runtime.MalformedHandlerName`,
`Runtime.ImportModuleError`, `Runtime.UserCodeSyntaxError`, `Runtime.HandlerNotFound`,
`Runtime.MarshalError`, …).
"""

import glob
import importlib
import logging
import os
import random
import sys
import traceback

from . import logsink
from .context import LambdaContext
from .marshal import from_json, to_json

TASK_ROOT = "/var/task"

MARSHAL_ERROR = "Runtime.MarshalError"
UNMARSHAL_ERROR = "Runtime.UnmarshalError"
USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
EXIT_ERROR = "Runtime.ExitError"

#: What the runtime logs (as a WARNING record) before the error of a failed init.
UNHANDLED_EXCEPTION_WARNING = (
    "LAMBDA_WARNING: "
    "Unhandled exception. "
    "The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function "
    "change, or can be applied automatically. "
    "To determine if the runtime has been updated, check the runtime version in the "
    "INIT_START log entry. "
    "If this error correlates with a change in the runtime version, you may be able to "
    "mitigate this error by temporarily rolling back to the previous runtime version. "
    "For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"
)


class FaultException(Exception):
    """A failure the runtime reports under its own `Runtime.*` error type."""

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


class Outcome:
    """What one invocation produced: `result` (JSON text) or `error` (an error document)."""

    def __init__(self, result=None, error=None):
        self.result = result
        self.error = error


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    """The error document the runtime returns, its keys in the runtime's order."""
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def _user_frames(tb):
    """The traceback's frames from the first one outside this file, as the runtime trims."""
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i, frame in enumerate(frames):
        if "/bootstrap.py" not in frame[0]:
            return frames[i:]
    return frames


def _exception_error(exc, invoke_id):
    return make_error(
        str(exc),
        type(exc).__name__,
        traceback.format_list(_user_frames(exc.__traceback__)),
        invoke_id,
    )


def _native_extension(module_name):
    """A native extension in the package that would have been `module_name`, or None."""
    if not module_name:
        return None
    base = os.path.join(TASK_ROOT, *module_name.split("."))
    for pattern in (base + ".*.so", base + ".so", base + ".*.pyd", base + ".pyd"):
        found = sorted(glob.glob(pattern))
        if found:
            return os.path.relpath(found[0], TASK_ROOT)
    return None


def get_handler(handler):
    """The handler function named by `handler`, importing its module (its top-level code runs)."""
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(
            MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e))
        )

    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        message = "Unable to import module '{}': {}".format(modname, str(e))
        native = _native_extension(getattr(e, "name", None))
        if native is not None:
            message += (
                " ({} is a native extension, which the WebAssembly Python engine "
                "cannot load)".format(native)
            )
        raise FaultException(IMPORT_MODULE_ERROR, message)
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            USER_CODE_SYNTAX_ERROR,
            "Syntax error in module '{}': {}".format(modname, str(e)),
            trace,
        )

    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(
            HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname)
        )


def _prepare_process():
    """What a fresh runtime process has that a resumed snapshot must be given."""
    sys.stdout = logsink.Unbuffered(sys.stdout)
    sys.stderr = logsink.Unbuffered(sys.stderr)
    # The snapshot was seeded at build time: every instance would draw the same numbers.
    random.seed()
    task_root = os.environ.get("LAMBDA_TASK_ROOT", TASK_ROOT)
    try:
        os.chdir(task_root)
    except OSError:
        pass
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    # A finder cached for the task root at build time would not see the package's files.
    sys.path_importer_cache.pop(task_root, None)


def _init(log_sink):
    """Install logging and load the handler: the runtime's init. An error document or the handler."""
    try:
        logsink.setup_logging(os.environ.get("AWS_LAMBDA_LOG_LEVEL"), log_sink)
        return get_handler(os.environ.get("_HANDLER", "")), None
    except FaultException as e:
        return None, make_error(e.msg, e.exception_type, e.trace)
    except Exception as e:
        return None, _exception_error(e, None)


def _call(request_handler, event_text, ctx):
    """Run the handler on the event: the runtime's invoke. An outcome."""
    try:
        context = LambdaContext(ctx)
        try:
            event = from_json(event_text)
        except Exception as e:
            raise FaultException(UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)))
        response = request_handler(event, context)
        if isinstance(response, bytes):
            return Outcome(result=response.decode("utf-8", "replace"))
        try:
            return Outcome(result=to_json(response))
        except Exception as e:
            raise FaultException(MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)))
    except FaultException as e:
        return Outcome(error=make_error(e.msg, e.exception_type, e.trace, ctx.request_id))
    except Exception as e:
        return Outcome(error=_exception_error(e, ctx.request_id))


def invoke(event_text, ctx):
    """Init and one invoke in this fresh instance. An `Outcome`."""
    _prepare_process()
    log_sink = logsink.StandardLogSink()
    logsink.request_id = ""
    try:
        request_handler, init_error = _init(log_sink)
        if init_error is not None:
            logging.warning(UNHANDLED_EXCEPTION_WARNING)
            logsink.log_error(init_error, log_sink)
            # The init error reaches the caller of this invocation, which carries its id.
            init_error["requestId"] = ctx.request_id
            return Outcome(error=init_error)
        logsink.request_id = ctx.request_id
        outcome = _call(request_handler, event_text, ctx)
        if outcome.error is not None:
            logsink.log_error(outcome.error, log_sink)
        return outcome
    except SystemExit as e:
        return Outcome(error=_exit_error(e.code, ctx.request_id))


def _exit_error(code, request_id):
    """The runtime process exited (`sys.exit`, `exit()`): what Lambda reports for it."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        sys.stderr.write(str(code) + "\n")
        status = 1
    return {
        "errorType": EXIT_ERROR,
        "errorMessage": "RequestId: {} Error: Runtime exited with error: exit status {}".format(
            request_id, status
        ),
    }


def error_json(error):
    """The error document as the JSON text the runtime posts."""
    return to_json(error)
