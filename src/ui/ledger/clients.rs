//! 「利用者」, the ledger's first place: find a client by name or かな in 五十音 order, then the
//! client's own page (versions per provider, every record about them, and the way to the
//! inspection print and to adding a record).

use leptos::prelude::*;

use super::browse::{EntryTable, VersionTable};
use super::state::LedgerState;
use crate::kana::{gojuon_row, matches_client};
use crate::ledger::query::{clients, ClientSummary};
use crate::ledger::{version_chains_for_client, ClientKey};
use crate::ui::places::{go, use_chosen_client};
use crate::ui::{LedgerPlace, Place};

/// How many clients the list shows at once (an office has tens; a merged corporation more).
const MAX_SHOWN: usize = 300;

/// 「あ行」 … for the list's headings; clients without a reading under 「読みの分からない利用者」.
fn row_heading(c: &ClientSummary) -> String {
    match c.kana.as_deref().and_then(gojuon_row) {
        Some(row) => format!("{row}行"),
        None => "読みの分からない利用者".into(),
    }
}

/// The search and the list of clients.
#[component]
pub fn ClientFinder() -> impl IntoView {
    let state = LedgerState::use_context();
    let chosen = use_chosen_client();
    let query = RwSignal::new(String::new());
    let all = Memo::new(move |_| state.entries.with(|e| clients(e)));
    let found = Memo::new(move |_| {
        let q = query.get();
        all.with(|all| {
            all.iter()
                .filter(|c| {
                    matches_client(&q, &c.name, c.kana.as_deref())
                        || (!q.trim().is_empty() && c.key.insured_number.contains(q.trim()))
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let open = move |key: ClientKey| {
        chosen.set(Some(key));
        go(Place::Ledger(LedgerPlace::Client));
    };

    view! {
        <section class="ledger-panel client-finder" aria-labelledby="clients-heading">
            <h3 id="clients-heading">"利用者"</h3>
            <div class="field">
                <label for="client-search">"氏名・ふりがな・被保険者番号で探す"</label>
                <input id="client-search" type="search" autocomplete="off"
                    aria-describedby="client-count"
                    prop:value=query on:input=move |ev| query.set(event_target_value(&ev))/>
            </div>
            <p id="client-count" class="panel-note" role="status">{move || {
                let (shown, total) = (found.with(Vec::len), all.with(Vec::len));
                if total == 0 {
                    "まだ利用者の記録はありません。「ファイルを点検」でファイルを点検して、台帳に記録してください。".to_string()
                } else if shown == total {
                    format!("{total}人(五十音順)")
                } else {
                    format!("{total}人のうち{shown}人")
                }
            }}</p>
            {move || {
                let list = found.get();
                let more = list.len().saturating_sub(MAX_SHOWN);
                let mut groups: Vec<(String, Vec<ClientSummary>)> = Vec::new();
                for c in list.into_iter().take(MAX_SHOWN) {
                    let heading = row_heading(&c);
                    match groups.last_mut() {
                        Some((h, members)) if *h == heading => members.push(c),
                        _ => groups.push((heading, vec![c])),
                    }
                }
                view! {
                    {groups.into_iter().map(|(heading, members)| view! {
                        <h4 class="gojuon-row">{heading}</h4>
                        <ul class="client-list">
                            {members.into_iter().map(|c| {
                                let key = c.key.clone();
                                let reading = c.kana.clone().unwrap_or_default();
                                view! {
                                    <li>
                                        <button type="button" class="client-button" on:click=move |_| open(key.clone())>
                                            <span class="client-name">{format!("{} 様", c.name)}</span>
                                            <span class="client-reading">{reading}</span>
                                            <span class="client-meta">{format!("被保険者番号 {} ・ 記録{}件", c.key.insured_number, c.entry_count)}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }).collect_view()}
                    {(more > 0).then(|| view! {
                        <p class="panel-note">{format!("ほかに{more}人います。名前で絞り込んでください。")}</p>
                    })}
                }
            }}
        </section>
    }
}

/// One client's page.
#[component]
pub fn ClientPage() -> impl IntoView {
    let state = LedgerState::use_context();
    let chosen = use_chosen_client();
    let summary = Memo::new(move |_| {
        let key = chosen.get()?;
        state
            .entries
            .with(|e| clients(e))
            .into_iter()
            .find(|c| c.key == key)
    });
    let chains = move || {
        chosen
            .get()
            .map(|k| state.entries.with(|e| version_chains_for_client(e, &k)))
            .unwrap_or_default()
    };
    let entries = Signal::derive(move || {
        let Some(key) = chosen.get() else {
            return Vec::new();
        };
        state.entries.with(|all| {
            all.iter()
                .filter(|e| e.subject.clients.iter().any(|c| c.key() == key))
                .cloned()
                .collect::<Vec<_>>()
        })
    });

    view! {
        <section class="ledger-panel client-page" aria-labelledby="client-heading">
            {move || match summary.get() {
                None => view! {
                    <h3 id="client-heading">"利用者"</h3>
                    <p>"利用者を選んでください。"</p>
                    <a href=Place::Ledger(LedgerPlace::Clients).href()>"利用者の一覧へ"</a>
                }.into_any(),
                Some(c) => view! {
                    <h3 id="client-heading">{format!("{} 様", c.name)}</h3>
                    <p class="client-ids">
                        {c.kana.clone().map(|k| view! { <span>{k}</span> })}
                        <span>{format!("被保険者番号 {}", c.key.insured_number)}</span>
                        <span>{format!("保険者番号 {}", c.key.insurer_number)}</span>
                    </p>
                    <div class="actions">
                        <a class="button-link" href=Place::Ledger(LedgerPlace::Print).href()>"この利用者の運営指導の印刷"</a>
                        <a class="button-link secondary" href=Place::Ledger(LedgerPlace::Add).href()>"この利用者の記録を追加"</a>
                        <a class="button-link secondary" href=Place::Ledger(LedgerPlace::Clients).href()>"利用者の一覧へ戻る"</a>
                    </div>
                }.into_any(),
            }}
            <div class="versions" hidden=move || summary.with(Option::is_none)>
                <h4>"版の一覧(相手先ごと)"</h4>
                {move || {
                    let chains = chains();
                    if chains.is_empty() {
                        view! { <p class="empty">"この利用者の版の記録はまだありません。"</p> }.into_any()
                    } else {
                        chains.into_iter().map(|c| view! { <VersionTable chain=c/> }).collect_view().into_any()
                    }
                }}
            </div>
            <div hidden=move || summary.with(Option::is_none)>
                <EntryTable entries=entries caption=Signal::derive(move || format!("この利用者の記録 {}件(新しい順)", entries.with(Vec::len)))/>
            </div>
        </section>
    }
}
