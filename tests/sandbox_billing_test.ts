/**
 * Credits and billing: quotes that change nothing, charges and reservations booked with the
 * job, 402 when short (also under concurrent submissions), automatic refunds for FAILED and
 * TIMEOUT, refunds on cancel, per-minute billing with its cap and BUDGET_EXCEEDED, and a
 * ledger that always adds up to the balance.
 */
import assert from "node:assert/strict";
import { ROUTES } from "../lib/contract/routes.ts";
import { type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import {
  caller,
  expectError,
  expectOk,
  isList,
  isRecord,
  jobOf,
  ledger,
  proteins,
  quoteOf,
  readEvents,
  waitFor,
  workload,
} from "./sandbox_helpers.ts";

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
  const quote = expectOk(
    await call("POST", "/api/v1/jobs/quote", { body: quoteOf(proteins("q", 2)) }),
    ROUTES.quoteJob,
  );
  assert.equal(quote.object, "job_quote");
  assert.equal(quote.tool, "protein-properties");
  assert.equal(quote.estimated_credits, 2);
  assert.equal(quote.billable_credits, 2);
  assert.equal(quote.available_credits, 3);
  assert.deepEqual(quote.billing, { mode: "fixed" });
  assert.deepEqual(quote.blocking_errors, []);

  const short = expectOk(
    await call("POST", "/api/v1/jobs/quote", { body: quoteOf(proteins("q", 5)) }),
    ROUTES.quoteJob,
    { label: "a blocked quote is still a quote" },
  );
  assert.deepEqual(short.blocking_errors.map((e) => e.code), ["insufficient_credits"]);
  const invalid = expectOk(
    await call("POST", "/api/v1/jobs/quote", { body: quoteOf(workload({ seconds: -1 })) }),
    ROUTES.quoteJob,
  );
  assert.equal(invalid.blocking_errors[0].code, "validation_error");
  assert.equal(invalid.blocking_errors[0].path, "settings.seconds");

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
  const job = expectOk(
    await call("POST", "/api/v1/jobs", { body: proteins("two", 2) }),
    ROUTES.submitJob,
  );
  assert.equal(job.credits_used, 2);
  assert.deepEqual(ledger(sandbox.context.db, job.id), [{ reason: "charge", delta: -2 }]);
  const refused = expectError(
    await call("POST", "/api/v1/jobs", { body: proteins("two more", 2) }),
    402,
    { code: "insufficient_credits" },
  );
  assert.deepEqual(refused.error.details, { required_credits: 2, available_credits: 1 });
  const done = await waitFor(call, job.id);
  assert.equal(done.status, "COMPLETED");
  assert.equal(done.billing?.mode, "fixed");
  assert.equal(done.billing?.final_credits, 2);
  assert.equal(done.billing?.outcome, "charged");
  assert.ok(done.billing?.finalized_at);
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
  const account = expectOk(await call("GET", "/api/v1/account"), ROUTES.account);
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
  const submit = async (body: unknown) =>
    expectOk(await call("POST", "/api/v1/jobs", { body }), ROUTES.submitJob);
  const failed = await submit(workload({ fail: true }));
  // 200 sequences of 1 200 residues take far longer than the 1 ms limit.
  const slow = proteins("slow", 200);
  slow.input.inputs[0].content = slow.input.inputs[0].content.replace(
    /\n([A-Z]+)/g,
    (_, residues: string) => `\n${residues.repeat(20)}`,
  );
  const timedOut = await submit(slow);
  const overran = await submit(workload({ seconds: 5 }));
  const ends = [
    await waitFor(call, failed.id),
    await waitFor(call, timedOut.id),
    await waitFor(call, overran.id),
  ];
  assert.deepEqual(ends.map((job) => job.status), ["FAILED", "TIMEOUT", "TIMEOUT"]);
  for (const job of ends) {
    assert.equal(job.credits_used, 0);
    assert.equal(job.billing?.final_credits, 0);
    assert.equal(job.billing?.outcome, "refunded");
    assert.ok(job.error, "the job says what went wrong");
    const entries = ledger(sandbox.context.db, job.id);
    assert.equal(entries.reduce((sum, e) => sum + e.delta, 0), 0, JSON.stringify(entries));
    assert.equal(entries.filter((e) => e.reason === "refund").length, 1);
  }
  assert.deepEqual(ledger(sandbox.context.db, timedOut.id), [
    { reason: "charge", delta: -200 },
    { reason: "refund", delta: 200 },
  ]);
  const account = expectOk(await call("GET", "/api/v1/account"), ROUTES.account);
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
  const submit = async (body: unknown) =>
    expectOk(await call("POST", "/api/v1/jobs", { body }), ROUTES.submitJob);
  const running = await submit(workload({ seconds: 1 }));
  const queued = await submit(proteins("queued", 4));
  const metered = await submit(workload({ seconds: 1 }));
  await waitFor(call, running.id, ["PROCESSING"]);
  assert.equal(
    expectOk(await call("GET", `/api/v1/jobs/${queued.id}/status`), ROUTES.jobStatus).status,
    "QUEUED",
  );

  const cancelled = expectOk(
    await call("POST", `/api/v1/jobs/${queued.id}/cancel`),
    ROUTES.cancelJob,
  );
  assert.equal(cancelled.object, "job_cancellation");
  assert.equal(cancelled.refunded, true);
  assert.equal(cancelled.job.status, "CANCELLED");
  assert.equal(cancelled.job.credits_used, 0);
  assert.deepEqual(ledger(sandbox.context.db, queued.id), [
    { reason: "charge", delta: -4 },
    { reason: "refund", delta: 4 },
  ]);
  const reservation = expectOk(
    await call("POST", `/api/v1/jobs/${metered.id}/cancel`),
    ROUTES.cancelJob,
  );
  assert.equal(reservation.refunded, true, "a minute-billed job's reservation comes back");
  assert.equal(reservation.job.billing?.outcome, "refunded");

  const busy = expectError(await call("POST", `/api/v1/jobs/${running.id}/cancel`), 409, {
    code: "conflict",
  });
  assert.equal(busy.error.details?.current_status, "PROCESSING");
  await waitFor(call, running.id);
  const finished = expectError(await call("POST", `/api/v1/jobs/${running.id}/cancel`), 409);
  assert.equal(finished.error.details?.current_status, "COMPLETED");
  const again = expectError(await call("POST", `/api/v1/jobs/${queued.id}/cancel`), 409);
  assert.equal(again.error.details?.current_status, "CANCELLED");
  assertLedgerAddsUp(sandbox, sandbox.workspaceId, 500);
});

