/**
 * Re-running a cell after a lost submission, measured side by side in one run: the issue's
 * harness (30 % of `POST /api/v1/jobs` responses lost after the server committed, the client's
 * default 2 retries) drives N "cells", each submitting its own request. A cell whose submit
 * throws is re-run, as a user would, until it returns a job — in the same client, or in a new
 * client on the same `.proteiniq-submits/` folder (a kernel restart). Each setting runs on its
 * own sandbox with the same fault seed, and the database is read at the end:
 *
 * - jobs beyond one per cell (duplicates) and credits charged beyond one per cell,
 * - re-runs that made a second job,
 *
 * with remembered submissions off (`rememberSubmits: false`, the behaviour before) and on.
 *
 * Then what remembering costs a submission that succeeds: median latency off / in memory /
 * on disk.
 *
 * Run: `deno run -A bench/resubmit_bench.ts` (about 15 s). Options: `--cells N` (default
 * 300), `--drop R` (default 0.3), `--calls N` submissions per setting for the cost (default 200).
 * @module
 */
import { startSandbox } from "../lib/sandbox/mod.ts";
import { ProteinIQ } from "../lib/client/client.ts";
import { SANDBOX_POLLING } from "../lib/client/_wait.ts";
import { propertiesRequest } from "../tests/_client_support.ts";

function option(name: string, fallback: number): number {
  const index = Deno.args.indexOf(`--${name}`);
  return index >= 0 ? Number(Deno.args[index + 1]) : fallback;
}

const CELLS = option("cells", 300);
const DROP = option("drop", 0.3);
const PARKED = { pendingMs: 3_600_000, queuedMs: 0, minProcessingMs: 0, retryDelayMs: 0 };

function request(cell: number) {
  return propertiesRequest(`cell ${cell}`);
}

interface Outcome {
  cellsThatFailed: number;
  reruns: number;
  rerunsThatPaidAgain: number;
  duplicateJobs: number;
  extraCredits: number;
}

/** A workspace no limit of which the bench reaches: only the lost responses matter. */
const ROOMY_WORKSPACE = {
  credits: 1_000_000,
  rateLimit: 1_000_000,
  dailyJobLimit: null,
  maxActiveJobs: 100_000,
  maxConcurrentJobs: 8,
};

async function run(setting: "off" | "on" | "on, kernel restart"): Promise<Outcome> {
  const sandbox = await startSandbox({
    database: ":memory:",
    pace: PARKED,
    workspace: ROOMY_WORKSPACE,
    faults: { dropAfterCommitRate: DROP, routes: ["submitJob"], seed: 42 },
  });
  const directory = await Deno.makeTempDir({ prefix: "piq-resubmit-bench-" });
  const client = () =>
    new ProteinIQ({
      apiKey: sandbox.apiKey,
      baseUrl: sandbox.url,
      polling: SANDBOX_POLLING,
      display: false,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      rememberSubmits: setting === "off" ? false : { directory },
    });
  const jobs = () => Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM jobs")?.n ?? 0);
  let piq = client();
  const outcome: Outcome = {
    cellsThatFailed: 0,
    reruns: 0,
    rerunsThatPaidAgain: 0,
    duplicateJobs: 0,
    extraCredits: 0,
  };
  for (let cell = 0; cell < CELLS; cell++) {
    let failed = false;
    for (let attempt = 0; attempt < 20; attempt++) {
      const before = jobs();
      try {
        await piq.jobs.submit(request(cell), { validate: false });
        if (failed && jobs() > before && before > cell) outcome.rerunsThatPaidAgain++;
        break;
      } catch {
        if (!failed) outcome.cellsThatFailed++;
        failed = true;
        outcome.reruns++;
        if (setting === "on, kernel restart") piq = client();
      }
    }
  }
  const total = jobs();
  const charged = Number(
    sandbox.context.db.get("SELECT COALESCE(SUM(credits_used), 0) AS n FROM jobs")?.n,
  );
  outcome.duplicateJobs = total - CELLS;
  outcome.extraCredits = charged - CELLS;
  await sandbox.close();
  await Deno.remove(directory, { recursive: true });
  return outcome;
}

/**
 * What remembering costs a submission that succeeds: median submit latency with the store
 * off, in memory and on disk (one atomic file write per submission, no fsync), calls interleaved so load
 * from elsewhere hits all three alike.
 */
async function overhead(calls: number): Promise<Record<string, number>> {
  const sandbox = await startSandbox({
    database: ":memory:",
    pace: PARKED,
    workspace: ROOMY_WORKSPACE,
  });
  const directory = await Deno.makeTempDir({ prefix: "piq-resubmit-bench-" });
  const settings = {
    off: false as const,
    memory: { directory: null },
    disk: { directory },
  };
  const clients = Object.entries(settings).map(([name, rememberSubmits]) =>
    [
      name,
      new ProteinIQ({
        apiKey: sandbox.apiKey,
        baseUrl: sandbox.url,
        display: false,
        rememberSubmits,
      }),
    ] as const
  );
  const times: Record<string, number[]> = { off: [], memory: [], disk: [] };
  for (let i = 0; i < calls; i++) {
    for (const [name, piq] of clients) {
      const started = performance.now();
      await piq.jobs.submit(request(i + calls * Object.keys(times).indexOf(name)), {
        validate: false,
      });
      times[name].push(performance.now() - started);
    }
  }
  await sandbox.close();
  await Deno.remove(directory, { recursive: true });
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
}

const rows: [string, Outcome][] = [];
for (const setting of ["off", "on", "on, kernel restart"] as const) {
  rows.push([setting, await run(setting)]);
}
console.log(
  `${CELLS} cells, ${DROP * 100} % of submission responses lost after commit, default retries`,
);
console.log(
  "remembered submits | cells that threw | re-runs | re-runs that paid again | duplicate jobs | extra credits",
);
for (const [setting, o] of rows) {
  console.log(
    `${setting.padEnd(18)} | ${String(o.cellsThatFailed).padStart(16)} | ${
      String(o.reruns).padStart(7)
    } | ${String(o.rerunsThatPaidAgain).padStart(23)} | ${String(o.duplicateJobs).padStart(14)} | ${
      String(o.extraCredits).padStart(13)
    }`,
  );
}

const CALLS = option("calls", 200);
const medians = await overhead(CALLS);
console.log(
  `\nmedian submit latency over ${CALLS} successful submissions each (interleaved): ` +
    `off ${medians.off.toFixed(2)} ms, memory ${medians.memory.toFixed(2)} ms ` +
    `(${(medians.memory / medians.off).toFixed(2)}×), disk ${medians.disk.toFixed(2)} ms ` +
    `(${(medians.disk / medians.off).toFixed(2)}×)`,
);
