//! 「記録一覧」: search by name, reading, number or file name; narrow to one user, month or
//! partner; one row per act (a file and its check result together), a page at a time; a
//! client's versions (newest marked, 「相手先は旧版の可能性」 flagged); original files
//! downloadable again under their original names.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::LedgerState;
use crate::jpdate::YearMonth;
use crate::ledger::acts::acts;
use crate::ledger::query::{clients, partners};
use crate::ledger::versions::VersionChain;
use crate::ledger::{describe_ja, ClientKey, Entry, EntryFilter, FileRef, SearchIndex};
use crate::ui::download::save_bytes;

/// Rows on one page of a list: a year of a busy office is tens of thousands of entries.
const PAGE: usize = 50;

fn client_value(k: &ClientKey) -> String {
    format!("{}-{}", k.insurer_number, k.insured_number)
}

fn parse_client_value(v: &str) -> Option<ClientKey> {
    let (a, b) = v.split_once('-')?;
    Some(ClientKey {
        insurer_number: a.into(),
        insured_number: b.into(),
    })
}

/// Every month the ledger mentions, newest first.
fn months(entries: &[Entry]) -> Vec<YearMonth> {
    let mut all: Vec<YearMonth> = entries
        .iter()
        .flat_map(|e| {
            e.subject.service_month.into_iter().chain(
                e.subject
                    .clients
                    .iter()
                    .filter_map(|c| c.plan_date.map(|d| d.year_month())),
            )
        })
        .collect();
    all.sort();
    all.dedup();
    all.reverse();
    all
}

/// A button that saves a kept original file under its original name.
#[component]
pub fn FileDownload(file: FileRef) -> impl IntoView {
    let state = LedgerState::use_context();
    let message = RwSignal::new(String::new());
    // The accessible name starts with the visible words, then says which file.
    let label = format!("元のファイルを保存({})", file.name);
    let download = move |_| {
        let file = file.clone();
        spawn_local(async move {
            let result = async {
                let store = state.open().await.map_err(|e| e.to_string())?;
                let bytes = store.file(&file.sha256).await.map_err(|e| e.to_string());
                store.close();
                bytes?.ok_or_else(|| "このファイルの中身は保存されていません".to_string())
            }
            .await;
            match result {
                Ok(bytes) => {
                    save_bytes(&file.name, "text/csv", &bytes);
                    message.set(String::new());
                }
                Err(e) => message.set(e),
            }
        });
    };
    view! {
        <button type="button" class="secondary small" aria-label=label on:click=download>"元のファイルを保存"</button>
        <span class="error-text" role="alert">{move || message.get()}</span>
    }
}

/// One row of a list of acts: the entry, and the check result recorded with its file.
#[derive(Clone)]
pub struct ActRow {
    pub entry: Entry,
    pub check: Option<Entry>,
}

/// The rows of `entries` (time order) at `positions`, newest first, page `page`.
fn page_of(entries: &[Entry], positions: &[usize], page: usize) -> (Vec<ActRow>, usize) {
    let all = acts(entries, positions);
    let total = all.len();
    let rows = all
        .iter()
        .rev()
        .skip(page * PAGE)
        .take(PAGE)
        .map(|a| ActRow {
            entry: entries[a.entry].clone(),
            check: a.check.map(|c| entries[c].clone()),
        })
        .collect();
    (rows, total)
}

/// 「1〜50件目(全1,234件)」 and the buttons to the newer and older pages.
#[component]
fn Pager(#[prop(into)] total: Signal<usize>, page: RwSignal<usize>) -> impl IntoView {
    view! {
        <div class="pager" hidden={move || total.get() <= PAGE}>
            <button type="button" class="secondary small" disabled=move || page.get() == 0
                on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{format!("新しい{PAGE}件")}</button>
            <span class="pager-position">{move || {
                let first = page.get() * PAGE + 1;
                let last = (first + PAGE - 1).min(total.get());
                format!("{first}〜{last}件目(全{}件)", total.get())
            }}</span>
            <button type="button" class="secondary small" disabled={move || (page.get() + 1) * PAGE >= total.get()}
                on:click=move |_| page.update(|p| *p += 1)>{format!("古い{PAGE}件")}</button>
        </div>
    }
}

