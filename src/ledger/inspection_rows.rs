//! The inspection sheet in words: the headings, tables and rows that are printed and that the
//! CSV for Excel carries, built once here so the two can never disagree. Dates are 和暦 with
//! the weekday (「令和7年5月3日(土)」), the period also in 西暦; versions are the time the file
//! was made (「2025年4月20日 09:30作成」); file names and SHA-256 go to the appendix only.

use super::entry::{ConsentMethod, Direction, Kind};
use super::in_force::{ConsentRecord, DeliveryRecord, Plan};
use super::inspection::{InspectionSheet, PlanActualResult};
use super::versions::{serial_made_at_ja, Event, Version, VersionChain};
use crate::display::byte_size;
use crate::jpdate::{Timestamp, YearMonth};
use crate::visible_text::visible;

/// One table: a caption, marks in words, a header row and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetTable {
    pub caption: String,
    /// Warnings about the whole table (「相手先は旧版の可能性」 …), in words.
    pub notes: Vec<String>,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// Said instead of the rows when there are none.
    pub empty: &'static str,
}

/// A numbered part of the sheet (「1. この期間に有効な計画」 …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetPart {
    pub heading: String,
    /// Sentences before the tables.
    pub lines: Vec<String>,
    pub tables: Vec<SheetTable>,
}

/// The whole sheet in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetText {
    pub title: &'static str,
    /// (label, value) lines of the header: office, client, numbers, period, print date.
    pub header: Vec<(&'static str, String)>,
    pub parts: Vec<SheetPart>,
    /// The lines to sign (確認者, 確認日).
    pub signature: Vec<&'static str>,
    /// 付表: the files and their SHA-256.
    pub appendix: SheetTable,
    /// The ledger's state and checkpoint.
    pub footer: Vec<String>,
}

/// 「令和7年5月(2025年5月)」, or the span of months.
pub fn period_ja(sheet: &InspectionSheet) -> String {
    let month = |m: YearMonth| match m.format_wareki() {
        Some(w) => format!("{w}({})", m.format_ja()),
        None => m.format_ja(),
    };
    if sheet.is_all_time() {
        "すべての期間".into()
    } else if sheet.from == sheet.to {
        month(sheet.from)
    } else {
        format!("{}〜{}", month(sheet.from), month(sheet.to))
    }
}

fn time(t: Timestamp) -> String {
    t.format_wareki_ja()
}

/// When the act happened, and when it was recorded where that differs (another day, or
/// more than ten minutes later).
fn act_time(e: &Event) -> String {
    let act = e.act_time();
    let later = e.at.unix_ms() - act.unix_ms() > 10 * 60 * 1000;
    if e.occurred_at.is_some() && later {
        format!(
            "{}\n(台帳への記録 {})",
            time(act),
            e.at.japan_date().format_wareki_ja()
        )
    } else {
        time(act)
    }
}

fn who(sheet: &InspectionSheet, e: &Event) -> String {
    format!("{}({})", e.actor, sheet.device_name(&e.device))
}

fn version_label(v: &Version) -> String {
    serial_made_at_ja(&v.serial).unwrap_or_else(|| "連番なし(付表の指紋で特定)".into())
}

/// The state of a version in words: 最新, 取消, 旧版, 削除ファイル.
fn state_ja(v: &Version) -> String {
    let mut words = Vec::new();
    if v.is_deletion {
        words.push("削除ファイル".to_string());
    } else if let Some((serial, e)) = &v.cancelled_by {
        let made = serial_made_at_ja(serial).unwrap_or_else(|| serial.clone());
        words.push(format!(
            "取消({}の削除ファイル「{made}」で取り消し)",
            e.act_time().japan_date().format_wareki_ja()
        ));
    } else if v.is_newest {
        words.push("【最新】".into());
    } else {
        words.push("旧版(新しい版に差替)".into());
    }
    if !v.corrected.is_empty() {
        words.push("訂正の記録あり".into());
    }
    words.join(" ")
}

fn direction_ja(v: &Version) -> &'static str {
    match v.direction {
        Direction::Sent => "送信",
        Direction::Received => "受信",
    }
}

