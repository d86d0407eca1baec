//! Office checkpoints (チェックポイント): a text that pins the whole office ledger, printed or
//! kept outside the browser, and checking the ledger against it later.
//!
//! Why: each chain shows that its entries fit together, but someone who rewrites a chain can
//! recompute its hashes, cut its end off, or drop a whole device. A checkpoint kept on paper
//! lists every device's entry count and head hash, plus one まとめハッシュ over all of them
//! (the RFC 9162 Merkle tree hash of the sorted device lines, [`merkle`]). Checked later it
//! reveals a truncated chain, a rewritten chain and a removed device. It proves nothing about
//! entries made after it, nor about what happened before it was kept; the page says so.
//!
//! The exact text and the leaf encoding are specified in `docs/backup-format.md` §11, so an
//! independent verifier can recompute it. Parsing tolerates what hand-typing does: full-width
//! characters, spaces in hashes, upper-case hex, and hashes shortened to 16+ characters.
//! Format-1 checkpoints (one chain, no devices) are read by [`legacy`].

pub mod legacy;
pub mod merkle;

use super::chain::DeviceChain;
use super::device::DeviceId;
use super::office::OfficeLedger;
use crate::fingerprint::to_hex;
use crate::jpdate::{CivilDate, Timestamp};
use legacy::{parse_ja_date, to_half_width, value_after_label, MIN_TYPED_HASH_LEN};

/// The line that tells an office checkpoint from a format-1 one.
pub const FORMAT_LINE: &str = "careplan-ledger-checkpoint/2";

/// One device's line: how far its chain went when the checkpoint was issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceHead {
    pub device: DeviceId,
    pub entry_count: u64,
    /// Lower-case hex (a typed-back checkpoint may hold a 16+ character prefix, or nothing).
    pub head_hash: String,
    /// The device's name, for people; not covered by the まとめハッシュ.
    pub name: String,
}

impl DeviceHead {
    /// The Merkle leaf: the ASCII text `"<device id> <entry count> <head hash>"`.
    pub fn leaf(&self) -> Vec<u8> {
        format!("{} {} {}", self.device, self.entry_count, self.head_hash).into_bytes()
    }
}

/// The まとめハッシュ of device heads (sorted by device id first).
pub fn office_root(heads: &[DeviceHead]) -> String {
    let mut sorted: Vec<&DeviceHead> = heads.iter().collect();
    sorted.sort_by(|a, b| a.device.cmp(&b.device));
    let leaves: Vec<Vec<u8>> = sorted.iter().map(|h| h.leaf()).collect();
    to_hex(&merkle::tree_hash(&leaves))
}

/// A checkpoint of the office ledger as issued by the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeCheckpoint {
    pub office_number: String,
    /// Sorted by device id.
    pub devices: Vec<DeviceHead>,
    /// [`office_root`] of `devices`.
    pub root: String,
    pub issued_at: Timestamp,
}

fn head_of(chain: &DeviceChain, name: String) -> DeviceHead {
    let head = chain.head();
    DeviceHead {
        device: head.device,
        entry_count: head.entry_count,
        head_hash: head.hash,
        name,
    }
}

fn grouped(hash: &str) -> String {
    (0..hash.len())
        .step_by(8)
        .map(|i| &hash[i..(i + 8).min(hash.len())])
        .collect::<Vec<_>>()
        .join(" ")
}

impl OfficeCheckpoint {
    /// The checkpoint of `ledger` now (its shown chains).
    pub fn of(ledger: &OfficeLedger, now: Timestamp) -> OfficeCheckpoint {
        let devices: Vec<DeviceHead> = ledger
            .chains()
            .map(|c| head_of(c, ledger.device_label(c.device())))
            .collect();
        OfficeCheckpoint {
            office_number: ledger.office_number().to_string(),
            root: office_root(&devices),
            devices,
            issued_at: now,
        }
    }

    pub fn entry_count(&self) -> u64 {
        self.devices.iter().map(|d| d.entry_count).sum()
    }

