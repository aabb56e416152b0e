/**
 * The pipeline sandbox over real HTTP on loopback: routes, lifecycle and timestamps, orgs and
 * tokens, idempotency, durability, and the errors a client's mistakes get (never a 500).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type PipelineSandbox, startPipelineSandbox } from "../lib/pipeline/sandbox.ts";
import { PipelineErrorBody, PipelineJob, PipelineJobResults } from "../lib/pipeline/contract.ts";

const QUICK = {
  pendingMs: 40,
  runMs: { humanization: 80, structure: 240, stability: 120, immunogenicity: 160 },
  spread: 0,
};

function api(sandbox: PipelineSandbox, token = sandbox.token) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: text ? JSON.parse(text) : null,
    };
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("pipeline jobs run pending → running → completed with per-job-type durations", async () => {
  await using sandbox = await startPipelineSandbox({ pace: QUICK });
  const call = api(sandbox);
  const variant = sandbox.variants()[0];
  const submitted = await call("POST", "/v1/jobs", {
    variant_id: variant.id,
    job_type: "structure",
  });
  assert.equal(submitted.status, 202);
  const job = PipelineJob.parse(submitted.json);
  assert.equal(job.status, "pending");
  assert.equal(job.variant_id, variant.id);
  assert.equal(job.started_at, null);
  assert.equal(job.completed_at, null);
  assert.equal(job.error_message, null);
  assert.match(job.created_at, /\+00:00$/, "timestamps as the vendor writes them");
  assert.equal(submitted.headers.get("location"), `/v1/jobs/${job.id}`);

  await sleep(60);
  const running = PipelineJob.parse((await call("GET", `/v1/jobs/${job.id}`)).json);
  assert.equal(running.status, "running");
  assert.ok(running.started_at);
  const early = await call("GET", `/v1/jobs/${job.id}/results`);
  assert.equal(early.status, 409);
  assert.match(early.json.detail, /running/);
  assert.ok(Number(early.headers.get("retry-after")) >= 1);

  await sleep(300);
  const done = PipelineJob.parse((await call("GET", `/v1/jobs/${job.id}`)).json);
  assert.equal(done.status, "completed");
  const created = Date.parse(done.created_at);
  const started = Date.parse(done.started_at!);
  const completed = Date.parse(done.completed_at!);
  assert.equal(
    started - created,
    QUICK.pendingMs,
    "started_at is when the clock said, not when read",
  );
  assert.equal(completed - started, QUICK.runMs.structure);
  const results = PipelineJobResults.parse((await call("GET", `/v1/jobs/${job.id}/results`)).json);
  assert.equal(results.job_type, "structure");
  assert.equal(results.results.length, variant.sequence.length);
  assert.ok(Number(results.results.helix_fraction) > 0);
});

Deno.test("a variant the pipelines cannot process fails with an error_message, and its results answer 409", async () => {
  await using sandbox = await startPipelineSandbox({ pace: QUICK });
  const call = api(sandbox);
  const ambiguous = sandbox.variants().find((variant) => variant.sequence.includes("X"))!;
  const job =
    (await call("POST", "/v1/jobs", { variant_id: ambiguous.id, job_type: "stability" })).json;
  await sleep(250);
  const failed = PipelineJob.parse((await call("GET", `/v1/jobs/${job.id}`)).json);
  assert.equal(failed.status, "failed");
  assert.match(failed.error_message!, /unsupported residue "X" at position \d+/);
  assert.ok(failed.completed_at);
  const results = await call("GET", `/v1/jobs/${job.id}/results`);
  assert.equal(results.status, 409);
  assert.match(results.json.detail, /failed and has no results/);
});

Deno.test("orgs own their variants and jobs: another org's ids answer 404, like unknown ones", async () => {
  await using sandbox = await startPipelineSandbox({ pace: QUICK });
  const other = sandbox.createOrg({
    name: "Other lab",
    variants: [{ name: "theirs", sequence: "MKTAYIAKQRQISFVKSHFSRQ" }],
  });
  const mine = api(sandbox);
  const theirs = api(sandbox, other.token);
  const theirVariant = other.variants[0].id;
  const refused = await mine("POST", "/v1/jobs", {
    variant_id: theirVariant,
    job_type: "humanization",
  });
  assert.equal(refused.status, 404);
  assert.equal(refused.json.detail, `Variant ${theirVariant} not found`);
  const unknown = crypto.randomUUID();
  const missing = await mine("POST", "/v1/jobs", { variant_id: unknown, job_type: "humanization" });
  assert.equal(missing.status, 404);
  assert.equal(
    missing.json.detail,
    `Variant ${unknown} not found`,
    "the same answer: ids cannot be probed",
  );
  const theirJob =
    (await theirs("POST", "/v1/jobs", { variant_id: theirVariant, job_type: "stability" })).json;
  assert.equal((await mine("GET", `/v1/jobs/${theirJob.id}`)).status, 404);
  assert.equal((await mine("GET", `/v1/jobs/${theirJob.id}/results`)).status, 404);
  assert.equal((await theirs("GET", `/v1/jobs/${theirJob.id}`)).status, 200);
  assert.deepEqual(
    (await theirs("GET", "/v1/variants")).json.data.map((v: { id: string }) => v.id),
    [theirVariant],
  );
  assert.equal((await mine("GET", `/v1/variants/${theirVariant}`)).status, 404);
});

Deno.test("client mistakes get FastAPI-shaped 4xx errors, never a 500", async () => {
  await using sandbox = await startPipelineSandbox({ pace: QUICK, rateLimit: 1000 });
  const call = api(sandbox);
  const variant = sandbox.variants()[0].id;
  const cases: [string, string, unknown, number, (json: { detail: unknown }) => void][] = [
    ["POST", "/v1/jobs", { variant_id: variant, job_type: "codon_export" }, 422, (json) => {
      const [problem] = json.detail as { loc: string[]; type: string; msg: string }[];
      assert.deepEqual(problem.loc, ["body", "job_type"]);
      assert.equal(problem.type, "enum");
      assert.match(problem.msg, /'humanization', 'structure', 'stability' or 'immunogenicity'/);
    }],
    [
      "POST",
      "/v1/jobs",
      { variant_id: "11112222-3333-4444-5555-66667777888", job_type: "structure" },
      422,
      (json) => {
        const [problem] = json.detail as { loc: string[]; type: string }[];
        assert.deepEqual(problem.loc, ["body", "variant_id"]);
        assert.equal(problem.type, "uuid_parsing");
      },
    ],
    ["POST", "/v1/jobs", { job_type: "structure" }, 422, (json) => {
      assert.deepEqual(json.detail, [{
        loc: ["body", "variant_id"],
        msg: "Field required",
        type: "missing",
      }]);
    }],
    [
      "POST",
      "/v1/jobs",
      { variant_id: variant, job_type: "structure", priority: 1 },
      422,
      (json) => {
        assert.equal((json.detail as { type: string }[])[0].type, "extra_forbidden");
      },
    ],
    ["POST", "/v1/jobs", "{not json", 422, (json) => {
      assert.equal((json.detail as { type: string }[])[0].type, "json_invalid");
    }],
    ["POST", "/v1/jobs", "[1,2]", 422, (json) => {
      assert.equal((json.detail as { type: string }[])[0].type, "model_attributes_type");
    }],
    ["POST", "/v1/jobs", "", 422, () => {}],
    ["POST", "/v1/jobs", "null", 422, () => {}],
    ["POST", "/v1/jobs", { variant_id: 42, job_type: null }, 422, () => {}],
    [
      "POST",
      "/v1/jobs",
      "x".repeat(70_000),
      413,
      (json) => assert.equal(json.detail, "Request body too large"),
    ],
    ["GET", "/v1/jobs/not-a-uuid", undefined, 422, (json) => {
      assert.deepEqual((json.detail as { loc: string[] }[])[0].loc, ["path", "job_id"]);
    }],
    ["GET", "/v1/jobs/not-a-uuid/results", undefined, 422, () => {}],
    ["GET", "/v1/variants/%00%2F..", undefined, 422, () => {}],
    [
      "GET",
      `/v1/jobs/${crypto.randomUUID()}`,
      undefined,
      404,
      (json) => assert.match(String(json.detail), /not found/),
    ],
    [
      "DELETE",
      "/v1/jobs",
      undefined,
      405,
      (json) => assert.equal(json.detail, "Method Not Allowed"),
    ],
    ["PUT", `/v1/jobs/${crypto.randomUUID()}`, undefined, 405, () => {}],
    ["GET", "/v1/pipelines", undefined, 404, (json) => assert.equal(json.detail, "Not Found")],
    ["GET", "/", undefined, 404, () => {}],
  ];
  for (const [method, path, body, status, check] of cases) {
    const answer = await call(method, path, body);
    assert.equal(
      answer.status,
      status,
      `${method} ${path.slice(0, 60)} → ${answer.status} ${JSON.stringify(answer.json)}`,
    );
    assert.ok(
      PipelineErrorBody.safeParse(answer.json).success,
      `${method} ${path}: a {detail} body`,
    );
    check(answer.json);
  }
  const wrongMethod = await call("DELETE", "/v1/jobs");
  assert.equal(wrongMethod.headers.get("allow"), "POST");
});

Deno.test("tokens: missing, unknown and revoked tokens answer 401 with WWW-Authenticate", async () => {
  await using sandbox = await startPipelineSandbox({ pace: QUICK });
  const none = await fetch(`${sandbox.url}/v1/variants`);
  assert.equal(none.status, 401);
  assert.equal(none.headers.get("www-authenticate"), "Bearer");
  assert.deepEqual(await none.json(), { detail: "Not authenticated" });
  const unknown = await api(sandbox, "plt_not_a_real_token")("GET", "/v1/variants");
  assert.equal(unknown.status, 401);
  assert.ok(
    !JSON.stringify(unknown.json).includes("plt_not_a_real_token"),
    "the token is never echoed",
  );
  const other = sandbox.createOrg();
  assert.equal((await api(sandbox, other.token)("GET", "/v1/variants")).status, 200);
  sandbox.revokeToken(other.token);
  assert.equal((await api(sandbox, other.token)("GET", "/v1/variants")).status, 401);
});

Deno.test("Idempotency-Key: the same key and body return the first job; another body is a 409", async () => {
  await using sandbox = await startPipelineSandbox({ pace: QUICK });
  const call = api(sandbox);
  const [first, second] = sandbox.variants();
  const body = { variant_id: first.id, job_type: "humanization" };
  const a = await call("POST", "/v1/jobs", body, { "Idempotency-Key": "k-1" });
  const b = await call("POST", "/v1/jobs", body, { "Idempotency-Key": "k-1" });
  assert.equal(a.json.id, b.json.id);
  assert.equal(b.headers.get("idempotent-replayed"), "true");
  const conflict = await call("POST", "/v1/jobs", { ...body, variant_id: second.id }, {
    "Idempotency-Key": "k-1",
  });
  assert.equal(conflict.status, 409);
  const fresh = await call("POST", "/v1/jobs", body);
  assert.notEqual(fresh.json.id, a.json.id, "without a key every POST is a new job");
  assert.equal(sandbox.store.allJobs().length, 2);
});

Deno.test("the per-token rate limit answers 429 with Retry-After", async () => {
  await using sandbox = await startPipelineSandbox({
    pace: QUICK,
    rateLimit: 3,
    rateWindowSeconds: 2,
  });
  const call = api(sandbox);
  for (let index = 0; index < 3; index++) {
    assert.equal((await call("GET", "/v1/variants")).status, 200);
  }
  const limited = await call("GET", "/v1/variants");
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  assert.equal(limited.headers.get("x-ratelimit-remaining"), "0");
});

Deno.test("jobs survive the sandbox stopping: reopened on the same file they are where their clock says", async () => {
  const dir = await Deno.makeTempDir();
  const database = join(dir, "pipeline.sqlite");
  let jobId: string;
  let token: string;
  {
    await using sandbox = await startPipelineSandbox({ database, pace: QUICK });
    token = sandbox.token;
    jobId = (await api(sandbox)("POST", "/v1/jobs", {
      variant_id: sandbox.variants()[1].id,
      job_type: "immunogenicity",
    })).json.id;
  }
  await sleep(250);
  await using reopened = await startPipelineSandbox({ database, pace: QUICK });
  assert.equal(reopened.token, token, "the default org and its token are kept");
  const job = PipelineJob.parse((await api(reopened)("GET", `/v1/jobs/${jobId}`)).json);
  assert.equal(job.status, "completed");
  assert.equal(
    Date.parse(job.completed_at!) - Date.parse(job.started_at!),
    QUICK.runMs.immunogenicity,
  );
  await Deno.remove(dir, { recursive: true });
});
