//! Matches a Lambda request's method and path to an operation.
//!
//! Every API version prefix ([`PREFIXES`]) is accepted for every operation; path segments are
//! percent-decoded (SDKs encode the `:` of ARNs as `%3A`).

use http::Method;
use percent_encoding::percent_decode_str;

use crate::lambda::error::LambdaError;

/// A Lambda operation with its path parameters (decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `POST /functions`.
    CreateFunction,
    /// `GET /functions`.
    ListFunctions,
    /// `GET /functions/{name}`.
    GetFunction(String),
    /// `DELETE /functions/{name}`.
    DeleteFunction(String),
    /// `GET /functions/{name}/configuration`.
    GetFunctionConfiguration(String),
    /// `PUT /functions/{name}/configuration`.
    UpdateFunctionConfiguration(String),
    /// `PUT /functions/{name}/code`.
    UpdateFunctionCode(String),
    /// `POST /functions/{name}/versions`.
    PublishVersion(String),
    /// `GET /functions/{name}/versions`.
    ListVersionsByFunction(String),
    /// `POST /functions/{name}/aliases`.
    CreateAlias(String),
    /// `GET /functions/{name}/aliases`.
    ListAliases(String),
    /// `GET /functions/{name}/aliases/{alias}`.
    GetAlias(String, String),
    /// `PUT /functions/{name}/aliases/{alias}`.
    UpdateAlias(String, String),
    /// `DELETE /functions/{name}/aliases/{alias}`.
    DeleteAlias(String, String),
    /// `POST /functions/{name}/policy`.
    AddPermission(String),
    /// `GET /functions/{name}/policy`.
    GetPolicy(String),
    /// `DELETE /functions/{name}/policy/{sid}`.
    RemovePermission(String, String),
    /// `POST /functions/{name}/invocations`.
    Invoke(String),
    /// `PUT /functions/{name}/event-invoke-config`.
    PutFunctionEventInvokeConfig(String),
    /// `POST /functions/{name}/event-invoke-config`.
    UpdateFunctionEventInvokeConfig(String),
    /// `GET /functions/{name}/event-invoke-config`.
    GetFunctionEventInvokeConfig(String),
    /// `DELETE /functions/{name}/event-invoke-config`.
    DeleteFunctionEventInvokeConfig(String),
    /// `GET /functions/{name}/event-invoke-config/list`.
    ListFunctionEventInvokeConfigs(String),
    /// `PUT /functions/{name}/concurrency`.
    PutFunctionConcurrency(String),
    /// `GET /functions/{name}/concurrency`.
    GetFunctionConcurrency(String),
    /// `DELETE /functions/{name}/concurrency`.
    DeleteFunctionConcurrency(String),
    /// `GET /account-settings` (API 2016-08-19).
    GetAccountSettings,
    /// `GET /layers` (API 2018-10-31).
    ListLayers,
    /// `GET /event-source-mappings` (API 2015-03-31).
    ListEventSourceMappings,
    /// `GET /functions/{name}/recursion-config` (API 2024-08-31).
    GetFunctionRecursionConfig(String),
    /// `GET /functions/{name}/code-signing-config` (API 2020-06-30).
    GetFunctionCodeSigningConfig(String),
    /// `GET /functions/{name}/runtime-management-config` (API 2021-07-20).
    GetRuntimeManagementConfig(String),
    /// `GET /tags/{arn}` (API 2017-03-31).
    ListTags(String),
    /// `POST /tags/{arn}`.
    TagResource(String),
    /// `DELETE /tags/{arn}`.
    UntagResource(String),
}

