//! Reserved concurrency per function: Put/Get/DeleteFunctionConcurrency within the
//! account's regional limit.

use super::store::{FunctionKey, Registry};
use crate::arn::FunctionRef;
use crate::lambda::error::LambdaError;

/// The account's concurrent executions limit per region (Lambda's default quota).
pub const ACCOUNT_CONCURRENCY_LIMIT: u32 = 1000;

/// The concurrency Lambda keeps unreserved for functions without a reservation.
pub const MIN_UNRESERVED_CONCURRENCY: u32 = 100;

impl Registry {
    /// Refuses a qualified reference: concurrency is reserved per function.
    fn unqualified_only(r: &FunctionRef) -> Result<(), LambdaError> {
        if r.qualifier.is_some() {
            return Err(LambdaError::InvalidParameterValue(
                "Reserved concurrency is configured per function; pass the function name without a qualifier.".into(),
            ));
        }
        Ok(())
    }

    /// PutFunctionConcurrency: reserves `n` concurrent executions for the function. Lambda
    /// keeps at least [`MIN_UNRESERVED_CONCURRENCY`] of the account's
    /// [`ACCOUNT_CONCURRENCY_LIMIT`] unreserved in each region.
    pub fn put_function_concurrency(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        n: u32,
    ) -> Result<u32, LambdaError> {
        Self::unqualified_only(r)?;
        let key = FunctionKey::of(account, region, r);
        let reserved_elsewhere: u64 = self
            .functions
            .iter()
            .filter(|e| e.key().is_in(&key.account, &key.region) && e.key().name != key.name)
            .filter_map(|e| e.value().reserved_concurrency)
            .map(u64::from)
            .sum();
        let mut f = self.get_mut(account, region, r)?;
        if reserved_elsewhere + u64::from(n)
            > u64::from(ACCOUNT_CONCURRENCY_LIMIT - MIN_UNRESERVED_CONCURRENCY)
        {
            return Err(LambdaError::InvalidParameterValue(format!(
                "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{MIN_UNRESERVED_CONCURRENCY}]."
            )));
        }
        f.reserved_concurrency = Some(n);
        tracing::debug!(function = %key.name, reserved = n, "reserved concurrency set");
        Ok(n)
    }

    /// GetFunctionConcurrency: the reserved concurrency, `None` when unset.
    pub fn get_function_concurrency(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<Option<u32>, LambdaError> {
        Self::unqualified_only(r)?;
        Ok(self.get(account, region, r)?.reserved_concurrency)
    }

    /// DeleteFunctionConcurrency: removes the reservation (no error when none was set).
    pub fn delete_function_concurrency(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<(), LambdaError> {
        Self::unqualified_only(r)?;
        self.get_mut(account, region, r)?.reserved_concurrency = None;
        Ok(())
    }
}
