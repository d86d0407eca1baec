//! The check report on the page: files grouped by transmission unit, each with a status in
//! words, its findings in a table a clerk can filter, and the exports (JSON, CSV, print).

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::download::save_bytes;
use super::ledger::RecordCheckedFiles;
use super::plan_actual::PlanActualCalendars;
use super::table::{severity_class, CaptionedTable};
use super::workspace::{Upload, UploadState, Workspace};
use crate::check::{CrossFileFinding, Finding, RunReport, Severity};
use crate::display::{byte_size, group_thousands};
use crate::excel_csv::to_csv;
use crate::facts::{FileFacts, ShownRecord};
use crate::jpdate::Timestamp;
use crate::report_export::{code_title, finding_rows};

/// The report as `careplan-check --json` would print it for the same files.
pub fn run_report(uploads: &[Upload], cross_file: Vec<CrossFileFinding>) -> RunReport {
    let files = uploads
        .iter()
        .filter_map(|u| {
            let mut report = u.outcome()?.report.clone();
            report.path = u.path().to_owned();
            Some(report)
        })
        .collect();
    RunReport::new(files, cross_file)
}

/// The verdict for one file, in words (colour only repeats it).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ready,
    Attention,
    Errors,
}

impl Verdict {
    fn of(errors: u64, warnings: u64) -> Verdict {
        if errors > 0 {
            Verdict::Errors
        } else if warnings > 0 {
            Verdict::Attention
        } else {
            Verdict::Ready
        }
    }
    fn label(self) -> &'static str {
        match self {
            Verdict::Ready => "送信・取込できます",
            Verdict::Attention => "注意があります",
            Verdict::Errors => "エラーがあります",
        }
    }
    fn icon(self) -> &'static str {
        match self {
            Verdict::Ready => "✔",
            Verdict::Attention => "▲",
            Verdict::Errors => "✖",
        }
    }
    fn class(self) -> &'static str {
        match self {
            Verdict::Ready => "verdict ready",
            Verdict::Attention => "verdict attention",
            Verdict::Errors => "verdict errors",
        }
    }
}

/// Everything below the drop zone.
#[component]
pub fn CheckResults() -> impl IntoView {
    let workspace = Workspace::use_context();
    let uploads = workspace.uploads;
    let reconciliation = workspace.reconciliation;
    let report = Memo::new(move |_| {
        let cross_file = reconciliation.with(|r| r.as_ref().map(|r| r.cross_file.clone()));
        uploads.with(|all| run_report(all, cross_file.unwrap_or_default()))
    });
    let busy = move || workspace.busy_count();

    let save_json = move |_| {
        let json = report.with_untracked(RunReport::to_json);
        save_bytes("点検結果.json", "application/json", json.as_bytes());
    };
    let save_csv = move |_| {
        let bytes = report.with_untracked(|r| to_csv(&finding_rows(r)));
        save_bytes("点検結果.csv", "text/csv", &bytes);
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };

    view! {
        <section class="check-results" aria-labelledby="check-results-title">
            <h2 id="check-results-title">"点検結果"</h2>
            <p class="print-only">
                {move || {
                    uploads.track();
                    let now = Timestamp::from_unix_ms(js_sys::Date::now() as i64);
                    format!("印刷日時: {}", now.format_ja())
                }}
            </p>
            <p class="progress" role="status" aria-live="polite">
                {move || match busy() {
                    0 if !uploads.with(Vec::is_empty) && reconciliation.with(Option::is_none) => {
                        "ファイル同士を突き合わせています…".to_owned()
                    }
                    0 => String::new(),
                    n => format!("{n}件のファイルを点検中です…"),
                }}
            </p>
            <Show
                when=move || !uploads.with(Vec::is_empty)
                fallback=|| view! { <p class="empty">"まだファイルがありません。"</p> }
            >
                <p class="run-summary">
                    {move || {
                        let s = report.with(|r| r.summary);
                        format!(
                            "{}件のファイル: エラー {}件、警告 {}件",
                            s.files,
                            group_thousands(s.errors),
                            group_thousands(s.warnings)
                        )
                    }}
                </p>
                <div class="actions no-print">
                    <button type="button" on:click=save_json>"JSONで保存"</button>
                    <button type="button" on:click=save_csv>"CSVで保存"</button>
                    <button type="button" on:click=print>"印刷"</button>
                    <button type="button" class="secondary" on:click=move |_| workspace.clear()>
                        "画面から消す"
                    </button>
                </div>
                <RecordCheckedFiles/>
                {move || report.with(|r| r.cross_file.clone()).into_iter().next().is_some().then(|| {
                    view! { <CrossFileFindings findings=report.with(|r| r.cross_file.clone())/> }
                })}
                {move || {
                    reconciliation
                        .with(|r| r.as_ref().map(|r| r.plan_vs_actual.clone()))
                        .map(|months| view! { <PlanActualCalendars months=months/> })
                }}
                {move || uploads.with(|all| unit_groups(all)).into_iter().map(|group| view! { <UnitGroup group=group/> }).collect_view()}
            </Show>
        </section>
    }
}

