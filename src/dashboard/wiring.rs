//! The wiring graph of each account: bucket → notification configuration (events,
//! filters) → function ARN (alias, version or `$LATEST`) → the version(s) it resolves to,
//! with weights → the policy statements of that qualifier; each configuration marked
//! allowed or denied for its bucket by the one authorizer every delivery uses
//! ([`crate::pipeline::authorize_s3`]), in the words of
//! [`crate::lambda::policy::reason`].

use serde::Serialize;
use serde_json::Value;

use super::Viewer;
use crate::arn::{self, FunctionRef, NameKind, Qualifier};
use crate::lambda::policy::{Refusal, scope_label};
use crate::lambda::registry::Registry;
use crate::notify::config::{DestinationKind, NotificationConfiguration};
use crate::pipeline::{Target, authorize_s3};
use crate::s3::store::Bucket;
use crate::sim::Simulator;

/// Every visible account's wiring.
#[derive(Debug, Serialize)]
pub(crate) struct Wiring {
    /// One entry per account the viewer may see, in configured order.
    pub accounts: Vec<AccountWiring>,
}

/// One account: its buckets with their configurations, and its functions.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccountWiring {
    /// The account id.
    pub account: String,
    /// Its buckets, by name.
    pub buckets: Vec<BucketNode>,
    /// The unqualified ARNs of its functions (whether a bucket targets them or not).
    pub functions: Vec<String>,
}

/// A bucket and its notification configurations.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BucketNode {
    /// The bucket name.
    pub name: String,
    /// Its region.
    pub region: String,
    /// Every configuration, Lambda ones first, in document order.
    pub configurations: Vec<ConfigNode>,
}

/// One notification configuration and where it leads.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConfigNode {
    /// The configuration `Id`.
    pub id: String,
    /// `lambda`, `queue` or `topic` (only Lambda destinations are simulated).
    pub destination_type: &'static str,
    /// The event types, e.g. `s3:ObjectCreated:*`.
    pub events: Vec<String>,
    /// The key filter's prefix rule, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The key filter's suffix rule, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// The destination ARN exactly as configured.
    pub target: String,
    /// The function it names (Lambda destinations whose ARN parses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<FunctionNode>,
    /// Whether S3 may invoke it for this bucket (Lambda destinations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
}

/// Whether S3 may invoke `function_arn` for `bucket`: what a delivery from that bucket
/// would be told now, by the authorizer every delivery uses.
pub(crate) fn access(registry: &Registry, bucket: &Bucket, function_arn: &str) -> Access {
    let source_arn = format!("arn:aws:s3:::{}", bucket.name);
    let target = Target {
        function_arn,
        region: &bucket.region,
        source_arn: &source_arn,
        source_account: &bucket.owner.account_id,
    };
    match authorize_s3(registry, &target) {
        Ok(grant) => Access {
            verdict: "allowed",
            statement: grant.decision.statement,
            reason: Some(grant.decision.reason),
        },
        Err(Refusal::Denied { decision, .. }) => Access {
            verdict: "denied",
            statement: None,
            reason: Some(decision.reason),
        },
        Err(Refusal::Unresolved(u)) => Access {
            verdict: "unresolved",
            statement: None,
            reason: Some(u.to_string()),
        },
    }
}

/// The function a configuration names, resolved.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FunctionNode {
    /// The unqualified function ARN.
    pub arn: String,
    /// The owning account.
    pub account: String,
    /// The function name.
    pub name: String,
    /// The qualifier as configured: an alias, a version, or `$LATEST` (also when none).
    pub qualifier: String,
    /// `alias`, `version`, `latest` or `unqualified`.
    pub qualifier_kind: &'static str,
    /// Whether the viewer may see the function's details (its own account's).
    pub visible: bool,
    /// Whether the function (and the version or alias) exists; unknown when not visible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    /// The version(s) the qualifier resolves to now, with their weights.
    pub routes: Vec<Route>,
    /// The policy scope Lambda checks for this qualifier, e.g. `helloworld:PROD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_scope: Option<String>,
    /// The statements of that scope's policy.
    pub statements: Vec<StatementNode>,
}

/// One version an alias (or a plain qualifier) sends invocations to.
#[derive(Debug, Serialize)]
pub(crate) struct Route {
    /// `$LATEST` or a version number.
    pub version: String,
    /// The share of invocations, 0 to 1.
    pub weight: f64,
}

/// One statement of the qualifier's policy.
#[derive(Debug, Serialize)]
pub(crate) struct StatementNode {
    /// Its `Sid`.
    pub sid: String,
    /// Whether it is the statement that lets S3 invoke for this bucket.
    pub allows: bool,
    /// The statement as GetPolicy shows it.
    pub document: Value,
}

