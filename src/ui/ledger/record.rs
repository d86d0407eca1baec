//! 「台帳に記録」 above the check results: the checked files with their direction (受信 / 送信,
//! proposed from our office number, changeable), the partner's name, and one button that
//! records each file, its チェック結果 and its bytes. 「保存しました」 only after the store
//! confirmed every write.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::settings::ActorPicker;
use super::state::LedgerState;
use crate::check::Severity;
use crate::display::byte_size;
use crate::jpdate::JapanDateTime;
use crate::ledger::entry::takes_act_time;
use crate::ledger::query::{clients, partners};
use crate::ledger::recording::{direction_for, partner_office, UNNAMED_CLIENT};
use crate::ledger::versions::serial_made_at_ja;
use crate::ledger::{record_drafts, CheckedFileSummary, ClientKey, Direction, Kind};
use crate::page_origin::PageOrigin;
use crate::store::{estimate_storage, request_persistence};
use crate::ui::{Upload, View, Workspace};

/// A checked file as the recording needs it.
pub fn summary_of(upload: &Upload) -> Option<CheckedFileSummary> {
    let outcome = upload.outcome()?;
    let report = &outcome.report;
    Some(CheckedFileSummary {
        name: upload.name.clone(),
        size: upload.size,
        sha256: report.sha256.clone(),
        facts: outcome.facts.clone(),
        errors: report.counts.errors,
        warnings: report.counts.warnings,
        first_problem: report
            .findings
            .iter()
            .find(|f| matches!(f.severity, Severity::Error | Severity::Warning))
            .map(|f| f.message.clone()),
    })
}

/// Staff's choice for one file: its own signals, so typing never re-renders the table.
#[derive(Clone, Copy)]
struct Choice {
    direction: RwSignal<Option<Direction>>,
    partner_name: RwSignal<String>,
}

fn origin_now() -> PageOrigin {
    let location = web_sys::window().map(|w| w.location());
    let get = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
        location
            .as_ref()
            .and_then(|l| f(l).ok())
            .unwrap_or_default()
    };
    PageOrigin::classify(&get(|l| l.protocol()), &get(|l| l.hostname()))
}

/// The 「台帳に記録」 panel (placed above the check results).
#[component]
pub fn RecordCheckedFiles() -> impl IntoView {
    let Some(state) = use_context::<LedgerState>() else {
        return ().into_any();
    };
    view! { <RecordPanel state=state/> }.into_any()
}

