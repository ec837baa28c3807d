"""The log lines the runtime writes: the root `logging` handler, error records, unbuffered stdio.

Everything goes to stdout, which the host captures as the function's log. As in AWS's
runtime (text log format): a `logging` record is `[LEVEL]\\t<UTC time>.<ms>Z\\t<request
id>\\t<message>`, the root logger keeps Python's default level (WARNING) unless
`AWS_LAMBDA_LOG_LEVEL` says otherwise, and an error record is one line whose parts are
joined by `\\r`, with a traceback's leading spaces written as no-break spaces.
"""

import logging
import sys
import time

ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"  # NO-BREAK SPACE
LOG_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"

#: The request id the `logging` lines carry; empty while the module loads (init).
request_id = ""


class Unbuffered:
    """A stream that flushes every write, so output before a timeout is kept."""

    def __init__(self, stream):
        self.stream = stream

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        """Write and flush."""
        written = self.stream.write(msg)
        self.stream.flush()
        return written

    def writelines(self, msgs):
        """Write every line and flush."""
        self.stream.writelines(msgs)
        self.stream.flush()


class StandardLogSink:
    """Writes log text to stdout as it is (the runtime's sink outside the telemetry API)."""

    def log(self, msg, frame_type=None):
        """One record, already formatted."""
        sys.stdout.write(msg)

    def log_error(self, message_lines):
        """An error record: its lines joined by `\\r`, one log line in all."""
        sys.stdout.write(ERROR_LOG_LINE_TERMINATE.join(message_lines) + "\n")


class LambdaLoggerHandler(logging.Handler):
    """The handler the runtime installs on the root logger."""

    def __init__(self, log_sink):
        logging.Handler.__init__(self)
        self.log_sink = log_sink

    def emit(self, record):
        """Format and write one record."""
        self.log_sink.log(self.format(record))


class LambdaLoggerFilter(logging.Filter):
    """Adds the current request id to every record."""

    def filter(self, record):
        """Stamp the record; never drops one."""
        record.aws_request_id = request_id or ""
        record.tenant_id = None
        return True


def _log_level_from_env(value):
    return {None: "", "TRACE": "DEBUG"}.get(value, value).upper()


def setup_logging(log_level_env, log_sink):
    """Install the root handler, as the runtime does before it loads the handler's module."""
    logging.Formatter.converter = time.gmtime
    logger = logging.getLogger()
    handler = LambdaLoggerHandler(log_sink)
    handler.setFormatter(logging.Formatter(LOG_FORMAT, DATE_FORMAT))
    level = _log_level_from_env(log_level_env)
    if level in logging._nameToLevel:
        logger.setLevel(level)
    handler.addFilter(LambdaLoggerFilter())
    logger.addHandler(handler)


def _replace_indentation(line):
    count = len(line) - len(line.lstrip(" "))
    return ERROR_LOG_IDENT * count + line[count:]


def log_error(error_result, log_sink):
    """The `[ERROR] Type: message\\rTraceback …` record of an error document."""
    description = "[ERROR]"
    error_type = error_result.get("errorType")
    if error_type:
        description += " " + error_type
    message = error_result.get("errorMessage")
    if message:
        if error_type:
            description += ":"
        description += " " + message
    lines = [description]
    stack_trace = error_result.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                lines.extend(_replace_indentation(line) for line in element.splitlines())
    log_sink.log_error(lines)
