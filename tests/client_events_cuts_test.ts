/**
 * Events under cuts: a stream cut after every event (a proxy that cannot keep a stream open)
 * against the real sandbox. Reconnects carry `Last-Event-ID` and the server resumes strictly
 * after it; connections that only replay the backlog count toward the polling fallback, so
 * `wait()` still resolves soon after the terminal transition instead of trailing the job by
 * one stale event per reconnect.
 */
import assert from "node:assert/strict";
import { clientRig, propertiesRequest } from "./_client_support.ts";
import type { ClientJob } from "../lib/client/_schemas.ts";

/** Progress events every ~150 ms for 3 s: far more events than reconnects can carry one by one. */
const LONG_PACE = { pendingMs: 200, queuedMs: 200, minProcessingMs: 3000, retryDelayMs: 0 };

/** Event ids each events response carried, read off the wire. */
function recordingEventIds(ids: string[][]): (inner: typeof fetch) => typeof fetch {
  return (inner) => async (input, init) => {
    const response = await inner(input, init);
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    if (!path.endsWith("/events") || !response.body) return response;
    const mine: string[] = [];
    ids.push(mine);
    const decoder = new TextDecoder();
    let pending = "";
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          pending += decoder.decode(chunk, { stream: true });
          const lines = pending.split("\n");
          pending = lines.pop() ?? "";
          for (const line of lines) if (line.startsWith("id:")) mine.push(line.slice(3).trim());
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

Deno.test("a stream cut after every event: wait resolves within 1.5 s of the end, nothing replayed", async () => {
  const carried: string[][] = [];
  await using rig = await clientRig({
    sandbox: { pace: LONG_PACE },
    wrapFetch: recordingEventIds(carried),
  });
  rig.sandbox.setFaults({ cutEventsAfter: 1, routes: ["jobEvents"] });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  const seen: ClientJob[] = [];
  await job.wait({ onUpdate: (update) => seen.push(structuredClone(update.data)) });
  const resolvedAt = Date.now();
  assert.equal(job.status, "COMPLETED", job.error ?? undefined);
  const terminal = rig.sandbox.context.db.get(
    "SELECT created_at, seq FROM job_events WHERE job_id = ? ORDER BY seq DESC LIMIT 1",
    job.id,
  );
  const lag = resolvedAt - Date.parse(String(terminal?.created_at));
  assert.ok(lag < 1500, `wait resolved ${lag} ms after the terminal transition`);

  // Every reconnect resumes after the last id it saw, and the server sends nothing at or
  // before it: ids only grow, across all connections.
  const connections = rig.requests(/\/events$/);
  assert.ok(connections.length >= 2, `${connections.length} connections`);
  assert.equal(connections[0].headers.get("last-event-id"), null);
  const all = carried.flat().map(Number);
  assert.deepEqual(all, [...new Set(all)].sort((a, b) => a - b), `ids on the wire: ${all}`);
  connections.slice(1).forEach((connection, index) => {
    const last = Number(connection.headers.get("last-event-id"));
    assert.equal(last, Math.max(...carried.slice(0, index + 1).flat().map(Number)));
    for (const id of carried[index + 1] ?? []) assert.ok(Number(id) > last, `${id} after ${last}`);
  });

  // The cut connections only ever caught up on old events: the client polled instead, after
  // the policy's 3 such connections, not one reconnect per event.
  assert.ok(Number(terminal?.seq) > 15, `the job had ${terminal?.seq} events`);
  assert.ok(connections.length <= 4, `${connections.length} stream connections`);
  assert.ok(rig.requests(/\/status$/).length >= 1, "fell back to polling");
  assert.ok(
    rig.log.some((line) => /older than the connection.*polling/.test(line)),
    rig.log.join("\n"),
  );
  // What was seen is in order and ends with the terminal state.
  const statuses = seen.map((snapshot) => snapshot.status);
  assert.equal(statuses.at(-1), "COMPLETED");
});

Deno.test("a connection that catches up counts as healthy: occasional cuts keep following events", async () => {
  await using rig = await clientRig({ sandbox: { pace: LONG_PACE } });
  // Cut every 6 events: each connection catches up (its backlog is shorter than the cut) and
  // follows live, so the client never gives up on the stream.
  rig.sandbox.setFaults({ cutEventsAfter: 6, routes: ["jobEvents"] });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  await job.wait();
  assert.equal(job.status, "COMPLETED", job.error ?? undefined);
  assert.ok(rig.requests(/\/events$/).length >= 3, "reconnected after cuts");
  assert.equal(rig.requests(/\/status$/).length, 0, "no polling while connections catch up");
});
