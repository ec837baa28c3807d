//! Accounts and their access keys: who a signed request acts as, and the credential settings
//! (`--any-key`, SigV2 accepted or refused) that decide which keys and signatures count.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;

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

/// Whether S3 requests signed with Signature Version 2 are verified or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SigV2Policy {
    /// Verified as S3 verifies them for buckets that still accept SigV2 (the default).
    #[default]
    Accept,
    /// Refused as S3 refuses them for buckets created after 24 June 2020 and in regions
    /// opened after January 2014: `400 InvalidRequest`, "The authorization mechanism you
    /// have provided is not supported. Please use AWS4-HMAC-SHA256."
    Refuse,
}

/// The secret every signature is verified against in `--any-key` mode, as LocalStack documents
/// `AWS_SECRET_ACCESS_KEY=test`.
pub const ANY_KEY_DEFAULT_SECRET: &str = "test";

/// The credential settings of the configuration file's `[auth]` table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// Accept any access key (`--any-key`): a 12-digit key selects that account, any other key
    /// the first configured account; the signature is still verified, against
    /// [`any_key_secret`](Self::any_key_secret). Configured keys keep their own secret.
    /// Default `false`: only configured keys are accepted.
    pub any_key: bool,
    /// The secret of every key accepted by `any_key` (`--any-key-secret`). Default `test`.
    pub any_key_secret: String,
    /// `accept` (default) or `refuse` S3 requests signed with Signature Version 2
    /// (`--refuse-sigv2`).
    pub sigv2: SigV2Policy,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            any_key: false,
            any_key_secret: ANY_KEY_DEFAULT_SECRET.to_owned(),
            sigv2: SigV2Policy::Accept,
        }
    }
}

/// How keys that are not configured are treated.
#[derive(Debug, Clone, Default)]
enum KeyMode {
    /// Only configured keys are known (the default).
    #[default]
    Strict,
    /// Any key is known (`--any-key`).
    AnyKey {
        /// The secret signatures are verified against.
        secret: String,
        /// The account a key that is not 12 digits acts as: the first configured one.
        default: Arc<Account>,
    },
}

/// The access keys the simulator accepts, each mapped to its account, and the signature
/// versions it accepts.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    by_key: HashMap<String, Arc<Account>>,
    mode: KeyMode,
    sigv2: SigV2Policy,
}

impl Keyring {
    /// A keyring holding the given accounts, strict, accepting SigV2.
    pub fn new(accounts: impl IntoIterator<Item = Account>) -> Self {
        Self::with_settings(accounts, &AuthSettings::default())
    }

    /// A keyring holding the given accounts, with the credential settings of `[auth]`.
    pub fn with_settings(
        accounts: impl IntoIterator<Item = Account>,
        settings: &AuthSettings,
    ) -> Self {
        let accounts: Vec<Arc<Account>> = accounts.into_iter().map(Arc::new).collect();
        let mode = match accounts.first() {
            Some(first) if settings.any_key => KeyMode::AnyKey {
                secret: settings.any_key_secret.clone(),
                default: Arc::clone(first),
            },
            _ if settings.any_key => KeyMode::AnyKey {
                secret: settings.any_key_secret.clone(),
                default: Arc::new(Account::default_account()),
            },
            _ => KeyMode::Strict,
        };
        let by_key = accounts
            .into_iter()
            .map(|a| (a.access_key.clone(), a))
            .collect();
        Self {
            by_key,
            mode,
            sigv2: settings.sigv2,
        }
    }

    /// The configured account that owns `access_key`, if any (`--any-key` aside).
    pub fn get(&self, access_key: &str) -> Option<&Arc<Account>> {
        self.by_key.get(access_key)
    }

