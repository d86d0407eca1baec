//! 「台帳に記録」 above the check results: one row per checked file with a tick (files with
//! errors start unticked, with the reason), its state, its direction (受信 / 送信, proposed
//! from our office number, changeable), then each partner office's name asked once, and one
//! button that records every ticked file, its チェック結果 and its bytes in one transaction.
//! 「保存しました」 only after the store confirmed every write.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::LedgerState;
use super::today_staff::ask_for_staff;
use crate::check::Severity;
use crate::display::byte_size;
use crate::file_overview::Verdict;
use crate::jpdate::JapanDateTime;
use crate::ledger::entry::takes_act_time;
use crate::ledger::query::{clients, partners};
use crate::ledger::recorded_files::RecordedFiles;
use crate::ledger::recording::{direction_for, partner_office, UNNAMED_CLIENT};
use crate::ledger::versions::serial_made_at_ja;
use crate::ledger::{record_drafts, CheckedFileSummary, ClientKey, Direction};
use crate::page_origin::PageOrigin;
use crate::store::{estimate_storage, request_persistence};
use crate::ui::{LedgerPlace, Place, Upload, Workspace};

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
    /// Whether the file is recorded (ticked): files with errors start unticked.
    include: RwSignal<bool>,
    direction: RwSignal<Option<Direction>>,
}

