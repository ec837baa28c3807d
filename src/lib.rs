//! s3lambda: a simulator of the Amazon S3 → AWS Lambda push model.
//!
//! A mock S3 service speaking the real S3 REST API, a Lambda control plane speaking the
//! real Lambda REST-JSON API, and a dispatcher that delivers S3 event notifications to
//! WebAssembly handlers run in wasmtime, with a readable trace for every event.
//!
//! `s3lambda serve` puts all of it behind one HTTP endpoint for any AWS client. A Rust test can
//! also run it in-process, with no port, through [`sim::LocalClient`]:
//!
//! ```
//! use std::time::Duration;
//!
//! use s3lambda::sim::Simulator;
//! use s3lambda::trace::{Outcome, Query};
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = Simulator::builder().build()?;
//! let aws = sim.default_client(); // account 000000000000
//!
//! // A function running the built-in `s3-logger` handler, version 1 behind the alias PROD,
//! // which lets S3 invoke it for the bucket `photos`.
//! aws.create_function("thumbnails", "s3-logger").await?;
//! let version = aws.publish_version("thumbnails").await?;
//! aws.create_alias("thumbnails", "PROD", &version).await?;
//! aws.add_s3_permission("thumbnails", Some("PROD"), "s3-invoke", "photos", "000000000000")
//!     .await?;
//!
//! // The bucket notifies the alias of every new object.
//! aws.create_bucket("photos")?;
//! aws.put_bucket_notification(
//!     "photos",
//!     "<NotificationConfiguration><CloudFunctionConfiguration>\
//!        <Id>new-photos</Id>\
//!        <CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:thumbnails:PROD</CloudFunction>\
//!        <Event>s3:ObjectCreated:*</Event>\
//!      </CloudFunctionConfiguration></NotificationConfiguration>",
//! )?;
//!
//! aws.put_object("photos", "cat.jpg", &b"meow"[..])?;
//! assert!(sim.wait_idle(Duration::from_secs(10)).await);
//!
//! let traces = sim.traces(&Query { bucket: Some("photos".into()), ..Query::default() });
//! let delivery = &traces[0].deliveries[0];
//! assert_eq!(traces[0].source.event_name, "ObjectCreated:Put");
//! assert_eq!(delivery.resolved_version.as_deref(), Some("1"));
//! assert_eq!(delivery.outcome, Outcome::Delivered);
//! assert!(delivery.attempts[0].log_tail.contains("cat.jpg"));
//! # Ok(())
//! # }
//! ```

pub mod arn;
pub mod auth;
mod dashboard;
pub mod edge;
pub mod lambda;
pub mod logs;
pub mod metrics;
pub mod notify;
pub mod pipeline;
#[cfg(test)]
mod prop_tests;
pub mod runtime;
pub mod s3;
pub mod s3event;
pub mod scenario;
pub mod services;
pub mod sim;
pub mod trace;
pub mod validation;
pub mod xml;
