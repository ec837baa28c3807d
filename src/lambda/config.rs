//! Function configuration snapshots ($LATEST and published versions) and alias records.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::package::Package;
use crate::arn;

/// `LastModified` as Lambda prints it: `2019-11-21T19:32:12.345+0000`.
pub fn lambda_timestamp(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+0000",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// The current time in Lambda's format.
pub fn now() -> String {
    lambda_timestamp(time::OffsetDateTime::now_utc())
}

/// A fresh RevisionId.
pub fn revision() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The configuration of `$LATEST` or of one published version (an immutable snapshot once
/// published). Cheap to clone: the code is shared.
#[derive(Debug, Clone)]
pub struct FunctionConfig {
    /// The function name.
    pub function_name: String,
    /// The owning account.
    pub account: String,
    /// The region.
    pub region: String,
    /// `$LATEST` or a version number.
    pub version: String,
    /// `Runtime` (free text; the simulator runs every function as a wasm component).
    pub runtime: Option<String>,
    /// `Role` (execution role ARN; recorded, not assumed).
    pub role: String,
    /// `Handler`, `FILE.EXPORT`.
    pub handler: Option<String>,
    /// `Description`.
    pub description: String,
    /// `Timeout` in seconds (1–900, default 3).
    pub timeout: u32,
    /// `MemorySize` in MB (128–10240, default 128).
    pub memory_size: u32,
    /// `Environment.Variables`.
    pub environment: BTreeMap<String, String>,
    /// The deployment package and the selected component.
    pub code: Arc<Package>,
    /// `LastModified`.
    pub last_modified: String,
    /// `RevisionId`.
    pub revision_id: String,
    /// `Architectures`.
    pub architectures: Vec<String>,
    /// `EphemeralStorage.Size` in MB.
    pub ephemeral_storage: u32,
    /// `State` and `LastUpdateStatus`.
    pub lifecycle: Lifecycle,
}

/// Where a function is in Lambda's lifecycle: a Node.js or Python function is `Pending`
/// (or its update `InProgress`) until its code is ready to run, then `Active`
/// (`Successful`), or `Failed` with the reason.
/// <https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html>
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Lifecycle {
    /// `Active`, last update `Successful`.
    #[default]
    Active,
    /// `Pending`: being created.
    Creating,
    /// `Active`, last update `InProgress`.
    Updating,
    /// `Failed`: the code could not be made ready, for this reason.
    CreateFailed(String),
    /// `Active`, last update `Failed` for this reason (the function runs the code it had...
    /// here, none: its code is the new one).
    UpdateFailed(String),
}

impl Lifecycle {
    /// Whether the code is still being made ready.
    pub fn in_progress(&self) -> bool {
        matches!(self, Self::Creating | Self::Updating)
    }

    /// The lifecycle after the code was made ready (`Ok`) or not.
    #[must_use]
    pub fn settled(&self, result: Result<(), String>) -> Self {
        match (self, result) {
            (_, Ok(())) => Self::Active,
            (Self::Creating | Self::CreateFailed(_), Err(reason)) => Self::CreateFailed(reason),
            (_, Err(reason)) => Self::UpdateFailed(reason),
        }
    }
}

impl FunctionConfig {
    /// The unqualified function ARN.
    pub fn function_arn(&self) -> String {
        arn::function_arn(&self.region, &self.account, &self.function_name)
    }

    /// The ARN qualified with this snapshot's version (`…:$LATEST` or `…:N`).
    pub fn version_arn(&self) -> String {
        format!("{}:{}", self.function_arn(), self.version)
    }

    /// The wasm component bytes, if the function runs a component (not source code).
    pub fn wasm(&self) -> Option<Arc<[u8]>> {
        self.code.wasm().cloned()
    }

    /// What decides whether PublishVersion creates a new version: code and configuration.
    pub(crate) fn fingerprint(&self) -> Fingerprint {
        Fingerprint {
            sha: self.code.sha256.clone(),
            runtime: self.runtime.clone(),
            role: self.role.clone(),
            handler: self.handler.clone(),
            description: self.description.clone(),
            timeout: self.timeout,
            memory_size: self.memory_size,
            environment: self.environment.clone(),
            architectures: self.architectures.clone(),
        }
    }
}

/// The parts of `$LATEST` that PublishVersion compares with the last published state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    sha: String,
    runtime: Option<String>,
    role: String,
    handler: Option<String>,
    description: String,
    timeout: u32,
    memory_size: u32,
    environment: BTreeMap<String, String>,
    architectures: Vec<String>,
}

/// An alias: a name pointing at a version, optionally with one weighted extra version.
#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    /// The alias name.
    pub name: String,
    /// The alias ARN.
    pub alias_arn: String,
    /// `FunctionVersion`: `$LATEST` or a number.
    pub function_version: String,
    /// `Description` ("" if unset).
    pub description: String,
    /// `RoutingConfig.AdditionalVersionWeights` (at most one entry).
    pub additional_version_weights: BTreeMap<String, f64>,
    /// `RevisionId`.
    pub revision_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_format() {
        let t = time::macros::datetime!(2019-11-21 19:32:12.345 UTC);
        assert_eq!(lambda_timestamp(t), "2019-11-21T19:32:12.345+0000");
        assert_eq!(now().len(), "2019-11-21T19:32:12.345+0000".len());
        assert_ne!(revision(), revision());
    }
}