Deno.test("per-minute billing: reserve, charge started minutes, release the rest", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    settings: { billingMinuteMs: 400 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const quote = expectOk(
    await call("POST", "/api/v1/jobs/quote", { body: quoteOf(workload({ seconds: 120 })) }),
    ROUTES.quoteJob,
  );
  assert.equal(quote.billing.mode, "per_minute");
  assert.equal(quote.estimated_credits, 4, "2 minutes at 2 credits");
  assert.equal(quote.billable_credits, 10, "the tool's initial reservation");

  const job = expectOk(
    await call("POST", "/api/v1/jobs", { body: workload({ seconds: 1 }) }),
    ROUTES.submitJob,
  );
  assert.equal(job.credits_used, 0, "nothing used before it runs");
  assert.equal(job.billing?.reserved_credits, 10);
  assert.equal(job.billing?.rate_credits_per_minute, 2);
  const done = await waitFor(call, job.id);
  assert.equal(done.status, "COMPLETED");
  // 1 s at 400 ms per minute: minutes 1, 2 and 3 started (at 0, 400 and 800 ms).
  assert.equal(done.billing?.final_credits, 6);
  assert.equal(done.credits_used, 6);
  assert.equal(done.billing?.outcome, "charged");
  const runtime = done.billing?.billable_runtime_seconds;
  assert.ok(
    // At least the 1 s it ran; under three full minutes, or a fourth would have been charged.
    typeof runtime === "number" && runtime >= 148 && runtime <= 180,
    String(runtime),
  );
  assert.ok(done.billing?.finalized_at);
  assert.deepEqual(ledger(sandbox.context.db, job.id), [
    { reason: "reservation", delta: -10 },
    { reason: "release", delta: 4 },
  ]);
  // The stream showed credits_used rising minute by minute.
  const used = (await readEvents(sandbox.url, sandbox.apiKey, job.id)).events
    .map((event) => jobOf(event).credits_used);
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
  const job = expectOk(
    await call("POST", "/api/v1/jobs", {
      body: workload({ seconds: 10 }, { billing: { maxReservedCredits: 6 } }),
    }),
    ROUTES.submitJob,
  );
  assert.equal(job.billing?.reserved_credits, 6);
  const done = await waitFor(call, job.id);
  assert.equal(done.status, "BUDGET_EXCEEDED");
  assert.equal(done.billing?.mode, "per_minute");
  assert.equal(done.billing?.reserved_credits, 6);
  assert.equal(done.billing?.final_credits, 6, "three minutes of 2 credits");
  assert.equal(done.billing?.rate_credits_per_minute, 2);
  assert.equal(done.billing?.outcome, "budget_exceeded");
  const runtime = done.billing?.billable_runtime_seconds;
  assert.ok(typeof runtime === "number" && runtime >= 170, String(runtime));
  assert.ok(done.billing?.finalized_at);
  assert.match(done.error ?? "", /budget of 6 credits/);
  assert.deepEqual(ledger(sandbox.context.db, job.id), [{ reason: "reservation", delta: -6 }]);
  const result = expectOk(await call("GET", `/api/v1/results/${job.id}`), ROUTES.getResult, {
    label: "BUDGET_EXCEEDED is result-ready",
  });
  assert.equal(result.status, "BUDGET_EXCEEDED");
  assert.equal(result.results.partial, true);
  const records = result.results.records;
  assert.ok(isList(records) && isRecord(records[0]), "a partial result keeps its records");
  assert.equal(records[0].completed, false);
  assertLedgerAddsUp(sandbox, sandbox.workspaceId, 500);
});