/// Files of one transmission unit: same 連番, same sender and receiver.
#[derive(Clone)]
struct Group {
    heading: String,
    uploads: Vec<Upload>,
}

fn unit_groups(uploads: &[Upload]) -> Vec<Group> {
    let mut groups: BTreeMap<(bool, String), Group> = BTreeMap::new();
    for upload in uploads {
        let facts = upload.outcome().map(|o| &o.facts);
        let key = facts.and_then(unit_key);
        let (sort, heading) = match key {
            Some((serial, heading)) => ((false, serial), heading),
            None => (
                (true, String::new()),
                "送信単位が分からないファイル".to_owned(),
            ),
        };
        groups
            .entry(sort)
            .or_insert_with(|| Group {
                heading,
                uploads: Vec::new(),
            })
            .uploads
            .push(upload.clone());
    }
    groups.into_values().collect()
}

/// The sort key and heading of a file's transmission unit.
fn unit_key(facts: &FileFacts) -> Option<(String, String)> {
    let serial = facts.serial.as_ref()?;
    let party = |p: &Option<crate::check::Party>| {
        p.as_ref()
            .map_or("?".to_owned(), |p| match &p.service_type {
                Some(t) => format!("{}(種類{})", p.office, t),
                None => p.office.clone(),
            })
    };
    let (from, to) = (party(&facts.sender), party(&facts.receiver));
    Some((
        format!("{serial}|{from}|{to}"),
        format!(
            "送信単位 {}  送信元 {from} → 送信先 {to}",
            serial_label(serial)
        ),
    ))
}

/// `20250425093000` → `連番 2025年4月25日 09:30:00`.
fn serial_label(serial: &str) -> String {
    let n = |r: std::ops::Range<usize>| serial.get(r).unwrap_or("");
    let trim = |s: &str| s.trim_start_matches('0').to_owned();
    format!(
        "連番 {}年{}月{}日 {}:{}:{}",
        n(0..4),
        trim(n(4..6)),
        trim(n(6..8)),
        n(8..10),
        n(10..12),
        n(12..14)
    )
}

