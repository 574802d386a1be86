//! Building the application: database, migrations, seed, HTTP server. `main` and the tests use
//! the same path; tests bind port 0.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;

use crate::auth::rate_limit::LoginLimiter;
use crate::auth::tokens::{self, TokenKeys};
use crate::client_address::TrustedProxies;
use crate::config::{Secret, Settings};
use crate::connections::{self, ConnectionCounts};
use crate::db::{self, DbPool};
use crate::error::extractors;
use crate::feed::signing::FeedKey;
use crate::metrics::{self, Metrics};
use crate::mirror::SyncClock;
use crate::mirror::accounts::MirrorAccounts;
use crate::mirror::link::UpstreamLink;
use crate::search::{Abbreviations, SearchIndex, follower};
use crate::security_headers;
use crate::services::accounts::Accounts;
use crate::services::catalogue::Catalogue;
use crate::services::change_feeds::ChangeFeeds;
use crate::services::documents::{TextStorage, Texts};
use crate::services::feed::Feed;
use crate::services::gate::Gate;
use crate::services::harvest::Harvest;
use crate::services::mirror_links::MirrorLinks;
use crate::services::odata::ODataService;
use crate::services::search::SearchService;
use crate::services::seed;
use crate::services::snapshots::Snapshots;
use crate::services::usage::Usage;
use crate::services::watchlists::Watchlists;
use crate::services::watchlists::mail::Mailer;
use crate::telemetry::RequestSpan;
use crate::{pages, routes};

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database {url}: {source}")]
    Database { url: String, source: diesel::r2d2::PoolError },
    #[error(transparent)]
    Migration(#[from] db::MigrationError),
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
    #[error("cannot listen on {address}: {source}")]
    Bind { address: String, source: std::io::Error },
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
    #[error(transparent)]
    Secret(#[from] tokens::SecretError),
    #[error(transparent)]
    FeedKey(#[from] crate::feed::signing::KeyError),
    #[error("the startup task failed: {0}")]
    Task(String),
}

/// Opens the pool and brings the schema up to date. Used by every command.
pub fn open_database(settings: &Settings) -> Result<DbPool, StartupError> {
    std::fs::create_dir_all(&settings.data_dir)
        .map_err(|source| StartupError::DataDir { path: settings.data_dir.display().to_string(), source })?;
    let url = settings.database();
    let database_error = |source| StartupError::Database { url: url.redacted(), source };
    let pool = db::build_pool(&url, settings.db_pool_size).map_err(database_error)?;
    let mut conn = pool.get().map_err(database_error)?;
    let applied = db::run_migrations(&mut conn)?;
    let epoch = db::catalogue_transaction(&mut conn, crate::feed::log::ensure_epoch)
        .map_err(|e| StartupError::Task(format!("the feed's epoch: {e}")))?;
    tracing::info!(database = %url.redacted(), backend = db::backend_name(&conn), applied, epoch = %epoch.epoch, "database ready");
    Ok(pool)
}

/// The blocking part of starting: database, seed, search index.
fn prepare(settings: &Settings) -> Result<(DbPool, Arc<SearchIndex>), StartupError> {
    let pool = open_database(settings)?;
    let mut conn =
        pool.get().map_err(|source| StartupError::Database { url: settings.database().redacted(), source })?;
    seed::provinces(&mut conn)?;
    // A mirror's catalogue comes from its upstream, never from the seed.
    if settings.seed_on_empty && settings.mirror_of().is_none() {
        let started = std::time::Instant::now();
        let report = seed::seed_for(&mut conn, settings)?;
        if report.applied() {
            tracing::info!(
                created = report.catalogue.created,
                texts = report.catalogue.texts_added,
                corrections = report.corrections,
                removals = report.removals,
                seconds = started.elapsed().as_secs_f64(),
                "seed catalogue imported into the empty database"
            );
        }
    }
    if settings.mirror_of().is_none() {
        let started = std::time::Instant::now();
        let read = crate::services::references::read_unread_texts(&mut conn)
            .map_err(|e| StartupError::Task(format!("reading the texts' references: {e}")))?;
        if read > 0 {
            tracing::info!(
                standards = read,
                seconds = started.elapsed().as_secs_f64(),
                "texts read for their references"
            );
        }
    }
    if settings.mirror_of().is_none() {
        crate::services::alert_thread::start_cursors(&mut conn)
            .map_err(|e| StartupError::Task(format!("the alert cursor: {e}")))?;
    }
    let abbreviations = Abbreviations::load(&settings.data_dir).map_err(|e| StartupError::Task(e.to_string()))?;
    let index = SearchIndex::open(&settings.data_dir, &mut conn, abbreviations)?;
    let (documents, seq) = index.stats()?;
    tracing::info!(documents, seq, "search index ready");
    Ok((pool, Arc::new(index)))
}

/// A bound, ready-to-run service.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Prepares the database (migrations, provinces, the seed catalogue on an empty database),
    /// opens the search index (rebuilding it when needed) and starts following the change log,
    /// then binds the listener.
    pub async fn build(settings: Settings) -> Result<Application, StartupError> {
        let prepared = settings.clone();
        let (pool, index) = tokio::task::spawn_blocking(move || prepare(&prepared))
            .await
            .map_err(|e| StartupError::Task(e.to_string()))??;
        follower::spawn(&index, pool.clone()).map_err(|e| StartupError::Task(e.to_string()))?;
        let search = SearchService::new(index, settings.search_concurrency, settings.search_queue);
        let listener = TcpListener::bind(&settings.listen)
            .map_err(|source| StartupError::Bind { address: settings.listen.clone(), source })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { address: settings.listen.clone(), source })?
            .port();
        let feed_key = FeedKey::load(settings.feed_signing_key.as_ref().map(Secret::expose), &settings.data_dir)?;
        let secret = tokens::load_secret(settings.jwt_secret.as_ref().map(Secret::expose), &settings.data_dir)?;
        // A mirror issues no tokens: it trusts its upstream's token keys, fetched from its JWKS.
        let token_seed = settings.mirror_of().is_none().then(|| feed_key.derived_seed(tokens::TOKEN_KEY_PURPOSE));
        let keys = Arc::new(TokenKeys::new(&secret, token_seed)?);
        let mirror = match settings.mirror_of() {
            Some(upstream) => Some(start_mirror(&settings, upstream, &pool, &keys)?),
            None => None,
        };
        let origin = if settings.public_url.is_empty() {
            listener.local_addr().map_or_else(|_| settings.origin(), |address| format!("http://{address}"))
        } else {
            settings.origin()
        };
        let feed = Feed::new(pool.clone(), Arc::new(feed_key), origin);
        let server = serve(listener, State { pool, search, keys, feed, mirror }, settings)?;
        Ok(Application { port, server })
    }

    /// The port actually bound (useful when the settings asked for port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// What the handlers share.
struct State {
    pool: DbPool,
    search: SearchService,
    keys: Arc<TokenKeys>,
    feed: Feed,
    /// On a mirror: what it runs besides serving.
    mirror: Option<MirrorParts>,
}

/// A mirror's side of accounts (with the link to the upstream) and its sync clock.
struct MirrorParts {
    accounts: Arc<MirrorAccounts>,
    clock: Arc<SyncClock>,
}

/// Starts what a mirror runs besides serving: following the feed and, with a credential, keeping
/// the accounts of its province and relaying its access events.
fn start_mirror(
    settings: &Settings,
    upstream: &str,
    pool: &DbPool,
    keys: &Arc<TokenKeys>,
) -> Result<MirrorParts, StartupError> {
    let key = crate::mirror::pinned_key(&settings.upstream_public_key);
    let follower = crate::mirror::upstream::Upstream::new(upstream, key).map_err(StartupError::Task)?;
    tracing::info!(upstream = %follower.base, "this node mirrors its upstream");
    let clock = Arc::new(SyncClock::new(&follower.base));
    crate::mirror::spawn(pool.clone(), follower, TextStorage::from_settings(settings), Arc::clone(&clock));
    let link = Arc::new(UpstreamLink::new(upstream, settings.upstream_credential.clone()).map_err(StartupError::Task)?);
    let accounts = Arc::new(MirrorAccounts::new(Arc::clone(&link), Arc::clone(keys), pool.clone()));
    if link.has_credential() {
        accounts.spawn();
        crate::mirror::relay::spawn(pool.clone(), link);
    } else {
        tracing::warn!("this mirror has no upstream_credential: it serves public texts only, and nobody signs in here");
    }
    Ok(MirrorParts { accounts, clock })
}

/// The longest a client may take to send a request's line and headers.
const REQUEST_HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections each worker holds at once (well under the descriptors a process may open); more
/// wait in the listen backlog until the timeouts free some.
const MAX_CONNECTIONS_PER_WORKER: usize = 4_096;

/// CPU-heavy jobs (argon2, PDF extraction and stamping) waiting for a core before 503.
const CPU_QUEUE: usize = 256;
/// How long one waits.
const CPU_WAIT: Duration = Duration::from_secs(10);

/// Half the cores (at least one) for CPU-heavy jobs, so that searches always keep the rest.
fn cpu_gate() -> Gate {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    Gate::new((cores / 2).max(1), CPU_QUEUE, CPU_WAIT)
}

fn serve(listener: TcpListener, state: State, settings: Settings) -> Result<Server, StartupError> {
    let metrics = web::Data::new(Metrics::new()?);
    let cpu = cpu_gate();
    let storage = TextStorage::from_settings(&settings);
    let keys = state.keys;
    let mut accounts =
        Accounts::new(state.pool.clone(), Arc::clone(&keys), Arc::new(LoginLimiter::default()), cpu.clone());
    let writes = crate::services::CatalogueWrites::new(settings.mirror_of());
    let catalogue =
        web::Data::new(Catalogue::new(state.pool.clone(), storage.clone(), cpu.clone()).with_writes(writes.clone()));
    let checks =
        web::Data::new(crate::services::checks::Checks::new(state.pool.clone(), cpu.clone(), storage.max_pdf_pages));
    let references = web::Data::new(crate::services::references::References::new(state.pool.clone(), writes.clone()));
    let watchlists = web::Data::new(Watchlists::new(state.pool.clone(), settings.mirror_of()));
    let webhooks = web::Data::new(crate::services::webhooks::Webhooks::new(state.pool.clone(), writes.clone()));
    // The alert engine follows the change log while the server runs (not on a mirror, whose
    // accounts and watchlists live at the upstream).
    let alive = Arc::new(());
    if settings.mirror_of().is_none() {
        let mailer = match &settings.smtp_url {
            Some(url) => Some(
                Mailer::new(url.expose(), &settings.mail_from, &settings.origin())
                    .map_err(|e| StartupError::Task(e.to_string()))?,
            ),
            None => None,
        };
        // A node keeps its name across restarts, so that it resumes its own lease at once.
        let node = crate::secret_file::read_or_create(&settings.data_dir.join("node-id"), || {
            format!("{:016x}", rand::random::<u64>())
        })
        .map_err(|e| StartupError::Task(format!("the node's name: {e}")))?;
        crate::services::alert_thread::spawn(state.pool.clone(), node, mailer, Arc::downgrade(&alive))
            .map_err(|e| StartupError::Task(e.to_string()))?;
    }
    let mut texts = Texts::new(state.pool.clone(), storage.clone(), cpu).with_writes(writes.clone());
    let mut clock = None;
    if let Some(mirror) = &state.mirror {
        accounts = accounts.with_upstream(Arc::clone(&mirror.accounts));
        texts = texts.with_upstream(Arc::clone(&mirror.accounts.link));
        clock = Some(web::Data::from(Arc::clone(&mirror.clock)));
    }
    let mirror_links = web::Data::new(MirrorLinks::new(state.pool.clone(), accounts.clone(), storage));
    let writes = web::Data::new(writes);
    let (accounts, texts) = (web::Data::new(accounts), web::Data::new(texts));
    let usage = web::Data::new(Usage::new(state.pool.clone()));
    let snapshots = web::Data::new(Snapshots::new(
        state.pool.clone(),
        state.feed.clone(),
        settings.data_dir.join("snapshots"),
        Duration::from_secs(settings.snapshot_interval_seconds),
    ));
    let harvest = web::Data::new(Harvest::new(state.pool.clone(), state.feed.origin(), &settings.contact_email));
    let change_feeds = web::Data::new(ChangeFeeds::new(state.pool.clone()));
    let odata = web::Data::new(ODataService::new(state.pool.clone()));
    let feed = web::Data::new(state.feed);
    let pool = web::Data::new(state.pool);
    let search = web::Data::new(state.search);
    let keys = web::Data::from(keys);
    let forms = crate::uploads::config(settings.max_upload_bytes);
    let shared_settings = web::Data::new(settings.clone());
    let proxies = web::Data::new(TrustedProxies(settings.trusted_proxy_list().unwrap_or_default()));
    let body_limit = settings.max_body_bytes;
    let origins = settings.cors_origin_list();
    let address = settings.listen.clone();
    let connect = connections::on_connect(
        Arc::new(ConnectionCounts::default()),
        TrustedProxies(settings.trusted_proxy_list().unwrap_or_default()),
        settings.max_connections_per_address,
    );
    let server = HttpServer::new(move || {
        // The server's workers keep the alert engine going; it stops when they are gone.
        let _running = &alive;
        App::new()
            .app_data(pool.clone())
            .app_data(checks.clone())
            .app_data(references.clone())
            .app_data(watchlists.clone())
            .app_data(webhooks.clone())
            .app_data(metrics.clone())
            .app_data(search.clone())
            .app_data(keys.clone())
            .app_data(accounts.clone())
            .app_data(catalogue.clone())
            .app_data(texts.clone())
            .app_data(usage.clone())
            .app_data(feed.clone())
            .app_data(snapshots.clone())
            .app_data(harvest.clone())
            .app_data(change_feeds.clone())
            .app_data(odata.clone())
            .app_data(mirror_links.clone())
            .app_data(writes.clone())
            .configure(|config| {
                if let Some(clock) = &clock {
                    config.app_data(clock.clone());
                }
            })
            .app_data(forms.clone())
            .app_data(shared_settings.clone())
            .app_data(proxies.clone())
            .app_data(web::QueryConfig::default().error_handler(extractors::query_error))
            .app_data(web::PathConfig::default().error_handler(extractors::path_error))
            .app_data(web::JsonConfig::default().limit(body_limit).error_handler(extractors::json_error))
            .app_data(web::PayloadConfig::new(body_limit))
            .wrap(from_fn(crate::pages::unread::count))
            .wrap(from_fn(crate::request_head::check))
            .wrap(from_fn(crate::error::envelope::ensure))
            .wrap(cors(&origins))
            .wrap(from_fn(security_headers::add))
            .wrap(Compress::default())
            .wrap(from_fn(connections::guard))
            .wrap(from_fn(metrics::track))
            .wrap(TracingLogger::<RequestSpan>::new())
            .configure(routes::configure)
            .configure(pages::configure)
            .default_service(web::to(routes::fallback))
    })
    .on_connect(connect)
    .client_request_timeout(REQUEST_HEAD_TIMEOUT)
    .client_disconnect_timeout(Duration::from_secs(2))
    .keep_alive(Duration::from_secs(15))
    .max_connections(MAX_CONNECTIONS_PER_WORKER)
    .listen(listener)
    .map_err(|source| StartupError::Bind { address, source })?
    .shutdown_timeout(30)
    .run();
    Ok(server)
}

/// CORS is off (no cross-origin access) unless origins are configured for provincial portals.
fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default().allowed_methods(["GET", "POST", "PUT", "DELETE"]).allow_any_header().max_age(3600);
    for origin in origins {
        cors = if origin == "*" { cors.allow_any_origin() } else { cors.allowed_origin(origin) };
    }
    cors
}
