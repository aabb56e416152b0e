/**
 * Cost per request against the size of a workspace's history: quote, submit and account
 * latency in a workspace holding N jobs (default 50 000) against one holding 100, measured
 * side by side in one sandbox, request by request alternating between the two workspaces so
 * load from anything else on the machine hits both alike. Goal: each ratio ≤ 1.3.
 *
 * The jobs are seeded straight into the database (copies of one real job, created today, so
 * they count toward the daily limit), then the sandbox restarts on the file so it starts from
 * them as it would from a long-lived classroom database. It also prints the query plans of
 * the limit counts.
 *
 * Run: `deno run -A bench/sandbox_scale_bench.ts` (about 30 s). Options: `--jobs N` jobs in
 * the big workspace (default 50000), `--rounds N` requests per operation and side (default 300).
 * @module
 */
import { startSandbox } from "../lib/sandbox/mod.ts";
import type { Database } from "../lib/_sqlite.ts";
import { median, option, percentile } from "./_stats.ts";
import { propertiesRequest } from "../tests/_client_support.ts";
import { LYSOZYME_FASTA } from "./_sandbox_process.ts";

const JOBS = option("jobs", 50_000);
const SMALL = 100;
const ROUNDS = option("rounds", 300);

const WORKSPACE = {
  credits: 1e12,
  rateLimit: 1e9,
  dailyJobLimit: 1e9,
  maxActiveJobs: 1e6,
  maxConcurrentJobs: 4,
};

const SUBMISSION = propertiesRequest("scale", LYSOZYME_FASTA);
const QUOTE = { tool: SUBMISSION.tool, input: SUBMISSION.input };

async function call(url: string, key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as { id?: string };
}

/** `count - 1` copies of the workspace's one job, created today. */
function seed(db: Database, workspaceId: string, count: number): void {
  db.transaction(() => {
    db.run(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO jobs (id, workspace_id, api_key_id, tool, name, status, progress, request,
         resolved_inputs, settings, credits_used, billing, error, created_at, started_at,
         completed_at, execution_time_seconds, attempts, next_step_at, event_seq)
       SELECT 'job_seed_' || ? || '_' || i, workspace_id, api_key_id, tool, name, status,
         progress, request, resolved_inputs, settings, credits_used, billing, error, created_at,
         started_at, completed_at, execution_time_seconds, attempts, next_step_at, event_seq
       FROM n, (SELECT * FROM jobs WHERE workspace_id = ? LIMIT 1)`,
      count - 1,
      workspaceId,
      workspaceId,
    );
  });
}

const dir = await Deno.makeTempDir({ prefix: "sandbox-scale-" });
const database = `${dir}/sandbox.sqlite`;
let sandbox = await startSandbox({ database, pace: "instant", workspace: WORKSPACE });
const small = sandbox.createWorkspace(WORKSPACE);
const big = sandbox.createWorkspace(WORKSPACE);
for (const side of [small, big]) {
  await call(sandbox.url, side.apiKey, "POST", "/api/v1/jobs", SUBMISSION);
}
await sandbox.settle();
const seeding = performance.now();
seed(sandbox.context.db, small.workspace.id, SMALL);
seed(sandbox.context.db, big.workspace.id, JOBS);
await sandbox.close();
sandbox = await startSandbox({ database, pace: "instant" });
console.log(
  `seeded ${SMALL} and ${JOBS} jobs and reopened in ${Math.round(performance.now() - seeding)} ms`,
);

const db = sandbox.context.db;
for (
  const [label, sql, params] of [
    [
      "unfinished jobs (limits)",
      "SELECT COUNT(*) AS n FROM jobs WHERE workspace_id = ? AND status IN (?, ?, ?, ?)",
      [big.workspace.id, "PENDING", "QUEUED", "PROCESSING", "RETRY"],
    ],
    [
      "jobs created today (daily limit)",
      "SELECT n FROM daily_job_counts WHERE workspace_id = ? AND day = ?",
      [big.workspace.id, new Date().toISOString().slice(0, 10)],
    ],
  ] as const
) {
  const plan = db.all(`EXPLAIN QUERY PLAN ${sql}`, ...params).map((row) => row.detail).join("; ");
  console.log(`plan, ${label}: ${plan}`);
}

type Op = "quote" | "submit" | "account";
const OPS: Record<Op, (key: string) => Promise<unknown>> = {
  quote: (key) => call(sandbox.url, key, "POST", "/api/v1/jobs/quote", QUOTE),
  submit: (key) => call(sandbox.url, key, "POST", "/api/v1/jobs", SUBMISSION),
  account: (key) => call(sandbox.url, key, "GET", "/api/v1/account"),
};
const times: Record<Op, { small: number[]; big: number[] }> = {
  quote: { small: [], big: [] },
  submit: { small: [], big: [] },
  account: { small: [], big: [] },
};
// Warm up both sides (JIT, statement cache).
for (let i = 0; i < 20; i++) {
  for (const op of Object.keys(OPS) as Op[]) {
    await OPS[op](small.apiKey);
    await OPS[op](big.apiKey);
  }
}
for (let round = 0; round < ROUNDS; round++) {
  for (const op of Object.keys(OPS) as Op[]) {
    const order = round % 2 === 0 ? ["small", "big"] as const : ["big", "small"] as const;
    for (const side of order) {
      const key = side === "small" ? small.apiKey : big.apiKey;
      const started = performance.now();
      await OPS[op](key);
      times[op][side].push(performance.now() - started);
    }
  }
}
await sandbox.settle();
await sandbox.close();
await Deno.remove(dir, { recursive: true });

console.log(`\n${ROUNDS} requests per operation and side, alternating`);
console.log(`operation   ${SMALL} jobs: median / p90     ${JOBS} jobs: median / p90     ratio`);
let worst = 0;
for (const op of Object.keys(OPS) as Op[]) {
  const { small: a, big: b } = times[op];
  const ratio = median(b) / median(a);
  worst = Math.max(worst, ratio);
  console.log(
    `${op.padEnd(10)}  ${median(a).toFixed(2)} / ${percentile(a, 0.9).toFixed(2)} ms` +
      `            ${median(b).toFixed(2)} / ${percentile(b, 0.9).toFixed(2)} ms` +
      `            ${ratio.toFixed(2)}×`,
  );
}
console.log(`worst ratio ${worst.toFixed(2)}× (goal ≤ 1.3×)`);
