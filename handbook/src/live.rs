use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::model::Handbook;

/// The handbook being served. Readers take a snapshot that stays whole while an edit swaps in
/// the next one; the generation tells caches that the content changed.
#[derive(Debug)]
pub struct LiveHandbook {
    current: RwLock<Arc<Handbook>>,
    generation: AtomicU64,
}

impl LiveHandbook {
    pub fn new(handbook: Handbook) -> Self {
        Self {
            current: RwLock::new(Arc::new(handbook)),
            generation: AtomicU64::new(0),
        }
    }

    pub fn current(&self) -> Arc<Handbook> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }
}

impl LiveHandbook {
    /// Swaps in `change(current)`, with no other change in between.
    pub fn update<E>(
        &self,
        change: impl FnOnce(&Handbook) -> Result<Handbook, E>,
    ) -> Result<(), E> {
        let mut current = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = Arc::new(change(&current)?);
        self.generation.fetch_add(1, Ordering::Release);
        Ok(())
    }
}
