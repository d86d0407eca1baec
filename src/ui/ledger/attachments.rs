//! 「添付・送受信一覧」: saving the month's 送受信一覧 (a PDF or screenshot from the client app)
//! and the documents behind an entry (差替, 同意, 交付) or a 資料 with a note, into the ledger
//! like the CSVs; then each one downloadable under its original name, and shown inside the
//! page (PDF, PNG, JPEG, by their bytes) from a `blob:` URL: nothing goes over a network.
//!
//! The rules (size, type, drafts) are [`crate::ledger::attachments`]; this only reads the
//! chosen file, records it through [`LedgerState::record`] and shows what is kept.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::settings::field_messages;
use super::state::{now, LedgerState};
use super::today_staff::ask_for_staff;
use crate::fingerprint::sha256_hex;
use crate::jpdate::YearMonth;
use crate::ledger::attachments::{
    attachment_draft, attachment_entries, content_problem_ja, default_send_list_month,
    size_problem_ja, takes_attachments, AttachAs, ContentType,
};
use crate::ledger::{describe_ja, DeviceId, Entry, EntryRef, FileRef, ValidationIssue};
use crate::ui::download::save_bytes;
use crate::ui::reminder_bar::ReminderTarget;
use crate::visible_text::visible;

/// How many attached files the list shows (newest first).
const LISTED: usize = 100;

/// 添付の種類 in the form.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    SendList,
    ToEntry,
    Document,
}

fn month_value(m: YearMonth) -> String {
    format!("{:04}-{:02}", m.year, m.month)
}

fn parse_month(s: &str) -> Option<YearMonth> {
    YearMonth::parse_yyyymm(&s.replace('-', ""))
}

fn entry_value(r: &EntryRef) -> String {
    format!("{}/{}", r.device, r.seq)
}

fn parse_entry_value(v: &str) -> Option<EntryRef> {
    let (device, seq) = v.split_once('/')?;
    Some(EntryRef {
        device: DeviceId::parse(device)?,
        seq: seq.parse().ok()?,
    })
}

/// The chosen file's bytes, refused before reading when too big or empty.
async fn read_chosen(file: web_sys::File) -> Result<(String, Vec<u8>), String> {
    let name = file.name();
    let size = file.size() as u64;
    if let Some(p) = size_problem_ja(&name, size) {
        return Err(p);
    }
    let blob = gloo_file::File::from(file);
    let buffer = gloo_file::futures::read_as_array_buffer(&blob)
        .await
        .map_err(|_| "ファイルを読めませんでした。もう一度選んでください".to_string())?;
    Ok((name, js_sys::Uint8Array::new(&buffer).to_vec()))
}

/// A kept file's bytes from the store (verified against their SHA-256 there).
async fn kept_bytes(state: LedgerState, file: &FileRef) -> Result<Vec<u8>, String> {
    let store = state.open().await.map_err(|e| e.to_string())?;
    let bytes = store.file(&file.sha256).await.map_err(|e| e.to_string());
    store.close();
    bytes?.ok_or_else(|| "このファイルの中身は、このパソコンに保存されていません(台帳フォルダやバックアップから取り込むと見られます)".to_string())
}

/// What is shown inside the page: a `blob:` URL of the bytes, typed by their content.
#[derive(Clone, PartialEq)]
struct Shown {
    url: String,
    content: ContentType,
    name: String,
}