/// The clients of a row: up to three by name, more folded as 「20人」 that opens.
fn clients_cell(e: &Entry) -> AnyView {
    let names: Vec<String> = e
        .subject
        .clients
        .iter()
        .map(|c| format!("{} 様", c.name))
        .collect();
    if names.len() <= 3 {
        return view! { <span>{names.join("、")}</span> }.into_any();
    }
    view! {
        <details class="folded-clients">
            <summary>{format!("{}人", names.len())}</summary>
            <ul>{names.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
        </details>
    }
    .into_any()
}

/// A list of acts, one row each: when, what (with the check result of a file), who, which
/// device, and the original file.
#[component]
fn ActTable(
    #[prop(into)] rows: Signal<Vec<ActRow>>,
    #[prop(into)] caption: Signal<String>,
) -> impl IntoView {
    let state = LedgerState::use_context();
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-label=move || caption.get()>
        <table class="file-table entry-table">
            <caption>{move || caption.get()}</caption>
            <thead><tr>
                <th scope="col">"日時"</th><th scope="col">"内容"</th><th scope="col">"利用者"</th>
                <th scope="col">"記録者・端末"</th><th scope="col">"ファイル"</th>
            </tr></thead>
            <tbody>
                {move || rows.get().into_iter().map(|row| {
                    let e = row.entry;
                    let file = e.subject.file.clone().filter(|_| matches!(e.kind(),
                        crate::ledger::Kind::Received | crate::ledger::Kind::Sent | crate::ledger::Kind::DeletionReceived));
                    let when = e.occurred_at.unwrap_or(e.recorded_at).format_ja();
                    let check = row.check.as_ref().map(describe_ja);
                    view! {
                        <tr>
                            <td class="when">{when}</td>
                            <td class="entry-text">{describe_ja(&e)}
                                {check.map(|c| view! { <span class="check-line">{c}</span> })}</td>
                            <td class="clients-cell">{clients_cell(&e)}</td>
                            <td class="who">{e.actor.clone()}
                                <span class="device-seq">{format!("{} 記録{}", state.device_label(&e.device), e.seq)}</span></td>
                            <td>{file.map(|f| view! { <FileDownload file=f/> })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

/// Entries (in time order) as a paged list of acts, newest first.
#[component]
pub fn EntryTable(
    #[prop(into)] entries: Signal<Vec<Entry>>,
    #[prop(into)] caption: Signal<String>,
) -> impl IntoView {
    let page = RwSignal::new(0usize);
    let paged = Memo::new(move |_| {
        entries.with(|all| {
            let positions: Vec<usize> = (0..all.len()).collect();
            let (rows, total) = page_of(all, &positions, page.get());
            (rows.len(), total, StoredValue::new(rows))
        })
    });
    // A new list starts at its newest page.
    Effect::new(move |_| {
        entries.track();
        page.set(0);
    });
    let rows = Signal::derive(move || paged.with(|(_, _, r)| r.get_value()));
    let total = Signal::derive(move || paged.with(|(_, t, _)| *t));
    view! {
        <ActTable rows=rows caption=caption/>
        <Pager total=total page=page/>
    }
}

/// Versions of one user's documents per partner, newest marked.
#[component]
pub fn VersionTable(chain: VersionChain) -> impl IntoView {
    let state = LedgerState::use_context();
    let flag = chain.flag_ja();
    let heading = format!(
        "{} / {}{} / 相手先: {}",
        chain.key.family.label_ja(),
        chain
            .key
            .month
            .map(|m| format!("{} / ", m.format_ja()))
            .unwrap_or_default(),
        chain.client_name,
        chain.partner_name
    );
    view! {
        <div class="version-chain">
            <h5>{heading.clone()}</h5>
            {flag.map(|f| view! { <p class="flag-old" role="note">"⚠ " {f}</p> })}
            <div class="table-scroll" role="region" tabindex="0" aria-label=format!("{heading} の版")>
            <table class="file-table version-table">
                <thead><tr>
                    <th scope="col">"版(ファイルの作成日時)"</th><th scope="col">"受信・送信"</th><th scope="col">"送受信の日時・記録者"</th>
                    <th scope="col">"取込"</th><th scope="col">"保存場所"</th>
                </tr></thead>
                <tbody>
                    {chain.versions.iter().rev().map(|v| {
                        let hashes: Vec<String> = v.files.iter().map(|f| format!("{} {}", f.name, f.sha256)).collect();
                        view! {
                            <tr class:newest=v.is_newest>
                                <td>{v.made_at_ja().unwrap_or_else(|| v.serial.clone())}
                                    {v.is_newest.then(|| view! { <strong class="newest-mark">" 【最新】"</strong> })}
                                    {v.cancelled_by.is_some().then(|| view! { <strong class="cancelled-mark">" 取消"</strong> })}
                                // The file names and fingerprints prove which bytes; few need them.
                                <details class="technical">
                                    <summary>"詳しい情報"</summary>
                                    <p class="sha256">{hashes.join(" / ")}</p>
                                </details></td>
                                <td>{v.direction.label_ja()} {v.is_deletion.then_some("(削除ファイル)")}</td>
                                <td>{match v.recorded.occurred_at {
                                    Some(at) => format!("{} {}({})(台帳への記録 {})", at.format_ja(), v.recorded.actor, state.device_label(&v.recorded.device), v.recorded.at.format_ja()),
                                    None => format!("{} {}({})", v.recorded.at.format_ja(), v.recorded.actor, state.device_label(&v.recorded.device)),
                                }}</td>
                                <td>{v.imported.as_ref().map(|e| format!("{} {}", e.at.format_ja(), e.actor)).unwrap_or_else(|| "未記録".into())}</td>
                                <td>{v.storage_place.as_ref().map(|(p, _)| p.clone()).unwrap_or_else(|| "未記録".into())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </div>
    }
}

/// 「記録一覧」: every act, searchable and narrowed by client, month or partner, a page at a
/// time (a ledger of years has 100,000 entries; only one page becomes rows).
#[component]
pub fn LedgerBrowser() -> impl IntoView {
    let state = LedgerState::use_context();
    let text = RwSignal::new(String::new());
    let client = RwSignal::new(String::new());
    let month = RwSignal::new(String::new());
    let partner = RwSignal::new(String::new());
    let page = RwSignal::new(0usize);
    let index = Memo::new_with_compare(
        move |_| state.entries.with(|e| SearchIndex::build(e)),
        |_, _| true,
    );

    // Positions of the matches, computed once per change; only one page of rows is copied
    // out for the table.
    let matches = Memo::new(move |_| {
        let filter = EntryFilter {
            text: text.get(),
            client: parse_client_value(&client.get()),
            month: YearMonth::parse_yyyymm(&month.get()),
            partner: partner.get(),
            ..EntryFilter::default()
        };
        state
            .entries
            .with(|entries| index.with(|ix| ix.filter(entries, &filter)))
    });
    Effect::new(move |_| {
        matches.track();
        page.set(0);
    });
    let paged = Memo::new(move |_| {
        matches.with(|m| {
            state.entries.with(|entries| {
                let (rows, total) = page_of(entries, m, page.get());
                (total, StoredValue::new(rows))
            })
        })
    });
    let rows = Signal::derive(move || paged.with(|(_, r)| r.get_value()));
    let total = Signal::derive(move || paged.with(|(t, _)| *t));

    view! {
        <section class="ledger-panel" aria-labelledby="browse-heading">
            <h3 id="browse-heading">"記録一覧"</h3>
            <div class="filters">
                <div class="field">
                    <label for="search-text">"検索(氏名・ふりがな・被保険者番号・ファイル名など)"</label>
                    <input id="search-text" type="search" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="view-client">"利用者ごと"</label>
                    <select id="view-client" prop:value=client on:change=move |ev| client.set(event_target_value(&ev))>
                        <option value="">"(すべての利用者)"</option>
                        {move || state.entries.with(|e| clients(e)).into_iter().map(|c| {
                            let label = format!("{}({})", c.name, c.key.insured_number);
                            view! { <option value=client_value(&c.key)>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="view-month">"月ごと"</label>
                    <select id="view-month" prop:value=month on:change=move |ev| month.set(event_target_value(&ev))>
                        <option value="">"(すべての月)"</option>
                        {move || state.entries.with(|e| months(e)).into_iter().map(|m| {
                            view! { <option value=m.to_yyyymm()>{m.format_ja()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="view-partner">"相手先ごと"</label>
                    <select id="view-partner" prop:value=partner on:change=move |ev| partner.set(event_target_value(&ev))>
                        <option value="">"(すべての相手先)"</option>
                        {move || state.entries.with(|e| partners(e)).into_iter().map(|(no, name)| {
                            let label = format!("{name}({no})");
                            view! { <option value=no>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <ActTable rows=rows caption=Signal::derive(move || format!("記録 {}件(新しい順)", total.get()))/>
            <Pager total=total page=page/>
        </section>
    }
}
