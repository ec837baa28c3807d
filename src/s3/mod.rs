//! The mock S3 service: store and REST API.

pub mod event;
