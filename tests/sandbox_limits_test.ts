/**
 * Limits: concurrency (extra jobs wait QUEUED and start the moment a slot frees), the daily
 * job limit, the active-job limit, the per-key rate limit with its headers, the per-job pace
 * on /status and /results, and the quote's `limits` block telling the truth about all of it.
 */
import assert from "node:assert/strict";
import { ROUTES } from "../lib/contract/routes.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import {
  caller,
  expectError,
  expectOk,
  jobOf,
  proteins,
  quoteOf,
  readEvents,
  waitFor,
  workload,
} from "./sandbox_helpers.ts";

Deno.test("max_concurrent_jobs: extra jobs wait QUEUED and start the moment a slot frees", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { maxConcurrentJobs: 1, credits: 1000 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const answer = await call("POST", "/api/v1/jobs", { body: workload({ seconds: 0.4 }) });
    ids.push(expectOk(answer, ROUTES.submitJob).id);
  }
  await waitFor(call, ids[0], ["PROCESSING"]);
  const second = expectOk(await call("GET", `/api/v1/jobs/${ids[1]}/status`), ROUTES.jobStatus);
  assert.equal(second.status, "QUEUED", "the second job waits while the first runs");
  const quote = expectOk(
    await call("POST", "/api/v1/jobs/quote", { body: quoteOf(workload()) }),
    ROUTES.quoteJob,
  );
  assert.equal(quote.limits.active_concurrent_jobs, 1);
  assert.equal(quote.limits.max_concurrent_jobs, 1);
  assert.deepEqual(quote.blocking_errors, [], "a full slot is not a reason to refuse: jobs queue");

  const jobs = [];
  for (const id of ids) jobs.push(await waitFor(call, id, ["COMPLETED"]));
  for (let i = 1; i < jobs.length; i++) {
    const gap = Date.parse(jobs[i].started_at ?? "") - Date.parse(jobs[i - 1].completed_at ?? "");
    assert.ok(gap >= 0, `job ${i} started before job ${i - 1} ended`);
    // Under the runner's 100 ms tick: the start came from the wake on completion.
    assert.ok(gap < 100, `job ${i} started ${gap} ms after a slot freed`);
  }
  // Never two at once: the events of the later jobs show them QUEUED until the earlier ended.
  const events = (await readEvents(sandbox.url, sandbox.apiKey, ids[2])).events
    .map((event) => jobOf(event).status);
  assert.deepEqual(
    events.filter((status, i) => status !== events[i - 1]),
    ["PENDING", "QUEUED", "PROCESSING", "COMPLETED"],
  );
});

Deno.test("each workspace has its own concurrency", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { maxConcurrentJobs: 1 },
  });
  const a = caller(sandbox.url, sandbox.apiKey);
  const b = caller(sandbox.url, sandbox.createWorkspace({ maxConcurrentJobs: 1 }).apiKey);
  const jobA = expectOk(
    await a("POST", "/api/v1/jobs", { body: workload({ seconds: 0.5 }) }),
    ROUTES.submitJob,
  );
  const jobB = expectOk(
    await b("POST", "/api/v1/jobs", { body: workload({ seconds: 0.5 }) }),
    ROUTES.submitJob,
  );
  await waitFor(a, jobA.id, ["PROCESSING"]);
  await waitFor(b, jobB.id, ["PROCESSING"]);
  await Promise.all([waitFor(a, jobA.id), waitFor(b, jobB.id)]);
});

Deno.test("the daily job limit refuses with 402 daily_limit_exceeded and the quote says so", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { dailyJobLimit: 2 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  for (let i = 0; i < 2; i++) {
    assert.equal((await call("POST", "/api/v1/jobs", { body: proteins() })).status, 202);
  }
  const quote = expectOk(
    await call("POST", "/api/v1/jobs/quote", { body: quoteOf(proteins()) }),
    ROUTES.quoteJob,
  );
  assert.equal(quote.limits.daily_limit_used, 2);
  assert.equal(quote.limits.daily_limit_max, 2);
  assert.deepEqual(quote.blocking_errors.map((e) => e.code), ["daily_limit_exceeded"]);
  const refused = expectError(await call("POST", "/api/v1/jobs", { body: proteins() }), 402, {
    code: "daily_limit_exceeded",
  });
  assert.equal(refused.error.details?.daily_limit_max, 2);
  const account = expectOk(await call("GET", "/api/v1/account"), ROUTES.account);
  assert.deepEqual(account.limits.daily_jobs, { used: 2, max: 2 });
  assert.equal(account.workspace.credits.available, 498, "the refused job charged nothing");
});