impl Route {
    /// The function the operation addresses (as named in the path) and its IAM action, for
    /// the access check; `None` for CreateFunction and ListFunctions, whose function (if
    /// any) is not in the path.
    pub fn function_action(&self) -> Option<(&str, &'static str)> {
        let (f, action) = match self {
            Self::CreateFunction
            | Self::ListFunctions
            | Self::GetAccountSettings
            | Self::ListLayers
            | Self::ListEventSourceMappings => return None,
            Self::GetFunction(f) => (f, "lambda:GetFunction"),
            Self::DeleteFunction(f) => (f, "lambda:DeleteFunction"),
            Self::GetFunctionConfiguration(f) => (f, "lambda:GetFunctionConfiguration"),
            Self::UpdateFunctionConfiguration(f) => (f, "lambda:UpdateFunctionConfiguration"),
            Self::UpdateFunctionCode(f) => (f, "lambda:UpdateFunctionCode"),
            Self::PublishVersion(f) => (f, "lambda:PublishVersion"),
            Self::ListVersionsByFunction(f) => (f, "lambda:ListVersionsByFunction"),
            Self::CreateAlias(f) => (f, "lambda:CreateAlias"),
            Self::ListAliases(f) => (f, "lambda:ListAliases"),
            Self::GetAlias(f, _) => (f, "lambda:GetAlias"),
            Self::UpdateAlias(f, _) => (f, "lambda:UpdateAlias"),
            Self::DeleteAlias(f, _) => (f, "lambda:DeleteAlias"),
            Self::AddPermission(f) => (f, "lambda:AddPermission"),
            Self::GetPolicy(f) => (f, "lambda:GetPolicy"),
            Self::RemovePermission(f, _) => (f, "lambda:RemovePermission"),
            Self::Invoke(f) => (f, "lambda:InvokeFunction"),
            Self::PutFunctionEventInvokeConfig(f) => (f, "lambda:PutFunctionEventInvokeConfig"),
            Self::UpdateFunctionEventInvokeConfig(f) => {
                (f, "lambda:UpdateFunctionEventInvokeConfig")
            }
            Self::GetFunctionEventInvokeConfig(f) => (f, "lambda:GetFunctionEventInvokeConfig"),
            Self::DeleteFunctionEventInvokeConfig(f) => {
                (f, "lambda:DeleteFunctionEventInvokeConfig")
            }
            Self::ListFunctionEventInvokeConfigs(f) => (f, "lambda:ListFunctionEventInvokeConfigs"),
            Self::PutFunctionConcurrency(f) => (f, "lambda:PutFunctionConcurrency"),
            Self::GetFunctionConcurrency(f) => (f, "lambda:GetFunctionConcurrency"),
            Self::DeleteFunctionConcurrency(f) => (f, "lambda:DeleteFunctionConcurrency"),
            Self::GetFunctionRecursionConfig(f) => (f, "lambda:GetFunctionRecursionConfig"),
            Self::GetFunctionCodeSigningConfig(f) => (f, "lambda:GetFunctionCodeSigningConfig"),
            Self::GetRuntimeManagementConfig(f) => (f, "lambda:GetRuntimeManagementConfig"),
            Self::ListTags(f) => (f, "lambda:ListTags"),
            Self::TagResource(f) => (f, "lambda:TagResource"),
            Self::UntagResource(f) => (f, "lambda:UntagResource"),
        };
        Some((f.as_str(), action))
    }
}

/// The API versions of the Lambda REST paths (`/{version}/...`), every one the service model
/// uses: `2014-11-13` (InvokeAsync), `2015-03-31` (functions, event source mappings),
/// `2016-08-19` (account settings), `2017-03-31` (tags), `2017-10-31` (concurrency),
/// `2018-10-31` (layers), `2019-09-25` (event invoke configs), `2019-09-30` (provisioned
/// concurrency), `2020-04-22` (code signing configs), `2020-06-30` (a function's code signing
/// config), `2021-07-20` (runtime management), `2021-10-31` (function URLs), `2021-11-15`
/// (response streaming), `2024-08-31` (recursion config). A path under any of them is
/// Lambda's, so an operation s3lambda does not simulate is answered in Lambda's protocol
/// (`UnknownOperationException`), never by S3.
pub const PREFIXES: [&str; 14] = [
    "/2014-11-13/",
    "/2015-03-31/",
    "/2016-08-19/",
    "/2017-03-31/",
    "/2017-10-31/",
    "/2018-10-31/",
    "/2019-09-25/",
    "/2019-09-30/",
    "/2020-04-22/",
    "/2020-06-30/",
    "/2021-07-20/",
    "/2021-10-31/",
    "/2021-11-15/",
    "/2024-08-31/",
];

