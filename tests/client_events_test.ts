/**
 * `job.wait()` follows the job's server-sent events, reconnects with `Last-Event-ID` and the
 * stream's `retry:` interval, falls back to the documented polling when the stream is
 * unavailable, and stops on deadlines, aborts and unknown statuses — against the real sandbox.
 */
import assert from "node:assert/strict";
import { clientRig, propertiesRequest, storedEvents } from "./_client_support.ts";
import { DOCUMENTED_POLLING, pollDelay } from "../lib/client/_wait.ts";
import { AbortError, TimeoutError, UnknownStatusError } from "../lib/client/errors.ts";
import type { ClientJob } from "../lib/client/_schemas.ts";

const VISIBLE_PACE = { pendingMs: 150, queuedMs: 150, minProcessingMs: 700, retryDelayMs: 0 };

/** A fetch that rewrites the text of responses on paths matching `pattern`. */
function rewriting(
  pattern: RegExp,
  rewrite: (text: string) => string,
  headers?: (headers: Headers) => void,
): (inner: typeof fetch) => typeof fetch {
  return (inner) => async (input, init) => {
    const response = await inner(input, init);
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    if (!pattern.test(path) || !response.body) return response;
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          controller.enqueue(encoder.encode(rewrite(decoder.decode(chunk, { stream: true }))));
        },
      }),
    );
    const outHeaders = new Headers(response.headers);
    outHeaders.delete("content-length");
    headers?.(outHeaders);
    return new Response(body, { status: response.status, headers: outHeaders });
  };
}

Deno.test("wait follows the events stream: one connection, every change once, in order", async () => {
  await using rig = await clientRig({ sandbox: { pace: VISIBLE_PACE } });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  const seen: ClientJob[] = [];
  await job.wait({ onUpdate: (update) => seen.push(update.data) });
  assert.equal(job.status, "COMPLETED", job.error ?? undefined);
  assert.equal(rig.requests(/\/events$/).length, 1, "one stream connection");
  assert.equal(rig.requests(/\/status$/).length, 0, "no status polls while events work");
  const stored = storedEvents(rig.sandbox, job.id);
  assert.ok(stored.length >= 4, "PENDING, QUEUED, PROCESSING…, COMPLETED");
  assert.deepEqual(seen.map((s) => s.status), stored.map((s) => s.status));
  assert.equal(
    rig.requests(/\/events$/)[0].headers.get("accept"),
    "text/event-stream",
  );
});

Deno.test("a stream cut every 2 events delivers every change once, in order, resuming with Last-Event-ID", async () => {
  await using rig = await clientRig({ sandbox: { pace: VISIBLE_PACE } });
  rig.sandbox.setFaults({ cutEventsAfter: 2, routes: ["jobEvents"] });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  const seen: ClientJob[] = [];
  await job.wait({ onUpdate: (update) => seen.push(structuredClone(update.data)) });
  const stored = rig.sandbox.context.db.all(
    "SELECT seq, data FROM job_events WHERE job_id = ? ORDER BY seq",
    job.id,
  ).map((row) => JSON.parse(String(row.data)));
  assert.deepEqual(seen, stored, "each event exactly once, in order");
  const connections = rig.requests(/\/events$/);
  assert.ok(connections.length >= 2, `reconnected (${connections.length} connections)`);
  assert.equal(connections[0].headers.get("last-event-id"), null);
  connections.slice(1).forEach((connection, index) => {
    assert.equal(connection.headers.get("last-event-id"), String((index + 1) * 2));
  });
  assert.ok(rig.sandbox.faultStats.cutStreams >= 1);
});

Deno.test("reconnects wait the interval the stream's retry: field gives", async () => {
  const rig = await clientRig({
    sandbox: { pace: VISIBLE_PACE },
    wrapFetch: rewriting(/\/events$/, (text) => text.replace(/^retry: \d+$/m, "retry: 150")),
  });
  await using _ = rig;
  rig.sandbox.setFaults({ cutEventsAfter: 1, routes: ["jobEvents"] });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  await job.wait();
  const at = rig.requests(/\/events$/).map((entry) => entry.at);
  assert.ok(at.length >= 3);
  const gaps = at.slice(1).map((time, index) => time - at[index]).sort((a, b) => a - b);
  assert.ok(gaps[0] >= 140, `gaps ${gaps} ms honour retry: 150`);
  const median = gaps[Math.floor(gaps.length / 2)];
  assert.ok(median < 600, `gaps ${gaps} ms follow the stream's interval, not the 1000 ms default`);
});

Deno.test("falls back to polling when the events route is missing (501)", async () => {
  await using rig = await clientRig({ sandbox: { pace: VISIBLE_PACE } });
  rig.sandbox.setFaults({ errorRate: 1, errorStatuses: [501], routes: ["jobEvents"] });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  await job.wait();
  assert.equal(job.status, "COMPLETED", job.error ?? undefined);
  assert.equal(rig.requests(/\/events$/).length, 1, "a missing route is not retried");
  assert.ok(rig.requests(/\/status$/).length >= 1);
  assert.ok(rig.log.some((line) => /unavailable .*501.*polling/.test(line)), rig.log.join("\n"));
});

