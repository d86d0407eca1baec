//! `careplan-check`: the command-line checker over the same domain core as the page.

fn main() {
    eprintln!("careplan-check: まだ実装されていません。");
    std::process::exit(2);
}
