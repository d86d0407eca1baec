//! The page (wasm only): Leptos components, one per thing the user sees.
