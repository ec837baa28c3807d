// The dashboard: loads the wiring and the function panels, follows the event stream, and
// refreshes the views when events arrive (and every few seconds, for configuration changes).

import { getJson } from "./dom.js";
import { renderGraph } from "./graph.js";
import { EventsView } from "./events.js";
import { renderFunctions } from "./functions.js";

const status = document.getElementById("status");
const events = new EventsView(document.getElementById("events"));

async function refresh() {
  try {
    const [wiring, functions] = await Promise.all([
      getJson("/_s3lambda/wiring"),
      getJson("/_s3lambda/functions"),
    ]);
    renderGraph(document.getElementById("graph"), wiring);
    renderFunctions(document.getElementById("panels"), functions.functions);
  } catch (e) {
    status.textContent = `Cannot read the simulator: ${e.message}`;
  }
}

let pending = null;
function refreshSoon() {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    refresh();
  }, 300);
}

function connect() {
  const source = new EventSource("/_s3lambda/events");
  source.addEventListener("trace", (e) => {
    events.upsert(JSON.parse(e.data));
    refreshSoon();
  });
  source.addEventListener("refusal", (e) => events.upsert(JSON.parse(e.data)));
  source.addEventListener("ready", () => {
    status.textContent = "Live: new events appear as they happen";
    status.dataset.state = "live";
    events.render();
  });
  source.addEventListener("error", () => {
    status.textContent = "Disconnected from the simulator; reconnecting…";
    status.dataset.state = "offline";
  });
}

refresh();
connect();
setInterval(refresh, 5000);
