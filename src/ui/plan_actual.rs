//! 予定↔実績 on the page, read like a 利用票: one month calendar per client (services × days,
//! a 曜日 row with 土・日 marked, the month's totals at the end), each cell a mark and a word
//! (○ 予定どおり, △ 違う, × 実績なし, ＋ 予定外 …), never colour alone. Clients with differences
//! come first and open; the others are folded into one line each (「違いなし: 18人」), whose
//! calendars are made when it is first opened.
//! The differences can be saved as CSV for Excel.

use std::collections::HashMap;

use leptos::prelude::*;

use super::download::save_bytes;
use super::table::CaptionedTable;
use crate::excel_csv::to_csv;
use crate::jpdate::{CivilDate, YearMonth};
use crate::reconcile::{
    month_ja, time_ja, DayCell, DayState, MonthOutcome, ServiceLine, Tally, UserMonth, Visit,
};
use crate::report_export::difference_rows;
use crate::spec::service_kind;

const STATES: [DayState; 6] = [
    DayState::Same,
    DayState::Different,
    DayState::PlannedOnly,
    DayState::ActualOnly,
    DayState::PlannedNotCompared,
    DayState::ActualNotCompared,
];

/// Every client's month, with the legend and the CSV button. `partner_names` are the
/// ledger's names of 事業所番号 (a row shows the number where none is known).
#[component]
pub fn PlanActualCalendars(
    months: Vec<UserMonth>,
    partner_names: HashMap<String, String>,
) -> impl IntoView {
    if months.is_empty() {
        return ().into_any();
    }
    let differences: usize = months.iter().map(|m| m.differences.len()).sum();
    let rows = StoredValue::new(difference_rows(&months));
    let save = move |_| {
        let bytes = rows.with_value(|r| to_csv(r));
        save_bytes("予定と実績の違い.csv", "text/csv", &bytes);
    };
    let legend = STATES
        .iter()
        .map(|s| {
            view! {
                <li>
                    <span class=state_class(*s) aria-hidden="true">{s.mark()}</span>
                    " "
                    {s.label_ja()}
                </li>
            }
        })
        .collect_view();
    let names = StoredValue::new(partner_names);
    let count = |outcome: MonthOutcome| months.iter().filter(|m| m.outcome() == outcome).count();
    let differing = count(MonthOutcome::Differs);
    let calendars = move |list: Vec<UserMonth>| {
        list.into_iter()
            .map(|m| view! { <UserMonthCalendar month=m names=names.get_value()/> })
            .collect_view()
    };
    let of = |outcome: MonthOutcome| -> Vec<UserMonth> {
        months
            .iter()
            .filter(|m| m.outcome() == outcome)
            .cloned()
            .collect()
    };
    let (differs, not_compared, same) = (
        of(MonthOutcome::Differs),
        of(MonthOutcome::NotCompared),
        of(MonthOutcome::Same),
    );
    // A folded list's calendars are made when it is first opened: a month of 40 clients
    // without differences is thousands of cells nobody may look at, and making them with
    // the rest of the results was most of the longest task on the page (the check page's
    // benchmark). A click on the summary (also Enter or Space on it) opens it.
    let folded = move |label: &'static str, list: Vec<UserMonth>| {
        (!list.is_empty()).then(|| {
            let summary = format!("{label}: {}人", list.len());
            let opened = RwSignal::new(false);
            let list = StoredValue::new(list);
            view! {
                <details class="folded-months">
                    <summary on:click=move |_| opened.set(true)>{summary}</summary>
                    {move || opened.get().then(|| calendars(list.get_value()))}
                </details>
            }
        })
    };
    view! {
        <section class="plan-actual" aria-labelledby="plan-actual-title">
            <h3 id="plan-actual-title">"予定と実績の突合"</h3>
            <p>
                {format!(
                    "{}人・月分を突き合わせました。違いのある利用者: {}人(違い: {}件)",
                    months.len(),
                    differing,
                    differences
                )}
            </p>
            <div class="actions no-print">
                <button type="button" on:click=save>"突合結果をCSVで保存"</button>
            </div>
            <ul class="legend" aria-label="記号の意味">{legend}</ul>
            {calendars(differs)}
            {folded("実績がまだない(突き合わせできない)", not_compared)}
            {folded("違いなし", same)}
        </section>
    }
    .into_any()
}

fn state_class(state: DayState) -> &'static str {
    match state {
        DayState::Same => "day same",
        DayState::Different => "day different",
        DayState::PlannedOnly => "day planned-only",
        DayState::ActualOnly => "day actual-only",
        DayState::PlannedNotCompared => "day not-compared",
        DayState::ActualNotCompared => "day not-compared",
    }
}

/// The provider as a row names it: the ledger's name, else the 事業所番号.
fn provider_label(names: &HashMap<String, String>, office: &str) -> String {
    names
        .get(office)
        .cloned()
        .unwrap_or_else(|| office.to_owned())
}

/// The service as a row names it: its kind in words where the spec names it, and the code.
fn service_label(service_type: &str, code: &str) -> String {
    format!("{} {code}", service_kind::label_ja(service_type))
}

