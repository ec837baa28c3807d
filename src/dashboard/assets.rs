//! The dashboard page and its script and style, embedded in the binary (no build step, no
//! network: the page works offline).

/// One static file of the page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Asset {
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: &'static str,
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every file of the page: its name under `/_s3lambda/ui/`, content type and text.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_str!("assets/index.html"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("assets/app.css"),
    ),
    ("app.js", JS, include_str!("assets/app.js")),
    ("dom.js", JS, include_str!("assets/dom.js")),
    ("graph.js", JS, include_str!("assets/graph.js")),
    ("events.js", JS, include_str!("assets/events.js")),
    ("functions.js", JS, include_str!("assets/functions.js")),
];

/// The asset served at `/_s3lambda/ui/{name}` (`""` for the page itself).
pub(crate) fn asset(name: &str) -> Option<Asset> {
    let name = if name.is_empty() { "index.html" } else { name };
    ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, content_type, body)| Asset { content_type, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_the_page_imports_is_served() {
        let page = asset("").expect("the page");
        assert!(page.body.contains("app.js") && page.body.contains("app.css"));
        for script in ["app.js", "graph.js", "events.js", "functions.js", "dom.js"] {
            let js = asset(script).expect(script).body;
            for import in js.lines().filter_map(|l| l.split("from \"./").nth(1)) {
                let name = import.split('"').next().unwrap_or_default();
                assert!(asset(name).is_some(), "{script} imports {name}, not served");
            }
        }
        assert!(asset("../Cargo.toml").is_none());
    }
}
