//! 予定↔実績 on the page: one month calendar per user (services × days), each cell a mark
//! and a word (○ 予定どおり, △ 違う, × 実績なし, ＋ 予定外 …), never colour alone; the list
//! of differences below; and the differences as CSV for Excel.

use leptos::prelude::*;

use super::download::save_bytes;
use super::table::CaptionedTable;
use crate::excel_csv::to_csv;
use crate::jpdate::CivilDate;
use crate::reconcile::{month_ja, time_ja, DayCell, DayState, ServiceLine, UserMonth, Visit};
use crate::report_export::difference_rows;

const STATES: [DayState; 6] = [
    DayState::Same,
    DayState::Different,
    DayState::PlannedOnly,
    DayState::ActualOnly,
    DayState::PlannedNotCompared,
    DayState::ActualNotCompared,
];

/// Every user's month, with the legend and the CSV button.
#[component]
pub fn PlanActualCalendars(months: Vec<UserMonth>) -> impl IntoView {
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
    view! {
        <section class="plan-actual" aria-labelledby="plan-actual-title">
            <h3 id="plan-actual-title">"予定と実績の突合"</h3>
            <p>
                {format!("{}人・月分を突き合わせました。違い: {}件", months.len(), differences)}
            </p>
            <div class="actions no-print">
                <button type="button" on:click=save>"突合結果をCSVで保存"</button>
            </div>
            <ul class="legend" aria-label="記号の意味">{legend}</ul>
            {months.into_iter().map(|m| view! { <UserMonthCalendar month=m/> }).collect_view()}
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

#[component]
fn UserMonthCalendar(month: UserMonth) -> impl IntoView {
    let who = match &month.name {
        Some(name) => format!("{name} 様(被保険者番号 {})", month.user.insured),
        None => format!("被保険者番号 {}", month.user.insured),
    };
    let title = format!("{who} {}分", month_ja(&month.month));
    let days = month.days_in_month.max(1);
    let head = (1..=days)
        .map(|d| view! { <th scope="col" class="day-no">{d}</th> })
        .collect_view();
    let lines = month
        .services
        .iter()
        .map(|line| service_row(line, days))
        .collect_view();
    let differences = month.differences.clone();
    view! {
        <article class="user-month" aria-label=title.clone()>
            <h4>{title.clone()}</h4>
            <div class="calendar-scroll">
                <table class="calendar">
                    <caption>{format!("{title}: サービスごとの日別の予定と実績")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"事業所・サービスコード"</th>
                            {head}
                            <th scope="col">"予定 回数/単位"</th>
                            <th scope="col">"実績 回数/単位"</th>
                        </tr>
                    </thead>
                    <tbody>{lines}</tbody>
                </table>
            </div>
            {(!differences.is_empty()).then(|| view! { <DifferenceList differences=differences/> })}
        </article>
    }
}

fn service_row(line: &ServiceLine, days: u8) -> impl IntoView {
    let cells = (1..=days)
        .map(|d| match line.days.iter().find(|c| c.day == d) {
            Some(cell) => day_cell(cell),
            None => view! { <td class="day"></td> }.into_any(),
        })
        .collect_view();
    let tally = |t: &crate::reconcile::Tally| format!("{}回 / {}", t.count, t.units);
    view! {
        <tr>
            <th scope="row">{format!("{} {}", line.provider, line.service_code)}</th>
            {cells}
            <td class="number">{tally(&line.planned)}</td>
            <td class="number">{tally(&line.actual)}</td>
        </tr>
    }
}

fn visits_text(visits: &[Visit]) -> String {
    visits
        .iter()
        .map(|v| format!("{}〜{}", time_ja(&v.start), time_ja(&v.end)))
        .collect::<Vec<_>>()
        .join("、")
}

fn day_cell(cell: &DayCell) -> AnyView {
    let mut detail = format!("{}日: {}", cell.day, cell.state.label_ja());
    if !cell.planned.is_empty() {
        detail.push_str(&format!(" 予定 {}", visits_text(&cell.planned)));
    }
    if !cell.actual.is_empty() {
        detail.push_str(&format!(" 実績 {}", visits_text(&cell.actual)));
    }
    view! {
        <td class=state_class(cell.state) title=detail.clone() aria-label=detail>
            {cell.state.mark()}
        </td>
    }
    .into_any()
}

#[component]
fn DifferenceList(differences: Vec<crate::reconcile::Difference>) -> impl IntoView {
    let rows = differences
        .into_iter()
        .map(|d| {
            view! {
                <tr>
                    <td>
                        {CivilDate::parse_yyyymmdd(&d.date)
                            .map_or_else(|| d.date.clone(), CivilDate::format_ja)}
                    </td>
                    <td>{format!("{} {}", d.provider, d.service_code)}</td>
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
