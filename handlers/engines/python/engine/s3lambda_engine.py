"""The engine component's entry: the `engine` world's `handle` export, over the runtime package.

componentize-py imports this module at build time and snapshots the interpreter, so the
imports here (the runtime and the preloaded standard library) are done once, at build time;
each invocation starts from that snapshot in a fresh instance.
"""

import sys

import wit_world
from componentize_py_types import Err

from s3lambda_python_runtime import bootstrap, preload

MISSING = preload.load()
if MISSING:
    sys.stderr.write("s3lambda python engine: not preloaded: %s\n" % ", ".join(MISSING))


class WitWorld(wit_world.WitWorld):
    """The exported `handle`: one Lambda invocation."""

    def handle(self, event: str, ctx: wit_world.Context) -> str:
        outcome = bootstrap.invoke(event, ctx)
        if outcome.error is None:
            return outcome.result
        error = outcome.error
        raise Err(
            wit_world.FunctionError(
                error_type=str(error.get("errorType", "")),
                error_message=str(error.get("errorMessage", "")),
                payload=bootstrap.error_json(error),
                unhandled=True,
            )
        )
