//! The evidence ledger's views (証跡台帳): recording checked files, the later events, views per
//! user / month / partner, printing for an inspection, checkpoints, backups and settings.
//!
//! The ledger is a set of places (利用者, 記録一覧, 記録を追加, 添付・送受信一覧, 運営指導の印刷,
//! 更新・期限, 保存と管理の記録, バックアップ・台帳フォルダ, 設定; see `crate::places`), one shown at a time beside its menu. The shared
//! state ([`LedgerState`]) is provided once by the App, so the 「台帳に記録」 panel on the
//! checking page and the ledger's places see the same entries. Components only call the
//! ledger core and the store; they hold no domain logic.

mod attachments;
mod backup;
mod browse;
mod checkpoint;
mod clients;
mod events;
mod folder;
mod keeping;
mod office_folder;
mod print;
mod record;
mod renewals;
mod settings;
mod state;
mod today_staff;
mod watched_folders;

use leptos::prelude::*;

pub use attachments::AttachmentsPanel;
pub use backup::BackupPanel;
pub use browse::{EntryTable, LedgerBrowser, VersionTable};
pub use checkpoint::CheckpointPanel;
pub use clients::{ClientFinder, ClientPage};
pub use events::EventForm;
pub use keeping::KeepingPanel;
pub use office_folder::{FolderStatus, OfficeFolderPanel};
pub use print::{InspectionPanel, InspectionSheet};
pub use record::{summary_of, RecordCheckedFiles};
pub use renewals::RenewalsPanel;
pub use settings::SettingsForm;
pub use state::{now, LedgerState, Loading};
pub use today_staff::TodayStaff;
pub use watched_folders::WatchedFoldersPanel;

use crate::ledger::time_sanity::time_doubts;
use crate::ledger::{backup_reminder, past_retention};
use crate::ui::places::{place_id, use_place, LedgerPlace, Place, LEDGER_MENU};

/// 「最後のバックアップ: N日前」, always visible in the ledger, with a reminder when due.
#[component]
pub fn BackupStatus() -> impl IntoView {
    let state = LedgerState::use_context();
    let line = move || {
        let days = state
            .settings
            .with(|s| s.as_ref().map_or(7, |s| s.backup_reminder_days));
        backup_reminder(state.last_backup.get(), now(), days)
    };
    view! {
        <p class="backup-status" data-testid="backup-status">
            <strong>{move || line().status}</strong>
            // Nothing to lose yet: no reminder before the first record.
            {move || line().reminder.filter(|_| !state.entries.with(Vec::is_empty))
                .map(|r| view! { <span class="reminder" role="alert">" ⚠ " {r}</span> })}
        </p>
    }
}

/// The chain check in words: 「端末N台の記録 計M件 …」 or what is wrong, per device; then
/// any recording time that cannot be honest (in the future, or going back).
#[component]
pub fn ChainStatus() -> impl IntoView {
    let state = LedgerState::use_context();
    let doubts = Memo::new(move |_| {
        let at = now();
        state.office.with(|o| {
            o.chains()
                .flat_map(|c| {
                    let label = o.device_label(c.device());
                    time_doubts(c, at, 3)
                        .into_iter()
                        .map(move |d| format!("{label}の{}", d.sentence_ja()))
                })
                .take(5)
                .collect::<Vec<_>>()
        })
    });
    view! {
        {move || (!doubts.with(Vec::is_empty)).then(|| view! {
            <p class="time-doubts" data-testid="time-doubts">
                "⚠ 時刻に疑わしい記録があります: " {doubts.get().join("。")} "。"
            </p>
        })}
        <p class="chain-status" data-testid="chain-status" data-load-ms=move || state.load_ms.get()
            class:ok=move || state.status.with(|s| s.ok)
            class:bad=move || state.status.with(|s| !s.ok)>
            {move || {
                let s = state.status.get();
                let mark = if s.pending { "… " } else if s.ok { "✔ " } else { "✖ " };
                format!("{mark}{}", s.text)
            }}
        </p>
    }
}