Deno.test("a cap below one minute is a validation error; max_quoted_credits guards the price", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const tiny = workload({}, { billing: { max_reserved_credits: 1 } });
  const quote = expectOk(
    await call("POST", "/api/v1/jobs/quote", { body: quoteOf(tiny) }),
    ROUTES.quoteJob,
  );
  assert.equal(quote.blocking_errors[0].code, "validation_error");
  assert.equal(quote.blocking_errors[0].path, "billing.max_reserved_credits");
  expectError(await call("POST", "/api/v1/jobs", { body: tiny }), 400, {
    code: "validation_error",
  });
  const bothNames = await call("POST", "/api/v1/jobs", {
    body: workload({}, { billing: { max_reserved_credits: 4, maxReservedCredits: 8 } }),
  });
  assert.equal(bothNames.status, 400);

  const guarded = await call("POST", "/api/v1/jobs", {
    body: { ...proteins("guarded", 3), max_quoted_credits: 2 },
  });
  assert.equal(
    expectError(guarded, 409, { code: "conflict" }).error.details?.billable_credits,
    3,
  );
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
  const job = expectOk(
    await call("POST", "/api/v1/jobs", { body: workload({ seconds: 5 }) }),
    ROUTES.submitJob,
  );
  const done = await waitFor(call, job.id);
  assert.equal(done.status, "BUDGET_EXCEEDED");
  assert.match(done.error ?? "", /ran out of credits/);
  // 10 reserved + 4 more: seven minutes of 2 credits, then nothing left for the eighth.
  assert.equal(done.billing?.final_credits, 14);
  const entries = ledger(sandbox.context.db, job.id);
  assert.deepEqual(entries, [
    { reason: "reservation", delta: -10 },
    { reason: "extension:6", delta: -2 },
    { reason: "extension:7", delta: -2 },
  ]);
  assert.equal(
    expectOk(await call("GET", "/api/v1/account"), ROUTES.account).workspace.credits.available,
    0,
  );
  assertLedgerAddsUp(sandbox, sandbox.workspaceId, 14);
});
