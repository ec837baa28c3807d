//! Live updates of the journal: every change to a trace (a new event, a delivery added or
//! updated) and every refused configuration is announced by id to the current subscribers,
//! so a live view re-reads only what changed. Subscriptions end when [`Live::end_subscriptions`] is called (the
//! server that streams them is shutting down).

use tokio::sync::{broadcast, watch};

/// How many changes a slow subscriber may fall behind before it is told it lagged.
const BACKLOG: usize = 1024;

/// The announcer of trace changes. One per journal; cloning a sender is cheap.
#[derive(Debug)]
pub(crate) struct Live {
    changes: broadcast::Sender<Item>,
    ended: watch::Sender<u64>,
}

/// What changed, as announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    Trace(u64),
    Refusal(u64),
}

/// What a subscriber hears next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The trace with this numeric id changed (or was created).
    Trace(u64),
    /// A configuration was refused (its numeric id).
    Refusal(u64),
    /// Changes were missed (the subscriber fell behind): re-read what it shows.
    Lagged,
}

/// One subscriber's view of the changes, from the moment it subscribed.
#[derive(Debug)]
pub struct Subscription {
    changes: broadcast::Receiver<Item>,
    ended: watch::Receiver<u64>,
}

impl Live {
    pub(crate) fn new() -> Self {
        Self {
            changes: broadcast::channel(BACKLOG).0,
            ended: watch::channel(0).0,
        }
    }

    /// A sender a trace keeps to announce its own changes.
    pub(crate) fn sender(&self) -> broadcast::Sender<Item> {
        self.changes.clone()
    }

    /// Announces a change (nothing happens when nobody listens).
    pub(crate) fn announce(&self, item: Item) {
        announce(&self.changes, item);
    }

    pub(crate) fn subscribe(&self) -> Subscription {
        let mut ended = self.ended.subscribe();
        ended.mark_unchanged();
        Subscription {
            changes: self.changes.subscribe(),
            ended,
        }
    }

    /// Ends every current subscription (later ones are not affected).
    pub(crate) fn end_subscriptions(&self) {
        self.ended
            .send_modify(|epoch| *epoch = epoch.wrapping_add(1));
    }
}

/// Announces a change on `changes`, if anyone listens.
pub(crate) fn announce(changes: &broadcast::Sender<Item>, item: Item) {
    // An error only says that nobody listens.
    let _ = changes.send(item);
}

fn change(item: Item) -> Change {
    match item {
        Item::Trace(id) => Change::Trace(id),
        Item::Refusal(id) => Change::Refusal(id),
    }
}

impl Subscription {
    /// The next change; `None` once the subscription has ended.
    pub async fn next(&mut self) -> Option<Change> {
        tokio::select! {
            biased;
            _ = self.ended.changed() => None,
            received = self.changes.recv() => match received {
                Ok(item) => Some(change(item)),
                Err(broadcast::error::RecvError::Lagged(_)) => Some(Change::Lagged),
                Err(broadcast::error::RecvError::Closed) => None,
            },
        }
    }

    /// A change already waiting, without waiting for one.
    pub fn try_next(&mut self) -> Option<Change> {
        match self.changes.try_recv() {
            Ok(item) => Some(change(item)),
            Err(broadcast::error::TryRecvError::Lagged(_)) => Some(Change::Lagged),
            Err(_) => None,
        }
    }
}
