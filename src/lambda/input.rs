//! The parameters of the Lambda write operations, as the REST-JSON API parses them from a
//! request body and the registry takes them (plain data: no HTTP, no validation).
//!
//! They sit beside `api` and `registry` rather than inside `api`, so that the registry does
//! not import the API module that imports it.

use std::collections::BTreeMap;

/// CreateFunction's parameters.
#[derive(Debug, Clone, Default)]
pub struct CreateFunction {
    /// `FunctionName` (bare name, ARN or partial ARN; no qualifier).
    pub function_name: String,
    /// `Runtime`.
    pub runtime: Option<String>,
    /// `Role` (required).
    pub role: String,
    /// `Handler`.
    pub handler: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `Timeout` (default 3).
    pub timeout: Option<u32>,
    /// `MemorySize` (default 128).
    pub memory_size: Option<u32>,
    /// `Environment.Variables`.
    pub environment: BTreeMap<String, String>,
    /// `Code.ZipFile`: a zip, or a raw `.wasm`.
    pub zip_file: Vec<u8>,
    /// `Publish`.
    pub publish: bool,
    /// `Tags`.
    pub tags: BTreeMap<String, String>,
    /// `Architectures` (default `x86_64`).
    pub architectures: Option<Vec<String>>,
    /// `EphemeralStorage.Size` (default 512).
    pub ephemeral_storage: Option<u32>,
}

/// UpdateFunctionConfiguration's parameters (absent fields are left as they are).
#[derive(Debug, Clone, Default)]
pub struct ConfigUpdate {
    /// `Timeout`.
    pub timeout: Option<u32>,
    /// `MemorySize`.
    pub memory_size: Option<u32>,
    /// `Environment.Variables` (replaces the whole map).
    pub environment: Option<BTreeMap<String, String>>,
    /// `Description`.
    pub description: Option<String>,
    /// `Handler`.
    pub handler: Option<String>,
    /// `Runtime`.
    pub runtime: Option<String>,
    /// `Role`.
    pub role: Option<String>,
    /// `EphemeralStorage.Size`.
    pub ephemeral_storage: Option<u32>,
    /// `RevisionId` precondition.
    pub revision_id: Option<String>,
}

/// UpdateFunctionCode's parameters.
#[derive(Debug, Clone, Default)]
pub struct CodeUpdate {
    /// `ZipFile`.
    pub zip_file: Vec<u8>,
    /// `Publish`.
    pub publish: bool,
    /// `Architectures`.
    pub architectures: Option<Vec<String>>,
    /// `RevisionId` precondition.
    pub revision_id: Option<String>,
}

/// CreateAlias's parameters.
#[derive(Debug, Clone, Default)]
pub struct AliasInput {
    /// `Name`.
    pub name: String,
    /// `FunctionVersion`.
    pub function_version: String,
    /// `Description`.
    pub description: Option<String>,
    /// `RoutingConfig.AdditionalVersionWeights`.
    pub additional_version_weights: Option<BTreeMap<String, f64>>,
}

/// UpdateAlias's parameters.
#[derive(Debug, Clone, Default)]
pub struct AliasUpdate {
    /// `FunctionVersion`.
    pub function_version: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `RoutingConfig.AdditionalVersionWeights` (`Some(empty)` clears the weights).
    pub additional_version_weights: Option<BTreeMap<String, f64>>,
    /// `RevisionId` precondition.
    pub revision_id: Option<String>,
}
