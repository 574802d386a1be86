//! Settings: defaults, then an optional TOML file, then environment variables (env wins).
//! Loaded once in `main` and passed explicitly; there are no global settings.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::db::DatabaseUrl;

/// `TIEUCHUAN_*` variables that are not settings: the config file's path, and the first admin's
/// password read once by `create-admin` (never kept in the settings).
const NOT_SETTINGS: [&str; 2] = ["config", "admin_password"];

/// The config file read when none is named and it exists in the working directory.
pub const DEFAULT_CONFIG_FILE: &str = "tieuchuan.toml";

/// Every setting of the service. See the settings table in README.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on (`TIEUCHUAN_LISTEN`).
    pub listen: String,
    /// Where the SQLite database and (later) the search index and texts live (`TIEUCHUAN_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `postgres://...` for PostgreSQL; unset means a SQLite file in the data dir (`DATABASE_URL`).
    pub database_url: Option<String>,
    /// Largest number of pooled database connections.
    pub db_pool_size: u32,
    /// Origins allowed to call the API from a browser, comma-separated; empty means CORS off.
    pub cors_origins: String,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// `text` or `json` log lines.
    pub log_format: String,
    /// Import the embedded catalogue on the first start with an empty database.
    pub seed_on_empty: bool,
    /// Searches run at once.
    pub search_concurrency: usize,
    /// Searches that may wait (up to 2 s) for one of those slots; more are answered 503 with
    /// `Retry-After`.
    pub search_queue: usize,
    /// The secret that keys the pages' CSRF tokens (`TIEUCHUAN_JWT_SECRET`, at least 32 bytes);
    /// unset means a random one kept in the data dir. Several nodes behind one address must share
    /// one configured secret. (Access tokens are signed with the token key, derived from the feed
    /// signing key.)
    pub jwt_secret: Option<Secret>,
    /// Largest text upload, in bytes; larger ones are answered 413.
    pub max_upload_bytes: usize,
    /// Largest catalogue file `POST /api/v1/imports` reads, in bytes (the national catalogue is
    /// about 11 MB); larger ones are answered 413.
    pub max_import_bytes: usize,
    /// PDFs with more pages are refused.
    pub max_pdf_pages: usize,
    /// Non-public PDFs one account may download per day (Vietnam time).
    pub daily_download_quota: i64,
    /// Reads of non-public texts (a whole text or one section) one account may make per day
    /// (Vietnam time): generous for work, a stop to copying a library section by section.
    pub daily_read_quota: i64,
    /// Addresses of the reverse proxies (nginx) whose `X-Forwarded-For` and `X-Forwarded-Proto`
    /// are believed, comma-separated; empty means none (the peer is the client).
    pub trusted_proxies: String,
    /// Connections one client address may hold open at once; requests on more are answered 429
    /// and closed (a trusted proxy's connections are not counted).
    pub max_connections_per_address: usize,
    /// Where text files are kept: `files` (under the data dir) or `database` (shared by nodes).
    pub blob_store: String,
    /// The address the service is published at (`https://tieuchuan.gov.vn`), the feed's
    /// `origin`; empty means `http://` and the listen address.
    pub public_url: String,
    /// The feed's Ed25519 signing key, the 32-byte seed in base64url; unset means one kept in
    /// the data dir. Several national nodes must share one configured key.
    pub feed_signing_key: Option<Secret>,
    /// The least seconds between two snapshots (`GET /api/v1/snapshot` makes one when the newest
    /// is older and the feed has moved); 0 makes one whenever the feed has moved.
    pub snapshot_interval_seconds: u64,
    /// Who answers for the repository (OAI-PMH `adminEmail`); empty means `webmaster@` the
    /// published host.
    pub contact_email: String,
    /// The national instance this node mirrors (`https://tieuchuan.gov.vn`); empty means this
    /// node is not a mirror. A mirror follows the upstream's feed and refuses catalogue writes.
    pub upstream: String,
    /// The upstream's Ed25519 feed key (the `x` of the `feed-…` key of its
    /// `/.well-known/jwks.json`, base64url): required with `upstream`; the mirror trusts nothing
    /// of the catalogue that the key does not sign.
    pub upstream_public_key: String,
    /// The mirror's credential (`tcm_…`), issued by an admin of the upstream for one province:
    /// with it the mirror keeps its province's accounts, lets its officials sign in, fetches
    /// restricted texts and relays its access events. Without it the mirror serves public texts
    /// only.
    pub upstream_credential: Option<Secret>,
    /// The SMTP server alerts are mailed through (`smtp://host:25`, `smtp://user:password@host:587`
    /// with STARTTLS required, `smtps://host:465`); unset means no mail (notifications and the
    /// private feeds still work).
    pub smtp_url: Option<Secret>,
    /// The sender of alert mail (`Thư viện tiêu chuẩn <thongbao@tieuchuan.gov.vn>`); required with
    /// `smtp_url`.
    pub mail_from: String,
}

