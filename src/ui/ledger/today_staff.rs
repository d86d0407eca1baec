//! 「本日の担当者」: the person working at this PC, chosen once at the top of the page,
//! remembered on this PC (the browser's local storage: a name from the staff list, nothing
//! else), changeable any time, and the 記録者 of everything any form records.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

use super::state::LedgerState;

/// The local-storage key of the remembered name.
const KEY: &str = "careplan-ledger.today-staff";
/// The id of the picker, for the forms that send the user to it.
pub const PICKER_ID: &str = "today-staff";

/// The name remembered on this PC, if any.
pub fn remembered() -> Option<String> {
    LocalStorage::get::<String>(KEY)
        .ok()
        .filter(|s| !s.is_empty())
}

fn remember(name: &str) {
    // Private windows may refuse storage: the choice then lasts until the page closes.
    let _ = if name.is_empty() {
        LocalStorage::delete(KEY);
        Ok(())
    } else {
        LocalStorage::set(KEY, name)
    };
}

/// The person to record under, chosen from `staff`: the one already chosen, else the one
/// remembered on this PC, else the only one; empty when the office must choose.
pub fn choose(current: &str, staff: &[String]) -> String {
    if staff.iter().any(|s| s == current) {
        return current.to_string();
    }
    if let Some(r) = remembered().filter(|r| staff.contains(r)) {
        return r;
    }
    match staff {
        [only] => only.clone(),
        _ => String::new(),
    }
}

/// When nobody is chosen yet: moves focus to the picker and says what to do (the message a
/// form shows instead of acting).
pub fn ask_for_staff() -> String {
    crate::ui::places::focus_id(PICKER_ID);
    "画面の上の「本日の担当者」で、作業する人を選んでください。".into()
}

/// The picker at the top of the page (shown once the staff list exists).
#[component]
pub fn TodayStaff() -> impl IntoView {
    let state = LedgerState::use_context();
    let staff = move || {
        state
            .settings
            .with(|s| s.as_ref().map(|s| s.staff.clone()).unwrap_or_default())
    };
    view! {
        <div class="today-staff no-print" hidden=move || staff().is_empty()>
            <label for=PICKER_ID>"本日の担当者"</label>
            <select id=PICKER_ID class:unset=move || state.actor.with(String::is_empty)
                prop:value=move || state.actor.get()
                on:change=move |ev| {
                    let name = event_target_value(&ev);
                    remember(&name);
                    state.actor.set(name);
                }>
                <option value="">"(選んでください)"</option>
                {move || staff().into_iter().map(|name| {
                    let value = name.clone();
                    let selected = state.actor.get_untracked() == name;
                    view! { <option value=value selected=selected>{name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}
