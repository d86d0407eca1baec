//! 「運営指導用の記録を印刷」: per user and period, an A4 sheet with the office name and date,
//! the versions per partner (dates, who, file hashes, storage place), consent and delivery,
//! notes, and the latest checkpoint; and the same as CSV for Excel (BOM, formula-safe).

use leptos::prelude::*;

use super::state::{now, LedgerState};
use crate::jpdate::YearMonth;
use crate::ledger::csv_export::inspection_csv;
use crate::ledger::query::clients;
use crate::ledger::{inspection_sheet, ClientKey};
use crate::ui::download::save_bytes;

/// Prints only the inspection sheet: the body is marked so the print CSS hides the rest.
fn print_sheet() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let body = window.document().and_then(|d| d.body());
    if let Some(b) = &body {
        let _ = b.set_attribute("data-print", "inspection");
    }
    let _ = window.print();
    if let Some(b) = &body {
        let _ = b.remove_attribute("data-print");
    }
}

/// The printable sheet.
#[component]
pub fn InspectionSheet(sheet: crate::ledger::InspectionSheet) -> impl IntoView {
    let s = sheet;
    let state = LedgerState::use_context();
    let by =
        move |e: &crate::ledger::versions::Event| who(&e.actor, &state.device_label(&e.device));
    let period = if s.from.year <= 1989 && s.to.year >= 9999 {
        "すべての期間".to_string()
    } else if s.from == s.to {
        s.from.format_ja()
    } else {
        format!("{}〜{}", s.from.format_ja(), s.to.format_ja())
    };
    let checkpoint = s.latest_checkpoint.as_ref().map(|c| {
        format!(
            "最新のチェックポイント: 記録{}件の時点({} 記録番号{}、{})ハッシュ {}",
            c.entry_count,
            c.device,
            c.seq,
            c.recorded_at.format_ja(),
            c.head_hash
        )
    });
    view! {
        <article class="inspection-sheet" aria-label="運営指導用の記録">
            <header class="sheet-header">
                <h4>"運営指導用 記録票(ケアプラン連携)"</h4>
                <p>{format!("{}(事業所番号 {})", s.office_name, s.office_number)}</p>
                <p>{format!("作成日時: {}", s.generated_at.format_ja())}</p>
                <p class="sheet-client">
                    {format!("利用者: {} 様 / 保険者番号 {} / 被保険者番号 {} / 対象期間: {period}",
                        s.client.name, s.client.insurer_number, s.client.insured_number)}
                </p>
            </header>
            <h5>"版の記録(相手先ごと)"</h5>
            {if s.chains.is_empty() {
                view! { <p>"この期間の版の記録はありません。"</p> }.into_any()
            } else {
                s.chains.iter().map(|chain| {
                    let heading = format!("{} {} / 相手先: {}({})",
                        chain.key.family.label_ja(),
                        chain.key.month.map(|m| m.format_ja()).unwrap_or_default(),
                        chain.partner_name, chain.key.partner_office);
                    view! {
                        <table class="sheet-table">
                            <caption>{heading} {chain.flag_ja().map(|f| format!(" ⚠ {f}"))}</caption>
                            <thead><tr>
                                <th scope="col">"版(連番)"</th><th scope="col">"受信・送信 日時・記録者"</th>
                                <th scope="col">"取込"</th><th scope="col">"保存場所"</th><th scope="col">"ファイル名 / SHA-256"</th>
                            </tr></thead>
                            <tbody>
                                {chain.versions.iter().map(|v| view! {
                                    <tr>
                                        <td>{v.serial.clone()} {v.is_newest.then_some(" 【最新】")}</td>
                                        <td>{format!("{} {} {}", v.direction.label_ja(), v.recorded.at.format_ja(), by(&v.recorded))}</td>
                                        <td>{v.imported.as_ref().map(|e| format!("{} {}", e.at.format_ja(), by(e))).unwrap_or_else(|| "未記録".into())}</td>
                                        <td>{v.storage_place.as_ref().map(|(p, e)| format!("{p}({})", by(e))).unwrap_or_else(|| "未記録".into())}</td>
                                        <td class="sha256">{v.files.iter().map(|f| format!("{} / {}", f.name, f.sha256)).collect::<Vec<_>>().join(" ; ")}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                }).collect_view().into_any()
            }}
            <h5>"同意と交付"</h5>
            <ul class="sheet-list">
                {s.consents.iter().map(|c| view! {
                    <li>{format!("利用者同意: {}({}){} 記録 {} {}",
                        c.method.label_ja(), c.consented_on.format_ja(),
                        c.prior_approval_on.map(|d| format!(" 事前承諾 {}", d.format_ja())).unwrap_or_default(),
                        c.recorded_at.format_ja(), who(&c.actor, &c.device))}</li>
                }).collect_view()}
                {s.deliveries.iter().map(|d| view! {
                    <li>{format!("利用者へ交付: {}({}) 記録 {} {}", d.document.label_ja(), d.delivered_on.format_ja(), d.recorded_at.format_ja(), who(&d.actor, &d.device))}</li>
                }).collect_view()}
                {(s.consents.is_empty() && s.deliveries.is_empty()).then(|| view! { <li>"記録はありません。"</li> })}
            </ul>
            {(!s.notes.is_empty()).then(|| view! {
                <h5>"メモ・差替・訂正"</h5>
                <ul class="sheet-list">
                    {s.notes.iter().map(|n| view! {
                        <li>{format!("{}: {} (記録{} {} {})", n.kind.label_ja(), n.text, n.seq, n.recorded_at.format_ja(), who(&n.actor, &n.device))}</li>
                    }).collect_view()}
                </ul>
            })}
            <footer class="sheet-footer">
                <p>{s.chain_status.clone()}</p>
                <p>{format!("台帳全体: 端末{}台 記録{}件 / まとめハッシュ {}", s.device_count, s.entry_count, s.head_hash)}</p>
                <p>{checkpoint.unwrap_or_else(|| "チェックポイントはまだ作られていません。".into())}</p>
            </footer>
        </article>
    }
}

/// Choosing the user and period, then printing or saving as CSV.
#[component]
pub fn InspectionPanel() -> impl IntoView {
    let state = LedgerState::use_context();
    let client = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());

    let sheet = move || {
        let chosen = client.get();
        let (a, b) = chosen.split_once('-')?;
        let key = ClientKey {
            insurer_number: a.into(),
            insured_number: b.into(),
        };
        let month = |s: String| YearMonth::parse_yyyymm(&s.replace('-', ""));
        let from = month(from.get()).unwrap_or(YearMonth::new(1989, 1)?);
        let to = month(to.get()).unwrap_or(YearMonth::new(9999, 12)?);
        let settings = state.settings.get().unwrap_or_default();
        state
            .office
            .with(|o| inspection_sheet(o, &key, from, to, &settings.office_name, now()))
    };
    let save_csv = move |_| {
        if let Some(s) = sheet() {
            let name = format!(
                "運営指導用記録_{}_{}.csv",
                s.client.insured_number,
                s.generated_at.japan_date().to_yyyymmdd()
            );
            save_bytes(&name, "text/csv;charset=utf-8", &inspection_csv(&s));
        }
    };

    view! {
        <section class="ledger-panel" aria-labelledby="inspection-heading">
            <h3 id="inspection-heading">"運営指導用の記録を印刷"</h3>
            <div class="filters no-print">
                <div class="field">
                    <label for="insp-client">"利用者"</label>
                    <select id="insp-client" prop:value=client on:change=move |ev| client.set(event_target_value(&ev))>
                        <option value="">"(選んでください)"</option>
                        {move || state.entries.with(|e| clients(e)).into_iter().map(|c| {
                            let label = format!("{}({})", c.name, c.key.insured_number);
                            view! { <option value=format!("{}-{}", c.key.insurer_number, c.key.insured_number)>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="insp-from">"期間のはじめ(年月)"</label>
                    <input id="insp-from" type="month" prop:value=from on:input=move |ev| from.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="insp-to">"期間のおわり(年月)"</label>
                    <input id="insp-to" type="month" prop:value=to on:input=move |ev| to.set(event_target_value(&ev))/>
                </div>
            </div>
            <p class="panel-note no-print">"期間を空けると、すべての期間が対象になります。"</p>
            <div class="actions no-print">
                <button type="button" on:click=move |_| print_sheet() disabled=move || client.with(String::is_empty)>"運営指導用の記録を印刷"</button>
                <button type="button" class="secondary" on:click=save_csv disabled=move || client.with(String::is_empty)>"CSVで保存"</button>
            </div>
            {move || sheet().map(|s| view! { <InspectionSheet sheet=s/> })}
        </section>
    }
}

/// 「佐藤 花子(事務室PC)」: who recorded it, on which PC.
fn who(actor: &str, device: &str) -> String {
    format!("{actor}({device})")
}
