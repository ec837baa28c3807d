//! Simulator configuration: listener, region, accounts; defaults that serve, and TOML loading.

use std::net::SocketAddr;
use std::path::Path;

use serde::Deserialize;

use super::EdgeLimits;
use crate::auth::{Account, AuthSettings};
use crate::logs::LogsConfig;

/// Everything `s3lambda serve` can be told. Every field has a default that works.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the edge listens. Default `127.0.0.1:4566`.
    pub listen: SocketAddr,
    /// The region of the simulated services. Default `us-east-1`.
    pub region: String,
    /// The accounts whose keys are accepted. Default: one account `000000000000` with keys
    /// `test`/`test`.
    pub accounts: Vec<AccountConfig>,
    /// Credentials and signatures (the `[auth]` table): `any_key` (`--any-key`: any access
    /// key, a 12-digit one selecting that account), its `any_key_secret` (default `test`) and
    /// `sigv2` (`accept` by default, `refuse` as S3 refuses it for buckets created after
    /// 24 June 2020: `--refuse-sigv2`).
    pub auth: AuthSettings,
    /// The largest request body accepted, in bytes. Default 1 GiB.
    pub max_body_bytes: usize,
    /// Host names under which buckets are addressed virtual-host style
    /// (`{bucket}.{domain}`). Default `s3.localhost`, `localhost`, `s3.amazonaws.com`.
    pub virtual_host_domains: Vec<String>,
    /// Retention of function logs (the `[logs]` table): events per stream and streams per
    /// log group. Default 10 000 and 1 000.
    pub logs: LogsConfig,

    // Edge hardening and shutdown.
    /// Connection limits of the edge (the `[edge]` table): header read / idle keep-alive and
    /// body stall timeouts, the connection cap. Defaults 20 s, 20 s, 4 096.
    pub edge: EdgeLimits,
    /// On SIGTERM or Ctrl-C, how long `serve` waits for queued and running event deliveries
    /// to finish before it exits (reporting any it drops, and exiting non-zero). Default 30 s.
    pub shutdown_grace_secs: u64,

    // Deployment packages.
    /// Cap on the bytes of all stored deployment packages and the components unzipped from
    /// them (each stored once, however many versions and functions share it). A
    /// CreateFunction or UpdateFunctionCode that would pass it is refused with
    /// `CodeStorageExceededException`. Default 2 GiB.
    pub max_code_storage_bytes: u64,
    /// Accept runtimes AWS has deprecated (`nodejs6.10`, `python2.7`, ...) on CreateFunction
    /// and UpdateFunctionConfiguration, with a warning in the log, so old tutorials replay
    /// verbatim (`--legacy-runtimes`). Default `false`: refused with AWS's
    /// `InvalidParameterValueException`, which names the runtime to move to.
    pub legacy_runtimes: bool,

    // Handlers.
    /// The handler runtime (the `[runtime]` table): handler threads and the cap on the
    /// memory of all running handlers. Defaults: the CPU cores, 16384 MB.
    pub runtime: crate::runtime::RuntimeSettings,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 4566)),
            region: "us-east-1".to_owned(),
            accounts: vec![AccountConfig::default()],
            auth: AuthSettings::default(),
            max_body_bytes: 1 << 30,
            virtual_host_domains: ["s3.localhost", "localhost", "s3.amazonaws.com"]
                .map(String::from)
                .to_vec(),
            logs: LogsConfig::default(),
            edge: EdgeLimits::default(),
            shutdown_grace_secs: 30,
            max_code_storage_bytes: crate::lambda::package::DEFAULT_CODE_STORAGE,
            legacy_runtimes: false,
            runtime: crate::runtime::RuntimeSettings::default(),
        }
    }
}

/// One account of the configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    /// The 12-digit account id.
    pub id: String,
    /// The access key id.
    pub access_key: String,
    /// The secret access key.
    pub secret_key: String,
    /// The S3 canonical user id; derived from the account id when absent.
    #[serde(default)]
    pub canonical_id: Option<String>,
    /// The S3 owner display name; derived from the account id when absent.
    #[serde(default)]
    pub display_name: Option<String>,
}

