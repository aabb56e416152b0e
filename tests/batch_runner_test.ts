/**
 * The batch runner against the embedded sandbox on loopback: the whole-batch quote and the
 * budget, exactly as many jobs in flight as the workspace allows, `429` + `Retry-After`,
 * the daily limit, lost responses, events first, group cancel, and the result table.
 */
import assert from "node:assert/strict";
import { ProteinIQ } from "../lib/client/client.ts";
import { SANDBOX_POLLING } from "../lib/client/_wait.ts";
import { type Pace, type SandboxOptions, startSandbox } from "../lib/sandbox/mod.ts";
import { runToolBatch } from "../lib/batch/proteiniq.ts";
import { BatchBudgetError, BatchInvalidItemsError } from "../lib/batch/batch.ts";

const FAST: Pace = { pendingMs: 0, queuedMs: 0, minProcessingMs: 120, retryDelayMs: 0 };
const ROOMY = { maxConcurrentJobs: 3, dailyJobLimit: 1000, credits: 1000, rateLimit: 100_000 };

function library(count: number, offset = 0): string {
  const letters = "ACDEFGHIKLMNPQRSTVWY";
  let text = "";
  for (let index = offset; index < offset + count; index++) {
    let sequence = "M";
    for (let position = 0; position < 40 + (index % 17); position++) {
      sequence += letters[(index * 11 + position * 7) % 20];
    }
    text += `>s${index}\n${sequence}\n`;
  }
  return text;
}

/** A fetch that records requests and their answers. */
function recorder() {
  const log: { at: number; method: string; path: string; status?: number; retryAfter?: number }[] =
    [];
  const fetcher: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const entry: (typeof log)[number] = {
      at: performance.now(),
      method: init?.method ?? "GET",
      path: url.pathname,
    };
    log.push(entry);
    const response = await fetch(input, init);
    entry.status = response.status;
    const retryAfter = response.headers.get("retry-after");
    if (retryAfter !== null) entry.retryAfter = Number(retryAfter);
    return response;
  };
  return { log, fetch: fetcher };
}

async function setup(options: SandboxOptions & { fetch?: typeof fetch; events?: boolean } = {}) {
  const sandbox = await startSandbox({
    database: ":memory:",
    pace: FAST,
    workspace: ROOMY,
    ...options,
  });
  const piq = new ProteinIQ({
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    polling: SANDBOX_POLLING,
    display: false,
    fetch: options.fetch,
    events: options.events,
  });
  const count = (sql: string, ...params: string[]) =>
    Number(sandbox.context.db.get(sql, ...params)?.n ?? 0);
  return { sandbox, piq, count };
}

Deno.test("a batch runs the workspace's concurrency, queues as many again ahead, and finishes every item", async () => {
  const { sandbox, piq } = await setup();
  await using _ = sandbox;
  const batch = await runToolBatch(piq, {
    name: "concurrency",
    tool: "protein-properties",
    inputs: library(15),
    manifest: false,
    quiet: true,
  });
  assert.equal(batch.concurrency, 3, "read from the account");
  assert.deepEqual(batch.cost, {
    toSubmit: 15,
    spent: 0,
    total: 15,
    budget: null,
    available: 1000,
  });
  await batch.wait({ display: false });
  assert.equal(batch.summary.completed, 15);
  assert.equal(batch.summary.credits, 15);
  const rows = sandbox.context.db.all("SELECT created_at, started_at, completed_at FROM jobs");
  assert.equal(rows.length, 15);
  /** The most intervals open at once. */
  const most = (jobs: { start: number; end: number }[]) =>
    Math.max(
      ...jobs.map((job) =>
        jobs.filter((other) => other.start <= job.start && other.end > job.start).length
      ),
    );
  const span = (from: string) =>
    rows.map((row) => ({
      start: Date.parse(String(row[from])),
      end: Date.parse(String(row.completed_at)),
    }));
  // The default queueAhead is the concurrency: 3 running and up to 3 more waiting queued.
  assert.equal(most(span("created_at")), 6, "3 in flight plus 3 queued ahead, never more");
  assert.ok(most(span("started_at")) <= 3, "the server never ran more than the limit");
});

