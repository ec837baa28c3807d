// The wiring graph: per account, each bucket's configurations as a flow of nodes
// bucket → configuration → function → version(s) → statements, the configuration →
// function edge marked allowed or denied with the authorizer's reason.

import { h, fill, label } from "./dom.js";

export function renderGraph(root, wiring) {
  root.removeAttribute("aria-busy");
  const accounts = wiring.accounts.filter((a) => a.buckets.length || a.functions.length);
  if (!accounts.length) {
    fill(root, h("p", { class: "empty" }, "No buckets or functions yet."));
    return;
  }
  fill(root, accounts.map(account));
}

function account(a) {
  const targeted = new Set();
  for (const b of a.buckets) for (const c of b.configurations) if (c.function) targeted.add(c.function.arn);
  const idle = a.functions.filter((f) => !targeted.has(f));
  return h("section", { class: "account", "aria-label": `Account ${a.account}` },
    h("h3", {}, `Account ${a.account}`),
    a.buckets.length ? a.buckets.map(bucket) : h("p", { class: "empty" }, "No buckets."),
    idle.length ? h("p", { class: "idle" }, "Functions no bucket notifies: ",
      idle.map((f, i) => [i ? ", " : "", h("code", {}, label(f))])) : null);
}

function bucket(b) {
  const flows = b.configurations.length
    ? b.configurations.map((c) => flow(b, c))
    : [h("p", { class: "empty" }, "No notification configuration.")];
  return h("article", { class: "bucket", "aria-label": `Bucket ${b.name}` },
    h("h4", {}, h("span", { class: "kind" }, "bucket "), b.name, h("span", { class: "muted" }, ` ${b.region}`)),
    flows);
}

function verdictOf(c) {
  return c.access ? c.access.verdict : "not simulated";
}

function flow(b, c) {
  const verdict = verdictOf(c);
  const f = c.function;
  const target = f ? `${f.name}:${f.qualifier}` : c.target;
  const summary = `${b.name} → ${c.id} → ${target}: ${verdict}`;
  const nodes = [
    node("bucket", "Bucket", h("strong", {}, b.name)),
    edge("notifies"),
    node("config", "Configuration",
      h("strong", {}, c.id),
      h("div", {}, c.events.join(", ")),
      c.prefix !== undefined ? h("div", { class: "muted" }, `prefix ${JSON.stringify(c.prefix)}`) : null,
      c.suffix !== undefined ? h("div", { class: "muted" }, `suffix ${JSON.stringify(c.suffix)}`) : null,
      c.destinationType !== "lambda" ? h("div", { class: "muted" }, `${c.destinationType} (not simulated)`) : null),
    edge(verdict, verdict, c.access && c.access.statement ? `statement ${c.access.statement}` : verdict),
    node("function", "Function",
      h("strong", {}, f ? `${f.name}` : c.target),
      f ? h("div", {}, `${f.qualifierKind === "unqualified" ? "unqualified ($LATEST)" : `${f.qualifierKind} ${f.qualifier}`}`) : null,
      f ? h("div", { class: "muted arn" }, f.account) : null),
  ];
  if (f && f.visible) {
    nodes.push(edge("resolves"));
    nodes.push(node("versions", "Resolves to",
      f.exists ? f.routes.map((r) => h("div", {}, `version ${r.version}`, h("span", { class: "weight" }, ` ${Math.round(r.weight * 100)}%`)))
        : h("div", { class: "bad" }, "does not exist")));
    nodes.push(edge("policy"));
    nodes.push(node("statements", f.policyScope ? `Policy of ${f.policyScope}` : "Policy",
      f.statements.length ? f.statements.map(statement) : h("div", { class: "muted" }, "no statements")));
  } else if (f) {
    nodes.push(edge("hidden"));
    nodes.push(node("hidden", "Another account's function", h("div", { class: "muted" }, "versions and policy not shown")));
  }
  const reason = c.access && c.access.reason;
  return h("div", { class: `flow ${cls(verdict)}`, "data-config": c.id },
    h("ol", { class: "nodes", "aria-label": summary }, nodes),
    reason ? h("p", { class: `reason ${cls(verdict)}` }, reason.startsWith(verdict) ? reason : `${verdict}: ${reason}`) : null);
}

function statement(s) {
  const doc = s.document || {};
  const cond = doc.Condition ? JSON.stringify(doc.Condition) : "no condition";
  const principal = doc.Principal && doc.Principal.Service ? doc.Principal.Service : JSON.stringify(doc.Principal);
  return h("div", { class: s.allows ? "statement allows" : "statement" },
    h("strong", {}, `Sid ${s.sid}`), s.allows ? h("span", { class: "badge allowed" }, "allows this bucket") : null,
    h("div", { class: "muted" }, `${principal} · ${doc.Action || ""}`),
    h("code", { class: "cond" }, cond));
}

function node(kind, title, ...body) {
  return h("li", { class: `node ${kind}` }, h("span", { class: "node-title" }, title), body);
}

function edge(kind, verdict, text) {
  const v = verdict ? cls(verdict) : "";
  return h("li", { class: `edge ${v}`, "aria-label": text || kind }, h("span", { "aria-hidden": "true" }, "→"),
    text ? h("span", { class: "edge-label" }, text) : null);
}

function cls(verdict) {
  return String(verdict).replace(/\s+/g, "-");
}