fn consent_ja(sheet: &InspectionSheet, c: &ConsentRecord) -> String {
    let mut text = format!(
        "{} {}",
        c.method.label_ja(),
        c.consented_on.format_wareki_ja()
    );
    if let (ConsentMethod::Electronic, Some(p)) = (c.method, c.prior_approval_on) {
        text.push_str(&format!(
            "(電磁的方法への事前承諾 {})",
            p.format_wareki_ja()
        ));
    }
    text.push_str(&format!(
        " / 記録 {} {}({})",
        time(c.recorded_at),
        c.actor,
        sheet.device_name(&c.entry.device)
    ));
    if !c.corrected_by.is_empty() {
        text.push_str(" ※訂正の記録あり");
    }
    text
}

fn delivery_ja(sheet: &InspectionSheet, d: &DeliveryRecord) -> String {
    let mut text = format!(
        "{} {} / 記録 {} {}({})",
        d.document.label_ja(),
        d.delivered_on.format_wareki_ja(),
        time(d.recorded_at),
        d.actor,
        sheet.device_name(&d.entry.device)
    );
    if !d.corrected_by.is_empty() {
        text.push_str(" ※訂正の記録あり");
    }
    text
}

fn lines_or(lines: Vec<String>, none: &str) -> String {
    if lines.is_empty() {
        none.to_string()
    } else {
        lines.join("\n")
    }
}

fn plan_table(sheet: &InspectionSheet, plan: &Plan) -> SheetTable {
    let start = plan.plan_date.format_wareki_ja();
    let period = match (plan.last_day(), plan.is_cancelled(), plan.replaced_by) {
        (None, _, _) => format!("{start}から(今も有効)"),
        (Some(last), true, _) => format!(
            "{start}から{}まで(削除ファイルで取消)",
            last.format_wareki_ja()
        ),
        (Some(last), false, Some(next)) => format!(
            "{start}から{}まで({}作成の計画に変更)",
            last.format_wareki_ja(),
            next.format_wareki_ja()
        ),
        (Some(last), false, None) => format!("{start}から{}まで", last.format_wareki_ja()),
    };
    let version = match plan.newest() {
        Some(x) => {
            // The care software exports one set per partner minutes apart: a version is a
            // day's exports (as 「相手先は旧版の可能性」 compares them, see `versions`).
            let day = |serial: &str| serial.chars().take(8).collect::<String>();
            let newest_day = day(&x.version.serial);
            let older = plan
                .exchanges
                .iter()
                .filter(|o| !o.version.is_deletion && day(&o.version.serial) < newest_day)
                .map(|o| day(&o.version.serial))
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            let mut text = format!("{} 【最新】", version_label(&x.version));
            if older > 0 {
                text.push_str(&format!("(それより前の版{older}件)"));
            }
            text
        }
        None if plan.exchanges.is_empty() => {
            "計画のファイルのやりとりは台帳に記録されていません".into()
        }
        None => "有効な版はありません(すべて取消)".into(),
    };
    let mut rows = vec![
        vec!["計画作成(変更)日".into(), start.clone()],
        vec!["有効期間".into(), period],
        vec!["版".into(), version],
    ];
    if let Some(c) = &plan.cancellation {
        let text = if c.at_every_partner {
            format!(
                "取消: {}に削除ファイルで取り消されました",
                c.on.format_wareki_ja()
            )
        } else {
            format!(
                "一部の相手先({})にだけ削除ファイルがあります。ほかの相手先では有効なままです",
                c.partners.join("、")
            )
        };
        rows.push(vec!["取消".into(), text]);
    }
    rows.push(vec![
        "同意".into(),
        lines_or(
            plan.consents.iter().map(|c| consent_ja(sheet, c)).collect(),
            "記録はありません",
        ),
    ]);
    rows.push(vec![
        "交付".into(),
        lines_or(
            plan.deliveries
                .iter()
                .map(|d| delivery_ja(sheet, d))
                .collect(),
            "記録はありません",
        ),
    ]);
    rows.push(vec![
        "相手先とのやりとり".into(),
        lines_or(
            plan.exchanges
                .iter()
                .map(|x| {
                    let v = &x.version;
                    format!(
                        "{}({}) {} {} {} {} / {}",
                        x.partner_name,
                        x.partner_office,
                        direction_ja(v),
                        act_time(&v.recorded),
                        who(sheet, &v.recorded),
                        version_label(v),
                        state_ja(v)
                    )
                })
                .collect(),
            "記録はありません",
        ),
    ]);
    SheetTable {
        caption: format!("居宅サービス計画({start}作成)"),
        notes: Vec::new(),
        columns: vec!["項目", "内容"],
        rows,
        empty: "",
    }
}

