/**
 * Account, the job history (cursor pagination, filters, hardening against odd pages), cancel,
 * retry and duplicate as in the web app, and the OpenAPI document — against the sandbox.
 */
import assert from "node:assert/strict";
import { clientRig, propertiesRequest } from "./_client_support.ts";
import { ProteinIQ } from "../lib/client/client.ts";
import { ConflictError, JobStateError, ResponseValidationError } from "../lib/client/errors.ts";

const PARKED = { pendingMs: 3_600_000, queuedMs: 0, minProcessingMs: 0, retryDelayMs: 0 };

function workload(name: string, settings: Record<string, number | boolean>) {
  return {
    tool: "workload-simulator",
    name,
    input: {
      inputs: [{
        id: "data_1",
        slotId: "data",
        kind: "text",
        format: "txt",
        content: "hello",
        source: { type: "text" as const },
      }],
    },
    settings,
  };
}

Deno.test("account: credits, limits, rate-limit policy and key metadata", async () => {
  await using rig = await clientRig();
  const account = await rig.piq.account.get();
  assert.equal(account.object, "account");
  assert.equal(account.workspace.credits.available, 1_000_000);
  assert.equal(account.workspace.id, rig.sandbox.workspaceId);
  assert.equal(typeof account.limits.concurrent_jobs.max, "number");
  assert.equal(typeof account.limits.public_api_rate_limit.window_seconds, "number");
  assert.ok(rig.sandbox.apiKey.startsWith(`${account.api_key.prefix}_`));
  assert.ok(account.api_key.scopes.includes("jobs:write"));
  assert.ok(!JSON.stringify(account).includes(rig.sandbox.apiKey), "never the secret");
  await rig.piq.jobs.submit(propertiesRequest());
  assert.equal((await rig.piq.account.get()).workspace.credits.available, 999_999);
});

Deno.test("the job history follows next_cursor newest first; take(n) and per-tool filters", async () => {
  await using rig = await clientRig({ sandbox: { pace: PARKED } });
  for (let i = 0; i < 7; i++) await rig.piq.jobs.submit(propertiesRequest(`p${i}`));
  for (let i = 0; i < 2; i++) await rig.piq.jobs.submit(workload(`w${i}`, { seconds: 0 }));
  const names: string[] = [];
  for await (const job of rig.piq.jobs.list({ pageSize: 2 })) names.push(job.name);
  assert.deepEqual(names, ["w1", "w0", "p6", "p5", "p4", "p3", "p2", "p1", "p0"]);
  const pages = rig.requests(/\/api\/v1\/jobs$/, "GET");
  assert.equal(pages.length, 5);
  assert.equal(new URL("http://x" + pages[1].path).search, "");
  const three = await rig.piq.jobs.list().take(3);
  assert.deepEqual(three.map((job) => job.name), ["w1", "w0", "p6"]);
  assert.ok(
    typeof (three as unknown as Record<symbol, unknown>)[Symbol.for("Jupyter.display")] ===
      "function",
  );
  const properties = await rig.piq.jobs.list({ tool: "protein-properties" }).take(100);
  assert.equal(properties.length, 7);
  assert.ok(properties.every((job) => job.tool === "protein-properties"));
  const named = await rig.piq.jobs.list({ q: "w" }).take(100);
  assert.deepEqual(named.map((job) => job.name), ["w1", "w0"]);
  assert.deepEqual(await rig.piq.jobs.list().take(0), []);
});

/** A fetch that rewrites job-list pages (a sandbox never sends such pages; real servers have). */
function oddPages(
  rewrite: (page: Record<string, unknown>, call: number, url: URL) => Record<string, unknown>,
): (inner: typeof fetch) => typeof fetch {
  let call = 0;
  return (inner) => async (input, init) => {
    const response = await inner(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname !== "/api/v1/jobs" || (init?.method ?? "GET") !== "GET") return response;
    const page = rewrite(await response.json(), call++, url);
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    return Response.json(page, { status: response.status, headers });
  };
}

Deno.test("an empty page that says has_more is followed; items are never repeated", async () => {
  const rig = await clientRig({
    sandbox: { pace: PARKED },
    wrapFetch: oddPages((page, call) =>
      // The second page comes back empty (a server filtering it away) but with the cursor.
      call === 1 ? { ...page, data: [] } : page
    ),
  });
  await using _ = rig;
  for (let i = 0; i < 6; i++) await rig.piq.jobs.submit(propertiesRequest(`j${i}`));
  const seen = [];
  for await (const job of rig.piq.jobs.list({ pageSize: 2 })) seen.push(job.name);
  assert.deepEqual(seen, ["j5", "j4", "j1", "j0"], "the emptied page is skipped, not the rest");
  assert.equal(new Set(seen).size, seen.length);
});

Deno.test("a repeated cursor stops the listing with an error instead of looping", async () => {
  const rig = await clientRig({
    sandbox: { pace: PARKED },
    // From the second page on, the server hands back the cursor it was given.
    wrapFetch: oddPages((page, call, url) =>
      call >= 1 ? { ...page, next_cursor: url.searchParams.get("starting_after") } : page
    ),
  });
  await using _ = rig;
  for (let i = 0; i < 8; i++) await rig.piq.jobs.submit(propertiesRequest(`j${i}`));
  const seen: string[] = [];
  const error = await (async () => {
    for await (const job of rig.piq.jobs.list({ pageSize: 2 })) seen.push(job.name);
  })().then(() => undefined, (e) => e);
  assert.ok(error instanceof ResponseValidationError, String(error));
  assert.match(error.message, /cursor "job_\w+" twice; stopped instead of looping/);
  assert.ok(rig.requests(/\/api\/v1\/jobs$/, "GET").length <= 3);
  assert.equal(new Set(seen).size, seen.length, "no job delivered twice");
});

