"""Run `s3lambda serve` as a child process and talk to its simulator API (`/_s3lambda/`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from typing import Any, Deque, Dict, List, Optional, Sequence

ACCESS_KEY = "test"
SECRET_KEY = "test"
ACCOUNT = "000000000000"


def binary() -> str:
    """The `s3lambda` executable: `$S3LAMBDA_BIN`, the one this package installed next to the
    interpreter, or the first on PATH."""
    explicit = os.environ.get("S3LAMBDA_BIN")
    if explicit:
        return explicit
    name = "s3lambda.exe" if sys.platform == "win32" else "s3lambda"
    beside = os.path.join(sysconfig.get_path("scripts"), name)
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("s3lambda")
    if found:
        return found
    raise FileNotFoundError(
        "no s3lambda binary: install the s3lambda wheel, put s3lambda on PATH or set S3LAMBDA_BIN"
    )


class S3LambdaError(RuntimeError):
    """The server did not start, or its simulator API refused a call."""


class S3LambdaServer:
    """`s3lambda serve --port 0 --ready-json` in a child process, stopped on `stop()` or at
    the end of a `with` block.

    >>> with S3LambdaServer() as server:          # doctest: +SKIP
    ...     s3 = server.client("s3")
    ...     s3.create_bucket(Bucket="photos")
    ...     server.wait_idle()
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        region: str = "us-east-1",
        args: Sequence[str] = (),
        executable: Optional[str] = None,
        startup_timeout: float = 60.0,
        log: str = "warn",
    ) -> None:
        self.host = host
        self.requested_port = port
        self.region = region
        self.args = list(args)
        self.executable = executable
        self.startup_timeout = startup_timeout
        self.log = log
        self.process: Optional[subprocess.Popen] = None
        self.endpoint: Optional[str] = None
        self.port: Optional[int] = None
        self._stderr: Deque[str] = deque(maxlen=200)

    # Lifecycle -------------------------------------------------------------------------

    def start(self) -> "S3LambdaServer":
        """Starts the server and returns once it printed its ready line."""
        if self.process is not None:
            return self
        command = [
            self.executable or binary(),
            "--log",
            self.log,
            "serve",
            "--host",
            self.host,
            "--port",
            str(self.requested_port),
            "--region",
            self.region,
            "--ready-json",
            *self.args,
        ]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        ready: Dict[str, Any] = {}
        reader = threading.Thread(target=self._read_ready, args=(ready,), daemon=True)
        reader.start()
        reader.join(self.startup_timeout)
        if "endpoint" not in ready:
            self.stop()
            raise S3LambdaError(
                f"s3lambda serve did not print its ready line within {self.startup_timeout} s; "
                f"its log:\n{self.log_tail()}"
            )
        self.endpoint = ready["endpoint"]
        self.port = int(ready["port"])
        return self

    def _read_ready(self, ready: Dict[str, Any]) -> None:
        assert self.process is not None and self.process.stdout is not None
        line = self.process.stdout.readline()
        try:
            ready.update(json.loads(line))
        except ValueError:
            self._stderr.append(f"(stdout) {line}")

    def _drain_stderr(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr.append(line.rstrip("\n"))

    def log_tail(self) -> str:
        """The server's most recent log lines (stderr)."""
        return "\n".join(self._stderr)

    def stop(self, timeout: float = 30.0) -> Optional[int]:
        """Stops the server (SIGTERM: it drains queued deliveries), killing it after
        `timeout`; its exit status."""
        process, self.process = self.process, None
        self.endpoint = None
        if process is None:
            return None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return process.returncode

    def __enter__(self) -> "S3LambdaServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> Optional[int]:
        """The server's process id while it runs."""
        return self.process.pid if self.process else None

    # Clients ---------------------------------------------------------------------------

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client of `service` (`s3`, `lambda`, `logs`) for this server, signed as the
        default account (keys `test`/`test`)."""
        import boto3  # only the clients need boto3

        options: Dict[str, Any] = {
            "endpoint_url": self.endpoint,
            "region_name": self.region,
            "aws_access_key_id": ACCESS_KEY,
            "aws_secret_access_key": SECRET_KEY,
        }
        options.update(kwargs)
        return boto3.client(service, **options)

    def handler_zip(self, name: str) -> bytes:
        """A deployment package holding the built-in handler `name` (`echo`, `s3-logger`,
        `helloworld`, ...), for CreateFunction's `Code={"ZipFile": ...}`."""
        command = [self.executable or binary(), "handler", name, "--zip"]
        return subprocess.run(command, check=True, capture_output=True).stdout

    # The simulator API -------------------------------------------------------------------

    def _call(self, method: str, path: str, timeout: float = 60.0) -> Any:
        if self.endpoint is None:
            raise S3LambdaError("the server is not running")
        request = urllib.request.Request(
            self.endpoint + path,
            method=method,
            data=b"{}" if method == "POST" else None,
            headers={"content-type": "application/json", "x-s3lambda-client": "python"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                body = answer.read()
                kind = answer.headers.get("content-type", "")
        except urllib.error.HTTPError as e:
            body = e.read()
            if e.code == 408 and path.startswith("/_s3lambda/wait"):
                return json.loads(body)
            raise S3LambdaError(f"{method} {path}: HTTP {e.code}: {body.decode(errors='replace')}")
        except urllib.error.URLError as e:
            raise S3LambdaError(f"{method} {path}: {e.reason}") from e
        return json.loads(body) if kind.startswith("application/json") else body.decode()

    def health(self) -> Dict[str, Any]:
        """`GET /_s3lambda/health`."""
        return self._call("GET", "/_s3lambda/health")

    def reset(self) -> None:
        """Forgets every bucket, function, trace, record and log."""
        self._call("POST", "/_s3lambda/reset")

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Waits until no event delivery is in flight (retries included); whether it got there
        within `timeout` seconds."""
        answer = self._call(
            "POST", f"/_s3lambda/wait?timeout_ms={int(timeout * 1000)}", timeout=timeout + 10
        )
        return bool(answer.get("idle"))

    def traces(
        self,
        bucket: Optional[str] = None,
        key: Optional[str] = None,
        function: Optional[str] = None,
        outcome: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> List[Dict[str, Any]]:
        """Event traces, most recent first (`GET /_s3lambda/traces`)."""
        query = {
            k: v
            for k, v in (
                ("bucket", bucket),
                ("key", key),
                ("function", function),
                ("outcome", outcome),
                ("limit", limit),
            )
            if v is not None
        }
        path = "/_s3lambda/traces"
        if query:
            path += "?" + urllib.parse.urlencode(query)
        return self._call("GET", path)["traces"]

    def trace(self, event_id: str) -> Dict[str, Any]:
        """One trace by its id (`evt-000000000042`)."""
        return self._call("GET", f"/_s3lambda/traces/{urllib.parse.quote(event_id)}")

    def metrics(self) -> str:
        """The Prometheus text exposition of `/_s3lambda/metrics`."""
        return self._call("GET", "/_s3lambda/metrics")


# For users of moto's `ThreadedMotoServer`: the same shape (start, stop, a `with` block).
ThreadedS3Lambda = S3LambdaServer
