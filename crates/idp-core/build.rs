//! Embeds every message catalog in `src/i18n/*.ftl`, so that adding a
//! language means adding one file there.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new("src/i18n");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut tags: Vec<String> = fs::read_dir(dir)
        .expect("src/i18n is readable")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let tag = path.file_stem()?.to_str()?.to_owned();
            (path.extension()? == "ftl").then_some(tag)
        })
        .collect();
    // The fallback first, the rest in a stable order.
    tags.sort_by_key(|tag| (tag != "en", tag.clone()));
    assert_eq!(
        tags.first().map(String::as_str),
        Some("en"),
        "en.ftl is the fallback catalog"
    );
    let entries: String = tags
        .iter()
        .map(|tag| {
            let path = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap())
                .join(dir)
                .join(format!("{tag}.ftl"));
            println!("cargo:rerun-if-changed={}", path.display());
            format!(
                "    ({tag:?}, include_str!({:?})),\n",
                path.display().to_string()
            )
        })
        .collect();
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("catalogs.rs");
    fs::write(out, format!("&[\n{entries}]")).expect("OUT_DIR is writable");
}
