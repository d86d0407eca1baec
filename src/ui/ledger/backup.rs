//! 「バックアップを書き出す」 and 「バックアップから復元」.
//!
//! Writing: the whole office ledger (every device's chain, kept conflicts, file bytes,
//! settings) as the documented JSON; the text is read back and verified before the download
//! is offered and before anything says it is done; then a バックアップ書出 entry and the
//! last-backup time are saved. Restoring: every chain is verified first (a changed byte is
//! refused with the first bad seq), what the merge would add is shown, and nothing is applied
//! until staff confirm. Another PC's chains join this office ledger; the same backup twice
//! changes nothing; a device that contradicts itself is kept beside, never over.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use super::browse::EntryTable;
use super::folder::{choose_folder, folder_name, folder_supported, write_and_read_back};
use super::state::{now, LedgerState};
use crate::ledger::settings::LAST_BACKUP_KEY;
use crate::ledger::time_sanity::time_doubts;
use crate::ledger::{
    read_backup, write_backup, Backup, BackupInput, Details, EntryDraft, MergeReport,
    OfficeCheckpoint, OfficeLedger, OfficeSettings, RestoreOutcome, Subject,
};
use crate::ui::download::save_bytes;
use crate::ui::ledger_worker::{read_chosen_backup, ChosenBackup};
use crate::ui::places::go;
use crate::ui::{LedgerPlace, Place};

/// The backup's file name: office and Japan time, so a folder of them sorts by date.
fn backup_file_name(office: &str, at: crate::jpdate::Timestamp) -> String {
    let t = at.to_japan();
    format!(
        "証跡台帳バックアップ_{office}_{}_{:02}{:02}.json",
        t.date.to_yyyymmdd(),
        t.hour,
        t.minute
    )
}

/// Writes, verifies and offers the backup (into `folder` when one was chosen, else as a
/// download); returns the message for the page.
async fn export(state: LedgerState, folder: Option<JsValue>) -> Result<String, String> {
    let settings = state
        .settings
        .get_untracked()
        .ok_or("先に設定を保存してください")?;
    let actor = state.actor.get_untracked();
    if actor.is_empty() {
        return Err(super::today_staff::ask_for_staff());
    }
    // What the page holds is the store's verified copy (see `LedgerState`): written as it is.
    if state.verifying.get_untracked() {
        return Err(
            "台帳の確認が終わってから、もう一度「バックアップを書き出す」を押してください。".into(),
        );
    }
    if !state.problems.with_untracked(Vec::is_empty) {
        return Err("台帳に問題のある記録があるため、書き出しませんでした。先にバックアップから復元してください。".into());
    }
    let ledger = state.office.get_untracked();
    let store = state.open().await.map_err(|e| e.to_string())?;
    let files = store.files().await;
    store.close();
    let files = files.map_err(|e| e.to_string())?;
    let created_at = now();
    let text = write_backup(&BackupInput {
        app_version: env!("CARGO_PKG_VERSION"),
        created_at,
        ledger: &ledger,
        files: &files,
        settings: &settings.to_map(),
    })
    .map_err(|e| e.to_string())?;
    // Read what was written back, as a restore would (in the ledger worker, when there is
    // one, so the page stays responsive), before calling it done.
    let back = match state.ledger_worker().read_backup(&text).await {
        Some(answer) => answer,
        None => read_backup(&text)
            .map(|b| (b.ledger.summary(), b.files.len()))
            .map_err(|e| e.to_string()),
    };
    let (summary, file_count) =
        back.map_err(|e| format!("書き出した内容の確認に失敗しました: {e}"))?;
    if summary != ledger.summary() || file_count != files.len() {
        return Err("書き出した内容が台帳と一致しません。もう一度お試しください。".into());
    }
    let file_name = backup_file_name(&settings.office_number, created_at);
    let place = match &folder {
        Some(folder) => {
            let written = write_and_read_back(folder, &file_name, &text)
                .await
                .map_err(|e| format!("フォルダに書き出せませんでした: {e}"))?;
            // The same bytes as the text just read back and verified.
            if written != text {
                return Err(
                    "フォルダに書き出したファイルを読み直したところ、一致しませんでした。".into(),
                );
            }
            format!(
                "フォルダ「{}」に「{file_name}」として保存し、読み直して確認しました。",
                folder_name(folder)
            )
        }
        None => {
            if !save_bytes(&file_name, "application/json", text.as_bytes()) {
                return Err("ブラウザがファイルの保存を許可しませんでした。".into());
            }
            "ダウンロードしたファイルを、USBやファイルサーバーに保管してください。".to_string()
        }
    };
    let checkpoint = OfficeCheckpoint::of(&ledger, created_at);
    let draft = EntryDraft::new(
        actor,
        Subject::default(),
        Details::BackupExported {
            entry_count: checkpoint.entry_count(),
            head_hash: checkpoint.root,
            with_files: true,
            device_count: Some(ledger.device_count() as u64),
        },
    );
    let store = state.open().await.map_err(|e| e.to_string())?;
    let saved = store
        .set_meta(LAST_BACKUP_KEY, &created_at.to_rfc3339())
        .await;
    store.close();
    saved.map_err(|e| e.to_string())?;
    // Recording reloads the ledger (with the backup time just saved).
    state.record(&[], vec![draft]).await?;
    Ok(format!(
        "バックアップを書き出しました(端末{}台の記録{}件、ファイル{}件。読み直して確認済み)。{place}",
        ledger.device_count(),
        ledger.entry_count(),
        files.len()
    ))
}

