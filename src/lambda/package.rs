//! Deployment packages: find the WebAssembly component a `Handler` names inside a zip, or
//! unzip a Node.js or Python function's source files, and keep each package once.
//!
//! Convention for components (`provided.*` runtimes): `Handler = "FILE.EXPORT"` selects
//! `FILE.wasm` in the zip (at the root or in any folder, root first). If that file is absent
//! and the zip holds exactly one `.wasm`, that one is used. A raw `.wasm` (magic `\0asm`) is
//! accepted as `ZipFile` for convenience. For a language engine (`nodejs*`, `python*`) every
//! file of the zip is unzipped ([`SourceTree`]) and mounted at `/var/task`; the handler is
//! looked up when the function runs, as Lambda does. A language runtime's package that holds
//! a component and no source file runs as a component.
//!
//! Storage: a [`PackageStore`] keeps every uploaded archive once by its CodeSha256 and every
//! component it unzipped once by (CodeSha256, path), shared by `$LATEST`, published versions
//! and other functions with the same code, and freed when no version holds it any more. The
//! total of those bytes is capped (`max_code_storage_bytes`, default 2 GiB); a package that
//! would pass the cap is refused with `CodeStorageExceededException`, as Lambda refuses one
//! past an account's code storage quota.
//! <https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html>
//!
//! Unzipping is blocking, CPU-bound work: callers on an async runtime run it on a blocking
//! thread (the Lambda API does, see `lambda::api`).

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::error::LambdaError;

/// The wasm magic number.
pub const WASM_MAGIC: &[u8; 4] = b"\0asm";
/// Largest unzipped `.wasm` accepted (AWS's unzipped limit is 250 MB).
pub const MAX_UNZIPPED: u64 = 250 * 1024 * 1024;
/// Default cap on the bytes of all stored packages and their unzipped components: 2 GiB.
pub const DEFAULT_CODE_STORAGE: u64 = 2 << 30;

/// Most files a source package may hold (a `node_modules` tree can be large).
pub const MAX_SOURCE_FILES: usize = 50_000;

/// How a function's runtime uses its package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One WebAssembly component, selected by the `Handler`.
    Component,
    /// The source files, run by a language engine.
    Source,
}

/// A deployment package with what it runs.
#[derive(Debug, Clone)]
pub struct Package {
    /// base64(SHA-256 of the package bytes), as `CodeSha256`.
    pub sha256: String,
    /// Size of the package in bytes, as `CodeSize`.
    pub size: u64,
    /// The selected component, or the source files.
    pub content: Content,
    /// The whole package as uploaded (kept so a new `Handler` can select another file).
    pub archive: Arc<[u8]>,
    /// The store entries this package holds (empty when opened without a store): while any
    /// package holds them, their bytes count against the store's cap.
    #[expect(
        dead_code,
        reason = "held for its lifetime: dropping it releases the entries"
    )]
    held: Held,
}

/// What a package runs.
#[derive(Debug, Clone)]
pub enum Content {
    /// A WebAssembly component.
    Component {
        /// Its bytes.
        wasm: Arc<[u8]>,
        /// Its path inside the zip (or `<raw>`).
        path: String,
    },
    /// Every file of the zip, for a language engine.
    Source(SourceTree),
}

/// The unzipped files of a source package, in one shared buffer.
#[derive(Debug, Clone)]
pub struct SourceTree {
    bytes: Arc<[u8]>,
    files: Arc<[SourceFile]>,
}

#[derive(Debug)]
struct SourceFile {
    path: String,
    range: std::ops::Range<usize>,
}

