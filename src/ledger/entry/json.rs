//! The entry's one JSON spelling (documented in `docs/backup-format.md`), written and read
//! by hand: optional fields are left out rather than `null`, unknown fields are refused, and
//! reading checks that the typed entry writes back to the same value.

use super::model::*;
use crate::jpdate::{CivilDate, Timestamp, YearMonth};
use crate::ledger::chain::ChainHead;
use crate::ledger::device::DeviceId;
use crate::ledger::value_io::{FormatError, Obj};
use serde_json::{json, Map, Value};

fn device(text: &str, path: &str) -> Result<DeviceId, FormatError> {
    DeviceId::parse(text).ok_or_else(|| {
        FormatError(format!(
            "{path} は小文字16進32桁の端末IDである必要があります"
        ))
    })
}

fn opt_device(
    o: &mut Obj<'_>,
    key: &'static str,
    path: &str,
) -> Result<Option<DeviceId>, FormatError> {
    o.opt_str(key)?.map(|s| device(s, path)).transpose()
}

// ---- JSON shape -------------------------------------------------------------------------

fn date_str(d: CivilDate) -> Value {
    Value::String(d.to_yyyymmdd())
}

impl Subject {
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        if !self.clients.is_empty() {
            let clients = self
                .clients
                .iter()
                .map(|c| {
                    let mut o = Map::new();
                    o.insert("insurer_number".into(), c.insurer_number.clone().into());
                    o.insert("insured_number".into(), c.insured_number.clone().into());
                    o.insert("name".into(), c.name.clone().into());
                    if let Some(k) = &c.kana {
                        o.insert("kana".into(), k.clone().into());
                    }
                    if let Some(d) = c.plan_date {
                        o.insert("plan_date".into(), date_str(d));
                    }
                    Value::Object(o)
                })
                .collect();
            m.insert("clients".into(), Value::Array(clients));
        }
        if let Some(ym) = self.service_month {
            m.insert("service_month".into(), ym.to_yyyymm().into());
        }
        if let Some(p) = &self.partner {
            m.insert(
                "partner".into(),
                json!({"office_number": p.office_number, "name": p.name}),
            );
        }
        if let Some(f) = &self.file {
            m.insert(
                "file".into(),
                json!({"name": f.name, "size": f.size, "sha256": f.sha256}),
            );
        }
        if let Some(s) = &self.file_serial {
            m.insert("file_serial".into(), s.clone().into());
        }
        if let Some(d) = self.direction {
            m.insert("direction".into(), d.as_str().into());
        }
        Value::Object(m)
    }

    fn from_value(v: &Value, path: &str) -> Result<Subject, FormatError> {
        let mut o = Obj::new(v, path)?;
        let mut subject = Subject::default();
        if let Some(list) = o.opt("clients") {
            let items = list
                .as_array()
                .ok_or_else(|| FormatError(format!("{path}.clients は配列である必要があります")))?;
            if items.is_empty() {
                return Err(FormatError(format!(
                    "{path}.clients が空です(利用者がいないときは項目ごと省きます)"
                )));
            }
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}.clients[{i}]");
                let mut c = Obj::new(item, p.clone())?;
                let client = Client {
                    insurer_number: c.str("insurer_number")?.to_string(),
                    insured_number: c.str("insured_number")?.to_string(),
                    name: c.str("name")?.to_string(),
                    kana: c.opt_str("kana")?.map(str::to_string),
                    plan_date: c
                        .opt_str("plan_date")?
                        .map(|s| parse_date(s, &format!("{p}.plan_date")))
                        .transpose()?,
                };
                c.finish()?;
                subject.clients.push(client);
            }
        }
        subject.service_month = o
            .opt_str("service_month")?
            .map(|s| {
                YearMonth::parse_yyyymm(s).ok_or_else(|| {
                    FormatError(format!(
                        "{path}.service_month は YYYYMM の形である必要があります"
                    ))
                })
            })
            .transpose()?;
        if let Some(pv) = o.opt("partner") {
            let mut p = Obj::new(pv, format!("{path}.partner"))?;
            subject.partner = Some(Partner {
                office_number: p.str("office_number")?.to_string(),
                name: p.str("name")?.to_string(),
            });
            p.finish()?;
        }
        if let Some(fv) = o.opt("file") {
            let mut f = Obj::new(fv, format!("{path}.file"))?;
            subject.file = Some(FileRef {
                name: f.str("name")?.to_string(),
                size: f.u64("size")?,
                sha256: f.str("sha256")?.to_string(),
            });
            f.finish()?;
        }
        subject.file_serial = o.opt_str("file_serial")?.map(str::to_string);
        subject.direction = o
            .opt_str("direction")?
            .map(|s| {
                Direction::parse(s).ok_or_else(|| {
                    FormatError(format!("{path}.direction は received か sent です"))
                })
            })
            .transpose()?;
        o.finish()?;
        Ok(subject)
    }
}

