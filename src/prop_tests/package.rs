//! Deployment packages: random bytes, and valid zips with mutated headers, including an entry
//! whose size header understates what it inflates to.

use std::io::Write as _;

use proptest::prelude::*;

use super::overwrite;
use crate::lambda::package::{self, PackageStore, WASM_MAGIC};

/// A deflated zip of `files`.
fn deflated(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Offsets of the uncompressed-size fields of every local and central header in `zip`.
fn size_fields(zip: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    for i in 0..zip.len().saturating_sub(4) {
        match &zip[i..i + 4] {
            b"PK\x03\x04" => out.push(i + 22),
            b"PK\x01\x02" => out.push(i + 24),
            _ => {}
        }
    }
    out.retain(|o| o + 4 <= zip.len());
    out
}

fn open_both(bytes: &[u8], handler: Option<&str>) {
    let _ = package::open(bytes, handler);
    let store = PackageStore::new(1 << 20);
    let _ = store.open(bytes, handler, package::Layout::Component);
    let _ = store.open(bytes, handler, package::Layout::Source);
    drop(store);
}

fn component(len: usize) -> Vec<u8> {
    let mut wasm = WASM_MAGIC.to_vec();
    wasm.extend(std::iter::repeat_n(7u8, len));
    wasm
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048),
                       handler in proptest::option::of("[a-z.]{0,12}")) {
        open_both(&bytes, handler.as_deref());
        let mut zipish = b"PK\x03\x04".to_vec();
        zipish.extend_from_slice(&bytes);
        open_both(&zipish, handler.as_deref());
    }

    #[test]
    fn a_valid_zip_with_mutated_bytes(
        len in 0usize..4096,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        truncate in proptest::option::of(any::<usize>()),
    ) {
        let zip = deflated(&[("app.wasm", component(len)), ("README", b"hi".to_vec())]);
        let mut mutated = overwrite(zip, &edits);
        if let Some(t) = truncate {
            mutated.truncate(t % (mutated.len() + 1));
        }
        open_both(&mutated, Some("app.handler"));
    }

    /// The size header says fewer bytes than the entry inflates to (or more): the package
    /// is read whole or refused, never trusted into a panic.
    #[test]
    fn a_size_header_that_lies(len in 1usize..65_536, claimed in any::<u32>()) {
        let mut zip = deflated(&[("app.wasm", component(len))]);
        for at in size_fields(&zip) {
            zip[at..at + 4].copy_from_slice(&claimed.to_le_bytes());
        }
        if let Ok(p) = package::open(&zip, Some("app.handler")) {
            prop_assert_eq!(p.wasm().map(|w| w.len()), Some(len + 4));
        }
    }
}

#[test]
fn an_understated_size_header_is_never_a_shorter_component() {
    let mut zip = deflated(&[("app.wasm", component(100_000))]);
    for at in size_fields(&zip) {
        zip[at..at + 4].copy_from_slice(&10u32.to_le_bytes());
    }
    match package::open(&zip, Some("app.handler")) {
        Ok(p) => assert_eq!(p.wasm().map(|w| w.len()), Some(100_004)),
        Err(e) => assert_eq!(e.code(), "InvalidParameterValueException", "{e}"),
    }
}
