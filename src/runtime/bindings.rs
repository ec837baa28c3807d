//! Host bindings of the `s3lambda:handler` world (`handlers/wit`): synchronous calls (the
//! blocking [`Runtime::invoke`](super::Runtime::invoke)) and, in [`asynchronous`], calls
//! that run on the caller's async task and yield at epoch ticks; in [`engine`], the
//! language engines' world.

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

/// Host bindings of the `s3lambda:engine` world (`handlers/engines/wit`): a language engine
/// that runs a function's source from `/var/task`, called asynchronously.
pub(super) mod engine {
    wasmtime::component::bindgen!({
        path: "handlers/engines/wit",
        world: "engine",
        exports: { default: async },
    });
}
