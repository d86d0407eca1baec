//! 「あとからの記録を追加」: the later events of a recorded file or a user — 取込完了, 保存場所,
//! 差替, 利用者同意, 利用者へ交付, メモ, 訂正, 完結日. The form builds an [`EntryDraft`]; the
//! messages of [`EntryDraft::validate`] appear next to the fields they are about.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::settings::field_messages;
use super::state::{now, LedgerState};
use super::today_staff::ask_for_staff;
use crate::jpdate::{CivilDate, JapanDateTime, YearMonth};
use crate::ledger::entry::{act_time_label, takes_act_time};
use crate::ledger::file_groups::file_groups;
use crate::ledger::query::clients;
use crate::ledger::{
    describe_ja, ConsentMethod, DeliveredDocument, Details, DeviceId, Entry, EntryDraft, EntryRef,
    Kind, Subject, ValidationIssue,
};

/// The event kinds staff add by hand, in the order of a plan's life.
const FORM_KINDS: [(Kind, &str); 8] = [
    (Kind::Imported, "介護ソフトへ取込完了"),
    (Kind::StoragePlace, "保存場所"),
    (Kind::Replaced, "差替(理由が必要)"),
    (Kind::Consent, "利用者同意"),
    (Kind::DeliveredToClient, "利用者へ交付"),
    (Kind::Memo, "メモ"),
    (Kind::Correction, "訂正"),
    (Kind::Completion, "完結日"),
];

fn needs_file(kind: Kind) -> bool {
    matches!(kind, Kind::Imported | Kind::StoragePlace | Kind::Replaced)
}

/// 取込 and 保存場所 can be recorded for many files at once; a 差替 is about one file.
fn takes_groups(kind: Kind) -> bool {
    matches!(kind, Kind::Imported | Kind::StoragePlace)
}

/// How many groups of files the list offers (newest first).
const GROUPS: usize = 20;

fn needs_client(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Consent | Kind::DeliveredToClient | Kind::Completion
    )
}

/// `YYYY-MM-DD` from a date input.
fn parse_date(s: &str) -> Option<CivilDate> {
    CivilDate::parse_yyyymmdd(&s.replace('-', ""))
}

/// `YYYY-MM` from a month input.
fn parse_month(s: &str) -> Option<YearMonth> {
    YearMonth::parse_yyyymm(&s.replace('-', ""))
}

