//! 「更新・期限」: the things that expire (licence per 事業所番号, 電子証明書, the KJ ID's
//! password, the client app), each with its owner and date, and 「済んだことを記録」 for each:
//! a 更新済み entry with who (本日の担当者), when, and the new date. The list and reminders
//! are [`crate::ledger::renewals`]; nothing secret is asked for, and the form says so.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::settings::field_messages;
use super::state::{now, LedgerState};
use super::today_staff::ask_for_staff;
use crate::jpdate::CivilDate;
use crate::ledger::reminders::Nearness;
use crate::ledger::renewals::{
    done_draft, item_draft, new_item_id, renewal_states, RenewalState, LICENCE_YEN,
};
use crate::ledger::{CertificateKind, EntryDraft, RenewalFacts, RenewalWhat, ValidationIssue};
use crate::ui::places::focus_id;
use crate::ui::reminder_bar::ReminderTarget;

/// The id of the 「済んだことを記録」 form's first field (a reminder focuses it).
const DONE_FIRST_FIELD: &str = "done-on";

fn date_value(d: CivilDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

fn parse_date(s: &str) -> Option<CivilDate> {
    CivilDate::parse_yyyymmdd(&s.replace('-', ""))
}

fn text(s: String) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// 「あと20日」, 「今日が期限」, 「3日過ぎています」 or nothing (more than 60 days).
fn state_ja(s: &RenewalState, today: CivilDate) -> String {
    let left = s.due_on.days_since_epoch() - today.days_since_epoch();
    match s.nearness(today) {
        None => format!("あと{left}日"),
        Some(Nearness::Today) => "今日が期限".into(),
        Some(Nearness::Overdue) => format!("{}日過ぎています", -left),
        Some(_) => format!("あと{left}日(お知らせ中)"),
    }
}

/// The list, the 「済んだことを記録」 form, and the form to add an item.
#[component]
pub fn RenewalsPanel() -> impl IntoView {
    let state = LedgerState::use_context();
    let target = ReminderTarget::use_context();
    let states = Memo::new(move |_| state.entries.with(|e| renewal_states(e)));
    let selected = RwSignal::new(None::<String>);
    let done_on = RwSignal::new(date_value(now().japan_date()));
    let new_due = RwSignal::new(String::new());
    let done_version = RwSignal::new(String::new());
    let done_note = RwSignal::new(String::new());
    let done_issues = RwSignal::new(Vec::<ValidationIssue>::new());
    let done_status = RwSignal::new(String::new());

    let pick = move |item: String| {
        let found = states.with_untracked(|s| s.iter().find(|x| x.item == item).cloned());
        if let Some(s) = found {
            // A licence and a certificate run a year; the others are typed.
            new_due.set(match s.what {
                RenewalWhat::Licence | RenewalWhat::Certificate => {
                    date_value(s.due_on.add_years(1))
                }
                _ => String::new(),
            });
        }
        done_on.set(date_value(now().japan_date()));
        done_issues.set(Vec::new());
        done_status.set(String::new());
        selected.set(Some(item));
        // After the place has opened (which focuses its heading first).
        set_timeout(
            || focus_id(DONE_FIRST_FIELD),
            std::time::Duration::from_millis(150),
        );
    };
    // A reminder's 「済んだことを記録」 opens the form of its item.
    Effect::new(move |_| {
        if let Some(item) = target.renewal_item.get() {
            pick(item);
            target.renewal_item.set(None);
        }
    });
    let selected_state = move || {
        selected
            .get()
            .and_then(|i| states.with(|s| s.iter().find(|x| x.item == i).cloned()))
    };

    let record = move |draft: EntryDraft,
                       issues: RwSignal<Vec<ValidationIssue>>,
                       status: RwSignal<String>,
                       then: Box<dyn Fn()>| {
        if state.actor.with_untracked(String::is_empty) {
            status.set(ask_for_staff());
            return;
        }
        if let Err(found) = draft.validate_at(now()) {
            issues.set(found);
            status.set("入力を確かめてください。".into());
            return;
        }
        issues.set(Vec::new());
        status.set("保存しています…".into());
        spawn_local(async move {
            match state.record(&[], vec![draft]).await {
                Ok(_) => {
                    status.set("記録しました".into());
                    then();
                }
                Err(e) => status.set(format!("保存できませんでした: {e}")),
            }
        });
    };

    let submit_done = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(s) = selected_state() else { return };
        let mut missing = Vec::new();
        let on = parse_date(&done_on.get_untracked());
        let due = parse_date(&new_due.get_untracked());
        if on.is_none() {
            missing.push(ValidationIssue {
                field: "details.done_on",
                message: "済ませた日を入力してください".into(),
            });
        }
        if due.is_none() {
            missing.push(ValidationIssue {
                field: "details.new_due_on",
                message: format!("新しい{}を入力してください", s.what.due_label_ja()),
            });
        }
        let (Some(on), Some(due)) = (on, due) else {
            done_issues.set(missing);
            return;
        };
        let version = (s.what == RenewalWhat::ClientApp).then(|| done_version.get_untracked());
        let draft = done_draft(
            &state.actor.get_untracked(),
            &s.item,
            on,
            due,
            version,
            Some(done_note.get_untracked()),
        );
        record(
            draft,
            done_issues,
            done_status,
            Box::new(move || {
                done_note.set(String::new());
                done_version.set(String::new());
                selected.set(None);
            }),
        );
    };

    // The form to add an item.
    let what = RwSignal::new(RenewalWhat::Licence);
    let owner = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let office_number = RwSignal::new(String::new());
    let applied_on = RwSignal::new(String::new());
    let free_until = RwSignal::new(String::new());
    let amount = RwSignal::new(LICENCE_YEN.to_string());
    let certificate = RwSignal::new(CertificateKind::CareInsurance);
    let terminal = RwSignal::new(String::new());
    let app_version = RwSignal::new(String::new());
    let updated_on = RwSignal::new(String::new());
    let add_issues = RwSignal::new(Vec::<ValidationIssue>::new());
    let add_status = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(s) = state.settings.get() {
            if office_number.get_untracked().is_empty() {
                office_number.set(s.office_number.clone());
            }
        }
        if let Some(d) = state.device.get() {
            if terminal.get_untracked().is_empty() {
                terminal.set(d.name.clone());
            }
        }
    });
    let submit_add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let w = what.get_untracked();
        let Some(due_on) = parse_date(&due.get_untracked()) else {
            add_issues.set(vec![ValidationIssue {
                field: "details.due_on",
                message: format!("{}を入力してください", w.due_label_ja()),
            }]);
            return;
        };
        let facts = match w {
            RenewalWhat::Licence => RenewalFacts {
                office_number: text(office_number.get_untracked()),
                applied_on: parse_date(&applied_on.get_untracked()),
                free_until: parse_date(&free_until.get_untracked()),
                amount_yen: amount.get_untracked().trim().parse().ok(),
                ..RenewalFacts::default()
            },
            RenewalWhat::Certificate => RenewalFacts {
                certificate: Some(certificate.get_untracked()),
                terminal: text(terminal.get_untracked()),
                ..RenewalFacts::default()
            },
            RenewalWhat::IdPassword => RenewalFacts::default(),
            RenewalWhat::ClientApp => RenewalFacts {
                app_version: text(app_version.get_untracked()),
                updated_on: parse_date(&updated_on.get_untracked()),
                ..RenewalFacts::default()
            },
        };
        let Some(device) = state
            .device
            .with_untracked(|d| d.as_ref().map(|d| d.id.clone()))
        else {
            return;
        };
        let draft = item_draft(
            &state.actor.get_untracked(),
            new_item_id(w, &device, now()),
            w,
            &owner.get_untracked(),
            due_on,
            facts,
        );
        record(
            draft,
            add_issues,
            add_status,
            Box::new(move || due.set(String::new())),
        );
    };

    let staff = move || {
        state
            .settings
            .with(|s| s.as_ref().map(|s| s.staff.clone()).unwrap_or_default())
    };
    let today = move || now().japan_date();

    view! {
        <section class="ledger-panel" aria-labelledby="renewals-heading">
            <h3 id="renewals-heading">"更新・期限の管理"</h3>
            <p class="panel-note no-secret" data-testid="no-secret">"パスワードや証明書のファイルは、この台帳には保存しません。ここに記録するのは、期限と担当者だけです。パスワードは入力しないでください。"</p>
            {move || {
                let list = states.get();
                if list.is_empty() {
                    return view! { <p class="empty">"まだ登録していません。下の「期限のあるものを登録」から登録してください。"</p> }.into_any();
                }
                let t = today();
                view! {
                    <table class="renewal-table">
                        <thead><tr>
                            <th scope="col">"項目"</th><th scope="col">"期限"</th><th scope="col">"担当"</th>
                            <th scope="col">"状況"</th><th scope="col">"最後の更新"</th><th scope="col">"記録"</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|s| {
                                let item = s.item.clone();
                                let title = s.title_ja();
                                let near = s.nearness(t).is_some();
                                let last = s.done.last().map(|d| format!("{} {}", d.done_on.format_wareki_ja(), d.actor)).unwrap_or_else(|| "—".into());
                                let facts = s.facts_ja().join("、");
                                view! {
                                    <tr class:near=near>
                                        <td>{title.clone()}{(!facts.is_empty()).then(|| view! { <br/><span class="facts">{facts}</span> })}</td>
                                        <td>{format!("{} {}", s.what.due_label_ja(), s.due_on.format_wareki_ja())}</td>
                                        <td>{s.owner.clone()}</td>
                                        <td>{state_ja(&s, t)}</td>
                                        <td>{last}</td>
                                        <td><button type="button" class="small" aria-label=format!("済んだことを記録({title})")
                                            on:click=move |_| pick(item.clone())>"済んだことを記録"</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {move || selected_state().map(|s| view! {
                <form class="done-form" on:submit=submit_done novalidate aria-labelledby="done-heading">
                    <h4 id="done-heading">{format!("済んだことを記録: {}", s.title_ja())}</h4>
                    <p class="panel-note">"記録者は本日の担当者です。"</p>
                    <div class="field-row">
                        <div class="field">
                            <label for=DONE_FIRST_FIELD>"済ませた日"</label>
                            <input id=DONE_FIRST_FIELD type="date" aria-describedby="err-done-on" prop:value=done_on on:input=move |ev| done_on.set(event_target_value(&ev))/>
                            {field_messages(done_issues, &["details.done_on"], "err-done-on")}
                        </div>
                        <div class="field">
                            <label for="done-new-due">{format!("新しい{}", s.what.due_label_ja())}</label>
                            <input id="done-new-due" type="date" aria-describedby="err-done-new-due" prop:value=new_due on:input=move |ev| new_due.set(event_target_value(&ev))/>
                            {field_messages(done_issues, &["details.new_due_on"], "err-done-new-due")}
                        </div>
                    </div>
                    {(s.what == RenewalWhat::ClientApp).then(|| view! {
                        <div class="field">
                            <label for="done-version">"入れた版"</label>
                            <input id="done-version" type="text" prop:value=done_version on:input=move |ev| done_version.set(event_target_value(&ev))/>
                        </div>
                    })}
                    <div class="field">
                        <label for="done-note">"メモ(任意。パスワードは書かないでください)"</label>
                        <input id="done-note" type="text" aria-describedby="err-done-note" prop:value=done_note on:input=move |ev| done_note.set(event_target_value(&ev))/>
                        {field_messages(done_issues, &["details.note", "details.item"], "err-done-note")}
                    </div>
                    <div class="button-row">
                        <button type="submit">"済んだことを記録"</button>
                        <button type="button" class="secondary" on:click=move |_| selected.set(None)>"やめる"</button>
                    </div>
                </form>
            })}
            <p class="save-status" role="status" data-testid="done-status">{move || done_status.get()}</p>
        </section>
        <section class="ledger-panel" aria-labelledby="renewal-add-heading">
            <h3 id="renewal-add-heading">"期限のあるものを登録"</h3>
            <p class="panel-note">"パスワード・証明書のファイル・暗証番号は入力しません。期限と担当者だけを記録します。"</p>
            <form on:submit=submit_add novalidate>
                <div class="field-row">
                    <div class="field">
                        <label for="renewal-what">"種類"</label>
                        <select id="renewal-what" on:change=move |ev| {
                            if let Some(w) = RenewalWhat::parse(&event_target_value(&ev)) { what.set(w); }
                            add_issues.set(Vec::new());
                        }>
                            {RenewalWhat::ALL.iter().map(|w| view! { <option value=w.as_str()>{w.label_ja()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="renewal-owner">"担当者"</label>
                        <select id="renewal-owner" aria-describedby="err-renewal-owner" prop:value=owner on:change=move |ev| owner.set(event_target_value(&ev))>
                            <option value="">"(選んでください)"</option>
                            {move || staff().into_iter().map(|s| view! { <option value=s.clone()>{s.clone()}</option> }).collect_view()}
                        </select>
                        {field_messages(add_issues, &["details.owner"], "err-renewal-owner")}
                    </div>
                </div>
                <Show when=move || what.get() == RenewalWhat::Licence>
                    <div class="field-row">
                        <div class="field">
                            <label for="renewal-office">"事業所番号"</label>
                            <input id="renewal-office" type="text" inputmode="numeric" aria-describedby="err-renewal-office" prop:value=office_number on:input=move |ev| office_number.set(event_target_value(&ev))/>
                            {field_messages(add_issues, &["details.office_number"], "err-renewal-office")}
                        </div>
                        <div class="field">
                            <label for="renewal-applied">"申込日"</label>
                            <input id="renewal-applied" type="date" prop:value=applied_on on:input=move |ev| applied_on.set(event_target_value(&ev))/>
                        </div>
                        <div class="field">
                            <label for="renewal-free">"無料期間の終わり(あれば)"</label>
                            <input id="renewal-free" type="date" prop:value=free_until on:input=move |ev| free_until.set(event_target_value(&ev))/>
                        </div>
                        <div class="field">
                            <label for="renewal-amount">"金額(円・税込)"</label>
                            <input id="renewal-amount" type="text" inputmode="numeric" prop:value=amount on:input=move |ev| amount.set(event_target_value(&ev))/>
                        </div>
                    </div>
                </Show>
                <Show when=move || what.get() == RenewalWhat::Certificate>
                    <fieldset class="field">
                        <legend>"証明書の種類"</legend>
                        {[CertificateKind::CareInsurance, CertificateKind::DelegatedBilling].into_iter().map(|c| view! {
                            <label class="filter-choice"><input type="radio" name="cert-kind" prop:checked=move || certificate.get() == c
                                on:change=move |_| certificate.set(c)/>{c.label_ja()}</label>
                        }).collect_view()}
                    </fieldset>
                    <div class="field">
                        <label for="renewal-terminal">"入れてあるパソコン"</label>
                        <input id="renewal-terminal" type="text" prop:value=terminal on:input=move |ev| terminal.set(event_target_value(&ev))/>
                    </div>
                </Show>
                <Show when=move || what.get() == RenewalWhat::ClientApp>
                    <div class="field-row">
                        <div class="field">
                            <label for="renewal-version">"今の版"</label>
                            <input id="renewal-version" type="text" prop:value=app_version on:input=move |ev| app_version.set(event_target_value(&ev))/>
                        </div>
                        <div class="field">
                            <label for="renewal-updated">"最後に更新した日"</label>
                            <input id="renewal-updated" type="date" prop:value=updated_on on:input=move |ev| updated_on.set(event_target_value(&ev))/>
                        </div>
                    </div>
                </Show>
                <div class="field">
                    <label for="renewal-due">{move || what.get().due_label_ja()}</label>
                    <input id="renewal-due" type="date" aria-describedby="err-renewal-due" prop:value=due on:input=move |ev| due.set(event_target_value(&ev))/>
                    {field_messages(add_issues, &["details.due_on"], "err-renewal-due")}
                </div>
                <button type="submit">"登録する"</button>
                <p class="save-status" role="status" data-testid="renewal-add-status">{move || add_status.get()}</p>
            </form>
        </section>
    }
}
