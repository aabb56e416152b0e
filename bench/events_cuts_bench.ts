/**
 * Events under cuts: time from a job's terminal transition (the sandbox's timestamp of its
 * terminal event) to `job.wait()` resolving, and HTTP requests per wait, with the event
 * stream cut after every event against an uncut stream — side by side, both sandboxes
 * running their jobs at the same time. Goal: lag under 1.5 s with cuts.
 *
 * Run: `deno run -A bench/events_cuts_bench.ts` (about 15 s). Options: `--jobs N` jobs per
 * side (default 4), `--seconds S` job length (default 10).
 * @module
 */
import { startSandbox } from "../lib/sandbox/mod.ts";
import { ProteinIQ } from "../lib/client/client.ts";
import { SANDBOX_POLLING } from "../lib/client/_wait.ts";
import { median, option } from "./_stats.ts";

const JOBS = option("jobs", 4);
const SECONDS = option("seconds", 10);

const SUBMISSION = {
  tool: "protein-properties",
  name: "cuts",
  input: {
    inputs: [{
      id: "seqs_1",
      slotId: "protein",
      kind: "protein" as const,
      format: "fasta",
      content: ">seq\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSR",
      source: { type: "text" as const },
    }],
  },
};

async function side(cut: boolean): Promise<{ lags: number[]; requests: number[] }> {
  const sandbox = await startSandbox({
    database: ":memory:",
    pace: { pendingMs: 300, queuedMs: 300, minProcessingMs: SECONDS * 1000, retryDelayMs: 0 },
    workspace: { credits: 1e9, rateLimit: 1e9, maxActiveJobs: 1000, maxConcurrentJobs: JOBS },
  });
  if (cut) sandbox.setFaults({ cutEventsAfter: 1, routes: ["jobEvents"] });
  const counts = new Map<string, number>();
  const countingFetch: typeof fetch = (input, init) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    const job = /\/jobs\/(job_[^/]+)\//.exec(path)?.[1];
    if (job) counts.set(job, (counts.get(job) ?? 0) + 1);
    return fetch(input, init);
  };
  const piq = new ProteinIQ({
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    polling: SANDBOX_POLLING,
    display: false,
    fetch: countingFetch,
  });
  try {
    const results = await Promise.all(Array.from({ length: JOBS }, async () => {
      const job = await piq.jobs.submit(SUBMISSION);
      await job.wait();
      const resolvedAt = Date.now();
      const terminal = sandbox.context.db.get(
        "SELECT created_at FROM job_events WHERE job_id = ? ORDER BY seq DESC LIMIT 1",
        job.id,
      );
      return {
        lag: resolvedAt - Date.parse(String(terminal?.created_at)),
        requests: counts.get(job.id) ?? 0,
      };
    }));
    return { lags: results.map((r) => r.lag), requests: results.map((r) => r.requests) };
  } finally {
    await piq.close();
    await sandbox.close();
  }
}

const [cut, whole] = await Promise.all([side(true), side(false)]);
console.log(`${JOBS} jobs of ${SECONDS} s per side, run at the same time`);
for (const [label, figures] of [["cut after every event", cut], ["uncut stream", whole]] as const) {
  console.log(
    `${label.padEnd(22)} lag median ${median(figures.lags)} ms, max ${
      Math.max(...figures.lags)
    } ms; requests per wait median ${median(figures.requests)}, max ${
      Math.max(...figures.requests)
    }`,
  );
}
console.log(
  `lag with cuts: max ${Math.max(...cut.lags)} ms (goal < 1500 ms); ratio of medians cut/uncut ${
    (median(cut.lags) / Math.max(1, median(whole.lags))).toFixed(1)
  }×`,
);
