/**
 * The pipeline client against the pipeline sandbox on loopback: typed errors, checks before
 * sending, secrets, waiting on the documented per-job-type cadence (never faster for one
 * job), unknown statuses, `connectPipeline()`, and batches over pipeline jobs.
 */
import assert from "node:assert/strict";
import { PipelineClient } from "../lib/pipeline/client.ts";
import { connectPipeline } from "../lib/pipeline/connect.ts";
import { startPipelineSandbox } from "../lib/pipeline/sandbox.ts";
import type { PollSchedule } from "../lib/client/_wait.ts";
import {
  AuthenticationError,
  ConfigurationError,
  InvalidRequestError,
  NotFoundError,
  TimeoutError,
  UnknownStatusError,
  ValidationError,
} from "../lib/client/errors.ts";
import { PIPELINE_ROUTES, PipelineJob } from "../lib/pipeline/contract.ts";
import { runBatch } from "../lib/batch/batch.ts";

const QUICK = {
  pendingMs: 30,
  runMs: { humanization: 300, structure: 700, stability: 150, immunogenicity: 150 },
  spread: 0,
};

const every = (ms: number): PollSchedule => ({
  delaysMs: [ms],
  jitterRatio: 0.2,
  minIntervalMs: ms,
});

/** A fetch that records every request (time, method, path) before sending it. */
function recorder() {
  const log: { at: number; method: string; path: string }[] = [];
  const fetcher: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    log.push({ at: performance.now(), method: init?.method ?? "GET", path: url.pathname });
    return fetch(input, init);
  };
  return { log, fetch: fetcher };
}

Deno.test("mistakes are refused before sending; server errors become typed errors without the token", async () => {
  await using sandbox = await startPipelineSandbox({ pace: QUICK });
  const { log, fetch } = recorder();
  const pipe = new PipelineClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    fetch,
    display: false,
  });
  const variant = sandbox.variants()[0];
  await assert.rejects(
    pipe.jobs.submit({ variant_id: "11112222-3333", job_type: "structure" }),
    (error: InvalidRequestError) =>
      error instanceof InvalidRequestError && /variant_id/.test(error.message),
  );
  await assert.rejects(
    pipe.jobs.submit({ variant_id: variant.id, job_type: "folding" as "structure" }),
    (error: InvalidRequestError) => /job_type: Input should be 'humanization'/.test(error.message),
  );
  assert.equal(log.length, 0, "nothing was sent");

  const other = sandbox.createOrg({ variants: [{ name: "theirs", sequence: "MKTAYIAKQR" }] });
  await assert.rejects(
    pipe.jobs.submit({ variant_id: other.variants[0].id, job_type: "structure" }),
    (error: NotFoundError) =>
      error instanceof NotFoundError && error.status === 404 &&
      error.message.includes(other.variants[0].id),
  );
  // What the server says about a body that got past no client check.
  await assert.rejects(
    pipe.http.call(PIPELINE_ROUTES.submitJob, PipelineJob, {
      body: { variant_id: variant.id, job_type: "folding" },
    }),
    (error: ValidationError) =>
      error instanceof ValidationError && error.status === 422 &&
      error.issues[0].path === "body.job_type" && /'immunogenicity'/.test(error.issues[0].message),
  );
  const wrong = new PipelineClient({
    baseUrl: sandbox.url,
    token: "plt_wrong_token_value",
    display: false,
  });
  await assert.rejects(wrong.variants.list(), (error: AuthenticationError) => {
    assert.ok(error instanceof AuthenticationError);
    assert.ok(!error.message.includes("plt_wrong_token_value"));
    assert.match(error.message, /PIPELINE_API_TOKEN/);
    return true;
  });
  for (
    const shown of [String(pipe), Deno.inspect(pipe), JSON.stringify(pipe), Deno.inspect(pipe.http)]
  ) {
    assert.ok(!shown.includes(sandbox.token), `token leaked in ${shown}`);
  }
});

Deno.test("wait() polls each job on its type's cadence, never faster, and handles failures", async () => {
  await using sandbox = await startPipelineSandbox({ pace: QUICK });
  const { log, fetch } = recorder();
  const pipe = new PipelineClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    fetch,
    display: false,
    polling: {
      humanization: every(60),
      structure: every(200),
      stability: every(200),
      immunogenicity: every(200),
    },
  });
  const variants = await pipe.variants.list();
  const jobs = await pipe.jobs.submitAll(variants[0].id);
  const ambiguous = await pipe.jobs.submit({
    variant_id: variants.find((variant) => variant.name.includes("ambiguous"))!.id,
    job_type: "stability",
  });
  await pipe.jobs.waitAll([...jobs, ambiguous], { display: false });
  assert.deepEqual(jobs.map((job) => job.status), [
    "completed",
    "completed",
    "completed",
    "completed",
  ]);
  assert.equal(ambiguous.status, "failed");
  assert.match(ambiguous.error_message!, /unsupported residue/);
  for (const job of [...jobs, ambiguous]) {
    const polls = log.filter((entry) => entry.path === `/v1/jobs/${job.id}`).map((entry) =>
      entry.at
    );
    const floor = job.job_type === "humanization" ? 60 : 200;
    for (let index = 1; index < polls.length; index++) {
      assert.ok(
        polls[index] - polls[index - 1] >= floor - 5,
        `${job.job_type} polled ${polls[index] - polls[index - 1]} ms apart`,
      );
    }
    const runMs = QUICK.pendingMs + QUICK.runMs[job.job_type as keyof typeof QUICK.runMs];
    assert.ok(
      polls.length <= Math.ceil(runMs / floor) + 2,
      `${job.job_type}: ${polls.length} polls`,
    );
  }
  const results = await jobs[0].results();
  assert.equal(results.job_type, "humanization");
  assert.equal(results.results.closest_germline, "IGHV3-23");
});

