/**
 * Credits and billing: quotes that change nothing, charges and reservations booked with the
 * job, 402 when short (also under concurrent submissions), automatic refunds for FAILED and
 * TIMEOUT, refunds on cancel, per-minute billing with its cap and BUDGET_EXCEEDED, and a
 * ledger that always adds up to the balance.
 */
import assert from "node:assert/strict";
import { type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import { caller, ledger, proteins, readEvents, waitFor, workload } from "./sandbox_helpers.ts";

function quoteOf(body: Record<string, unknown>) {
  const { name: _name, ...quote } = body;
  return quote;
}

/** The balance must always equal what the workspace started with plus its ledger. */
function assertLedgerAddsUp(sandbox: Sandbox, workspaceId: string, initial: number) {
  const row = sandbox.context.db.get(
    "SELECT COALESCE(SUM(delta), 0) AS total FROM ledger WHERE workspace_id = ?",
    workspaceId,
  );
  const credits = sandbox.context.db.get(
    "SELECT credits FROM workspaces WHERE id = ?",
    workspaceId,
  );
  assert.equal(Number(credits?.credits), initial + Number(row?.total));
}

Deno.test("a fixed-price quote estimates, blocks when short, and changes nothing", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { credits: 3 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const quote = await call("POST", "/api/v1/jobs/quote", { body: quoteOf(proteins("q", 2)) });
  assert.equal(quote.status, 200);
  assert.equal(quote.body.object, "job_quote");
  assert.equal(quote.body.tool, "protein-properties");
  assert.equal(quote.body.estimated_credits, 2);
  assert.equal(quote.body.billable_credits, 2);
  assert.equal(quote.body.available_credits, 3);
  assert.deepEqual(quote.body.billing, { mode: "fixed" });
  assert.deepEqual(quote.body.blocking_errors, []);

  const short = await call("POST", "/api/v1/jobs/quote", { body: quoteOf(proteins("q", 5)) });
  assert.equal(short.status, 200, "a blocked quote is still a quote");
  assert.deepEqual(short.body.blocking_errors.map((e: { code: string }) => e.code), [
    "insufficient_credits",
  ]);
  const invalid = await call("POST", "/api/v1/jobs/quote", {
    body: quoteOf(workload({ seconds: -1 })),
  });
  assert.equal(invalid.status, 200);
  assert.equal(invalid.body.blocking_errors[0].code, "validation_error");
  assert.equal(invalid.body.blocking_errors[0].path, "settings.seconds");

  assert.equal(Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM ledger")?.n), 0);
  assert.equal(Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM jobs")?.n), 0);
});

Deno.test("submission charges atomically; short credits are 402 insufficient_credits with nothing created", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { credits: 3 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const job = (await call("POST", "/api/v1/jobs", { body: proteins("two", 2) })).body;
  assert.equal(job.credits_used, 2);
  assert.deepEqual(ledger(sandbox.context.db, job.id), [{ reason: "charge", delta: -2 }]);
  const refused = await call("POST", "/api/v1/jobs", { body: proteins("two more", 2) });
  assert.equal(refused.status, 402);
  assert.equal(refused.body.error.code, "insufficient_credits");
  assert.deepEqual(refused.body.error.details, { required_credits: 2, available_credits: 1 });
  const done = await waitFor(call, job.id);
  assert.equal(done.status, "COMPLETED");
  assert.equal(done.billing.mode, "fixed");
  assert.equal(done.billing.final_credits, 2);
  assert.equal(done.billing.outcome, "charged");
  assert.ok(done.billing.finalized_at);
  assert.equal(Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM jobs")?.n), 1);
  assertLedgerAddsUp(sandbox, sandbox.workspaceId, 3);
});

Deno.test("concurrent submissions never spend more than the workspace has", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { credits: 5, rateLimit: 1000 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => call("POST", "/api/v1/jobs", { body: proteins(`c${i}`) })),
  );
  assert.equal(answers.filter((a) => a.status === 202).length, 5);
  assert.equal(answers.filter((a) => a.status === 402).length, 15);
  const account = (await call("GET", "/api/v1/account")).body;
  assert.equal(account.workspace.credits.available, 0);
  assertLedgerAddsUp(sandbox, sandbox.workspaceId, 5);
});

Deno.test("FAILED and TIMEOUT jobs are refunded automatically", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    settings: { toolTimeLimits: { "protein-properties": 0.001, "workload-simulator": 0.3 } },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const failed = (await call("POST", "/api/v1/jobs", { body: workload({ fail: true }) })).body;
  // 200 sequences of 1 200 residues take far longer than the 1 ms limit.
  const slow = proteins("slow", 200);
  slow.input.inputs[0].content = slow.input.inputs[0].content.replace(
    /\n([A-Z]+)/g,
    (_, residues: string) => `\n${residues.repeat(20)}`,
  );
  const timedOut = (await call("POST", "/api/v1/jobs", { body: slow })).body;
  const overran = (await call("POST", "/api/v1/jobs", { body: workload({ seconds: 5 }) })).body;
  const ends = [
    await waitFor(call, failed.id),
    await waitFor(call, timedOut.id),
    await waitFor(call, overran.id),
  ];
  assert.deepEqual(ends.map((job) => job.status), ["FAILED", "TIMEOUT", "TIMEOUT"]);
  for (const job of ends) {
    assert.equal(job.credits_used, 0);
    assert.equal(job.billing.final_credits, 0);
    assert.equal(job.billing.outcome, "refunded");
    assert.ok(job.error, "the job says what went wrong");
    const entries = ledger(sandbox.context.db, job.id);
    assert.equal(entries.reduce((sum, e) => sum + e.delta, 0), 0, JSON.stringify(entries));
    assert.equal(entries.filter((e) => e.reason === "refund").length, 1);
  }
  assert.deepEqual(ledger(sandbox.context.db, timedOut.id), [
    { reason: "charge", delta: -200 },
    { reason: "refund", delta: 200 },
  ]);
  const account = (await call("GET", "/api/v1/account")).body;
  assert.equal(account.workspace.credits.available, 500);
  assertLedgerAddsUp(sandbox, sandbox.workspaceId, 500);
});

Deno.test("cancel refunds pending and queued jobs and refuses running or finished ones with 409", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { maxConcurrentJobs: 1 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const running = (await call("POST", "/api/v1/jobs", { body: workload({ seconds: 1 }) })).body;
  const queued = (await call("POST", "/api/v1/jobs", { body: proteins("queued", 4) })).body;
  const metered = (await call("POST", "/api/v1/jobs", { body: workload({ seconds: 1 }) })).body;
  await waitFor(call, running.id, ["PROCESSING"]);
  assert.equal((await call("GET", `/api/v1/jobs/${queued.id}/status`)).body.status, "QUEUED");

  const cancelled = await call("POST", `/api/v1/jobs/${queued.id}/cancel`);
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.object, "job_cancellation");
  assert.equal(cancelled.body.refunded, true);
  assert.equal(cancelled.body.job.status, "CANCELLED");
  assert.equal(cancelled.body.job.credits_used, 0);
  assert.deepEqual(ledger(sandbox.context.db, queued.id), [
    { reason: "charge", delta: -4 },
    { reason: "refund", delta: 4 },
  ]);
  const reservation = await call("POST", `/api/v1/jobs/${metered.id}/cancel`);
  assert.equal(reservation.body.refunded, true, "a minute-billed job's reservation comes back");
  assert.equal(reservation.body.job.billing.outcome, "refunded");

  const busy = await call("POST", `/api/v1/jobs/${running.id}/cancel`);
  assert.equal(busy.status, 409);
  assert.equal(busy.body.error.code, "conflict");
  assert.equal(busy.body.error.details.current_status, "PROCESSING");
  await waitFor(call, running.id);
  const finished = await call("POST", `/api/v1/jobs/${running.id}/cancel`);
  assert.equal(finished.status, 409);
  assert.equal(finished.body.error.details.current_status, "COMPLETED");
  const again = await call("POST", `/api/v1/jobs/${queued.id}/cancel`);
  assert.equal(again.status, 409);
  assert.equal(again.body.error.details.current_status, "CANCELLED");
  assertLedgerAddsUp(sandbox, sandbox.workspaceId, 500);
});

