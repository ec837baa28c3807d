//! The example handler components, built from `handlers/` by `build.rs` and embedded.

include!(concat!(env!("OUT_DIR"), "/handlers.rs"));

/// The component of the built-in handler `name` (e.g. `s3-logger`), if there is one.
pub fn by_name(name: &str) -> Option<&'static [u8]> {
    ALL.iter().find(|(n, _)| *n == name).map(|(_, wasm)| *wasm)
}