    /// The printable text (specified in `docs/backup-format.md` §11). Hashes are split into
    /// groups of 8 so they can be read aloud and typed back.
    pub fn to_text(&self) -> String {
        let mut out = String::from("【証跡台帳 チェックポイント】\n");
        out.push_str(&format!("形式: {FORMAT_LINE}\n"));
        out.push_str(&format!("事業所番号: {}\n", self.office_number));
        out.push_str(&format!("端末数: {}台\n", self.devices.len()));
        out.push_str(&format!("記録件数: {}件\n", self.entry_count()));
        for d in &self.devices {
            out.push_str(&format!(
                "端末: {} {}件 {} ({})\n",
                d.device,
                d.entry_count,
                grouped(&d.head_hash),
                d.name.replace(['\n', '\r'], " ")
            ));
        }
        out.push_str(&format!("まとめハッシュ: {}\n", grouped(&self.root)));
        out.push_str(&format!("作成日時: {}\n", self.issued_at.format_ja()));
        out.push_str(
            "※この控えは台帳の外(紙・別の媒体)に保管してください。保管した時点までの記録が、\
             その後に書き換えられたり、消されたりしていないことを確かめられます。\n",
        );
        out
    }
}

/// An office checkpoint read back from text (possibly typed by hand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedOfficeCheckpoint {
    pub office_number: Option<String>,
    /// As typed: `head_hash` may be a 16+ character prefix, or empty when left out.
    pub devices: Vec<DeviceHead>,
    /// The まとめハッシュ (a 16+ character prefix when shortened), if typed.
    pub root: Option<String>,
    pub issued_on: Option<CivilDate>,
}

/// Either kind of checkpoint text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnyCheckpoint {
    Office(ParsedOfficeCheckpoint),
    /// A format-1 checkpoint of one chain.
    Legacy(legacy::ParsedCheckpoint),
}

fn hex_of(text: &str, what: &str) -> Result<String, String> {
    let hex: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{what}には 0〜9 と a〜f だけを入力してください"));
    }
    if hex.len() < MIN_TYPED_HASH_LEN || hex.len() > 64 {
        return Err(format!(
            "{what}は先頭から{MIN_TYPED_HASH_LEN}文字以上64文字以下で入力してください(いま{}文字)",
            hex.len()
        ));
    }
    Ok(hex)
}

/// Reads one 「端末: <id> <n>件 <hash…> (<name>)」 line's value.
fn parse_device_line(value: &str, line_no: usize) -> Result<DeviceHead, String> {
    let (body, name) = match value.find('(') {
        Some(i) => (
            &value[..i],
            value[i + 1..]
                .trim_end()
                .trim_end_matches(')')
                .trim()
                .to_string(),
        ),
        None => (value, String::new()),
    };
    let mut tokens = body.split_whitespace();
    let id_text = tokens.next().unwrap_or("").to_ascii_lowercase();
    let device = DeviceId::parse(&id_text)
        .ok_or_else(|| format!("{line_no}行目: 端末IDは16進32文字で入力してください"))?;
    let count_text = tokens.next().unwrap_or("");
    let digits = count_text.trim_end_matches('件').replace(',', "");
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{line_no}行目: 記録件数は「120件」のように入力してください"
        ));
    }
    let entry_count = digits
        .parse()
        .map_err(|_| format!("{line_no}行目: 記録件数が読めません"))?;
    let rest: String = tokens.collect::<Vec<_>>().join("");
    let head_hash = if rest.is_empty() {
        String::new()
    } else {
        hex_of(&rest, &format!("{line_no}行目のハッシュ"))?
    };
    Ok(DeviceHead {
        device,
        entry_count,
        head_hash,
        name,
    })
}

