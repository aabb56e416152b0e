/**
 * The quote card and the job history table, on real sandbox quotes and jobs.
 * @module
 */
import assert from "node:assert/strict";
import { connect, fastaInput } from "../mod.ts";
import { renderQuote } from "../lib/display/quote.ts";
import { jobDuration, renderJobHistory } from "../lib/display/history.ts";
import { documentOf, HOSTILE } from "./_dom.ts";

const display = Symbol.for("Jupyter.display");

type Shown = { [display](): Record<string, string> | Promise<Record<string, string>> };

Deno.test("the quote card says at a glance whether a run can start", async () => {
  const piq = await connect({ sandbox: { database: ":memory:", pace: "instant" }, quiet: true });
  try {
    const good = await piq.jobs.quote({
      tool: "protein-properties",
      input: fastaInput(">a\nMKTAYIAKQRQISFVKSHFSRQ"),
    });
    const ok = await (good as unknown as Shown)[display]();
    const okDocument = documentOf(ok["text/html"]);
    assert.ok(okDocument.body.textContent!.includes("ready to run"));
    for (const label of ["Estimated", "Billable", "Available", "Concurrent jobs", "Jobs today"]) {
      assert.ok(okDocument.body.textContent!.includes(label), label);
    }
    assert.match(ok["text/plain"], /ready to run/);

    const bad = await piq.jobs.quote({
      tool: "protein-properties",
      input: { inputs: [{ ...fastaInput(">a\nMKT")["inputs"][0], content: ">bad\nMKT99JJ\n" }] },
    }, { validate: false });
    assert.ok(bad.blocking_errors.length > 0);
    const shown = await (bad as unknown as Shown)[display]();
    const document = documentOf(shown["text/html"]);
    assert.ok(document.body.textContent!.includes("cannot run yet"));
    assert.ok(document.body.textContent!.includes(bad.blocking_errors[0].code));
    assert.match(
      shown["text/html"],
      /border-left: 4px solid var\(--jp-error-color1, [^;]*#dc2626\)+;/,
    );
  } finally {
    await piq.close();
  }
});

Deno.test("quote card escapes blocking error text", () => {
  const bundle = renderQuote({
    tool: HOSTILE,
    estimated_credits: 1,
    billable_credits: 1,
    available_credits: 0,
    blocking_errors: [{ code: HOSTILE, message: HOSTILE, path: HOSTILE }],
    limits: {
      active_concurrent_jobs: 0,
      max_concurrent_jobs: 3,
      daily_limit_used: 0,
      daily_limit_max: null,
    },
    billing: { mode: "fixed" },
  });
  const document = documentOf(bundle["text/html"] as string);
  assert.equal(document.querySelectorAll("script, img").length, 0);
  assert.ok(document.body.textContent!.includes(HOSTILE));
});

Deno.test("the job history lists jobs like the web app, for all tools or one tool", async () => {
  const piq = await connect({ sandbox: { database: ":memory:", pace: "instant" }, quiet: true });
  try {
    for (const name of ["first run", `second ${HOSTILE}`]) {
      const job = await piq.jobs.submit({
        tool: "protein-properties",
        name,
        input: fastaInput(">a\nMKTAYIAKQRQISFVKSHFSRQ"),
      });
      await job.wait({ display: false });
    }
    const all = await piq.jobs.list().take(10);
    const shown = await (all as unknown as Shown)[display]();
    const document = documentOf(shown["text/html"]);
    assert.equal(document.querySelectorAll("script, img").length, 0);
    const headers = [...document.querySelectorAll("th")].map((th) => th.textContent);
    assert.deepEqual(headers, ["Name", "Status", "Duration", "Tool", "Credits", "Created (UTC)"]);
    const rows = [...document.querySelectorAll("tbody tr")];
    assert.equal(rows.length, 2);
    assert.ok(rows[0].textContent!.includes(HOSTILE), "newest first, name as text");
    assert.ok(rows[0].textContent!.includes("Completed"));
    assert.match(document.body.textContent!, /Jobs \(2\) · 2 completed/);

    const one = await piq.jobs.list({ tool: "protein-properties" }).take(1);
    const oneShown = await (one as unknown as Shown)[display]();
    assert.match(oneShown["text/plain"], /^Jobs of protein-properties \(1\)/);
  } finally {
    await piq.close();
  }
});

Deno.test("history shows failures' messages and running durations", () => {
  const now = Date.parse("2026-06-12T08:01:00Z");
  const jobs = [
    {
      id: "job_2",
      name: "broken",
      tool: "esmfold",
      status: "FAILED",
      progress: 10,
      credits_used: 0,
      created_at: "2026-06-12T08:00:00.000Z",
      started_at: "2026-06-12T08:00:02.000Z",
      completed_at: "2026-06-12T08:00:09.000Z",
      execution_time_seconds: 7,
      error: "Sequence too long for this model",
    },
    {
      id: "job_1",
      name: "running",
      tool: "esmfold",
      status: "PROCESSING",
      progress: 50,
      credits_used: 50,
      created_at: "2026-06-12T08:00:00.000Z",
      started_at: "2026-06-12T08:00:30.000Z",
      completed_at: null,
      execution_time_seconds: null,
      error: null,
    },
  ];
  assert.equal(jobDuration(jobs[0], now), "7.0 s");
  assert.equal(jobDuration(jobs[1], now), "30 s …");
  const bundle = renderJobHistory(jobs, { title: "Jobs of esmfold" });
  assert.match(bundle["text/plain"] as string, /error: Sequence too long/);
  assert.ok((bundle["text/html"] as string).includes("Sequence too long for this model"));
  assert.match(bundle["text/plain"] as string, /1 processing, 1 failed · 50 credits/);
});
