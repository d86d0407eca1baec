//! The national CSV standard (ケアプランデータ連携標準仕様) as data: file kinds, versions,
//! field tables and code lists. Checks are driven by this data, never by per-column code.
