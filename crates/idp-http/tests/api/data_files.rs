//! The data folder holds password hashes, the HMAC master secret (in the
//! SQLite database) and the key that seals the signing keys: nobody but
//! the account idp runs as may read it.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::helpers::*;

crate::for_both_backends! {
    the_data_folder_and_its_files_are_private,
}

/// The permission bits, in octal.
fn mode(path: &Path) -> String {
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    format!("{:o}", meta.permissions().mode() & 0o777)
}

async fn the_data_folder_and_its_files_are_private(backend: Backend) {
    // A data folder that does not exist yet (the temporary folder is 0700
    // already), with the database in it on SQLite.
    let app = TestApp::spawn_with(backend, |s| {
        s.data_dir = s.data_dir.join("data");
        if backend == Backend::Sqlite {
            s.database_url = Some(format!("sqlite://{}", s.data_dir.join("idp.db").display()));
        }
    })
    .await;
    app.signed_up_and_verified("files@example.com", PASSWORD)
        .await;
    let data = app.data_dir.join("data");
    assert_eq!(mode(&data), "700", "{}", data.display());
    assert_eq!(mode(&data.join("master.key")), "600");
    // The outbox holds links and codes.
    let outbox = data.join("outbox");
    assert_eq!(mode(&outbox), "700");
    let mails: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!mails.is_empty());
    for mail in mails {
        assert_eq!(mode(&mail), "600", "{}", mail.display());
    }
    if backend == Backend::Sqlite {
        // SQLite gives its journal files the database file's mode.
        for file in ["idp.db", "idp.db-wal", "idp.db-shm"] {
            assert_eq!(mode(&data.join(file)), "600", "{file}");
        }
    }
}
