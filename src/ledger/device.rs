//! A 端末 (device): one browser profile that records into the office ledger.
//!
//! Why devices: every PC of an office (and the USB stick's browser) records on its own, often
//! offline. If they all appended to one chain, two PCs would fork it at the first record. So
//! each device writes only its own append-only chain, and the office ledger is the set of all
//! device chains ([`super::office`]). Nothing is ever written into another device's chain.
//!
//! A device is named by a random id made on first use (128 bits, 32 lower-case hex), and by the
//! name the office gives it (「事務室PC」), which the device records in its own chain as a
//! 端末の登録 entry, so the name travels with the chain and cannot be changed by anyone else.
//!
//! The office number and the device id are bound into the chain through its genesis value:
//! the first entry's `prev_hash` is [`bound_genesis`] of both, so a chain relabelled as
//! another office's or another device's no longer verifies. Chains migrated from the one-chain
//! ledger (format 1) start at 64 zeros; their id is derived from their first entry
//! ([`DeviceId::legacy_of`]), so every PC that holds the same old chain gives it the same id.

use crate::fingerprint::to_hex;
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;

/// `prev_hash` of the first entry of a format-1 chain (and of a migrated one).
pub const LEGACY_GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The id of a device: 32 lower-case hexadecimal characters. Cheap to clone (every entry
/// carries its device's id).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceId(Arc<str>);

impl DeviceId {
    /// Reads an id, refusing anything but 32 lower-case hex characters.
    pub fn parse(text: &str) -> Option<DeviceId> {
        (text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| DeviceId(Arc::from(text)))
    }

    /// A new id from 16 random bytes (the page takes them from `crypto.getRandomValues`).
    pub fn from_random(bytes: [u8; 16]) -> DeviceId {
        DeviceId(Arc::from(to_hex(&bytes).as_str()))
    }

    /// The id of a chain migrated from a format-1 ledger: the first 32 hex characters of
    /// SHA-256(`"careplan-ledger legacy device\n"` ‖ hash of its first entry).
    pub fn legacy_of(first_entry_hash: &str) -> DeviceId {
        let mut h = Sha256::new();
        h.update(b"careplan-ledger legacy device\n");
        h.update(first_entry_hash.as_bytes());
        let hex = to_hex(&h.finalize());
        DeviceId(Arc::from(&hex[..32]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 8 characters, for people (「端末 1a2b3c4d」).
    pub fn short(&self) -> &str {
        &self.0[..8]
    }
}

impl fmt::Debug for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceId({})", self.short())
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The genesis value of a device chain: lower-case hex SHA-256 of the UTF-8 text
/// `"careplan-ledger device chain\n" ‖ office_number ‖ "\n" ‖ device_id ‖ "\n"`.
pub fn bound_genesis(office_number: &str, device: &DeviceId) -> String {
    let mut h = Sha256::new();
    h.update(b"careplan-ledger device chain\n");
    h.update(office_number.as_bytes());
    h.update(b"\n");
    h.update(device.as_str().as_bytes());
    h.update(b"\n");
    to_hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_lower_hex() {
        let id = DeviceId::from_random([0xab; 16]);
        assert_eq!(id.as_str(), "ab".repeat(16));
        assert_eq!(DeviceId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(DeviceId::parse(&"AB".repeat(16)), None);
        assert_eq!(DeviceId::parse("abc"), None);
        assert_eq!(id.short(), "abababab");
    }

    #[test]
    fn genesis_binds_office_and_device() {
        let a = DeviceId::from_random([1; 16]);
        let b = DeviceId::from_random([2; 16]);
        let g = bound_genesis("1310000001", &a);
        assert_eq!(g.len(), 64);
        assert_ne!(g, bound_genesis("1310000002", &a));
        assert_ne!(g, bound_genesis("1310000001", &b));
        assert_ne!(g, LEGACY_GENESIS);
    }

    #[test]
    fn legacy_ids_depend_only_on_the_first_entry() {
        let h = "e6bd6e2e02c9e50ea0944be96e6159aa4d3cec72df2a16f53416e05e909df801";
        assert_eq!(DeviceId::legacy_of(h), DeviceId::legacy_of(h));
        assert_ne!(DeviceId::legacy_of(h), DeviceId::legacy_of(&"0".repeat(64)));
    }
}