Deno.test("a status the client does not know stops the wait with a clear error; deadlines hold", async () => {
  await using sandbox = await startPipelineSandbox({ pace: { ...QUICK, pendingMs: 5000 } });
  const queued: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if ((init?.method ?? "GET") !== "GET" || !/\/v1\/jobs\//.test(String(input))) return response;
    const body = await response.json();
    return Response.json({ ...body, status: "queued" }, { status: response.status });
  };
  const pipe = new PipelineClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    fetch: queued,
    display: false,
    polling: { structure: every(30) },
  });
  const job = await pipe.jobs.submit({
    variant_id: sandbox.variants()[0].id,
    job_type: "structure",
  });
  await assert.rejects(
    job.wait(),
    (error: UnknownStatusError) => error instanceof UnknownStatusError && error.status === "queued",
  );

  const plain = new PipelineClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    display: false,
    polling: { structure: every(30) },
  });
  const slow = await plain.jobs.submit({
    variant_id: sandbox.variants()[0].id,
    job_type: "structure",
  });
  await assert.rejects(
    slow.wait({ timeoutMs: 150 }),
    (error: TimeoutError) => error instanceof TimeoutError && /keeps running/.test(error.message),
  );
});

Deno.test("connectPipeline: the embedded sandbox when nothing is configured, clear errors when half is", async () => {
  await using pipe = await connectPipeline({
    sandbox: { pace: QUICK },
    quiet: true,
    display: false,
  });
  assert.equal((await pipe.variants.list()).length, 4);
  await assert.rejects(
    connectPipeline({ token: "plt_abc", sandbox: false }),
    (error: ConfigurationError) =>
      error instanceof ConfigurationError && /PIPELINE_API_URL/.test(error.message),
  );
  await assert.rejects(
    connectPipeline({ baseUrl: "https://api.example.com", sandbox: false }),
    (error: ConfigurationError) =>
      error instanceof ConfigurationError && /PIPELINE_API_TOKEN/.test(error.message),
  );
});

Deno.test("a batch runs over pipeline jobs: live rows, failures with their message, one table, group retry", async () => {
  await using sandbox = await startPipelineSandbox({ pace: QUICK });
  const pipe = new PipelineClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    display: false,
    polling: {
      humanization: every(40),
      structure: every(40),
      stability: every(40),
      immunogenicity: every(40),
    },
  });
  const variants = await pipe.variants.list();
  const items = variants.flatMap((variant) =>
    (["stability", "immunogenicity"] as const).map((jobType) => ({
      key: `${variant.name} / ${jobType}`,
      payload: { variant_id: variant.id, job_type: jobType },
    }))
  );
  const batch = await runBatch(pipe.adapter, items, {
    name: "pipeline batch",
    manifest: false,
    concurrency: 2,
    quiet: true,
  });
  await batch.wait({ display: false });
  assert.equal(batch.summary.completed, 6);
  assert.equal(batch.summary.failed, 2);
  const rows = await batch.results();
  assert.equal(rows.length, 8);
  const failed = rows.filter((row) => row.status === "failed");
  assert.ok(failed.every((row) => /unsupported residue/.test(String(row.error))));
  const stable = rows.find((row) => row.key === "trastuzumab VH / stability")!;
  assert.equal(stable.stable, true);
  assert.equal(typeof stable.instability_index, "number");
  // Overlap of jobs never passed the batch's concurrency.
  const spans = sandbox.store.allJobs().map((
    job,
  ) => [Date.parse(job.created_at), Date.parse(job.completed_at!)]);
  for (const [start] of spans) {
    const open = spans.filter(([s, e]) => s <= start && e > start).length;
    assert.ok(open <= 2, `${open} jobs in flight at once`);
  }
  const before = sandbox.store.allJobs().length;
  await batch.retryFailed({ display: false });
  assert.equal(sandbox.store.allJobs().length, before + 2, "only the failed items ran again");
  assert.equal(batch.items.filter((item) => item.attempt === 2).length, 2);
});
