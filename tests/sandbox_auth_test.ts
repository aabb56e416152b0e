/**
 * Workspaces and keys: isolation (another workspace's ids are 404, never 403), revoked and
 * malformed keys, scopes (including files:read for saved-file inputs), plan and workspace
 * state errors, and keys never echoed back.
 */
import assert from "node:assert/strict";
import { ROUTES } from "../lib/contract/routes.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import {
  caller,
  expectError,
  expectOk,
  proteins,
  textItem,
  waitFor,
  workload,
} from "./sandbox_helpers.ts";

Deno.test("a key sees only its workspace's jobs, files and results: others are 404 not_found", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const alice = caller(sandbox.url, sandbox.apiKey);
  const bobKey = sandbox.createWorkspace({ name: "Bob's lab" }).apiKey;
  const bob = caller(sandbox.url, bobKey);

  const job = expectOk(await alice("POST", "/api/v1/jobs", { body: proteins() }), ROUTES.submitJob);
  const queued = expectOk(
    await alice("POST", "/api/v1/jobs", { body: workload({ seconds: 5 }, { name: "long" }) }),
    ROUTES.submitJob,
  );
  await waitFor(alice, job.id);
  const file = expectOk(
    await alice("POST", "/api/v1/files", {
      body: { filename: "alice.txt", content: "secret data" },
    }),
    ROUTES.uploadFile,
  );

  const probes: [string, string][] = [
    ["GET", `/api/v1/jobs/${job.id}/status`],
    ["GET", `/api/v1/jobs/${job.id}/events`],
    ["GET", `/api/v1/results/${job.id}`],
    ["POST", `/api/v1/jobs/${queued.id}/cancel`],
    ["GET", `/api/v1/files/${file.id}`],
    ["DELETE", `/api/v1/files/${file.id}`],
  ];
  for (const [method, path] of probes) {
    expectError(await bob(method, path), 404, { code: "not_found", label: `${method} ${path}` });
    // The same answer as for an id that exists nowhere: nothing to probe.
    const nowhere = await bob(method, path.replace(/(job|file)_\w+/, "$1_doesnotexist"));
    assert.equal(nowhere.status, 404);
  }
  assert.deepEqual(expectOk(await bob("GET", "/api/v1/jobs"), ROUTES.listJobs).data, []);
  assert.deepEqual(expectOk(await bob("GET", "/api/v1/files"), ROUTES.listFiles).data, []);
  // A cursor from Alice's list means nothing in Bob's.
  const cursor = await bob("GET", `/api/v1/jobs?starting_after=${job.id}`);
  expectError(cursor, 400, { code: "validation_error" });

  // Referencing Alice's file from Bob's workspace: the file does not exist for Bob.
  const stolen = await bob("POST", "/api/v1/jobs", {
    body: workload({}, {
      input: {
        inputs: [{ ...textItem(), content: undefined, source: { type: "file", file_id: file.id } }],
      },
    }),
  });
  assert.match(
    expectError(stolen, 400, { code: "validation_error" }).error.message,
    /No saved file/,
  );

  // Alice's things are untouched.
  assert.equal((await alice("GET", `/api/v1/files/${file.id}`)).status, 200);
  assert.equal((await alice("GET", `/api/v1/jobs/${queued.id}/status`)).status, 200);
  await alice("POST", `/api/v1/jobs/${queued.id}/cancel`);
});

Deno.test("revoked, unknown and malformed keys are 401 and the key is never echoed", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const extra = sandbox.createApiKey(sandbox.workspaceId);
  const call = caller(sandbox.url, extra);
  assert.equal((await call("GET", "/api/v1/account")).status, 200);
  sandbox.revokeApiKey(extra);
  const secret = extra.split("_").at(-1)!;
  const cases: [string | null, Record<string, string>][] = [
    [extra, {}],
    [extra.slice(0, -4) + "AAAA", {}],
    ["pq_live_nokey_doesnotexist", {}],
    ["not-a-key", {}],
    [null, {}],
    [null, { Authorization: "Basic dXNlcjpwYXNz" }],
    [null, { Authorization: "Bearer" }],
    [null, { Authorization: `Bearer ${extra} extra` }],
  ];
  for (const [key, headers] of cases) {
    const answer = await call("GET", "/api/v1/jobs", { key, headers });
    expectError(answer, 401, { code: "unauthorized", label: `${key} ${JSON.stringify(headers)}` });
    assert.match(answer.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.ok(!JSON.stringify(answer.body).includes(secret), "the secret never comes back");
  }
  // The default key still works.
  assert.equal((await caller(sandbox.url, sandbox.apiKey)("GET", "/api/v1/jobs")).status, 200);
});

