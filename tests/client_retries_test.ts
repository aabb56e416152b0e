/**
 * Retries: network errors, 429 and 502/503/504 are retried with backoff, never sooner than
 * `Retry-After`, a bounded number of times; everything else surfaces at once; a response
 * lost after the server committed is retried only when repeating is safe, always with the same
 * `Idempotency-Key`; every call honours its AbortSignal and timeout.
 */
import assert from "node:assert/strict";
import { clientRig, propertiesRequest, recordingFetch, type Sent } from "./_client_support.ts";
import { ProteinIQ } from "../lib/client/client.ts";
import {
  AbortError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from "../lib/client/errors.ts";

Deno.test("502, 503 and 504 are retried a bounded number of times, then a ServerError", async () => {
  await using rig = await clientRig({ client: { maxRetries: 3 } });
  rig.sandbox.setFaults({ errorRate: 1, errorStatuses: [502, 503, 504], retryAfterSeconds: 0 });
  const error = await rig.piq.account.get().then(() => undefined, (e) => e);
  assert.ok(error instanceof ServerError, String(error));
  assert.equal(rig.requests(/\/account$/).length, 4, "first attempt + 3 retries");
  assert.ok([502, 503, 504].includes(error.status));
});

Deno.test("a 429 is retried no sooner than Retry-After; a Retry-After past the cap is not waited for", async () => {
  await using rig = await clientRig({ client: { maxRetries: 2 } });
  rig.sandbox.setFaults({
    errorRate: 1,
    errorStatuses: [429],
    retryAfterSeconds: 1,
    routes: ["account"],
  });
  setTimeout(() => rig.sandbox.setFaults(null), 1500);
  const account = await rig.piq.account.get();
  assert.equal(account.object, "account");
  const at = rig.requests(/\/account$/).map((entry) => entry.at);
  assert.equal(at.length, 3);
  assert.ok(
    at[1] - at[0] >= 995 && at[2] - at[1] >= 995,
    `gaps ${at[1] - at[0]}, ${at[2] - at[1]}`,
  );

  const capped = await clientRig({ client: { retry: { maxRetryAfterMs: 500 } } });
  await using _ = capped;
  capped.sandbox.setFaults({ errorRate: 1, errorStatuses: [429], retryAfterSeconds: 5 });
  const error = await capped.piq.account.get().then(() => undefined, (e) => e);
  assert.ok(error instanceof RateLimitError);
  assert.equal(error.retryAfterSeconds, 5);
  assert.match(error.message, /Retry after 5 s/);
  assert.equal(capped.requests(/\/account$/).length, 1, "a 5 s Retry-After past a 0.5 s cap");
});

Deno.test("client errors surface at once, without retries", async () => {
  await using rig = await clientRig();
  await assert.rejects(rig.piq.jobs.get("job_missing"), NotFoundError);
  assert.equal(rig.requests(/\/status$/).length, 1);
  const bad = { ...propertiesRequest(), settings: { ph: 99 } };
  await assert.rejects(rig.piq.jobs.submit(bad, { validate: false }), ValidationError);
  assert.equal(rig.requests(/\/jobs$/, "POST").length, 1);
});

Deno.test("network errors are retried with backoff; the last one surfaces as a ConnectionError", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there now
  const sent: Sent[] = [];
  const piq = new ProteinIQ({
    apiKey: "pq_live_abc123_secretvalue",
    baseUrl: `http://127.0.0.1:${port}`,
    maxRetries: 2,
    retry: { baseDelayMs: 10 },
    fetch: recordingFetch(sent),
    display: false,
  });
  const error = await piq.account.get().then(() => undefined, (e) => e);
  assert.ok(error instanceof ConnectionError, String(error));
  assert.equal(sent.length, 3);
  assert.ok(sent.every((entry) => entry.outcome === "error"));
});

Deno.test("every attempt of a submission carries the same Idempotency-Key, the caller's when given", async () => {
  await using rig = await clientRig({ client: { maxRetries: 3 } });
  rig.sandbox.setFaults({
    errorRate: 1,
    errorStatuses: [503],
    retryAfterSeconds: 0,
    routes: ["submitJob"],
  });
  setTimeout(() => rig.sandbox.setFaults(null), 150);
  rig.piq.core.requestCount = 0;
  const job = await rig.piq.jobs.submit(propertiesRequest(), {
    idempotencyKey: "my-key-001",
    maxRetries: 20,
  });
  const posts = rig.requests(/\/api\/v1\/jobs$/, "POST");
  assert.ok(posts.length >= 2, "retried");
  assert.ok(posts.every((entry) => entry.headers.get("idempotency-key") === "my-key-001"));
  const generated = await rig.piq.jobs.submit(propertiesRequest("second"));
  const keys = rig.requests(/\/api\/v1\/jobs$/, "POST").slice(posts.length)
    .map((entry) => entry.headers.get("idempotency-key"));
  assert.equal(keys.length, 1);
  assert.match(keys[0] ?? "", /^piq_/);
  assert.notEqual(job.id, generated.id);
  assert.equal(rig.jobCount(), 2);
});

