// The live event stream: one row per event (newest first), filterable by bucket,
// function and outcome; a row's button opens the event's trace beside the table.

import { h, fill, label, ms } from "./dom.js";

const MAX_ROWS = 500;

/** The outcome shown for an event: its overall outcome, or "not matched". */
export function outcomeOf(trace) {
  return trace.outcome || "not matched";
}

export class EventsView {
  constructor(section) {
    this.traces = new Map();
    this.selected = null;
    this.opener = null;
    this.body = section.querySelector("#stream tbody");
    this.panel = section.querySelector("#trace");
    this.count = section.querySelector("#event-count");
    this.bucket = section.querySelector("#filter-bucket");
    this.fn = section.querySelector("#filter-function");
    this.outcome = section.querySelector("#filter-outcome");
    for (const input of [this.bucket, this.fn, this.outcome]) input.addEventListener("input", () => this.render());
    section.querySelector("#filters").addEventListener("submit", (e) => e.preventDefault());
    this.panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.close();
    });
    this.scheduled = false;
  }

  upsert(trace) {
    this.traces.set(trace.id, trace);
    if (this.traces.size > MAX_ROWS * 2) {
      const oldest = [...this.traces.keys()].sort().slice(0, this.traces.size - MAX_ROWS);
      for (const id of oldest) this.traces.delete(id);
    }
    if (this.selected === trace.id) this.showTrace(trace, false);
    if (!this.scheduled) {
      this.scheduled = true;
      requestAnimationFrame(() => {
        this.scheduled = false;
        this.render();
      });
    }
  }

  matches(t) {
    const bucket = this.bucket.value;
    const fn = this.fn.value.trim();
    const outcome = this.outcome.value;
    if (bucket && t.source.bucket !== bucket) return false;
    if (outcome && outcomeOf(t) !== outcome) return false;
    if (fn && !t.deliveries.some((d) => d.functionArn.includes(fn))) return false;
    return true;
  }

  render() {
    const all = [...this.traces.values()].sort((a, b) => (a.id < b.id ? 1 : -1));
    this.syncBuckets(all);
    const shown = all.filter((t) => this.matches(t)).slice(0, MAX_ROWS);
    fill(this.body, shown.map((t) => this.row(t)));
    this.count.textContent = `${shown.length} of ${all.length} events`;
  }

  syncBuckets(all) {
    const names = [...new Set(all.map((t) => t.source.bucket))].sort();
    const have = [...this.bucket.options].slice(1).map((o) => o.value);
    if (names.join("\n") === have.join("\n")) return;
    const current = this.bucket.value;
    fill(this.bucket, h("option", { value: "" }, "all"), names.map((n) => h("option", { value: n }, n)));
    this.bucket.value = names.includes(current) ? current : "";
  }

  row(t) {
    const outcome = outcomeOf(t);
    const functions = t.deliveries.map((d) => label(d.functionArn)).join(", ") || "–";
    const object = `s3://${t.source.bucket}/${t.source.key}`;
    const open = h("button", {
      type: "button",
      class: "open",
      "aria-label": `Open trace ${t.id}: ${t.source.eventName} ${object}, ${outcome}`,
      "aria-controls": "trace",
      "aria-pressed": this.selected === t.id ? "true" : "false",
      onclick: (e) => {
        this.opener = e.currentTarget;
        this.showTrace(t, true);
      },
    }, t.id);
    return h("tr", { class: this.selected === t.id ? "selected" : null, "data-id": t.id, "data-outcome": outcome },
      h("td", {}, open),
      h("td", {}, new Date(t.created).toLocaleTimeString()),
      h("td", { class: "object" }, h("span", { class: "muted" }, `${t.source.eventName} `), object),
      h("td", {}, functions),
      h("td", {}, h("span", { class: `badge ${outcome.replace(/\s+/g, "-")}` }, outcome)));
  }

  close() {
    this.selected = null;
    fill(this.panel, h("p", { class: "hint" }, "Choose an event to see its trace."));
    this.render();
    if (this.opener && this.opener.isConnected) this.opener.focus();
  }

  showTrace(t, focus) {
    const changed = this.selected !== t.id;
    this.selected = t.id;
    const outcome = outcomeOf(t);
    fill(this.panel,
      h("div", { class: "trace-head" },
        h("h3", { id: "trace-title" }, `Trace ${t.id}`),
        h("button", { type: "button", class: "close", "aria-label": "Close the trace", onclick: () => this.close() }, "×")),
      h("dl", { class: "facts" },
        h("dt", {}, "Object"), h("dd", {}, `s3://${t.source.bucket}/${t.source.key}`),
        h("dt", {}, "Event"), h("dd", {}, t.source.eventName),
        h("dt", {}, "Request"), h("dd", {}, t.source.requestId),
        h("dt", {}, "Bucket owner"), h("dd", {}, t.source.bucketOwner),
        h("dt", {}, "Outcome"), h("dd", {}, h("span", { class: `badge ${outcome.replace(/\s+/g, "-")}` }, outcome))),
      h("h4", {}, "Configurations checked"),
      t.configurations.length
        ? h("ul", { class: "checks" }, t.configurations.map((c) => h("li", {},
          h("strong", {}, c.configurationId), ` → ${label(c.destination)}: `,
          c.match.result === "matched" ? "matched" : `${c.match.result} (${c.match.detail})`)))
        : h("p", { class: "muted" }, "none"),
      h("h4", {}, "Deliveries"),
      t.deliveries.length ? t.deliveries.map(delivery) : h("p", { class: "muted" }, "No configuration matched this event."));
    this.panel.setAttribute("aria-labelledby", "trace-title");
    if (changed) this.render();
    if (focus) this.panel.focus();
  }
}

function delivery(d) {
  const policy = d.policy;
  return h("article", { class: `delivery ${d.outcome}`, "aria-label": `Delivery to ${label(d.functionArn)}: ${d.outcome}` },
    h("h5", {}, label(d.functionArn), " ", h("span", { class: `badge ${d.outcome}` }, d.outcome)),
    h("dl", { class: "facts" },
      h("dt", {}, "Function"), h("dd", { class: "arn" }, d.functionArn),
      h("dt", {}, "Configuration"), h("dd", {}, d.configurationId),
      d.resolvedVersion ? [h("dt", {}, "Version"), h("dd", {}, d.resolvedVersion)] : null,
      d.resolutionError ? [h("dt", {}, "Not resolved"), h("dd", { class: "bad" }, d.resolutionError)] : null,
      policy ? [h("dt", {}, "Policy"), h("dd", { class: policy.allowed ? "good" : "bad policy-reason" }, policy.reason)] : null),
    d.attempts.length ? h("ol", { class: "attempts", "aria-label": "Attempts" }, d.attempts.map(attempt)) : null);
}

function attempt(a) {
  const result = a.result.kind === "functionError"
    ? `${a.result.functionError} ${a.result.errorType}: ${a.result.errorMessage}`
    : a.result.kind;
  return h("li", {},
    h("div", {}, `Attempt ${a.number} · ${result} · ran ${ms(a.duration)} · request ${a.requestId}`),
    a.logTail ? h("pre", { class: "log", tabindex: "0", "aria-label": `Log of attempt ${a.number}` }, a.logTail) : null);
}
