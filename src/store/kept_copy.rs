//! Keeping a received file where it belongs (issue 16): its copy in the office folder under
//! `受信/<月>/<相手先>/<名前>`, made sub-folder by sub-folder, read back and compared by SHA-256.
//! Never moves or deletes anything: the watched folder is only read.

use wasm_bindgen::JsValue;

use super::folder_access::{read_bytes, subfolder, write_bytes_checked};
use crate::fingerprint::sha256_hex;

/// Copies `bytes` to `path` (folder names, then the file's name) below `office_folder`.
/// When a different file already has that name, the copy gets 「(2)」, 「(3)」… before its
/// extension; when the same bytes are already there, nothing is written. Returns the path
/// used.
pub async fn keep_copy(
    office_folder: &JsValue,
    path: &[String],
    bytes: &[u8],
) -> Result<Vec<String>, String> {
    let (name, folders) = path.split_last().ok_or("保存先がありません")?;
    let mut folder = office_folder.clone();
    for part in folders {
        folder = subfolder(&folder, part, true)
            .await?
            .ok_or_else(|| format!("フォルダ「{part}」を作れませんでした"))?;
    }
    let want = sha256_hex(bytes);
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name.as_str(), ""),
    };
    for n in 1..100 {
        let candidate = if n == 1 {
            name.clone()
        } else {
            format!("{stem}({n}){ext}")
        };
        match read_bytes(&folder, &candidate).await? {
            Some(there) if sha256_hex(&there) == want => return Ok(with_name(folders, candidate)),
            Some(_) => continue,
            None => {
                write_bytes_checked(&folder, &candidate, bytes).await?;
                let back = read_bytes(&folder, &candidate)
                    .await?
                    .ok_or("コピーを読み直せませんでした")?;
                if sha256_hex(&back) != want {
                    return Err("コピーを読み直したところ、元のファイルと一致しませんでした".into());
                }
                return Ok(with_name(folders, candidate));
            }
        }
    }
    Err(format!("「{name}」と同じ名前のファイルが多すぎます"))
}

fn with_name(folders: &[String], name: String) -> Vec<String> {
    let mut out = folders.to_vec();
    out.push(name);
    out
}
