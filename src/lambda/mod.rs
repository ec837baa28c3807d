//! The Lambda control plane: registry, resource policies and REST-JSON API.
//!
//! `registry` holds functions, versions, aliases and per-qualifier policies, taking the
//! parameters `input` defines; `policy`
//! builds and evaluates resource-based statements; `api` speaks the REST-JSON wire protocol;
//! `error` is the one error type with its one wire rendering.

pub mod api;
pub mod config;
pub mod error;
pub mod input;
pub mod invoke_config;
pub mod limits;
pub mod package;
pub mod policy;
pub mod registry;
pub mod runtimes;

pub use api::{InvocationType, InvokeRequest, InvokeResponse, Invoker, Lambda, LambdaRequest};
pub use error::LambdaError;
pub use registry::{Registry, Resolved};
