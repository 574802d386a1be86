//! Keeping the index true to the database: open (or rebuild when missing, corrupt, or built by
//! another schema version), catch up from the change log, follow it, and rebuild atomically.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};
use tantivy::schema::Term;
use tantivy::{Index, IndexWriter, TantivyDocument};

use super::document::{IndexedBody, standard_document};
use super::editions::LatestEditions;
use super::schema::{SCHEMA_VERSION, SearchFields, build_schema};
use super::text_store::TextStore;
use super::{Abbreviations, Generation, SearchError, SearchIndex};
use crate::db::standards::StandardRow;
use crate::db::{DbConnection, change_log, documents, standards};
use crate::domain::AccessLevel;
use crate::domain::text::normalize;
use crate::texts::extraction::TextFormat;
use crate::texts::reader::plain_text;

/// Standards read from the database per batch.
const BATCH: i64 = 500;
const CURRENT_FILE: &str = "CURRENT";

/// What each commit records, so that a reopened index knows where it stands.
#[derive(Debug, Serialize, Deserialize)]
struct CommitPayload {
    schema_version: u32,
    seq: i64,
}

impl SearchIndex {
    /// Opens the index under `DATA_DIR/index`, rebuilding it from the database when it is missing,
    /// unreadable or of another schema version, then catches up with the change log.
    pub fn open(
        data_dir: &Path,
        conn: &mut DbConnection,
        abbreviations: Abbreviations,
    ) -> Result<SearchIndex, SearchError> {
        let root = data_dir.join("index");
        std::fs::create_dir_all(&root)?;
        let generation = match current_name(&root).map(|name| open_generation(&root, &name)) {
            Some(Ok(generation)) => generation,
            Some(Err(error)) => {
                tracing::warn!(%error, "the search index cannot be used; rebuilding it from the database");
                rebuild_generation(&root, conn, &mut |_, _| {})?
            }
            None => {
                tracing::info!("no search index yet; building it from the database");
                rebuild_generation(&root, conn, &mut |_, _| {})?
            }
        };
        remove_stale_generations(&root, &generation.name);
        let abbreviations = with_learned(conn, abbreviations)?;
        let index = SearchIndex { root: Some(root), generation: RwLock::new(Arc::new(generation)), abbreviations };
        index.catch_up(conn)?;
        Ok(index)
    }

    /// An index held in memory, built from the database (the relevance harness and tools use it).
    pub fn in_memory(conn: &mut DbConnection, abbreviations: Abbreviations) -> Result<SearchIndex, SearchError> {
        let (schema, _) = build_schema();
        let seq = change_log::latest_seq(conn)?;
        let generation = Generation::new("memory".into(), Index::create_in_ram(schema), TextStore::memory(), seq)?;
        fill(&generation, conn, seq, &mut |_, _| {})?;
        let abbreviations = with_learned(conn, abbreviations)?;
        Ok(SearchIndex { root: None, generation: RwLock::new(Arc::new(generation)), abbreviations })
    }

    /// Applies the change-log entries written since the index's position; returns how many.
    pub fn catch_up(&self, conn: &mut DbConnection) -> Result<usize, SearchError> {
        let generation = self.generation()?;
        let mut applied = 0;
        loop {
            let entries = change_log::since(conn, generation.applied_seq(), 1_000)?;
            let Some(last) = entries.last().map(|e| e.seq) else {
                break;
            };
            let rows = changed_with_siblings(conn, entries.iter().map(|e| e.standard_id))?;
            let latest = LatestEditions::from_years(
                rows.iter().map(|r| (r.fields.series_key.clone(), r.fields.issuer_code.clone(), r.fields.year)),
            );
            let mut writer = generation.writer.lock().map_err(|_| SearchError::Poisoned)?;
            for (id, row) in &rows_by_id(&rows, entries.iter().map(|e| e.standard_id)) {
                writer.delete_term(Term::from_field_u64(generation.fields.standard_id, *id as u64));
                if let Some(row) = row {
                    let superseded = latest.is_superseded(&row.fields);
                    let bodies = stored_bodies(conn, &generation.texts, row.id)?;
                    let document = standard_document(&generation.fields, row, &bodies, superseded);
                    writer.add_document(document)?;
                }
            }
            generation.texts.sync()?;
            commit(&mut writer, last)?;
            drop(writer);
            generation.reader.reload()?;
            generation.applied_seq.store(last, Ordering::SeqCst);
            applied += entries.len();
        }
        Ok(applied)
    }

