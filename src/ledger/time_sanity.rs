//! Times that cannot be honest: an entry recorded more than a day after now (a PC clock set
//! wrong, or a forged backup), and a device's chain whose recording times go backwards (each
//! device appends in order, so a later entry never has an earlier time).
//!
//! These are shown beside the chain status and before a restore, never refused: the hashes
//! are right, and a wrong clock is a fact the office should see, not a reason to lose records.

use super::chain::DeviceChain;
use crate::jpdate::Timestamp;

/// How far in the future a recording time may be before it is called out (clocks of office
/// PCs drift; a day is beyond any drift).
const FUTURE_SLACK_MS: i64 = 24 * 3_600_000;

/// One doubtful time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeDoubt {
    /// Entry `seq` of the device is recorded at `at`, more than a day after now.
    InTheFuture { seq: u64, at: Timestamp },
    /// Entry `seq` is recorded before entry `seq − 1` of the same device.
    Backwards {
        seq: u64,
        at: Timestamp,
        before: Timestamp,
    },
}

/// The doubtful times of one device's chain, at most `limit` of them.
pub fn time_doubts(chain: &DeviceChain, now: Timestamp, limit: usize) -> Vec<TimeDoubt> {
    let mut out = Vec::new();
    let mut previous: Option<Timestamp> = None;
    for e in chain.entries() {
        if out.len() >= limit {
            break;
        }
        if e.recorded_at.0 > now.0 + FUTURE_SLACK_MS {
            out.push(TimeDoubt::InTheFuture {
                seq: e.seq,
                at: e.recorded_at,
            });
        } else if let Some(p) = previous.filter(|p| e.recorded_at < *p) {
            out.push(TimeDoubt::Backwards {
                seq: e.seq,
                at: e.recorded_at,
                before: p,
            });
        }
        previous = Some(previous.map_or(e.recorded_at, |p| p.max(e.recorded_at)));
    }
    out
}

impl TimeDoubt {
    /// The doubt in a sentence, after the device's name.
    pub fn sentence_ja(&self) -> String {
        match self {
            TimeDoubt::InTheFuture { seq, at } => format!(
                "記録{seq}の記録日時が{}で、今より先です(パソコンの時計が違っていたか、書き換えられた可能性があります)",
                at.format_ja()
            ),
            TimeDoubt::Backwards { seq, at, before } => format!(
                "記録{seq}の記録日時({})が、その前の記録({})より前です(パソコンの時計が戻された可能性があります)",
                at.format_ja(),
                before.format_ja()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::device::DeviceId;
    use crate::ledger::entry::{Details, EntryDraft, Subject};

    fn chain_at(times: &[i64]) -> DeviceChain {
        let mut chain = DeviceChain::new("1310000001", DeviceId::from_random([5; 16]));
        for (i, t) in times.iter().enumerate() {
            let head = chain.head().hash;
            chain
                .append(
                    EntryDraft::new(
                        "佐藤",
                        Subject::default(),
                        Details::Memo {
                            text: format!("メモ{i}"),
                        },
                    ),
                    &head,
                    Timestamp(*t),
                )
                .unwrap();
        }
        chain
    }

    const NOW: i64 = 1_764_633_600_000; // 2025-12-02 00:00 UTC

    #[test]
    fn honest_times_raise_nothing() {
        let chain = chain_at(&[NOW - 3_000, NOW - 2_000, NOW - 2_000, NOW + 3_600_000]);
        assert!(time_doubts(&chain, Timestamp(NOW), 10).is_empty());
    }

    #[test]
    fn a_time_beyond_tomorrow_and_a_time_going_back_are_called_out() {
        let year_2099 = 4_070_908_800_000;
        let chain = chain_at(&[NOW - 10_000, year_2099, NOW - 5_000, NOW - 20_000]);
        let doubts = time_doubts(&chain, Timestamp(NOW), 10);
        assert_eq!(doubts.len(), 3, "{doubts:?}");
        assert!(matches!(doubts[0], TimeDoubt::InTheFuture { seq: 2, .. }));
        // After 2099, everything looks backwards: the later entries are named, not hidden.
        assert!(matches!(doubts[1], TimeDoubt::Backwards { seq: 3, .. }));
        assert!(matches!(doubts[2], TimeDoubt::Backwards { seq: 4, .. }));
        assert!(doubts[0].sentence_ja().contains("今より先"));
        assert!(doubts[0].sentence_ja().contains("2099年"));
        assert_eq!(time_doubts(&chain, Timestamp(NOW), 1).len(), 1, "capped");
    }
}
