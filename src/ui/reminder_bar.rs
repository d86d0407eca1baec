//! The reminders at the top of every page (issue 15): a renewal whose date is 60, 30 or 7
//! days away, today or past, until its 更新済み is recorded; a month whose 送受信一覧 is due
//! (from the 10th of the next month) and not saved. Each leads straight to the form that
//! settles it: one click to 「済んだことを記録」 for that item, or to attaching that month's list.

use leptos::prelude::*;

use crate::jpdate::YearMonth;
use crate::ledger::attachments::send_list_reminders;
use crate::ledger::renewals::{renewal_reminders, renewal_states};
use crate::ui::ledger::{now, LedgerState};
use crate::ui::places::go;
use crate::ui::{LedgerPlace, Place};

/// What a reminder asked for, read by the form it leads to: the month to attach, the item
/// whose renewal to record.
#[derive(Clone, Copy)]
pub struct ReminderTarget {
    pub send_list_month: RwSignal<Option<YearMonth>>,
    pub renewal_item: RwSignal<Option<String>>,
}

impl ReminderTarget {
    pub fn provide() {
        provide_context(ReminderTarget {
            send_list_month: RwSignal::new(None),
            renewal_item: RwSignal::new(None),
        });
    }

    /// The target from context (a fresh one where none was provided, as in component tests).
    pub fn use_context() -> ReminderTarget {
        use_context::<ReminderTarget>().unwrap_or_else(|| ReminderTarget {
            send_list_month: RwSignal::new(None),
            renewal_item: RwSignal::new(None),
        })
    }
}

/// The reminders, one line each, with the button that settles it.
#[component]
pub fn ReminderBar() -> impl IntoView {
    let state = LedgerState::use_context();
    let target = ReminderTarget::use_context();
    let ready = move || {
        state
            .settings
            .with(|s| s.as_ref().is_some_and(|s| s.is_ready()))
    };
    let renewals = Memo::new(move |_| {
        let today = now().japan_date();
        state.entries.with(|e| {
            let states = renewal_states(e);
            renewal_reminders(&states, today)
                .into_iter()
                .map(|(s, line)| (s.item.clone(), line))
                .collect::<Vec<_>>()
        })
    });
    let lists = Memo::new(move |_| {
        let today = now().japan_date();
        state.entries.with(|e| send_list_reminders(e, today))
    });
    let any = move || ready() && !(renewals.with(Vec::is_empty) && lists.with(Vec::is_empty));
    view! {
        <Show when=any>
            <section class="reminder-bar no-print" aria-label="お知らせ" data-testid="reminder-bar">
                <ul>
                    {move || renewals.get().into_iter().map(|(item, line)| {
                        let open = move |_| {
                            target.renewal_item.set(Some(item.clone()));
                            go(Place::Ledger(LedgerPlace::Renewals));
                        };
                        view! {
                            <li class="reminder-line">
                                <span>"⚠ " {line.clone()}</span>
                                <button type="button" class="small" on:click=open
                                    aria-label=format!("済んだことを記録({line})")>"済んだことを記録"</button>
                            </li>
                        }
                    }).collect_view()}
                    {move || lists.get().into_iter().map(|(month, line)| {
                        let open = move |_| {
                            target.send_list_month.set(Some(month));
                            go(Place::Ledger(LedgerPlace::Attachments));
                        };
                        view! {
                            <li class="reminder-line">
                                <span>"⚠ " {line.clone()}</span>
                                <button type="button" class="small" on:click=open
                                    aria-label=format!("送受信一覧を保存({})", month.format_ja())>"送受信一覧を保存"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
