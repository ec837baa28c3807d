//! The WebAssembly handler runtime on wasmtime.