impl SourceTree {
    /// Each file's path (relative, `/`-separated, no `..`) and bytes.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|f| {
            (
                f.path.as_str(),
                self.bytes.get(f.range.clone()).unwrap_or_default(),
            )
        })
    }

    /// A weak handle on the unzipped bytes: alive while any package holds them.
    pub fn owner(&self) -> Weak<[u8]> {
        Arc::downgrade(&self.bytes)
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl Package {
    /// The component bytes, if the package runs one.
    pub fn wasm(&self) -> Option<&Arc<[u8]>> {
        match &self.content {
            Content::Component { wasm, .. } => Some(wasm),
            Content::Source(_) => None,
        }
    }

    /// What identifies the runnable part: the component's path, or `<source>`.
    pub fn content_path(&self) -> &str {
        match &self.content {
            Content::Component { path, .. } => path,
            Content::Source(_) => "<source>",
        }
    }
}

/// base64 of the SHA-256 digest of `bytes`.
pub fn code_sha256(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
}

/// The file stem a handler names: `"app.handler"` → `"app"`, `"app"` → `"app"`.
pub fn handler_file(handler: &str) -> &str {
    handler.split_once('.').map_or(handler, |(file, _)| file)
}

/// Opens a package and selects the `.wasm` for `handler`, outside any store (no sharing,
/// no cap beyond [`MAX_UNZIPPED`]).
pub fn open(bytes: &[u8], handler: Option<&str>) -> Result<Package, LambdaError> {
    PackageStore::new(u64::MAX).open(bytes, handler, Layout::Component)
}

fn unzip_error() -> LambdaError {
    LambdaError::InvalidParameterValue(
        "Could not unzip uploaded file. Please check your file, then try to upload again.".into(),
    )
}

fn too_large() -> LambdaError {
    LambdaError::InvalidParameterValue(format!(
        "Unzipped size must be smaller than {MAX_UNZIPPED} bytes"
    ))
}

/// The name of the `.wasm` entry `handler` selects in `zip`.
fn select(
    zip: &zip::ZipArchive<Cursor<&[u8]>>,
    handler: Option<&str>,
) -> Result<String, LambdaError> {
    let wasm_names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.ends_with(".wasm"))
        .map(std::borrow::Cow::into_owned)
        .collect();
    let wanted = handler.map(|h| format!("{}.wasm", handler_file(h)));
    let chosen = wanted.as_ref().and_then(|w| {
        wasm_names.iter().find(|n| *n == w).or_else(|| {
            wasm_names
                .iter()
                .find(|n| n.rsplit('/').next() == Some(w.as_str()))
        })
    });
    match (chosen, wasm_names.as_slice()) {
        (Some(c), _) | (None, [c]) => Ok(c.clone()),
        (None, []) => Err(LambdaError::InvalidParameterValue(
            "The deployment package holds no .wasm file: add the handler's WebAssembly component to the zip.".into(),
        )),
        (None, many) => Err(LambdaError::InvalidParameterValue(format!(
            "Handler {} names {} but the deployment package holds {} .wasm files ({}): name one of them as FILE.EXPORT.",
            handler.unwrap_or("(none)"),
            wanted.as_deref().unwrap_or("no file"),
            many.len(),
            many.join(", ")
        ))),
    }
}

/// Inflates the entry `chosen` of `zip`: at most [`MAX_UNZIPPED`] bytes, whatever its size
/// header says, and only a WebAssembly binary. `room` is what the store can still take.
fn inflate(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    chosen: &str,
    room: u64,
) -> Result<Vec<u8>, LambdaError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        LambdaError::InvalidParameterValue(format!(
            "Could not read {chosen} from the deployment package: {e}"
        ))
    };
    let mut file = zip.by_name(chosen).map_err(|e| unreadable(&e))?;
    if file.size() > MAX_UNZIPPED {
        return Err(too_large());
    }
    if file.size() > room {
        return Err(PackageStore::exceeded(file.size(), room));
    }
    // Reserve what the entry claims, but no more than its compressed bytes can inflate to
    // (deflate's limit is 1032:1), so a forged size header cannot reserve 250 MB.
    let reserve = file.size().min(file.compressed_size().saturating_mul(1032));
    let mut wasm = Vec::with_capacity(usize::try_from(reserve).unwrap_or(0));
    (&mut file)
        .take(MAX_UNZIPPED + 1)
        .read_to_end(&mut wasm)
        .map_err(|e| unreadable(&e))?;
    if wasm.len() as u64 > MAX_UNZIPPED {
        // The entry's size header understated what it inflates to.
        return Err(too_large());
    }
    if !wasm.starts_with(WASM_MAGIC) {
        return Err(LambdaError::InvalidParameterValue(format!(
            "{chosen} in the deployment package is not a WebAssembly binary (missing \\0asm magic)."
        )));
    }
    Ok(wasm)
}

