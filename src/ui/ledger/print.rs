//! 「運営指導用の記録を印刷」: per client and month (or months), the A4 sheet the inspector
//! reads (its words and rows come from [`crate::ledger::inspection_rows`]), the same as CSV
//! for Excel, and 「この月の全利用者を印刷」: one sheet per client, each on a new page.
//! While a sheet is shown in the ledger, printing (the button or Ctrl+P) gives only the sheets.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{now, LedgerState};
use crate::jpdate::YearMonth;
use crate::ledger::csv_export::inspection_csv;
use crate::ledger::inspection::PlanActualResult;
use crate::ledger::inspection_rows::{sheet_text, SheetTable};
use crate::ledger::plan_actual_result::plan_actual_result;
use crate::ledger::query::clients;
use crate::ledger::{inspection_sheet, ClientKey};
use crate::ui::download::save_bytes;
use crate::ui::places::{use_chosen_client, use_place};
use crate::ui::{LedgerPlace, Place};

/// Marks the page so the print CSS shows only the inspection sheets (or shows all again),
/// and gives the page foot its print date (`--print-date`, read by the `@page` rule).
fn mark_for_print(print_date: Option<String>) {
    let document = web_sys::window().and_then(|w| w.document());
    let Some(document) = document else { return };
    if let Some(b) = document.body() {
        let _ = if print_date.is_some() {
            b.set_attribute("data-print", "inspection")
        } else {
            b.remove_attribute("data-print")
        };
    }
    // The root element carries no other inline style.
    if let Some(root) = document.document_element() {
        let _ = match print_date {
            // A CSS string: the date has no quote or backslash.
            Some(date) => root.set_attribute("style", &format!("--print-date: \"印刷日 {date}\"")),
            None => root.remove_attribute("style"),
        };
    }
}

fn print_page() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

