"""The `context` object a handler receives, with the attributes and types of AWS's runtime.

Like AWS's runtime, the name, version, memory size and log names come from the environment
(`AWS_LAMBDA_FUNCTION_*`, `AWS_LAMBDA_LOG_*`), so `memory_limit_in_mb` is a string; the
host's invocation context fills any the environment lacks.
"""

import logging
import os
import sys
import time


class CognitoIdentity:
    """`context.identity`: set only for mobile SDK calls, so both ids are None here."""

    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __init__(self):
        self.cognito_identity_id = None
        self.cognito_identity_pool_id = None

    def __repr__(self):
        return (
            f"CognitoIdentity([cognito_identity_id={self.cognito_identity_id},"
            f"cognito_identity_pool_id={self.cognito_identity_pool_id}])"
        )


class LambdaContext:
    """The invocation's context, as `lambda_handler(event, context)` receives it."""

    def __init__(self, ctx):
        env = os.environ
        self.aws_request_id = ctx.request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME", ctx.log_group_name)
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME", ctx.log_stream_name)
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME", ctx.function_name)
        self.memory_limit_in_mb = env.get(
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", str(ctx.memory_limit_mb)
        )
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION", ctx.function_version)
        self.invoked_function_arn = ctx.invoked_function_arn
        self.tenant_id = None
        # Set only for invocations through the mobile SDKs, which S3 and Invoke here are not.
        self.client_context = None
        self.identity = CognitoIdentity()
        self._epoch_deadline_time_in_ms = ctx.deadline_ms

    def get_remaining_time_in_millis(self):
        """Milliseconds left before the invocation times out, never negative."""
        delta_ms = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def log(self, msg):
        """Write `msg` to the log as it is, without a newline (the runtime's `context.log`)."""
        for handler in logging.getLogger().handlers:
            sink = getattr(handler, "log_sink", None)
            if sink is not None:
                sink.log(str(msg))
                return
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext(["
            f"aws_request_id={self.aws_request_id},"
            f"log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},"
            f"function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},"
            f"function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},"
            f"client_context={self.client_context},"
            f"identity={self.identity},"
            f"tenant_id={self.tenant_id}"
            "])"
        )
