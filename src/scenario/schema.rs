//! The scenario file format: what a YAML scenario may say, as serde types.
//!
//! Every list item is wrapped in [`Spanned`] so that load errors and the report can point
//! at the line it came from. Unknown fields are errors everywhere, so a typo never passes
//! silently. The format is documented for users in `fixtures/scenarios/README.md`.

use std::collections::BTreeMap;

use serde::Deserialize;
pub use serde_saphyr::Spanned;

/// The default account of the simulator (`test`/`test` keys).
pub const DEFAULT_ACCOUNT: &str = "000000000000";

/// The function name in a reference: `f`, `f:PROD`, or a function ARN.
pub fn function_name(reference: &str) -> &str {
    if reference.starts_with("arn:") {
        reference.split(':').nth(6).unwrap_or(reference)
    } else {
        reference.split(':').next().unwrap_or(reference)
    }
}

/// One scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A short title, shown in the report (the file name when absent).
    #[serde(default)]
    pub name: Option<String>,
    /// What the scenario demonstrates.
    #[serde(default)]
    pub description: Option<String>,
    /// Accounts besides the default `000000000000`.
    #[serde(default)]
    pub accounts: Vec<Spanned<Account>>,
    /// Lambda functions, created in order.
    #[serde(default)]
    pub functions: Vec<Spanned<Function>>,
    /// S3 buckets, created after the functions, with their notification configurations.
    #[serde(default)]
    pub buckets: Vec<Spanned<Bucket>>,
    /// What happens, in order.
    #[serde(default)]
    pub actions: Vec<Spanned<Action>>,
    /// What must be true once every delivery has finished.
    #[serde(default)]
    pub expect: Vec<Spanned<Expectation>>,
}

/// An extra account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
}

/// A Lambda function: its `$LATEST` code, published versions, aliases and policy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Function {
    /// The function name.
    pub name: String,
    /// The owning account (default `000000000000`).
    #[serde(default)]
    pub account: Option<String>,
    /// The code: a built-in handler from `handlers/` (`helloworld`, `s3-logger`, `echo`,
    /// `fail`, ...) or a path to a `.wasm` component or a zip holding one, relative to the
    /// scenario file.
    pub code: String,
    /// Reserved concurrency (`0` throttles every invocation).
    #[serde(default)]
    pub reserved_concurrency: Option<u32>,
    /// Versions to publish, in order: the first is version 1.
    #[serde(default)]
    pub versions: Vec<Spanned<Version>>,
    /// Aliases, created after the versions.
    #[serde(default)]
    pub aliases: Vec<Spanned<Alias>>,
    /// Resource-based policy statements (AddPermission), added after the aliases.
    #[serde(default)]
    pub permissions: Vec<Spanned<Permission>>,
}

/// One published version. Before publishing, `$LATEST` gets this code (when given) and
/// the description (default `version N`), so every entry publishes a new version.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    /// New code for `$LATEST` before publishing (same forms as [`Function::code`]).
    #[serde(default)]
    pub code: Option<String>,
    /// The description of `$LATEST` before publishing (default `version N`).
    #[serde(default)]
    pub description: Option<String>,
}

/// An alias, optionally weighted between two versions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alias {
    /// The alias name, e.g. `PROD`.
    pub name: String,
    /// The primary version (`1`, `2`, ... or `$LATEST`).
    pub version: String,
    /// `RoutingConfig.AdditionalVersionWeights`: one other version and its weight (0.0–1.0).
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
}

/// One AddPermission call.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    /// `StatementId` (default `s3-N`, N counting from 1 within the function).
    #[serde(default)]
    pub sid: Option<String>,
    /// The qualifier whose policy gets the statement (an alias or version); none for the
    /// unqualified function.
    #[serde(default)]
    pub qualifier: Option<String>,
    /// `Principal` (default `s3.amazonaws.com`).
    #[serde(default)]
    pub principal: Option<String>,
    /// `Action` (default `lambda:InvokeFunction`).
    #[serde(default)]
    pub action: Option<String>,
    /// A bucket name, giving `SourceArn` `arn:aws:s3:::{bucket}`.
    #[serde(default)]
    pub source_bucket: Option<String>,
    /// `SourceArn` verbatim (instead of `source_bucket`).
    #[serde(default)]
    pub source_arn: Option<String>,
    /// `SourceAccount`.
    #[serde(default)]
    pub source_account: Option<String>,
}