Deno.test("a submission whose response is lost after commit is retried with its key: one job", async () => {
  for (const mode of ["body reset", "connection cut"] as const) {
    // A sandbox started with a fault profile has the front door that cuts connections.
    await using rig = await clientRig({
      sandbox: mode === "connection cut" ? { faults: null } : {},
      client: { maxRetries: 4 },
    });
    rig.sandbox.setFaults({ dropAfterCommitRate: 1, routes: ["submitJob"] });
    // Every attempt commits and loses its answer; the first attempt created the job.
    const error = await rig.piq.jobs.submit(propertiesRequest()).then(() => undefined, (e) => e);
    assert.ok(error instanceof ConnectionError, `${mode}: ${error}`);
    assert.match(error.message, /lost|no answer/);
    const posts = rig.requests(/\/api\/v1\/jobs$/, "POST");
    assert.equal(posts.length, 5, mode);
    assert.equal(new Set(posts.map((p) => p.headers.get("idempotency-key"))).size, 1);
    assert.equal(rig.jobCount(), 1, `${mode}: exactly one job`);
    assert.equal(
      rig.sandbox.faultStats.dropMode,
      mode === "connection cut" ? "connection" : "body",
    );

    rig.sandbox.setFaults(null);
    const key = posts[0].headers.get("idempotency-key")!;
    const replay = await rig.piq.jobs.submit(propertiesRequest(), { idempotencyKey: key });
    assert.equal(rig.jobCount(), 1, `${mode}: the replay returns the original job`);
    assert.equal(replay.status, "PENDING");
  }
});

Deno.test("a read whose response is lost is retried (safe to repeat)", async () => {
  await using rig = await clientRig({ sandbox: { faults: null }, client: { maxRetries: 3 } });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  rig.sandbox.setFaults({ dropAfterCommitRate: 0.5, routes: ["jobStatus"], seed: 3 });
  for (let i = 0; i < 6; i++) {
    const fresh = await rig.piq.jobs.get(job.id, { maxRetries: 10 });
    assert.equal(fresh.id, job.id);
  }
  assert.ok(rig.sandbox.faultStats.dropped >= 1);
});

Deno.test("AbortSignal ends a call during its backoff; timeoutMs bounds each attempt", async () => {
  await using rig = await clientRig({ client: { retry: { baseDelayMs: 2000, maxDelayMs: 2000 } } });
  rig.sandbox.setFaults({ errorRate: 1, errorStatuses: [503], retryAfterSeconds: 3 });
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(), 150);
  await assert.rejects(
    rig.piq.account.get({ signal: controller.signal, maxRetries: 5 }),
    AbortError,
  );
  assert.ok(performance.now() - started < 1500, "aborted without sitting out the Retry-After");

  rig.sandbox.setFaults({ latencyMs: 400 });
  const timed = await rig.piq.account.get({ timeoutMs: 50, maxRetries: 1 }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(timed instanceof TimeoutError, String(timed));
  assert.match(timed.message, /timed out after 50 ms/);
  assert.equal(rig.requests(/\/account$/).length - 1, 2, "timeouts are retried too, bounded");
  await assert.rejects(
    rig.piq.account.get({ signal: AbortSignal.abort() }),
    AbortError,
  );
});

Deno.test("deleting a file whose answer was lost still reports it deleted", async () => {
  // Body-reset mode (no front door): Deno's fetch cannot re-send the request by itself.
  await using rig = await clientRig({ client: { maxRetries: 2 } });
  const file = await rig.piq.files.upload({ content: ">a\nMKT\n" }, { name: "a.fasta" });
  // Seed 9 at rate 0.5: the first attempt commits and loses its answer, the retry does not.
  rig.sandbox.setFaults({ dropAfterCommitRate: 0.5, routes: ["deleteFile"], seed: 9 });
  const deletion = await rig.piq.files.delete(file.id);
  assert.deepEqual(deletion, { id: file.id, object: "file", deleted: true });
  assert.equal(rig.sandbox.faultStats.dropped, 1);
  assert.equal(rig.requests(/\/files\//, "DELETE").length, 2, "the retry found it gone (404)");
  rig.sandbox.setFaults(null);
  await assert.rejects(rig.piq.files.get(file.id), NotFoundError);
});

Deno.test("cancelling a job whose answer was lost returns the cancellation, not a conflict", async () => {
  await using rig = await clientRig({
    sandbox: { pace: { pendingMs: 10_000, queuedMs: 0, minProcessingMs: 0, retryDelayMs: 0 } },
    client: { maxRetries: 2 },
  });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  // Seed 9 at rate 0.5: the first attempt commits and loses its answer, the retry does not.
  rig.sandbox.setFaults({ dropAfterCommitRate: 0.5, routes: ["cancelJob"], seed: 9 });
  const cancellation = await rig.piq.jobs.cancel(job.id);
  assert.equal(rig.sandbox.faultStats.dropped, 1);
  assert.equal(rig.requests(/\/cancel$/).length, 2, "the retry met a 409 CANCELLED");
  assert.equal(cancellation.object, "job_cancellation");
  assert.equal(cancellation.job.status, "CANCELLED");
  assert.equal(cancellation.refunded, true);
});