Deno.test("cancel returns job_cancellation and refunds; a running or finished job is a clear conflict", async () => {
  await using rig = await clientRig({ sandbox: { pace: PARKED } });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  const before = (await rig.piq.account.get()).workspace.credits.available;
  const cancellation = await job.cancel();
  assert.equal(cancellation.object, "job_cancellation");
  assert.equal(cancellation.refunded, true);
  assert.equal(cancellation.job.status, "CANCELLED");
  assert.equal(job.status, "CANCELLED", "the handle follows");
  assert.equal((await rig.piq.account.get()).workspace.credits.available, before + 1);

  const error = await rig.piq.jobs.cancel(job.id).then(() => undefined, (e) => e);
  assert.ok(error instanceof ConflictError, String(error));
  assert.equal(error.code, "conflict");
  assert.equal(error.status, 409);
  assert.equal(error.currentStatus, "CANCELLED");
  assert.equal(error.details?.current_status, "CANCELLED");
  assert.match(error.message, /only PENDING or QUEUED/);
});

Deno.test("retry runs a FAILED or TIMEOUT job again with the same inputs and settings", async () => {
  await using rig = await clientRig({
    sandbox: { settings: { toolTimeLimits: { "workload-simulator": 0.3 } } },
  });
  const failed = await rig.piq.jobs.submit(workload("will fail", { seconds: 0, fail: true }));
  await failed.wait();
  assert.equal(failed.status, "FAILED");
  const retried = await failed.retry();
  assert.notEqual(retried.id, failed.id);
  assert.deepEqual(retried.request, failed.request);
  const stored = (id: string) =>
    JSON.parse(
      String(rig.sandbox.context.db.get("SELECT request FROM jobs WHERE id = ?", id)?.request),
    );
  assert.deepEqual(stored(retried.id), stored(failed.id), "same inputs, settings and name");
  const twice = await failed.retry();
  assert.equal(twice.id, retried.id, "a re-run cell does not pay twice");
  const forced = await failed.retry({ idempotencyKey: "another-go", name: "second retry" });
  assert.notEqual(forced.id, retried.id);
  assert.equal(forced.name, "second retry");

  const slow = await rig.piq.jobs.submit(workload("too slow", { seconds: 5 }));
  await slow.wait();
  assert.equal(slow.status, "TIMEOUT");
  rig.sandbox.context.settings.toolTimeLimits = {};
  const rerun = await slow.retry({ name: "with time" });
  await rerun.wait();
  assert.equal(rerun.status, "COMPLETED", rerun.error ?? undefined);
});

Deno.test("duplicate runs a COMPLETED job again with changed settings or name; wrong states are refused", async () => {
  await using rig = await clientRig();
  const job = await rig.piq.jobs.submit({ ...propertiesRequest("pH 7"), settings: { ph: 7 } });
  await job.wait();
  await assert.rejects(
    job.retry(),
    (error: unknown) =>
      error instanceof JobStateError && error.status === "COMPLETED" &&
      /only FAILED or TIMEOUT jobs can be retried; use job.duplicate\(\)/.test(error.message),
  );
  const acidic = await job.duplicate({ name: "pH 5", settings: { ph: 5 } });
  await acidic.wait();
  assert.equal(acidic.name, "pH 5");
  assert.equal((await acidic.result()).records[0].ph, 5);
  const copy = await job.duplicate();
  assert.equal(copy.name, "pH 7 (copy)");
  assert.deepEqual(copy.request?.settings, { ph: 7 });
  const before = rig.requests(/\/api\/v1\/jobs$/, "POST").length;
  await assert.rejects(job.duplicate({ settings: { ph: 15 } }), /at most 14/);
  assert.equal(rig.requests(/\/api\/v1\/jobs$/, "POST").length, before, "checked before sending");

  const running = await rig.piq.jobs.submit(workload("running", { seconds: 2 }));
  await assert.rejects(
    running.duplicate(),
    (error: unknown) =>
      error instanceof JobStateError && /wait for it to end first/.test(error.message),
  );
  await assert.rejects(running.retry(), JobStateError);
  await running.cancel().catch(() => undefined);
  await running.wait();
});

Deno.test("handles know their payload across lookups; other sessions' jobs cannot be retried blindly", async () => {
  await using rig = await clientRig();
  const job = await rig.piq.jobs.submit(workload("fails", { seconds: 0, fail: true }));
  await job.wait();
  const found = await rig.piq.jobs.get(job.id);
  assert.deepEqual(found.request, job.request);
  const [listed] = await rig.piq.jobs.list().take(1);
  assert.deepEqual(listed.request, job.request);
  const otherSession = new ProteinIQ({
    apiKey: rig.sandbox.apiKey,
    baseUrl: rig.sandbox.url,
    display: false,
  });
  const foreign = await otherSession.jobs.get(job.id);
  assert.equal(foreign.request, undefined);
  await assert.rejects(
    foreign.retry(),
    (error: unknown) =>
      error instanceof JobStateError && /does not return a job's inputs/.test(error.message),
  );
});

Deno.test("openapi() returns the machine-readable contract without sending the key", async () => {
  await using rig = await clientRig();
  const spec = await rig.piq.openapi();
  assert.match(spec.openapi, /^3\./);
  for (
    const path of [
      "/api/v1/jobs",
      "/api/v1/jobs/{jobId}/events",
      "/api/v1/files/{fileId}",
      "/api/v1/account",
    ]
  ) {
    assert.ok(path in spec.paths, path);
  }
  const request = rig.requests(/openapi\.json$/)[0];
  assert.equal(request.headers.get("authorization"), null);
});
