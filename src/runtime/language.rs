//! The language engines: which component runs a Node.js or Python function's source, and
//! where the machine keeps the engines and the compiled code.
//!
//! An engine is a WebAssembly component of the `s3lambda:engine` world
//! (`handlers/engines/wit`), built once per machine by `handlers/engines/<lang>/build.sh`
//! into the engines folder ([`default_engines_dir`]).

use std::path::PathBuf;

/// A language s3lambda runs from source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// Node.js (`nodejs*` runtimes).
    Node,
    /// Python (`python*` runtimes).
    Python,
}

impl Language {
    /// The engine's file name in the engines folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Node => "nodejs.wasm",
            Self::Python => "python.wasm",
        }
    }

    /// The language's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Node => "Node.js",
            Self::Python => "Python",
        }
    }

    /// The script that builds the engine, relative to the repository.
    pub fn build_script(self) -> &'static str {
        match self {
            Self::Node => "handlers/engines/node/build.sh",
            Self::Python => "handlers/engines/python/build.sh",
        }
    }
}

/// s3lambda's folder in the user's cache: `$XDG_CACHE_HOME/s3lambda`, else
/// `$HOME/.cache/s3lambda`, else one under the temporary folder.
pub fn cache_root() -> PathBuf {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    non_empty("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| non_empty("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("s3lambda")
}

/// Where the engines are: `$S3LAMBDA_ENGINES`, else `engines` in [`cache_root`] (where
/// the build scripts put them by default).
pub fn default_engines_dir() -> PathBuf {
    std::env::var_os("S3LAMBDA_ENGINES")
        .filter(|v| !v.is_empty())
        .map_or_else(|| cache_root().join("engines"), PathBuf::from)
}

/// Where compiled code is kept between runs: `wasmtime` in [`cache_root`].
pub fn default_code_cache_dir() -> PathBuf {
    cache_root().join("wasmtime")
}
