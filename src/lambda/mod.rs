//! The Lambda control plane: registry, resource policies and REST-JSON API.
