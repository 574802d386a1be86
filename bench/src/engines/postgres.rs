//! PostgreSQL 15 full-text search as its users set it up: `unaccent` (wrapped immutable) and the
//! `simple` configuration, a stored `tsvector` over code and title (weight A) and body (weight D)
//! with a GIN index, `websearch_to_tsquery`, `ts_rank_cd`, and `ts_headline` for the snippet.

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};

use super::{BuildFigures, Doc, Source};
use crate::load::Client;

const SCHEMA: &str = "
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE FUNCTION f_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent', $1) $$;
CREATE TABLE docs (
    id bigserial PRIMARY KEY,
    code text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', f_unaccent(code || ' ' || title)), 'A') ||
        setweight(to_tsvector('simple', f_unaccent(body)), 'D')) STORED
);";

const QUERY: &str = "
SELECT code, ts_headline('simple', f_unaccent(body), q,
           'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=10') AS snippet
FROM (SELECT code, body, q, ts_rank_cd(tsv, q) AS rank
      FROM docs, websearch_to_tsquery('simple', f_unaccent($1)) AS q
      WHERE tsv @@ q ORDER BY rank DESC LIMIT $2) AS top
ORDER BY rank DESC";

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    #[allow(dead_code)]
    snippet: String,
}

/// A database of its own on the local PostgreSQL.
pub struct Postgres {
    url: String,
}

impl Postgres {
    /// Drops and creates database `name` next to `admin_url`, and loads the documents `fill` gives.
    pub fn build(admin_url: &str, name: &str, fill: &mut Source<'_>) -> Result<(Postgres, BuildFigures), String> {
        let mut admin = PgConnection::establish(admin_url).map_err(|e| format!("{admin_url}: {e}"))?;
        for statement in [format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), format!("CREATE DATABASE {name}")] {
            admin.batch_execute(&statement).map_err(|e| e.to_string())?;
        }
        let url = database_url(admin_url, name);
        let started = Instant::now();
        let mut conn = PgConnection::establish(&url).map_err(|e| format!("{url}: {e}"))?;
        conn.batch_execute(SCHEMA).map_err(|e| e.to_string())?;
        conn.batch_execute("BEGIN").map_err(|e| e.to_string())?;
        fill(&mut |doc: Doc| {
            // NUL cannot be stored in PostgreSQL text.
            diesel::sql_query("INSERT INTO docs (code, title, body) VALUES ($1, $2, $3)")
                .bind::<Text, _>(&doc.code)
                .bind::<Text, _>(doc.title.replace('\0', ""))
                .bind::<Text, _>(doc.body.replace('\0', ""))
                .execute(&mut conn)
                .map(|_| ())
                .map_err(|e| e.to_string())
        })?;
        for statement in ["COMMIT", "CREATE INDEX docs_tsv ON docs USING gin (tsv)", "VACUUM ANALYZE docs"] {
            conn.batch_execute(statement).map_err(|e| e.to_string())?;
        }
        let seconds = started.elapsed().as_secs_f64();
        #[derive(QueryableByName)]
        struct Size {
            #[diesel(sql_type = BigInt)]
            bytes: i64,
        }
        let size: Size = diesel::sql_query("SELECT pg_total_relation_size('docs') AS bytes")
            .get_result(&mut conn)
            .map_err(|e| e.to_string())?;
        Ok((Postgres { url }, BuildFigures { seconds, bytes: u64::try_from(size.bytes).unwrap_or(0) }))
    }

    /// A client with its own connection.
    pub fn client(&self) -> Result<Box<dyn Client>, String> {
        let conn = PgConnection::establish(&self.url).map_err(|e| format!("{}: {e}", self.url))?;
        Ok(Box::new(PgClient { conn }))
    }

    /// The codes of the first `limit` hits.
    pub fn ranked_codes(&self, query: &str, limit: i64) -> Result<Vec<String>, String> {
        let mut conn = PgConnection::establish(&self.url).map_err(|e| format!("{}: {e}", self.url))?;
        search(&mut conn, query, limit).map(|hits| hits.into_iter().map(|h| h.code).collect())
    }
}

/// The admin URL with another database name (`postgresql:///postgres?host=…` → `…/name?host=…`).
fn database_url(admin_url: &str, name: &str) -> String {
    let (base, query) = admin_url.split_once('?').map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(head, _)| head);
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

fn search(conn: &mut PgConnection, query: &str, limit: i64) -> Result<Vec<Hit>, String> {
    diesel::sql_query(QUERY)
        .bind::<Text, _>(query.replace('\0', ""))
        .bind::<BigInt, _>(limit)
        .load(conn)
        .map_err(|e| e.to_string())
}

struct PgClient {
    conn: PgConnection,
}

impl Client for PgClient {
    fn search(&mut self, query: &str) -> Result<usize, String> {
        search(&mut self.conn, query, 10).map(|hits| hits.len())
    }
}