#[component]
fn UserMonthCalendar(month: UserMonth, names: HashMap<String, String>) -> impl IntoView {
    let who = match &month.name {
        Some(name) => format!("{name} 様(被保険者番号 {})", month.user.insured),
        None => format!("被保険者番号 {}", month.user.insured),
    };
    let title = format!("{who} {}分", month_ja(&month.month));
    // The month's days with their 曜日; a month that is not real gets numbered columns only.
    let days: Vec<(u8, Option<crate::jpdate::Weekday>)> =
        match YearMonth::parse_yyyymm(&month.month) {
            Some(ym) => ym.days().map(|d| (d.day, Some(d.weekday()))).collect(),
            None => (1..=month.days_in_month.max(1))
                .map(|d| (d, None))
                .collect(),
        };
    let weekend = |w: Option<crate::jpdate::Weekday>| w.is_some_and(|w| w.is_weekend());
    let day_heads = days
        .iter()
        .map(|&(d, w)| {
            view! { <th scope="col" class="day-no" class:weekend=weekend(w)>{d}</th> }
        })
        .collect_view();
    let weekday_heads = days
        .iter()
        .map(|&(_, w)| {
            let class = match w {
                Some(crate::jpdate::Weekday::Sat) => "weekday weekend sat",
                Some(crate::jpdate::Weekday::Sun) => "weekday weekend sun",
                _ => "weekday",
            };
            view! { <th scope="col" class=class>{w.map(|w| w.kanji())}</th> }
        })
        .collect_view();
    let lines = month
        .services
        .iter()
        .map(|line| service_row(line, &days, &names))
        .collect_view();
    let differences = month.differences.clone();
    let scroll_label = format!("{title}のカレンダー");
    view! {
        <article class="user-month" aria-label=title.clone()>
            <h4>{title.clone()}</h4>
            <div class="calendar-scroll" role="region" aria-label=scroll_label tabindex="0">
                <table class="calendar">
                    <caption>{format!("{title}: サービスごとの日別の予定と実績")}</caption>
                    <thead>
                        <tr>
                            <th scope="col" rowspan="2">"事業所・サービス"</th>
                            {day_heads}
                            <th scope="col" rowspan="2">"予定"</th>
                            <th scope="col" rowspan="2">"実績"</th>
                        </tr>
                        <tr class="weekday-row">{weekday_heads}</tr>
                    </thead>
                    <tbody>{lines}</tbody>
                </table>
            </div>
            {(!differences.is_empty()).then(|| view! { <DifferenceList differences=differences names=names/> })}
        </article>
    }
}

fn service_row(
    line: &ServiceLine,
    days: &[(u8, Option<crate::jpdate::Weekday>)],
    names: &HashMap<String, String>,
) -> impl IntoView {
    let cells = days
        .iter()
        .map(|&(d, w)| {
            let weekend = w.is_some_and(|w| w.is_weekend());
            match line.days.iter().find(|c| c.day == d) {
                Some(cell) => day_cell(cell, weekend),
                None => view! { <td class="day" class:weekend=weekend></td> }.into_any(),
            }
        })
        .collect_view();
    view! {
        <tr>
            <th scope="row">
                <span class="provider">{provider_label(names, &line.provider)}</span>
                <span class="service">{service_label(&line.service_type, &line.service_code)}</span>
            </th>
            {cells}
            <td class="number tally">{tally(&line.planned)}</td>
            <td class="number tally">{tally(&line.actual)}</td>
        </tr>
    }
}

/// 「5回 1,250単位」, short enough for the calendar's last columns.
fn tally(t: &Tally) -> String {
    format!(
        "{}回 {}単位",
        t.count,
        crate::display::group_thousands(t.units.max(0) as u64)
    )
}

fn visits_text(visits: &[Visit]) -> String {
    visits
        .iter()
        .map(|v| format!("{}〜{}", time_ja(&v.start), time_ja(&v.end)))
        .collect::<Vec<_>>()
        .join("、")
}

fn day_cell(cell: &DayCell, weekend: bool) -> AnyView {
    let mut detail = format!("{}日: {}", cell.day, cell.state.label_ja());
    if !cell.planned.is_empty() {
        detail.push_str(&format!(" 予定 {}", visits_text(&cell.planned)));
    }
    if !cell.actual.is_empty() {
        detail.push_str(&format!(" 実績 {}", visits_text(&cell.actual)));
    }
    view! {
        <td class=state_class(cell.state) class:weekend=weekend title=detail.clone() aria-label=detail>
            {cell.state.mark()}
        </td>
    }
    .into_any()
}

#[component]
fn DifferenceList(
    differences: Vec<crate::reconcile::Difference>,
    names: HashMap<String, String>,
) -> impl IntoView {
    let rows = differences
        .into_iter()
        .map(|d| {
            let kind = d
                .service_code
                .get(..2)
                .unwrap_or(&d.service_code)
                .to_owned();
            view! {
                <tr>
                    <td>
                        {CivilDate::parse_yyyymmdd(&d.date)
                            .map_or_else(|| d.date.clone(), CivilDate::format_ja)}
                    </td>
                    <td>
                        {format!(
                            "{} {}",
                            provider_label(&names, &d.provider),
                            service_label(&kind, &d.service_code)
                        )}
                    </td>
                    <td>{d.kind.label_ja()}</td>
                    <td>{d.planned.clone()}</td>
                    <td>{d.actual.clone()}</td>
                    <td>{d.message.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <CaptionedTable
            class="finding-table differences"
            caption="違いの一覧"
            headings=&["日付", "事業所・サービス", "違い", "予定", "実績", "内容"]
        >
            {rows}
        </CaptionedTable>
    }
}
