//! Keeping backups in a chosen folder, where the browser has the File System Access API
//! (Chrome and Edge, also from `file://`; not Firefox or a plain-http intranet page, where
//! backups are downloaded instead). The folder is remembered for this page session only; the
//! office folder ([`super::office_folder`]) is the one remembered across restarts.

pub use crate::store::folder_access::{
    choose_folder, folder_name, folder_supported, write_and_read_back,
};