fn chain_notes(chain: &VersionChain) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(serial) = &chain.newer_version_sent_elsewhere {
        notes.push(format!(
            "⚠ 相手先は旧版の可能性: より新しい版({})をほかの相手先に送っています",
            serial_made_at_ja(serial).unwrap_or_else(|| serial.clone())
        ));
    }
    for v in &chain.versions {
        if let Some(why) = super::versions::cancellation_unknown(chain.key.family, v) {
            notes.push(format!("※ {why}"));
        }
    }
    notes
}

fn month_of(chain: &VersionChain) -> String {
    chain
        .key
        .month
        .map(|m| m.format_wareki().unwrap_or_else(|| m.format_ja()))
        .unwrap_or_default()
}

fn place(v: &Version) -> String {
    v.storage_place
        .as_ref()
        .map(|(p, _)| p.clone())
        .unwrap_or_else(|| "未記録".into())
}

fn imported(sheet: &InspectionSheet, v: &Version) -> String {
    v.imported
        .as_ref()
        .map(|e| format!("{} {}", act_time(e), who(sheet, e)))
        .unwrap_or_else(|| "未記録".into())
}

/// A table of a chain's versions: 版, when and how it was exchanged, who, then `extra`.
fn versions_table(
    sheet: &InspectionSheet,
    caption: String,
    chain: &VersionChain,
    extra_columns: &[&'static str],
    extra: impl Fn(&Version) -> Vec<String>,
) -> SheetTable {
    let mut columns = vec!["版", "送受信の日時", "記録者"];
    columns.extend_from_slice(extra_columns);
    SheetTable {
        caption,
        notes: chain_notes(chain),
        columns,
        rows: chain
            .versions
            .iter()
            .map(|v| {
                let mut row = vec![
                    version_label(v),
                    format!("{} {}", direction_ja(v), act_time(&v.recorded)),
                    who(sheet, &v.recorded),
                ];
                row.extend(extra(v));
                row
            })
            .collect(),
        empty: "記録はありません",
    }
}

fn schedule_table(
    sheet: &InspectionSheet,
    name: &str,
    office: &str,
    chain: &VersionChain,
) -> SheetTable {
    versions_table(
        sheet,
        format!("{name}({office}) サービス利用票 {}", month_of(chain)),
        chain,
        &["保存場所", "取込", "状態"],
        |v| vec![place(v), imported(sheet, v), state_ja(v)],
    )
}

fn actual_table(
    sheet: &InspectionSheet,
    name: &str,
    office: &str,
    chain: &VersionChain,
) -> SheetTable {
    let result = chain
        .key
        .month
        .and_then(|m| sheet.plan_actual.get(&(office.to_string(), m)));
    let compared = match result {
        Some(PlanActualResult::Compared(diffs)) if diffs.is_empty() => "違い: 0件".to_string(),
        Some(PlanActualResult::Compared(diffs)) => {
            format!("違い: {}件\n{}", diffs.len(), diffs.join("\n"))
        }
        Some(PlanActualResult::NotCompared(why)) => format!("照合していません({why})"),
        None => "照合していません(予定と実績のファイルが台帳に保存されていません)".into(),
    };
    versions_table(
        sheet,
        format!("{name}({office}) 実績 {}", month_of(chain)),
        chain,
        &["取込", "状態", "予定との照合"],
        |v| {
            let result = if v.is_newest {
                compared.clone()
            } else {
                String::new()
            };
            vec![imported(sheet, v), state_ja(v), result]
        },
    )
}

fn other_table(
    sheet: &InspectionSheet,
    name: &str,
    office: &str,
    chain: &VersionChain,
) -> SheetTable {
    versions_table(
        sheet,
        format!("{name}({office}) {}", chain.key.family.label_ja()),
        chain,
        &["保存場所", "状態"],
        |v| vec![place(v), state_ja(v)],
    )
}

/// The sheet in words.
pub fn sheet_text(sheet: &InspectionSheet) -> SheetText {
    let c = &sheet.client;
    let header = vec![
        (
            "事業所",
            format!("{}(事業所番号 {})", sheet.office_name, sheet.office_number),
        ),
        ("利用者", format!("{} 様", c.name)),
        ("被保険者番号", c.insured_number.clone()),
        ("保険者番号", c.insurer_number.clone()),
        ("対象期間", period_ja(sheet)),
        ("印刷日", time(sheet.generated_at)),
    ];

    let mut parts = Vec::new();
    let mut plan_lines = Vec::new();
    if sheet.plans.is_empty() {
        plan_lines.push(if sheet.plans_outside > 0 {
            "この期間に有効だった計画の記録はありません(ほかの期間の計画は記録されています)。"
                .to_string()
        } else {
            "計画の記録はありません。".to_string()
        });
    }
    parts.push(SheetPart {
        heading: "1. この期間に有効な居宅サービス計画(同意・交付)".into(),
        lines: plan_lines,
        tables: sheet.plans.iter().map(|p| plan_table(sheet, p)).collect(),
    });

    let mut schedules = Vec::new();
    let mut actuals = Vec::new();
    let mut others = Vec::new();
    for p in &sheet.partners {
        for ch in &p.schedules {
            schedules.push(schedule_table(sheet, &p.name, &p.office_number, ch));
        }
        for ch in &p.actuals {
            actuals.push(actual_table(sheet, &p.name, &p.office_number, ch));
        }
        for ch in &p.others {
            others.push(other_table(sheet, &p.name, &p.office_number, ch));
        }
    }
    let month_rows: Vec<Vec<String>> = sheet
        .months
        .iter()
        .flat_map(|(m, r)| {
            let month = m.format_wareki().unwrap_or_else(|| m.format_ja());
            r.consents
                .iter()
                .map(|c| vec![month.clone(), "同意".into(), consent_ja(sheet, c)])
                .chain(
                    r.deliveries
                        .iter()
                        .map(|d| vec![month.clone(), "交付".into(), delivery_ja(sheet, d)]),
                )
                .collect::<Vec<_>>()
        })
        .collect();
    let mut schedule_lines = Vec::new();
    if schedules.is_empty() {
        schedule_lines.push("この期間のサービス利用票の記録はありません。".to_string());
    }
    if !month_rows.is_empty() {
        schedules.push(SheetTable {
            caption: "サービス利用票(第6表)の同意・控えの交付".into(),
            notes: Vec::new(),
            columns: vec!["対象年月", "種類", "内容"],
            rows: month_rows,
            empty: "",
        });
    }
    parts.push(SheetPart {
        heading: "2. 相手先ごとのサービス利用票(予定)".into(),
        lines: schedule_lines,
        tables: schedules,
    });
    parts.push(SheetPart {
        heading: "3. 実績と予定との照合".into(),
        lines: if actuals.is_empty() {
            vec!["この期間の実績の記録はありません。".into()]
        } else {
            Vec::new()
        },
        tables: actuals,
    });
    if !others.is_empty() {
        parts.push(SheetPart {
            heading: "その他の書類".into(),
            lines: Vec::new(),
            tables: others,
        });
    }
    parts.push(SheetPart {
        heading: "4. 差替の理由".into(),
        lines: Vec::new(),
        tables: vec![SheetTable {
            caption: "差替の記録".into(),
            notes: Vec::new(),
            columns: vec![
                "差し替えた日時",
                "書類",
                "相手先",
                "新しい版",
                "理由",
                "記録者",
            ],
            rows: sheet
                .replacements
                .iter()
                .map(|r| {
                    vec![
                        act_time(&r.event),
                        match r.month {
                            Some(m) => format!(
                                "{} {}",
                                r.family.label_ja(),
                                m.format_wareki().unwrap_or_else(|| m.format_ja())
                            ),
                            None => r.family.label_ja().to_string(),
                        },
                        format!("{}({})", r.partner_name, r.partner_office),
                        serial_made_at_ja(&r.serial).unwrap_or_else(|| r.serial.clone()),
                        r.reason.clone(),
                        who(sheet, &r.event),
                    ]
                })
                .collect(),
            empty: "差替の記録はありません",
        }],
    });
    let unplaced: Vec<Vec<String>> = sheet
        .unplaced
        .consents
        .iter()
        .map(|c| {
            vec![
                "同意(計画・月の指定なし)".into(),
                consent_ja(sheet, c),
                String::new(),
                String::new(),
            ]
        })
        .chain(sheet.unplaced.deliveries.iter().map(|d| {
            vec![
                "交付(計画・月の指定なし)".into(),
                delivery_ja(sheet, d),
                String::new(),
                String::new(),
            ]
        }))
        .collect();
    let mut note_rows: Vec<Vec<String>> = sheet
        .notes
        .iter()
        .map(|n| {
            let kind = match (&n.corrects, n.kind) {
                (Some(r), Kind::Correction) => format!(
                    "訂正(記録 {} {}番の訂正)",
                    sheet.device_name(&r.device),
                    r.seq
                ),
                _ => n.kind.label_ja().to_string(),
            };
            vec![
                kind,
                n.text.clone(),
                time(n.recorded_at),
                format!("{}({})", n.actor, sheet.device_name(&n.entry.device)),
            ]
        })
        .collect();
    note_rows.extend(unplaced);
    parts.push(SheetPart {
        heading: "5. メモ・訂正・完結".into(),
        lines: Vec::new(),
        tables: vec![SheetTable {
            caption: "メモ・訂正・完結の記録".into(),
            notes: Vec::new(),
            columns: vec!["種類", "内容", "記録日時", "記録者"],
            rows: note_rows,
            empty: "記録はありません",
        }],
    });

    parts.push(SheetPart {
        heading: "6. 添付書類・送受信一覧".into(),
        lines: Vec::new(),
        tables: vec![SheetTable {
            caption: "台帳に保存した書類(原本のとおり台帳から取り出せます)".into(),
            notes: Vec::new(),
            columns: vec!["書類", "ファイル名", "説明", "保存日時", "記録者"],
            rows: sheet
                .attachments
                .iter()
                .map(|a| {
                    vec![
                        a.what.clone(),
                        visible(&a.file.name),
                        a.note.clone().unwrap_or_default(),
                        time(a.recorded_at),
                        format!("{}({})", a.actor, sheet.device_name(&a.entry.device)),
                    ]
                })
                .collect(),
            empty: "この期間の添付書類・送受信一覧はありません",
        }],
    });

    let appendix = SheetTable {
        caption: "付表 ファイルの指紋(SHA-256: ファイルが1文字でも変わると値が変わります)".into(),
        notes: Vec::new(),
        columns: vec!["書類", "ファイル名", "大きさ", "SHA-256"],
        rows: sheet
            .files()
            .into_iter()
            .map(|(what, f)| vec![what, visible(&f.name), byte_size(f.size), f.sha256])
            .collect(),
        empty: "ファイルの記録はありません",
    };
    let mut footer = vec![
        sheet.chain_status.clone(),
        format!(
            "台帳全体: 端末{}台 記録{}件 / まとめハッシュ {}",
            sheet.device_count, sheet.entry_count, sheet.head_hash
        ),
    ];
    footer.push(match &sheet.latest_checkpoint {
        Some(cp) => format!(
            "最新のチェックポイント: {} 記録{}件の時点(ハッシュ {})",
            time(cp.recorded_at),
            cp.entry_count,
            cp.head_hash
        ),
        None => "チェックポイントはまだ作られていません。".into(),
    });
    SheetText {
        title: "運営指導用 記録票(ケアプラン連携)",
        header,
        parts,
        signature: vec!["確認者", "確認日"],
        appendix,
        footer,
    }
}