fn table_view(t: &SheetTable, class: &'static str) -> AnyView {
    if t.rows.is_empty() {
        return view! {
            <div class="sheet-empty">
                <p class="sheet-caption">{t.caption.clone()}</p>
                <p>{t.empty}</p>
            </div>
        }
        .into_any();
    }
    view! {
        <table class=class>
            <caption>
                <span class="sheet-caption">{t.caption.clone()}</span>
                {t.notes.iter().map(|n| view! { <span class="sheet-note">{n.clone()}</span> }).collect_view()}
            </caption>
            <thead><tr>{t.columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}</tr></thead>
            <tbody>
                {t.rows.iter().map(|r| view! {
                    <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The printable sheet.
#[component]
pub fn InspectionSheet(sheet: crate::ledger::InspectionSheet) -> impl IntoView {
    let text = sheet_text(&sheet);
    view! {
        <article class="inspection-sheet" aria-label="運営指導用の記録">
            <header class="sheet-header">
                <h4>{text.title}</h4>
                <table class="sheet-head">
                    <tbody>
                        {text.header.iter().map(|(label, value)| view! {
                            <tr><th scope="row">{*label}</th><td>{value.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </header>
            {text.parts.iter().map(|part| view! {
                <section class="sheet-part">
                    <h5>{part.heading.clone()}</h5>
                    {part.lines.iter().map(|l| view! { <p>{l.clone()}</p> }).collect_view()}
                    {part.tables.iter().map(|t| table_view(t, "sheet-table")).collect_view()}
                </section>
            }).collect_view()}
            <div class="sheet-sign">
                {text.signature.iter().map(|s| view! {
                    <p><span class="sign-label">{*s}</span><span class="sign-line"></span></p>
                }).collect_view()}
            </div>
            <section class="sheet-appendix">
                {table_view(&text.appendix, "sheet-table appendix-table")}
            </section>
            <footer class="sheet-footer">
                {text.footer.iter().map(|l| view! { <p>{l.clone()}</p> }).collect_view()}
            </footer>
        </article>
    }
}

/// 予定↔実績 for the sheet's providers and months, from the files kept in the ledger.
async fn plan_actual_of(
    state: LedgerState,
    sheet: &crate::ledger::InspectionSheet,
) -> BTreeMap<(String, YearMonth), PlanActualResult> {
    let mut out = BTreeMap::new();
    let pairs = sheet.plan_actual_pairs();
    if pairs.is_empty() {
        return out;
    }
    let Ok(store) = state.open().await else {
        return out;
    };
    let client = sheet.client.key();
    for (provider, month, plan, actual) in pairs {
        let result = match (
            store.file(&plan.sha256).await,
            store.file(&actual.sha256).await,
        ) {
            (Ok(Some(p)), Ok(Some(a))) => plan_actual_result(
                (&plan.name, &p),
                (&actual.name, &a),
                &client,
                &provider,
                month,
            ),
            (Err(e), _) | (_, Err(e)) => {
                PlanActualResult::NotCompared(format!("ファイルを読めませんでした: {e}"))
            }
            _ => continue,
        };
        out.insert((provider, month), result);
    }
    store.close();
    out
}

/// What is being shown: one client's sheet, or every client of a month.
#[derive(Clone, Debug, PartialEq)]
enum Shown {
    Nothing,
    One(ClientKey),
    EveryClient,
}

/// Choosing the client and the month(s), then printing or saving as CSV.
#[component]
pub fn InspectionPanel() -> impl IntoView {
    let state = LedgerState::use_context();
    let place = use_place();
    let chosen = use_chosen_client();
    let client = RwSignal::new(String::new());
    // The client chosen in 利用者 is the one to print.
    Effect::new(move |_| {
        if let Some(k) = chosen.get() {
            client.set(format!("{}-{}", k.insurer_number, k.insured_number));
        }
    });
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let every = RwSignal::new(false);
    let plan_actual = RwSignal::new(BTreeMap::<ClientKey, BTreeMap<_, _>>::new());
    let message = RwSignal::new(String::new());

    let month = |s: String| YearMonth::parse_yyyymm(&s.replace('-', ""));
    let period = move || {
        let first = month(from.get());
        let last = month(to.get()).or(first);
        match (first, last) {
            (Some(a), Some(b)) if b < a => (b, a),
            (Some(a), Some(b)) => (a, b),
            _ => (
                YearMonth::new(1989, 1).expect("a month"),
                YearMonth::new(9999, 12).expect("a month"),
            ),
        }
    };
    let shown = move || {
        if every.get() {
            return Shown::EveryClient;
        }
        let chosen = client.get();
        match chosen.split_once('-') {
            Some((a, b)) => Shown::One(ClientKey {
                insurer_number: a.into(),
                insured_number: b.into(),
            }),
            None => Shown::Nothing,
        }
    };
    // The sheets, without 予定↔実績 (that needs the kept files, read below).
    let bare_sheets = Memo::new(move |_| {
        let (first, last) = period();
        let settings = state.settings.get().unwrap_or_default();
        let generated = now();
        let keys: Vec<ClientKey> = match shown() {
            Shown::Nothing => Vec::new(),
            Shown::One(k) => vec![k],
            Shown::EveryClient => state
                .entries
                .with(|e| clients(e))
                .into_iter()
                .map(|c| c.key)
                .collect(),
        };
        let single = keys.len() == 1;
        state.office.with(|o| {
            keys.iter()
                .filter_map(|k| {
                    inspection_sheet(o, k, first, last, &settings.office_name, generated)
                })
                // 「全利用者」: only clients with something in the period.
                .filter(|s| {
                    single || !s.plans.is_empty() || !s.partners.is_empty() || !s.months.is_empty()
                })
                .collect::<Vec<_>>()
        })
    });
    Effect::new(move |_| {
        let sheets = bare_sheets.get();
        spawn_local(async move {
            let mut all = BTreeMap::new();
            for s in &sheets {
                all.insert(s.client.key(), plan_actual_of(state, s).await);
            }
            plan_actual.set(all);
        });
    });
    let sheets = move || {
        let mut sheets = bare_sheets.get();
        plan_actual.with(|pa| {
            for s in &mut sheets {
                if let Some(r) = pa.get(&s.client.key()) {
                    s.plan_actual = r.clone();
                }
            }
        });
        sheets
    };
    // Ctrl+P prints only the sheets while they are shown in the ledger.
    Effect::new(move |_| {
        let in_ledger = place.get() == Place::Ledger(LedgerPlace::Print);
        let date = bare_sheets.with(|s| s.first().map(|s| s.generated_at.format_wareki_ja()));
        mark_for_print(date.filter(|_| in_ledger));
    });
    on_cleanup(|| mark_for_print(None));

    let save_csv = move |_| {
        let sheets = sheets();
        let Some(first) = sheets.first() else { return };
        let name = if sheets.len() == 1 {
            format!(
                "運営指導用記録_{}_{}.csv",
                first.client.insured_number,
                first.generated_at.japan_date().to_yyyymmdd()
            )
        } else {
            format!(
                "運営指導用記録_全利用者_{}_{}.csv",
                first.from.to_yyyymm(),
                first.generated_at.japan_date().to_yyyymmdd()
            )
        };
        let mut bytes = Vec::new();
        for (i, s) in sheets.iter().enumerate() {
            let csv = inspection_csv(s);
            // One BOM at the start; the next sheet follows after an empty line.
            bytes.extend_from_slice(if i == 0 { &csv } else { &csv[3..] });
            bytes.extend_from_slice(b"\r\n");
        }
        save_bytes(&name, "text/csv;charset=utf-8", &bytes);
    };
    let print_every = move |_| {
        if month(from.get_untracked()).is_none() {
            message.set("「対象の月」を選んでから押してください。".into());
            return;
        }
        message.set(String::new());
        every.set(true);
        // Let the sheets render before the print dialog opens.
        set_timeout(print_page, std::time::Duration::from_millis(50));
    };

    view! {
        <section class="ledger-panel" aria-labelledby="inspection-heading">
            <h3 id="inspection-heading">"運営指導用の記録を印刷"</h3>
            <div class="filters no-print">
                <div class="field">
                    <label for="insp-client">"利用者"</label>
                    <select id="insp-client" prop:value=client on:change=move |ev| {
                        every.set(false);
                        let value = event_target_value(&ev);
                        chosen.set(value.split_once('-').map(|(a, b)| ClientKey {
                            insurer_number: a.into(),
                            insured_number: b.into(),
                        }));
                        client.set(value);
                    }>
                        <option value="">"(選んでください)"</option>
                        {move || state.entries.with(|e| clients(e)).into_iter().map(|c| {
                            let label = format!("{}({})", c.name, c.key.insured_number);
                            view! { <option value=format!("{}-{}", c.key.insurer_number, c.key.insured_number)>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="insp-from">"対象の月"</label>
                    <input id="insp-from" type="month" prop:value=from on:input=move |ev| from.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="insp-to">"終わりの月(数か月分のとき)"</label>
                    <input id="insp-to" type="month" prop:value=to on:input=move |ev| to.set(event_target_value(&ev))/>
                </div>
            </div>
            <p class="panel-note no-print">"月を空けると、すべての期間が対象になります。その月に有効だった計画は、作った月が前でも載ります。"</p>
            <div class="actions no-print">
                <button type="button" on:click=move |_| { every.set(false); print_page(); } disabled=move || client.with(String::is_empty)>"運営指導用の記録を印刷"</button>
                <button type="button" class="secondary" on:click=save_csv disabled=move || bare_sheets.with(Vec::is_empty)>"CSVで保存"</button>
                <button type="button" class="secondary" on:click=print_every>"この月の全利用者を印刷"</button>
                {move || every.get().then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| every.set(false)>"全利用者の表示をやめる"</button>
                })}
            </div>
            <p class="error-text no-print" role="alert">{move || message.get()}</p>
            {move || {
                let sheets = sheets();
                let many = sheets.len() > 1;
                view! {
                    {every.get().then(|| view! {
                        <p class="panel-note no-print">{if sheets.is_empty() {
                            "この月の記録がある利用者はいません。".to_string()
                        } else {
                            format!("{}人分の記録票です。", sheets.len())
                        }}</p>
                    })}
                    {sheets.into_iter().map(|s| view! {
                        <div class="sheet-page" class:many=many><InspectionSheet sheet=s/></div>
                    }).collect_view()}
                }.into_any()
            }}
        </section>
    }
}
