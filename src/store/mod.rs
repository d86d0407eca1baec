//! Browser storage (wasm only): the ledger in IndexedDB through `rexie`, small settings
//! through `gloo-storage`.
