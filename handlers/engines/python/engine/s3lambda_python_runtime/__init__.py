"""s3lambda's Python engine: the Lambda Python runtime's programming model inside WebAssembly.

The package holds the runtime's parts: `bootstrap` loads the handler and runs one invocation,
`context` is the `context` object, `marshal` the JSON the runtime returns, `logsink` the
log lines it writes, `preload` the standard library snapshotted into the engine.
"""