fn parse_date(s: &str, path: &str) -> Result<CivilDate, FormatError> {
    CivilDate::parse_yyyymmdd(s).ok_or_else(|| {
        FormatError(format!(
            "{path} は YYYYMMDD の実在する日付である必要があります"
        ))
    })
}

fn parse_enum<T>(s: &str, path: &str, f: impl Fn(&str) -> Option<T>) -> Result<T, FormatError> {
    f(s).ok_or_else(|| FormatError(format!("{path} の値 \"{s}\" は使えません")))
}

impl Details {
    /// The `details` object.
    pub fn to_value(&self) -> Value {
        match self {
            Details::Received | Details::Sent | Details::DeletionReceived => json!({}),
            Details::CheckResult {
                outcome,
                errors,
                warnings,
                summary,
            } => json!({
                "outcome": outcome.as_str(), "errors": errors,
                "warnings": warnings, "summary": summary
            }),
            Details::Imported { software } => match software {
                Some(s) => json!({ "software": s }),
                None => json!({}),
            },
            Details::StoragePlace { place } => json!({ "place": place }),
            Details::Replaced {
                reason,
                replaces_seq,
                replaces_device,
            } => {
                let mut v = json!({ "reason": reason });
                if let Some(s) = replaces_seq {
                    v["replaces_seq"] = json!(s);
                }
                if let Some(d) = replaces_device {
                    v["replaces_device"] = json!(d.as_str());
                }
                v
            }
            Details::Consent {
                method,
                consented_on,
                prior_approval_on,
            } => {
                let mut v = json!({
                    "method": method.as_str(),
                    "consented_on": consented_on.to_yyyymmdd(),
                });
                if let Some(d) = prior_approval_on {
                    v["prior_approval_on"] = date_str(*d);
                }
                v
            }
            Details::DeliveredToClient {
                document,
                delivered_on,
            } => json!({
                "document": document.as_str(),
                "delivered_on": delivered_on.to_yyyymmdd(),
            }),
            Details::Memo { text } => json!({ "text": text }),
            Details::Correction {
                corrects_seq,
                corrects_device,
                text,
            } => {
                let mut v = json!({ "corrects_seq": corrects_seq, "text": text });
                if let Some(d) = corrects_device {
                    v["corrects_device"] = json!(d.as_str());
                }
                v
            }
            Details::Completion { completed_on } => {
                json!({ "completed_on": completed_on.to_yyyymmdd() })
            }
            Details::Checkpoint {
                entry_count,
                head_hash,
                device_count,
            } => {
                let mut v = json!({ "entry_count": entry_count, "head_hash": head_hash });
                if let Some(n) = device_count {
                    v["device_count"] = json!(n);
                }
                v
            }
            Details::BackupExported {
                entry_count,
                head_hash,
                with_files,
                device_count,
            } => {
                let mut v = json!({
                    "entry_count": entry_count, "head_hash": head_hash, "with_files": with_files
                });
                if let Some(n) = device_count {
                    v["device_count"] = json!(n);
                }
                v
            }
            Details::DeviceNamed {
                device_id,
                name,
                office_number,
                migrated_from,
            } => {
                let mut v = json!({
                    "device_id": device_id.as_str(), "name": name, "office_number": office_number
                });
                if let Some(h) = migrated_from {
                    v["migrated_from"] = json!({
                        "device_id": h.device.as_str(),
                        "entry_count": h.entry_count,
                        "head_hash": h.hash,
                    });
                }
                v
            }
            Details::BackupRestored {
                outcome,
                source_entry_count,
                source_head_hash,
                appended,
            } => json!({
                "outcome": outcome.as_str(),
                "source_entry_count": source_entry_count,
                "source_head_hash": source_head_hash,
                "appended": appended,
            }),
            Details::SendList => json!({}),
            Details::Attachment {
                note,
                attached_to_seq,
                attached_to_device,
            } => {
                let mut v = json!({});
                if let Some(n) = note {
                    v["note"] = json!(n);
                }
                if let Some(s) = attached_to_seq {
                    v["attached_to_seq"] = json!(s);
                }
                if let Some(d) = attached_to_device {
                    v["attached_to_device"] = json!(d.as_str());
                }
                v
            }
            Details::RenewalItem {
                item,
                what,
                owner,
                due_on,
                facts,
            } => {
                let mut v = json!({
                    "item": item, "what": what.as_str(), "owner": owner,
                    "due_on": due_on.to_yyyymmdd(),
                });
                if let Some(o) = &facts.office_number {
                    v["office_number"] = json!(o);
                }
                if let Some(d) = facts.applied_on {
                    v["applied_on"] = date_str(d);
                }
                if let Some(d) = facts.free_until {
                    v["free_until"] = date_str(d);
                }
                if let Some(n) = facts.amount_yen {
                    v["amount_yen"] = json!(n);
                }
                if let Some(c) = facts.certificate {
                    v["certificate"] = json!(c.as_str());
                }
                if let Some(t) = &facts.terminal {
                    v["terminal"] = json!(t);
                }
                if let Some(a) = &facts.app_version {
                    v["app_version"] = json!(a);
                }
                if let Some(d) = facts.updated_on {
                    v["updated_on"] = date_str(d);
                }
                v
            }
            Details::RenewalDone {
                item,
                done_on,
                new_due_on,
                app_version,
                note,
            } => {
                let mut v = json!({
                    "item": item, "done_on": done_on.to_yyyymmdd(),
                    "new_due_on": new_due_on.to_yyyymmdd(),
                });
                if let Some(a) = app_version {
                    v["app_version"] = json!(a);
                }
                if let Some(n) = note {
                    v["note"] = json!(n);
                }
                v
            }
        }
    }