/// Whether S3 may invoke the destination for this bucket, and why.
#[derive(Debug, Serialize)]
pub(crate) struct Access {
    /// `allowed`, `denied` or `unresolved`.
    pub verdict: &'static str,
    /// The allowing statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// The authorizer's words (absent for another account's function).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The wiring the viewer may see.
pub(crate) fn wiring(sim: &Simulator, viewer: Viewer<'_>) -> Wiring {
    let (accounts, regions) = super::scope(sim, viewer);
    let registry = sim.lambda().registry();
    let mut buckets = sim.s3().store().buckets();
    buckets.sort_by(|a, b| a.name.cmp(&b.name));
    let accounts = accounts
        .into_iter()
        .map(|account| {
            let buckets = buckets
                .iter()
                .filter(|b| b.is_owned_by(&account))
                .map(|b| bucket_node(sim, registry, b, viewer))
                .collect();
            let mut functions = Vec::new();
            for region in &regions {
                functions.extend(
                    super::functions::all(registry, &account, region)
                        .into_iter()
                        .map(|c| c.function_arn()),
                );
            }
            AccountWiring {
                account,
                buckets,
                functions,
            }
        })
        .collect();
    Wiring { accounts }
}

fn bucket_node(
    sim: &Simulator,
    registry: &Registry,
    bucket: &Bucket,
    viewer: Viewer<'_>,
) -> BucketNode {
    let config = sim.s3().notification(&bucket.name);
    let configurations = config
        .as_deref()
        .map(|c| configurations(registry, bucket, c, viewer))
        .unwrap_or_default();
    BucketNode {
        name: bucket.name.clone(),
        region: bucket.region.clone(),
        configurations,
    }
}

fn configurations(
    registry: &Registry,
    bucket: &Bucket,
    config: &NotificationConfiguration,
    viewer: Viewer<'_>,
) -> Vec<ConfigNode> {
    let mut nodes: Vec<ConfigNode> = config
        .destinations()
        .map(|d| {
            let lambda = d.kind == DestinationKind::Lambda;
            let (function, access) = if lambda {
                let (f, a) = destination(registry, bucket, d.arn, viewer);
                (f, Some(a))
            } else {
                (None, None)
            };
            ConfigNode {
                id: d.id.to_owned(),
                destination_type: match d.kind {
                    DestinationKind::Lambda => "lambda",
                    DestinationKind::Queue => "queue",
                    DestinationKind::Topic => "topic",
                },
                events: d.events.iter().map(ToString::to_string).collect(),
                prefix: d.filter.prefix.clone(),
                suffix: d.filter.suffix.clone(),
                target: d.arn.to_owned(),
                function,
                access,
            }
        })
        .collect();
    nodes.sort_by_key(|n| n.destination_type != "lambda");
    nodes
}

/// The function a Lambda destination names and S3's access to it, for this bucket.
fn destination(
    registry: &Registry,
    bucket: &Bucket,
    function_arn: &str,
    viewer: Viewer<'_>,
) -> (Option<FunctionNode>, Access) {
    let function = FunctionRef::parse(function_arn, NameKind::Plain)
        .ok()
        .map(|r| {
            let account = r
                .account
                .clone()
                .unwrap_or_else(|| bucket.owner.account_id.clone());
            let region = r.region.clone().unwrap_or_else(|| bucket.region.clone());
            function_node(registry, &r, &account, &region, viewer)
        });
    let visible = function.as_ref().is_none_or(|f| f.visible);
    let mut access = access(registry, bucket, function_arn);
    if !visible {
        // The other account's policy is its own: only the verdict shows.
        access.reason = None;
        access.statement = None;
    }
    let allowing = access.statement.clone();
    let function = function.map(|mut f| {
        for st in &mut f.statements {
            st.allows = allowing.as_deref() == Some(st.sid.as_str());
        }
        f
    });
    (function, access)
}

fn function_node(
    registry: &Registry,
    r: &FunctionRef,
    account: &str,
    region: &str,
    viewer: Viewer<'_>,
) -> FunctionNode {
    let unqualified = arn::function_arn(region, account, &r.name);
    let (qualifier, qualifier_kind) = match r.qualifier_kind() {
        None => (arn::LATEST.to_owned(), "unqualified"),
        Some(Qualifier::Latest) => (arn::LATEST.to_owned(), "latest"),
        Some(Qualifier::Version(n)) => (n.to_string(), "version"),
        Some(Qualifier::Alias(a)) => (a, "alias"),
    };
    let mut node = FunctionNode {
        arn: unqualified.clone(),
        account: account.to_owned(),
        name: r.name.clone(),
        qualifier,
        qualifier_kind,
        visible: viewer.sees(account),
        exists: None,
        routes: Vec::new(),
        policy_scope: None,
        statements: Vec::new(),
    };
    if !node.visible {
        return node;
    }
    let plain = FunctionRef::named(&r.name);
    let routes = match r.qualifier_kind() {
        Some(Qualifier::Alias(a)) => {
            registry
                .get_alias(account, region, &plain, &a)
                .ok()
                .map(|alias| {
                    let extra: f64 = alias.additional_version_weights.values().sum();
                    std::iter::once(Route {
                        version: alias.function_version.clone(),
                        weight: (1.0 - extra).max(0.0),
                    })
                    .chain(alias.additional_version_weights.iter().map(|(v, w)| Route {
                        version: v.clone(),
                        weight: *w,
                    }))
                    .collect()
                })
        }
        Some(Qualifier::Version(n)) => registry.get_function(account, region, r).ok().map(|_| {
            vec![Route {
                version: n.to_string(),
                weight: 1.0,
            }]
        }),
        None | Some(Qualifier::Latest) => {
            registry.require(account, region, &plain).ok().map(|()| {
                vec![Route {
                    version: arn::LATEST.to_owned(),
                    weight: 1.0,
                }]
            })
        }
    };
    node.exists = Some(routes.is_some());
    node.routes = routes.unwrap_or_default();
    if node.exists != Some(true) {
        return node;
    }
    // `$LATEST` and the unqualified function share the unqualified policy.
    let scope_arn = match node.qualifier_kind {
        "alias" | "version" => format!("{unqualified}:{}", node.qualifier),
        _ => unqualified,
    };
    node.policy_scope = Some(scope_label(&scope_arn));
    node.statements = registry
        .policies(account, region, &plain)
        .unwrap_or_default()
        .into_iter()
        .filter(|(scope, _)| *scope == scope_arn)
        .flat_map(|(_, policy)| policy.statements)
        .map(|st| StatementNode {
            sid: st.sid.clone(),
            allows: false,
            document: serde_json::to_value(&st).unwrap_or(Value::Null),
        })
        .collect();
    node
}
