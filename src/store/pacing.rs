//! Long work on the page's thread in steps: after each step of about [`STEP_MS`] the page
//! answers the user (clicks, typing, painting) before the work goes on, so reading years of
//! entries never freezes it (no task over 200 ms is the goal the browser benchmark measures).
//!
//! The step ends with a message to the page itself (`MessageChannel`), not a timer: a timer
//! waits at least 4 ms once nested, and a page in a background tab gets timers only once a
//! second, which would stretch a few hundred steps into minutes.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// How long one step runs before it lets the page answer, in ms.
pub const STEP_MS: f64 = 40.0;

/// Lets the page handle what is waiting (input, painting), then continues.
pub async fn yield_to_page() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    let promise = Promise::new(&mut |resolve, _| {
        let port = channel.port1();
        let on_message = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        port.set_onmessage(Some(on_message.unchecked_ref()));
    });
    if channel.port2().post_message(&JsValue::NULL).is_err() {
        return;
    }
    let _ = JsFuture::from(promise).await;
    channel.port1().set_onmessage(None);
}

/// Counts the time of the current step.
pub struct Pacer {
    started: f64,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer::new()
    }
}

impl Pacer {
    pub fn new() -> Pacer {
        Pacer {
            started: js_sys::Date::now(),
        }
    }

    /// Whether the current step has used its time.
    pub fn due(&self) -> bool {
        js_sys::Date::now() - self.started >= STEP_MS
    }

    /// Ends the step if it has used its time: yields to the page and starts the next.
    pub async fn step(&mut self) {
        if self.due() {
            yield_to_page().await;
            self.started = js_sys::Date::now();
        }
    }
}

/// A `performance.mark` (how long each stage of a load or a sync took, for the browser
/// benchmark and the browser's own performance tools).
pub fn mark(name: &str) {
    let Ok(performance) = js_sys::Reflect::get(&js_sys::global(), &"performance".into()) else {
        return;
    };
    if let Ok(f) = js_sys::Reflect::get(&performance, &"mark".into()) {
        if let Ok(f) = f.dyn_into::<js_sys::Function>() {
            let _ = f.call1(&performance, &name.into());
        }
    }
}
