//! The evidence ledger (証跡台帳): append-only entries, their canonical form and hash chain,
//! checkpoints, the backup format, merge and retention.
