//! 「保存と管理の記録」: the keeping sheet (証跡の保存と管理) on one A4 page for the
//! operating-rules binder, made from the settings, the office ledger, the office folder and
//! the renewal list ([`crate::ledger::keeping_sheet`]); what the app cannot know is a line to
//! write on. While this place is shown, printing (the button or Ctrl+P) gives only the sheet.

use leptos::prelude::*;

use super::office_folder::FolderStatus;
use super::state::{now, LedgerState};
use crate::ledger::keeping_sheet::{keeping_sheet, KeepingInput, KeepingSheet};
use crate::ui::places::use_place;
use crate::ui::{LedgerPlace, Place};

/// Marks the page so the print CSS shows only the keeping sheet. Its own attribute, so the
/// inspection sheet's marking (`data-print`) and this one never undo each other.
fn mark_for_print(on: bool) {
    let body = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body());
    if let Some(b) = body {
        let _ = if on {
            b.set_attribute("data-print-sheet", "keeping")
        } else {
            b.remove_attribute("data-print-sheet")
        };
    }
}

/// The printable sheet.
#[component]
pub fn KeepingSheetView(sheet: KeepingSheet) -> impl IntoView {
    view! {
        <article class="keeping-sheet" aria-label="証跡の保存と管理">
            <header class="keeping-head">
                <h4>{sheet.title}</h4>
                <p class="keeping-date">{sheet.made_on.clone()}</p>
            </header>
            {sheet.sections.into_iter().map(|s| view! {
                <section class="keeping-part">
                    <h5>{s.heading}</h5>
                    <table class="keeping-table">
                        <tbody>
                            {s.rows.into_iter().map(|r| {
                                let blank = r.value.is_empty();
                                view! {
                                    <tr>
                                        <th scope="row">{r.label}</th>
                                        <td class:write-here=blank>{r.value}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            }).collect_view()}
            <div class="sheet-sign">
                {sheet.signature.into_iter().map(|s| view! {
                    <p><span class="sign-label">{s}</span><span class="sign-line"></span></p>
                }).collect_view()}
            </div>
        </article>
    }
}

/// The place: the sheet and its print button.
#[component]
pub fn KeepingPanel() -> impl IntoView {
    let state = LedgerState::use_context();
    let place = use_place();
    let sheet = move || {
        let settings = state.settings.get().unwrap_or_default();
        let folder = match state.folder.status.get() {
            FolderStatus::Ready { name } | FolderStatus::NeedsPermission { name } => Some(name),
            _ => None,
        };
        let device = state.device.get().map(|d| d.id);
        state.office.with(|ledger| {
            state.entries.with(|entries| {
                keeping_sheet(&KeepingInput {
                    settings: &settings,
                    ledger,
                    entries,
                    this_device: device.as_ref(),
                    folder_name: folder.as_deref(),
                    now: now(),
                })
            })
        })
    };
    Effect::new(move |_| mark_for_print(place.get() == Place::Ledger(LedgerPlace::Keeping)));
    on_cleanup(|| mark_for_print(false));
    let print = |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <section class="ledger-panel" aria-labelledby="keeping-heading">
            <h3 id="keeping-heading">"証跡の保存と管理"</h3>
            <p class="panel-note no-print">"運営規程のつづりに入れる1枚です。台帳が知っていることは書き込んであります。空いている欄は手書きで記入してください。"</p>
            <div class="actions no-print">
                <button type="button" on:click=print>"この記録を印刷"</button>
            </div>
            {move || view! { <KeepingSheetView sheet=sheet()/> }}
        </section>
    }
}