/// The layout a package is opened with: a language runtime's package that holds
/// WebAssembly but no source file (`.js`, `.mjs`, `.cjs`, `.py`) runs as a component, so a
/// component keeps working whatever `Runtime` names it.
fn effective(layout: Layout, zip: &zip::ZipArchive<Cursor<&[u8]>>) -> Layout {
    const SOURCE: [&str; 4] = [".js", ".mjs", ".cjs", ".py"];
    if layout == Layout::Component {
        return layout;
    }
    let names = || zip.file_names().filter_map(Result::ok);
    let source = names().any(|n| SOURCE.iter().any(|ext| n.ends_with(ext)));
    let wasm = names().any(|n| n.ends_with(".wasm"));
    if wasm && !source {
        Layout::Component
    } else {
        Layout::Source
    }
}

/// Inflates every file of `zip` into one buffer: at most [`MAX_UNZIPPED`] bytes and
/// [`MAX_SOURCE_FILES`] files in all, whatever the size headers say, and no more than the
/// `room` the store has left. Folders are skipped; a name that would leave `/var/task`
/// (absolute, `..`) is refused.
fn unzip_all(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    room: u64,
) -> Result<(Vec<u8>, Vec<SourceFile>), LambdaError> {
    if zip.len() > MAX_SOURCE_FILES {
        return Err(LambdaError::InvalidParameterValue(format!(
            "The deployment package holds {} entries; s3lambda unzips at most {MAX_SOURCE_FILES}.",
            zip.len()
        )));
    }
    let limit = MAX_UNZIPPED.min(room);
    let mut bytes = Vec::new();
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(|e| {
            tracing::debug!(error = %e, "unreadable zip entry");
            unzip_error()
        })?;
        if file.is_dir() {
            continue;
        }
        let Some(path) = file.enclosed_name().and_then(|p| relative_path(&p)) else {
            return Err(LambdaError::InvalidParameterValue(format!(
                "The deployment package holds a file outside its root: {}",
                String::from_utf8_lossy(file.name_raw())
            )));
        };
        let start = bytes.len();
        let left = limit.saturating_sub(start as u64);
        (&mut file)
            .take(left + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                LambdaError::InvalidParameterValue(format!(
                    "Could not read {path} from the deployment package: {e}"
                ))
            })?;
        if bytes.len() as u64 > limit {
            return Err(if limit < MAX_UNZIPPED {
                PackageStore::exceeded(bytes.len() as u64, room)
            } else {
                too_large()
            });
        }
        files.push(SourceFile {
            path,
            range: start..bytes.len(),
        });
    }
    Ok((bytes, files))
}

/// `path` as a `/`-separated relative path of plain names, if it is one.
fn relative_path(path: &std::path::Path) -> Option<String> {
    let mut parts = Vec::new();
    for part in path.components() {
        match part {
            std::path::Component::Normal(name) => parts.push(name.to_str()?),
            std::path::Component::CurDir => {}
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// What a [`PackageStore`] has in use, for the simulator's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreUsage {
    /// Bytes of all stored archives and unzipped components.
    pub bytes: u64,
    /// How many archives and components are stored.
    pub entries: u64,
    /// How many components are being unzipped right now.
    pub unpacking: u64,
    /// The cap on `bytes`.
    pub limit: u64,
}

/// What one stored entry is: an uploaded archive, or a component unzipped from one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum EntryKey {
    Archive(String),
    Component(String, String),
    Source(String),
}

#[derive(Debug, Default)]
struct Meter {
    bytes: AtomicU64,
    entries: AtomicU64,
    unpacking: AtomicU64,
    limit: AtomicU64,
}

/// One stored byte string; its bytes leave the meter when the last package holding it goes.
#[derive(Debug)]
struct Entry {
    bytes: Arc<[u8]>,
    /// The file index of a source package's entry.
    files: Option<Arc<[SourceFile]>>,
    meter: Arc<Meter>,
}

impl Drop for Entry {
    fn drop(&mut self) {
        self.meter
            .bytes
            .fetch_sub(self.bytes.len() as u64, Ordering::Relaxed);
        self.meter.entries.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The store entries a [`Package`] keeps alive.
#[derive(Clone, Default)]
struct Held(Vec<Arc<Entry>>);

impl std::fmt::Debug for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Held({})", self.0.len())
    }
}

/// Counts one unzip in progress for as long as it lives.
struct Unpacking<'a>(&'a Meter);

impl<'a> Unpacking<'a> {
    fn start(meter: &'a Meter) -> Self {
        meter.unpacking.fetch_add(1, Ordering::Relaxed);
        Self(meter)
    }
}