/// A bucket and its notification configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    /// The bucket name.
    pub name: String,
    /// The owning account (default `000000000000`).
    #[serde(default)]
    pub account: Option<String>,
    /// Turn versioning on (deletes then create delete markers).
    #[serde(default)]
    pub versioning: bool,
    /// Send `x-amz-skip-destination-validation: true` with the configuration.
    #[serde(default)]
    pub skip_destination_validation: bool,
    /// Lambda notification configurations, put in one PutBucketNotificationConfiguration.
    #[serde(default)]
    pub notifications: Vec<Spanned<Notification>>,
}

/// One `CloudFunctionConfiguration`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    /// The configuration `Id` (default `config-N`).
    #[serde(default)]
    pub id: Option<String>,
    /// The destination: a function name, optionally qualified (`f`, `f:PROD`, `f:1`,
    /// `f:$LATEST`), or a full function ARN. A name gets the ARN of the function of that
    /// name declared in the file, or of the bucket's account when none is.
    pub function: String,
    /// Event types (default `s3:ObjectCreated:*`).
    #[serde(default)]
    pub events: Vec<String>,
    /// A `prefix` filter rule.
    #[serde(default)]
    pub prefix: Option<String>,
    /// A `suffix` filter rule.
    #[serde(default)]
    pub suffix: Option<String>,
}

/// One step of the scenario. S3 writes emit events; deliveries run in the background and
/// are awaited before the expectations are checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// PutObject, `count` times (`{n}` in the key becomes 1, 2, ...).
    Put(Put),
    /// CopyObject.
    Copy(Copy),
    /// CreateMultipartUpload, UploadPart per part, CompleteMultipartUpload.
    Multipart(Multipart),
    /// DeleteObject (a delete marker on a versioned bucket).
    Delete(ObjectRef),
    /// A synchronous Invoke (RequestResponse).
    Invoke(Invoke),
}

/// A PutObject.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Put {
    /// The bucket.
    pub bucket: String,
    /// The key; `{n}` is replaced by the repetition number.
    pub key: String,
    /// The object's content (default `hello`).
    #[serde(default)]
    pub body: Option<String>,
    /// How many times (default 1).
    #[serde(default)]
    pub count: Option<u32>,
}

/// A CopyObject.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Copy {
    /// The destination bucket.
    pub bucket: String,
    /// The destination key.
    pub key: String,
    /// The source bucket (default: the destination bucket).
    #[serde(default)]
    pub source_bucket: Option<String>,
    /// The source key.
    pub source_key: String,
}

/// A multipart upload.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Multipart {
    /// The bucket.
    pub bucket: String,
    /// The key.
    pub key: String,
    /// The parts' contents (default one part, `part`).
    #[serde(default)]
    pub parts: Vec<String>,
}

/// An object, for a delete.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectRef {
    /// The bucket.
    pub bucket: String,
    /// The key.
    pub key: String,
}

/// A direct, synchronous invocation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invoke {
    /// A name for the `invoked` and `log` expectations (default: the function).
    #[serde(default)]
    pub id: Option<String>,
    /// The function, optionally qualified (`f`, `f:PROD`, `f:2`).
    pub function: String,
    /// The caller's account (default: the function's).
    #[serde(default)]
    pub account: Option<String>,
    /// The event, as YAML (sent as JSON; default `{}`).
    #[serde(default)]
    pub payload: Option<serde_json::Value>,
}

/// Which deliveries an expectation is about. Every field given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Select {
    /// The function: a name (any qualifier), `name:qualifier` (that ARN only) or an ARN.
    pub function: Option<String>,
    /// The version the delivery resolved to (`1`, `$LATEST`).
    pub version: Option<String>,
    /// The event's bucket.
    pub bucket: Option<String>,
    /// The event's key.
    pub key: Option<String>,
    /// The event name, e.g. `ObjectCreated:Copy` (an `s3:` prefix is allowed).
    pub event: Option<String>,
}

