// Drives the s3lambda dashboard in headless Chromium (Debian's /usr/bin/chromium, or
// $CHROMIUM) over the DevTools protocol with playwright-core, after the tutorial's steps have
// run against the server at argv[2]. Prints "ok - <check>" per check; prints READY_FOR_PUT
// and waits for "PUT <key>" on stdin while the caller uploads an object; exits non-zero on
// the first failed check. With $S3LAMBDA_SCREENSHOTS set, saves screenshots there.

import { chromium } from "playwright-core";
import readline from "node:readline";
import path from "node:path";

const endpoint = process.argv[2];
const shots = process.env.S3LAMBDA_SCREENSHOTS || "";
const lines = readline.createInterface({ input: process.stdin });
const waiting = [];
const queued = [];
lines.on("line", (line) => (waiting.length ? waiting.shift()(line) : queued.push(line)));
const nextLine = () => new Promise((resolve) => (queued.length ? resolve(queued.shift()) : waiting.push(resolve)));

function check(condition, what, detail = "") {
  if (!condition) throw new Error(`FAILED: ${what} ${detail}`);
  console.log(`ok - ${what}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1480, height: 1100 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  // Offline: the page asks nothing of any other host.
  const foreign = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (!url.startsWith(endpoint)) {
      foreign.push(url);
      return route.abort();
    }
    return route.continue();
  });

  await page.goto(`${endpoint}/`);
  check(page.url() === `${endpoint}/_s3lambda/ui`, "GET / in a browser redirects to the dashboard", page.url());
  await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 15000 });

  // The wiring graph: bucket → configuration → alias PROD → version 1 → statement 1, allowed.
  const allowed = page.getByRole("list", { name: "examplebucket → to-prod → helloworld:PROD: allowed" });
  await allowed.waitFor({ timeout: 15000 });
  const text = await allowed.textContent();
  check(
    ["examplebucket", "to-prod", "s3:ObjectCreated:*", "helloworld", "alias PROD", "version 1", "100%",
      "Policy of helloworld:PROD", "Sid 1", "allows this bucket"].every((t) => text.includes(t)),
    "the graph shows the tutorial's wiring", JSON.stringify(text));
  const denied = page.getByRole("list", { name: "otherbucket → to-prod → helloworld:PROD: denied" });
  await denied.waitFor();
  const deniedReason = await page.locator(".flow.denied .reason").innerText();
  check(/AWS:Source(Account|Arn)/.test(deniedReason), "the graph names the condition that denies otherbucket", deniedReason);
  if (shots) await page.locator("#wiring").screenshot({ path: path.join(shots, "dashboard-wiring.png") });

  // The denied event, filtered, opened from the keyboard: its trace says why.
  await page.getByLabel("Outcome").selectOption("denied");
  const open = page.getByRole("button", { name: /^Open trace evt-\d+: ObjectCreated:Put s3:\/\/otherbucket\/HappyFace\.jpg, denied$/ });
  await open.waitFor();
  check(await page.locator("#stream tbody tr").count() === 1, "the outcome filter leaves the denied event only");
  await open.focus();
  await page.keyboard.press("Enter");
  const trace = page.getByRole("complementary", { name: /^Trace evt-\d+$/ });
  await trace.waitFor();
  const reason = await trace.locator(".policy-reason").innerText();
  check(/^denied: .*AWS:Source(Account|Arn)/.test(reason), "the denied event's trace names the failed condition", reason);
  check(await page.evaluate(() => document.activeElement && document.activeElement.id) === "trace", "the trace takes the focus");
  if (shots) await page.locator("#events").screenshot({ path: path.join(shots, "dashboard-denied-trace.png") });
  await page.keyboard.press("Escape");
  check(await page.evaluate(() => document.activeElement && document.activeElement.classList.contains("open")), "Escape closes the trace and returns to its row");

  // The configuration S3 refused for otherbucket, with the authorizer's reason.
  await page.getByLabel("Outcome").selectOption("configuration refused");
  await page.getByRole("button", { name: /^Open cfg-\d+: PutBucketNotificationConfiguration s3:\/\/otherbucket, configuration refused$/ }).click();
  const refusal = await page.getByRole("complementary", { name: /^Refused configuration cfg-\d+$/ }).locator(".policy-reason").innerText();
  check(/AWS:Source(Account|Arn)/.test(refusal), "the refused configuration shows why S3 may not invoke its destination", refusal);

  // A new PUT appears without a reload.
  await page.getByLabel("Outcome").selectOption("");
  await page.evaluate(() => { window.stillTheSamePage = true; });
  console.log("READY_FOR_PUT");
  const line = await nextLine();
  const key = line.replace(/^PUT /, "");
  const row = page.getByRole("button", { name: new RegExp(`s3://examplebucket/${key.replace(/[.]/g, "\\.")}, delivered$`) });
  await row.waitFor({ timeout: 20000 });
  check(await page.evaluate(() => window.stillTheSamePage === true), "a new PUT appears in the stream without a reload");

  // The function panel: versions, aliases, the histogram and the log.
  const panel = page.getByRole("article", { name: /^helloworld/ });
  await panel.getByText(/Latency, PUT → handler end: 2 delivered/).waitFor({ timeout: 15000 });
  const panelText = await panel.textContent();
  check(["BETA", "DEV", "PROD", "$LATEST"].every((t) => panelText.includes(t)), "the function panel lists versions and aliases");
  if (shots) {
    await panel.locator("details").first().locator("summary").click();
    await panel.screenshot({ path: path.join(shots, "dashboard-function.png") });
  }
  check(errors.length === 0, "the page logs no error", errors.join("; "));
  check(foreign.length === 0, "the page loads nothing from another host", foreign.join(", "));
} catch (e) {
  failed = true;
  console.error(e.stack || String(e));
} finally {
  await browser.close();
  lines.close();
}
process.exit(failed ? 1 : 0);