Deno.test("falls back to polling when the events route answers something else than an event stream", async () => {
  const rig = await clientRig({
    sandbox: { pace: VISIBLE_PACE },
    wrapFetch: rewriting(/\/events$/, (text) => text, (headers) => {
      headers.set("content-type", "application/json");
    }),
  });
  await using _ = rig;
  const job = await rig.piq.jobs.submit(propertiesRequest());
  await job.wait();
  assert.equal(job.status, "COMPLETED", job.error ?? undefined);
  assert.equal(rig.requests(/\/events$/).length, 1);
  assert.ok(rig.requests(/\/status$/).length >= 1);
  assert.ok(rig.log.some((line) => /application\/json/.test(line)));
});

Deno.test("a connection silent past the idle timeout is dropped and reopened with Last-Event-ID", async () => {
  await using rig = await clientRig({
    sandbox: { pace: { pendingMs: 2000, queuedMs: 0, minProcessingMs: 0, retryDelayMs: 0 } },
    client: { events: { idleTimeoutMs: 300 } },
  });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  const seen: string[] = [];
  await job.wait({ onUpdate: (update) => seen.push(update.status) });
  assert.equal(job.status, "COMPLETED", job.error ?? undefined);
  const connections = rig.requests(/\/events$/);
  assert.ok(connections.length >= 2, `${connections.length} connections`);
  assert.equal(connections[1].headers.get("last-event-id"), "1");
  assert.deepEqual(seen, storedEvents(rig.sandbox, job.id).map((event) => event.status));
});

Deno.test("falls back to polling after repeated stream failures (503)", async () => {
  await using rig = await clientRig({
    sandbox: { pace: VISIBLE_PACE },
    client: { maxRetries: 0, events: { maxFailures: 3, defaultRetryMs: 20 } },
  });
  rig.sandbox.setFaults({
    errorRate: 1,
    errorStatuses: [503],
    retryAfterSeconds: 0,
    routes: ["jobEvents"],
  });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  await job.wait();
  assert.equal(job.status, "COMPLETED", job.error ?? undefined);
  assert.equal(rig.requests(/\/events$/).length, 3, "three failed connections, then polling");
  assert.ok(rig.requests(/\/status$/).length >= 1);
});

Deno.test("polling never asks about one job more often than the schedule's floor", async () => {
  await using rig = await clientRig({
    sandbox: { pace: { pendingMs: 200, queuedMs: 200, minProcessingMs: 1200, retryDelayMs: 0 } },
    client: {
      events: false,
      polling: { delaysMs: [10], jitterRatio: 0, minIntervalMs: 300 },
    },
  });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  const submittedAt = performance.now();
  await job.wait();
  const polls = rig.requests(/\/status$/).map((entry) => entry.at);
  assert.equal(rig.requests(/\/events$/).length, 0);
  assert.ok(polls.length >= 3);
  assert.ok(polls[0] - submittedAt >= 290, "the submission's answer counts as the first look");
  polls.slice(1).forEach((time, index) => {
    assert.ok(time - polls[index] >= 295, `gap ${time - polls[index]} ms`);
  });
});

Deno.test("the documented schedule: 5 s, 10 s, 20 s, then 30 s, jittered, never under 5 s or Retry-After", () => {
  const low = [0, 1, 2, 3, 4, 10].map((i) => pollDelay(DOCUMENTED_POLLING, i, { random: () => 0 }));
  assert.deepEqual(low, [5000, 10_000, 20_000, 30_000, 30_000, 30_000]);
  for (let i = 0; i < 8; i++) {
    const high = pollDelay(DOCUMENTED_POLLING, i, { random: () => 0.999 });
    assert.ok(high >= 5000 && high <= 33_000);
    assert.equal(
      pollDelay(DOCUMENTED_POLLING, i, { random: () => 0, retryAfterSeconds: 45 }),
      45_000,
    );
  }
});

Deno.test("each poll delay counts from the previous look: the schedule's steps, not steps plus a floor", async () => {
  await using rig = await clientRig({
    sandbox: { pace: { pendingMs: 0, queuedMs: 0, minProcessingMs: 1100, retryDelayMs: 0 } },
    // The documented 5/10/20/30 s schedule, scaled down 50×.
    client: {
      events: false,
      polling: { delaysMs: [100, 200, 400, 600], jitterRatio: 0, minIntervalMs: 100 },
    },
  });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  const submitted = performance.now(); // the submission's answer is the first look
  await job.wait();
  const looks = [submitted, ...rig.requests(/\/status$/).map((entry) => entry.at)];
  const gaps = looks.slice(1).map((time, index) => Math.round(time - looks[index]));
  assert.equal(gaps.length, 4, `polls at ${gaps}`);
  [100, 200, 400, 600].forEach((step, index) => {
    assert.ok(gaps[index] >= step - 5, `gap ${index}: ${gaps[index]} ms, step ${step}`);
  });
  // Steps plus the 100 ms floor would add 400 ms in all; a busy machine delays less than that.
  const total = gaps.reduce((sum, gap) => sum + gap, 0);
  assert.ok(total < 1300 + 300, `polls ${gaps} ms apart: ${total} ms in all, schedule 1300 ms`);
});