Deno.test("the whole batch is quoted first and refused over the budget or the credits, showing the total", async () => {
  const { sandbox, piq, count } = await setup({ workspace: { ...ROOMY, credits: 10 } });
  await using _ = sandbox;
  await assert.rejects(
    runToolBatch(piq, {
      name: "too dear",
      tool: "protein-properties",
      inputs: library(8),
      manifest: false,
      quiet: true,
      budget: 5,
    }),
    (error: BatchBudgetError) => {
      assert.ok(error instanceof BatchBudgetError);
      assert.match(error.message, /8 items to submit would cost 8 credits/);
      assert.match(error.message, /budget of 5 credits; nothing was submitted/);
      assert.equal(error.cost.total, 8);
      return true;
    },
  );
  await assert.rejects(
    runToolBatch(piq, {
      name: "too big",
      tool: "protein-properties",
      inputs: library(12),
      manifest: false,
      quiet: true,
    }),
    (error: BatchBudgetError) =>
      error instanceof BatchBudgetError && /workspace has 10 credits/.test(error.message),
  );
  assert.equal(count("SELECT COUNT(*) AS n FROM jobs"), 0, "no job was created");
  const within = await runToolBatch(piq, {
    name: "fits",
    tool: "protein-properties",
    inputs: library(8),
    manifest: false,
    quiet: true,
    budget: 8,
  });
  await within.wait({ display: false });
  assert.equal(within.summary.completed, 8);
});

Deno.test("items the tool would refuse stop the batch before anything is spent, or are skipped on request", async () => {
  const { sandbox, piq, count } = await setup();
  await using _ = sandbox;
  const inputs = `${library(3)}>bad\nMKTBZJ\n`;
  await assert.rejects(
    runToolBatch(piq, {
      name: "with a bad one",
      tool: "protein-properties",
      inputs,
      manifest: false,
      quiet: true,
    }),
    (error: BatchInvalidItemsError) =>
      error instanceof BatchInvalidItemsError && error.items.length === 1 &&
      error.items[0].key === "bad" &&
      /onInvalid: "skip"/.test(error.message),
  );
  assert.equal(count("SELECT COUNT(*) AS n FROM jobs"), 0);
  const notes: string[] = [];
  const batch = await runToolBatch(piq, {
    name: "with a bad one",
    tool: "protein-properties",
    inputs,
    manifest: false,
    onInvalid: "skip",
    log: (line) => notes.push(line),
  });
  await batch.wait({ display: false });
  assert.equal(batch.summary.completed, 3);
  assert.equal(batch.summary.invalid, 1);
  assert.ok(notes.some((line) => /Skipping 1 invalid item: bad/.test(line)));
  const rows = await batch.results();
  const bad = rows.find((row) => row.key === "bad")!;
  assert.equal(bad.status, "invalid");
  assert.match(String(bad.error), /B|Z|J/);
  assert.equal(bad.job_id, null);
});

