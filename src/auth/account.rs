//! Accounts and their access keys: who a signed request acts as.

use std::collections::HashMap;
use std::sync::Arc;

/// One simulated AWS account with one access key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The 12-digit account id, e.g. `000000000000`.
    pub id: String,
    /// The access key id clients sign with, e.g. `test`.
    pub access_key: String,
    /// The secret access key, e.g. `test`.
    pub secret_key: String,
    /// The S3 canonical user id (64 hex characters) shown as bucket and object owner.
    pub canonical_id: String,
    /// The owner display name S3 shows in listings.
    pub display_name: String,
}

impl Account {
    /// The default account: id `000000000000`, keys `test`/`test`.
    pub fn default_account() -> Self {
        Self::new("000000000000", "test", "test")
    }

    /// An account with a canonical id derived from the account id.
    pub fn new(id: &str, access_key: &str, secret_key: &str) -> Self {
        use sha2::{Digest, Sha256};
        let canonical_id = hex::encode(Sha256::digest(format!("s3lambda-canonical-{id}")));
        Self {
            id: id.to_owned(),
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            canonical_id,
            display_name: format!("account-{id}"),
        }
    }
}

/// The access keys the simulator accepts, each mapped to its account.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    by_key: HashMap<String, Arc<Account>>,
}

impl Keyring {
    /// A keyring holding the given accounts.
    pub fn new(accounts: impl IntoIterator<Item = Account>) -> Self {
        let by_key = accounts
            .into_iter()
            .map(|a| (a.access_key.clone(), Arc::new(a)))
            .collect();
        Self { by_key }
    }

    /// The account that owns `access_key`, if any.
    pub fn get(&self, access_key: &str) -> Option<&Arc<Account>> {
        self.by_key.get(access_key)
    }

    /// The account with the given 12-digit id, if any.
    pub fn by_account_id(&self, id: &str) -> Option<&Arc<Account>> {
        self.by_key.values().find(|a| a.id == id)
    }

    /// Every account, in no particular order.
    pub fn accounts(&self) -> impl Iterator<Item = &Arc<Account>> {
        self.by_key.values()
    }
}
