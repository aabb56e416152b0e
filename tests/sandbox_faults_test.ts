/**
 * The fault-injection switch: injected errors, latency, responses lost after commit (cut
 * before the status line with the front door, body reset without it), event streams cut
 * mid-way, route targeting, seeding and the counters.
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
  readEvents,
  waitFor,
  workload,
} from "./sandbox_helpers.ts";

function jobCount(
  sandbox: { context: { db: { get(sql: string): Record<string, unknown> | undefined } } },
) {
  return Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM jobs")?.n);
}

Deno.test("injected 5xx answers use the error envelope, carry Retry-After on 503, and skip the handler", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    faults: { errorRate: 1, errorStatuses: [503], retryAfterSeconds: 2 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const answer = await call("POST", "/api/v1/jobs", { body: proteins() });
  assert.match(
    expectError(answer, 503, { code: "internal_error" }).error.message,
    /unavailable/i,
  );
  assert.equal(answer.headers.get("retry-after"), "2");
  assert.equal(answer.headers.get("x-sandbox-fault"), "error");
  assert.equal(jobCount(sandbox), 0, "an injected error never runs the handler");

  sandbox.setFaults({ errorRate: 1, errorStatuses: [502, 504] });
  for (let i = 0; i < 6; i++) {
    const failed = await call("GET", "/api/v1/account");
    assert.ok([502, 504].includes(failed.status));
    expectError(failed, failed.status, { code: "internal_error" });
    assert.equal(failed.headers.get("retry-after"), null);
  }
  sandbox.setFaults(null);
  assert.equal((await call("GET", "/api/v1/account")).status, 200);
  assert.equal(sandbox.faultStats.injected[503], 1);
});

Deno.test("injected 429s look like the documented rate limit", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    faults: { errorRate: 1, errorStatuses: [429], retryAfterSeconds: 3 },
  });
  const answer = await caller(sandbox.url, sandbox.apiKey)("GET", "/api/v1/tools");
  expectError(answer, 429, { code: "rate_limited" });
  assert.equal(answer.headers.get("retry-after"), "3");
  assert.equal(answer.headers.get("x-ratelimit-remaining"), "0");
  const reset = Date.parse(answer.headers.get("x-ratelimit-reset") ?? "");
  assert.ok(
    reset > Date.now() && reset < Date.now() + 5000,
    "reset is an ISO timestamp ~3 s ahead",
  );
});

Deno.test("a seed makes the choices reproducible", async () => {
  const sequence = async () => {
    await using sandbox = await startSandbox({
      database: ":memory:",
      pace: "instant",
      faults: { errorRate: 0.5, seed: 42 },
    });
    const call = caller(sandbox.url, sandbox.apiKey);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await call("GET", "/api/v1/tools")).status);
    return statuses;
  };
  const first = await sequence();
  assert.deepEqual(await sequence(), first);
  assert.ok(first.includes(200) && first.some((status) => status !== 200), first.join(","));
});

Deno.test("routes limit faults to the named operations; openapi and download are targetable", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    faults: { errorRate: 1, errorStatuses: [503], routes: ["submitJob", "download"] },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  assert.equal((await call("GET", "/api/v1/account")).status, 200);
  const { name: _name, ...quote } = proteins();
  assert.equal((await call("POST", "/api/v1/jobs/quote", { body: quote })).status, 200);
  assert.equal((await call("GET", "/api/v1/openapi.json")).status, 200);
  assert.equal((await call("POST", "/api/v1/jobs", { body: proteins() })).status, 503);

  sandbox.setFaults(null);
  const job = expectOk(await call("POST", "/api/v1/jobs", { body: proteins() }), ROUTES.submitJob);
  await waitFor(call, job.id);
  const url = expectOk(await call("GET", `/api/v1/results/${job.id}`), ROUTES.getResult)
    .files[0].url;
  assert.ok(url, "the result file has a signed URL");
  assert.equal(await fetch(url).then((r) => r.body?.cancel().then(() => r.status)), 200);
  sandbox.setFaults({ errorRate: 1, errorStatuses: [503], routes: ["download"] });
  const broken = await fetch(url);
  await broken.body?.cancel();
  assert.equal(broken.status, 503);
  sandbox.setFaults({ errorRate: 1, routes: ["openapi"] });
  assert.notEqual((await call("GET", "/api/v1/openapi.json")).status, 200);
});

Deno.test("a lost response with the front door: the job commits, no byte reaches the client", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    faults: { dropAfterCommitRate: 1, routes: ["submitJob"] },
  });
  const body = JSON.stringify(proteins());
  // On the wire: the connection closes before the status line.
  const conn = await Deno.connect({
    hostname: "127.0.0.1",
    port: Number(new URL(sandbox.url).port),
  });
  const request =
    `POST /api/v1/jobs HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer ${sandbox.apiKey}\r\n` +
    `Content-Type: application/json\r\nIdempotency-Key: raw-1\r\nContent-Length: ${
      new TextEncoder().encode(body).length
    }\r\n\r\n${body}`;
  await conn.write(new TextEncoder().encode(request));
  let received = 0;
  const buffer = new Uint8Array(4096);
  while (true) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) break;
    received += n;
  }
  conn.close();
  assert.equal(received, 0, "nothing of the response arrives");
  assert.equal(jobCount(sandbox), 1, "but the job was created");

  // Through fetch: a network error; the retry with the same key gets the original job.
  await assert.rejects(
    fetch(`${sandbox.url}/api/v1/jobs`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${sandbox.apiKey}`,
        "Content-Type": "application/json",
        "Idempotency-Key": "fetch-1",
      },
      body,
    }),
    TypeError,
  );
  sandbox.setFaults(null);
  const call = caller(sandbox.url, sandbox.apiKey);
  const retried = await call("POST", "/api/v1/jobs", {
    body: proteins(),
    headers: { "Idempotency-Key": "fetch-1" },
  });
  assert.equal(retried.status, 202);
  assert.equal(retried.headers.get("idempotent-replayed"), "true");
  assert.equal(jobCount(sandbox), 2, "one job per idempotency key, however often it was sent");
  assert.equal(sandbox.faultStats.dropMode, "connection");
  assert.ok(sandbox.faultStats.dropped >= 2);
});

Deno.test("a lost response without the front door: headers arrive, the body fails", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  sandbox.setFaults({ dropAfterCommitRate: 1, routes: ["submitJob"] });
  const response = await fetch(`${sandbox.url}/api/v1/jobs`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${sandbox.apiKey}`,
      "Content-Type": "application/json",
      "Idempotency-Key": "body-1",
    },
    body: JSON.stringify(proteins()),
  });
  assert.equal(response.status, 202);
  await assert.rejects(response.text());
  assert.equal(sandbox.faultStats.dropMode, "body");
  assert.equal(jobCount(sandbox), 1);
});

Deno.test("latency is added before handling", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    faults: { latencyMs: [120, 160], seed: 1 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const started = performance.now();
  assert.equal((await call("GET", "/api/v1/account")).status, 200);
  assert.ok(performance.now() - started >= 115);
  assert.equal(sandbox.faultStats.delayed, 1);
});

Deno.test("event streams cut after N events still deliver every event once across resumes", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    faults: { cutEventsAfter: 2 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const job = expectOk(
    await call("POST", "/api/v1/jobs", { body: workload({ seconds: 0.3, crash_attempts: 1 }) }),
    ROUTES.submitJob,
  );
  await waitFor(call, job.id);
  const seen: number[] = [];
  let lastId: string | undefined;
  let streams = 0;
  while (true) {
    const { events } = await readEvents(sandbox.url, sandbox.apiKey, job.id, {
      lastEventId: lastId,
    });
    streams++;
    assert.ok(events.length <= 2);
    for (const event of events) seen.push(Number(event.id));
    lastId = events.at(-1)?.id ?? lastId;
    const last = events.at(-1);
    if (last && ["COMPLETED", "FAILED"].includes(jobOf(last).status)) break;
    assert.ok(streams < 50, "the stream never reached a terminal event");
  }
  assert.deepEqual(seen, seen.map((_, i) => i + 1), "ids 1..n, none missing, none repeated");
  assert.ok(streams >= 3);
  assert.ok(sandbox.faultStats.cutStreams >= 2);
});

Deno.test("bad profiles are refused with the reason", async () => {
  await assert.rejects(
    startSandbox({ database: ":memory:", faults: { errorRate: 2 } }),
    /errorRate/,
  );
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  assert.throws(() => sandbox.setFaults({ routes: ["noSuchRoute"] }), /routes/);
  assert.throws(
    () => sandbox.setFaults({ latencyMs: [50, 10] } as never),
    /latencyMs/,
  );
  assert.throws(() => sandbox.setFaults({ bogus: 1 } as never), /bogus|unrecognized/i);
});
