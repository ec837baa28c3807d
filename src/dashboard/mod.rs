//! The live dashboard's views, as plain data: the wiring graph of each account
//! ([`wiring`]), each function's panel ([`functions`]), the refused notification
//! configurations ([`refusals`]), and the page's static assets ([`assets`]). The edge
//! serves them as JSON and streams their changes; nothing here knows HTTP.
//!
//! A view shows only what the caller may see through the simulator API: the local
//! administrator sees every account; a signed caller sees its own account's buckets and
//! functions, and of another account's function only its ARN and whether S3 may invoke it.

pub(crate) mod assets;
pub(crate) mod functions;
pub(crate) mod refusals;
pub(crate) mod wiring;

/// Whose view is being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Viewer<'a> {
    /// The local administrator: every account.
    All,
    /// A signed caller: this account only.
    Account(&'a str),
}

impl Viewer<'_> {
    /// Whether the viewer may see what `account` owns.
    pub(crate) fn sees(self, account: &str) -> bool {
        match self {
            Viewer::All => true,
            Viewer::Account(id) => id == account,
        }
    }
}

/// The accounts the viewer may see, configured order, and the regions in use (the
/// simulator's, then every bucket's), sorted.
pub(crate) fn scope(sim: &crate::sim::Simulator, viewer: Viewer<'_>) -> (Vec<String>, Vec<String>) {
    let accounts = sim
        .config()
        .accounts()
        .map(|a| a.id)
        .filter(|id| viewer.sees(id))
        .collect();
    let mut regions: Vec<String> = std::iter::once(sim.config().region.clone())
        .chain(sim.s3().store().buckets().iter().map(|b| b.region.clone()))
        .collect();
    regions.sort();
    regions.dedup();
    (accounts, regions)
}
