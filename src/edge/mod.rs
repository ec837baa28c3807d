//! The HTTP edge: one hyper listener, routing, request ids and wire error rendering.
