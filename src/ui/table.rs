//! The tables of the page share one shape: a caption a screen reader announces, column
//! headings, then the rows. One component builds that shape; callers give the rows.

use leptos::prelude::*;

use crate::check::Severity;

/// A table with a caption and column headings; `children` are the body rows.
#[component]
pub fn CaptionedTable(
    class: &'static str,
    caption: &'static str,
    headings: &'static [&'static str],
    children: Children,
) -> impl IntoView {
    let headings = headings
        .iter()
        .map(|h| view! { <th scope="col">{*h}</th> })
        .collect_view();
    view! {
        <table class=class>
            <caption>{caption}</caption>
            <thead>
                <tr>{headings}</tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    }
}

/// The CSS class that colours a severity; the severity's word is always shown beside it.
pub fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "severity error",
        Severity::Warning => "severity warning",
        Severity::Info => "severity info",
    }
}