    fn from_value(kind: Kind, v: &Value, path: &str) -> Result<Details, FormatError> {
        let mut o = Obj::new(v, path)?;
        let p = |k: &str| format!("{path}.{k}");
        let details = match kind {
            Kind::Received => Details::Received,
            Kind::Sent => Details::Sent,
            Kind::DeletionReceived => Details::DeletionReceived,
            Kind::CheckResult => Details::CheckResult {
                outcome: parse_enum(o.str("outcome")?, &p("outcome"), CheckOutcome::parse)?,
                errors: o.u64("errors")?,
                warnings: o.u64("warnings")?,
                summary: o.str("summary")?.to_string(),
            },
            Kind::Imported => Details::Imported {
                software: o.opt_str("software")?.map(str::to_string),
            },
            Kind::StoragePlace => Details::StoragePlace {
                place: o.str("place")?.to_string(),
            },
            Kind::Replaced => Details::Replaced {
                reason: o.str("reason")?.to_string(),
                replaces_seq: o.opt_u64("replaces_seq")?,
                replaces_device: opt_device(&mut o, "replaces_device", &p("replaces_device"))?,
            },
            Kind::Consent => Details::Consent {
                method: parse_enum(o.str("method")?, &p("method"), ConsentMethod::parse)?,
                consented_on: parse_date(o.str("consented_on")?, &p("consented_on"))?,
                prior_approval_on: o
                    .opt_str("prior_approval_on")?
                    .map(|s| parse_date(s, &p("prior_approval_on")))
                    .transpose()?,
            },
            Kind::DeliveredToClient => Details::DeliveredToClient {
                document: parse_enum(o.str("document")?, &p("document"), DeliveredDocument::parse)?,
                delivered_on: parse_date(o.str("delivered_on")?, &p("delivered_on"))?,
            },
            Kind::Memo => Details::Memo {
                text: o.str("text")?.to_string(),
            },
            Kind::Correction => Details::Correction {
                corrects_seq: o.u64("corrects_seq")?,
                corrects_device: opt_device(&mut o, "corrects_device", &p("corrects_device"))?,
                text: o.str("text")?.to_string(),
            },
            Kind::Completion => Details::Completion {
                completed_on: parse_date(o.str("completed_on")?, &p("completed_on"))?,
            },
            Kind::Checkpoint => Details::Checkpoint {
                entry_count: o.u64("entry_count")?,
                head_hash: o.str("head_hash")?.to_string(),
                device_count: o.opt_u64("device_count")?,
            },
            Kind::BackupExported => Details::BackupExported {
                entry_count: o.u64("entry_count")?,
                head_hash: o.str("head_hash")?.to_string(),
                with_files: o.bool("with_files")?,
                device_count: o.opt_u64("device_count")?,
            },
            Kind::DeviceNamed => Details::DeviceNamed {
                device_id: device(o.str("device_id")?, &p("device_id"))?,
                name: o.str("name")?.to_string(),
                office_number: o.str("office_number")?.to_string(),
                migrated_from: match o.opt("migrated_from") {
                    None => None,
                    Some(mv) => {
                        let path = p("migrated_from");
                        let mut m = Obj::new(mv, path.clone())?;
                        let head = ChainHead {
                            device: device(m.str("device_id")?, &format!("{path}.device_id"))?,
                            entry_count: m.u64("entry_count")?,
                            hash: m.str("head_hash")?.to_string(),
                        };
                        m.finish()?;
                        Some(head)
                    }
                },
            },
            Kind::BackupRestored => Details::BackupRestored {
                outcome: parse_enum(o.str("outcome")?, &p("outcome"), RestoreOutcome::parse)?,
                source_entry_count: o.u64("source_entry_count")?,
                source_head_hash: o.str("source_head_hash")?.to_string(),
                appended: o.u64("appended")?,
            },
            Kind::SendList => Details::SendList,
            Kind::Attachment => Details::Attachment {
                note: o.opt_str("note")?.map(str::to_string),
                attached_to_seq: o.opt_u64("attached_to_seq")?,
                attached_to_device: opt_device(
                    &mut o,
                    "attached_to_device",
                    &p("attached_to_device"),
                )?,
            },
            Kind::RenewalItem => {
                let opt_date = |o: &mut Obj<'_>, key: &'static str| {
                    o.opt_str(key)?.map(|s| parse_date(s, &p(key))).transpose()
                };
                Details::RenewalItem {
                    item: o.str("item")?.to_string(),
                    what: parse_enum(o.str("what")?, &p("what"), RenewalWhat::parse)?,
                    owner: o.str("owner")?.to_string(),
                    due_on: parse_date(o.str("due_on")?, &p("due_on"))?,
                    facts: RenewalFacts {
                        office_number: o.opt_str("office_number")?.map(str::to_string),
                        applied_on: opt_date(&mut o, "applied_on")?,
                        free_until: opt_date(&mut o, "free_until")?,
                        amount_yen: o.opt_u64("amount_yen")?,
                        certificate: o
                            .opt_str("certificate")?
                            .map(|s| parse_enum(s, &p("certificate"), CertificateKind::parse))
                            .transpose()?,
                        terminal: o.opt_str("terminal")?.map(str::to_string),
                        app_version: o.opt_str("app_version")?.map(str::to_string),
                        updated_on: opt_date(&mut o, "updated_on")?,
                    },
                }
            }
            Kind::RenewalDone => Details::RenewalDone {
                item: o.str("item")?.to_string(),
                done_on: parse_date(o.str("done_on")?, &p("done_on"))?,
                new_due_on: parse_date(o.str("new_due_on")?, &p("new_due_on"))?,
                app_version: o.opt_str("app_version")?.map(str::to_string),
                note: o.opt_str("note")?.map(str::to_string),
            },
        };
        o.finish()?;
        Ok(details)
    }
}