Deno.test("scopes: a valid key without the route's scope is 403 forbidden naming the scope", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const readOnly = caller(
    sandbox.url,
    sandbox.createApiKey(sandbox.workspaceId, { scopes: ["jobs:read"] }),
  );
  const writeOnly = caller(
    sandbox.url,
    sandbox.createApiKey(sandbox.workspaceId, { scopes: ["jobs:write"] }),
  );
  const jobsOnly = caller(
    sandbox.url,
    sandbox.createApiKey(sandbox.workspaceId, { scopes: ["jobs:read", "jobs:write"] }),
  );
  const filesRead = caller(
    sandbox.url,
    sandbox.createApiKey(sandbox.workspaceId, { scopes: ["files:read"] }),
  );
  const full = caller(sandbox.url, sandbox.apiKey);
  const job = expectOk(await full("POST", "/api/v1/jobs", { body: proteins() }), ROUTES.submitJob);
  const file = expectOk(
    await full("POST", "/api/v1/files", { body: { filename: "data.txt", content: "abc" } }),
    ROUTES.uploadFile,
  );

  const expectations: [ReturnType<typeof caller>, string, string, unknown, string][] = [
    [readOnly, "POST", "/api/v1/jobs", proteins(), "jobs:write"],
    [readOnly, "POST", `/api/v1/jobs/${job.id}/cancel`, undefined, "jobs:write"],
    [readOnly, "GET", "/api/v1/files", undefined, "files:read"],
    [writeOnly, "GET", "/api/v1/account", undefined, "jobs:read"],
    [writeOnly, "GET", `/api/v1/jobs/${job.id}/status`, undefined, "jobs:read"],
    [writeOnly, "GET", `/api/v1/jobs/${job.id}/events`, undefined, "jobs:read"],
    [writeOnly, "GET", `/api/v1/results/${job.id}`, undefined, "jobs:read"],
    [jobsOnly, "POST", "/api/v1/files", { filename: "x.txt", content: "x" }, "files:write"],
    [jobsOnly, "DELETE", `/api/v1/files/${file.id}`, undefined, "files:write"],
    [filesRead, "POST", "/api/v1/files", { filename: "x.txt", content: "x" }, "files:write"],
  ];
  for (const [call, method, path, body, scope] of expectations) {
    const refused = expectError(await call(method, path, { body }), 403, {
      code: "forbidden",
      label: `${method} ${path} needs ${scope}`,
    });
    assert.equal(refused.error.details?.required_scope, scope);
  }
  assert.equal((await readOnly("GET", `/api/v1/jobs/${job.id}/status`)).status, 200);
  assert.equal((await filesRead("GET", `/api/v1/files/${file.id}`)).status, 200);

  // Referencing a saved file in job inputs is a files:read action, on quote and submit alike.
  const byFile = workload({}, {
    input: {
      inputs: [{ ...textItem(), content: undefined, source: { type: "file", file_id: file.id } }],
    },
  });
  const { name: _name, ...quoteBody } = byFile;
  for (
    const [path, body] of [["/api/v1/jobs", byFile], ["/api/v1/jobs/quote", quoteBody]] as const
  ) {
    const refused = expectError(await jobsOnly("POST", path, { body }), 403, { label: path });
    assert.equal(refused.error.details?.required_scope, "files:read");
  }
  assert.equal((await full("POST", "/api/v1/jobs/quote", { body: quoteBody })).status, 200);
  const before = Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM jobs")?.n);
  assert.equal(before, 1, "no job was created by a refused request");
});

Deno.test("a workspace without a paid plan is 402 paid_plan_required; a deleted one 404 team_not_found", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const { workspace, apiKey } = sandbox.createWorkspace({ name: "Lapsed" });
  const call = caller(sandbox.url, apiKey);
  assert.equal((await call("GET", "/api/v1/account")).status, 200);
  sandbox.updateWorkspace(workspace.id, { paid: false });
  expectError(await call("GET", "/api/v1/account"), 402, { code: "paid_plan_required" });
  sandbox.updateWorkspace(workspace.id, { paid: true });
  sandbox.context.db.run(
    "UPDATE workspaces SET deleted_at = ? WHERE id = ?",
    new Date().toISOString(),
    workspace.id,
  );
  expectError(await call("GET", "/api/v1/jobs"), 404, { code: "team_not_found" });
});

Deno.test("account reports the key's metadata and the workspace's live limits", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { credits: 321, maxConcurrentJobs: 2, dailyJobLimit: 7, rateLimit: 90 },
  });
  const scoped = sandbox.createApiKey(sandbox.workspaceId, { scopes: ["jobs:read", "jobs:write"] });
  const call = caller(sandbox.url, scoped);
  const running = expectOk(
    await call("POST", "/api/v1/jobs", { body: workload({ seconds: 2 }) }),
    ROUTES.submitJob,
  );
  await waitFor(call, running.id, ["PROCESSING"]);
  const answer = await call("GET", "/api/v1/account");
  const account = expectOk(answer, ROUTES.account);
  assert.equal(account.object, "account");
  assert.equal(account.workspace.id, sandbox.workspaceId);
  assert.equal(account.workspace.credits.available, 321 - 10, "the reservation is held");
  assert.deepEqual(account.limits.concurrent_jobs, { max: 2, remaining: 1 });
  assert.equal(account.limits.active_jobs, 1);
  assert.deepEqual(account.limits.daily_jobs, { used: 1, max: 7 });
  assert.deepEqual(account.limits.public_api_rate_limit, { limit: 90, window_seconds: 60 });
  assert.deepEqual(account.api_key.scopes, ["jobs:read", "jobs:write"]);
  assert.equal(account.api_key.env, "LIVE");
  assert.equal(account.api_key.prefix, scoped.split("_").slice(0, 3).join("_"));
  assert.ok(!JSON.stringify(answer.body).includes(scoped.split("_").at(-1)!));
  await waitFor(call, running.id);
});