/// The id of the name field of a partner office (to focus it when it is missing).
fn partner_field_id(office: &str) -> String {
    format!("rec-partner-{office}")
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
    let choices = StoredValue::new(HashMap::<u64, Choice>::new());
    // The partner's name, once per 事業所番号 (the files of one partner share it).
    let partner_names = StoredValue::new(HashMap::<String, RwSignal<String>>::new());
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
    // Re-renders the partner table when a tick or a direction changes.
    let choices_changed = RwSignal::new(0u32);

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
            .with_untracked(|e| partners(e))
            .into_iter()
            .find(|(n, _)| n == office)
            .map(|(_, name)| name)
    };
    // The name field of a partner office, created with the ledger's name the first time.
    let partner_name = move |office: &str| -> RwSignal<String> {
        if let Some(s) = partner_names.with_value(|m| m.get(office).copied()) {
            return s;
        }
        let known = known_partner(office).unwrap_or_default();
        let signal = panel_owner.with_value(|owner| owner.with(|| RwSignal::new(known)));
        partner_names.update_value(|m| {
            m.insert(office.to_string(), signal);
        });
        signal
    };
    // The row's choice, created with the proposal the first time the file is shown.
    let choice_of = move |id: u64, file: &CheckedFileSummary| -> Choice {
        if let Some(c) = choices.with_value(|c| c.get(&id).copied()) {
            return c;
        }
        let direction = our_office().and_then(|o| direction_for(&o, &file.facts));
        let c = panel_owner.with_value(|owner| {
            owner.with(|| Choice {
                include: RwSignal::new(file.errors == 0),
                direction: RwSignal::new(direction),
            })
        });
        choices.update_value(|all| {
            all.insert(id, c);
        });
        c
    };
    // The same bytes under the same name: recorded (the store applies the same rule inside
    // its write, for what another tab recorded meanwhile).
    let recorded_files = Memo::new(move |_| state.entries.with(|e| RecordedFiles::of(e)));
    let already_recorded =
        move |sha: &str, name: &str| recorded_files.with(|r| r.contains(sha, name));
    // The ticked files not yet recorded, with the partner office each has (if known).
    let ticked = move || {
        choices_changed.track();
        checked()
            .into_iter()
            .filter(|(_, _, f)| !already_recorded(&f.sha256, &f.name))
            .filter_map(|(id, bytes, f)| {
                let c = choice_of(id, &f);
                c.include.get().then(|| {
                    let office = c.direction.get().and_then(|d| partner_office(&f.facts, d));
                    (id, bytes, f, c, office)
                })
            })
            .collect::<Vec<_>>()
    };
    // The partner offices of the ticked files: (事業所番号, how many files).
    let offices = move || {
        let mut out: Vec<(String, usize)> = Vec::new();
        for (_, _, _, _, office) in ticked() {
            let Some(o) = office else { continue };
            match out.iter_mut().find(|(x, _)| *x == o) {
                Some((_, n)) => *n += 1,
                None => out.push((o, 1)),
            }
        }
        out
    };

    let record = move |_| {
        if busy.get_untracked() {
            return;
        }
        let actor = state.actor.get_untracked();
        if actor.is_empty() {
            status.set(ask_for_staff());
            return;
        }
        let mut plan = Vec::new();
        for (_, bytes, file, choice, office) in untrack(ticked) {
            let Some(direction) = choice.direction.get_untracked() else {
                status.set(format!("「{}」が受信か送信かを選んでください。", file.name));
                return;
            };
            let Some(office) = office else {
                status.set(format!(
                    "「{}」のファイル名から相手先の事業所番号が分かりません。チェックを外してください。",
                    file.name
                ));
                return;
            };
            let name = partner_name(&office).get_untracked();
            if name.trim().is_empty() {
                status.set(format!("相手先 {office} の事業所名を入力してください。"));
                crate::ui::places::focus_id(&partner_field_id(&office));
                return;
            }
            plan.push((bytes, file, direction, name));
        }
        if plan.is_empty() {
            status.set("記録するファイルがありません(チェックの入ったファイルがないか、すべて記録済みです)。".into());
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
        for (_, _, file) in checked() {
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
                    status.set(format!("「{}」: {}", file.name, {
                        // Each problem once, however many clients share it.
                        let mut said: Vec<&str> = Vec::new();
                        for i in &issues {
                            if !said.contains(&i.message.as_str()) {
                                said.push(&i.message);
                            }
                        }
                        said.join("、")
                    }));
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
                    status.set(format!(
                        "「{}」の中身が点検の後で変わっています。もう一度点検してください。",
                        file.name
                    ));
                    busy.set(false);
                    return;
                }
            }
            let files = plan.len();
            let bytes: Vec<&[u8]> = plan.iter().map(|(b, _, _, _)| b.as_slice()).collect();
            match state.record_batch(&bytes, drafts).await {
                Ok(done) => status.set(saved_words(files, &done)),
                Err(e) => status.set(format!("記録できませんでした(何も保存していません): {e}")),
            }
            busy.set(false);
        });
    };

    let row = move |(id, file): (u64, CheckedFileSummary)| {
        let choice = choice_of(id, &file);
        let recorded = already_recorded(&file.sha256, &file.name);
        let facts = file.facts.clone();
        let set_direction = move |ev: leptos::ev::Event| {
            let direction = match event_target_value(&ev).as_str() {
                "sent" => Some(Direction::Sent),
                "received" => Some(Direction::Received),
                _ => None,
            };
            choice.direction.set(direction);
            choices_changed.update(|n| *n += 1);
        };
        let made_at = file
            .facts
            .serial
            .as_deref()
            .and_then(serial_made_at_ja)
            .unwrap_or_else(|| "分かりません".into());
        let verdict = Verdict::of(file.errors, file.warnings);
        let kind = file
            .facts
            .kind_name_ja
            .clone()
            .unwrap_or_else(|| "種類が分からないファイル".into());
        let dir_id = format!("rec-dir-{id}");
        let tick_id = format!("rec-tick-{id}");
        let partner_no = move || {
            choice
                .direction
                .get()
                .and_then(|d| partner_office(&facts, d))
        };
        let partner_text = move || match partner_no() {
            Some(no) => {
                let name = partner_name(&no).get();
                if name.trim().is_empty() {
                    no
                } else {
                    format!("{name}({no})")
                }
            }
            None if choice.direction.get().is_none() => "(受信・送信を選ぶと表示)".into(),
            None => "ファイル名から分かりません".into(),
        };
        let dir_value = move || match choice.direction.get() {
            Some(Direction::Sent) => "sent",
            Some(Direction::Received) => "received",
            None => "",
        };
        let reason = (verdict == Verdict::Errors).then(|| {
            format!(
                "エラーが{}件あるため外してあります。受け取った証拠として残すときはチェックを入れてください。",
                file.errors
            )
        });
        view! {
            <tr class:left-out=move || !recorded && !choice.include.get()>
                <td class="tick">
                    {if recorded {
                        view! { <span class="recorded-mark">"✔ 記録済み"</span> }.into_any()
                    } else {
                        view! {
                            <input type="checkbox" id=tick_id.clone() prop:checked=move || choice.include.get()
                                on:change=move |ev| { choice.include.set(event_target_checked(&ev)); choices_changed.update(|n| *n += 1); }/>
                            <label class="visually-hidden" for=tick_id>{format!("{} を記録する", file.name)}</label>
                        }.into_any()
                    }}
                </td>
                <th scope="row" class="file-name">
                    <span class="file-kind">{format!("{kind} {}", month_words(file.facts.service_month.as_deref()))}</span>
                    <span class="file-path">{crate::visible_text::visible(&file.name)}</span>
                </th>
                <td class=format!("status-cell {}", verdict_class(verdict))>
                    {format!("{} {}", verdict.icon(), verdict.word_ja())}
                    {reason.map(|r| view! { <span class="left-out-reason">{r}</span> })}
                </td>
                <td>{made_at}</td>
                <td>
                    {if recorded {
                        ().into_any()
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
                <td>{partner_text}</td>
            </tr>
        }
    };
    let rows = move || {
        checked()
            .into_iter()
            .map(|(id, _, file)| row((id, file)))
            .collect_view()
    };
    let partner_rows = move || {
        offices()
            .into_iter()
            .map(|(office, files)| {
                let name = partner_name(&office);
                let id = partner_field_id(&office);
                view! {
                    <tr>
                        <th scope="row">{office.clone()}</th>
                        <td>
                            <label class="visually-hidden" for=id.clone()>{format!("{office} の事業所名")}</label>
                            <input id=id prop:value=move || name.get() autocomplete="off"
                                on:input=move |ev| name.set(event_target_value(&ev))/>
                        </td>
                        <td>{format!("{files}件")}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let count = move || ticked().len();

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
                    <a class="button-link secondary" href=Place::Ledger(LedgerPlace::Settings).href()>
                        "証跡台帳の設定を開く"
                    </a>
                }
            >
                <p class="panel-note">
                    "チェックの入ったファイルを記録します。受信・送信は自事業所番号から判断しています。違うときは選び直してください。"
                    "点検結果とファイルそのものも一緒に保存します。"
                </p>
                <div class="field">
                    <label for="record-when">"送信・受信した日時(ここに並ぶファイル全部)"</label>
                    <input id="record-when" type="datetime-local" prop:value=move || when.get()
                        on:input=move |ev| { when.set(event_target_value(&ev)); when_changed.set(true); }/>
                    <p class="panel-note">"実際に送った・受け取った日時です。今でなければ直してください。台帳には、記録した日時も別に残ります。"</p>
                </div>
                <div hidden=move || offices().is_empty()>
                    <table class="file-table partner-table">
                        <caption>"相手先の事業所名(事業所ごとに1回)"</caption>
                        <thead><tr><th scope="col">"事業所番号"</th><th scope="col">"事業所名"</th><th scope="col">"ファイル"</th></tr></thead>
                        <tbody>{partner_rows}</tbody>
                    </table>
                </div>
                <div class="table-scroll" role="region" tabindex="0" aria-label="記録するファイル">
                    <table class="file-table record-table">
                        <caption>"記録するファイル"</caption>
                        <thead><tr><th scope="col">"記録"</th><th scope="col">"ファイル"</th><th scope="col">"点検結果"</th><th scope="col">"ファイルの作成日時(連番)"</th><th scope="col">"受信・送信"</th><th scope="col">"相手先"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <button type="button" class="big-button" on:click=record disabled=move || busy.get()>
                    {move || format!("台帳に記録({}件)", count())}
                </button>
                <p class="save-status" role="status">{move || status.get()}</p>
                {move || storage_note.get().map(|note| view! { <p class="panel-note storage-note">{note}</p> })}
            </Show>
        </section>
    }
}

/// 「2025年5月」 from a 対象年月 token; nothing for a plan set's 000000.
fn month_words(token: Option<&str>) -> String {
    token
        .filter(|m| m.bytes().any(|b| b != b'0'))
        .and_then(crate::jpdate::YearMonth::parse_yyyymm)
        .map(|m| m.format_ja())
        .unwrap_or_default()
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Errors | Verdict::Unreadable => "verdict-error",
        Verdict::Attention => "verdict-attention",
        _ => "verdict-ok",
    }
}

/// What the page says after recording: what was saved, and the files another tab or PC had
/// recorded meanwhile (not recorded twice).
fn saved_words(files: usize, done: &crate::store::Recorded) -> String {
    let entries = done
        .sealed
        .iter()
        .filter(|e| e.kind() != crate::ledger::Kind::DeviceNamed)
        .count();
    let already = done.already_recorded.len();
    match (entries, already) {
        (_, 0) => format!("保存しました(ファイル{files}件、記録{entries}件)"),
        (0, _) => format!(
            "ほかのタブ(またはほかのパソコン)で、このファイル{already}件はすでに記録されていました。重ねては記録していません。"
        ),
        _ => format!(
            "保存しました(ファイル{}件、記録{entries}件)。ほかのタブ(またはほかのパソコン)ですでに記録されていたファイル{already}件は、重ねて記録していません。",
            files - already.min(files)
        ),
    }
}
