/**
 * Errors: every documented error family becomes its own class carrying `code`, `message`,
 * `details`, the HTTP status and the request id, with a message that says what to do next —
 * produced by the real sandbox, not by fixtures.
 */
import assert from "node:assert/strict";
import { clientRig, propertiesRequest } from "./_client_support.ts";
import { ProteinIQ } from "../lib/client/client.ts";
import {
  type APIError,
  AuthenticationError,
  ConflictError,
  InsufficientCreditsError,
  InvalidRequestError,
  JobNotCompletedError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  ValidationError,
} from "../lib/client/errors.ts";

const PARKED = { pendingMs: 3_600_000, queuedMs: 0, minProcessingMs: 0, retryDelayMs: 0 };

/** The error `promise` rejects with, checked to be an APIError with the common fields. */
async function apiError<E extends APIError>(
  promise: Promise<unknown>,
  kind: new (...args: never[]) => E,
  code: string,
  status: number,
): Promise<E> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof kind, `expected ${kind.name}, got ${error}`);
  assert.equal(error.code, code);
  assert.equal(error.status, status);
  assert.match(error.requestId ?? "", /^req_/, "the server's request id is kept");
  assert.ok(error.serverMessage.length > 0);
  assert.equal(error.name, kind.name);
  return error;
}

Deno.test("401 unauthorized: a revoked or unknown key", async () => {
  await using rig = await clientRig();
  const key = rig.sandbox.createApiKey(rig.sandbox.workspaceId);
  rig.sandbox.revokeApiKey(key);
  const revoked = new ProteinIQ({ apiKey: key, baseUrl: rig.sandbox.url, display: false });
  const error = await apiError(revoked.account.get(), AuthenticationError, "unauthorized", 401);
  assert.match(error.message, /Check PROTEINIQ_API_KEY/);
  const unknown = new ProteinIQ({
    apiKey: "pq_live_nosuchkey_abcdefghijkl",
    baseUrl: rig.sandbox.url,
    display: false,
  });
  await apiError(unknown.account.get(), AuthenticationError, "unauthorized", 401);
});

Deno.test("403 forbidden: a key without the scope; another workspace's job is 404, never 403", async () => {
  await using rig = await clientRig({ sandbox: { pace: PARKED } });
  const readOnly = rig.sandbox.createApiKey(rig.sandbox.workspaceId, { scopes: ["jobs:read"] });
  const reader = new ProteinIQ({ apiKey: readOnly, baseUrl: rig.sandbox.url, display: false });
  const error = await apiError(
    reader.jobs.submit(propertiesRequest()),
    PermissionError,
    "forbidden",
    403,
  );
  assert.equal(error.details?.required_scope, "jobs:write");
  const job = await rig.piq.jobs.submit(propertiesRequest());
  const { apiKey } = rig.sandbox.createWorkspace();
  const stranger = new ProteinIQ({ apiKey, baseUrl: rig.sandbox.url, display: false });
  await apiError(stranger.jobs.get(job.id), NotFoundError, "not_found", 404);
  await apiError(stranger.jobs.cancel(job.id), NotFoundError, "not_found", 404);
  await apiError(stranger.results.get(job.id), NotFoundError, "not_found", 404);
});

Deno.test("400 validation_error carries each issue and says not to resend unchanged", async () => {
  await using rig = await clientRig();
  const error = await apiError(
    rig.piq.jobs.submit({ ...propertiesRequest(), settings: { ph: 99 } }, { validate: false }),
    ValidationError,
    "validation_error",
    400,
  );
  assert.ok(error.issues.some((issue) => issue.path === "settings.ph"));
  assert.match(error.message, /Fix the request; sending it unchanged will fail again/);
  assert.equal(rig.jobCount(), 0);
});

Deno.test("402: insufficient credits, daily limit and active-job limit, each with advice", async () => {
  await using rig = await clientRig({ sandbox: { pace: PARKED } });
  rig.sandbox.updateWorkspace(rig.sandbox.workspaceId, { credits: 0 });
  const credits = await apiError(
    rig.piq.jobs.submit(propertiesRequest()),
    InsufficientCreditsError,
    "insufficient_credits",
    402,
  );
  assert.match(credits.message, /Top up the workspace's credits/);
  rig.sandbox.updateWorkspace(rig.sandbox.workspaceId, { credits: 100, dailyJobLimit: 1 });
  await rig.piq.jobs.submit(propertiesRequest("first"));
  const daily = await apiError(
    rig.piq.jobs.submit(propertiesRequest("second")),
    InsufficientCreditsError,
    "daily_limit_exceeded",
    402,
  );
  assert.match(daily.message, /daily job limit resets/);
  rig.sandbox.updateWorkspace(rig.sandbox.workspaceId, { dailyJobLimit: null, maxActiveJobs: 1 });
  const active = await apiError(
    rig.piq.jobs.submit(propertiesRequest("third")),
    InsufficientCreditsError,
    "concurrent_job_limit_exceeded",
    402,
  );
  assert.match(active.message, /Wait for an active job to finish/);
  assert.equal(rig.jobCount(), 1);
});

Deno.test("409: conflict with current_status, and job_not_completed with Retry-After", async () => {
  await using rig = await clientRig({
    sandbox: { pace: { pendingMs: 300, queuedMs: 0, minProcessingMs: 0, retryDelayMs: 0 } },
  });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  const early = await apiError(job.result(), JobNotCompletedError, "job_not_completed", 409);
  assert.ok(early instanceof ConflictError, "job_not_completed is a conflict too");
  assert.equal(early.retryAfterSeconds, 5);
  assert.equal(early.currentStatus, "PENDING");
  assert.match(early.message, /job\.wait\(\)/);
  await job.wait();
  const late = await apiError(job.cancel(), ConflictError, "conflict", 409);
  assert.equal(late.currentStatus, "COMPLETED");
});

Deno.test("429 rate_limited carries Retry-After and says when to retry", async () => {
  await using rig = await clientRig({
    sandbox: { workspace: { rateLimit: 3, rateWindowSeconds: 60, credits: 100 } },
    client: { maxRetries: 0 },
  });
  for (let i = 0; i < 3; i++) await rig.piq.account.get();
  const error = await apiError(rig.piq.account.get(), RateLimitError, "rate_limited", 429);
  assert.ok((error.retryAfterSeconds ?? 0) > 0);
  assert.match(error.message, /Retry after \d+(\.\d+)? s/);
});

Deno.test("5xx internal_error: a ServerError that says resubmitting with the same key is safe", async () => {
  await using rig = await clientRig({ client: { maxRetries: 0 } });
  rig.sandbox.setFaults({ errorRate: 1, errorStatuses: [500] });
  const error = await apiError(rig.piq.account.get(), ServerError, "internal_error", 500);
  assert.match(
    error.message,
    /Retry later; job submissions are safe to retry with the same Idempotency-Key/,
  );
  rig.sandbox.setFaults({ errorRate: 1, errorStatuses: [502] });
  await apiError(rig.piq.account.get(), ServerError, "internal_error", 502);
});

Deno.test("a request that breaks the wire contract is refused before sending", async () => {
  await using rig = await clientRig();
  const { name: _name, ...nameless } = propertiesRequest();
  const error = await rig.piq.jobs.submit(nameless as never).then(() => undefined, (e) => e);
  assert.ok(error instanceof InvalidRequestError);
  assert.equal(error.issues[0].path, "name");
  assert.match(error.message, /nothing was sent, no credits spent/);
  assert.equal(rig.sent.length, 0);
});
