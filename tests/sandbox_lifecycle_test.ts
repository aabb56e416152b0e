/**
 * The job lifecycle: all nine statuses (the eight web-app states and BUDGET_EXCEEDED) are
 * reachable; every change is an event on the job's stream with ids that `Last-Event-ID`
 * resumes from; results follow the documented readiness rules; lists page newest first.
 */
import assert from "node:assert/strict";
import { JOB_STATUSES } from "../lib/contract/jobs.ts";
import { ROUTES } from "../lib/contract/routes.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import {
  caller,
  expectError,
  expectOk,
  isRecord,
  jobOf,
  proteins,
  readEvents,
  waitFor,
  workload,
} from "./sandbox_helpers.ts";

function statusesOf(events: { data: string }[]): string[] {
  const statuses = events.map((event) => jobOf(event).status);
  return statuses.filter((status, i) => status !== statuses[i - 1]);
}

Deno.test("every status is reachable and every change is an event", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { maxConcurrentJobs: 1 },
    settings: { billingMinuteMs: 100, toolTimeLimits: { "workload-simulator": 0.8 } },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const submit = async (body: unknown) =>
    expectOk(await call("POST", "/api/v1/jobs", { body }), ROUTES.submitJob).id;
  const blocker = await submit(workload({ seconds: 0.4 }));
  const cancelled = await submit(proteins());
  await waitFor(call, blocker, ["PROCESSING"]);
  assert.equal((await call("POST", `/api/v1/jobs/${cancelled}/cancel`)).status, 200);
  const ids = {
    completed: blocker,
    cancelled,
    retried: await submit(workload({ seconds: 0.2, crash_attempts: 1 })),
    failed: await submit(workload({ fail: true })),
    timeout: await submit(workload({ seconds: 5 })),
    budget: await submit(workload({ seconds: 5 }, { billing: { max_reserved_credits: 4 } })),
  };
  const seen = new Set<string>();
  const expected: Record<keyof typeof ids, string[]> = {
    completed: ["PENDING", "QUEUED", "PROCESSING", "COMPLETED"],
    cancelled: ["PENDING", "QUEUED", "CANCELLED"],
    retried: ["PENDING", "QUEUED", "PROCESSING", "RETRY", "PROCESSING", "COMPLETED"],
    failed: ["PENDING", "QUEUED", "PROCESSING", "FAILED"],
    timeout: ["PENDING", "QUEUED", "PROCESSING", "TIMEOUT"],
    budget: ["PENDING", "QUEUED", "PROCESSING", "BUDGET_EXCEEDED"],
  };
  for (const [name, id] of Object.entries(ids) as [keyof typeof ids, string][]) {
    const { events } = await readEvents(sandbox.url, sandbox.apiKey, id);
    const statuses = statusesOf(events);
    assert.deepEqual(statuses, expected[name], name);
    statuses.forEach((status) => seen.add(status));
  }
  assert.deepEqual([...seen].sort(), [...JOB_STATUSES].sort());
});

Deno.test("the stream: retry field, per-job ids, job resources as data, closes after terminal", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const id = expectOk(
    await call("POST", "/api/v1/jobs", { body: workload({ seconds: 0.3 }) }),
    ROUTES.submitJob,
  ).id;
  const stream = await readEvents(sandbox.url, sandbox.apiKey, id);
  assert.equal(stream.status, 200);
  assert.match(stream.headers.get("content-type") ?? "", /^text\/event-stream/);
  assert.equal(stream.headers.get("cache-control"), "private, no-cache, no-transform");
  assert.equal(stream.retry, 1000);
  const ids = stream.events.map((event) => Number(event.id));
  assert.deepEqual(ids, ids.map((_, i) => i + 1));
  assert.ok(stream.events.every((event) => event.event === undefined), "unnamed events");
  const progress = stream.events.map((event) => jobOf(event).progress);
  assert.deepEqual(progress, [...progress].sort((a, b) => a - b), "progress never goes back");
  const lastEvent = stream.events.at(-1)!;
  const last = jobOf(lastEvent);
  assert.equal(last.status, "COMPLETED");
  assert.equal(last.progress, 100);
  const lastData: unknown = JSON.parse(lastEvent.data);
  assert.deepEqual(lastData, (await call("GET", `/api/v1/jobs/${id}/status`)).body);
});