#[component]
fn RecordPanel(state: LedgerState) -> impl IntoView {
    let workspace = Workspace::use_context();
    let view_signal = use_context::<RwSignal<View>>();
    let choices = StoredValue::new(HashMap::<u64, Choice>::new());
    // Choices outlive the table's re-renders (a file finishing its check re-renders the
    // rows), so their signals belong to the panel, not to one render of the rows.
    let panel_owner = StoredValue::new(Owner::current().expect("a component has an owner"));
    let status = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let storage_note = RwSignal::new(Option::<String>::None);
    // 送信・受信した日時 of the batch: now unless staff change it.
    let when = RwSignal::new(super::state::now().to_japan().form_value());
    let when_changed = RwSignal::new(false);
    let asked_persistence = StoredValue::new(false);

    let our_office = move || {
        state
            .settings
            .with(|s| s.as_ref().map(|s| s.office_number.clone()))
    };
    let checked = move || {
        workspace.uploads.with(|all| {
            all.iter()
                .filter_map(|u| summary_of(u).map(|s| (u.id, u.bytes.clone(), s)))
                .collect::<Vec<_>>()
        })
    };
    let known_partner = move |office: &str| {
        state
            .entries
            .with(|e| partners(e))
            .into_iter()
            .find(|(n, _)| n == office)
            .map(|(_, name)| name)
    };
    let proposed_name = move |file: &CheckedFileSummary, direction: Option<Direction>| {
        direction
            .and_then(|d| partner_office(&file.facts, d))
            .and_then(|o| known_partner(&o))
            .unwrap_or_default()
    };
    // The row's choice, created with the proposal the first time the file is shown.
    let choice_of = move |id: u64, file: &CheckedFileSummary| -> Choice {
        if let Some(c) = choices.with_value(|c| c.get(&id).copied()) {
            return c;
        }
        let direction = our_office().and_then(|o| direction_for(&o, &file.facts));
        let name = proposed_name(file, direction);
        let c = panel_owner.with_value(|owner| {
            owner.with(|| Choice {
                direction: RwSignal::new(direction),
                partner_name: RwSignal::new(name),
            })
        });
        choices.update_value(|all| {
            all.insert(id, c);
        });
        c
    };
    // The same bytes under the same name: recorded. The same bytes under a new name (a new
    // 連番: the care software re-exported an unchanged plan) are a new exchange.
    let already_recorded = move |sha: &str, name: &str| {
        state.entries.with(|e| {
            e.iter().any(|x| {
                matches!(
                    x.kind(),
                    Kind::Received | Kind::Sent | Kind::DeletionReceived
                ) && x
                    .subject
                    .file
                    .as_ref()
                    .is_some_and(|f| f.sha256 == sha && f.name == name)
            })
        })
    };

    let record = move |_| {
        if busy.get_untracked() {
            return;
        }
        let actor = state.actor.get_untracked();
        if actor.is_empty() {
            status.set("記録者を選んでください。".into());
            return;
        }
        let files = checked();
        let mut plan = Vec::new();
        for (id, bytes, file) in files {
            if already_recorded(&file.sha256, &file.name) {
                continue;
            }
            let choice = choice_of(id, &file);
            let Some(direction) = choice.direction.get_untracked() else {
                status.set(format!("「{}」が受信か送信かを選んでください。", file.name));
                return;
            };
            if partner_office(&file.facts, direction).is_none() {
                status.set(format!(
                    "「{}」のファイル名から相手先の事業所番号が分かりません。記録できません。",
                    file.name
                ));
                return;
            }
            let partner_name = choice.partner_name.get_untracked();
            if partner_name.trim().is_empty() {
                status.set(format!(
                    "「{}」の相手先事業所名を入力してください。",
                    file.name
                ));
                return;
            }
            plan.push((bytes, file, direction, partner_name));
        }
        if plan.is_empty() {
            status.set("新しく記録するファイルはありません(すべて記録済みです)。".into());
            return;
        }
        // Names known from earlier records and from the other files on the page.
        let mut names: HashMap<ClientKey, String> = state
            .entries
            .with(|e| clients(e))
            .into_iter()
            .filter(|c| c.name != UNNAMED_CLIENT)
            .map(|c| (c.key, c.name))
            .collect();
        for (_, file, _, _) in &plan {
            for c in &file.facts.clients {
                if let Some(n) = c.name.as_ref().filter(|n| !n.trim().is_empty()) {
                    names.insert(
                        ClientKey {
                            insurer_number: c.insurer_number.clone(),
                            insured_number: c.insured_number.clone(),
                        },
                        n.trim().to_string(),
                    );
                }
            }
        }
        let known = move |k: &ClientKey| names.get(k).cloned();
        let occurred_at = if when_changed.get_untracked() {
            match JapanDateTime::parse_form_value(&when.get_untracked()) {
                Some(t) => Some(t.to_timestamp()),
                None => {
                    status.set("送信・受信した日時を、日付と時刻まで入力してください。".into());
                    return;
                }
            }
        } else {
            None
        };
        let mut drafts = Vec::new();
        for (_, file, direction, partner_name) in &plan {
            for d in record_drafts(&actor, file, *direction, partner_name, &known) {
                let d = if takes_act_time(d.kind()) {
                    d.occurred_at(occurred_at)
                } else {
                    d
                };
                if let Err(issues) = d.validate_at(super::state::now()) {
                    status.set(format!(
                        "「{}」: {}",
                        file.name,
                        issues
                            .iter()
                            .map(|i| i.message.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ));
                    return;
                }
                drafts.push(d);
            }
        }
        busy.set(true);
        status.set("記録しています…".into());
        let first_time = !asked_persistence.get_value();
        asked_persistence.set_value(true);
        spawn_local(async move {
            if first_time {
                let persisted = request_persistence().await;
                let estimate = estimate_storage()
                    .await
                    .map(|e| {
                        format!(
                            "使用量 {} / 上限の目安 {}",
                            byte_size(e.usage as u64),
                            byte_size(e.quota as u64)
                        )
                    })
                    .unwrap_or_else(|| "使用量はこのブラウザでは分かりません".into());
                storage_note.set(Some(format!(
                    "{}。{}。{}",
                    persisted.label_ja(),
                    estimate,
                    origin_now().data_note()
                )));
            }
            // The bytes and the entries in one transaction: a recorded file can always be
            // downloaded again, and an interrupted batch leaves nothing half-written.
            for (bytes, file, _, _) in &plan {
                if crate::fingerprint::sha256_hex(bytes) != file.sha256 {
                    status.set(format!("「{}」の中身がチェックの後で変わっています。もう一度チェックしてください。", file.name));
                    busy.set(false);
                    return;
                }
            }
            let files = plan.len();
            let bytes: Vec<&[u8]> = plan.iter().map(|(b, _, _, _)| b.as_slice()).collect();
            match state.record(&bytes, drafts).await {
                Ok(n) => status.set(format!("保存しました(ファイル{files}件、記録{n}件)")),
                Err(e) => status.set(format!("記録できませんでした(何も保存していません): {e}")),
            }
            busy.set(false);
        });
    };

    let row = move |(id, file): (u64, CheckedFileSummary)| {
        let choice = choice_of(id, &file);
        let recorded = already_recorded(&file.sha256, &file.name);
        let facts = file.facts.clone();
        let file_for_dir = file.clone();
        let set_direction = move |ev: leptos::ev::Event| {
            let direction = match event_target_value(&ev).as_str() {
                "sent" => Some(Direction::Sent),
                "received" => Some(Direction::Received),
                _ => None,
            };
            choice.direction.set(direction);
            if choice.partner_name.get_untracked().trim().is_empty() {
                choice
                    .partner_name
                    .set(proposed_name(&file_for_dir, direction));
            }
        };
        let made_at = file
            .facts
            .serial
            .as_deref()
            .and_then(serial_made_at_ja)
            .unwrap_or_else(|| "分かりません".into());
        let dir_id = format!("rec-dir-{id}");
        let name_id = format!("rec-partner-{id}");
        let partner_no = move || {
            choice
                .direction
                .get()
                .and_then(|d| partner_office(&facts, d))
                .unwrap_or_else(|| "(受信・送信を選ぶと表示)".into())
        };
        let dir_value = move || match choice.direction.get() {
            Some(Direction::Sent) => "sent",
            Some(Direction::Received) => "received",
            None => "",
        };
        view! {
            <tr>
                <th scope="row" class="file-name">{file.name.clone()}</th>
                <td>{made_at}</td>
                <td>
                    {if recorded {
                        view! { <span class="recorded-mark">"✔ 記録済み"</span> }.into_any()
                    } else {
                        view! {
                            <label class="visually-hidden" for=dir_id.clone()>{format!("{} の受信・送信", file.name)}</label>
                            <select id=dir_id prop:value=dir_value on:change=set_direction>
                                <option value="">"(選んでください)"</option>
                                <option value="received">"受信"</option>
                                <option value="sent">"送信"</option>
                            </select>
                        }.into_any()
                    }}
                </td>
                <td>{partner_no}</td>
                <td>
                    {(!recorded).then(|| view! {
                        <label class="visually-hidden" for=name_id.clone()>{format!("{} の相手先事業所名", file.name)}</label>
                        <input id=name_id prop:value=move || choice.partner_name.get()
                            on:input=move |ev| choice.partner_name.set(event_target_value(&ev))/>
                    })}
                </td>
            </tr>
        }
    };
    let rows = move || {
        checked()
            .into_iter()
            .map(|(id, _, file)| row((id, file)))
            .collect_view()
    };

    view! {
        <section class="record-panel no-print" aria-labelledby="record-heading"
            hidden=move || workspace.uploads.with(|all| !all.iter().any(|u| u.outcome().is_some()))>
            <h3 id="record-heading">"台帳に記録"</h3>
            <Show
                when=move || state.settings.with(|s| s.as_ref().is_some_and(|s| s.is_ready()))
                fallback=move || view! {
                    <p class="panel-note">
                        "台帳に記録するには、先に「証跡台帳」の画面で事業所番号と職員を登録してください。"
                    </p>
                    <button type="button" class="secondary" on:click=move |_| if let Some(v) = view_signal { v.set(View::Ledger) }>
                        "証跡台帳の設定を開く"
                    </button>
                }
            >
                <p class="panel-note">
                    "受信・送信は自事業所番号から判断しています。違うときは選び直してください。"
                    "チェック結果とファイルそのものも一緒に保存します。"
                </p>
                <ActorPicker id="record-actor"/>
                <div class="field">
                    <label for="record-when">"送信・受信した日時(ここに並ぶファイル全部)"</label>
                    <input id="record-when" type="datetime-local" prop:value=move || when.get()
                        on:input=move |ev| { when.set(event_target_value(&ev)); when_changed.set(true); }/>
                    <p class="panel-note">"実際に送った・受け取った日時です。今でなければ直してください。台帳には、記録した日時も別に残ります。"</p>
                </div>
                <table class="file-table record-table">
                    <thead><tr><th scope="col">"ファイル"</th><th scope="col">"ファイルの作成日時(連番)"</th><th scope="col">"受信・送信"</th><th scope="col">"相手先の事業所番号"</th><th scope="col">"相手先の事業所名"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                <button type="button" class="big-button" on:click=record disabled=move || busy.get()>"台帳に記録"</button>
                <p class="save-status" role="status">{move || status.get()}</p>
                {move || storage_note.get().map(|note| view! { <p class="panel-note storage-note">{note}</p> })}
            </Show>
        </section>
    }
}