Deno.test("per-minute billing: reserve, charge started minutes, release the rest", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    settings: { billingMinuteMs: 400 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const quote = (await call("POST", "/api/v1/jobs/quote", {
    body: quoteOf(workload({ seconds: 120 })),
  })).body;
  assert.equal(quote.billing.mode, "per_minute");
  assert.equal(quote.estimated_credits, 4, "2 minutes at 2 credits");
  assert.equal(quote.billable_credits, 10, "the tool's initial reservation");

  const job = (await call("POST", "/api/v1/jobs", { body: workload({ seconds: 1 }) })).body;
  assert.equal(job.credits_used, 0, "nothing used before it runs");
  assert.equal(job.billing.reserved_credits, 10);
  assert.equal(job.billing.rate_credits_per_minute, 2);
  const done = await waitFor(call, job.id);
  assert.equal(done.status, "COMPLETED");
  // 1 s at 400 ms per minute: minutes 1, 2 and 3 started (at 0, 400 and 800 ms).
  assert.equal(done.billing.final_credits, 6);
  assert.equal(done.credits_used, 6);
  assert.equal(done.billing.outcome, "charged");
  assert.ok(
    // At least the 1 s it ran; under three full minutes, or a fourth would have been charged.
    done.billing.billable_runtime_seconds >= 148 && done.billing.billable_runtime_seconds <= 180,
    String(done.billing.billable_runtime_seconds),
  );
  assert.ok(done.billing.finalized_at);
  assert.deepEqual(ledger(sandbox.context.db, job.id), [
    { reason: "reservation", delta: -10 },
    { reason: "release", delta: 4 },
  ]);
  // The stream showed credits_used rising minute by minute.
  const used = (await readEvents(sandbox.url, sandbox.apiKey, job.id)).events
    .map((event) => JSON.parse(event.data).credits_used);
  assert.deepEqual([...new Set(used)], [0, 2, 4, 6]);
  assertLedgerAddsUp(sandbox, sandbox.workspaceId, 500);
});

