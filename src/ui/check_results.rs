//! The check report on the page. What matters first comes first: one row per file with its
//! state in words (the first screen after checking shows every file), then the findings
//! across files, 予定↔実績, recording, and each file's own findings, one click away from its
//! row. Technical details (codes, byte positions, SHA-256) sit behind 「詳しい情報」.

use std::collections::{BTreeMap, HashMap};

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::download::save_bytes;
use super::ledger::{LedgerState, RecordCheckedFiles};
use super::plan_actual::PlanActualCalendars;
use super::table::{severity_class, CaptionedTable};
use super::workspace::{Upload, UploadState, Workspace};
use crate::check::{CrossFileFinding, Finding, RunReport, Severity};
use crate::client_names::ClientNames;
use crate::display::{byte_size, group_thousands};
use crate::excel_csv::to_csv;
use crate::facts::{FileFacts, ShownRecord};
use crate::file_overview::{file_rows, FileCounts, FileRow, FileState, Verdict};
use crate::jpdate::Timestamp;
use crate::ledger::query::partners;
use crate::report_export::{code_title, finding_rows};
use crate::spec::service_kind;

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

fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Ready => "verdict ready",
        Verdict::Attention => "verdict attention",
        Verdict::Errors | Verdict::Unreadable => "verdict errors",
        Verdict::Checking => "verdict pending",
    }
}

/// A row's shade (the word in its first cell says the same).
fn row_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Errors | Verdict::Unreadable => "file-row errors",
        Verdict::Attention => "file-row attention",
        Verdict::Checking | Verdict::Ready => "file-row",
    }
}

/// The element id of a file's section, for the jump from its row.
fn file_section_id(upload_id: u64) -> String {
    format!("file-{upload_id}")
}

/// What the check page shares with its parts: which file's findings were asked for and the
/// clients' names.
#[derive(Clone, Copy)]
struct CheckContext {
    /// The upload whose findings a row's button opened.
    opened: RwSignal<Option<u64>>,
    /// The page of file sections shown (see [`CARDS_PER_PAGE`]).
    card_page: RwSignal<usize>,
    clients: Memo<ClientNames>,
}

