"""s3lambda: a simulator of the Amazon S3 -> AWS Lambda push model.

The wheel installs the `s3lambda` binary; this module starts it (`S3LambdaServer`, also named
`ThreadedS3Lambda`) and, as a pytest plugin, gives tests the `s3lambda_server` fixture.
"""

from .server import (
    ACCESS_KEY,
    ACCOUNT,
    SECRET_KEY,
    S3LambdaError,
    S3LambdaServer,
    ThreadedS3Lambda,
    binary,
)

__all__ = [
    "ACCESS_KEY",
    "ACCOUNT",
    "SECRET_KEY",
    "S3LambdaError",
    "S3LambdaServer",
    "ThreadedS3Lambda",
    "binary",
]
