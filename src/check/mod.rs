//! Checking one file: decode (MS932), split into records with positions, identify the
//! kind and version, apply the spec's rules, and return a report of findings.