impl Entry {
    /// The JSON object that is hashed: every field except `hash`.
    pub fn unhashed_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("seq".into(), self.seq.into());
        m.insert("recorded_at".into(), self.recorded_at.to_rfc3339().into());
        if let Some(at) = self.occurred_at {
            m.insert("occurred_at".into(), at.to_rfc3339().into());
        }
        m.insert("actor".into(), self.actor.clone().into());
        m.insert("kind".into(), self.kind().as_str().into());
        m.insert("subject".into(), self.subject.to_value());
        m.insert("details".into(), self.details.to_value());
        m.insert("prev_hash".into(), self.prev_hash.clone().into());
        Value::Object(m)
    }

    /// The full JSON object, as stored and as written to backups.
    pub fn to_value(&self) -> Value {
        let mut v = self.unhashed_value();
        v["hash"] = Value::String(self.hash.clone());
        v
    }

    /// Reads an entry from its JSON object, refusing anything that is not its one canonical
    /// shape. It does not check the hash; that is [`super::chain`]'s job.
    /// `device` is the chain's device: it is not written in the entry itself.
    pub fn from_value(v: &Value, path: &str, device: &DeviceId) -> Result<Entry, FormatError> {
        let mut o = Obj::new(v, path)?;
        let seq = o.u64("seq")?;
        let recorded_at_text = o.str("recorded_at")?;
        let recorded_at = Timestamp::parse_rfc3339(recorded_at_text)
            .map_err(|e| FormatError(format!("{}: {e}", o.field_path("recorded_at"))))?;
        let occurred_at = match o.opt_str("occurred_at")? {
            None => None,
            Some(text) => Some(
                Timestamp::parse_rfc3339(text)
                    .map_err(|e| FormatError(format!("{}: {e}", o.field_path("occurred_at"))))?,
            ),
        };
        if occurred_at.is_some_and(|at| at > recorded_at) {
            return Err(FormatError(format!(
                "{} が記録日時より後になっています",
                o.field_path("occurred_at")
            )));
        }
        let actor = o.str("actor")?.to_string();
        let kind_name = o.str("kind")?;
        let kind = Kind::parse(kind_name).ok_or_else(|| {
            FormatError(format!(
                "{} の種類 \"{kind_name}\" は知らない種類です",
                o.field_path("kind")
            ))
        })?;
        let subject = Subject::from_value(o.req("subject")?, &o.field_path("subject"))?;
        let details = Details::from_value(kind, o.req("details")?, &o.field_path("details"))?;
        let prev_hash = o.str("prev_hash")?.to_string();
        let hash = o.str("hash")?.to_string();
        o.finish()?;
        let entry = Entry {
            device: device.clone(),
            seq,
            recorded_at,
            occurred_at,
            actor,
            subject,
            details,
            prev_hash,
            hash,
        };
        // One spelling: compared as text, which is cheaper than building the value again.
        if crate::ledger::canonical::canonicalize(v).ok() != Some(entry.to_json()) {
            return Err(FormatError(format!("{path} は正規の形で書かれていません")));
        }
        Ok(entry)
    }

    /// Compact JSON text (what the IndexedDB store and the office folder keep per entry):
    /// the canonical text of [`Entry::to_value`], written without building the value.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(1024);
        super::canonical::write_entry(&mut out, self, true);
        out
    }

    /// The canonical text that is hashed: every field except `hash` (RFC 8785).
    pub fn hashed_text(&self) -> String {
        let mut out = String::with_capacity(1024);
        super::canonical::write_entry(&mut out, self, false);
        out
    }

    /// The entry whose canonical text (exactly [`Entry::to_json`]) `text` is; `None` for any
    /// other text, even one [`Entry::from_json`] accepts.
    pub fn from_canonical_json(text: &str, device: &DeviceId) -> Option<Entry> {
        super::line::read_canonical_line(text, device)
    }

    /// The entry a canonical line holds, read straight and *not* confirmed to write back to
    /// the same bytes: only for lines whose confirmation is made elsewhere, on another thread
    /// ([`crate::ledger::chain::lines_not_confirmed`]), before anything read is called
    /// verified. Half the cost of [`Entry::from_canonical_json`].
    pub fn from_line_unconfirmed(text: &str, device: &DeviceId) -> Option<Entry> {
        super::line::read_line_straight(text, device)
    }

    /// Reads [`Entry::to_json`] output (strictly; see [`crate::ledger::canonical::parse_strict`]).
    ///
    /// A line that is the entry's canonical text (what this app always writes) is read
    /// straight into the entry and accepted when it writes back to exactly the same bytes
    /// (see [`super::line`]). Any other text takes the strict way through a `Value`, which
    /// accepts other whitespace and key order, as before, and names what is wrong.
    pub fn from_json(text: &str, device: &DeviceId) -> Result<Entry, FormatError> {
        if let Some(entry) = Entry::from_canonical_json(text, device) {
            return Ok(entry);
        }
        let v = crate::ledger::canonical::parse_strict(text).map_err(|e| FormatError(e.0))?;
        Entry::from_value(&v, "entry", device)
    }
}
