//! 「台帳の設定」: our office number and name, the staff list, retention years and the backup
//! reminder; shown as the first-run prompt until the office and one staff member are set.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::LedgerState;
use crate::ledger::settings::parse_staff_list;
use crate::ledger::{OfficeSettings, ValidationIssue};

/// The messages for some fields, rendered next to the input they are about.
pub fn field_messages(
    issues: RwSignal<Vec<ValidationIssue>>,
    fields: &'static [&'static str],
    id: &'static str,
) -> impl IntoView {
    // A pattern ending in '.' matches every field under it; otherwise the field exactly.
    let mine = move |i: &ValidationIssue| {
        fields.iter().any(|f| {
            if f.ends_with('.') {
                i.field.starts_with(f)
            } else {
                i.field == *f
            }
        })
    };
    view! {
        <p class="field-error" id=id role="alert" hidden=move || issues.with(|all| !all.iter().any(mine))>
            {move || {
                issues
                    .with(|all| {
                        all.iter()
                            .filter(|i| mine(i))
                            .map(|i| format!("⚠ {}", i.message))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
            }}
        </p>
    }
}

/// The settings form. `first_run` changes the heading and the explanation.
#[component]
pub fn SettingsForm(#[prop(optional)] first_run: bool) -> impl IntoView {
    let state = LedgerState::use_context();
    let current = state.settings.get_untracked().unwrap_or_default();
    let office_number = RwSignal::new(current.office_number.clone());
    let office_name = RwSignal::new(current.office_name.clone());
    let staff = RwSignal::new(current.staff.join("\n"));
    let retention = RwSignal::new(current.retention_years.to_string());
    let reminder = RwSignal::new(current.backup_reminder_days.to_string());
    let device_name = RwSignal::new(
        state
            .device
            .with_untracked(|d| d.as_ref().map(|d| d.name.clone()))
            .unwrap_or_default(),
    );
    let issues = RwSignal::new(Vec::<ValidationIssue>::new());
    let status = RwSignal::new(String::new());
    let place = crate::ui::places::use_place();
    Effect::new(move |_| {
        if let Some(d) = state.device.get() {
            device_name.set(d.name.clone());
        }
    });

    // Keep the form in step when the settings arrive from the store (first load, restore).
    Effect::new(move |_| {
        if let Some(s) = state.settings.get() {
            office_number.set(s.office_number.clone());
            office_name.set(s.office_name.clone());
            staff.set(s.staff.join("\n"));
            retention.set(s.retention_years.to_string());
            reminder.set(s.backup_reminder_days.to_string());
        }
    });

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let settings = OfficeSettings {
            office_number: office_number.get_untracked().trim().to_string(),
            office_name: office_name.get_untracked().trim().to_string(),
            staff: parse_staff_list(&staff.get_untracked()),
            retention_years: retention.get_untracked().parse().unwrap_or(2),
            backup_reminder_days: reminder.get_untracked().trim().parse().unwrap_or(0),
        };
        match settings.validate() {
            Err(found) => {
                issues.set(found);
                status.set("入力を確かめてください。".into());
            }
            Ok(()) => {
                issues.set(Vec::new());
                status.set("保存しています…".into());
                let name = device_name.get_untracked().trim().to_string();
                spawn_local(async move {
                    if let Err(e) = state.save_settings(&settings).await {
                        status.set(e);
                        return;
                    }
                    let unchanged = state
                        .device
                        .with_untracked(|d| d.as_ref().is_some_and(|d| d.name == name));
                    if !name.is_empty() && !unchanged {
                        if state.actor.get_untracked().is_empty() {
                            // Renaming is recorded in the chain: under the first staff member
                            // when nobody is chosen yet.
                            state.actor.set(settings.staff[0].clone());
                        }
                        if let Err(e) = state.save_device_name(&name).await {
                            status.set(e);
                            return;
                        }
                    }
                    status.try_set("設定を保存しました".into());
                    if first_run {
                        // The first-run form gives way to the ledger: focus goes to the
                        // heading of the place now shown, not to the page's start.
                        let at = place.get_untracked();
                        request_animation_frame(move || crate::ui::places::focus_heading(at));
                    }
                });
            }
        }
    };

    let heading = if first_run {
        "はじめに: 事業所と職員を登録してください"
    } else {
        "台帳の設定"
    };
    view! {
        <section class="ledger-panel settings-form" aria-labelledby="settings-heading">
            <h3 id="settings-heading">{heading}</h3>
            {first_run.then(|| view! {
                <p class="panel-note">
                    "台帳に記録するには、自分の事業所番号と、記録する職員の名前が必要です。"
                    "ファイルの受信・送信の区別は、この事業所番号で判断します。"
                </p>
            })}
            <form on:submit=save novalidate>
                <div class="field">
                    <label for="set-office-number">"自事業所番号(半角数字10桁)"</label>
                    <input id="set-office-number" inputmode="numeric" autocomplete="off" maxlength="10"
                        aria-describedby="err-office-number"
                        prop:value=office_number on:input=move |ev| office_number.set(event_target_value(&ev))/>
                    {field_messages(issues, &["office_number"], "err-office-number")}
                </div>
                <div class="field">
                    <label for="set-office-name">"事業所名"</label>
                    <input id="set-office-name" autocomplete="organization" aria-describedby="err-office-name"
                        prop:value=office_name on:input=move |ev| office_name.set(event_target_value(&ev))/>
                    {field_messages(issues, &["office_name"], "err-office-name")}
                </div>
                <div class="field">
                    <label for="set-staff">"職員の名前(1行に1人)"</label>
                    <textarea id="set-staff" rows="4" aria-describedby="err-staff"
                        prop:value=staff on:input=move |ev| staff.set(event_target_value(&ev))></textarea>
                    {field_messages(issues, &["staff"], "err-staff")}
                </div>
                <div class="field">
                    <label for="set-device-name">"このパソコンの名前(例: 事務室PC、佐藤PC)"</label>
                    <input id="set-device-name" autocomplete="off" maxlength="40" aria-describedby="note-device-name"
                        prop:value=device_name on:input=move |ev| device_name.set(event_target_value(&ev))/>
                    <p class="field-note" id="note-device-name">
                        "事業所のパソコンごとに名前を付けると、どのパソコンで記録したかが台帳と印刷に出ます。"
                    </p>
                </div>
                <div class="field">
                    <label for="set-retention">"保存年限(完結日から)"</label>
                    <select id="set-retention" prop:value=retention on:change=move |ev| retention.set(event_target_value(&ev))>
                        <option value="2">"2年(標準)"</option>
                        <option value="5">"5年(市町村の定めがある場合)"</option>
                    </select>
                    {field_messages(issues, &["retention_years"], "err-retention")}
                </div>
                <div class="field">
                    <label for="set-reminder">"バックアップのお知らせ(前回から何日たったら)"</label>
                    <input id="set-reminder" type="number" min="1" max="365" inputmode="numeric"
                        aria-describedby="err-reminder"
                        prop:value=reminder on:input=move |ev| reminder.set(event_target_value(&ev))/>
                    {field_messages(issues, &["backup_reminder_days"], "err-reminder")}
                </div>
                <button type="submit">"設定を保存"</button>
                <p class="save-status" role="status">{move || status.get()}</p>
            </form>
        </section>
    }
}
