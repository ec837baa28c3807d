//! ARNs and function references with their qualifier.