/// Everything below the drop zone.
#[component]
pub fn CheckResults() -> impl IntoView {
    let workspace = Workspace::use_context();
    // The ledger gives partners' names and our 事業所番号; the report works without it.
    let ledger = use_context::<LedgerState>();
    let uploads = workspace.uploads;
    let reconciliation = workspace.reconciliation;
    // The whole report (every file's findings) is made only when it is saved: made on every
    // change, it copied every file's findings each time a file was done.
    let report = move || {
        let cross_file =
            reconciliation.with_untracked(|r| r.as_ref().map(|r| r.cross_file.clone()));
        uploads.with_untracked(|all| run_report(all, cross_file.unwrap_or_default()))
    };
    let partner_names = Memo::new(move |_| {
        ledger.map_or_else(HashMap::new, |l| {
            l.entries
                .with(|e| partners(e).into_iter().collect::<HashMap<_, _>>())
        })
    });
    let clients = Memo::new(move |_| {
        uploads.with(|all| {
            ClientNames::from_facts(all.iter().filter_map(|u| Some(&u.outcome()?.facts)))
        })
    });
    let context = CheckContext {
        opened: RwSignal::new(None),
        card_page: RwSignal::new(0),
        clients,
    };
    provide_context(context);

    // The rows with the id of their upload, worst first.
    let rows = Memo::new(move |_| {
        let our_office = ledger.and_then(|l| {
            l.settings
                .with(|s| s.as_ref().map(|s| s.office_number.clone()))
        });
        let names = partner_names.get();
        reconciliation.with(|reconciled| {
            uploads.with(|all| {
                let states: Vec<(&str, FileState)> = all
                    .iter()
                    .map(|u| {
                        let state = match &u.state {
                            UploadState::Reading => FileState::Checking,
                            UploadState::Unreadable => FileState::Unreadable,
                            UploadState::Checked(o) => FileState::Checked {
                                report: &o.report,
                                facts: &o.facts,
                            },
                        };
                        (u.path(), state)
                    })
                    .collect();
                let cross_file = reconciled.as_ref().map(|r| r.cross_file.as_slice());
                file_rows(&states, cross_file, our_office.as_deref(), &|office| {
                    names.get(office).cloned()
                })
                .into_iter()
                .map(|row| (all[row.index].id, row))
                .collect::<Vec<_>>()
            })
        })
    });
    let cross_file = move || {
        reconciliation.with(|r| r.as_ref().map(|r| r.cross_file.clone()).unwrap_or_default())
    };
    let busy = move || workspace.busy_count();
    let reconciling =
        move || busy() == 0 && !uploads.with(Vec::is_empty) && reconciliation.with(Option::is_none);

    // When a check ends: say so (once, for screen readers) and move focus to the result.
    let heading = NodeRef::<leptos::html::H2>::new();
    let announcement = RwSignal::new(String::new());
    let was_busy = StoredValue::new(false);
    Effect::new(move || {
        let now_busy = busy() > 0 || reconciling();
        if now_busy {
            announcement.set(String::new());
        } else if was_busy.get_value() && !uploads.with_untracked(Vec::is_empty) {
            let counts = rows.with_untracked(|r| {
                FileCounts::of(&r.iter().map(|(_, row)| row.clone()).collect::<Vec<_>>())
            });
            announcement.set(format!("点検が終わりました。{}", counts.sentence_ja()));
            if let Some(h) = heading.get_untracked() {
                h.scroll_into_view();
                let _ = h.focus();
            }
        }
        was_busy.set_value(now_busy);
    });

    let save_json = move |_| {
        let json = report().to_json();
        save_bytes("点検結果.json", "application/json", json.as_bytes());
    };
    let save_csv = move |_| {
        let bytes = to_csv(&finding_rows(&report()));
        save_bytes("点検結果.csv", "text/csv", &bytes);
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };

    view! {
        <section class="check-results" aria-labelledby="check-results-title">
            <h2 id="check-results-title" tabindex="-1" node_ref=heading>"点検結果"</h2>
            <p class="print-only">
                {move || {
                    uploads.track();
                    let now = Timestamp::from_unix_ms(js_sys::Date::now() as i64);
                    format!("印刷日時: {}", now.format_ja())
                }}
            </p>
            <p class="progress" role="status" aria-live="polite">
                {move || match busy() {
                    0 if reconciling() => "ファイル同士を突き合わせています…".to_owned(),
                    0 => String::new(),
                    n => format!("{n}件のファイルを点検中です…"),
                }}
            </p>
            <p class="visually-hidden" role="status" data-testid="check-finished">
                {move || announcement.get()}
            </p>
            <Show
                when=move || !uploads.with(Vec::is_empty)
                fallback=|| view! { <p class="empty">"まだファイルがありません。"</p> }
            >
                <p class="run-summary">
                    {move || {
                        rows.with(|r| {
                            FileCounts::of(&r.iter().map(|(_, row)| row.clone()).collect::<Vec<_>>())
                                .sentence_ja()
                        })
                    }}
                </p>
                <FileStatusTable rows=rows/>
                <div class="actions no-print">
                    <button type="button" on:click=save_json>"JSONで保存"</button>
                    <button type="button" on:click=save_csv>"CSVで保存"</button>
                    <button type="button" on:click=print>"印刷"</button>
                    <button type="button" class="secondary" on:click=move |_| workspace.clear()>
                        "画面から消す"
                    </button>
                </div>
                {move || {
                    let cross = cross_file();
                    (!cross.is_empty()).then(|| view! { <CrossFileFindings findings=cross/> })
                }}
                {move || {
                    reconciliation
                        .with(|r| r.as_ref().map(|r| r.plan_vs_actual.clone()))
                        .map(|months| {
                            view! { <PlanActualCalendars months=months partner_names=partner_names.get()/> }
                        })
                }}
                <RecordCheckedFiles/>
                <h3 class="files-title">"ファイルごとの指摘"</h3>
                <CardPager total=Signal::derive(move || uploads.with(Vec::len))/>
                {move || {
                    let cross = cross_file();
                    let compared = reconciliation.with(Option::is_some);
                    let page = context.card_page.get();
                    uploads.with(|all| {
                        let page = page.min(all.len().saturating_sub(1) / CARDS_PER_PAGE);
                        page_of_groups(unit_groups(all), page)
                    })
                        .into_iter()
                        .map(|group| {
                            view! { <UnitGroup group=group cross_file=cross.clone() compared=compared/> }
                        })
                        .collect_view()
                }}
                <CardPager total=Signal::derive(move || uploads.with(Vec::len))/>
            </Show>
        </section>
    }
}