/// Reads a checkpoint text of either format. Errors are Japanese and say what to fix.
pub fn parse_any_checkpoint(text: &str) -> Result<AnyCheckpoint, String> {
    let half = to_half_width(text);
    let lines: Vec<String> = half.lines().map(str::to_string).collect();
    let has_devices = lines
        .iter()
        .any(|l| l.trim_start().starts_with("端末:") || l.contains("まとめハッシュ"));
    if !has_devices {
        return legacy::parse_checkpoint(text).map(AnyCheckpoint::Legacy);
    }
    let office_number = value_after_label(&lines, &["事業所番号"])
        .map(|v| v.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|v| !v.is_empty());
    if let Some(o) = &office_number {
        if !crate::check::identify::is_digits(o, 10) {
            return Err("事業所番号は数字10桁で入力してください".into());
        }
    }
    let mut devices = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(value) = line.trim_start().strip_prefix("端末:") {
            devices.push(parse_device_line(value.trim(), i + 1)?);
        }
    }
    let root = value_after_label(&lines, &["まとめハッシュ"])
        .map(|v| hex_of(v, "まとめハッシュ"))
        .transpose()?;
    if devices.iter().any(|d| d.head_hash.is_empty()) && root.is_none() {
        return Err("ハッシュのない端末の行があります。まとめハッシュも入力してください".into());
    }
    let issued_on = value_after_label(&lines, &["作成日時", "作成日"]).and_then(parse_ja_date);
    Ok(AnyCheckpoint::Office(ParsedOfficeCheckpoint {
        office_number,
        devices,
        root,
        issued_on,
    }))
}

/// One thing a comparison with a checkpoint found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointFinding {
    /// The checkpoint belongs to another office.
    OtherOffice { checkpoint: String, ours: String },
    /// A device of the checkpoint has no chain in the ledger any more.
    DeviceMissing { device: DeviceId, name: String },
    /// A device's chain is shorter than when the checkpoint was kept.
    Truncated {
        device: DeviceId,
        name: String,
        ledger: u64,
        checkpoint: u64,
    },
    /// A device's chain has another hash at the checkpoint's count: rewritten since.
    Rewritten {
        device: DeviceId,
        name: String,
        entry_count: u64,
    },
    /// Every device line matched, but the まとめハッシュ does not: the list of devices on
    /// the kept text differs from the one it was issued with (or it was mistyped).
    RootDiffers,
}

impl CheckpointFinding {
    pub fn message_ja(&self) -> String {
        match self {
            CheckpointFinding::OtherOffice { checkpoint, ours } => format!(
                "このチェックポイントは別の事業所({checkpoint})のものです。この台帳は{ours}です"
            ),
            CheckpointFinding::DeviceMissing { name, device } => format!(
                "チェックポイントにある端末「{name}」({})の記録が、台帳にありません。端末の記録がまるごと消されています",
                device.short()
            ),
            CheckpointFinding::Truncated {
                name,
                ledger,
                checkpoint,
                ..
            } => format!(
                "端末「{name}」の記録が{ledger}件しかありません。チェックポイントの時点では{checkpoint}件でした。記録の終わりが消されています"
            ),
            CheckpointFinding::Rewritten {
                name, entry_count, ..
            } => format!(
                "端末「{name}」の記録{entry_count}時点のハッシュがチェックポイントと違います。入力の誤りがなければ、チェックポイントの保管後に記録が書き換えられています"
            ),
            CheckpointFinding::RootDiffers => "端末ごとの記録は一致しましたが、まとめハッシュが違います。控えの端末の行が足りないか、入力に誤りがあります".into(),
        }
    }
}

/// The result of comparing the office ledger with a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeCheckpointVerdict {
    pub findings: Vec<CheckpointFinding>,
    /// Devices and entries the comparison covered.
    pub devices: usize,
    pub entries: u64,
    /// Devices in the ledger that the checkpoint does not list (joined later).
    pub newer_devices: usize,
    /// The fewest hex digits compared for any hash (64 unless typed shortened).
    pub compared_hex_digits: usize,
}

impl OfficeCheckpointVerdict {
    pub fn is_match(&self) -> bool {
        self.findings.is_empty()
    }