    /// One step of following: switch to a generation another process built, then catch up.
    pub fn follow(&self, conn: &mut DbConnection) -> Result<usize, SearchError> {
        if let Some(root) = &self.root
            && let Some(name) = current_name(root)
            && name != self.generation()?.name
        {
            let fresh = Arc::new(open_generation(root, &name)?);
            let old = std::mem::replace(&mut *self.generation.write().map_err(|_| SearchError::Poisoned)?, fresh);
            tracing::info!(from = %old.name, to = %name, "switched to the rebuilt search index");
            drop(old);
            remove_stale_generations(root, &name);
        }
        self.catch_up(conn)
    }

    /// Whether the index's directory still exists (a follower stops when it is gone).
    pub fn is_present(&self) -> bool {
        self.root.as_deref().is_none_or(Path::exists)
    }
}

/// Builds a new generation from the database beside the live one and makes it current;
/// a running service switches to it on its next follow step. Returns the documents indexed.
pub fn rebuild(
    data_dir: &Path,
    conn: &mut DbConnection,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<u64, SearchError> {
    let root = data_dir.join("index");
    std::fs::create_dir_all(&root)?;
    let generation = rebuild_generation(&root, conn, progress)?;
    Ok(generation.reader.searcher().num_docs())
}

fn rebuild_generation(
    root: &Path,
    conn: &mut DbConnection,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Generation, SearchError> {
    let name = format!("gen-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"));
    let path = root.join(&name);
    std::fs::create_dir_all(&path)?;
    let (schema, _) = build_schema();
    // Changes made while we read are replayed from the change log afterwards (idempotently).
    let seq = change_log::latest_seq(conn)?;
    let generation = Generation::new(name.clone(), Index::create_in_dir(&path, schema)?, TextStore::open(&path)?, seq)?;
    fill(&generation, conn, seq, progress)?;
    write_current(root, &name)?;
    Ok(generation)
}

/// Indexes every standard and commits at `seq`.
fn fill(
    generation: &Generation,
    conn: &mut DbConnection,
    seq: i64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(), SearchError> {
    let total = standards::count(conn)? as u64;
    let latest = LatestEditions::from_years(standards::series_years(conn)?);
    let mut writer = generation.writer.lock().map_err(|_| SearchError::Poisoned)?;
    let (mut after, mut done) = (0, 0u64);
    loop {
        let rows = standards::batch_after_id(conn, after, BATCH)?;
        let Some(last) = rows.last().map(|r| r.id) else {
            break;
        };
        for row in &rows {
            let superseded = latest.is_superseded(&row.fields);
            let bodies = stored_bodies(conn, &generation.texts, row.id)?;
            let doc: TantivyDocument = standard_document(&generation.fields, row, &bodies, superseded);
            writer.add_document(doc)?;
        }
        done += rows.len() as u64;
        progress(done, total);
        after = last;
    }
    generation.texts.sync()?;
    commit(&mut writer, seq)?;
    drop(writer);
    generation.reader.reload()?;
    Ok(())
}

/// The plain text of every section of a standard's documents, one body per access level (a
/// document whose level cannot be read counts as `inspectors`, the narrowest), each appended to
/// the generation's text store.
fn stored_bodies(
    conn: &mut DbConnection,
    texts: &TextStore,
    standard_id: i64,
) -> Result<Vec<IndexedBody>, SearchError> {
    let mut bodies: Vec<IndexedBody> = Vec::new();
    for (format, level, section) in documents::sections_of_standard(conn, standard_id)? {
        let format = match format.as_str() {
            "markdown" => TextFormat::Markdown,
            "pdf" => TextFormat::Pdf,
            _ => TextFormat::Text,
        };
        let level = level.parse().unwrap_or(AccessLevel::Inspectors);
        let at = bodies.iter().position(|b| b.level == level).unwrap_or_else(|| {
            bodies.push(IndexedBody { level, text: String::new(), sections: Vec::new(), stored_at: None });
            bodies.len() - 1
        });
        let body = &mut bodies[at];
        body.sections.push((section.heading.clone(), body.text.len()));
        body.text.push_str(&normalize(&section.heading));
        body.text.push('\n');
        body.text.push_str(&normalize(&plain_text(format, &section.body)));
        body.text.push_str("\n\n");
    }
    for body in bodies.iter_mut().filter(|b| !b.text.is_empty()) {
        body.stored_at = Some(texts.append(body.text.as_bytes())?);
    }
    Ok(bodies)
}

/// The changed standards that still exist, with every edition of their series (whose
/// newest-edition standing may have changed with them).
fn changed_with_siblings(
    conn: &mut DbConnection,
    ids: impl Iterator<Item = i64>,
) -> Result<Vec<StandardRow>, SearchError> {
    let mut rows: Vec<StandardRow> = Vec::new();
    let mut series = BTreeSet::new();
    for id in ids.collect::<BTreeSet<_>>() {
        if let Some(row) = standards::find_by_id(conn, id)? {
            if series.insert(row.fields.series_key.clone()) {
                rows.extend(standards::editions_of_series(conn, &row.fields.series_key, 1_000)?);
            }
            rows.push(row);
        }
    }
    rows.sort_by_key(|r| r.id);
    rows.dedup_by_key(|r| r.id);
    Ok(rows)
}

/// Each changed id with its current row (`None` when it was deleted), plus the siblings.
fn rows_by_id(rows: &[StandardRow], changed: impl Iterator<Item = i64>) -> BTreeMap<i64, Option<&StandardRow>> {
    let mut by_id: BTreeMap<i64, Option<&StandardRow>> = changed.map(|id| (id, None)).collect();
    for row in rows {
        by_id.insert(row.id, Some(row));
    }
    by_id
}

fn commit(writer: &mut IndexWriter, seq: i64) -> Result<(), SearchError> {
    let payload = serde_json::to_string(&CommitPayload { schema_version: SCHEMA_VERSION, seq })
        .map_err(|e| SearchError::Corrupt(e.to_string()))?;
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    Ok(())
}

fn open_generation(root: &Path, name: &str) -> Result<Generation, SearchError> {
    let path = root.join(name);
    if !path.is_dir() {
        return Err(SearchError::Corrupt(format!("{} is missing", path.display())));
    }
    let index = Index::open_in_dir(&path)?;
    let payload: CommitPayload = index
        .load_metas()?
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .ok_or_else(|| SearchError::Corrupt("no commit payload".into()))?;
    if payload.schema_version != SCHEMA_VERSION {
        return Err(SearchError::Corrupt(format!("built by schema version {}", payload.schema_version)));
    }
    let (expected, _) = build_schema();
    if index.schema() != expected || SearchFields::of(&index.schema()).is_none() {
        return Err(SearchError::Corrupt("its schema differs from this version's".into()));
    }
    let generation = Generation::new(name.to_string(), index, TextStore::open(&path)?, payload.seq)?;
    // A segment may be unreadable even when the metadata is fine: touch every one.
    let searcher = generation.reader.searcher();
    for segment in searcher.segment_readers() {
        segment.inverted_index(generation.fields.title)?;
        segment.get_store_reader(1)?;
    }
    Ok(generation)
}

fn current_name(root: &Path) -> Option<String> {
    let name = std::fs::read_to_string(root.join(CURRENT_FILE)).ok()?;
    let name = name.trim();
    (name.starts_with("gen-") && !name.contains(['/', '\\'])).then(|| name.to_string())
}

/// Replaces `CURRENT` atomically (write aside, then rename).
fn write_current(root: &Path, name: &str) -> Result<(), SearchError> {
    let aside: PathBuf = root.join(format!("{CURRENT_FILE}.{}", std::process::id()));
    std::fs::write(&aside, name)?;
    std::fs::rename(&aside, root.join(CURRENT_FILE))?;
    Ok(())
}

fn remove_stale_generations(root: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("gen-")
            && name != keep
            && current_name(root).as_deref() != Some(&name)
            && let Err(error) = std::fs::remove_dir_all(entry.path())
        {
            tracing::warn!(%error, generation = %name, "could not remove an old search index");
        }
    }
}

/// The abbreviations with those learned from the catalogue's titles and scopes as they are now.
fn with_learned(conn: &mut DbConnection, abbreviations: Abbreviations) -> Result<Abbreviations, SearchError> {
    let texts = crate::db::standards::titles_and_scopes(conn)?;
    let learned = super::learned::Learned::from_texts(
        texts.iter().flat_map(|(title, scope)| std::iter::once(title.as_str()).chain(scope.as_deref())),
    );
    Ok(abbreviations.with_learned(learned))
}