/// True if `path` belongs to the Lambda API (for the edge's routing).
pub fn is_lambda_path(path: &str) -> bool {
    PREFIXES.iter().any(|p| path.starts_with(p))
}

fn decode(seg: &str) -> Result<String, LambdaError> {
    percent_decode_str(seg)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| {
            LambdaError::Validation(format!(
                "Path segment '{seg}' is not valid UTF-8 after percent-decoding"
            ))
        })
}

/// Finds the operation for `method` and the raw `path` (query string excluded).
pub fn route(method: &Method, path: &str) -> Result<Route, LambdaError> {
    let unknown =
        || LambdaError::UnknownOperation(format!("No Lambda operation matches {method} {path}"));
    let rest = PREFIXES
        .iter()
        .find_map(|p| path.strip_prefix(p))
        .ok_or_else(unknown)?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let segs: Vec<String> = rest.split('/').map(decode).collect::<Result<_, _>>()?;
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let name = |s: &str| s.to_owned();
    let r = match (method.as_str(), segs.as_slice()) {
        ("POST", ["functions"]) => Route::CreateFunction,
        ("GET", ["functions"]) => Route::ListFunctions,
        ("GET", ["functions", f]) => Route::GetFunction(name(f)),
        ("DELETE", ["functions", f]) => Route::DeleteFunction(name(f)),
        ("GET", ["functions", f, "configuration"]) => Route::GetFunctionConfiguration(name(f)),
        ("PUT", ["functions", f, "configuration"]) => Route::UpdateFunctionConfiguration(name(f)),
        ("PUT", ["functions", f, "code"]) => Route::UpdateFunctionCode(name(f)),
        ("POST", ["functions", f, "versions"]) => Route::PublishVersion(name(f)),
        ("GET", ["functions", f, "versions"]) => Route::ListVersionsByFunction(name(f)),
        ("POST", ["functions", f, "aliases"]) => Route::CreateAlias(name(f)),
        ("GET", ["functions", f, "aliases"]) => Route::ListAliases(name(f)),
        ("GET", ["functions", f, "aliases", a]) => Route::GetAlias(name(f), name(a)),
        ("PUT", ["functions", f, "aliases", a]) => Route::UpdateAlias(name(f), name(a)),
        ("DELETE", ["functions", f, "aliases", a]) => Route::DeleteAlias(name(f), name(a)),
        ("POST", ["functions", f, "policy"]) => Route::AddPermission(name(f)),
        ("GET", ["functions", f, "policy"]) => Route::GetPolicy(name(f)),
        ("DELETE", ["functions", f, "policy", s]) => Route::RemovePermission(name(f), name(s)),
        ("POST", ["functions", f, "invocations"]) => Route::Invoke(name(f)),
        ("PUT", ["functions", f, "event-invoke-config"]) => {
            Route::PutFunctionEventInvokeConfig(name(f))
        }
        ("POST", ["functions", f, "event-invoke-config"]) => {
            Route::UpdateFunctionEventInvokeConfig(name(f))
        }
        ("GET", ["functions", f, "event-invoke-config"]) => {
            Route::GetFunctionEventInvokeConfig(name(f))
        }
        ("DELETE", ["functions", f, "event-invoke-config"]) => {
            Route::DeleteFunctionEventInvokeConfig(name(f))
        }
        ("GET", ["functions", f, "event-invoke-config", "list"]) => {
            Route::ListFunctionEventInvokeConfigs(name(f))
        }
        ("PUT", ["functions", f, "concurrency"]) => Route::PutFunctionConcurrency(name(f)),
        ("GET", ["functions", f, "concurrency"]) => Route::GetFunctionConcurrency(name(f)),
        ("DELETE", ["functions", f, "concurrency"]) => Route::DeleteFunctionConcurrency(name(f)),
        ("GET", ["functions", f, "recursion-config"]) => Route::GetFunctionRecursionConfig(name(f)),
        ("GET", ["functions", f, "code-signing-config"]) => {
            Route::GetFunctionCodeSigningConfig(name(f))
        }
        ("GET", ["functions", f, "runtime-management-config"]) => {
            Route::GetRuntimeManagementConfig(name(f))
        }
        ("GET", ["account-settings"]) => Route::GetAccountSettings,
        ("GET", ["tags", f]) => Route::ListTags(name(f)),
        ("POST", ["tags", f]) => Route::TagResource(name(f)),
        ("DELETE", ["tags", f]) => Route::UntagResource(name(f)),
        ("GET", ["layers"]) => Route::ListLayers,
        ("GET", ["event-source-mappings"]) => Route::ListEventSourceMappings,
        _ => {
            return Err(match unsimulated(method.as_str(), &segs) {
                Some(op) => not_simulated(op),
                None => unknown(),
            });
        }
    };
    Ok(r)
}

