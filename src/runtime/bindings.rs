//! Host bindings of the `s3lambda:handler` world (`handlers/wit`): synchronous calls (the
//! blocking [`Runtime::invoke`](super::Runtime::invoke)) and, in [`asynchronous`], calls
//! that run on the caller's async task and yield at epoch ticks.

wasmtime::component::bindgen!({
    path: "handlers/wit",
    world: "handler",
});

/// The same world with an `async` export, for `instantiate_async` / `call_async`.
pub(super) mod asynchronous {
    wasmtime::component::bindgen!({
        path: "handlers/wit",
        world: "handler",
        exports: { default: async },
    });
}
