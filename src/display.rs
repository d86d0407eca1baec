//! Numbers shown to people: file sizes and counts in the form Japanese office software uses.

/// A file size as people read it: `512 バイト`, `12.3 KB`, `4.5 MB` (1 KB = 1024 bytes,
/// as Windows Explorer shows it).
pub fn byte_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{} バイト", group_thousands(bytes))
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else if b < KB * KB * KB {
        format!("{:.1} MB", b / (KB * KB))
    } else {
        format!("{:.1} GB", b / (KB * KB * KB))
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(byte_size(0), "0 バイト");
        assert_eq!(byte_size(1023), "1,023 バイト");
        assert_eq!(byte_size(1024), "1.0 KB");
        assert_eq!(byte_size(20 * 1024 * 1024), "20.0 MB");
        assert_eq!(byte_size(3 * 1024 * 1024 * 1024), "3.0 GB");
    }

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(1234567), "1,234,567");
    }
}
