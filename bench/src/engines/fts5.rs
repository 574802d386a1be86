//! SQLite FTS5 as its users set it up: one table over code, title and body with the `unicode61`
//! tokenizer removing diacritics, each word of the query required, ranked by bm25 (code and title
//! weighted over the body), with a snippet of the body.

use std::path::{Path, PathBuf};
use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};

use super::{BuildFigures, Doc, Source, quoted_words};
use crate::load::Client;

const SCHEMA: &str = "CREATE VIRTUAL TABLE docs USING fts5(code, title, body, \
                      tokenize = 'unicode61 remove_diacritics 2')";
const QUERY: &str = "SELECT code, snippet(docs, 2, '<mark>', '</mark>', '…', 16) AS snippet \
                     FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 10.0, 5.0, 1.0) LIMIT ?";

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    #[allow(dead_code)]
    snippet: String,
}

/// An FTS5 database file.
pub struct Fts5 {
    path: PathBuf,
}

impl Fts5 {
    /// Creates the database afresh and loads the documents `fill` gives, in one transaction.
    pub fn build(path: &Path, fill: &mut Source<'_>) -> Result<(Fts5, BuildFigures), String> {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let started = Instant::now();
        let mut conn = connect(path)?;
        conn.batch_execute(&format!("PRAGMA journal_mode = WAL; {SCHEMA}; BEGIN")).map_err(|e| e.to_string())?;
        fill(&mut |doc: Doc| {
            diesel::sql_query("INSERT INTO docs (code, title, body) VALUES (?, ?, ?)")
                .bind::<Text, _>(&doc.code)
                .bind::<Text, _>(&doc.title)
                .bind::<Text, _>(&doc.body)
                .execute(&mut conn)
                .map(|_| ())
                .map_err(|e| e.to_string())
        })?;
        conn.batch_execute("COMMIT; INSERT INTO docs(docs) VALUES ('optimize'); PRAGMA wal_checkpoint(TRUNCATE)")
            .map_err(|e| e.to_string())?;
        let figures = BuildFigures {
            seconds: started.elapsed().as_secs_f64(),
            bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
        };
        Ok((Fts5 { path: path.to_path_buf() }, figures))
    }

    /// A client with its own connection.
    pub fn client(&self) -> Result<Box<dyn Client>, String> {
        Ok(Box::new(Fts5Client { conn: connect(&self.path)? }))
    }

    /// The codes of the first `limit` hits.
    pub fn ranked_codes(&self, query: &str, limit: i64) -> Result<Vec<String>, String> {
        let mut conn = connect(&self.path)?;
        search(&mut conn, query, limit).map(|hits| hits.into_iter().map(|h| h.code).collect())
    }
}

fn connect(path: &Path) -> Result<SqliteConnection, String> {
    SqliteConnection::establish(&path.display().to_string()).map_err(|e| format!("{}: {e}", path.display()))
}

fn search(conn: &mut SqliteConnection, query: &str, limit: i64) -> Result<Vec<Hit>, String> {
    let words = quoted_words(query);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    diesel::sql_query(QUERY)
        .bind::<Text, _>(words.join(" "))
        .bind::<diesel::sql_types::BigInt, _>(limit)
        .load(conn)
        .map_err(|e| e.to_string())
}

struct Fts5Client {
    conn: SqliteConnection,
}

impl Client for Fts5Client {
    fn search(&mut self, query: &str) -> Result<usize, String> {
        search(&mut self.conn, query, 10).map(|hits| hits.len())
    }
}
