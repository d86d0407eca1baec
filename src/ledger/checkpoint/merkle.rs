//! The Merkle tree hash of RFC 6962 / RFC 9162 §2.1.1, over the office checkpoint's leaves.
//!
//! MTH({}) = SHA-256(); MTH({d}) = SHA-256(0x00 ‖ d); for n > 1, with k the largest power of
//! two below n, MTH(D[n]) = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])). The 0x00 / 0x01
//! prefixes keep a leaf from ever being read as an inner node.

use sha2::{Digest, Sha256};

/// The tree hash of `leaves`, in order.
pub fn tree_hash(leaves: &[Vec<u8>]) -> [u8; 32] {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => {
            let mut h = Sha256::new();
            h.update([0u8]);
            h.update(&leaves[0]);
            h.finalize().into()
        }
        n => {
            let k = largest_power_of_two_below(n);
            let mut h = Sha256::new();
            h.update([1u8]);
            h.update(tree_hash(&leaves[..k]));
            h.update(tree_hash(&leaves[k..]));
            h.finalize().into()
        }
    }
}

fn largest_power_of_two_below(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::to_hex;

    #[test]
    fn empty_tree_is_the_hash_of_nothing() {
        assert_eq!(
            to_hex(&tree_hash(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn splits_at_the_largest_power_of_two_below_n() {
        assert_eq!(largest_power_of_two_below(2), 1);
        assert_eq!(largest_power_of_two_below(3), 2);
        assert_eq!(largest_power_of_two_below(5), 4);
        assert_eq!(largest_power_of_two_below(8), 4);
        let leaf = |b: u8| vec![b];
        let l: Vec<Vec<u8>> = (0..3).map(leaf).collect();
        let node = |a: [u8; 32], b: [u8; 32]| -> [u8; 32] {
            let mut h = Sha256::new();
            h.update([1u8]);
            h.update(a);
            h.update(b);
            h.finalize().into()
        };
        let expected = node(tree_hash(&l[..2]), tree_hash(&l[2..]));
        assert_eq!(tree_hash(&l), expected);
        assert_ne!(tree_hash(&l[..2]), tree_hash(&[l[1].clone(), l[0].clone()]));
    }

    /// The RFC 6962 test vector: leaf "" (empty) hashes to 6e340b9c….
    #[test]
    fn rfc6962_empty_leaf_vector() {
        assert_eq!(
            to_hex(&tree_hash(&[Vec::new()])),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }
}
