/**
 * Batch figures, measured side by side in one run against the embedded sandbox over loopback:
 *
 * 1. **Slot utilisation** of a 200-job batch with a concurrency limit of 3: time-weighted busy
 *    slots ÷ 3 over the makespan, and the makespan against the ideal (total job time ÷ 3),
 *    both from the sandbox's own job timestamps (`started_at`/`completed_at` in its database).
 *    Measured for the default batch (3 in flight and, by default, `queueAhead` = the
 *    concurrency, so 3 more queued ahead) on a sandbox whose jobs start as soon as they are
 *    submitted and on the `demo`-like pace, and — to show what the sandbox's PENDING/QUEUED
 *    dwell costs without it — on the demo pace with `queueAhead: 0` (exactly 3 submitted).
 * 2. **Kill at 50 % and resume**: a child process runs the batch and is SIGKILLed when half the
 *    jobs have completed; the same batch is then run again here. Read from the sandbox: jobs
 *    per item (duplicates), charges per job (credits charged twice), and whether it finished.
 *
 * Run: `deno run -A bench/batch_bench.ts` (about 4 minutes; `--jobs 60` for a quick look).
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ProteinIQ } from "../lib/client/client.ts";
import { SANDBOX_POLLING } from "../lib/client/_wait.ts";
import { type Pace, type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import { runToolBatch } from "../lib/batch/proteiniq.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    jobs: { type: "string", default: "200" },
    "run-ms": { type: "string", default: "1000" },
    child: { type: "boolean", default: false },
    url: { type: "string" },
    key: { type: "string" },
    manifest: { type: "string" },
    fasta: { type: "string" },
    only: { type: "string" },
  },
});

const JOBS = Number(args.jobs);
const RUN_MS = Number(args["run-ms"]);
const LIMIT = 3;

/** Deterministic, distinct protein sequences. */
function library(count: number): string {
  const letters = "ACDEFGHIKLMNPQRSTVWY";
  let text = "";
  for (let index = 0; index < count; index++) {
    let sequence = "M";
    for (let position = 1; position < 60 + (index % 40); position++) {
      sequence += letters[(index * 7 + position * 13 + ((index * position) % 5)) % 20];
    }
    text += `>p${String(index + 1).padStart(3, "0")}\n${sequence}\n`;
  }
  return text;
}

function client(sandbox: { url: string; apiKey: string }): ProteinIQ {
  return new ProteinIQ({
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    polling: SANDBOX_POLLING,
    display: false,
  });
}

const WORKSPACE = {
  maxConcurrentJobs: LIMIT,
  dailyJobLimit: 100_000,
  credits: 100_000,
  rateLimit: 100_000,
};