/// Findings about several files together: incomplete units, order, 予定↔実績, totals.
#[component]
fn CrossFileFindings(findings: Vec<CrossFileFinding>) -> impl IntoView {
    let rows = findings
        .into_iter()
        .map(|c| {
            let f = c.finding;
            let files = c
                .files
                .into_iter()
                .map(|name| view! { <li>{name}</li> })
                .collect_view();
            view! {
                <tr>
                    <td class=severity_class(f.severity)>{f.severity.label_ja()}</td>
                    <td>{f.message.clone()}</td>
                    <td>{f.hint.clone()}</td>
                    <td><ul class="file-list">{files}</ul></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="cross-file" aria-labelledby="cross-file-title">
            <h3 id="cross-file-title">"ファイルをまたいだ指摘"</h3>
            <CaptionedTable
                class="finding-table"
                caption="送信単位・順序・予定と実績・合計の指摘"
                headings=&["重要度", "内容", "直し方", "関係するファイル"]
            >
                {rows}
            </CaptionedTable>
        </section>
    }
}

#[component]
fn UnitGroup(group: Group) -> impl IntoView {
    view! {
        <section class="unit-group" aria-label=group.heading.clone()>
            <h3>{group.heading.clone()}</h3>
            {group.uploads.into_iter().map(|u| view! { <FileCard upload=u/> }).collect_view()}
        </section>
    }
}

#[component]
fn FileCard(upload: Upload) -> impl IntoView {
    let title = upload.path().to_owned();
    let label = title.clone();
    let body = match upload.state.clone() {
        UploadState::Reading => view! { <p class="pending">"読み込み中…"</p> }.into_any(),
        UploadState::Checking => view! { <p class="pending">"点検中…"</p> }.into_any(),
        UploadState::Unreadable => view! {
            <p class="verdict errors">
                <span aria-hidden="true">"✖ "</span>
                "ファイルを読み込めませんでした。USBメモリを抜いていないか確かめて、もう一度選んでください。"
            </p>
        }
        .into_any(),
        UploadState::Checked(outcome) => {
            let report = outcome.report;
            let facts = outcome.facts;
            let verdict = Verdict::of(report.counts.errors, report.counts.warnings);
            let kind = facts
                .kind_name_ja
                .clone()
                .unwrap_or_else(|| "種類が分からないファイル".to_owned());
            // The file's own CSVバージョン, marked when the spec does not know it.
            let version = report.version_label();
            let open = verdict != Verdict::Ready;
            let counts = format!(
                "エラー {}件、警告 {}件、情報 {}件",
                report.counts.errors, report.counts.warnings, report.counts.infos
            );
            view! {
                <p class=verdict.class()>
                    <span aria-hidden="true">{verdict.icon()} " "</span>
                    {verdict.label()}
                </p>
                <dl class="file-facts">
                    <dt>"種類"</dt><dd>{kind}</dd>
                    <dt>"仕様のバージョン"</dt><dd>{version}</dd>
                    <dt>"レコード数"</dt><dd>{group_thousands(report.records)}</dd>
                    <dt>"大きさ"</dt><dd>{byte_size(upload.size)}</dd>
                    <dt>"指紋(SHA-256)"</dt><dd><code class="sha256">{report.sha256.clone()}</code></dd>
                </dl>
                {(!report.findings.is_empty()).then(|| view! {
                    <details class="findings" open=open>
                        <summary>"指摘を見る(" {counts} ")"</summary>
                        <FindingsTable findings=report.findings records=facts.shown_records/>
                    </details>
                })}
            }
            .into_any()
        }
    };
    view! {
        <article class="file-card" aria-label=label>
            <h4 class="file-name">{title}</h4>
            {body}
        </article>
    }
}

/// Which findings the table shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SeverityFilter {
    All,
    Only(Severity),
}

#[component]
fn FindingsTable(findings: Vec<Finding>, records: Vec<ShownRecord>) -> impl IntoView {
    // Each table's radio buttons form their own group.
    static TABLES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let group = format!(
        "severity-filter-{}",
        TABLES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let filter = RwSignal::new(SeverityFilter::All);
    let mut by_code: BTreeMap<String, (Severity, u64)> = BTreeMap::new();
    for f in &findings {
        by_code
            .entry(f.code.to_string())
            .or_insert((f.severity, 0))
            .1 += 1;
    }
    let summary = by_code
        .into_iter()
        .map(|(code, (severity, count))| {
            let title = code_title(&code).unwrap_or("").to_owned();
            view! {
                <tr>
                    <td>{severity.label_ja()}</td>
                    <td>{title}</td>
                    <td class="number">{count}</td>
                    <td><code>{code}</code></td>
                </tr>
            }
        })
        .collect_view();
    let choice = move |value: SeverityFilter, label: &'static str| {
        view! {
            <label class="filter-choice">
                <input
                    type="radio"
                    name=group.clone()
                    checked=move || filter.get() == value
                    on:change=move |_| filter.set(value)
                />
                {label}
            </label>
        }
    };
    let findings = StoredValue::new(findings);
    let records = StoredValue::new(records);
    view! {
        <CaptionedTable
            class="finding-summary"
            caption="指摘の種類ごとの件数"
            headings=&["重要度", "内容", "件数", "コード"]
        >
            {summary}
        </CaptionedTable>
        <fieldset class="severity-filter no-print">
            <legend>"表示する指摘"</legend>
            {choice(SeverityFilter::All, "すべて")}
            {choice(SeverityFilter::Only(Severity::Error), "エラーだけ")}
            {choice(SeverityFilter::Only(Severity::Warning), "警告だけ")}
            {choice(SeverityFilter::Only(Severity::Info), "情報だけ")}
        </fieldset>
        <CaptionedTable
            class="finding-table"
            caption="指摘の一覧"
            headings=&["重要度", "行", "項目No.", "項目名", "内容", "直し方", "詳しく"]
        >
                {move || {
                    let wanted = filter.get();
                    findings.with_value(|all| {
                        all.iter()
                            .filter(|f| match wanted {
                                SeverityFilter::All => true,
                                SeverityFilter::Only(s) => f.severity == s,
                            })
                            .map(|f| {
                                let record = f.record.and_then(|n| {
                                    records.with_value(|rs| rs.iter().find(|r| r.index == n).cloned())
                                });
                                view! { <FindingRow finding=f.clone() record=record/> }
                            })
                            .collect_view()
                    })
                }}
        </CaptionedTable>
    }
}

#[component]
fn FindingRow(finding: Finding, record: Option<ShownRecord>) -> impl IntoView {
    let place = match (finding.record, finding.line) {
        (Some(r), Some(l)) if r != l => format!("{r}件目({l}行目)"),
        (Some(r), _) => format!("{r}行目"),
        (None, Some(l)) => format!("{l}行目"),
        (None, None) => "ファイル全体".to_owned(),
    };
    let technical = format!(
        "コード {}{}",
        finding.code,
        finding
            .byte_offset
            .map(|b| format!("、先頭から{b}バイト目"))
            .unwrap_or_default()
    );
    let highlighted = finding.field_no;
    view! {
        <tr>
            <td class=severity_class(finding.severity)>{finding.severity.label_ja()}</td>
            <td>{place}</td>
            <td class="number">{finding.field_no.map(|n| n.to_string())}</td>
            <td>{finding.field.as_deref().map(str::to_owned)}</td>
            <td>{finding.message.clone()}</td>
            <td>{finding.hint.clone()}</td>
            <td>
                <details>
                    <summary>"表示"</summary>
                    <p class="technical">{technical}</p>
                    {record.map(|r| view! { <RecordCells record=r highlighted=highlighted/> })}
                </details>
            </td>
        </tr>
    }
}

/// The decoded record, one cell per column, the offending one marked (in words, too).
#[component]
fn RecordCells(record: ShownRecord, highlighted: Option<u16>) -> impl IntoView {
    let cells = record
        .values
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let no = i as u16 + 1;
            let marked = highlighted == Some(no);
            view! {
                <li class:marked=marked>
                    <span class="cell-no">"No." {no}</span>
                    " "
                    <span class="cell-value">{value}</span>
                    {marked.then_some(" ← ここ")}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="record-cells" aria-label="この行の中身">{cells}</ol> }
}
