/**
 * The client against a sandbox with faults switched on: lost responses never duplicate a
 * paid job, cut event streams still deliver every status change once, and a 429 burst is
 * ridden out with waits that honour `Retry-After`.
 */
import assert from "node:assert/strict";
import { clientRig, propertiesRequest } from "./_client_support.ts";
import type { Job } from "../lib/client/job.ts";
import type { ClientJob } from "../lib/client/_schemas.ts";

/** Run `task` over `items` with at most `width` in flight. */
async function pool<T, R>(items: T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]);
      }
    }),
  );
  return results;
}

const PARKED = { pendingMs: 3_600_000, queuedMs: 0, minProcessingMs: 0, retryDelayMs: 0 };

for (const mode of ["connection cut", "body reset"] as const) {
  const count = mode === "connection cut" ? 500 : 200;
  Deno.test(`${count} submissions with 30 % of responses lost after commit (${mode}) make exactly ${count} jobs`, async () => {
    await using rig = await clientRig({
      // Jobs stay PENDING: this measures submission, not the tool.
      sandbox: {
        pace: PARKED,
        ...(mode === "connection cut"
          ? { faults: { dropAfterCommitRate: 0.3, routes: ["submitJob"], seed: 42 } }
          : {}),
      },
      client: { maxRetries: 10 },
    });
    if (mode === "body reset") {
      rig.sandbox.setFaults({ dropAfterCommitRate: 0.3, routes: ["submitJob"], seed: 42 });
    }
    const names = Array.from({ length: count }, (_, i) => `submission ${i}`);
    const jobs = await pool(names, 16, (name) => rig.piq.jobs.submit(propertiesRequest(name)));
    rig.sandbox.setFaults(null);

    const stats = rig.sandbox.faultStats;
    assert.equal(stats.dropMode, mode === "connection cut" ? "connection" : "body");
    assert.ok(stats.dropped >= count * 0.2, `${stats.dropped} responses were lost`);
    assert.equal(new Set(jobs.map((job) => job.id)).size, count, "every call got its own job");
    assert.equal(rig.jobCount(), count, "the database holds exactly one job per submission");
    const listed: Job[] = [];
    for await (const job of rig.piq.jobs.list({ pageSize: 100 })) listed.push(job);
    assert.equal(listed.length, count, "the list API agrees");
    assert.deepEqual(listed.map((job) => job.name).sort(), [...names].sort());
    const byName = new Map(listed.map((job) => [job.name, job.id]));
    for (const job of jobs) assert.equal(byName.get(job.name), job.id);
    const charged = Number(
      rig.sandbox.context.db.get(
        "SELECT COALESCE(SUM(credits_used), 0) AS n FROM jobs",
      )?.n,
    );
    assert.equal(charged, count, "one credit per one-sequence job, never twice");
  });
}

Deno.test("event streams cut every 3 events, with lost responses, still deliver every status change once per job", async () => {
  await using rig = await clientRig({
    sandbox: {
      pace: { pendingMs: 100, queuedMs: 100, minProcessingMs: 600, retryDelayMs: 0 },
      faults: null,
    },
    client: { maxRetries: 6, events: { defaultRetryMs: 100 } },
  });
  rig.sandbox.setFaults({
    cutEventsAfter: 3,
    dropAfterCommitRate: 0.2,
    routes: ["jobEvents", "submitJob"],
    seed: 5,
  });
  const jobs = await Promise.all(
    [0, 1, 2, 3].map((i) => rig.piq.jobs.submit(propertiesRequest(`streamed ${i}`))),
  );
  const seen = new Map<string, ClientJob[]>(jobs.map((job) => [job.id, []]));
  await Promise.all(
    jobs.map((job) =>
      job.wait({ onUpdate: (update) => seen.get(job.id)!.push(structuredClone(update.data)) })
    ),
  );
  rig.sandbox.setFaults(null);
  assert.equal(rig.jobCount(), 4);
  for (const job of jobs) {
    assert.equal(job.status, "COMPLETED", job.error ?? undefined);
    const stored = rig.sandbox.context.db.all(
      "SELECT data FROM job_events WHERE job_id = ? ORDER BY seq",
      job.id,
    ).map((row) => JSON.parse(String(row.data)));
    assert.deepEqual(seen.get(job.id), stored, `${job.id}: each change once, in order`);
  }
  assert.ok(rig.sandbox.faultStats.cutStreams >= 4);
  assert.equal(rig.requests(/\/status$/).length, 0, "events kept working: no polling needed");
});

Deno.test("a 429 burst is ridden out; every retry waits at least Retry-After", async () => {
  await using rig = await clientRig({ client: { maxRetries: 6 } });
  const jobs = await Promise.all(
    [0, 1, 2, 3, 4, 5, 6, 7].map((i) => rig.piq.jobs.submit(propertiesRequest(`burst ${i}`))),
  );
  await rig.sandbox.settle();
  rig.sent.length = 0;
  rig.sandbox.setFaults({ errorRate: 1, errorStatuses: [429], retryAfterSeconds: 1 });
  setTimeout(() => rig.sandbox.setFaults({ errorRate: 0.5, errorStatuses: [429], seed: 1 }), 1200);
  setTimeout(() => rig.sandbox.setFaults(null), 2500);
  const fetched = await Promise.all(jobs.map((job) => rig.piq.jobs.get(job.id)));
  assert.deepEqual(fetched.map((job) => job.status), jobs.map(() => "COMPLETED"));
  const injected = rig.sandbox.faultStats.injected[429] ?? 0;
  assert.ok(injected >= 8, `${injected} injected 429s`);
  for (const job of jobs) {
    const attempts = rig.requests(new RegExp(`${job.id}/status$`));
    assert.ok(attempts.length >= 2, "each call met at least one 429");
    for (let i = 1; i < attempts.length; i++) {
      if (attempts[i - 1].outcome !== 429) continue;
      const gap = attempts[i].at - attempts[i - 1].at;
      assert.ok(gap >= 990, `${job.id}: retried after ${gap} ms, Retry-After was 1 s`);
    }
  }
});

Deno.test("a wait polling through a 429 burst honours Retry-After and still ends", async () => {
  await using rig = await clientRig({
    sandbox: { pace: { pendingMs: 300, queuedMs: 300, minProcessingMs: 1500, retryDelayMs: 0 } },
    client: {
      events: false,
      maxRetries: 0,
      polling: { delaysMs: [50], jitterRatio: 0, minIntervalMs: 50 },
    },
  });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  rig.sandbox.setFaults({
    errorRate: 1,
    errorStatuses: [429],
    retryAfterSeconds: 1,
    routes: ["jobStatus"],
  });
  setTimeout(() => rig.sandbox.setFaults(null), 1600);
  // With the core's retries off, each 429 fails its poll; the wait itself must not give up,
  // and the next poll must come no sooner than the Retry-After the 429 carried.
  await job.wait();
  assert.equal(job.status, "COMPLETED");
  const polls = rig.requests(/\/status$/);
  for (let i = 1; i < polls.length; i++) {
    if (polls[i - 1].outcome !== 429) continue;
    assert.ok(
      polls[i].at - polls[i - 1].at >= 990,
      `poll after a 429 came ${polls[i].at - polls[i - 1].at} ms later`,
    );
  }
});