Deno.test("the active-job limit refuses with 402 concurrent_job_limit_exceeded", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { maxActiveJobs: 1 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const first = expectOk(
    await call("POST", "/api/v1/jobs", { body: workload({ seconds: 0.5 }) }),
    ROUTES.submitJob,
  );
  expectError(await call("POST", "/api/v1/jobs", { body: workload() }), 402, {
    code: "concurrent_job_limit_exceeded",
  });
  await waitFor(call, first.id);
  assert.equal((await call("POST", "/api/v1/jobs", { body: workload() })).status, 202);
});

Deno.test("the per-key rate limit answers 429 rate_limited with Retry-After and X-RateLimit-*", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { rateLimit: 5, rateWindowSeconds: 1 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const remaining: string[] = [];
  let resetHeader = "";
  for (let i = 0; i < 5; i++) {
    const answer = await call("GET", "/api/v1/tools");
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-ratelimit-limit"), "5");
    remaining.push(answer.headers.get("x-ratelimit-remaining")!);
    resetHeader = answer.headers.get("x-ratelimit-reset")!;
  }
  assert.deepEqual(remaining, ["4", "3", "2", "1", "0"]);
  assert.match(resetHeader, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, "reset is ISO-8601");
  const limited = await call("GET", "/api/v1/account");
  expectError(limited, 429, { code: "rate_limited" });
  assert.equal(limited.headers.get("retry-after"), "1");
  assert.equal(limited.headers.get("x-ratelimit-remaining"), "0");
  assert.equal(limited.headers.get("x-ratelimit-reset"), resetHeader);
  // Every route shares the budget, and refused requests are not counted.
  assert.equal((await call("POST", "/api/v1/jobs", { body: proteins() })).status, 429);
  assert.equal(Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM jobs")?.n), 0);
  // Another key has its own window.
  const other = caller(sandbox.url, sandbox.createApiKey(sandbox.workspaceId));
  assert.equal((await other("GET", "/api/v1/account")).status, 200);
  // After the reset, requests pass again.
  await new Promise((resolve) => setTimeout(resolve, Date.parse(resetHeader) - Date.now() + 20));
  assert.equal((await call("GET", "/api/v1/account")).status, 200);
});

Deno.test("the per-job pace: /status and /results at most once per interval for one key and job", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    settings: { perJobPollMs: 400 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const job = expectOk(await call("POST", "/api/v1/jobs", { body: proteins() }), ROUTES.submitJob);
  const other = expectOk(
    await call("POST", "/api/v1/jobs", { body: proteins("other") }),
    ROUTES.submitJob,
  );
  await sandbox.settle();
  assert.equal((await call("GET", `/api/v1/jobs/${job.id}/status`)).status, 200);
  const tooFast = await call("GET", `/api/v1/jobs/${job.id}/status`);
  const paced = expectError(tooFast, 429, { code: "rate_limited" });
  assert.equal(tooFast.headers.get("retry-after"), "1");
  assert.match(paced.error.message, /events/, "the message points at the events stream");
  // Other jobs, the results route and other keys have their own pace.
  assert.equal((await call("GET", `/api/v1/jobs/${other.id}/status`)).status, 200);
  assert.equal((await call("GET", `/api/v1/results/${job.id}`)).status, 200);
  assert.equal((await call("GET", `/api/v1/results/${job.id}`)).status, 429);
  const second = caller(sandbox.url, sandbox.createApiKey(sandbox.workspaceId));
  assert.equal((await second("GET", `/api/v1/jobs/${job.id}/status`)).status, 200);
  // The events stream is the way to follow a job quickly.
  assert.equal((await readEvents(sandbox.url, sandbox.apiKey, job.id)).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 420));
  assert.equal((await call("GET", `/api/v1/jobs/${job.id}/status`)).status, 200);
});

Deno.test("the embedded default leaves the per-job pace off", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const job = expectOk(await call("POST", "/api/v1/jobs", { body: proteins() }), ROUTES.submitJob);
  for (let i = 0; i < 5; i++) {
    assert.equal((await call("GET", `/api/v1/jobs/${job.id}/status`)).status, 200);
  }
  assert.equal(sandbox.context.settings.perJobPollMs, 0);
});