Deno.test("with the documented schedule a job is polled at most once every 5 s", async () => {
  await using rig = await clientRig({
    sandbox: { pace: { pendingMs: 500, queuedMs: 500, minProcessingMs: 3500, retryDelayMs: 0 } },
    client: { events: false, polling: DOCUMENTED_POLLING },
  });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  const submittedAt = performance.now();
  await job.refresh(); // an explicit refresh counts as a poll for the floor too
  await job.wait();
  assert.equal(job.status, "COMPLETED", job.error ?? undefined);
  const polls = rig.requests(/\/status$/).map((entry) => entry.at);
  assert.equal(polls.length, 2, "the explicit refresh and one poll 5 s later");
  assert.ok(polls[1] - polls[0] >= 4990, `gap ${polls[1] - polls[0]} ms`);
  assert.ok(polls[1] - submittedAt >= 4990);
});

Deno.test("an unknown status stops the wait with UnknownStatusError instead of looping (events)", async () => {
  const rig = await clientRig({
    sandbox: { pace: VISIBLE_PACE },
    wrapFetch: rewriting(/\/events$/, (text) => text.replaceAll('"QUEUED"', '"ARCHIVED"')),
  });
  await using _ = rig;
  const job = await rig.piq.jobs.submit(propertiesRequest());
  const error = await job.wait().then(() => undefined, (e) => e);
  assert.ok(error instanceof UnknownStatusError, String(error));
  assert.equal(error.status, "ARCHIVED");
  const before = rig.sent.length;
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(rig.sent.length, before, "no request after the wait stopped");
  await rig.sandbox.settle();
});

Deno.test("an unknown status stops the wait with UnknownStatusError instead of looping (polling)", async () => {
  const rig = await clientRig({
    sandbox: { pace: VISIBLE_PACE },
    client: { events: false },
    wrapFetch: rewriting(
      /\/status$/,
      (text) => text.replace(/"status":"[A-Z_]+"/, '"status":"ARCHIVED"'),
    ),
  });
  await using _ = rig;
  const job = await rig.piq.jobs.submit(propertiesRequest());
  await assert.rejects(job.wait(), UnknownStatusError);
  assert.equal(rig.requests(/\/status$/).length, 1, "stopped at the first unknown status");
  await rig.sandbox.settle();
});

Deno.test("timeoutMs stops waiting with a TimeoutError; the job keeps running", async () => {
  await using rig = await clientRig({
    sandbox: { pace: { pendingMs: 600, queuedMs: 0, minProcessingMs: 0, retryDelayMs: 0 } },
  });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  const error = await job.wait({ timeoutMs: 150 }).then(() => undefined, (e) => e);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.match(error.message, /keeps running/);
  await job.wait();
  assert.equal(job.status, "COMPLETED", job.error ?? undefined);
});

Deno.test("an AbortSignal stops the wait; cancelOnAbort also cancels the pending job and refunds it", async () => {
  await using rig = await clientRig({
    sandbox: { pace: { pendingMs: 5000, queuedMs: 0, minProcessingMs: 0, retryDelayMs: 0 } },
  });
  const before = (await rig.piq.account.get()).workspace.credits.available;
  const first = await rig.piq.jobs.submit(propertiesRequest("aborted"));
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(first.wait({ signal: controller.signal }), AbortError);
  assert.equal((await rig.piq.jobs.get(first.id)).status, "PENDING", "only the wait stopped");

  const second = await rig.piq.jobs.submit(propertiesRequest("cancelled on abort"));
  const again = new AbortController();
  setTimeout(() => again.abort(), 100);
  await assert.rejects(
    second.wait({ signal: again.signal, cancelOnAbort: true }),
    AbortError,
  );
  assert.equal(second.status, "CANCELLED");
  assert.equal((await rig.piq.jobs.get(second.id)).status, "CANCELLED");
  const after = (await rig.piq.account.get()).workspace.credits.available;
  assert.equal(after, before - first.credits_used, "the cancelled job was refunded");
  await first.cancel();
});

Deno.test("wait resolves right after the terminal event, not at the next reconnect or poll", async () => {
  await using rig = await clientRig({ sandbox: { pace: VISIBLE_PACE } });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  await job.wait();
  const resolvedAt = Date.now();
  const terminal = rig.sandbox.context.db.get(
    "SELECT created_at FROM job_events WHERE job_id = ? ORDER BY seq DESC LIMIT 1",
    job.id,
  );
  const lag = resolvedAt - Date.parse(String(terminal?.created_at));
  // The figure (median well under 100 ms) is in bench/api_bench.ts; this guards the structure.
  assert.ok(lag < 500, `resolved ${lag} ms after the terminal event`);
});
