//! What one account uses in one region: function count, code storage and reserved
//! concurrency, for GetAccountSettings.

use super::concurrency::{ACCOUNT_CONCURRENCY_LIMIT, MIN_UNRESERVED_CONCURRENCY};
use super::store::Registry;

/// An account's usage in a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccountUsage {
    /// Functions.
    pub function_count: u64,
    /// Bytes of the deployment packages of every `$LATEST` and published version.
    pub total_code_size: u64,
    /// The sum of the functions' reserved concurrency.
    pub reserved_concurrency: u64,
}

impl AccountUsage {
    /// `UnreservedConcurrentExecutions`: the account limit less what functions reserve
    /// (never below Lambda's minimum of unreserved concurrency).
    pub fn unreserved_concurrency(&self) -> u64 {
        u64::from(ACCOUNT_CONCURRENCY_LIMIT)
            .saturating_sub(self.reserved_concurrency)
            .max(u64::from(MIN_UNRESERVED_CONCURRENCY))
    }
}

impl Registry {
    /// What `account` uses in `region`.
    pub fn account_usage(&self, account: &str, region: &str) -> AccountUsage {
        self.functions
            .iter()
            .filter(|e| e.key().is_in(account, region))
            .fold(AccountUsage::default(), |mut usage, e| {
                let f = e.value();
                usage.function_count += 1;
                usage.total_code_size +=
                    f.latest.code.size + f.versions.values().map(|v| v.code.size).sum::<u64>();
                usage.reserved_concurrency += f.reserved_concurrency.map_or(0, u64::from);
                usage
            })
    }
}
