//! Where the page is running, and what that means for the data kept in the browser.
//!
//! The same page is opened from a USB stick (`file://`), from an intranet server over plain
//! http, or over https/localhost. Persistent storage and `crypto.subtle` exist only in a
//! secure context, and all `file://` pages of a browser share one storage origin, so the
//! ledger must tell the user honestly which of these cases applies.

/// How the page was opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageOrigin {
    /// Opened as a file, e.g. double-clicked on a USB stick (USBなどのファイルから).
    LocalFile,
    /// Served over plain http by an intranet server (イントラネット(http)).
    IntranetHttp,
    /// Served over https, or from this PC itself (https・localhost): a secure context.
    SecureServer,
}

impl PageOrigin {
    /// Classifies `location.protocol` (with its colon, as browsers give it) and
    /// `location.hostname`.
    pub fn classify(protocol: &str, hostname: &str) -> PageOrigin {
        match protocol {
            "file:" => PageOrigin::LocalFile,
            "https:" => PageOrigin::SecureServer,
            _ if is_loopback(hostname) => PageOrigin::SecureServer,
            _ => PageOrigin::IntranetHttp,
        }
    }

    /// The label shown in the status line.
    pub fn label(self) -> &'static str {
        match self {
            PageOrigin::LocalFile => "USBなどのファイルから",
            PageOrigin::IntranetHttp => "イントラネット(http)",
            PageOrigin::SecureServer => "https・localhost",
        }
    }

    /// Where the ledger's records are kept, in plain words: the only storage status the
    /// page's header shows. Whether the browser also promised to keep them when space runs
    /// short is said where it is asked, when files are recorded.
    pub fn storage_sentence(self, indexed_db: bool) -> &'static str {
        if indexed_db {
            self.data_note()
        } else {
            "このブラウザでは記録を保存できません(点検はできます)。EdgeかChromeで開いてください。"
        }
    }

    /// One plain sentence on where the ledger's data lives in this case.
    pub fn data_note(self) -> &'static str {
        match self {
            PageOrigin::LocalFile => {
                "記録はまずこのパソコンのブラウザの中に保存されます。「台帳フォルダ」を選ぶと、そのフォルダ(USBメモリやファイルサーバー)にも保存され、同じフォルダを選んだほかのパソコンの記録と1つの台帳になります。"
            }
            PageOrigin::IntranetHttp => {
                "記録はサーバーではなく、このパソコンのブラウザの中に保存されます。この開き方では台帳フォルダを使えないため、ほかのパソコンとはバックアップの書き出しと復元で記録を合わせてください。ブラウザが容量不足のときに消すことがあるため、こまめにバックアップしてください。"
            }
            PageOrigin::SecureServer => "記録はこのパソコンのブラウザの中に保存されます。",
        }
    }
}

/// Browsers treat these hosts as potentially trustworthy (secure) even over plain http.
fn is_loopback(hostname: &str) -> bool {
    hostname == "localhost"
        || hostname.ends_with(".localhost")
        || hostname == "[::1]"
        || hostname.starts_with("127.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_storage_sentence_says_where_records_go_or_that_they_cannot_be_kept() {
        let origin = PageOrigin::LocalFile;
        assert_eq!(origin.storage_sentence(true), origin.data_note());
        assert!(origin.storage_sentence(false).contains("保存できません"));
    }

    #[test]
    fn classifies_the_three_ways_of_opening_the_page() {
        assert_eq!(PageOrigin::classify("file:", ""), PageOrigin::LocalFile);
        assert_eq!(
            PageOrigin::classify("http:", "192.168.1.20"),
            PageOrigin::IntranetHttp
        );
        assert_eq!(
            PageOrigin::classify("http:", "kaigo-server"),
            PageOrigin::IntranetHttp
        );
        assert_eq!(
            PageOrigin::classify("http:", "127.0.0.1"),
            PageOrigin::SecureServer
        );
        assert_eq!(
            PageOrigin::classify("http:", "localhost"),
            PageOrigin::SecureServer
        );
        assert_eq!(
            PageOrigin::classify("https:", "example.local"),
            PageOrigin::SecureServer
        );
    }
}
