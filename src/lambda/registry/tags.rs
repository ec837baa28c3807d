//! A function's tags: ListTags, TagResource and UntagResource (API 2017-03-31), on top of
//! the `Tags` CreateFunction stores.

use std::collections::BTreeMap;

use super::store::Registry;
use crate::arn::FunctionRef;
use crate::lambda::error::LambdaError;
use crate::lambda::limits;

impl Registry {
    /// ListTags: the function's tags.
    pub fn list_tags(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<BTreeMap<String, String>, LambdaError> {
        Ok(self.get(account, region, r)?.tags.clone())
    }

    /// TagResource: adds `tags`, replacing the values of keys already set; the result must
    /// stay within the tag limits, or nothing changes.
    pub fn tag_resource(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        tags: BTreeMap<String, String>,
    ) -> Result<(), LambdaError> {
        limits::tags(&tags)?;
        let mut f = self.get_mut(account, region, r)?;
        let mut merged = f.tags.clone();
        merged.extend(tags);
        limits::tags(&merged)?;
        f.tags = merged;
        Ok(())
    }

    /// UntagResource: removes `keys` (keys not set are ignored, as with AWS).
    pub fn untag_resource(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        keys: &[String],
    ) -> Result<(), LambdaError> {
        let mut f = self.get_mut(account, region, r)?;
        for k in keys {
            f.tags.remove(k);
        }
        Ok(())
    }
}
