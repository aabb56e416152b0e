/**
 * API client figures, measured side by side in one run against embedded sandboxes over
 * loopback:
 *
 * 1. Time from a job's terminal transition (the sandbox's own timestamp of the terminal
 *    event) to `job.wait()` resolving — following events vs the documented polling schedule
 *    (5 s, 10 s, 20 s, then 30 s, jittered) — medians side by side. For each job length
 *    (1 … N s) an events job and a polling job run at the same time on a sandbox paced to
 *    that length.
 * 2. HTTP requests per quote → submit → wait → result → download cycle, events vs polling
 *    (the one-time tool-contract fetch excluded; every retry and stream connection counted).
 * 3. Client overhead per call against raw `fetch` to the same route
 *    (`GET /api/v1/jobs/{jobId}/status`): 1 000 calls each, alternating raw and client call
 *    by call so load from anything else on the machine hits both alike (goal ≤ 1.15).
 *
 * Run: `deno run -A bench/api_bench.ts` (about 40 s). Options: `--jobs N` job lengths
 * 1 … N s (default 12), `--calls N` calls per side for the overhead ratio (default 1000).
 * @module
 */
import { type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import { ProteinIQ } from "../lib/client/client.ts";
import { DOCUMENTED_POLLING } from "../lib/client/_wait.ts";
import { ClientJob } from "../lib/client/_schemas.ts";
import { median, option, percentile } from "./_stats.ts";

const JOBS = option("jobs", 12);
const CALLS = option("calls", 1000);

const WORKSPACE = {
  credits: 10_000_000,
  rateLimit: 10_000_000,
  dailyJobLimit: null,
  maxActiveJobs: 10_000,
  maxConcurrentJobs: 4,
};

/** A sandbox whose jobs take `seconds` (protein-properties computes in milliseconds). */
function pacedSandbox(seconds: number): Promise<Sandbox> {
  return startSandbox({
    database: ":memory:",
    pace: { pendingMs: 0, queuedMs: 0, minProcessingMs: seconds * 1000, retryDelayMs: 0 },
    workspace: WORKSPACE,
  });
}

interface Cycle {
  mode: "events" | "polling";
  seconds: number;
  /** Submission to terminal transition, by the sandbox's clock. */
  jobMs: number;
  lagMs: number;
  requests: number;
}

/** One quote → submit → wait → result → download cycle on a fresh client. */
async function cycle(
  sandbox: Sandbox,
  mode: Cycle["mode"],
  seconds: number,
  dir: string,
): Promise<Cycle> {
  const piq = new ProteinIQ({
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    display: false,
    polling: DOCUMENTED_POLLING,
    events: mode === "events",
  });
  await piq.tools.get("protein-properties"); // the contract is fetched once per client
  piq.core.requestCount = 0;
  const request = {
    tool: "protein-properties",
    name: `${mode} ${seconds} s`,
    input: {
      inputs: [{
        id: "seqs_1",
        slotId: "protein",
        kind: "protein",
        format: "fasta",
        content: ">lysozyme\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSR\n",
        source: { type: "text" as const },
      }],
    },
  };
  const quote = await piq.jobs.quote(request);
  if (quote.blocking_errors.length > 0) throw new Error(JSON.stringify(quote.blocking_errors));
  const job = await piq.jobs.submit(request);
  await job.wait();
  const resolvedAt = Date.now();
  if (job.status !== "COMPLETED") throw new Error(`${job.id} ended ${job.status}: ${job.error}`);
  const terminal = sandbox.context.db.get(
    "SELECT created_at FROM job_events WHERE job_id = ? ORDER BY seq DESC LIMIT 1",
    job.id,
  );
  const terminalAt = Date.parse(String(terminal?.created_at));
  const lagMs = resolvedAt - terminalAt;
  const jobMs = terminalAt - Date.parse(job.created_at);
  const result = await job.result();
  await result.download(undefined, { path: `${dir}/${job.id}.csv` });
  return { mode, seconds, jobMs, lagMs, requests: piq.core.requestCount };
}

console.log(
  `proteiniq-notebook API bench — job lengths 1…${JOBS} s, one events and one polling cycle ` +
    `each; ${CALLS} calls per side; Deno ${Deno.version.deno}\n`,
);

// Figures 1 and 2: for each job length, an events job and a polling job at the same time.
const dir = await Deno.makeTempDir();
const durations = Array.from({ length: JOBS }, (_, i) => 1 + i); // 1 … JOBS seconds
const sandboxes = await Promise.all(durations.map(pacedSandbox));
const cycles = (await Promise.all(
  durations.map((seconds, i) =>
    Promise.all([
      cycle(sandboxes[i], "events", seconds, dir),
      cycle(sandboxes[i], "polling", seconds, dir),
    ])
  ),
)).flat();
await Deno.remove(dir, { recursive: true });
const byMode = (mode: Cycle["mode"]) => cycles.filter((c) => c.mode === mode);
const events = byMode("events");
const polling = byMode("polling");

console.log("1. Terminal transition → wait() resolves, and 2. HTTP requests per cycle");
console.log(
  "   (quote → submit → wait → result → download; tool contract fetched once beforehand)",
);
console.log(
  "   job ran (events/polling)   lag events   lag polling   requests events   requests polling",
);
for (const seconds of durations) {
  const e = events.find((c) => c.seconds === seconds)!;
  const p = polling.find((c) => c.seconds === seconds)!;
  console.log(
    `   ${`${(e.jobMs / 1000).toFixed(1)} s / ${(p.jobMs / 1000).toFixed(1)} s`.padStart(22)} ${
      `${e.lagMs} ms`.padStart(12)
    } ${`${p.lagMs} ms`.padStart(13)} ${String(e.requests).padStart(17)} ${
      String(p.requests).padStart(18)
    }`,
  );
}
const lags = (rows: Cycle[]) => rows.map((c) => c.lagMs);
const mean = (rows: Cycle[]) => rows.reduce((sum, c) => sum + c.requests, 0) / rows.length;
console.log(
  `   median                 ${`${median(lags(events))} ms`.padStart(12)} ${
    `${median(lags(polling))} ms`.padStart(13)
  }   mean ${mean(events).toFixed(2).padStart(11)} ${mean(polling).toFixed(2).padStart(18)}`,
);
console.log(
  `   p90                    ${`${percentile(lags(events), 0.9)} ms`.padStart(12)} ${
    `${percentile(lags(polling), 0.9)} ms`.padStart(13)
  }`,
);
console.log(
  `   → polling resolves ${
    (median(lags(polling)) / Math.max(1, median(lags(events)))).toFixed(0)
  }× later (medians); ${(mean(polling) / mean(events)).toFixed(2)}× the requests\n`,
);

// For jobs longer than this bench waits for, the documented schedule's poll count follows
// from the schedule itself (events need one connection however long the job runs).
const cumulative: number[] = [];
for (let t = 0, i = 0; t < 3600; i++) {
  t += DOCUMENTED_POLLING.delaysMs[Math.min(i, DOCUMENTED_POLLING.delaysMs.length - 1)] / 1000;
  cumulative.push(t);
}
const pollsFor = (seconds: number) => cumulative.findIndex((t) => t >= seconds) + 1;
console.log("   by the schedule (not measured): polls until a job of length T is seen done");
console.log(
  "   " +
    [30, 60, 120, 300, 900].map((t) =>
      `T=${t / 60 >= 1 ? `${t / 60} min` : `${t} s`}: ${pollsFor(t)}`
    )
      .join(", ") +
    " (without jitter)\n",
);

// Figure 3: client overhead per call against raw fetch, same route, alternating call by call.
const sandbox = sandboxes[0];
const piq = new ProteinIQ({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, display: false });
const probe = (await piq.jobs.list().take(1))[0];
const url = `${sandbox.url}/api/v1/jobs/${probe.id}/status`;
const headers = { Authorization: `Bearer ${sandbox.apiKey}`, Accept: "application/json" };
async function raw(): Promise<void> {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`raw fetch ${response.status}`);
  await response.json();
}
async function client(): Promise<void> {
  await piq.jobs.get(probe.id);
}
for (let i = 0; i < 200; i++) {
  await raw();
  await client();
}
const rawTimes: number[] = [];
const clientTimes: number[] = [];
for (let i = 0; i < CALLS; i++) {
  // Alternate which side goes first so neither always follows the other.
  const order = i % 2 === 0 ? [raw, client] : [client, raw];
  for (const side of order) {
    const started = performance.now();
    await side();
    (side === raw ? rawTimes : clientTimes).push(performance.now() - started);
  }
}
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const rawMs = sum(rawTimes);
const clientMs = sum(clientTimes);
// The client validates each answer with the contract's zod schema; show what that costs alone.
const sample = await (await fetch(url, { headers })).json();
const parseStarted = performance.now();
for (let i = 0; i < CALLS; i++) ClientJob.parse(sample);
const parseMs = performance.now() - parseStarted;
const us = (ms: number) => `${(ms * 1000).toFixed(0).padStart(6)} µs`;
console.log(
  `3. Client overhead vs raw fetch, GET /api/v1/jobs/{jobId}/status, ${CALLS} calls each`,
);
console.log("                         mean    median");
console.log(`   raw fetch + json   ${us(rawMs / CALLS)} ${us(median(rawTimes))}`);
console.log(`   piq.jobs.get()     ${us(clientMs / CALLS)} ${us(median(clientTimes))}`);
console.log(`   zod parse alone    ${us(parseMs / CALLS)}`);
console.log(
  `   ratio client / raw: ${(clientMs / rawMs).toFixed(3)} (total), ${
    (median(clientTimes) / median(rawTimes)).toFixed(3)
  } (medians)  — goal ≤ 1.15`,
);
await piq.close();
await Promise.all(sandboxes.map((s) => s.close()));