/// Reads and verifies the chosen backup file: in a worker started for it, so the page never
/// freezes and never holds the backup's text (see [`read_chosen_backup`]); where no worker can
/// run, here, as before. The error is the message for the page.
async fn read_chosen(file: web_sys::File) -> Result<Backup, String> {
    let refused = |e: &dyn std::fmt::Display| format!("復元しませんでした: {e}");
    match read_chosen_backup(&file).await {
        Some(ChosenBackup::Read(backup)) => Ok(*backup),
        Some(ChosenBackup::Refused(e)) => Err(refused(&e)),
        Some(ChosenBackup::Unreadable) => Err("ファイルを読めませんでした。".into()),
        None => {
            let blob = gloo_file::File::from(file);
            let Ok(text) = gloo_file::futures::read_as_text(&blob).await else {
                return Err("ファイルを読めませんでした。".into());
            };
            read_backup(&text).map_err(|e| refused(&e))
        }
    }
}

/// What restoring a backup will do, decided before anything is written.
#[derive(Clone)]
struct RestorePlan {
    /// The local ledger merged with the backup's (what the page will show afterwards).
    merged: OfficeLedger,
    report: MergeReport,
    /// Whether the local ledger had no chain yet (a restore into a fresh browser).
    local_was_empty: bool,
}

fn plan(state: LedgerState, backup: &Backup) -> Result<RestorePlan, String> {
    let local = state.office.get_untracked();
    let ours = state
        .settings
        .with_untracked(|s| s.as_ref().map(|s| s.office_number.clone()));
    let local_was_empty = local.device_count() == 0 && local.conflicts().is_empty();
    if let Some(ours) = ours.filter(|o| !o.is_empty()) {
        if ours != backup.header.office_number {
            return Err(format!(
                "このバックアップは別の事業所({})のものです。この台帳({ours})には読み込みません。",
                backup.header.office_number
            ));
        }
    }
    let mut merged = if local_was_empty {
        OfficeLedger::new(&backup.header.office_number)
    } else {
        (*local).clone()
    };
    let report = merged.merge(&backup.ledger).map_err(|e| e.to_string())?;
    Ok(RestorePlan {
        merged,
        report,
        local_was_empty,
    })
}