/// The first table: 状態, ファイル (a button to its findings), 種類, 対象月, 相手, エラー, 警告.
#[component]
fn FileStatusTable(rows: Memo<Vec<(u64, FileRow)>>) -> impl IntoView {
    let context = expect_context::<CheckContext>();
    let uploads = Workspace::use_context().uploads;
    let jump = move |id: u64| {
        // The page of sections with the file's, then its findings opened.
        let at = uploads.with_untracked(|all| {
            unit_groups(all)
                .iter()
                .flat_map(|g| g.uploads.iter().map(|u| u.id))
                .position(|u| u == id)
        });
        if let Some(at) = at {
            context.card_page.set(at / CARDS_PER_PAGE);
        }
        context.opened.set(Some(id));
        // After the section's findings are open: bring it up and give it the focus.
        request_animation_frame(move || {
            let Some(heading) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&format!("{}-title", file_section_id(id))))
            else {
                return;
            };
            heading.scroll_into_view();
            if let Ok(h) = heading.dyn_into::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
        });
    };
    let body = move || {
        rows.get()
            .into_iter()
            .map(|(id, row)| {
                let verdict = row.verdict;
                let partner = row.partner.as_ref().map(|p| p.label_ja());
                let count = |n: u64, checked: bool| checked.then(|| group_thousands(n));
                let checked = !matches!(verdict, Verdict::Checking | Verdict::Unreadable);
                view! {
                    <tr class=row_class(verdict)>
                        <td class="status-cell">
                            <span class=verdict_class(verdict)>
                                <span aria-hidden="true">{verdict.icon()} " "</span>
                                {verdict.word_ja()}
                            </span>
                        </td>
                        <td class="file-cell">
                            <button type="button" class="link-button" on:click=move |_| jump(id)>
                                {crate::visible_text::visible(&row.path)}
                            </button>
                        </td>
                        <td>{row.kind_ja.clone()}</td>
                        <td class="nowrap">{row.month_ja.clone()}</td>
                        <td>{partner}</td>
                        <td class="number">{count(row.errors, checked)}</td>
                        <td class="number">{count(row.warnings, checked)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="table-scroll" role="region" aria-label="ファイルごとの結果の表" tabindex="0">
            <CaptionedTable
                class="file-status-table"
                caption="ファイルごとの結果(エラーのあるファイルが先。ファイル名を押すと指摘へ移ります)"
                headings=&["状態", "ファイル", "種類", "対象月", "相手の事業所", "エラー", "警告"]
            >
                {body}
            </CaptionedTable>
        </div>
    }
}

/// How many files' sections the page shows at once. A month of 250 files as 250 sections
/// is thousands of elements, drawn again whenever files are done; 50 keep each drawing short
/// (the check page's benchmark: no task over 200 ms), and a file's row in the first table
/// turns to its page.
const CARDS_PER_PAGE: usize = 50;

/// The groups' files on page `page` (of [`CARDS_PER_PAGE`]), in the groups' order; a group
/// cut by a page's end goes on with its heading on the next.
fn page_of_groups(groups: Vec<Group>, page: usize) -> Vec<Group> {
    let first = page * CARDS_PER_PAGE;
    let mut seen = 0;
    let mut out = Vec::new();
    for group in groups {
        let n = group.uploads.len();
        let (from, to) = (
            first.saturating_sub(seen).min(n),
            (first + CARDS_PER_PAGE).saturating_sub(seen).min(n),
        );
        seen += n;
        if from < to {
            out.push(Group {
                heading: group.heading,
                uploads: group.uploads[from..to].to_vec(),
            });
        }
        if seen >= first + CARDS_PER_PAGE {
            break;
        }
    }
    out
}

/// 「1〜50件目(全246件)」 and the buttons to the pages before and after, when the files are
/// more than a page.
#[component]
fn CardPager(total: Signal<usize>) -> impl IntoView {
    let page = expect_context::<CheckContext>().card_page;
    // A page past the end (files removed) shows the last.
    let last_page = move || total.get().saturating_sub(1) / CARDS_PER_PAGE;
    let shown = move || page.get().min(last_page());
    view! {
        <div class="pager no-print" hidden=move || total.get() <= CARDS_PER_PAGE>
            <button type="button" class="secondary small" disabled={move || shown() == 0}
                on:click=move |_| page.set(shown().saturating_sub(1))>{format!("前の{CARDS_PER_PAGE}件")}</button>
            <span class="pager-position">{move || {
                let first = shown() * CARDS_PER_PAGE + 1;
                let last = (first + CARDS_PER_PAGE - 1).min(total.get());
                format!("ファイル {first}〜{last}件目(全{}件)", total.get())
            }}</span>
            <button type="button" class="secondary small" disabled={move || shown() >= last_page()}
                on:click=move |_| page.set(shown() + 1)>{format!("次の{CARDS_PER_PAGE}件")}</button>
        </div>
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
                Some(t) => format!("{}（{}）", p.office, service_kind::label_ja(t)),
                None => p.office.clone(),
            })
    };
    let (from, to) = (party(&facts.sender), party(&facts.receiver));
    Some((
        format!("{serial}|{from}|{to}"),
        format!(
            "一緒に送るファイル {}  送信元 {from} → 送信先 {to}",
            serial_label(serial)
        ),
    ))
}

/// `20250425093000` → `2025年4月25日 09:30:00 の連番`.
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

/// Findings about several files together: incomplete units, order, 予定↔実績, totals. Each
/// names the file that causes it (the first of its files) apart from the others.
#[component]
fn CrossFileFindings(findings: Vec<CrossFileFinding>) -> impl IntoView {
    let context = expect_context::<CheckContext>();
    let rows = findings
        .into_iter()
        .map(|c| {
            let f = c.finding;
            let message = context.clients.with_untracked(|n| n.name_in(&f.message));
            let mut files = c.files.into_iter();
            let cause = files.next();
            let others = files.map(|name| view! { <li>{name}</li> }).collect_view();
            view! {
                <tr>
                    <td class=severity_class(f.severity)>{f.severity.label_ja()}</td>
                    <td>{message}</td>
                    <td>{f.hint.clone()}</td>
                    <td class="file-list">{cause}</td>
                    <td><ul class="file-list">{others}</ul></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="cross-file" aria-labelledby="cross-file-title">
            <h3 id="cross-file-title">"ファイルをまたいだ指摘"</h3>
            <div class="table-scroll" role="region" aria-label="ファイルをまたいだ指摘の表" tabindex="0">
                <CaptionedTable
                    class="finding-table"
                    caption="一緒に送るファイルの組み合わせ・順序・予定と実績・合計の指摘"
                    headings=&["重要度", "内容", "直し方", "見直すファイル", "ほかに関係するファイル"]
                >
                    {rows}
                </CaptionedTable>
            </div>
        </section>
    }
}

#[component]
fn UnitGroup(group: Group, cross_file: Vec<CrossFileFinding>, compared: bool) -> impl IntoView {
    view! {
        <section class="unit-group" aria-label=group.heading.clone()>
            <h4>{group.heading.clone()}</h4>
            {group
                .uploads
                .into_iter()
                .map(|u| {
                    let caused: Vec<CrossFileFinding> = cross_file
                        .iter()
                        .filter(|c| c.files.first().map(String::as_str) == Some(u.path()))
                        .cloned()
                        .collect();
                    view! { <FileCard upload=u caused=caused compared=compared/> }
                })
                .collect_view()}
        </section>
    }
}

/// One file: its state in words, what it is, its findings (open when it has errors or
/// warnings, or when its row was clicked) and the findings across files it causes.
/// `compared` says whether the files were already compared with each other.
#[component]
fn FileCard(upload: Upload, caused: Vec<CrossFileFinding>, compared: bool) -> impl IntoView {
    let context = expect_context::<CheckContext>();
    // Hidden characters (U+202E …) written out: the name as its bytes say.
    let title = crate::visible_text::visible(upload.path());
    let label = title.clone();
    let id = upload.id;
    let section_id = file_section_id(id);
    let title_id = format!("{section_id}-title");
    let asked = move || context.opened.get() == Some(id);
    let body = match upload.state.clone() {
        UploadState::Reading => view! { <p class="pending">"点検中…"</p> }.into_any(),
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
            let severities = caused.iter().map(|c| c.finding.severity);
            let errors = report.counts.errors
                + severities.clone().filter(|s| *s == Severity::Error).count() as u64;
            let warnings =
                report.counts.warnings + severities.filter(|s| *s == Severity::Warning).count() as u64;
            let verdict = match Verdict::of(errors, warnings) {
                Verdict::Ready if !compared => Verdict::Checking,
                v => v,
            };
            let kind = facts
                .kind_name_ja
                .clone()
                .unwrap_or_else(|| "種類が分からないファイル".to_owned());
            // The file's own CSVバージョン, marked when the spec does not know it.
            let version = report.version_label();
            let open_at_start = matches!(verdict, Verdict::Errors | Verdict::Attention);
            let counts = format!(
                "エラー {}件、警告 {}件、情報 {}件",
                report.counts.errors, report.counts.warnings, report.counts.infos
            );
            let caused_rows = caused
                .into_iter()
                .map(|c| {
                    let f = c.finding;
                    let message = context.clients.with_untracked(|n| n.name_in(&f.message));
                    view! {
                        <li>
                            <span class=severity_class(f.severity)>{f.severity.label_ja()}</span>
                            " " {message} " " {f.hint.clone()}
                        </li>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <p class=verdict_class(verdict)>
                    <span aria-hidden="true">{verdict.icon()} " "</span>
                    {verdict.sentence_ja()}
                </p>
                <dl class="file-facts">
                    <dt>"種類"</dt><dd>{kind}</dd>
                    <dt>"仕様のバージョン"</dt><dd>{version}</dd>
                    <dt>"レコード数"</dt><dd>{group_thousands(report.records)}</dd>
                    <dt>"大きさ"</dt><dd>{byte_size(upload.size)}</dd>
                </dl>
                <details class="technical-details">
                    <summary>"詳しい情報"</summary>
                    <p class="technical">
                        "ファイルの指紋(SHA-256、中身が1文字でも違えば変わる値): "
                        <code class="sha256">{report.sha256.clone()}</code>
                    </p>
                </details>
                {(!caused_rows.is_empty()).then(|| view! {
                    <p class="caused-title">"ほかのファイルとの突き合わせで、このファイルについて:"</p>
                    <ul class="caused-findings">{caused_rows}</ul>
                })}
                {(!report.findings.is_empty()).then(|| view! {
                    <details class="findings" prop:open=move || open_at_start || asked()>
                        <summary>"指摘を見る(" {counts} ")"</summary>
                        <FindingsTable findings=report.findings records=facts.shown_records/>
                    </details>
                })}
            }
            .into_any()
        }
    };
    view! {
        <article class="file-card" id=section_id aria-label=label>
            <h5 class="file-name" id=title_id tabindex="-1">{title}</h5>
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
            headings=&["重要度", "内容", "件数"]
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
            headings=&["重要度", "行", "項目名", "内容", "直し方", "詳しい情報"]
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
    let context = expect_context::<CheckContext>();
    let place = match (finding.record, finding.line) {
        (Some(r), Some(l)) if r != l => format!("{r}件目({l}行目)"),
        (Some(r), _) => format!("{r}行目"),
        (None, Some(l)) => format!("{l}行目"),
        (None, None) => "ファイル全体".to_owned(),
    };
    // For whoever fixes the file in its software or asks the vendor: the spec's 項目No., the
    // stable code and the byte position.
    let technical = format!(
        "{}コード {}{}",
        finding
            .field_no
            .map(|n| format!("項目No.{n}、"))
            .unwrap_or_default(),
        finding.code,
        finding
            .byte_offset
            .map(|b| format!("、先頭から{b}バイト目"))
            .unwrap_or_default()
    );
    let message = context
        .clients
        .with_untracked(|n| n.name_in(&finding.message));
    let highlighted = finding.field_no;
    view! {
        <tr>
            <td class=severity_class(finding.severity)>{finding.severity.label_ja()}</td>
            <td>{place}</td>
            <td>{finding.field.as_deref().map(str::to_owned)}</td>
            <td>{message}</td>
            <td>{finding.hint.clone()}</td>
            <td>
                <details>
                    <summary>"詳しい情報"</summary>
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