impl Drop for Unpacking<'_> {
    fn drop(&mut self) {
        self.0.unpacking.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Deployment packages and their components, each stored once, with a cap on their bytes.
#[derive(Debug)]
pub struct PackageStore {
    entries: Mutex<HashMap<EntryKey, Weak<Entry>>>,
    meter: Arc<Meter>,
}

impl Default for PackageStore {
    fn default() -> Self {
        Self::new(DEFAULT_CODE_STORAGE)
    }
}

impl PackageStore {
    /// An empty store holding at most `limit` bytes.
    pub fn new(limit: u64) -> Self {
        let store = Self {
            entries: Mutex::default(),
            meter: Arc::default(),
        };
        store.set_limit(limit);
        store
    }

    /// Changes the cap; what is stored stays, new packages must fit under the new cap.
    pub fn set_limit(&self, limit: u64) {
        self.meter.limit.store(limit, Ordering::Relaxed);
    }

    /// What is in use now.
    pub fn usage(&self) -> StoreUsage {
        StoreUsage {
            bytes: self.meter.bytes.load(Ordering::Relaxed),
            entries: self.meter.entries.load(Ordering::Relaxed),
            unpacking: self.meter.unpacking.load(Ordering::Relaxed),
            limit: self.meter.limit.load(Ordering::Relaxed),
        }
    }

    /// The bytes that still fit under the cap.
    fn room(&self) -> u64 {
        let u = self.usage();
        u.limit.saturating_sub(u.bytes)
    }

    fn exceeded(needed: u64, room: u64) -> LambdaError {
        LambdaError::CodeStorageExceeded(format!(
            "Code storage limit exceeded. The deployment package needs {needed} more bytes and {room} are left under the simulator's max_code_storage_bytes."
        ))
    }

    /// Opens a package as `layout` says: selects the `.wasm` for `handler`, or unzips every
    /// file. Reuses what is already stored under the same CodeSha256. Blocking: unzipping a
    /// large package takes seconds.
    pub fn open(
        &self,
        bytes: &[u8],
        handler: Option<&str>,
        layout: Layout,
    ) -> Result<Package, LambdaError> {
        let sha256 = code_sha256(bytes);
        let archive = self.intern(EntryKey::Archive(sha256.clone()), |_| {
            Ok((bytes.to_vec(), None))
        })?;
        let raw = archive.bytes.starts_with(WASM_MAGIC);
        let (content, entry) = if raw {
            let wasm = Arc::clone(&archive.bytes);
            let content = Content::Component {
                wasm,
                path: "<raw>".to_owned(),
            };
            (content, None)
        } else {
            let mut zip = zip::ZipArchive::new(Cursor::new(&*archive.bytes)).map_err(|e| {
                tracing::debug!(error = %e, "deployment package is not a zip");
                unzip_error()
            })?;
            let started = std::time::Instant::now();
            let (content, entry) = match effective(layout, &zip) {
                Layout::Component => {
                    let chosen = select(&zip, handler)?;
                    let key = EntryKey::Component(sha256.clone(), chosen.clone());
                    let entry = self.intern(key, |room| {
                        let _unpacking = Unpacking::start(&self.meter);
                        inflate(&mut zip, &chosen, room).map(|wasm| (wasm, None))
                    })?;
                    let content = Content::Component {
                        wasm: Arc::clone(&entry.bytes),
                        path: chosen,
                    };
                    (content, entry)
                }
                Layout::Source => {
                    let entry = self.intern(EntryKey::Source(sha256.clone()), |room| {
                        let _unpacking = Unpacking::start(&self.meter);
                        unzip_all(&mut zip, room).map(|(bytes, files)| (bytes, Some(files)))
                    })?;
                    let tree = SourceTree {
                        bytes: Arc::clone(&entry.bytes),
                        files: entry.files.clone().unwrap_or_else(|| Arc::new([])),
                    };
                    (Content::Source(tree), entry)
                }
            };
            let elapsed = started.elapsed();
            if elapsed > std::time::Duration::from_secs(1) {
                tracing::info!(code_sha256 = %sha256, ?elapsed, "unzipped a deployment package");
            }
            (content, Some(entry))
        };
        Ok(Package {
            sha256,
            size: bytes.len() as u64,
            content,
            archive: Arc::clone(&archive.bytes),
            held: Held(std::iter::once(archive).chain(entry).collect()),
        })
    }

    /// The stored entry for `key`, or a new one from `make` (called without the lock and
    /// given the room left under the cap) if it fits under the cap.
    fn intern(
        &self,
        key: EntryKey,
        make: impl FnOnce(u64) -> Result<(Vec<u8>, Option<Vec<SourceFile>>), LambdaError>,
    ) -> Result<Arc<Entry>, LambdaError> {
        if let Some(found) = self.lookup(&key) {
            return Ok(found);
        }
        let (bytes, files) = make(self.room())?;
        let bytes: Arc<[u8]> = Arc::from(bytes);
        let files: Option<Arc<[SourceFile]>> = files.map(Arc::from);
        let len = bytes.len() as u64;
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = entries.get(&key).and_then(Weak::upgrade) {
            // Stored by a concurrent upload of the same code while this one unzipped.
            return Ok(found);
        }
        let limit = self.meter.limit.load(Ordering::Relaxed);
        self.meter
            .bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                used.checked_add(len).filter(|total| *total <= limit)
            })
            .map_err(|used| Self::exceeded(len, limit.saturating_sub(used)))?;
        self.meter.entries.fetch_add(1, Ordering::Relaxed);
        let entry = Arc::new(Entry {
            bytes,
            files,
            meter: Arc::clone(&self.meter),
        });
        entries.retain(|_, e| e.strong_count() > 0);
        entries.insert(key, Arc::downgrade(&entry));
        Ok(entry)
    }

    fn lookup(&self, key: &EntryKey) -> Option<Arc<Entry>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(key).and_then(Weak::upgrade)
    }
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
        assert_eq!(p.wasm().map(|w| &**w), Some(WASM));
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
        assert_eq!(p.content_path(), "b.wasm");
        assert_eq!(p.wasm().map(|w| &**w), Some(&b"\0asmBBBB"[..]));
        assert_eq!(p.sha256, code_sha256(&z));
        let e = open(&z, Some("c.handle")).unwrap_err();
        assert!(
            e.message().contains("holds 2 .wasm files (a.wasm, b.wasm)"),
            "{e}"
        );
        let nested = zip_of(&[("lib/app.wasm", WASM), ("lib/other.wasm", WASM)]);
        assert_eq!(
            open(&nested, Some("app.main")).unwrap().content_path(),
            "lib/app.wasm"
        );
    }

    #[test]
    fn single_wasm_is_fallback_and_errors_are_clear() {
        let z = zip_of(&[("only.wasm", WASM)]);
        assert_eq!(
            open(&z, Some("index.handler")).unwrap().content_path(),
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

    #[test]
    fn a_source_package_is_unzipped_whole_and_stays_inside_its_root() {
        let store = PackageStore::new(1 << 20);
        let z = zip_of(&[
            ("index.js", b"exports.handler = 1"),
            ("lib/util.js", b"module.exports = 2"),
            ("app.wasm", WASM),
        ]);
        let p = store
            .open(&z, Some("index.handler"), Layout::Source)
            .unwrap();
        let Content::Source(tree) = &p.content else {
            panic!("source expected: {p:?}");
        };
        let files: Vec<(&str, &[u8])> = tree.files().collect();
        assert_eq!(
            files,
            [
                ("index.js", &b"exports.handler = 1"[..]),
                ("lib/util.js", b"module.exports = 2"),
                ("app.wasm", WASM),
            ]
        );
        assert_eq!(p.content_path(), "<source>");
        // Stored once: a second open shares the same bytes.
        let again = store.open(&z, None, Layout::Source).unwrap();
        let Content::Source(again) = &again.content else {
            panic!("source expected");
        };
        assert!(Arc::ptr_eq(&tree.bytes, &again.bytes));
        // Only WebAssembly and no source: it runs as a component.
        let only_wasm = zip_of(&[("helloworld.wasm", WASM)]);
        let p = store
            .open(&only_wasm, Some("helloworld.handler"), Layout::Source)
            .unwrap();
        assert_eq!(p.content_path(), "helloworld.wasm");
        // A name that leaves the root is refused.
        let escape = zip_of(&[("../evil.js", b"x")]);
        let e = store.open(&escape, None, Layout::Source).unwrap_err();
        assert!(e.message().contains("outside its root"), "{e}");
        // The store's cap holds for source packages too.
        let small = PackageStore::new(600);
        let big = zip_of(&[("big.js", &[b'x'; 4096][..])]);
        let e = small.open(&big, None, Layout::Source).unwrap_err();
        assert_eq!(e.code(), "CodeStorageExceededException");
    }
}