    /// The account a request signed with `access_key` acts as, with the secret its signature
    /// is verified against: the configured owner of the key; else, in `--any-key` mode, the
    /// account a 12-digit key names (a new one; none for a configured account other than the
    /// first, which its own keys reach) or the first configured account, each with the mode's
    /// secret. Nothing is stored for such a key.
    pub fn resolve(&self, access_key: &str) -> Option<Arc<Account>> {
        if let Some(account) = self.by_key.get(access_key) {
            return Some(Arc::clone(account));
        }
        let KeyMode::AnyKey { secret, default } = &self.mode else {
            return None;
        };
        let twelve_digits =
            access_key.len() == 12 && access_key.bytes().all(|b| b.is_ascii_digit());
        let base = match self.by_account_id(access_key) {
            // A configured account other than the default one is reached with its own keys
            // only: the mode's well-known secret must not open it.
            Some(configured) if twelve_digits && configured.id != default.id => return None,
            Some(configured) if twelve_digits => (**configured).clone(),
            _ if twelve_digits => Account::new(access_key, access_key, secret),
            _ => (**default).clone(),
        };
        Some(Arc::new(Account {
            access_key: access_key.to_owned(),
            secret_key: secret.clone(),
            ..base
        }))
    }

    /// Whether SigV2 requests are verified or refused.
    pub fn sigv2(&self) -> SigV2Policy {
        self.sigv2
    }

    /// Whether any access key is accepted (`--any-key`).
    pub fn any_key(&self) -> bool {
        matches!(self.mode, KeyMode::AnyKey { .. })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts() -> [Account; 2] {
        [
            Account::default_account(),
            Account::new("111111111111", "other", "other-secret"),
        ]
    }

    #[test]
    fn strict_mode_knows_configured_keys_only() {
        let k = Keyring::new(accounts());
        assert_eq!(k.resolve("other").unwrap().id, "111111111111");
        assert!(k.resolve("222222222222").is_none());
        assert!(k.resolve("AKIAIOSFODNN7EXAMPLE").is_none());
        assert!(!k.any_key());
        assert_eq!(k.sigv2(), SigV2Policy::Accept);
    }

    #[test]
    fn any_key_mode_selects_the_account_from_a_twelve_digit_key() {
        let settings = AuthSettings {
            any_key: true,
            any_key_secret: "s3cr3t".into(),
            sigv2: SigV2Policy::Refuse,
        };
        let k = Keyring::with_settings(accounts(), &settings);
        // A configured key keeps its own secret.
        assert_eq!(k.resolve("other").unwrap().secret_key, "other-secret");
        // A 12-digit key is that account, with the mode's secret.
        let a = k.resolve("222222222222").unwrap();
        assert_eq!(
            (a.id.as_str(), a.secret_key.as_str()),
            ("222222222222", "s3cr3t")
        );
        assert_eq!(
            a.canonical_id,
            Account::new("222222222222", "x", "y").canonical_id
        );
        // A configured account other than the first is reached with its own keys only.
        assert!(k.resolve("111111111111").is_none());
        // The first configured account is what any key reaches anyway.
        assert_eq!(k.resolve("000000000000").unwrap().id, "000000000000");
        // Anything else is the first configured account.
        let c = k.resolve("AKIAIOSFODNN7EXAMPLE").unwrap();
        assert_eq!(c.id, "000000000000");
        assert_eq!(c.access_key, "AKIAIOSFODNN7EXAMPLE");
        assert!(
            k.resolve("12345678901")
                .is_some_and(|a| a.id == "000000000000")
        );
        assert_eq!(k.sigv2(), SigV2Policy::Refuse);
    }

    #[test]
    fn settings_read_from_toml() {
        let s: AuthSettings = toml::from_str("any_key = true\nsigv2 = \"refuse\"").unwrap();
        assert!(s.any_key);
        assert_eq!(s.any_key_secret, "test");
        assert_eq!(s.sigv2, SigV2Policy::Refuse);
        assert!(toml::from_str::<AuthSettings>("sigv2 = \"maybe\"").is_err());
    }
}