/// Applies a confirmed restore through the store; returns the message for the page.
async fn apply(state: LedgerState, backup: Backup, plan: RestorePlan) -> Result<String, String> {
    let record = (plan.report.changed_anything() && !plan.local_was_empty).then(|| {
        let cp = OfficeCheckpoint::of(&backup.ledger, backup.header.created_at);
        Details::BackupRestored {
            outcome: RestoreOutcome::Merged,
            source_entry_count: cp.entry_count(),
            source_head_hash: cp.root,
            appended: plan.report.added_entries(),
        }
    });
    let actor = state.actor.get_untracked();
    if record.is_some() && actor.is_empty() {
        return Err(super::today_staff::ask_for_staff());
    }
    // A new browser takes the backup's settings and backup time; a browser that has its
    // own keeps them. Written only where none is stored, in the restore's one transaction.
    let mut meta_if_absent = Vec::new();
    if state.settings.get_untracked().is_none() {
        if let Ok(s) =
            OfficeSettings::from_value(&serde_json::Value::Object(backup.settings.clone()))
        {
            meta_if_absent.push((crate::ledger::settings::SETTINGS_KEY, s.to_json()));
        }
    }
    if state.last_backup.get_untracked().is_none() {
        meta_if_absent.push((LAST_BACKUP_KEY, backup.header.created_at.to_rfc3339()));
    }
    let restored = record.map(|details| EntryDraft::new(actor, Subject::default(), details));
    state
        .restore(&plan.merged, &backup.files, &meta_if_absent, restored)
        .await?;
    Ok(format!("復元しました。{}", plan.report.message_ja()))
}

#[component]
pub fn BackupPanel() -> impl IntoView {
    let state = LedgerState::use_context();
    let export_status = RwSignal::new(String::new());
    let restore_status = state.restore_message;
    let pending = StoredValue::new(Option::<(Backup, RestorePlan)>::None);
    let can_apply = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // The chosen backup folder (this session only; a handle is browser memory, not text).
    let folder = StoredValue::new_local(Option::<JsValue>::None);
    let folder_label = RwSignal::new(String::new());
    let on_choose_folder = move |_| {
        spawn_local(async move {
            if let Some(chosen) = choose_folder().await {
                folder_label.set(folder_name(&chosen));
                folder.set_value(Some(chosen));
            }
        });
    };

    let on_export = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        export_status.set("書き出しています…".into());
        spawn_local(async move {
            match export(state, folder.get_value()).await {
                Ok(m) | Err(m) => export_status.set(m),
            }
            busy.set(false);
        });
    };

    let on_choose = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|l| l.get(0)) else {
            return;
        };
        input.set_value("");
        can_apply.set(false);
        pending.set_value(None);
        restore_status.set("バックアップを確かめています…".into());
        spawn_local(async move {
            match read_chosen(file).await {
                Err(e) => restore_status.set(e),
                Ok(backup) => match plan(state, &backup) {
                    Err(e) => restore_status.set(e),
                    Ok(plan) => {
                        let adopt_settings = state.settings.with_untracked(Option::is_none)
                            && !backup.settings.is_empty();
                        let message = format!(
                            "{}{}",
                            plan.report.preview_ja(),
                            time_doubts_ja(&backup.ledger)
                        );
                        if plan.report.changed_anything() || adopt_settings {
                            restore_status.set(format!(
                            "バックアップは正常です(端末{}台の記録{}件、ファイル{}件)。{message}よければ「復元する」を押してください。",
                            backup.header.device_count, backup.header.entry_count, backup.header.file_count
                        ));
                            pending.set_value(Some((backup, plan)));
                            can_apply.set(true);
                        } else {
                            restore_status.set(format!("バックアップは正常です。{message}"));
                        }
                    }
                },
            }
        });
    };

    let on_apply = move |_| {
        // Taken, not copied: a backup of years of files is hundreds of megabytes.
        let Some((backup, plan)) = pending.try_update_value(Option::take).flatten() else {
            return;
        };
        can_apply.set(false);
        busy.set(true);
        restore_status.set("復元しています…".into());
        spawn_local(async move {
            let outcome = apply(state, backup, plan).await;
            // The panel may be gone by now (see `LedgerState::restore_message`).
            match outcome {
                Ok(m) => {
                    restore_status.set(m);
                    // A restore into a new browser replaces the first screen with the
                    // ledger: its message stays in sight in the place of backups.
                    go(Place::Ledger(LedgerPlace::Backup));
                }
                Err(e) => restore_status.set(format!("復元できませんでした: {e}")),
            }
            busy.try_set(false);
        });
    };

    view! {
        <section class="ledger-panel" aria-labelledby="backup-heading">
            <h3 id="backup-heading">"バックアップ"</h3>
            <p class="panel-note">
                "台帳は、このパソコンのブラウザの中にあります。定期的に書き出して、USBやファイルサーバーに保管してください。"
                "元のファイルと設定、ほかのパソコンから取り込んだ記録も含まれます。ほかのパソコンのバックアップを復元すると、その記録がこの台帳に加わります。"
            </p>
            <Show when=move || state.settings.with(Option::is_some)>
                <button type="button" on:click=on_export disabled=move || busy.get()>"バックアップを書き出す"</button>
                <p class="save-status" role="status" data-testid="export-status">{move || export_status.get()}</p>
                {folder_supported().then(|| view! {
                    <div class="folder-choice">
                        <button type="button" class="secondary" on:click=on_choose_folder>"書き出し先のフォルダを選ぶ"</button>
                        <p class="panel-note" data-testid="backup-folder">
                            {move || if folder_label.with(String::is_empty) {
                                "フォルダを選ぶと、以後のバックアップはそのフォルダに直接保存されます(このページを開いている間)。".to_string()
                            } else {
                                format!("書き出し先: フォルダ「{}」", folder_label.get())
                            }}
                        </p>
                    </div>
                })}
            </Show>
            <div class="field">
                <label for="restore-file" class="big-button secondary file-label">"バックアップから復元"</label>
                <input id="restore-file" class="visually-hidden" type="file" accept=".json,application/json" on:change=on_choose/>
            </div>
            <p class="save-status" role="status" data-testid="restore-status">{move || restore_status.get()}</p>
            <Show when=move || can_apply.get()>
                <button type="button" on:click=on_apply disabled=move || busy.get()>"復元する"</button>
            </Show>
            {(!folder_supported()).then(|| view! {
                <p class="panel-note">
                    "この開き方では、フォルダへの直接保存は使えません。書き出したファイルを手で保管してください。"
                </p>
            })}
            <ConflictList/>
        </section>
    }
}

