// The live event stream: one row per event (newest first), filterable by bucket,
// function and outcome; a row's button opens the event's trace beside the table.

import { h, fill, label, ms } from "./dom.js";

const MAX_ROWS = 500;

/** Whether an entry is a refused notification configuration rather than an event. */
function isRefusal(t) {
  return t.id.startsWith("cfg-");
}

/** The outcome shown for an entry: the event's overall outcome, "not matched" when no
 * configuration matched it, or "configuration refused". */
export function outcomeOf(t) {
  if (isRefusal(t)) return "configuration refused";
  return t.outcome || "not matched";
}

function bucketOf(t) {
  return isRefusal(t) ? t.bucket : t.source.bucket;
}

function functionsOf(t) {
  return isRefusal(t) ? t.destinations.map((d) => d.arn) : t.deliveries.map((d) => d.functionArn);
}

function newestFirst(a, b) {
  return b.created - a.created || (a.id < b.id ? 1 : -1);
}

export class EventsView {
  constructor(section) {
    this.traces = new Map();
    this.selected = null;
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
      const oldest = [...this.traces.values()].sort(newestFirst).slice(MAX_ROWS);
      for (const t of oldest) this.traces.delete(t.id);
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
    if (bucket && bucketOf(t) !== bucket) return false;
    if (outcome && outcomeOf(t) !== outcome) return false;
    if (fn && !functionsOf(t).some((arn) => arn.includes(fn))) return false;
    return true;
  }

  render() {
    const all = [...this.traces.values()].sort(newestFirst);
    this.syncBuckets(all);
    const shown = all.filter((t) => this.matches(t)).slice(0, MAX_ROWS);
    // Rows are rebuilt as events change: keep the keyboard focus on the same event.
    const active = document.activeElement;
    const focused = active && this.body.contains(active) ? active.closest("tr").dataset.id : null;
    fill(this.body, shown.map((t) => this.row(t)));
    if (focused) this.focusRow(focused);
    this.count.textContent = `${shown.length} of ${all.length} events`;
  }

  syncBuckets(all) {
    const names = [...new Set(all.map(bucketOf))].sort();
    const have = [...this.bucket.options].slice(1).map((o) => o.value);
    if (names.join("\n") === have.join("\n")) return;
    const current = this.bucket.value;
    fill(this.bucket, h("option", { value: "" }, "all"), names.map((n) => h("option", { value: n }, n)));
    this.bucket.value = names.includes(current) ? current : "";
  }

  row(t) {
    const outcome = outcomeOf(t);
    const functions = functionsOf(t).map(label).join(", ") || "–";
    const refusal = isRefusal(t);
    const what = refusal ? "PutBucketNotificationConfiguration" : t.source.eventName;
    const object = refusal ? `s3://${t.bucket}` : `s3://${t.source.bucket}/${t.source.key}`;
    const open = h("button", {
      type: "button",
      class: "open",
      "aria-label": `Open ${refusal ? "" : "trace "}${t.id}: ${what} ${object}, ${outcome}`,
      "aria-controls": "trace",
      "aria-pressed": this.selected === t.id ? "true" : "false",
      onclick: () => this.showTrace(this.traces.get(t.id) || t, true),
    }, t.id);
    return h("tr", { class: this.selected === t.id ? "selected" : null, "data-id": t.id, "data-outcome": outcome },
      h("td", {}, open),
      h("td", {}, new Date(t.created).toLocaleTimeString()),
      h("td", { class: "object" }, h("span", { class: "muted" }, `${what} `), object),
      h("td", {}, functions),
      h("td", {}, h("span", { class: `badge ${outcome.replace(/\s+/g, "-")}` }, outcome)));
  }

  focusRow(id) {
    const button = [...this.body.querySelectorAll("tr")].find((tr) => tr.dataset.id === id);
    if (button) button.querySelector("button.open").focus();
  }

  close() {
    const id = this.selected;
    this.selected = null;
    fill(this.panel, h("p", { class: "hint" }, "Choose an event to see its trace."));
    this.render();
    if (id) this.focusRow(id);
  }

  showTrace(t, focus) {
    const changed = this.selected !== t.id;
    this.selected = t.id;
    const outcome = outcomeOf(t);
    if (isRefusal(t)) {
      this.showRefusal(t);
    } else fill(this.panel,
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

EventsView.prototype.showRefusal = function showRefusal(r) {
  fill(this.panel,
    h("div", { class: "trace-head" },
      h("h3", { id: "trace-title" }, `Refused configuration ${r.id}`),
      h("button", { type: "button", class: "close", "aria-label": "Close", onclick: () => this.close() }, "×")),
    h("dl", { class: "facts" },
      h("dt", {}, "Bucket"), h("dd", {}, `s3://${r.bucket}`),
      h("dt", {}, "Request"), h("dd", {}, `PutBucketNotificationConfiguration ${r.requestId}`),
      h("dt", {}, "Bucket owner"), h("dd", {}, r.bucketOwner),
      h("dt", {}, "S3 answered"), h("dd", { class: "bad" }, `${r.code}: ${r.message}`)),
    h("h4", {}, "Destinations S3 could not validate"),
    r.destinations.length
      ? h("ul", { class: "checks" }, r.destinations.map((d) => h("li", {},
        h("span", { class: "arn" }, d.arn), h("div", { class: "bad policy-reason" }, d.reason || "(another account's function: its policy is not shown)"))))
      : h("p", { class: "muted" }, "none named"));
};

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
