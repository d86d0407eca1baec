//! 「チェックポイント」: a text (office, every device's entry count and head hash, the
//! まとめハッシュ, date) to print or copy and keep outside the browser, and checking the office
//! ledger against a kept one typed or pasted in (format-1 checkpoints of the one-chain ledger
//! still check, against its migrated chain).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{now, LedgerState};
use crate::ledger::settings::monthly_checkpoint_due;
use crate::ledger::{
    parse_any_checkpoint, verify_legacy_checkpoint, verify_office_checkpoint, AnyCheckpoint,
    Details, EntryDraft, OfficeCheckpoint, Subject,
};

#[component]
pub fn CheckpointPanel() -> impl IntoView {
    let state = LedgerState::use_context();
    let text = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let pasted = RwSignal::new(String::new());
    let verdict = RwSignal::new(Option::<(bool, String)>::None);

    let issue = move |_| {
        if state.settings.with_untracked(Option::is_none) {
            return;
        }
        let actor = state.actor.get_untracked();
        if actor.is_empty() {
            status.set(super::today_staff::ask_for_staff());
            return;
        }
        if !state.status.get_untracked().ok {
            status.set("台帳のつながりに問題があるため、チェックポイントを作れません。".into());
            return;
        }
        // The text covers the ledger as it is now; the チェックポイント entry comes after it.
        let checkpoint = state
            .office
            .with_untracked(|o| OfficeCheckpoint::of(o, now()));
        let draft = EntryDraft::new(
            actor,
            Subject::default(),
            Details::Checkpoint {
                entry_count: checkpoint.entry_count(),
                head_hash: checkpoint.root.clone(),
                device_count: Some(checkpoint.devices.len() as u64),
            },
        );
        status.set("保存しています…".into());
        spawn_local(async move {
            match state.record(&[], vec![draft]).await {
                Ok(_) => {
                    text.set(checkpoint.to_text());
                    status.set("チェックポイントを作りました。印刷するか、写して台帳の外に保管してください。".into());
                }
                Err(e) => status.set(format!("保存できませんでした: {e}")),
            }
        });
    };
    let check = move |_| match parse_any_checkpoint(&pasted.get_untracked()) {
        Err(e) => verdict.set(Some((false, e))),
        Ok(AnyCheckpoint::Office(parsed)) => {
            let v = state
                .office
                .with_untracked(|o| verify_office_checkpoint(o, &parsed));
            verdict.set(Some((v.is_match(), v.message_ja())));
        }
        Ok(AnyCheckpoint::Legacy(parsed)) => {
            let v = state
                .office
                .with_untracked(|o| verify_legacy_checkpoint(o, &parsed));
            verdict.set(Some((v.is_match(), v.message_ja())));
        }
    };

    view! {
        <section class="ledger-panel" aria-labelledby="checkpoint-heading">
            <h3 id="checkpoint-heading">"チェックポイント"</h3>
            <p class="panel-note">
                "台帳の記録は、パソコンごとに前の記録とつながった形で保存されていて、途中を書き換えると分かります。ただし、記録をまるごと作り直されたり、終わりを消されたりすると、このパソコンの中だけでは見分けられません。"
                "チェックポイントを紙や別の媒体に保管しておけば、その時点までのすべてのパソコンの記録が、保管した後に書き換えられたり消されたりしていないことを確かめられます。"
            </p>
            {move || state.entries.with(|e| monthly_checkpoint_due(e, now())).then(|| view! {
                <p class="reminder-line" role="note">"⚠ 今月のチェックポイントはまだ作られていません。月に1回作って、印刷して保管してください。"</p>
            })}
            <button type="button" on:click=issue>"チェックポイントを作る"</button>
            <p class="save-status" role="status">{move || status.get()}</p>
            <Show when=move || !text.with(String::is_empty)>
                <label for="checkpoint-text">"チェックポイント(印刷またはコピーして保管)"</label>
                <textarea id="checkpoint-text" class="checkpoint-text" readonly rows="10" prop:value=text></textarea>
            </Show>
            <div class="field">
                <label for="checkpoint-paste">"保管したチェックポイントと照合(貼り付けか入力)"</label>
                <textarea id="checkpoint-paste" rows="5" prop:value=pasted on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
            </div>
            <button type="button" class="secondary" on:click=check>"照合する"</button>
            {move || verdict.get().map(|(ok, message)| view! {
                <p class=if ok { "verdict ready" } else { "verdict errors" } role="status">
                    {if ok { "✔ 一致: " } else { "✖ 不一致: " }} {message}
                </p>
            })}
        </section>
    }
}