/// A secret setting: never printed, never logged.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".to_string(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            db_pool_size: 8,
            cors_origins: String::new(),
            max_body_bytes: 1024 * 1024,
            log_format: "text".to_string(),
            seed_on_empty: true,
            search_concurrency: 8,
            search_queue: 512,
            jwt_secret: None,
            max_upload_bytes: 50 * 1024 * 1024,
            max_import_bytes: 64 * 1024 * 1024,
            max_pdf_pages: 2_000,
            daily_download_quota: 50,
            daily_read_quota: 1_000,
            blob_store: "files".to_string(),
            public_url: String::new(),
            feed_signing_key: None,
            snapshot_interval_seconds: 600,
            contact_email: String::new(),
            smtp_url: None,
            mail_from: String::new(),
            upstream: String::new(),
            upstream_public_key: String::new(),
            upstream_credential: None,
            max_connections_per_address: 256,
            trusted_proxies: String::new(),
        }
    }
}

/// Settings that cannot be read or make no sense.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid settings: {0}")]
    Invalid(#[from] Box<figment::Error>),
    #[error("the config file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("invalid setting `{0}`: {1}")]
    Value(&'static str, String),
}

impl Settings {
    /// The address the service is published at, without a trailing slash.
    pub fn origin(&self) -> String {
        if self.public_url.is_empty() {
            format!("http://{}", self.listen)
        } else {
            self.public_url.trim_end_matches('/').to_string()
        }
    }

    /// Reads the settings: `file` if given (it must exist), else `tieuchuan.toml` if present,
    /// then `TIEUCHUAN_*` variables and `DATABASE_URL`.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match file {
            Some(path) if !path.exists() => {
                return Err(ConfigError::MissingFile(path.to_path_buf()));
            }
            Some(path) => figment = figment.merge(Toml::file(path)),
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => figment = figment.merge(Toml::file(DEFAULT_CONFIG_FILE)),
            None => {}
        }
        let settings: Settings = figment
            .merge(Env::prefixed("TIEUCHUAN_").ignore(&NOT_SETTINGS))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .extract()
            .map_err(Box::new)?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks the values that deserialisation cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(ConfigError::Value("log_format", "must be `text` or `json`".into()));
        }
        if self.db_pool_size == 0 {
            return Err(ConfigError::Value("db_pool_size", "must be at least 1".into()));
        }
        if !self.public_url.is_empty() && url::Url::parse(&self.public_url).is_err() {
            return Err(ConfigError::Value(
                "public_url",
                "must be an absolute URL such as https://tieuchuan.gov.vn".into(),
            ));
        }
        if !matches!(self.blob_store.as_str(), "files" | "database") {
            return Err(ConfigError::Value("blob_store", "must be `files` or `database`".into()));
        }
        if self.daily_download_quota < 0
            || self.daily_read_quota < 0
            || self.max_pdf_pages == 0
            || self.max_upload_bytes == 0
        {
            return Err(ConfigError::Value("limits", "quotas and limits must be positive".into()));
        }
        if self.trusted_proxy_list().is_err() {
            return Err(ConfigError::Value("trusted_proxies", "must be IP addresses separated by commas".into()));
        }
        if let Some(url) = &self.smtp_url {
            let parsed = url::Url::parse(url.expose()).ok();
            if !parsed.is_some_and(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host_str().is_some()) {
                return Err(ConfigError::Value("smtp_url", "must be smtp://host:port or smtps://host:port".into()));
            }
            if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
                return Err(ConfigError::Value("mail_from", "must be a mail address, required with smtp_url".into()));
            }
        }
        if self.search_concurrency == 0 {
            return Err(ConfigError::Value("search_concurrency", "must be at least 1".into()));
        }
        if !self.upstream.is_empty() {
            if url::Url::parse(&self.upstream).is_err() {
                return Err(ConfigError::Value(
                    "upstream",
                    "must be an absolute URL such as https://tieuchuan.gov.vn".into(),
                ));
            }
            let key = base64::Engine::decode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                self.upstream_public_key.trim(),
            );
            if key.map_or(true, |key| key.len() != 32) {
                return Err(ConfigError::Value(
                    "upstream_public_key",
                    "a mirror needs the upstream's Ed25519 public key: the `x` of its /.well-known/jwks.json".into(),
                ));
            }
        }
        if self.max_body_bytes < 1024 {
            return Err(ConfigError::Value("max_body_bytes", "must be at least 1024".into()));
        }
        Ok(())
    }

    /// The database to use: `database_url`, or `tieuchuan.db` in the data dir.
    pub fn database(&self) -> DatabaseUrl {
        match self.database_url.as_deref().filter(|url| !url.trim().is_empty()) {
            Some(url) => DatabaseUrl::parse(url),
            None => DatabaseUrl::Sqlite(self.data_dir.join("tieuchuan.db")),
        }
    }

    /// The CORS origins, parsed from the comma-separated setting.
    pub fn cors_origin_list(&self) -> Vec<String> {
        self.cors_origins.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_string).collect()
    }

    /// The upstream this node mirrors, if it is a mirror.
    pub fn mirror_of(&self) -> Option<&str> {
        Some(self.upstream.trim_end_matches('/')).filter(|u| !u.is_empty())
    }

    /// The trusted proxies' addresses.
    pub fn trusted_proxy_list(&self) -> Result<Vec<std::net::IpAddr>, std::net::AddrParseError> {
        self.trusted_proxies.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::parse).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_database_is_a_sqlite_file_in_the_data_dir() {
        let settings = Settings { data_dir: PathBuf::from("/srv/tc"), ..Settings::default() };
        assert_eq!(settings.database(), DatabaseUrl::Sqlite(PathBuf::from("/srv/tc/tieuchuan.db")));
    }

    #[test]
    fn secrets_never_print() {
        let settings = Settings {
            jwt_secret: Some(Secret::from("a secret that must not leak, 32+ bytes")),
            upstream_credential: Some(Secret::from("tcm_a credential that must not leak")),
            smtp_url: Some(Secret::from("smtp://user:a password that must not leak@127.0.0.1:25")),
            ..Settings::default()
        };
        assert!(!format!("{settings:?}").contains("must not leak"));
    }

    #[test]
    fn file_values_are_read_and_unknown_keys_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:9999\"\ncors_origins = \"https://a.vn, https://b.vn\"\n")
            .expect("write");
        let settings = Settings::load(Some(&path)).expect("loads");
        assert_eq!(settings.listen, "127.0.0.1:9999");
        assert_eq!(settings.cors_origin_list(), vec!["https://a.vn", "https://b.vn"]);
        std::fs::write(&path, "lisen = \"x\"\n").expect("write");
        assert!(Settings::load(Some(&path)).is_err());
        assert!(matches!(Settings::load(Some(&dir.path().join("none.toml"))), Err(ConfigError::MissingFile(_))));
    }
}