/// Declares an expectation body with the [`Select`] fields inline (serde's `flatten` would
/// lose line numbers and number-to-string coercion).
macro_rules! selecting {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* pub $f:ident : $t:ty,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// The function: a name (any qualifier), `name:qualifier` or an ARN.
            #[serde(default)]
            pub function: Option<String>,
            /// The version the delivery resolved to.
            #[serde(default)]
            pub version: Option<String>,
            /// The event's bucket.
            #[serde(default)]
            pub bucket: Option<String>,
            /// The event's key.
            #[serde(default)]
            pub key: Option<String>,
            /// The event name, e.g. `ObjectCreated:Copy`.
            #[serde(default)]
            pub event: Option<String>,
            $($(#[$fm])* pub $f: $t,)*
        }

        impl $name {
            /// The selection part.
            pub fn select(&self) -> Select {
                Select {
                    function: self.function.clone(),
                    version: self.version.clone(),
                    bucket: self.bucket.clone(),
                    key: self.key.clone(),
                    event: self.event.clone(),
                }
            }
        }
    };
}

selecting! {
    /// The `delivered` expectation.
    pub struct Delivered {}
}

/// What must hold at the end. Each is checked against the event traces (or, for
/// `rejected` and `invoked`, against the recorded results of the setup and actions).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Expectation {
    /// At least one delivery matching the selection ran successfully.
    Delivered(Delivered),
    /// A delivery matching the selection was refused by the resource policy; its reason
    /// contains `reason`.
    Denied(Denied),
    /// A delivery matching the selection ended with this outcome.
    Outcome(OutcomeIs),
    /// Events of the selection reached no function; the configuration check says why
    /// (`reason` is contained in e.g. `prefix: key does not start with "in/"`).
    NotDelivered(NotDelivered),
    /// The bucket's notification configuration was rejected with this error code.
    Rejected(Rejected),
    /// A log line of a matching delivery attempt or direct invocation contains the text.
    Log(LogContains),
    /// The number of deliveries matching the selection (and outcome).
    Deliveries(Count),
    /// A direct invocation's result.
    Invoked(Invoked),
}

selecting! {
    /// The `denied` expectation.
    pub struct Denied {
        /// Text the policy decision's reason must contain.
        #[serde(default)]
        pub reason: Option<String>,
    }
}

selecting! {
    /// The `outcome` expectation.
    pub struct OutcomeIs {
        /// `delivered`, `denied`, `unresolved`, `failed`, `expired` or `throttled`.
        pub is: String,
        /// The number of attempts made.
        #[serde(default)]
        pub attempts: Option<usize>,
        /// Text the resolution error, policy reason or last attempt's error must contain.
        #[serde(default)]
        pub detail: Option<String>,
    }
}

/// The `not_delivered` expectation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotDelivered {
    /// The event's bucket.
    #[serde(default)]
    pub bucket: Option<String>,
    /// The event's key.
    pub key: String,
    /// Only events of this name, e.g. `ObjectCreated:Put`.
    #[serde(default)]
    pub event: Option<String>,
    /// Text one configuration check must contain (`prefix`, `suffix`, `eventType` and its
    /// detail).
    #[serde(default)]
    pub reason: Option<String>,
}

/// The `rejected` expectation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rejected {
    /// The bucket whose configuration was put.
    pub bucket: String,
    /// The S3 error code, e.g. `InvalidArgument`.
    pub code: String,
    /// Text the error message or body must contain.
    #[serde(default)]
    pub message: Option<String>,
}

selecting! {
    /// The `log` expectation.
    pub struct LogContains {
        /// The text.
        pub contains: String,
        /// Only the log of this direct invocation (its `id`).
        #[serde(default)]
        pub invoke: Option<String>,
    }
}

selecting! {
    /// The `deliveries` expectation: give `count`, or `min` and/or `max`.
    pub struct Count {
        /// Only deliveries with this outcome (default `delivered`; `any` for all).
        #[serde(default)]
        pub outcome: Option<String>,
        /// Exactly this many.
        #[serde(default)]
        pub count: Option<usize>,
        /// At least this many.
        #[serde(default)]
        pub min: Option<usize>,
        /// At most this many.
        #[serde(default)]
        pub max: Option<usize>,
    }
}

/// The `invoked` expectation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invoked {
    /// The invocation's `id` (or its function when no id was given).
    pub invoke: String,
    /// The executed version.
    #[serde(default)]
    pub version: Option<String>,
    /// Text the function error (`Handled`/`Unhandled`) and payload must contain; absent
    /// means the invocation must succeed.
    #[serde(default)]
    pub error: Option<String>,
    /// Text the response payload must contain.
    #[serde(default)]
    pub payload: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_come_from_references() {
        assert_eq!(function_name("f"), "f");
        assert_eq!(function_name("f:PROD"), "f");
        assert_eq!(
            function_name("arn:aws:lambda:us-east-1:000000000000:function:g:2"),
            "g"
        );
    }
}
