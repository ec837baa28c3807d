// Per-function panels: versions, aliases with weights, concurrency, invoke configuration,
// recent attempts with their logs, and the latency histogram (event emitted → handler end).

import { h, fill, ms } from "./dom.js";

export function renderFunctions(root, panels) {
  root.removeAttribute("aria-busy");
  // Keep open log disclosures open across refreshes.
  const open = new Set([...root.querySelectorAll("details[open]")].map((d) => d.dataset.key));
  if (!panels.length) {
    fill(root, h("p", { class: "empty" }, "No functions yet."));
    return;
  }
  fill(root, panels.map((p) => panel(p, open)));
}

function panel(p, open) {
  const id = `fn-${p.account}-${p.name}`;
  return h("article", { class: "panel", "aria-labelledby": id },
    h("h3", { id }, p.name, h("span", { class: "muted" }, ` ${p.account} · ${p.region}`)),
    h("dl", { class: "facts" },
      h("dt", {}, "Runtime"), h("dd", {}, p.runtime || "wasm component"),
      h("dt", {}, "Handler"), h("dd", {}, p.handler || "–"),
      h("dt", {}, "Memory"), h("dd", {}, `${p.memorySize} MB`),
      h("dt", {}, "Timeout"), h("dd", {}, `${p.timeout} s`),
      h("dt", {}, "Reserved concurrency"), h("dd", {}, p.reservedConcurrency ?? "unreserved")),
    table("Versions", ["Version", "Description", "CodeSha256", "Last modified"],
      p.versions.map((v) => [v.version, v.description || "–", v.codeSha256.slice(0, 12) + "…", v.lastModified])),
    table("Aliases", ["Alias", "Version", "Weights"],
      p.aliases.map((a) => [a.name, a.functionVersion, weights(a)])),
    table("Asynchronous invocation", ["Qualifier", "Retries", "Max event age", "On success", "On failure"],
      p.invokeConfigs.map((c) => [c.functionArn.split(":").slice(6).join(":"), c.maximumRetryAttempts,
        `${c.maximumEventAgeInSeconds} s`, c.onSuccess || "–", c.onFailure || "–"])),
    histogram(p),
    h("h4", {}, "Recent attempts"),
    p.recent.length
      ? h("ul", { class: "recent" }, p.recent.map((r) => {
        const key = `${id}-${r.requestId}`;
        return h("li", {}, h("details", { "data-key": key, open: open.has(key) },
          h("summary", {}, `${r.eventId} · ${r.object} · version ${r.version || "?"} · ${r.result} · ${ms(r.durationMs)}`),
          h("pre", { class: "log" }, r.log)));
      }))
      : h("p", { class: "muted" }, "No deliveries yet."));
}

function short(bound) {
  return bound >= 1000 ? `${bound / 1000}s` : `${bound}ms`;
}

function weights(a) {
  const extra = Object.entries(a.additionalVersionWeights);
  if (!extra.length) return "100%";
  const rest = 1 - extra.reduce((s, [, w]) => s + w, 0);
  return [`${a.functionVersion}: ${Math.round(rest * 100)}%`, ...extra.map(([v, w]) => `${v}: ${Math.round(w * 100)}%`)].join(", ");
}

function table(title, head, rows) {
  if (!rows.length) return h("p", { class: "muted" }, `${title}: none`);
  return h("table", { class: "grid" },
    h("caption", {}, title),
    h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))));
}

function histogram(p) {
  const l = p.latency;
  const title = "Latency, PUT → handler end";
  if (!l.count) return h("p", { class: "muted" }, `${title}: no delivered events yet`);
  const max = Math.max(...l.buckets.map((b) => b.count), 1);
  let lower = 0;
  const bars = l.buckets.map((b) => {
    const range = b.leMs === undefined ? `>${short(lower)}` : `≤${short(b.leMs)}`;
    if (b.leMs !== undefined) lower = b.leMs;
    return h("li", { class: "bar", "aria-label": `${range}: ${b.count}` },
      h("span", { class: "bar-fill", style: undefined, "data-h": Math.round((b.count / max) * 100) }),
      h("span", { class: "bar-label", "aria-hidden": "true" }, range));
  });
  const figure = h("figure", { class: "histogram" },
    h("figcaption", {}, `${title}: ${l.count} delivered, p50 ${ms(l.p50Ms)}, p95 ${ms(l.p95Ms)}, max ${ms(l.maxMs)}`),
    h("ol", { class: "bars" }, bars));
  // Heights through the CSSOM (the page's policy allows no inline style attributes).
  for (const fillEl of figure.querySelectorAll(".bar-fill")) fillEl.style.height = `${fillEl.dataset.h}%`;
  return figure;
}
