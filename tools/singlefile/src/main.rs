//! Post-build step of `trunk build`: turns Trunk's output into ONE self-contained HTML file.
//!
//! Chromium refuses ES-module scripts and `fetch()` of a `.wasm` on `file://` pages, so the
//! normal Trunk output shows a blank page from a USB stick. This tool inlines the
//! wasm-bindgen "no-modules" glue and the wasm (gzipped and base64-encoded, unpacked by the
//! browser and handed to the glue's init as bytes) into one classic inline script, pins that script in the page's
//! Content-Security-Policy by its SHA-256, and writes the result as both
//! `careplan-ledger.html` (for the USB stick) and `index.html` (for an intranet server). The
//! page then needs no connection at all (`connect-src 'none'`), whichever way it is opened.
//!
//! Usage: `singlefile <trunk staging dir>` (Trunk passes `$TRUNK_STAGING_DIR`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sha2::{Digest, Sha256};

const APP: &str = "careplan-ledger";
const SINGLE_FILE: &str = "careplan-ledger.html";
const CSP_PLACEHOLDER: &str = "__CSP_SCRIPT_HASH__";
/// Separates the wasm-bindgen glue from our boot code inside the one inline script.
const BOOT_MARKER: &str = "/*careplan-boot*/";
/// The single file must fit comfortably on any stick and load fast.
const MAX_SINGLE_FILE_BYTES: usize = 2 * 1024 * 1024;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: singlefile <trunk staging dir>");
        return ExitCode::from(2);
    };
    match run(&dir) {
        Ok(size) => {
            println!(
                "singlefile: wrote {} ({size} bytes)",
                dir.join(SINGLE_FILE).display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("singlefile: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(dir: &Path) -> Result<usize, String> {
    let read =
        |name: &str| std::fs::read(dir.join(name)).map_err(|e| format!("cannot read {name}: {e}"));
    let html = String::from_utf8(read("index.html")?).map_err(|_| "index.html is not UTF-8")?;
    let glue_name = format!("{APP}.js");
    let wasm_name = format!("{APP}_bg.wasm");
    let glue = String::from_utf8(read(&glue_name)?).map_err(|_| "glue JS is not UTF-8")?;
    let wasm = read(&wasm_name)?;

    let page = build_page(&html, &glue, &wasm)?;
    if page.len() > MAX_SINGLE_FILE_BYTES {
        return Err(format!(
            "{SINGLE_FILE} is {} bytes, over the limit of {MAX_SINGLE_FILE_BYTES}",
            page.len()
        ));
    }
    let write = |name: &str| {
        std::fs::write(dir.join(name), &page).map_err(|e| format!("cannot write {name}: {e}"))
    };
    write(SINGLE_FILE)?;
    write("index.html")?;
    for name in [&glue_name, &wasm_name] {
        std::fs::remove_file(dir.join(name)).map_err(|e| format!("cannot remove {name}: {e}"))?;
    }
    Ok(page.len())
}

/// The finished page: `html` with the boot script inlined before `</body>` and the CSP
/// placeholder replaced by that script's hash.
fn build_page(html: &str, glue: &str, wasm: &[u8]) -> Result<String, String> {
    if html.matches(CSP_PLACEHOLDER).count() != 1 {
        return Err(format!(
            "index.html must contain {CSP_PLACEHOLDER} exactly once"
        ));
    }
    if html.to_ascii_lowercase().contains("<script") {
        return Err("index.html already has a script; set inject_scripts = false".into());
    }
    let script = boot_script(glue, wasm)?;
    let hash = format!("sha256-{}", base64(&Sha256::digest(script.as_bytes())));
    let body_end = html.rfind("</body>").ok_or("index.html has no </body>")?;
    let mut page = String::with_capacity(html.len() + script.len() + 64);
    page.push_str(&html[..body_end]);
    page.push_str("<script>");
    page.push_str(&script);
    page.push_str("</script>\n");
    page.push_str(&html[body_end..]);
    Ok(page.replace(CSP_PLACEHOLDER, &hash))
}

/// The one script of the page: the glue, then the wasm bytes handed to its init.
fn boot_script(glue: &str, wasm: &[u8]) -> Result<String, String> {
    let lower = glue.to_ascii_lowercase();
    // Inside <script>, these sequences would end or confuse the element; the glue that
    // wasm-bindgen writes has none, and we refuse to guess an escape that changes its code.
    if glue.contains(BOOT_MARKER) {
        return Err("the glue JS contains the boot marker".into());
    }
    for bad in ["</script", "<!--", "<script"] {
        if lower.contains(bad) {
            return Err(format!(
                "the glue JS contains {bad:?}; cannot inline it safely"
            ));
        }
    }
    // The wasm travels gzip-compressed (a third of its size) and is unpacked by the browser's
    // own DecompressionStream: no fetch, nothing the CSP forbids. The page then keeps the
    // glue's source text and the wasm bytes in `__careplanBoot`, so it can start the same
    // program in a Web Worker (from a blob: URL) to check large files off the main thread.
    // The glue is everything before the boot marker.
    Ok(format!(
        "{glue}\n{BOOT_MARKER}\n;(function () {{\n\
         var source = document.currentScript.textContent;\n\
         var glue = source.slice(0, source.indexOf(\"{BOOT_MARKER}\"));\n\
         var b64 = \"{wasm}\";\n\
         var text = atob(b64);\n\
         var packed = new Uint8Array(text.length);\n\
         for (var i = 0; i < text.length; i++) packed[i] = text.charCodeAt(i);\n\
         var unpacked = new Blob([packed]).stream().pipeThrough(new DecompressionStream(\"gzip\"));\n\
         new Response(unpacked).arrayBuffer().then(function (buffer) {{\n\
           var bytes = new Uint8Array(buffer);\n\
           globalThis.__careplanBoot = {{ glue: glue, wasm: bytes }};\n\
           return wasm_bindgen({{ module_or_path: bytes }});\n\
         }}).catch(function (error) {{\n\
           var p = document.createElement(\"p\");\n\
           p.setAttribute(\"role\", \"alert\");\n\
           p.textContent = \"ページを起動できませんでした。Edge または Chrome の新しい版で開いてください。(\" + error + \")\";\n\
           document.body.appendChild(p);\n\
         }});\n\
         }})();",
        wasm = base64(&gzip(wasm))
    ))
}

/// The wasm, gzip-compressed at the best level (the browser unpacks it at start-up).
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Standard base64 with padding (RFC 4648 §4), as `atob` and CSP hashes expect.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    const HTML: &str = "<html><head><meta content=\"script-src '__CSP_SCRIPT_HASH__'\"></head><body><p>x</p></body></html>";

    #[test]
    fn inlines_the_script_and_pins_its_hash() {
        let page = build_page(HTML, "var wasm_bindgen = 1;", &[0, 97, 115, 109]).unwrap();
        let start = page.find("<script>").unwrap() + "<script>".len();
        let end = page.find("</script>").unwrap();
        let script = &page[start..end];
        let b64 = script
            .split("var b64 = \"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(
            b64,
            base64(&gzip(&[0, 97, 115, 109])),
            "wasm bytes gzipped, as base64"
        );
        let hash = format!("sha256-{}", base64(&Sha256::digest(script.as_bytes())));
        assert!(page.contains(&format!("script-src '{hash}'")));
        assert!(!page.contains(CSP_PLACEHOLDER));
        assert!(page.ends_with("</body></html>"));
    }

    #[test]
    fn refuses_glue_that_would_break_out_of_the_script_element() {
        assert!(build_page(HTML, "x = '</SCRIPT>';", &[]).is_err());
        assert!(build_page(HTML, "x = '<!--';", &[]).is_err());
    }

    #[test]
    fn refuses_a_page_without_the_placeholder() {
        assert!(build_page("<html><body></body></html>", "", &[]).is_err());
    }
}
