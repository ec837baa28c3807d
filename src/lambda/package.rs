//! Deployment packages: find the WebAssembly component a `Handler` names inside a zip.
//!
//! Convention: `Handler = "FILE.EXPORT"` selects `FILE.wasm` in the zip (at the root or in
//! any folder, root first). If that file is absent and the zip holds exactly one `.wasm`,
//! that one is used. A raw `.wasm` (magic `\0asm`) is accepted as `ZipFile` for convenience.

use std::io::{Cursor, Read};
use std::sync::Arc;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::error::LambdaError;

/// The wasm magic number.
pub const WASM_MAGIC: &[u8; 4] = b"\0asm";
/// Largest unzipped `.wasm` accepted (AWS's unzipped limit is 250 MB).
pub const MAX_UNZIPPED: u64 = 250 * 1024 * 1024;

/// A deployment package with the component it selects.
#[derive(Debug, Clone)]
pub struct Package {
    /// base64(SHA-256 of the package bytes), as `CodeSha256`.
    pub sha256: String,
    /// Size of the package in bytes, as `CodeSize`.
    pub size: u64,
    /// The selected `.wasm` bytes.
    pub wasm: Arc<[u8]>,
    /// The path of the selected file inside the zip (or `<raw>`).
    pub wasm_path: String,
    /// The whole package as uploaded (kept so a new `Handler` can select another file).
    pub archive: Arc<[u8]>,
}

/// base64 of the SHA-256 digest of `bytes`.
pub fn code_sha256(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
}

/// The file stem a handler names: `"app.handler"` → `"app"`, `"app"` → `"app"`.
pub fn handler_file(handler: &str) -> &str {
    handler.split_once('.').map_or(handler, |(file, _)| file)
}

/// Opens a package and selects the `.wasm` for `handler`.
pub fn open(bytes: &[u8], handler: Option<&str>) -> Result<Package, LambdaError> {
    let sha256 = code_sha256(bytes);
    let size = bytes.len() as u64;
    if bytes.starts_with(WASM_MAGIC) {
        let wasm: Arc<[u8]> = Arc::from(bytes);
        return Ok(Package {
            sha256,
            size,
            archive: Arc::clone(&wasm),
            wasm,
            wasm_path: "<raw>".into(),
        });
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        tracing::debug!(error = %e, "deployment package is not a zip");
        LambdaError::InvalidParameterValue(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
                .into(),
        )
    })?;
    let wasm_names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.ends_with(".wasm"))
        .map(std::borrow::Cow::into_owned)
        .collect();
    let wanted = handler.map(|h| format!("{}.wasm", handler_file(h)));
    let chosen = wanted
        .as_ref()
        .and_then(|w| {
            wasm_names.iter().find(|n| *n == w).or_else(|| {
                wasm_names
                    .iter()
                    .find(|n| n.rsplit('/').next() == Some(w.as_str()))
            })
        })
        .cloned();
    let chosen = match (chosen, wasm_names.as_slice()) {
        (Some(c), _) => c,
        (None, [only]) => only.clone(),
        (None, []) => {
            return Err(LambdaError::InvalidParameterValue(
                "The deployment package holds no .wasm file: add the handler's WebAssembly component to the zip.".into(),
            ));
        }
        (None, many) => {
            return Err(LambdaError::InvalidParameterValue(format!(
                "Handler {} names {} but the deployment package holds {} .wasm files ({}): name one of them as FILE.EXPORT.",
                handler.unwrap_or("(none)"),
                wanted.as_deref().unwrap_or("no file"),
                many.len(),
                many.join(", ")
            )));
        }
    };
    let mut file = zip.by_name(&chosen).map_err(|e| {
        LambdaError::InvalidParameterValue(format!(
            "Could not read {chosen} from the deployment package: {e}"
        ))
    })?;
    if file.size() > MAX_UNZIPPED {
        return Err(LambdaError::InvalidParameterValue(format!(
            "Unzipped size must be smaller than {MAX_UNZIPPED} bytes"
        )));
    }
    // Reserve what the entry claims, but no more than its compressed bytes can inflate to
    // (deflate's limit is 1032:1), so a forged size header cannot reserve 250 MB.
    let mut wasm =
        Vec::with_capacity(file.size().min(file.compressed_size().saturating_mul(1032)) as usize);
    (&mut file)
        .take(MAX_UNZIPPED + 1)
        .read_to_end(&mut wasm)
        .map_err(|e| {
            LambdaError::InvalidParameterValue(format!(
                "Could not read {chosen} from the deployment package: {e}"
            ))
        })?;
    if wasm.len() as u64 > MAX_UNZIPPED {
        // The entry's size header understated what it inflates to.
        return Err(LambdaError::InvalidParameterValue(format!(
            "Unzipped size must be smaller than {MAX_UNZIPPED} bytes"
        )));
    }
    if !wasm.starts_with(WASM_MAGIC) {
        return Err(LambdaError::InvalidParameterValue(format!(
            "{chosen} in the deployment package is not a WebAssembly binary (missing \\0asm magic)."
        )));
    }
    Ok(Package {
        sha256,
        size,
        wasm: Arc::from(wasm),
        wasm_path: chosen,
        archive: Arc::from(bytes),
    })
}

/// Builds a stored zip from `(name, bytes)` entries (tests and fixtures).
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in entries {
        if w.start_file(*name, opts).is_ok() {
            let _ = w.write_all(data);
        }
    }
    w.finish().map(Cursor::into_inner).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WASM: &[u8] = b"\0asm\x0d\0\x01\0";

    #[test]
    fn raw_wasm_is_accepted() {
        let p = open(WASM, Some("x.y")).unwrap();
        assert_eq!(&*p.wasm, WASM);
        assert_eq!(p.size, 8);
        assert_eq!(p.sha256, code_sha256(WASM));
        assert_eq!(p.sha256.len(), 44);
    }

    #[test]
    fn handler_selects_file() {
        let z = zip_of(&[
            ("a.wasm", WASM),
            ("b.wasm", b"\0asmBBBB"),
            ("README", b"hi"),
        ]);
        let p = open(&z, Some("b.handle")).unwrap();
        assert_eq!(p.wasm_path, "b.wasm");
        assert_eq!(&*p.wasm, b"\0asmBBBB");
        assert_eq!(p.sha256, code_sha256(&z));
        let e = open(&z, Some("c.handle")).unwrap_err();
        assert!(
            e.message().contains("holds 2 .wasm files (a.wasm, b.wasm)"),
            "{e}"
        );
        let nested = zip_of(&[("lib/app.wasm", WASM), ("lib/other.wasm", WASM)]);
        assert_eq!(
            open(&nested, Some("app.main")).unwrap().wasm_path,
            "lib/app.wasm"
        );
    }

    #[test]
    fn single_wasm_is_fallback_and_errors_are_clear() {
        let z = zip_of(&[("only.wasm", WASM)]);
        assert_eq!(
            open(&z, Some("index.handler")).unwrap().wasm_path,
            "only.wasm"
        );
        let e = open(&zip_of(&[("x.txt", b"no")]), None).unwrap_err();
        assert_eq!(e.code(), "InvalidParameterValueException");
        assert!(e.message().contains("no .wasm"));
        let e = open(b"not a zip", None).unwrap_err();
        assert_eq!(
            e.message(),
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        );
        let e = open(&zip_of(&[("f.wasm", b"text")]), None).unwrap_err();
        assert!(e.message().contains("not a WebAssembly binary"));
    }
}