Deno.test("the daily limit stops the batch cleanly; the same call later submits only the rest", async () => {
  const { sandbox, piq, count } = await setup({ workspace: { ...ROOMY, dailyJobLimit: 5 } });
  await using _ = sandbox;
  const dir = await Deno.makeTempDir();
  const manifest = `${dir}/daily.json`;
  const notes: string[] = [];
  const options = {
    name: "daily",
    tool: "protein-properties",
    inputs: library(8),
    manifest,
    log: (line: string) => notes.push(line),
  };
  const batch = await runToolBatch(piq, options);
  assert.ok(notes.some((line) => /may submit 5 more jobs today/.test(line)), "warned up front");
  await batch.wait({ display: false });
  assert.equal(batch.summary.completed, 5);
  assert.equal(batch.summary.notSubmitted, 3);
  assert.match(batch.stopReason!, /daily job limit; 3 items were not submitted/);
  assert.equal(count("SELECT COUNT(*) AS n FROM jobs"), 5);
  sandbox.updateWorkspace(sandbox.workspaceId, { dailyJobLimit: 100 });
  const again = await runToolBatch(piq, options);
  await again.wait({ display: false });
  assert.equal(again.summary.completed, 8);
  assert.equal(again.stopReason, null);
  assert.equal(count("SELECT COUNT(*) AS n FROM jobs"), 8, "only the three missing were submitted");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("429 answers pause submissions for at least Retry-After, and the batch still finishes", async () => {
  const { log, fetch } = recorder();
  const { sandbox, piq, count } = await setup({ fetch });
  await using _ = sandbox;
  sandbox.setFaults({
    errorRate: 0.5,
    errorStatuses: [429],
    retryAfterSeconds: 1,
    routes: ["submitJob"],
    seed: 7,
  });
  const started = performance.now();
  const batch = await runToolBatch(piq, {
    name: "rate limited",
    tool: "protein-properties",
    inputs: library(6),
    manifest: false,
    quiet: true,
  });
  await batch.wait({ display: false });
  assert.equal(batch.summary.completed, 6);
  assert.equal(count("SELECT COUNT(*) AS n FROM jobs"), 6);
  const submits = log.filter((entry) => entry.method === "POST" && entry.path === "/api/v1/jobs");
  const limited = submits.filter((entry) => entry.status === 429);
  assert.ok(
    limited.length >= 2,
    `the fault injector answered ${limited.length} submissions with 429`,
  );
  for (const refusal of limited) {
    const next = submits.find((entry) => entry.at > refusal.at);
    assert.ok(next, "a submission followed");
    assert.ok(
      next.at - refusal.at >= refusal.retryAfter! * 1000 - 20,
      `resubmitted ${
        Math.round(next.at - refusal.at)
      } ms after a 429 asking for ${refusal.retryAfter} s`,
    );
  }
  assert.ok(performance.now() - started >= limited.length * 1000 - 100);
});

Deno.test("lost responses during submission never create a second job", async () => {
  const { sandbox, piq, count } = await setup();
  await using _ = sandbox;
  sandbox.setFaults({ dropAfterCommitRate: 0.4, routes: ["submitJob"], seed: 3 });
  const batch = await runToolBatch(piq, {
    name: "lossy",
    tool: "protein-properties",
    inputs: library(12),
    manifest: false,
    quiet: true,
  });
  await batch.wait({ display: false });
  assert.ok(sandbox.faultStats.dropped > 0, "responses were lost");
  assert.equal(batch.summary.completed, 12);
  assert.equal(count("SELECT COUNT(*) AS n FROM jobs"), 12);
  assert.equal(count("SELECT COUNT(*) AS n FROM ledger WHERE reason = 'charge'"), 12);
});

Deno.test("jobs are followed by their event streams; with events off, no job is polled faster than the schedule", async () => {
  {
    const { log, fetch } = recorder();
    const { sandbox, piq } = await setup({ fetch });
    await using _ = sandbox;
    const batch = await runToolBatch(piq, {
      name: "events",
      tool: "protein-properties",
      inputs: library(6),
      manifest: false,
      quiet: true,
    });
    await batch.wait({ display: false });
    assert.equal(
      log.filter((entry) => entry.path.endsWith("/events")).length,
      6,
      "one stream per job",
    );
    assert.equal(log.filter((entry) => entry.path.endsWith("/status")).length, 0, "no polling");
  }
  {
    const { log, fetch } = recorder();
    const { sandbox, piq } = await setup({ fetch, events: false });
    await using _ = sandbox;
    const batch = await runToolBatch(piq, {
      name: "polling",
      tool: "protein-properties",
      inputs: library(6),
      manifest: false,
      quiet: true,
    });
    await batch.wait({ display: false });
    assert.equal(batch.summary.completed, 6);
    const byJob = new Map<string, number[]>();
    for (const entry of log.filter((entry) => entry.path.endsWith("/status"))) {
      byJob.set(entry.path, [...(byJob.get(entry.path) ?? []), entry.at]);
    }
    assert.ok(byJob.size > 0);
    for (const [path, times] of byJob) {
      for (let index = 1; index < times.length; index++) {
        assert.ok(
          times[index] - times[index - 1] >= SANDBOX_POLLING.minIntervalMs - 5,
          `${path} polled too fast`,
        );
      }
    }
  }
});

Deno.test("cancelQueued: unsubmitted items are skipped and jobs still queued at the server are cancelled and refunded", async () => {
  // Running jobs last long enough that no slot frees while the cancels are in flight.
  const slow: Pace = { pendingMs: 0, queuedMs: 0, minProcessingMs: 2500, retryDelayMs: 0 };
  const { sandbox, piq, count } = await setup({ pace: slow });
  await using _ = sandbox;
  const batch = await runToolBatch(piq, {
    name: "cancel",
    tool: "protein-properties",
    inputs: library(12),
    manifest: false,
    quiet: true,
    queueAhead: 3,
  });
  while (batch.items.filter((item) => item.status === "QUEUED").length < 3) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const outcome = await batch.cancelQueued();
  assert.equal(outcome.skipped, 6, "the 6 items never submitted are skipped");
  // A queued job that starts while its cancel is on the way is counted as running, not lost.
  assert.equal(outcome.cancelled + outcome.running, 6);
  assert.ok(outcome.cancelled >= 1, JSON.stringify(outcome));
  await batch.wait({ display: false });
  const summary = batch.summary;
  assert.equal(summary.completed, outcome.running);
  assert.equal(summary.cancelled, outcome.skipped + outcome.cancelled);
  assert.equal(count("SELECT COUNT(*) AS n FROM jobs"), 6, "nothing submitted after the cancel");
  assert.equal(
    count("SELECT COUNT(*) AS n FROM jobs WHERE status = 'CANCELLED'"),
    outcome.cancelled,
  );
  assert.equal(
    count("SELECT COUNT(*) AS n FROM ledger WHERE reason = 'refund'"),
    outcome.cancelled,
    "cancelled queued jobs were refunded",
  );
  assert.equal(summary.credits, outcome.running);
});

Deno.test("results: one row per item with key, status and error; CSV and JSON exports; HTML escaped", async () => {
  const { sandbox, piq } = await setup();
  await using _ = sandbox;
  const hostile = "<img src=x onerror=alert(1)>";
  const batch = await runToolBatch(piq, {
    name: "export",
    tool: "protein-properties",
    inputs: { [hostile]: ">a\nMKTAYIAKQR\n", plain: "GSHMLEDPVAGKL" },
    manifest: false,
    quiet: true,
  });
  await batch.wait({ display: false });
  const table = await batch.table();
  assert.equal(table.length, 2);
  assert.deepEqual(table.map((row) => row.key), [hostile, "plain"]);
  assert.equal(table[1].length, 13);
  const bundle =
    await (table as unknown as { [key: symbol]: () => Promise<Record<string, string>> })
      [Symbol.for("Jupyter.display")]();
  assert.ok(!bundle["text/html"].includes("<img"), "the key is escaped");
  assert.ok(bundle["text/html"].includes("&lt;img"));
  const csv = await batch.toCSV();
  const lines = csv.trim().split("\r\n");
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^key,status,error,credits,job_id,/);
  const json = await batch.toJSON();
  assert.equal(json.object, "batch_export");
  assert.equal(json.rows.length, 2);
  assert.equal(json.summary.completed, 2);
  const dir = await Deno.makeTempDir();
  await batch.exportTo(`${dir}/rows.json`);
  assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/rows.json`)).rows.length, 2);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the workspace's cap on unfinished jobs narrows the batch instead of failing items", async () => {
  const { log, fetch } = recorder();
  const { sandbox, piq, count } = await setup({ fetch, workspace: { ...ROOMY, maxActiveJobs: 2 } });
  await using _ = sandbox;
  const batch = await runToolBatch(piq, {
    name: "active cap",
    tool: "protein-properties",
    inputs: library(7),
    manifest: false,
    quiet: true,
  });
  await batch.wait({ display: false });
  assert.equal(batch.summary.completed, 7);
  assert.equal(batch.summary.invalid, 0);
  assert.equal(count("SELECT COUNT(*) AS n FROM jobs"), 7);
  const refused = log.filter((entry) => entry.path === "/api/v1/jobs" && entry.status === 402);
  assert.ok(refused.length >= 1, "the cap was reached at least once");
});
