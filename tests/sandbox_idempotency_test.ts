/**
 * Idempotency keys: replay with the stored status and body, conflict on a different body,
 * scoping to the workspace, concurrent duplicates, and the extension to uploads and cancels.
 */
import assert from "node:assert/strict";
import { ROUTES } from "../lib/contract/routes.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import {
  caller,
  expectError,
  expectOk,
  ledger,
  proteins,
  waitFor,
  workload,
} from "./sandbox_helpers.ts";

const jobCount = (
  sandbox: { context: { db: { get(sql: string): Record<string, unknown> | undefined } } },
) => Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM jobs")?.n);

Deno.test("the same key and body replay the stored response with its original status", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const headers = { "Idempotency-Key": "fold-lysozyme-001" };
  const first = await call("POST", "/api/v1/jobs", { body: proteins(), headers });
  const job = expectOk(first, ROUTES.submitJob);
  assert.equal(first.headers.get("idempotent-replayed"), null);
  await waitFor(call, job.id);

  const second = await call("POST", "/api/v1/jobs", { body: proteins(), headers });
  expectOk(second, ROUTES.submitJob, { label: "the stored status, not a fresh one" });
  assert.equal(second.headers.get("idempotent-replayed"), "true");
  assert.deepEqual(second.body, first.body, "the stored body: the job as it was at submission");
  assert.equal(second.headers.get("location"), `/api/v1/jobs/${job.id}/status`);

  // X-Idempotency-Key is the same key; key order in the body does not matter.
  const reordered = Object.fromEntries(Object.entries(proteins()).reverse());
  const third = await call("POST", "/api/v1/jobs", {
    body: reordered,
    headers: { "X-Idempotency-Key": "fold-lysozyme-001" },
  });
  assert.equal(expectOk(third, ROUTES.submitJob).id, job.id);
  assert.equal(jobCount(sandbox), 1);
  assert.deepEqual(ledger(sandbox.context.db, job.id), [{ reason: "charge", delta: -1 }]);
});

Deno.test("the same key with a different body, or for another operation, is 409 conflict", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const headers = { "Idempotency-Key": "k-1" };
  assert.equal((await call("POST", "/api/v1/jobs", { body: proteins("a"), headers })).status, 202);
  const changed = expectError(
    await call("POST", "/api/v1/jobs", { body: proteins("b"), headers }),
    409,
    { code: "conflict" },
  );
  assert.equal(changed.error.details?.idempotency_key, "k-1");
  const upload = expectError(
    await call("POST", "/api/v1/files", { body: { filename: "a.txt", content: "a" }, headers }),
    409,
  );
  assert.equal(upload.error.details?.used_for, "submit_job");
  assert.equal(jobCount(sandbox), 1);
});

Deno.test("keys are scoped to the workspace", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const a = caller(sandbox.url, sandbox.apiKey);
  const b = caller(sandbox.url, sandbox.createWorkspace().apiKey);
  const headers = { "Idempotency-Key": "shared-key" };
  const jobA = expectOk(
    await a("POST", "/api/v1/jobs", { body: proteins(), headers }),
    ROUTES.submitJob,
  );
  const answerB = await b("POST", "/api/v1/jobs", { body: proteins(), headers });
  const jobB = expectOk(answerB, ROUTES.submitJob);
  assert.equal(answerB.headers.get("idempotent-replayed"), null);
  assert.notEqual(jobA.id, jobB.id);
  // Another key of the same workspace shares the key space.
  const a2 = caller(sandbox.url, sandbox.createApiKey(sandbox.workspaceId));
  const again = await a2("POST", "/api/v1/jobs", { body: proteins(), headers });
  assert.equal(expectOk(again, ROUTES.submitJob).id, jobA.id);
});

