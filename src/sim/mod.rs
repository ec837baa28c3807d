//! The `Simulator`: configuration and the wiring of all services.