impl Default for AccountConfig {
    fn default() -> Self {
        let a = Account::default_account();
        Self {
            id: a.id,
            access_key: a.access_key,
            secret_key: a.secret_key,
            canonical_id: None,
            display_name: None,
        }
    }
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this schema.
    #[error("invalid configuration in {path}: {source}")]
    Parse {
        /// The file.
        path: String,
        /// Why, with the line and column.
        source: Box<toml::de::Error>,
    },
    /// A value is out of its domain.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Reads a TOML configuration file; absent fields keep their defaults.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        let config: Self = toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: shown,
            source: Box::new(source),
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what serde cannot: account ids, unique keys, a region.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.region.is_empty() {
            return Err(ConfigError::Invalid("region must not be empty".into()));
        }
        if self.accounts.is_empty() {
            return Err(ConfigError::Invalid(
                "at least one account is needed".into(),
            ));
        }
        self.edge.validate().map_err(ConfigError::Invalid)?;
        if self.auth.any_key && self.auth.any_key_secret.is_empty() {
            return Err(ConfigError::Invalid(
                "auth.any_key_secret must not be empty".into(),
            ));
        }
        let mut keys = std::collections::HashSet::new();
        for a in &self.accounts {
            if a.id.len() != 12 || !a.id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ConfigError::Invalid(format!(
                    "account id {:?} must be 12 digits",
                    a.id
                )));
            }
            if a.access_key.is_empty() || a.secret_key.is_empty() {
                return Err(ConfigError::Invalid(format!(
                    "account {} needs an access key and a secret key",
                    a.id
                )));
            }
            if !keys.insert(a.access_key.as_str()) {
                return Err(ConfigError::Invalid(format!(
                    "access key {:?} is used twice",
                    a.access_key
                )));
            }
        }
        Ok(())
    }

    /// The accounts as the auth layer knows them.
    pub fn accounts(&self) -> impl Iterator<Item = Account> + '_ {
        self.accounts.iter().map(|c| {
            let mut a = Account::new(&c.id, &c.access_key, &c.secret_key);
            if let Some(id) = &c.canonical_id {
                a.canonical_id.clone_from(id);
            }
            if let Some(name) = &c.display_name {
                a.display_name.clone_from(name);
            }
            a
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_serve() {
        let c = Config::default();
        c.validate().unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:4566");
        let a: Vec<_> = c.accounts().collect();
        assert_eq!(a[0].id, "000000000000");
        assert_eq!(a[0].access_key, "test");
    }

    #[test]
    fn toml_overrides_and_keeps_defaults() {
        let c: Config = toml::from_str(
            r#"
            region = "eu-west-1"
            [[accounts]]
            id = "111111111111"
            access_key = "k1"
            secret_key = "s1"
            [[accounts]]
            id = "222222222222"
            access_key = "k2"
            secret_key = "s2"
            display_name = "bob"
            [logs]
            max_events_per_stream = 500
            "#,
        )
        .unwrap();
        c.validate().unwrap();
        assert_eq!(c.region, "eu-west-1");
        assert_eq!(c.listen.port(), 4566);
        let a: Vec<_> = c.accounts().collect();
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].display_name, "bob");
        assert_eq!(c.logs.max_events_per_stream, 500);
        assert_eq!(
            c.logs.max_streams_per_group, 1_000,
            "unset keys keep their default"
        );
        assert!(toml::from_str::<Config>("[logs]\nmax_event = 1").is_err());
    }

    #[test]
    fn bad_values_are_refused() {
        let mut c = Config::default();
        c.accounts[0].id = "12".into();
        assert!(c.validate().is_err());
        let err = toml::from_str::<Config>("listen = 5").unwrap_err();
        assert!(err.to_string().contains("listen"));
        assert!(toml::from_str::<Config>("nope = 1").is_err());
        let mut c = Config::default();
        c.auth.any_key = true;
        c.auth.any_key_secret.clear();
        assert!(c.validate().is_err());
    }

    #[test]
    fn auth_table_sets_the_credential_modes() {
        let c: Config =
            toml::from_str("[auth]\nany_key = true\nany_key_secret = \"shh\"\nsigv2 = \"refuse\"")
                .unwrap();
        c.validate().unwrap();
        assert!(c.auth.any_key);
        assert_eq!(c.auth.any_key_secret, "shh");
        assert_eq!(c.auth.sigv2, crate::auth::SigV2Policy::Refuse);
        let d = Config::default();
        assert!(!d.auth.any_key, "strict by default");
        assert_eq!(d.auth.sigv2, crate::auth::SigV2Policy::Accept);
    }
}
