//! Node.js and Python functions: their language engine, loaded once per runtime (its
//! compiled code comes from the disk cache after the first compile on a machine), and the
//! code of one function, which is that engine plus the function's `/var/task`.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use wasmtime::component::Component;

use super::bindings::engine::EnginePre;
use super::store::State;
use super::task::TaskRoot;
use super::{Code, Language, Runtime, RuntimeError, Template, error_chain};

/// A loaded language engine, ready to instantiate. Cheap to clone.
#[derive(Clone)]
pub(super) struct EngineCode {
    pre: EnginePre<State>,
}

impl Runtime {
    /// The code of a function whose source `files` (relative paths and bytes) run in
    /// `language`'s engine, cached under `key` (which names the language and the code) for
    /// as long as `owner` (the bytes the files come from) lives: then the code and its folder
    /// go at the next load, so replaced code does not pile up on disk.
    ///
    /// Blocking: the first load of an engine compiles it, which takes tens of seconds when
    /// the disk cache does not have it yet, and the files are written to a private folder.
    pub fn load_source<'a>(
        &self,
        language: Language,
        key: &str,
        files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
        owner: std::sync::Weak<[u8]>,
    ) -> Result<Code, RuntimeError> {
        if let Some(code) = self.cached(key) {
            return Ok(code);
        }
        self.drop_orphaned_sources();
        let engine = self.engine_code(language)?;
        let started = Instant::now();
        let task = TaskRoot::write(files)
            .map_err(|e| RuntimeError::Internal(format!("writing /var/task: {e}")))?;
        let elapsed = started.elapsed();
        if elapsed > Duration::from_secs(1) {
            tracing::info!(key, ?elapsed, "wrote a function's /var/task");
        }
        let code = self.keep(
            key,
            Template::Engine {
                pre: engine.pre,
                task: Arc::new(task),
            },
        );
        self.inner.sources.lock().push((key.to_owned(), owner));
        Ok(code)
    }

    /// Forgets the source codes whose package no version holds any more (running
    /// invocations keep theirs until they end; the folder goes with the last).
    fn drop_orphaned_sources(&self) {
        self.inner.sources.lock().retain(|(key, owner)| {
            let alive = owner.strong_count() > 0;
            if !alive {
                self.inner.codes.remove(key);
                tracing::debug!(key, "dropped the code of a package no version holds");
            }
            alive
        });
    }

    /// Loads `language`'s engine from the engines folder, once: concurrent callers wait
    /// for the first.
    fn engine_code(&self, language: Language) -> Result<EngineCode, RuntimeError> {
        let inner = &*self.inner;
        if let Some(engine) = inner.engines.get(&language) {
            return Ok(engine.clone());
        }
        let gate = Arc::clone(
            inner
                .compiling
                .entry(format!("engine:{}", language.file_name()))
                .or_default()
                .value(),
        );
        let _loading = gate.lock();
        if let Some(engine) = inner.engines.get(&language) {
            return Ok(engine.clone());
        }
        let unavailable = |detail: String| RuntimeError::EngineUnavailable { language, detail };
        let path = inner.config.engines_dir.join(language.file_name());
        let wasm = std::fs::read(&path)
            .map_err(|e| unavailable(format!("cannot read {}: {e}", path.display())))?;
        let started = Instant::now();
        inner.compilations.fetch_add(1, Ordering::Relaxed);
        let bad = |e: wasmtime::Error| {
            unavailable(format!(
                "{} is not a usable engine: {}",
                path.display(),
                error_chain(&e)
            ))
        };
        let component = Component::new(&inner.engine, &wasm).map_err(bad)?;
        let pre = inner
            .linker_async
            .instantiate_pre(&component)
            .and_then(EnginePre::new)
            .map_err(bad)?;
        let elapsed = started.elapsed();
        if elapsed > Duration::from_secs(1) {
            tracing::info!(engine = language.name(), path = %path.display(), ?elapsed,
                "compiled a language engine (cached on disk for the next start)");
        } else {
            tracing::debug!(
                engine = language.name(),
                ?elapsed,
                "loaded a language engine"
            );
        }
        let engine = EngineCode { pre };
        inner.engines.insert(language, engine.clone());
        Ok(engine)
    }
}
