/**
 * The batch of `notebooks/04-batch.ipynb` as a script: 200 designed sequences through the
 * sandbox's `protein-properties` tool, three at a time. The notebook (and a test) start it in
 * a separate process and kill it with SIGKILL halfway, then run the same batch again to show
 * that it resumes: no job is duplicated and nothing is paid twice.
 *
 * Run it yourself: `deno run -A examples/batch_kill_demo.ts` (Ctrl-C it, run it again).
 * `BATCH_DEMO_COUNT` changes the number of sequences; `BATCH_DEMO_MANIFEST` the manifest path.
 * @module
 */
import { dirname, join } from "node:path";
import { connect, defaultSandboxDatabase } from "../lib/client/connect.ts";
import type { SandboxOptions } from "../lib/sandbox/mod.ts";
import { runToolBatch } from "../lib/batch/proteiniq.ts";

/** The batch's name: it derives the idempotency keys and names the manifest. */
export const DEMO_BATCH = "properties of 200 designs";

/**
 * The sandbox the demo runs in: its own database file (`batch-demo.sqlite` next to the
 * embedded sandbox's, or `BATCH_DEMO_DB`), shared by the notebook's kernel and the process it
 * kills; a workspace that runs 3 jobs at once (the documented default), with room for the
 * whole batch in a day, credits for it, and a rate limit generous enough that the demo takes
 * seconds (the batch rides out `429` with `Retry-After` either way). Jobs take about a
 * quarter of a second.
 */
export function demoSandbox(): SandboxOptions {
  const main = defaultSandboxDatabase();
  return {
    database: Deno.env.get("BATCH_DEMO_DB") ||
      (main === ":memory:" ? main : join(dirname(main), "batch-demo.sqlite")),
    pace: { pendingMs: 0, queuedMs: 0, minProcessingMs: 250, retryDelayMs: 0 },
    workspace: { maxConcurrentJobs: 3, dailyJobLimit: 1000, credits: 1000, rateLimit: 5000 },
  };
}

/**
 * `count` distinct, deterministic protein sequences of 60–99 residues as one FASTA text,
 * named `design_001`…: the same text every time, so a re-run is recognised as the same batch.
 */
export function demoLibrary(count = 200): string {
  const letters = "ACDEFGHIKLMNPQRSTVWY";
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    let sequence = "M";
    for (let position = 1; position < 60 + (index % 40); position++) {
      sequence += letters[(index * 7 + position * 13 + ((index * position) % 5)) % 20];
    }
    lines.push(
      `>design_${String(index + 1).padStart(3, "0")} designed variant ${index + 1}`,
      sequence,
    );
  }
  return `${lines.join("\n")}\n`;
}

if (import.meta.main) {
  const count = Number(Deno.env.get("BATCH_DEMO_COUNT") ?? 200);
  const piq = await connect({ sandbox: demoSandbox(), quiet: true, display: false });
  const batch = await runToolBatch(piq, {
    name: DEMO_BATCH,
    tool: "protein-properties",
    inputs: demoLibrary(count),
    manifest: Deno.env.get("BATCH_DEMO_MANIFEST") || undefined,
    quiet: true,
  });
  await batch.wait({ display: Deno.stdout.isTerminal() });
  console.log(String(batch));
  await piq.close();
}
