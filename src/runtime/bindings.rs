//! Host bindings of the `s3lambda:handler` world (`handlers/wit`).

wasmtime::component::bindgen!({
    path: "handlers/wit",
    world: "handler",
});