/// Finds the operation as [`route`] does, then tells apart the operations that share a
/// method and path and differ by a query parameter: `GET /2018-10-31/layers?find=LayerVersion`
/// is GetLayerVersionByArn (not ListLayers), `GET …/provisioned-concurrency?List=ALL` is
/// ListProvisionedConcurrencyConfigs. Neither is simulated; each is refused by its name.
pub fn route_with_query(
    method: &Method,
    path: &str,
    query: &[(String, String)],
) -> Result<Route, LambdaError> {
    let has = |k: &str, v: &str| query.iter().any(|(qk, qv)| qk == k && qv == v);
    let route = route(method, path);
    match &route {
        Ok(Route::ListLayers) if has("find", "LayerVersion") => {
            Err(not_simulated("GetLayerVersionByArn"))
        }
        Err(_)
            if method == Method::GET
                && path
                    .trim_end_matches('/')
                    .ends_with("/provisioned-concurrency")
                && has("List", "ALL") =>
        {
            Err(not_simulated("ListProvisionedConcurrencyConfigs"))
        }
        _ => route,
    }
}

fn not_simulated(op: &str) -> LambdaError {
    LambdaError::UnknownOperation(format!(
        "{op} is not simulated by s3lambda: it runs functions for S3 notifications and the Invoke API only."
    ))
}

