//! The Lambda control plane: registry, resource policies and REST-JSON API.

pub mod error;
pub mod package;
pub mod policy;

pub use error::LambdaError;
pub mod config;
pub mod registry;