fn blob_url(bytes: &[u8], content: ContentType) -> Option<String> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content.mime());
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// The form and the list.
#[component]
pub fn AttachmentsPanel() -> impl IntoView {
    let state = LedgerState::use_context();
    let target = ReminderTarget::use_context();
    let mode = RwSignal::new(Mode::SendList);
    let month = RwSignal::new(month_value(default_send_list_month(now().japan_date())));
    let to_entry = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let chosen: StoredValue<Option<web_sys::File>, LocalStorage> = StoredValue::new_local(None);
    let chosen_name = RwSignal::new(String::new());
    let issues = RwSignal::new(Vec::<ValidationIssue>::new());
    let status = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let shown = RwSignal::new(None::<Shown>);
    let list_message = RwSignal::new(String::new());

    // A reminder asked for a month's list: the form is set for it.
    Effect::new(move |_| {
        if let Some(m) = target.send_list_month.get() {
            mode.set(Mode::SendList);
            month.set(month_value(m));
            status.set(String::new());
        }
    });

    let targets = move || {
        state.entries.with(|e| {
            e.iter()
                .rev()
                .filter(|x| takes_attachments(x.kind()))
                .take(LISTED)
                .map(|x| {
                    (
                        x.id(),
                        format!(
                            "{} 記録{}: {}",
                            state.device_label(&x.device),
                            x.seq,
                            describe_ja(x)
                        ),
                    )
                })
                .collect::<Vec<_>>()
        })
    };

    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let file = input.files().and_then(|l| l.get(0));
        chosen_name.set(
            file.as_ref()
                .map(|f| visible(&f.name()))
                .unwrap_or_default(),
        );
        issues.update(|i| i.retain(|x| x.field != "subject.file"));
        status.set(String::new());
        // A too-big or empty file is said at once, before anything is read.
        if let Some(f) = &file {
            if let Some(p) = size_problem_ja(&f.name(), f.size() as u64) {
                issues.set(vec![ValidationIssue {
                    field: "subject.file",
                    message: p,
                }]);
            }
        }
        chosen.set_value(file);
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if state.actor.with_untracked(String::is_empty) {
            status.set(ask_for_staff());
            return;
        }
        let what = match mode.get_untracked() {
            Mode::SendList => match parse_month(&month.get_untracked()) {
                Some(m) => AttachAs::SendList(m),
                None => {
                    issues.set(vec![ValidationIssue {
                        field: "subject.service_month",
                        message: "どの月の送受信一覧かを選んでください".into(),
                    }]);
                    return;
                }
            },
            Mode::ToEntry => match parse_entry_value(&to_entry.get_untracked()) {
                Some(r) => AttachAs::ToEntry(r),
                None => {
                    issues.set(vec![ValidationIssue {
                        field: "details.attached_to_seq",
                        message: "添付する先の記録を選んでください".into(),
                    }]);
                    return;
                }
            },
            Mode::Document => AttachAs::Document,
        };
        let Some(file) = chosen.get_value() else {
            issues.set(vec![ValidationIssue {
                field: "subject.file",
                message: "添付するファイルを選んでください".into(),
            }]);
            return;
        };
        busy.set(true);
        issues.set(Vec::new());
        status.set("ファイルを読んでいます…".into());
        spawn_local(async move {
            let outcome: Result<String, Vec<ValidationIssue>> = async {
                let file_issue = |m: String| {
                    vec![ValidationIssue {
                        field: "subject.file",
                        message: m,
                    }]
                };
                let (name, bytes) = read_chosen(file).await.map_err(file_issue)?;
                if let Some(p) = content_problem_ja(&name, &bytes, &what) {
                    return Err(file_issue(p));
                }
                let file_ref = FileRef {
                    name,
                    size: bytes.len() as u64,
                    sha256: sha256_hex(&bytes),
                };
                let own = state
                    .device
                    .with_untracked(|d| d.as_ref().map(|d| d.id.clone()));
                let text = Some(note.get_untracked()).filter(|n| !n.trim().is_empty());
                let draft = state.entries.with_untracked(|e| {
                    attachment_draft(
                        &state.actor.get_untracked(),
                        file_ref,
                        &what,
                        text,
                        e,
                        own.as_ref(),
                    )
                });
                draft.validate_at(now())?;
                status.set("保存しています…".into());
                state
                    .record(&[&bytes], vec![draft])
                    .await
                    .map_err(|e| file_issue(format!("保存できませんでした: {e}")))?;
                Ok(match &what {
                    AttachAs::SendList(m) => {
                        format!("{}分の送受信一覧を保存しました", m.format_ja())
                    }
                    _ => "添付を保存しました".to_string(),
                })
            }
            .await;
            match outcome {
                Ok(m) => {
                    status.set(m);
                    note.set(String::new());
                    target.send_list_month.set(None);
                }
                Err(found) => {
                    status.set("保存しませんでした。内容を確かめてください。".into());
                    issues.set(found);
                }
            }
            busy.set(false);
        });
    };

    let show = move |file: FileRef| {
        spawn_local(async move {
            match kept_bytes(state, &file).await {
                Err(e) => list_message.set(e),
                Ok(bytes) => {
                    let content = ContentType::of(&bytes);
                    if !content.can_preview() {
                        list_message.set(format!("「{}」はPDFや画像ではないため、画面には表示できません。「保存」で取り出してください", visible(&file.name)));
                        return;
                    }
                    let Some(url) = blob_url(&bytes, content) else {
                        list_message.set("表示できませんでした".into());
                        return;
                    };
                    list_message.set(String::new());
                    if let Some(old) = shown.get_untracked() {
                        let _ = web_sys::Url::revoke_object_url(&old.url);
                    }
                    shown.set(Some(Shown {
                        url,
                        content,
                        name: visible(&file.name),
                    }));
                }
            }
        });
    };
    let download = move |file: FileRef| {
        spawn_local(async move {
            match kept_bytes(state, &file).await {
                Err(e) => list_message.set(e),
                Ok(bytes) => {
                    // The original name and bytes; an unknown type is never opened by the browser.
                    save_bytes(&file.name, ContentType::of(&bytes).mime(), &bytes);
                    list_message.set(String::new());
                }
            }
        });
    };
    let close = move |_| {
        if let Some(old) = shown.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&old.url);
        }
        shown.set(None);
    };
    on_cleanup(move || {
        if let Some(old) = shown.try_get_untracked().flatten() {
            let _ = web_sys::Url::revoke_object_url(&old.url);
        }
    });

    let radio = move |m: Mode, label: &'static str| {
        view! {
            <label class="filter-choice"><input type="radio" name="attach-mode"
                prop:checked=move || mode.get() == m
                on:change=move |_| { mode.set(m); issues.set(Vec::new()); status.set(String::new()); }/>{label}</label>
        }
    };

    view! {
        <section class="ledger-panel" aria-labelledby="attach-heading">
            <h3 id="attach-heading">"添付・送受信一覧"</h3>
            <p class="panel-note">"クライアントソフトの送受信一覧(PDFや画面の写し)を毎月保存します。差替の理由となった会議録や、署名をもらった同意のページも、その記録に添付できます。1ファイル50 MBまでです。"</p>
            <form on:submit=submit novalidate>
                <fieldset class="field">
                    <legend>"何を保存しますか"</legend>
                    {radio(Mode::SendList, "送受信一覧(月ごと)")}
                    {radio(Mode::ToEntry, "記録に添付(差替・同意・交付)")}
                    {radio(Mode::Document, "資料(説明をつけて)")}
                </fieldset>
                <Show when=move || mode.get() == Mode::SendList>
                    <div class="field">
                        <label for="attach-month">"対象の月"</label>
                        <input id="attach-month" type="month" aria-describedby="err-attach-month" prop:value=month
                            on:input=move |ev| month.set(event_target_value(&ev))/>
                        {field_messages(issues, &["subject.service_month"], "err-attach-month")}
                    </div>
                </Show>
                <Show when=move || mode.get() == Mode::ToEntry>
                    <div class="field">
                        <label for="attach-to">"添付する先の記録"</label>
                        <select id="attach-to" aria-describedby="err-attach-to" prop:value=to_entry
                            on:change=move |ev| to_entry.set(event_target_value(&ev))>
                            <option value="">"(選んでください)"</option>
                            {move || targets().into_iter().map(|(r, label)| view! {
                                <option value=entry_value(&r)>{label}</option>
                            }).collect_view()}
                        </select>
                        {field_messages(issues, &["details.attached_to_seq"], "err-attach-to")}
                    </div>
                </Show>
                <div class="field">
                    <label for="attach-file" class="big-button secondary file-label">"添付するファイルを選ぶ"</label>
                    <input id="attach-file" class="visually-hidden" type="file" aria-describedby="err-attach-file"
                        accept=move || if mode.get() == Mode::Document { "" } else { ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg" }
                        on:change=on_file/>
                    <span class="chosen-file" data-testid="attach-chosen">{move || chosen_name.get()}</span>
                    {field_messages(issues, &["subject.file"], "err-attach-file")}
                </div>
                <div class="field">
                    <label for="attach-note">{move || if mode.get() == Mode::Document { "説明(何の資料か)" } else { "説明(任意)" }}</label>
                    <textarea id="attach-note" rows="2" aria-describedby="err-attach-note" prop:value=note
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    {field_messages(issues, &["details.note"], "err-attach-note")}
                </div>
                <button type="submit" disabled=move || busy.get()>"台帳に保存"</button>
                <p class="save-status" role="status" data-testid="attach-status">{move || status.get()}</p>
            </form>
        </section>
        <section class="ledger-panel" aria-labelledby="attached-heading">
            <h3 id="attached-heading">"保存した添付・送受信一覧"</h3>
            <p class="error-text" role="alert">{move || list_message.get()}</p>
            {move || {
                let rows: Vec<Entry> = state.entries.with(|e| attachment_entries(e).into_iter().take(LISTED).cloned().collect());
                if rows.is_empty() {
                    return view! { <p class="empty">"まだありません。"</p> }.into_any();
                }
                view! {
                    <table class="attachment-table">
                        <thead><tr><th scope="col">"内容"</th><th scope="col">"保存日時・記録者"</th><th scope="col">"ファイル"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|e| {
                                let file = e.subject.file.clone();
                                let when = format!("{} {}", e.recorded_at.format_ja(), e.actor);
                                view! {
                                    <tr>
                                        <td>{describe_ja(&e)}</td>
                                        <td>{when}</td>
                                        <td class="actions-cell">{file.map(|f| {
                                            let name = visible(&f.name);
                                            let (f1, f2) = (f.clone(), f.clone());
                                            view! {
                                                <button type="button" class="secondary small" aria-label=format!("表示({name})")
                                                    on:click=move |_| show(f1.clone())>"表示"</button>
                                                <button type="button" class="secondary small" aria-label=format!("保存({name})")
                                                    on:click=move |_| download(f2.clone())>"保存"</button>
                                            }
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {move || shown.get().map(|s| {
                let title = format!("{}の表示", s.name);
                view! {
                    <div class="attachment-preview" data-testid="attachment-preview">
                        <div class="button-row">
                            <strong>{s.name.clone()}</strong>
                            <button type="button" class="secondary small" on:click=close>"表示を閉じる"</button>
                        </div>
                        {if s.content == ContentType::Pdf {
                            view! { <iframe src=s.url.clone() title=title class="preview-frame"></iframe> }.into_any()
                        } else {
                            view! { <img src=s.url.clone() alt=title class="preview-image"/> }.into_any()
                        }}
                    </div>
                }
            })}
        </section>
    }
}