Deno.test("max_reserved_credits caps a minute-billed job: BUDGET_EXCEEDED with billing filled and a partial result", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    settings: { billingMinuteMs: 100 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const job = (await call("POST", "/api/v1/jobs", {
    body: workload({ seconds: 10 }, { billing: { maxReservedCredits: 6 } }),
  })).body;
  assert.equal(job.billing.reserved_credits, 6);
  const done = await waitFor(call, job.id);
  assert.equal(done.status, "BUDGET_EXCEEDED");
  assert.equal(done.billing.mode, "per_minute");
  assert.equal(done.billing.reserved_credits, 6);
  assert.equal(done.billing.final_credits, 6, "three minutes of 2 credits");
  assert.equal(done.billing.rate_credits_per_minute, 2);
  assert.equal(done.billing.outcome, "budget_exceeded");
  assert.ok(
    done.billing.billable_runtime_seconds >= 170,
    String(done.billing.billable_runtime_seconds),
  );
  assert.ok(done.billing.finalized_at);
  assert.match(done.error, /budget of 6 credits/);
  assert.deepEqual(ledger(sandbox.context.db, job.id), [{ reason: "reservation", delta: -6 }]);
  const result = await call("GET", `/api/v1/results/${job.id}`);
  assert.equal(result.status, 200, "BUDGET_EXCEEDED is result-ready");
  assert.equal(result.body.status, "BUDGET_EXCEEDED");
  assert.equal(result.body.results.partial, true);
  assert.equal(result.body.results.records[0].completed, false);
  assertLedgerAddsUp(sandbox, sandbox.workspaceId, 500);
});

Deno.test("a cap below one minute is a validation error; max_quoted_credits guards the price", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const tiny = workload({}, { billing: { max_reserved_credits: 1 } });
  const quote = (await call("POST", "/api/v1/jobs/quote", { body: quoteOf(tiny) })).body;
  assert.equal(quote.blocking_errors[0].code, "validation_error");
  assert.equal(quote.blocking_errors[0].path, "billing.max_reserved_credits");
  const refused = await call("POST", "/api/v1/jobs", { body: tiny });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.code, "validation_error");
  const bothNames = await call("POST", "/api/v1/jobs", {
    body: workload({}, { billing: { max_reserved_credits: 4, maxReservedCredits: 8 } }),
  });
  assert.equal(bothNames.status, 400);

  const guarded = await call("POST", "/api/v1/jobs", {
    body: { ...proteins("guarded", 3), max_quoted_credits: 2 },
  });
  assert.equal(guarded.status, 409);
  assert.equal(guarded.body.error.code, "conflict");
  assert.equal(guarded.body.error.details.billable_credits, 3);
  assert.equal(Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM jobs")?.n), 0);
});

Deno.test("an uncapped minute-billed job draws more as it runs and stops when the workspace runs dry", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { credits: 14 },
    settings: { billingMinuteMs: 80 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const job = (await call("POST", "/api/v1/jobs", { body: workload({ seconds: 5 }) })).body;
  const done = await waitFor(call, job.id);
  assert.equal(done.status, "BUDGET_EXCEEDED");
  assert.match(done.error, /ran out of credits/);
  // 10 reserved + 4 more: seven minutes of 2 credits, then nothing left for the eighth.
  assert.equal(done.billing.final_credits, 14);
  const entries = ledger(sandbox.context.db, job.id);
  assert.deepEqual(entries, [
    { reason: "reservation", delta: -10 },
    { reason: "extension:6", delta: -2 },
    { reason: "extension:7", delta: -2 },
  ]);
  assert.equal((await call("GET", "/api/v1/account")).body.workspace.credits.available, 0);
  assertLedgerAddsUp(sandbox, sandbox.workspaceId, 14);
});