/// A device's second history (a copied browser profile, or tampering): shown, never merged
/// silently and never dropped.
#[component]
fn ConflictList() -> impl IntoView {
    let state = LedgerState::use_context();
    view! {
        <Show when=move || !state.office.with(|o| o.conflicts().is_empty())>
            <div class="kept-branches" role="region" aria-label="食い違う記録">
                <h4>"食い違う記録"</h4>
                <p class="panel-note">
                    "同じパソコン(端末)の記録が途中から2通りになっています。ブラウザのデータを別のパソコンに写した場合などに起こります。"
                    "どちらも消さずに保管しています。内容を確かめ、必要ならメモや訂正として記録してください。"
                </p>
                {move || state.office.get().conflicts().iter().map(|c| {
                    let label = state.device_label(c.chain.device());
                    let after: Vec<_> = c.chain.entries()[c.common_prefix as usize..].to_vec();
                    let caption = format!(
                        "{label}: 記録{}の後で食い違う記録{}件",
                        c.common_prefix, after.len()
                    );
                    view! { <EntryTable entries=Signal::derive(move || after.clone()) caption=Signal::derive(move || caption.clone())/> }
                }).collect_view()}
            </div>
        </Show>
    }
}

/// 「⚠ 時刻に疑わしい記録があります: …。」 for the chains of a backup (shown, not refused).
fn time_doubts_ja(ledger: &OfficeLedger) -> String {
    let doubts: Vec<String> = ledger
        .chains()
        .flat_map(|c| {
            let label = ledger.device_label(c.device());
            time_doubts(c, now(), 3)
                .into_iter()
                .map(move |d| format!("{label}の{}", d.sentence_ja()))
        })
        .take(5)
        .collect();
    if doubts.is_empty() {
        String::new()
    } else {
        format!("⚠ 時刻に疑わしい記録があります: {}。", doubts.join("。"))
    }
}
