//! API handler tests.