/// Records past their retention end (nothing is deleted automatically).
#[component]
fn RetentionList() -> impl IntoView {
    let state = LedgerState::use_context();
    let past = move || {
        let years = state
            .settings
            .with(|s| s.as_ref().map_or(2, |s| s.retention_years));
        state
            .entries
            .with(|e| past_retention(e, years, now().japan_date()))
    };
    view! {
        <section class="ledger-panel" aria-labelledby="retention-heading">
            <h3 id="retention-heading">"保存期間を過ぎた記録"</h3>
            <p class="panel-note">"完結日から保存年限を過ぎたものです。自動では消しません。"</p>
            {move || {
                let rows = past();
                if rows.is_empty() {
                    view! { <p class="empty">"ありません。"</p> }.into_any()
                } else {
                    view! {
                        <ul>
                            {rows.into_iter().map(|r| view! {
                                <li>{format!("{}({}) {} 完結 {} / 保存期限 {}",
                                    r.client_name, r.client.insured_number, r.period.label_ja(),
                                    r.completed_on.map(|d| d.format_ja()).unwrap_or_default(),
                                    r.retention_end.map(|d| d.format_ja()).unwrap_or_default())}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// One place of the ledger: shown while it is the current one. A place is drawn the first
/// time it is visited and then stays (hidden while elsewhere), so what was typed in a form is
/// still there after a look elsewhere, and a ledger of years computes the lists of a place
/// (search index, clients, file groups) only once someone goes there.
#[component]
fn PlaceView(at: Memo<LedgerPlace>, place: LedgerPlace, children: ChildrenFn) -> impl IntoView {
    let visited = Memo::new(move |before: Option<&bool>| {
        before.copied().unwrap_or(false) || at.get() == place
    });
    view! {
        <div class="ledger-place" id=place_id(Place::Ledger(place)) hidden=move || at.get() != place>
            <Show when=move || visited.get()>{children()}</Show>
        </div>
    }
}

/// The menu of the ledger's places: links, so the back button and the keyboard just work.
#[component]
fn LedgerMenu(at: Memo<LedgerPlace>) -> impl IntoView {
    view! {
        <nav class="ledger-menu no-print" aria-label="台帳の中の場所">
            <ul>
                {LEDGER_MENU.iter().map(|&p| {
                    let current = move || p.is_menu_of(at.get());
                    view! {
                        <li>
                            <a href=Place::Ledger(p).href() class:current=current
                                aria-current=move || current().then_some("page")>{p.label()}</a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// The 「証跡台帳」 view: its status lines, the menu, and the place chosen in it.
#[component]
pub fn LedgerView() -> impl IntoView {
    let state = LedgerState::use_context();
    let place = use_place();
    let at = Memo::new(move |_| match place.get() {
        Place::Ledger(p) => p,
        Place::Check => LedgerPlace::Clients,
    });
    let ready = move || {
        state
            .settings
            .with(|s| s.as_ref().is_some_and(|s| s.is_ready()))
    };
    view! {
        <section class="ledger" aria-labelledby="ledger-heading">
            <h2 id="ledger-heading">"証跡台帳"</h2>
            {move || match state.loading.get() {
                Loading::Loading => view! { <p class="pending">"台帳を読み込んでいます…"</p> }.into_any(),
                Loading::Failed(e) => view! { <p class="error-text" role="alert">{e}</p> }.into_any(),
                Loading::Ready => ().into_any(),
            }}
            <div class="ledger-status">
                <BackupStatus/>
                <ChainStatus/>
            </div>
            <Show
                when=ready
                fallback=|| view! {
                    <SettingsForm first_run=true/>
                    <p class="panel-note">"事業所のほかのパソコンで台帳フォルダを使っている場合は、同じ台帳フォルダを選ぶと、設定と記録を引き継げます。バックアップから復元することもできます。"</p>
                    <OfficeFolderPanel/>
                    <BackupPanel/>
                }
            >
                <div class="ledger-layout">
                    <LedgerMenu at=at/>
                    <div class="ledger-places">
                        <PlaceView at=at place=LedgerPlace::Clients><ClientFinder/></PlaceView>
                        <PlaceView at=at place=LedgerPlace::Client><ClientPage/></PlaceView>
                        <PlaceView at=at place=LedgerPlace::Records><LedgerBrowser/> <RetentionList/></PlaceView>
                        <PlaceView at=at place=LedgerPlace::Add><EventForm/></PlaceView>
                        <PlaceView at=at place=LedgerPlace::Attachments><AttachmentsPanel/></PlaceView>
                        <PlaceView at=at place=LedgerPlace::Print><InspectionPanel/></PlaceView>
                        <PlaceView at=at place=LedgerPlace::Renewals><RenewalsPanel/></PlaceView>
                        <PlaceView at=at place=LedgerPlace::Keeping><KeepingPanel/></PlaceView>
                        <PlaceView at=at place=LedgerPlace::Backup><OfficeFolderPanel/> <BackupPanel/> <CheckpointPanel/></PlaceView>
                        <PlaceView at=at place=LedgerPlace::Settings><SettingsForm/></PlaceView>
                    </div>
                </div>
            </Show>
        </section>
    }
}
