//! Browser storage (wasm only): the ledger in IndexedDB through `rexie`, the office folder
//! through the File System Access API, and where the browser lets us, a request that it keep
//! the data (persistent storage).
//!
//! Every write is awaited and read back before it is reported as saved: the UI says
//! 「保存しました」 only after [`LedgerStore`] returned `Ok`.

mod database;
pub mod folder_access;
pub mod kept_copy;
pub mod office_folder;
mod pacing;
mod persistence;

pub use database::{
    DeviceInfo, LedgerStore, PageHolds, Recorded, StoreError, StoredSegment, DATABASE_NAME,
    DEVICE_KEY,
};
pub use pacing::{mark, yield_to_page, Pacer, STEP_MS};
pub use persistence::{estimate_storage, request_persistence, PersistenceResult, StorageEstimate};
