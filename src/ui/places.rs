//! The place as the page holds it: a signal that follows the address's `#` part (the places
//! themselves, and their addresses, are [`crate::places`]), the chosen client, and focus on
//! the heading of a place that opens.

use leptos::prelude::*;

use crate::ledger::ClientKey;
pub use crate::places::{LedgerPlace, Place, LEDGER_MENU};

/// The current place, in context: follows the address, and [`go`] moves it.
#[derive(Clone, Copy)]
pub struct CurrentPlace(pub ReadSignal<Place>);

/// The client chosen in 利用者, used by the client's page, the print and the event form.
#[derive(Clone, Copy)]
pub struct ChosenClient(pub RwSignal<Option<ClientKey>>);

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Provides [`CurrentPlace`] and [`ChosenClient`], following the address's `#` part. When the
/// place changes by navigation (not at page load), focus moves to the new place's heading.
pub fn provide_places() {
    let (place, set_place) = signal(Place::from_hash(&current_hash()).unwrap_or(Place::Check));
    provide_context(CurrentPlace(place));
    provide_context(ChosenClient(RwSignal::new(None)));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        let Some(next) = Place::from_hash(&current_hash()) else {
            return;
        };
        if next != place.get_untracked() {
            set_place.set(next);
            // After the place is drawn.
            request_animation_frame(move || focus_heading(next));
        }
    });
    on_cleanup(move || handle.remove());
}

/// Moves to a place (adds a step to the browser's history, like a link).
pub fn go(place: Place) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&place.href());
    }
}

/// The id of the element that holds a place (its first heading gets the focus).
pub fn place_id(place: Place) -> String {
    match place {
        Place::Check => "place-check".into(),
        Place::Ledger(p) => format!("place-{}", p.slug()),
    }
}

/// Moves focus to the first heading of a place (after it is drawn).
pub fn focus_heading(place: Place) {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let selector = format!("#{} h2, #{} h3", place_id(place), place_id(place));
    let Ok(Some(heading)) = document.query_selector(&selector) else {
        return;
    };
    if let Ok(h) = heading.dyn_into::<web_sys::HtmlElement>() {
        let _ = h.set_attribute("tabindex", "-1");
        let _ = h.focus();
    }
}

/// The current place from context.
pub fn use_place() -> ReadSignal<Place> {
    use_context::<CurrentPlace>()
        .map(|c| c.0)
        .unwrap_or_else(|| signal(Place::Check).0)
}

/// The chosen client from context (a fresh one outside the App, in tests of one component).
pub fn use_chosen_client() -> RwSignal<Option<ClientKey>> {
    use_context::<ChosenClient>()
        .map(|c| c.0)
        .unwrap_or_else(|| RwSignal::new(None))
}

/// Moves focus to the element with this id (a field a message is about), if it exists.
pub fn focus_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
