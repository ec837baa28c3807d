//! Versions: PublishVersion (a new version only when `$LATEST` changed since the last one)
//! and ListVersionsByFunction.

use std::sync::Arc;

use super::store::{Function, Registry, page};
use super::validate::{FUNCTION_REVISION_MSG, check_revision, only_latest};
use crate::arn::FunctionRef;
use crate::lambda::config::{FunctionConfig, now, revision};
use crate::lambda::error::LambdaError;
use crate::lambda::limits;

impl Function {
    /// Publishes `$LATEST` as a new version, or returns the last one if nothing changed.
    pub(super) fn publish(&mut self, description: Option<String>) -> FunctionConfig {
        let fp = self.latest.fingerprint();
        if let Some((n, last)) = &self.last_published
            && *last == fp
            && let Some(existing) = self.versions.get(n)
        {
            return FunctionConfig::clone(existing);
        }
        let n = self.next_version;
        self.next_version += 1;
        let mut v = FunctionConfig::clone(&self.latest);
        v.version = n.to_string();
        v.revision_id = revision();
        v.last_modified = now();
        if let Some(d) = description {
            v.description = d;
        }
        self.versions.insert(n, Arc::new(v.clone()));
        self.last_published = Some((n, fp));
        self.bump();
        v
    }
}

impl Registry {
    /// PublishVersion with its `CodeSha256` and `RevisionId` preconditions.
    pub fn publish_version(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        description: Option<String>,
        code_sha256: Option<&str>,
        revision_id: Option<&str>,
    ) -> Result<FunctionConfig, LambdaError> {
        only_latest(r)?;
        limits::description(description.as_deref())?;
        let mut f = self.get_mut(account, region, r)?;
        if f.latest.lifecycle.in_progress() {
            return Err(LambdaError::ResourceConflict(format!(
                "The operation cannot be performed at this time. An update is in progress for resource: {}",
                f.arn()
            )));
        }
        if let Some(sha) = code_sha256
            && sha != f.latest.code.sha256
        {
            return Err(LambdaError::InvalidParameterValue(format!(
                "CodeSHA256 ({sha}) is different from current CodeSHA256 in $LATEST ({}). Please try again with the CodeSHA256 in $LATEST.",
                f.latest.code.sha256
            )));
        }
        check_revision(revision_id, &f.latest.revision_id, FUNCTION_REVISION_MSG)?;
        Ok(f.publish(description))
    }

    /// ListVersionsByFunction: `$LATEST` first, then versions ascending; marker = next version.
    pub fn list_versions(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        marker: Option<&str>,
        max: Option<usize>,
    ) -> Result<(Vec<FunctionConfig>, Option<String>), LambdaError> {
        let f = self.get(account, region, r)?;
        let all: Vec<FunctionConfig> = std::iter::once(FunctionConfig::clone(&f.latest))
            .chain(f.versions.values().map(|c| FunctionConfig::clone(c)))
            .collect();
        Ok(page(&all, |c| c.version.clone(), marker, max))
    }
}