Deno.test("concurrent duplicates create exactly one job", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { rateLimit: 1000 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const answers = await Promise.all(
    Array.from({ length: 25 }, () =>
      call("POST", "/api/v1/jobs", {
        body: workload({ seconds: 0.1 }),
        headers: { "Idempotency-Key": "burst" },
      })),
  );
  assert.ok(answers.every((answer) => answer.status === 202));
  const jobs = answers.map((answer) => expectOk(answer, ROUTES.submitJob));
  assert.equal(new Set(jobs.map((job) => job.id)).size, 1);
  assert.equal(answers.filter((a) => a.headers.get("idempotent-replayed") === "true").length, 24);
  assert.equal(jobCount(sandbox), 1);
  assert.equal(ledger(sandbox.context.db, jobs[0].id).length, 1);
});

Deno.test("a refused submission is not stored: the same key works once the cause is fixed", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { credits: 0 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const headers = { "Idempotency-Key": "after-top-up" };
  assert.equal((await call("POST", "/api/v1/jobs", { body: proteins(), headers })).status, 402);
  sandbox.updateWorkspace(sandbox.workspaceId, { credits: 5 });
  const accepted = expectOk(
    await call("POST", "/api/v1/jobs", { body: proteins(), headers }),
    ROUTES.submitJob,
  );
  // And a replay does not depend on today's balance.
  sandbox.updateWorkspace(sandbox.workspaceId, { credits: 0 });
  const replay = await call("POST", "/api/v1/jobs", { body: proteins(), headers });
  assert.equal(expectOk(replay, ROUTES.submitJob).id, accepted.id);
});

Deno.test("bad idempotency keys are 400 validation_error", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  for (const key of ["", "x".repeat(256)]) {
    const answer = await call("POST", "/api/v1/jobs", {
      body: proteins(),
      headers: { "Idempotency-Key": key },
    });
    expectError(answer, 400, {
      code: "validation_error",
      label: `key of ${key.length} characters`,
    });
  }
  assert.equal(jobCount(sandbox), 0);
});

Deno.test("uploads honour idempotency keys: one file per key", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const headers = { "Idempotency-Key": "upload-1" };
  const form = () => {
    const data = new FormData();
    data.append("file", new File([">a\nMKT\n"], "a.fasta", { type: "text/x-fasta" }));
    return data;
  };
  const first = await call("POST", "/api/v1/files", { raw: form(), headers });
  const second = await call("POST", "/api/v1/files", { raw: form(), headers });
  const file = expectOk(first, ROUTES.uploadFile);
  const replayed = expectOk(second, ROUTES.uploadFile);
  assert.equal(second.headers.get("idempotent-replayed"), "true");
  assert.equal(replayed.id, file.id);
  assert.equal(Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM files")?.n), 1);
  const other = new FormData();
  other.append("file", new File([">b\nMKV\n"], "a.fasta"));
  assert.equal((await call("POST", "/api/v1/files", { raw: other, headers })).status, 409);
});

Deno.test("cancels honour idempotency keys: a retried cancel replays, an unkeyed one is 409", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { maxConcurrentJobs: 1 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const running = expectOk(
    await call("POST", "/api/v1/jobs", { body: workload({ seconds: 0.6 }) }),
    ROUTES.submitJob,
  );
  const queued = expectOk(
    await call("POST", "/api/v1/jobs", { body: proteins() }),
    ROUTES.submitJob,
  );
  await waitFor(call, running.id, ["PROCESSING"]);
  const headers = { "Idempotency-Key": "cancel-1" };
  const first = await call("POST", `/api/v1/jobs/${queued.id}/cancel`, { headers });
  const replay = await call("POST", `/api/v1/jobs/${queued.id}/cancel`, { headers });
  expectOk(first, ROUTES.cancelJob);
  expectOk(replay, ROUTES.cancelJob);
  assert.equal(replay.headers.get("idempotent-replayed"), "true");
  assert.deepEqual(replay.body, first.body);
  assert.equal((await call("POST", `/api/v1/jobs/${queued.id}/cancel`)).status, 409);
  assert.equal(
    ledger(sandbox.context.db, queued.id).filter((e) => e.reason === "refund").length,
    1,
  );
  await waitFor(call, running.id);
});