Deno.test("Last-Event-ID resumes after that event, and a stream of a finished job ends at once", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const id = expectOk(
    await call("POST", "/api/v1/jobs", { body: workload({ seconds: 0.3 }) }),
    ROUTES.submitJob,
  ).id;
  const all = (await readEvents(sandbox.url, sandbox.apiKey, id)).events;
  assert.ok(all.length >= 5);
  for (const from of [1, 3, all.length - 1]) {
    const resumed =
      (await readEvents(sandbox.url, sandbox.apiKey, id, { lastEventId: String(from) }))
        .events;
    assert.deepEqual(resumed, all.slice(from), `resume after ${from}`);
  }
  const started = performance.now();
  const after = await readEvents(sandbox.url, sandbox.apiKey, id, {
    lastEventId: String(all.length),
  });
  assert.deepEqual(after.events, []);
  assert.ok(performance.now() - started < 1000, "no hanging stream after the terminal event");
  // Garbage or future ids never skip events.
  for (const bogus of ["abc", "-1", "99999"]) {
    const events =
      (await readEvents(sandbox.url, sandbox.apiKey, id, { lastEventId: bogus })).events;
    assert.ok(events.length === all.length || events.length === 0, bogus);
  }
  const fromGarbage = await readEvents(sandbox.url, sandbox.apiKey, id, { lastEventId: "abc" });
  assert.deepEqual(fromGarbage.events, all);
});

Deno.test("a live stream delivers each change as it happens, to every listener alike", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: { pendingMs: 100, queuedMs: 100, minProcessingMs: 1000, retryDelayMs: 0 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const id = expectOk(await call("POST", "/api/v1/jobs", { body: proteins() }), ROUTES.submitJob)
    .id;
  const [a, b] = await Promise.all([
    readEvents(sandbox.url, sandbox.apiKey, id),
    readEvents(sandbox.url, sandbox.apiKey, id),
  ]);
  assert.deepEqual(a.events, b.events);
  assert.deepEqual(statusesOf(a.events), ["PENDING", "QUEUED", "PROCESSING", "COMPLETED"]);
  assert.ok(a.events.length > 4, "progress events while processing");
});

Deno.test("results: 409 job_not_completed with Retry-After until ready, 404 when there is none", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const running = expectOk(
    await call("POST", "/api/v1/jobs", { body: workload({ seconds: 0.5 }) }),
    ROUTES.submitJob,
  );
  await waitFor(call, running.id, ["PROCESSING"]);
  const early = await call("GET", `/api/v1/results/${running.id}`);
  const notYet = expectError(early, 409, { code: "job_not_completed" });
  assert.equal(early.headers.get("retry-after"), "5");
  assert.equal(notYet.error.details?.current_status, "PROCESSING");
  await waitFor(call, running.id);
  const ready = expectOk(await call("GET", `/api/v1/results/${running.id}`), ROUTES.getResult);
  assert.equal(ready.object, "job_result");
  const file = ready.files[0];
  assert.equal(file.name, "workload.json");
  assert.ok(file.url, "the result file has a signed URL");
  const download = await fetch(file.url);
  assert.equal(download.status, 200);
  const content: unknown = await download.json();
  assert.ok(isRecord(content), "workload.json holds an object");
  assert.equal(content.completed, true);

  const failed = expectOk(
    await call("POST", "/api/v1/jobs", { body: workload({ fail: true }) }),
    ROUTES.submitJob,
  );
  await waitFor(call, failed.id);
  expectError(await call("GET", `/api/v1/results/${failed.id}`), 404, { code: "not_found" });
});

Deno.test("the jobs list pages newest first with next_cursor and filters by tool and status", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { rateLimit: 1000 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const created: string[] = [];
  for (let i = 0; i < 7; i++) {
    const body = i % 2 === 0 ? proteins(`p${i}`) : workload({}, { name: `w${i}` });
    created.push(expectOk(await call("POST", "/api/v1/jobs", { body }), ROUTES.submitJob).id);
  }
  await sandbox.settle();
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=3${cursor ? `&starting_after=${cursor}` : ""}`;
    const page = expectOk(await call("GET", `/api/v1/jobs?${query}`), ROUTES.listJobs);
    pages.push(page.data.map((job) => job.id));
    assert.equal(page.has_more, page.next_cursor !== null);
    cursor = page.next_cursor;
  } while (cursor);
  assert.deepEqual(pages.map((page) => page.length), [3, 3, 1]);
  assert.deepEqual(pages.flat(), [...created].reverse());
  const list = async (query: string) =>
    expectOk(await call("GET", `/api/v1/jobs${query}`), ROUTES.listJobs, { label: query });
  const proteinJobs = await list("?tool=protein-properties&limit=100");
  assert.equal(proteinJobs.data.length, 4);
  assert.ok(proteinJobs.data.every((job) => job.tool === "protein-properties"));
  const completed = await list("?status=COMPLETED");
  assert.equal(completed.data.length, 7);
  const byName = await list("?q=w3");
  assert.deepEqual(byName.data.map((job) => job.name), ["w3"]);
  const defaults = await list("");
  assert.equal(defaults.data.length, 7, "default limit 20");
});
