//! The function lifecycle: which functions' code is being made ready (`State: Pending`,
//! `LastUpdateStatus: InProgress`), queued for whoever prepares code, and settled to
//! `Active`/`Successful` or `Failed` when it is.

use std::sync::Arc;

use super::store::{Function, FunctionKey, Registry};
use crate::lambda::config::{FunctionConfig, Lifecycle};
use crate::lambda::package::Content;

impl Registry {
    /// Marks `f`'s `$LATEST` as `stage` and queues it to be made ready, if it runs source
    /// code in a language engine (a WebAssembly component needs no build step).
    pub(super) fn start_preparing(&self, f: &mut Function, stage: Lifecycle) {
        if !matches!(f.latest.code.content, Content::Source(_)) {
            return;
        }
        Arc::make_mut(&mut f.latest).lifecycle = stage;
        self.unprepared.lock().push(Arc::clone(&f.latest));
    }

    /// The `$LATEST` snapshots queued to be made ready since the last call.
    pub fn take_unprepared(&self) -> Vec<Arc<FunctionConfig>> {
        std::mem::take(&mut *self.unprepared.lock())
    }

    /// Settles the lifecycle of `config`'s function once its code was made ready (`Ok`) or
    /// could not be (`Err` with the reason): `$LATEST` and the versions published from it
    /// that still wait for that code. A function deleted or given other code meanwhile is
    /// left as it is.
    pub fn settle(&self, config: &FunctionConfig, result: Result<(), String>) {
        let key = FunctionKey {
            account: config.account.clone(),
            region: config.region.clone(),
            name: config.function_name.clone(),
        };
        let Some(mut f) = self.functions.get_mut(&key) else {
            return;
        };
        let waiting =
            |c: &FunctionConfig| c.code.sha256 == config.code.sha256 && c.lifecycle.in_progress();
        if let Err(reason) = &result {
            tracing::warn!(function = %key.name, account = %key.account, %reason,
                "function code could not be made ready");
        }
        for version in f.versions.values_mut() {
            if waiting(version) {
                let v = Arc::make_mut(version);
                v.lifecycle = v.lifecycle.settled(result.clone());
            }
        }
        if waiting(&f.latest) {
            let latest = Arc::make_mut(&mut f.latest);
            latest.lifecycle = latest.lifecycle.settled(result);
            f.bump();
        }
    }
}