    pub fn message_ja(&self) -> String {
        if self.is_match() {
            let how = if self.compared_hex_digits < 64 {
                format!("(ハッシュ先頭{}文字で照合)", self.compared_hex_digits)
            } else {
                String::new()
            };
            let newer = if self.newer_devices > 0 {
                format!("その後に加わった端末が{}台あります。", self.newer_devices)
            } else {
                String::new()
            };
            format!(
                "チェックポイントと一致しました{how}。端末{}台の記録{}件は、チェックポイントを保管した後に書き換えられても消されてもいません。{newer}\
                 それより後の記録と、保管より前に起きたことについては、この照合では分かりません",
                self.devices, self.entries
            )
        } else {
            self.findings
                .iter()
                .map(CheckpointFinding::message_ja)
                .collect::<Vec<_>>()
                .join("。\n")
        }
    }
}

/// Compares the office ledger with an office checkpoint.
pub fn verify_office_checkpoint(
    ledger: &OfficeLedger,
    checkpoint: &ParsedOfficeCheckpoint,
) -> OfficeCheckpointVerdict {
    let mut findings = Vec::new();
    if let Some(o) = &checkpoint.office_number {
        if o != ledger.office_number() {
            findings.push(CheckpointFinding::OtherOffice {
                checkpoint: o.clone(),
                ours: ledger.office_number().to_string(),
            });
        }
    }
    let mut compared = 64;
    let mut recomputed = Vec::new();
    for d in &checkpoint.devices {
        let name = if d.name.is_empty() {
            ledger.device_label(&d.device)
        } else {
            d.name.clone()
        };
        let Some(chain) = ledger.chain(&d.device) else {
            findings.push(CheckpointFinding::DeviceMissing {
                device: d.device.clone(),
                name,
            });
            continue;
        };
        if (chain.len() as u64) < d.entry_count {
            findings.push(CheckpointFinding::Truncated {
                device: d.device.clone(),
                name,
                ledger: chain.len() as u64,
                checkpoint: d.entry_count,
            });
            continue;
        }
        let hash_then = match d.entry_count {
            0 => chain.genesis_hash(),
            n => chain.get(n).map(|e| e.hash.clone()).unwrap_or_default(),
        };
        if !d.head_hash.is_empty() {
            compared = compared.min(d.head_hash.len());
            if !hash_then.starts_with(&d.head_hash) {
                findings.push(CheckpointFinding::Rewritten {
                    device: d.device.clone(),
                    name,
                    entry_count: d.entry_count,
                });
                continue;
            }
        }
        recomputed.push(DeviceHead {
            device: d.device.clone(),
            entry_count: d.entry_count,
            head_hash: hash_then,
            name,
        });
    }
    if findings.is_empty() {
        if let Some(root) = &checkpoint.root {
            compared = compared.min(root.len());
            if !office_root(&recomputed).starts_with(root.as_str()) {
                findings.push(CheckpointFinding::RootDiffers);
            }
        }
    }
    let listed: std::collections::HashSet<&DeviceId> =
        checkpoint.devices.iter().map(|d| &d.device).collect();
    OfficeCheckpointVerdict {
        devices: checkpoint.devices.len(),
        entries: checkpoint.devices.iter().map(|d| d.entry_count).sum(),
        newer_devices: ledger
            .chains()
            .filter(|c| !listed.contains(c.device()))
            .count(),
        compared_hex_digits: compared,
        findings,
    }
}

/// Compares the office ledger with a format-1 checkpoint: it was issued for the one chain
/// that became a migrated (legacy) device chain, so it matches when any legacy chain does.
pub fn verify_legacy_checkpoint(
    ledger: &OfficeLedger,
    checkpoint: &legacy::ParsedCheckpoint,
) -> legacy::CheckpointVerdict {
    let legacy_chains: Vec<&DeviceChain> = ledger
        .chains()
        .chain(ledger.conflicts().iter().map(|c| &c.chain))
        .filter(|c| c.origin() == super::chain::ChainOrigin::Legacy)
        .collect();
    let mut first = None;
    for chain in legacy_chains {
        let v =
            legacy::verify_against_checkpoint(chain.entries(), checkpoint, ledger.office_number());
        if v.is_match() {
            return v;
        }
        first.get_or_insert(v);
    }
    first.unwrap_or(legacy::CheckpointVerdict::LedgerShorter {
        ledger: 0,
        checkpoint: checkpoint.entry_count,
    })
}
