"""The pytest plugin (entry point `pytest11`): one `s3lambda serve` per test session, handed
to each test by the `s3lambda_server` fixture after waiting for the previous test's deliveries
and resetting every bucket, function and trace."""

from __future__ import annotations

from typing import Iterator

import pytest

from .server import S3LambdaServer


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("s3lambda")
    group.addoption(
        "--s3lambda-binary",
        default=None,
        help="the s3lambda executable (default: the one the wheel installed, or PATH)",
    )
    group.addoption(
        "--s3lambda-arg",
        action="append",
        default=[],
        help="an extra argument for `s3lambda serve` (repeatable), e.g. --s3lambda-arg=--aws-timing",
    )


@pytest.fixture(scope="session")
def s3lambda_session_server(request: pytest.FixtureRequest) -> Iterator[S3LambdaServer]:
    """The session's server, on a free port."""
    server = S3LambdaServer(
        executable=request.config.getoption("--s3lambda-binary"),
        args=request.config.getoption("--s3lambda-arg"),
    )
    with server:
        yield server


@pytest.fixture
def s3lambda_server(s3lambda_session_server: S3LambdaServer) -> Iterator[S3LambdaServer]:
    """A clean simulator for this test: `.endpoint`, `.client("s3" | "lambda" | "logs")`,
    `.wait_idle()`, `.traces(...)`, `.metrics()`, `.handler_zip(name)`."""
    server = s3lambda_session_server
    server.wait_idle()
    server.reset()
    yield server