interface Utilisation {
  jobs: number;
  utilisation: number;
  makespanOverIdeal: number;
  makespanSeconds: number;
  idealSeconds: number;
  meanJobSeconds: number;
  maxConcurrent: number;
  meanGapMs: number;
  medianGapMs: number;
  p90GapMs: number;
  requests: number;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

/** Busy slots over time, from the jobs' own timestamps in the sandbox's database. */
function utilisation(sandbox: Sandbox, workspaceId: string, requests: number): Utilisation {
  const rows = sandbox.context.db.all(
    "SELECT started_at, completed_at FROM jobs WHERE workspace_id = ? AND status = 'COMPLETED'",
    workspaceId,
  );
  const spans = rows.map((row) => ({
    start: Date.parse(String(row.started_at)),
    end: Date.parse(String(row.completed_at)),
  }));
  const events = spans.flatMap((span) => [
    { at: span.start, delta: 1 },
    { at: span.end, delta: -1 },
  ]).sort((a, b) => a.at - b.at || a.delta - b.delta);
  const first = events[0].at;
  const last = events[events.length - 1].at;
  let running = 0;
  let busy = 0;
  let previous = first;
  let maxConcurrent = 0;
  for (const event of events) {
    busy += Math.min(running, LIMIT) * (event.at - previous);
    running += event.delta;
    maxConcurrent = Math.max(maxConcurrent, running);
    previous = event.at;
  }
  const makespan = last - first;
  const total = spans.reduce((sum, span) => sum + span.end - span.start, 0);
  const ideal = total / LIMIT;
  // Idle time of a slot between one job's end and the next start (what the scheduler loses).
  const ends = spans.map((span) => span.end).sort((a, b) => a - b);
  const starts = spans.map((span) => span.start).sort((a, b) => a - b);
  const gaps = starts.slice(LIMIT).map((start, index) => start - ends[index]);
  return {
    jobs: spans.length,
    utilisation: busy / (LIMIT * makespan),
    makespanOverIdeal: makespan / ideal,
    makespanSeconds: makespan / 1000,
    idealSeconds: ideal / 1000,
    meanJobSeconds: total / spans.length / 1000,
    maxConcurrent,
    meanGapMs: gaps.reduce((sum, gap) => sum + gap, 0) / Math.max(1, gaps.length),
    medianGapMs: quantile(gaps, 0.5),
    p90GapMs: quantile(gaps, 0.9),
    requests,
  };
}

async function measureUtilisation(
  label: string,
  pace: Pace,
  queueAhead: number | undefined,
  dir: string,
): Promise<Utilisation & { label: string }> {
  await using sandbox = await startSandbox({
    database: join(dir, `${label.replace(/\W+/g, "_")}.sqlite`),
    pace,
    workspace: WORKSPACE,
  });
  const piq = client(sandbox);
  const batch = await runToolBatch(piq, {
    name: `utilisation ${label}`,
    tool: "protein-properties",
    inputs: library(JOBS),
    manifest: false,
    queueAhead,
    quiet: true,
    display: false,
  });
  await batch.wait({ display: false });
  if (batch.summary.completed !== JOBS) throw new Error(`${label}: ${batch}`);
  return { label, ...utilisation(sandbox, sandbox.workspaceId, piq.core.requestCount) };
}

/** The child: run the batch until killed. */
async function child(): Promise<void> {
  const piq = new ProteinIQ({
    apiKey: args.key!,
    baseUrl: args.url!,
    polling: SANDBOX_POLLING,
    display: false,
  });
  const batch = await runToolBatch(piq, {
    name: "kill and resume",
    tool: "protein-properties",
    inputs: await Deno.readTextFile(args.fasta!),
    manifest: args.manifest!,
    quiet: true,
    display: false,
  });
  await batch.wait({ display: false });
}

async function killAndResume(dir: string) {
  const pace: Pace = {
    pendingMs: 0,
    queuedMs: 0,
    minProcessingMs: Math.min(RUN_MS, 500),
    retryDelayMs: 0,
  };
  await using sandbox = await startSandbox({
    database: join(dir, "resume.sqlite"),
    pace,
    workspace: WORKSPACE,
  });
  const fasta = join(dir, "library.fasta");
  const manifest = join(dir, "kill-and-resume.json");
  await Deno.writeTextFile(fasta, library(JOBS));
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      import.meta.filename!,
      "--child",
      "--url",
      sandbox.url,
      "--key",
      sandbox.apiKey,
      "--manifest",
      manifest,
      "--fasta",
      fasta,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const db = sandbox.context.db;
  const count = (sql: string) => Number(db.get(sql)?.n ?? 0);
  while (count("SELECT COUNT(*) AS n FROM jobs WHERE status = 'COMPLETED'") < JOBS / 2) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  process.kill("SIGKILL");
  const status = await process.status;
  const atKill = {
    completed: count("SELECT COUNT(*) AS n FROM jobs WHERE status = 'COMPLETED'"),
    submitted: count("SELECT COUNT(*) AS n FROM jobs"),
    inFlight: count(
      "SELECT COUNT(*) AS n FROM jobs WHERE status NOT IN ('COMPLETED','FAILED','CANCELLED','TIMEOUT','BUDGET_EXCEEDED')",
    ),
  };
  const piq = client(sandbox);
  const started = performance.now();
  const batch = await runToolBatch(piq, {
    name: "kill and resume",
    tool: "protein-properties",
    inputs: library(JOBS),
    manifest,
    quiet: true,
    display: false,
  });
  const resumedNotes = [...batch.notes];
  await batch.wait({ display: false });
  const names = db.all("SELECT name, COUNT(*) AS n FROM jobs GROUP BY name");
  const duplicates = names.reduce((sum, row) => sum + Number(row.n) - 1, 0);
  const charges = db.all(
    "SELECT j.name AS name, l.job_id AS job_id, l.delta AS delta, l.reason AS reason FROM ledger l JOIN jobs j ON j.id = l.job_id",
  );
  const chargedJobs = new Map<string, number>();
  let charged = 0;
  for (const row of charges) {
    if (row.reason !== "charge") continue;
    charged += -Number(row.delta);
    chargedJobs.set(
      String(row.name),
      (chargedJobs.get(String(row.name)) ?? 0) + -Number(row.delta),
    );
  }
  const chargedTwice = [...chargedJobs.values()].reduce(
    (sum, credits) => sum + Math.max(0, credits - 1),
    0,
  );
  return {
    killedBy: status.signal,
    atKill,
    resumedNotes,
    resumeSeconds: (performance.now() - started) / 1000,
    finished: batch.summary.completed === JOBS,
    jobs: count("SELECT COUNT(*) AS n FROM jobs"),
    duplicates,
    charged,
    chargedTwice,
    summary: String(batch),
  };
}

if (args.child) {
  await child();
} else {
  const dir = await Deno.makeTempDir({ prefix: "batch-bench-" });
  console.log(
    `batch bench: ${JOBS} jobs, limit ${LIMIT}, job time ${RUN_MS} ms (sandbox minProcessingMs)\n`,
  );
  const runs: (Utilisation & { label: string })[] = [];
  const immediate: Pace = { pendingMs: 0, queuedMs: 0, minProcessingMs: RUN_MS, retryDelayMs: 0 };
  const demoLike: Pace = {
    pendingMs: 300,
    queuedMs: 300,
    minProcessingMs: RUN_MS,
    retryDelayMs: 0,
  };
  const only = args.only;
  if (!only || only === "util" || only === "default") {
    runs.push(
      await measureUtilisation(
        "default (3 + 3 queued ahead), jobs start on submit",
        immediate,
        undefined,
        dir,
      ),
    );
  }
  if (!only || only === "util") {
    runs.push(
      await measureUtilisation(
        "default (3 + 3 queued ahead), demo pace 300+300 ms",
        demoLike,
        undefined,
        dir,
      ),
    );
    runs.push(
      await measureUtilisation("queueAhead 0 (exactly 3), demo pace 300+300 ms", demoLike, 0, dir),
    );
  }
  if (runs.length > 0) {
    console.log("slot utilisation (goal ≥ 0.95) and makespan ÷ ideal (goal ≤ 1.05):");
    for (const run of runs) {
      console.log(
        `  ${run.label.padEnd(48)} utilisation ${run.utilisation.toFixed(3)}  makespan/ideal ${
          run.makespanOverIdeal.toFixed(3)
        }  (makespan ${run.makespanSeconds.toFixed(1)} s, ideal ${
          run.idealSeconds.toFixed(1)
        } s, mean job ${run.meanJobSeconds.toFixed(3)} s, mean slot gap ${
          run.meanGapMs.toFixed(0)
        } ms (median ${run.medianGapMs.toFixed(0)}, p90 ${
          run.p90GapMs.toFixed(0)
        }), max concurrent ${run.maxConcurrent}, ${run.requests} requests)`,
      );
    }
  }
  if (!only || only === "resume") {
    const resume = await killAndResume(dir);
    console.log("\nkill at 50 % and resume:");
    console.log(
      `  child killed by ${resume.killedBy} with ${resume.atKill.completed} completed, ${resume.atKill.submitted} submitted, ` +
        `${resume.atKill.inFlight} in flight`,
    );
    for (const note of resume.resumedNotes) console.log(`  resume: ${note}`);
    console.log(
      `  finished: ${resume.finished}; jobs ${resume.jobs} for ${JOBS} items; duplicate jobs ${resume.duplicates}; ` +
        `credits charged ${resume.charged}; credits charged twice ${resume.chargedTwice}; resumed run took ${
          resume.resumeSeconds.toFixed(1)
        } s`,
    );
  }
  await Deno.remove(dir, { recursive: true }).catch(() => undefined);
}
