//! Admission to costly work: at most `concurrency` jobs run at once, at most `queue` more wait for
//! a short time, and anything beyond is refused at once (503 with `Retry-After`) rather than
//! queued without bound. Searches have one gate, CPU work (password hashing, PDF extraction and
//! stamping) another, so that a flood of one cannot take every core from the other.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

/// A cap on concurrent jobs with a bounded, short queue in front of it.
#[derive(Clone)]
pub struct Gate {
    /// Jobs running or waiting: `concurrency + queue`.
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
    wait: Duration,
}

/// A job's right to run: its place in the queue and its slot.
pub struct Slot {
    _admitted: OwnedSemaphorePermit,
    _running: OwnedSemaphorePermit,
}

impl Gate {
    /// `concurrency` jobs at once (at least one), `queue` more waiting up to `wait` each.
    pub fn new(concurrency: usize, queue: usize, wait: Duration) -> Gate {
        let concurrency = concurrency.max(1);
        Gate {
            admitted: Arc::new(Semaphore::new(concurrency + queue)),
            running: Arc::new(Semaphore::new(concurrency)),
            wait,
        }
    }

    /// Takes a slot, waiting in the queue when all are busy; refuses at once when the queue is
    /// full, and after the wait when no slot frees.
    pub async fn reserve(&self) -> Result<Slot, AppError> {
        let admitted = Arc::clone(&self.admitted).try_acquire_owned().map_err(|_| AppError::Overloaded)?;
        let running = tokio::time::timeout(self.wait, Arc::clone(&self.running).acquire_owned())
            .await
            .map_err(|_| AppError::Overloaded)?
            .map_err(|_| AppError::Overloaded)?;
        Ok(Slot { _admitted: admitted, _running: running })
    }

    /// Runs `work` on the blocking pool once it has a slot. It holds no database connection:
    /// services read what the work needs first, and write its result after.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, AppError> + Send + 'static,
    {
        let slot = self.reserve().await?;
        actix_web::web::block(move || {
            let _slot = slot;
            work()
        })
        .await?
    }
}
