//! Listing a bucket: ListObjects pages (current versions, common prefixes) and
//! ListObjectVersions pages (every version and delete marker), both in key order.

use std::ops::Bound;
use std::sync::Arc;

use super::{Bucket, ObjectVersion};

/// Parameters of one ListObjectVersions page.
#[derive(Debug, Clone, Default)]
pub struct VersionListParams<'a> {
    /// Only keys starting with this.
    pub prefix: &'a str,
    /// Group keys by the part after the prefix up to this delimiter (empty: no grouping).
    pub delimiter: &'a str,
    /// `key-marker`: start after this key (or within it, with `version_id_marker`).
    pub key_marker: Option<&'a str>,
    /// `version-id-marker`: start after this version of `key_marker`.
    pub version_id_marker: Option<&'a str>,
    /// The most entries (versions, markers and common prefixes) to return.
    pub max_keys: usize,
}

/// One ListObjectVersions page.
#[derive(Debug, Clone, Default)]
pub struct VersionsPage {
    /// Versions and delete markers in key order, newest first per key, with `IsLatest`.
    pub versions: Vec<(Arc<ObjectVersion>, bool)>,
    /// Common prefixes, in order.
    pub common_prefixes: Vec<String>,
    /// Whether more entries follow.
    pub truncated: bool,
    /// Where the next page starts: key marker and version id marker (`None` after a prefix).
    pub next: Option<(String, Option<String>)>,
}

/// Parameters of one listing page.
#[derive(Debug, Clone, Default)]
pub struct ListParams<'a> {
    /// Only keys starting with this.
    pub prefix: &'a str,
    /// Group keys by the part after the prefix up to this delimiter (empty: no grouping).
    pub delimiter: &'a str,
    /// Only keys (and common prefixes) strictly greater than this.
    pub after: Option<&'a str>,
    /// The most entries (objects plus common prefixes) to return.
    pub max_keys: usize,
}

/// One listing page.
#[derive(Debug, Clone, Default)]
pub struct ListPage {
    /// Objects, in key order.
    pub objects: Vec<Arc<ObjectVersion>>,
    /// Common prefixes, in order.
    pub common_prefixes: Vec<String>,
    /// Whether more entries follow.
    pub truncated: bool,
    /// The last key or common prefix returned: the marker for the next page.
    pub last: Option<String>,
}

impl Bucket {
    /// One listing page, as ListObjects/ListObjectsV2 compute it: current versions only,
    /// keys whose current version is a delete marker left out.
    pub fn list(&self, p: &ListParams<'_>) -> ListPage {
        let mut page = ListPage::default();
        if p.max_keys == 0 {
            return page;
        }
        let objects = self.objects.read();
        let start = match p.after {
            Some(a) if a >= p.prefix => Bound::Excluded(a),
            _ => Bound::Included(p.prefix),
        };
        let mut count = 0usize;
        for (key, entry) in objects.range::<str, _>((start, Bound::Unbounded)) {
            if !key.starts_with(p.prefix) {
                break;
            }
            if entry.current.delete_marker {
                continue;
            }
            let common = common_prefix(key, p.prefix, p.delimiter);
            if let Some(cp) = common {
                if page.common_prefixes.last().is_some_and(|l| l == cp)
                    || p.after.is_some_and(|a| cp <= a)
                {
                    continue;
                }
                if count == p.max_keys {
                    page.truncated = true;
                    break;
                }
                page.common_prefixes.push(cp.to_owned());
                page.last = Some(cp.to_owned());
            } else {
                if count == p.max_keys {
                    page.truncated = true;
                    break;
                }
                page.objects.push(Arc::clone(&entry.current));
                page.last = Some(key.clone());
            }
            count += 1;
        }
        page
    }

    /// One ListObjectVersions page: every version and delete marker, keys in order and
    /// versions newest first, resuming after (`key_marker`, `version_id_marker`).
    pub fn list_versions(&self, p: &VersionListParams<'_>) -> VersionsPage {
        let mut page = VersionsPage::default();
        if p.max_keys == 0 {
            return page;
        }
        let objects = self.objects.read();
        let key_marker = p.key_marker.filter(|k| !k.is_empty());
        // With a version id marker, the marker key itself is resumed after that version.
        let start = match (key_marker, p.version_id_marker.filter(|v| !v.is_empty())) {
            (Some(k), Some(_)) if k >= p.prefix => Bound::Included(k),
            (Some(k), None) if k >= p.prefix => Bound::Excluded(k),
            _ => Bound::Included(p.prefix),
        };
        let mut count = 0usize;
        let mut last_prefix: Option<&str> = None;
        'keys: for (key, entry) in objects.range::<str, _>((start, Bound::Unbounded)) {
            if !key.starts_with(p.prefix) {
                break;
            }
            if let Some(cp) = common_prefix(key, p.prefix, p.delimiter) {
                if last_prefix == Some(cp) || key_marker.is_some_and(|m| cp <= m) {
                    continue;
                }
                if count == p.max_keys {
                    page.truncated = true;
                    break;
                }
                last_prefix = Some(cp);
                page.common_prefixes.push(cp.to_owned());
                page.next = Some((cp.to_owned(), None));
                count += 1;
                continue;
            }
            let mut skipping = key_marker == Some(key.as_str())
                && p.version_id_marker.is_some_and(|v| !v.is_empty());
            for (i, v) in entry.versions().enumerate() {
                if skipping {
                    if p.version_id_marker.is_some_and(|m| v.has_version_id(m)) {
                        skipping = false;
                    }
                    continue;
                }
                if count == p.max_keys {
                    page.truncated = true;
                    break 'keys;
                }
                page.versions.push((Arc::clone(v), i == 0));
                page.next = Some((key.clone(), Some(v.version_id_or_null().to_owned())));
                count += 1;
            }
        }
        if !page.truncated {
            page.next = None;
        }
        page
    }
}

/// The common prefix `key` rolls up into under `prefix` and `delimiter`, if any.
pub(super) fn common_prefix<'k>(key: &'k str, prefix: &str, delimiter: &str) -> Option<&'k str> {
    if delimiter.is_empty() {
        return None;
    }
    let rest = key.get(prefix.len()..)?;
    rest.find(delimiter)
        .and_then(|i| key.get(..prefix.len() + i + delimiter.len()))
}