/// The name of a Lambda operation s3lambda knows of but does not simulate, so its refusal
/// can name it.
fn unsimulated(method: &str, segs: &[&str]) -> Option<&'static str> {
    Some(match (method, segs) {
        ("POST", ["event-source-mappings"]) => "CreateEventSourceMapping",
        ("GET", ["event-source-mappings", _]) => "GetEventSourceMapping",
        ("PUT", ["event-source-mappings", _]) => "UpdateEventSourceMapping",
        ("DELETE", ["event-source-mappings", _]) => "DeleteEventSourceMapping",
        ("POST", ["functions", _, "url"]) => "CreateFunctionUrlConfig",
        ("GET", ["functions", _, "url"]) => "GetFunctionUrlConfig",
        ("PUT", ["functions", _, "url"]) => "UpdateFunctionUrlConfig",
        ("DELETE", ["functions", _, "url"]) => "DeleteFunctionUrlConfig",
        ("GET", ["functions", _, "urls"]) => "ListFunctionUrlConfigs",
        ("PUT", ["functions", _, "provisioned-concurrency"]) => "PutProvisionedConcurrencyConfig",
        ("GET", ["functions", _, "provisioned-concurrency"]) => "GetProvisionedConcurrencyConfig",
        ("DELETE", ["functions", _, "provisioned-concurrency"]) => {
            "DeleteProvisionedConcurrencyConfig"
        }
        ("PUT", ["functions", _, "runtime-management-config"]) => "PutRuntimeManagementConfig",
        ("PUT", ["functions", _, "code-signing-config"]) => "PutFunctionCodeSigningConfig",
        ("DELETE", ["functions", _, "code-signing-config"]) => "DeleteFunctionCodeSigningConfig",
        ("PUT", ["functions", _, "recursion-config"]) => "PutFunctionRecursionConfig",
        ("POST", ["functions", _, "invoke-async"]) => "InvokeAsync",
        ("POST", ["functions", _, "response-streaming-invocations"]) => "InvokeWithResponseStream",
        ("POST", ["code-signing-configs"]) => "CreateCodeSigningConfig",
        ("GET", ["code-signing-configs"]) => "ListCodeSigningConfigs",
        ("GET", ["code-signing-configs", _]) => "GetCodeSigningConfig",
        ("PUT", ["code-signing-configs", _]) => "UpdateCodeSigningConfig",
        ("DELETE", ["code-signing-configs", _]) => "DeleteCodeSigningConfig",
        ("GET", ["code-signing-configs", _, "functions"]) => "ListFunctionsByCodeSigningConfig",
        ("GET", ["layers", _, "versions"]) => "ListLayerVersions",
        ("POST", ["layers", _, "versions"]) => "PublishLayerVersion",
        ("GET", ["layers", _, "versions", _]) => "GetLayerVersion",
        ("DELETE", ["layers", _, "versions", _]) => "DeleteLayerVersion",
        ("POST", ["layers", _, "versions", _, "policy"]) => "AddLayerVersionPermission",
        ("GET", ["layers", _, "versions", _, "policy"]) => "GetLayerVersionPolicy",
        ("DELETE", ["layers", _, "versions", _, "policy", _]) => "RemoveLayerVersionPermission",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(
            route(&Method::POST, "/2015-03-31/functions").unwrap(),
            Route::CreateFunction
        );
        assert_eq!(
            route(&Method::GET, "/2015-03-31/functions/").unwrap(),
            Route::ListFunctions
        );
        assert_eq!(
            route(&Method::GET, "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/configuration").unwrap(),
            Route::GetFunctionConfiguration("arn:aws:lambda:us-east-1:000000000000:function:f".into())
        );
        assert_eq!(
            route(&Method::DELETE, "/2015-03-31/functions/f/policy/s%2D1").unwrap(),
            Route::RemovePermission("f".into(), "s-1".into())
        );
        assert_eq!(
            route(&Method::PUT, "/2019-09-25/functions/f/aliases/PROD").unwrap(),
            Route::UpdateAlias("f".into(), "PROD".into())
        );
        assert_eq!(
            route(&Method::POST, "/2015-03-31/functions/f/invocations").unwrap(),
            Route::Invoke("f".into())
        );
        assert_eq!(
            route(&Method::PUT, "/2017-10-31/functions/f/concurrency").unwrap(),
            Route::PutFunctionConcurrency("f".into())
        );
        assert_eq!(
            route(&Method::GET, "/2019-09-30/functions/f/concurrency").unwrap(),
            Route::GetFunctionConcurrency("f".into())
        );
        assert_eq!(
            route(&Method::DELETE, "/2017-10-31/functions/f/concurrency").unwrap(),
            Route::DeleteFunctionConcurrency("f".into())
        );
        let e = route(&Method::PATCH, "/2015-03-31/functions/f").unwrap_err();
        assert_eq!(e.code(), "UnknownOperationException");
        let url = route(&Method::GET, "/2021-10-31/functions/f/url").unwrap_err();
        assert_eq!(url.code(), "UnknownOperationException");
        assert!(
            url.message()
                .starts_with("GetFunctionUrlConfig is not simulated by s3lambda"),
            "{}",
            url.message()
        );
        assert_eq!(
            route(&Method::GET, "/2018-10-31/layers").unwrap(),
            Route::ListLayers
        );
        assert_eq!(
            route(&Method::GET, "/2016-08-19/account-settings").unwrap(),
            Route::GetAccountSettings
        );
        assert_eq!(
            route(&Method::GET, "/2024-08-31/functions/f/recursion-config").unwrap(),
            Route::GetFunctionRecursionConfig("f".into())
        );
        assert!(route(&Method::GET, "/bucket/key").is_err());
        assert!(is_lambda_path("/2015-03-31/functions") && !is_lambda_path("/2015-03-31"));
    }

    /// Every operation of the Lambda service model under the API dates s3lambda answers,
    /// with its method and path (`f` a function, `a` an alias, `l` a layer, `u` a mapping or
    /// config id): each is routed, or refused naming the operation, never "no operation".
    #[test]
    fn every_model_path_is_routed_or_refused_by_name() {
        const F: &str = "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af";
        let simulated: &[(&str, &str)] = &[
            ("POST", "/2015-03-31/functions/f/policy"),
            ("POST", "/2015-03-31/functions/f/aliases"),
            ("POST", "/2015-03-31/functions"),
            ("DELETE", "/2015-03-31/functions/f/aliases/a"),
            ("DELETE", "/2015-03-31/functions/f"),
            ("GET", "/2015-03-31/functions/f/aliases/a"),
            ("GET", "/2015-03-31/functions/f"),
            ("GET", "/2015-03-31/functions/f/configuration"),
            ("GET", "/2015-03-31/functions/f/policy"),
            ("POST", "/2015-03-31/functions/f/invocations"),
            ("GET", "/2015-03-31/event-source-mappings/"),
            ("GET", "/2015-03-31/functions/f/aliases"),
            ("GET", "/2015-03-31/functions/"),
            ("GET", "/2015-03-31/functions/f/versions"),
            ("POST", "/2015-03-31/functions/f/versions"),
            ("DELETE", "/2015-03-31/functions/f/policy/s"),
            ("PUT", "/2015-03-31/functions/f/aliases/a"),
            ("PUT", "/2015-03-31/functions/f/code"),
            ("PUT", "/2015-03-31/functions/f/configuration"),
            ("GET", "/2016-08-19/account-settings/"),
            ("GET", "/2017-03-31/tags/ARN"),
            ("POST", "/2017-03-31/tags/ARN"),
            ("DELETE", "/2017-03-31/tags/ARN"),
            ("PUT", "/2017-10-31/functions/f/concurrency"),
            ("DELETE", "/2017-10-31/functions/f/concurrency"),
            ("GET", "/2019-09-30/functions/f/concurrency"),
            ("GET", "/2018-10-31/layers"),
            ("PUT", "/2019-09-25/functions/f/event-invoke-config"),
            ("POST", "/2019-09-25/functions/f/event-invoke-config"),
            ("GET", "/2019-09-25/functions/f/event-invoke-config"),
            ("DELETE", "/2019-09-25/functions/f/event-invoke-config"),
            ("GET", "/2019-09-25/functions/f/event-invoke-config/list"),
            ("GET", "/2020-06-30/functions/f/code-signing-config"),
            ("GET", "/2021-07-20/functions/f/runtime-management-config"),
            ("GET", "/2024-08-31/functions/f/recursion-config"),
        ];
        for (method, path) in simulated {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            assert!(route(&method, path).is_ok(), "{method} {path}");
            let arn_path = path.replacen("/functions/f", &format!("/functions/{F}"), 1);
            assert!(route(&method, &arn_path).is_ok(), "{method} {arn_path}");
        }
        let refused: &[(&str, &str, &str)] = &[
            (
                "POST",
                "/2015-03-31/event-source-mappings/",
                "CreateEventSourceMapping",
            ),
            (
                "DELETE",
                "/2015-03-31/event-source-mappings/u",
                "DeleteEventSourceMapping",
            ),
            (
                "GET",
                "/2015-03-31/event-source-mappings/u",
                "GetEventSourceMapping",
            ),
            (
                "PUT",
                "/2015-03-31/event-source-mappings/u",
                "UpdateEventSourceMapping",
            ),
            (
                "POST",
                "/2014-11-13/functions/f/invoke-async/",
                "InvokeAsync",
            ),
            ("GET", "/2018-10-31/layers/l/versions", "ListLayerVersions"),
            (
                "POST",
                "/2018-10-31/layers/l/versions",
                "PublishLayerVersion",
            ),
            ("GET", "/2018-10-31/layers/l/versions/1", "GetLayerVersion"),
            (
                "DELETE",
                "/2018-10-31/layers/l/versions/1",
                "DeleteLayerVersion",
            ),
            (
                "POST",
                "/2018-10-31/layers/l/versions/1/policy",
                "AddLayerVersionPermission",
            ),
            (
                "GET",
                "/2018-10-31/layers/l/versions/1/policy",
                "GetLayerVersionPolicy",
            ),
            (
                "DELETE",
                "/2018-10-31/layers/l/versions/1/policy/s",
                "RemoveLayerVersionPermission",
            ),
            (
                "PUT",
                "/2019-09-30/functions/f/provisioned-concurrency",
                "PutProvisionedConcurrencyConfig",
            ),
            (
                "GET",
                "/2019-09-30/functions/f/provisioned-concurrency",
                "GetProvisionedConcurrencyConfig",
            ),
            (
                "DELETE",
                "/2019-09-30/functions/f/provisioned-concurrency",
                "DeleteProvisionedConcurrencyConfig",
            ),
            (
                "POST",
                "/2020-04-22/code-signing-configs/",
                "CreateCodeSigningConfig",
            ),
            (
                "GET",
                "/2020-04-22/code-signing-configs/",
                "ListCodeSigningConfigs",
            ),
            (
                "GET",
                "/2020-04-22/code-signing-configs/c",
                "GetCodeSigningConfig",
            ),
            (
                "PUT",
                "/2020-04-22/code-signing-configs/c",
                "UpdateCodeSigningConfig",
            ),
            (
                "DELETE",
                "/2020-04-22/code-signing-configs/c",
                "DeleteCodeSigningConfig",
            ),
            (
                "GET",
                "/2020-04-22/code-signing-configs/c/functions",
                "ListFunctionsByCodeSigningConfig",
            ),
            (
                "PUT",
                "/2020-06-30/functions/f/code-signing-config",
                "PutFunctionCodeSigningConfig",
            ),
            (
                "DELETE",
                "/2020-06-30/functions/f/code-signing-config",
                "DeleteFunctionCodeSigningConfig",
            ),
            (
                "PUT",
                "/2021-07-20/functions/f/runtime-management-config",
                "PutRuntimeManagementConfig",
            ),
            (
                "POST",
                "/2021-10-31/functions/f/url",
                "CreateFunctionUrlConfig",
            ),
            ("GET", "/2021-10-31/functions/f/url", "GetFunctionUrlConfig"),
            (
                "PUT",
                "/2021-10-31/functions/f/url",
                "UpdateFunctionUrlConfig",
            ),
            (
                "DELETE",
                "/2021-10-31/functions/f/url",
                "DeleteFunctionUrlConfig",
            ),
            (
                "GET",
                "/2021-10-31/functions/f/urls",
                "ListFunctionUrlConfigs",
            ),
            (
                "POST",
                "/2021-11-15/functions/f/response-streaming-invocations",
                "InvokeWithResponseStream",
            ),
            (
                "PUT",
                "/2024-08-31/functions/f/recursion-config",
                "PutFunctionRecursionConfig",
            ),
        ];
        for (method, path, op) in refused {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let e = route(&method, path).unwrap_err();
            assert_eq!(e.code(), "UnknownOperationException");
            assert!(
                e.message().starts_with(&format!("{op} is not simulated")),
                "{method} {path}: {}",
                e.message()
            );
        }
        let q = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())];
        let by_arn = route_with_query(
            &Method::GET,
            "/2018-10-31/layers",
            &q("find", "LayerVersion"),
        )
        .unwrap_err();
        assert!(
            by_arn
                .message()
                .starts_with("GetLayerVersionByArn is not simulated")
        );
        let list = route_with_query(
            &Method::GET,
            "/2019-09-30/functions/f/provisioned-concurrency",
            &q("List", "ALL"),
        )
        .unwrap_err();
        assert!(
            list.message()
                .starts_with("ListProvisionedConcurrencyConfigs is not simulated")
        );
        assert_eq!(
            route_with_query(&Method::GET, "/2018-10-31/layers", &[]).unwrap(),
            Route::ListLayers
        );
    }
}