/// The form for the later events.
#[component]
pub fn EventForm() -> impl IntoView {
    let state = LedgerState::use_context();
    let kind = RwSignal::new(Kind::Imported);
    let file_seq = RwSignal::new(String::new());
    let client = RwSignal::new(String::new());
    let plan_date = RwSignal::new(String::new());
    let month = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let replaces = RwSignal::new(String::new());
    let method = RwSignal::new("signature".to_string());
    let document = RwSignal::new("care_plan".to_string());
    let date = RwSignal::new(String::new());
    let prior = RwSignal::new(String::new());
    let corrects = RwSignal::new(String::new());
    // When the act happened (取込日時 …): now unless staff change it.
    let act_at = RwSignal::new(now().to_japan().form_value());
    let act_changed = RwSignal::new(false);
    let issues = RwSignal::new(Vec::<ValidationIssue>::new());
    let status = RwSignal::new(String::new());
    // The client chosen in 利用者 is the one the form is about.
    let chosen = crate::ui::places::use_chosen_client();
    Effect::new(move |_| {
        if let Some(k) = chosen.get() {
            client.set(format!("{}-{}", k.insurer_number, k.insured_number));
        }
    });

    // The newest files and entries to choose from: a list of years of records would be
    // thousands of options nobody can scroll (and slow to build).
    let file_entries = move || {
        state.entries.with(|e| {
            e.iter()
                .rev()
                .filter(|x| {
                    matches!(
                        x.kind(),
                        Kind::Received | Kind::Sent | Kind::DeletionReceived
                    )
                })
                .take(CHOICES)
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    let drafts = move || -> Result<Vec<EntryDraft>, Vec<ValidationIssue>> {
        let k = kind.get_untracked();
        let mut subject = Subject::default();
        let mut extra = Vec::new();
        // The files the event is about: one, or a group (取込 and 保存場所 only).
        let mut more_subjects = Vec::new();
        if needs_file(k) {
            let value = file_seq.get_untracked();
            let targets: Vec<EntryRef> = if takes_groups(k) && parse_entry_value(&value).is_none() {
                state.entries.with_untracked(|e| {
                    file_groups(e, GROUPS)
                        .into_iter()
                        .find(|g| g.value == value)
                        .map(|g| g.files)
                        .unwrap_or_default()
                })
            } else {
                parse_entry_value(&value).into_iter().collect()
            };
            let mut subjects = state.entries.with_untracked(|e| {
                targets
                    .iter()
                    .filter_map(|t| e.iter().find(|x| x.id() == *t).map(|x| x.subject.clone()))
                    .collect::<Vec<_>>()
            });
            if subjects.is_empty() {
                extra.push(ValidationIssue {
                    field: "subject.file",
                    message: "対象のファイルを選んでください".into(),
                });
            } else {
                subject = subjects.remove(0);
                more_subjects = subjects;
            }
        }
        if needs_client(k) || (k == Kind::Memo && !client.get_untracked().is_empty()) {
            let chosen = client.get_untracked();
            let found = state
                .entries
                .with_untracked(|e| clients(e))
                .into_iter()
                .find(|c| format!("{}-{}", c.key.insurer_number, c.key.insured_number) == chosen);
            if let Some(c) = found {
                subject.clients = vec![crate::ledger::Client {
                    insurer_number: c.key.insurer_number,
                    insured_number: c.key.insured_number,
                    name: c.name,
                    kana: c.kana,
                    plan_date: parse_date(&plan_date.get_untracked()),
                }];
                subject.service_month = parse_month(&month.get_untracked());
            }
        }
        let on = parse_date(&date.get_untracked());
        let date_issue = |extra: &mut Vec<ValidationIssue>, field: &'static str, what: &str| {
            extra.push(ValidationIssue {
                field,
                message: format!("{what}を入力してください"),
            });
        };
        let fallback_date = CivilDate::new(1970, 1, 1).expect("valid");
        let own_device = state
            .device
            .with_untracked(|d| d.as_ref().map(|d| d.id.clone()));
        let own = own_device.as_ref();
        let details = match k {
            Kind::Imported => Details::Imported {
                software: Some(text.get_untracked().trim().to_string()).filter(|s| !s.is_empty()),
            },
            Kind::StoragePlace => Details::StoragePlace {
                place: text.get_untracked().trim().to_string(),
            },
            Kind::Replaced => {
                let (replaces_seq, replaces_device) =
                    reference(parse_entry_value(&replaces.get_untracked()), own);
                Details::Replaced {
                    reason: text.get_untracked().trim().to_string(),
                    replaces_seq,
                    replaces_device,
                }
            }
            Kind::Consent => {
                if on.is_none() {
                    date_issue(&mut extra, "details.consented_on", "同意日");
                }
                let electronic = method.get_untracked() == "electronic";
                Details::Consent {
                    method: if electronic {
                        ConsentMethod::Electronic
                    } else {
                        ConsentMethod::Signature
                    },
                    consented_on: on.unwrap_or(fallback_date),
                    prior_approval_on: if electronic {
                        parse_date(&prior.get_untracked())
                    } else {
                        None
                    },
                }
            }
            Kind::DeliveredToClient => {
                if on.is_none() {
                    date_issue(&mut extra, "details.delivered_on", "交付日");
                }
                Details::DeliveredToClient {
                    document: if document.get_untracked() == "schedule_copy" {
                        DeliveredDocument::ScheduleCopy
                    } else {
                        DeliveredDocument::CarePlan
                    },
                    delivered_on: on.unwrap_or(fallback_date),
                }
            }
            Kind::Memo => Details::Memo {
                text: text.get_untracked().trim().to_string(),
            },
            Kind::Correction => {
                let (corrects_seq, corrects_device) =
                    reference(parse_entry_value(&corrects.get_untracked()), own);
                Details::Correction {
                    corrects_seq: corrects_seq.unwrap_or(0),
                    corrects_device,
                    text: text.get_untracked().trim().to_string(),
                }
            }
            _ => {
                if on.is_none() {
                    date_issue(&mut extra, "details.completed_on", "完結日");
                }
                Details::Completion {
                    completed_on: on.unwrap_or(fallback_date),
                }
            }
        };
        let mut occurred_at = None;
        if takes_act_time(k) && act_changed.get_untracked() {
            match JapanDateTime::parse_form_value(&act_at.get_untracked()) {
                Some(t) => occurred_at = Some(t.to_timestamp()),
                None => extra.push(ValidationIssue {
                    field: "occurred_at",
                    message: format!("{}を、日付と時刻まで入力してください", act_time_label(k)),
                }),
            }
        }
        let d =
            EntryDraft::new(state.actor.get_untracked(), subject, details).occurred_at(occurred_at);
        let mut all = d.validate_at(now()).err().unwrap_or_default();
        if on.is_none() {
            // The missing date is said once (「…を入力してください」), not also as the
            // placeholder date being too early.
            all.retain(|i| {
                !matches!(
                    i.field,
                    "details.consented_on" | "details.delivered_on" | "details.completed_on"
                )
            });
        }
        if needs_client(k) && client.get_untracked().is_empty() {
            all.retain(|i| i.field != "subject.clients");
            all.push(ValidationIssue {
                field: "subject.clients",
                message: "利用者を選んでください".into(),
            });
        }
        all.extend(extra);
        if !all.is_empty() {
            return Err(all);
        }
        let mut drafts = vec![d.clone()];
        for subject in more_subjects {
            let mut other = d.clone();
            other.subject = subject;
            drafts.push(other);
        }
        Ok(drafts)
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if state.actor.with_untracked(String::is_empty) {
            status.set(ask_for_staff());
            return;
        }
        match drafts() {
            Err(found) => {
                issues.set(found);
                status.set("入力を確かめてください。".into());
            }
            Ok(drafts) => {
                issues.set(Vec::new());
                status.set("保存しています…".into());
                let files = drafts.len();
                spawn_local(async move {
                    match state.record(&[], drafts).await {
                        Ok(_) if files > 1 => {
                            status.set(format!("保存しました(ファイル{files}件)"));
                            text.set(String::new());
                        }
                        Ok(_) => {
                            status.set("保存しました".into());
                            text.set(String::new());
                        }
                        Err(e) => status.set(format!("保存できませんでした: {e}")),
                    }
                });
            }
        }
    };

    let k = move || kind.get();
    let text_label = move || match k() {
        Kind::Imported => "介護ソフト名(任意)",
        Kind::StoragePlace => "保存場所(フォルダの場所や保管場所)",
        Kind::Replaced => "差替の理由",
        Kind::Correction => "訂正の内容(何が誤りで、正しくは何か)",
        _ => "メモの内容",
    };
    let date_label = move || match k() {
        Kind::Consent => "同意日",
        Kind::DeliveredToClient => "交付日",
        _ => "完結日",
    };

    view! {
        <section class="ledger-panel event-form" aria-labelledby="event-heading">
            <h3 id="event-heading">"あとからの記録を追加"</h3>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="event-kind">"記録の種類"</label>
                    <select id="event-kind" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(found) = Kind::parse(&v) { kind.set(found); }
                        issues.set(Vec::new());
                        status.set(String::new());
                    }>
                        {FORM_KINDS.iter().map(|(k, label)| view! { <option value=k.as_str()>{*label}</option> }).collect_view()}
                    </select>
                </div>
                <Show when=move || needs_file(k())>
                    <div class="field">
                        <label for="event-file">"対象のファイル"</label>
                        <select id="event-file" aria-describedby="err-event-file" prop:value=file_seq on:change=move |ev| file_seq.set(event_target_value(&ev))>
                            <option value="">"(選んでください)"</option>
                            {move || takes_groups(k()).then(|| {
                                let groups = state.entries.with(|e| file_groups(e, GROUPS));
                                (!groups.is_empty()).then(|| view! {
                                    <optgroup label="まとめて(一緒に記録したファイル・同じ連番のファイル)">
                                        {groups.into_iter().map(|g| view! { <option value=g.value>{g.label}</option> }).collect_view()}
                                    </optgroup>
                                })
                            })}
                            <optgroup label="ファイルごと">
                                {move || file_entries().into_iter().map(|e| {
                                    let label = entry_label(state, &e);
                                    view! { <option value=entry_value(&e)>{label}</option> }
                                }).collect_view()}
                            </optgroup>
                        </select>
                        {field_messages(issues, &["subject.file"], "err-event-file")}
                    </div>
                </Show>
                <Show when=move || k() == Kind::Replaced>
                    <div class="field">
                        <label for="event-replaces">"差し替えられる前の版(分かれば)"</label>
                        <select id="event-replaces" prop:value=replaces on:change=move |ev| replaces.set(event_target_value(&ev))>
                            <option value="">"(選ばない)"</option>
                            {move || file_entries().into_iter().map(|e| {
                                let label = entry_label(state, &e);
                                view! { <option value=entry_value(&e)>{label}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <Show when=move || needs_client(k()) || k() == Kind::Memo>
                    <div class="field">
                        <label for="event-client">{move || if k() == Kind::Memo { "利用者(任意)" } else { "利用者" }}</label>
                        <select id="event-client" aria-describedby="err-event-client" prop:value=client on:change=move |ev| client.set(event_target_value(&ev))>
                            <option value="">"(選んでください)"</option>
                            {move || state.entries.with(|e| clients(e)).into_iter().map(|c| {
                                let label = format!("{}({})", c.name, c.key.insured_number);
                                view! { <option value=format!("{}-{}", c.key.insurer_number, c.key.insured_number)>{label}</option> }
                            }).collect_view()}
                        </select>
                        {field_messages(issues, &["subject.clients", "subject.clients.name", "subject.clients.insurer_number", "subject.clients.insured_number"], "err-event-client")}
                    </div>
                </Show>
                <Show when=move || needs_client(k())>
                    <div class="field-row">
                        <div class="field">
                            <label for="event-plan-date">"計画の作成(変更)日"</label>
                            <input id="event-plan-date" type="date" prop:value=plan_date on:input=move |ev| plan_date.set(event_target_value(&ev))/>
                        </div>
                        <div class="field">
                            <label for="event-month">"または 対象年月"</label>
                            <input id="event-month" type="month" prop:value=month on:input=move |ev| month.set(event_target_value(&ev))/>
                        </div>
                    </div>
                    {field_messages(issues, &["subject.service_month", "subject.clients.plan_date"], "err-event-month")}
                </Show>
                <Show when=move || k() == Kind::Consent>
                    <fieldset class="field">
                        <legend>"同意の方法"</legend>
                        <label class="filter-choice"><input type="radio" name="consent-method" value="signature"
                            prop:checked=move || method.get() == "signature" on:change=move |_| method.set("signature".into())/>"署名"</label>
                        <label class="filter-choice"><input type="radio" name="consent-method" value="electronic"
                            prop:checked=move || method.get() == "electronic" on:change=move |_| method.set("electronic".into())/>"電磁的方法"</label>
                    </fieldset>
                    <Show when=move || method.get() == "electronic">
                        <div class="field">
                            <label for="event-prior">"電磁的方法への事前承諾日"</label>
                            <input id="event-prior" type="date" aria-describedby="err-event-prior" prop:value=prior on:input=move |ev| prior.set(event_target_value(&ev))/>
                            {field_messages(issues, &["details.prior_approval_on"], "err-event-prior")}
                        </div>
                    </Show>
                </Show>
                <Show when=move || k() == Kind::DeliveredToClient>
                    <fieldset class="field">
                        <legend>"交付したもの"</legend>
                        <label class="filter-choice"><input type="radio" name="delivered-doc" value="care_plan"
                            prop:checked=move || document.get() == "care_plan" on:change=move |_| document.set("care_plan".into())/>"計画書"</label>
                        <label class="filter-choice"><input type="radio" name="delivered-doc" value="schedule_copy"
                            prop:checked=move || document.get() == "schedule_copy" on:change=move |_| document.set("schedule_copy".into())/>"第6表控"</label>
                    </fieldset>
                </Show>
                <Show when=move || needs_client(k())>
                    <div class="field">
                        <label for="event-date">{date_label}</label>
                        <input id="event-date" type="date" aria-describedby="err-event-date" prop:value=date on:input=move |ev| date.set(event_target_value(&ev))/>
                        {field_messages(issues, &["details.consented_on", "details.delivered_on", "details.completed_on"], "err-event-date")}
                    </div>
                </Show>
                <Show when=move || takes_act_time(k())>
                    <div class="field">
                        <label for="event-act-at">{move || act_time_label(k())}</label>
                        <input id="event-act-at" type="datetime-local" aria-describedby="err-event-act-at" prop:value=act_at
                            on:input=move |ev| { act_at.set(event_target_value(&ev)); act_changed.set(true); }/>
                        {field_messages(issues, &["occurred_at"], "err-event-act-at")}
                    </div>
                </Show>
                <Show when=move || k() == Kind::Correction>
                    <div class="field">
                        <label for="event-corrects">"訂正する記録"</label>
                        <select id="event-corrects" aria-describedby="err-event-corrects" prop:value=corrects on:change=move |ev| corrects.set(event_target_value(&ev))>
                            <option value="">"(選んでください)"</option>
                            {move || state.entries.with(|all| all.iter().rev().take(CHOICES).cloned().collect::<Vec<_>>()).into_iter().map(|e| {
                                let label = entry_label(state, &e);
                                view! { <option value=entry_value(&e)>{label}</option> }
                            }).collect_view()}
                        </select>
                        {field_messages(issues, &["details.corrects_seq"], "err-event-corrects")}
                    </div>
                </Show>
                <Show when=move || !needs_client(k())>
                    <div class="field">
                        <label for="event-text">{text_label}</label>
                        <textarea id="event-text" rows="2" aria-describedby="err-event-text" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        {field_messages(issues, &["details.text", "details.place", "details.reason", "details.software"], "err-event-text")}
                    </div>
                </Show>
                <button type="submit">"この記録を追加"</button>
                <p class="save-status" role="status">{move || status.get()}</p>
            </form>
        </section>
    }
}

/// How many of the newest entries the lists of choices offer.
const CHOICES: usize = 300;

/// An entry's value in a list of choices: `"<device>/<seq>"`.
fn entry_value(e: &Entry) -> String {
    format!("{}/{}", e.device, e.seq)
}

fn parse_entry_value(v: &str) -> Option<EntryRef> {
    let (device, seq) = v.split_once('/')?;
    Some(EntryRef {
        device: DeviceId::parse(device)?,
        seq: seq.parse().ok()?,
    })
}

/// 「事務室PC 記録12: 送信 …」: which PC wrote it, its number there, what it says.
fn entry_label(state: LedgerState, e: &Entry) -> String {
    format!(
        "{} 記録{}: {}",
        state.device_label(&e.device),
        e.seq,
        describe_ja(e)
    )
}

/// A reference as the entry stores it: the seq, and the device only when it is not ours.
fn reference(chosen: Option<EntryRef>, own: Option<&DeviceId>) -> (Option<u64>, Option<DeviceId>) {
    match chosen {
        None => (None, None),
        Some(r) if Some(&r.device) == own => (Some(r.seq), None),
        Some(r) => (Some(r.seq), Some(r.device)),
    }
}
