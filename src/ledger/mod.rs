//! The evidence ledger (証跡台帳): append-only entries, their canonical form, one hash chain
//! per device (端末), the office ledger that merges every device's chain, checkpoints, the
//! backup format, the migration from the one-chain ledger, and the views over them.
//!
//! Plain Rust with no web dependency and no clock: the caller (the IndexedDB store, the page)
//! passes the current time in and persists what these functions return. Invariant: nothing
//! here edits or deletes an entry; a correction is a new entry that points at the old one.

pub mod acts;
pub mod attachments;
pub mod backup;
pub mod branch;
pub mod canonical;
pub mod chain;
pub mod checkpoint;
pub mod csv_export;
pub mod describe;
pub mod device;
pub mod entry;
pub mod file_groups;
pub mod in_force;
pub mod inspection;
pub mod inspection_rows;
pub mod keeping_sheet;
pub mod kept_files;
pub mod migration;
pub mod office;
pub mod office_folder;
pub mod plan_actual_result;
pub mod query;
pub mod recorded_files;
pub mod recording;
pub mod reminders;
pub mod renewals;
pub mod retention;
pub mod sample;
pub mod settings;
pub mod time_sanity;
pub mod value_io;
pub mod versions;
pub mod watched;

pub use backup::{read_backup, write_backup, Backup, BackupError, BackupInput, StoredFile};
pub use branch::KeptBranch;
pub use chain::{
    entries_with_wrong_hash, lines_not_confirmed, seal, verify, verify_device_chain, AppendError,
    ChainHead, ChainOrigin, ChainProblem, DeviceChain, HashCheck, Verification,
};
pub use checkpoint::{
    parse_any_checkpoint, verify_legacy_checkpoint, verify_office_checkpoint, AnyCheckpoint,
    OfficeCheckpoint, OfficeCheckpointVerdict,
};
pub use describe::describe_ja;
pub use device::DeviceId;
pub use entry::{
    CertificateKind, CheckOutcome, Client, ClientKey, ConsentMethod, DeliveredDocument, Details,
    Direction, Entry, EntryDraft, EntryRef, FileRef, Kind, Partner, RenewalFacts, RenewalWhat,
    RestoreOutcome, Subject, ValidationIssue,
};
pub use inspection::{inspection_sheet, InspectionSheet};
pub use office::{ChainConflict, ChainMerge, MergeReport, OfficeLedger};
pub use query::{EntryFilter, SearchIndex};
pub use recording::{record_drafts, CheckedFileSummary};
pub use retention::{past_retention, retention_records, RetentionRecord};
pub use settings::{backup_reminder, OfficeSettings};
pub use versions::{version_chains, version_chains_for_client, DocumentFamily, VersionChain};
