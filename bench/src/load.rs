//! The load driver: clients on threads take queries in turn from the fixed set, one at a time,
//! for at least one full round and a minimum duration; latencies give p50/p95/p99, the wall clock
//! gives throughput.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// One client of an engine (its own connection); answers a query with the number of hits.
pub trait Client: Send {
    fn search(&mut self, query: &str) -> Result<usize, String>;
}

/// How long a load phase runs.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Keep going past the first round until this much time has passed.
    pub min_duration: Duration,
    /// Never more rounds than this.
    pub max_rounds: usize,
}

/// Figures of one load phase.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct LoadFigures {
    pub concurrency: usize,
    pub queries: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub per_second: f64,
    /// Queries with no hit at all (not an error; typos in an AND engine, for example).
    pub empty: usize,
}

/// Runs `concurrency` clients over the query set.
pub fn run(
    queries: &[String],
    concurrency: usize,
    budget: Budget,
    make_client: &(dyn Fn() -> Result<Box<dyn Client>, String> + Sync),
) -> Result<LoadFigures, String> {
    let next = AtomicUsize::new(0);
    let limit = queries.len() * budget.max_rounds.max(1);
    let started = Instant::now();
    let results: Vec<Result<(Vec<Duration>, usize), String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..concurrency.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut client = make_client()?;
                    let (mut samples, mut empty) = (Vec::new(), 0);
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let past_round = i >= queries.len() && started.elapsed() >= budget.min_duration;
                        if i >= limit || past_round {
                            return Ok((samples, empty));
                        }
                        let query = &queries[i % queries.len()];
                        let asked = Instant::now();
                        let hits = client.search(query).map_err(|e| format!("{query:?}: {e}"))?;
                        samples.push(asked.elapsed());
                        empty += usize::from(hits == 0);
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or_else(|_| Err("a client panicked".into()))).collect()
    });
    let wall = started.elapsed();
    let mut samples = Vec::new();
    let mut empty = 0;
    for result in results {
        let (mine, none) = result?;
        samples.extend(mine);
        empty += none;
    }
    samples.sort();
    let at = |p: f64| {
        let index = ((samples.len().saturating_sub(1)) as f64 * p).round() as usize;
        samples.get(index).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Ok(LoadFigures {
        concurrency,
        queries: samples.len(),
        p50_ms: at(0.50),
        p95_ms: at(0.95),
        p99_ms: at(0.99),
        max_ms: at(1.0),
        per_second: samples.len() as f64 / wall.as_secs_f64(),
        empty,
    })
}
