/**
 * The sandbox's `esmfold` stand-in on a 400-residue protein (and 1,000, its maximum),
 * measured side by side in one run:
 *
 * 1. The tool's computation (`esmfoldTool.run`: Chou–Fasman prediction, backbone, PDB text),
 *    median of repeated runs, next to the peptide builder building the same chain as one
 *    helix (so the ratio shows what the prediction adds to building and writing atoms).
 * 2. The whole job through the sandbox over loopback HTTP (pace `instant`): submit → the
 *    status poll that sees COMPLETED → the result, median of several jobs; this includes the
 *    tool worker, SQLite and the result store.
 *
 * Goal: 400 residues well under one second. Run: `deno run -A bench/esmfold_bench.ts`
 * (a few seconds). Option: `--runs N` repetitions (default 20).
 * @module
 */
import { esmfoldTool } from "../lib/sandbox/tools/esmfold.ts";
import { peptideBuilder } from "../lib/sandbox/tools/peptide_builder.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";

const runsIndex = Deno.args.indexOf("--runs");
const RUNS = runsIndex >= 0 ? Number(Deno.args[runsIndex + 1]) : 20;

// Hen lysozyme, repeated: a real sequence with helices, strands and turns.
const LYSOZYME = "KVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSRWWCNDGRT" +
  "PGSRNLCNIPCSALLSSDITASVNCAKKIVSDGNGMNAWVAWRNRCKGTDVQAWIRGCRL";
const sequenceOf = (length: number) => LYSOZYME.repeat(Math.ceil(length / 129)).slice(0, length);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function item(sequence: string) {
  return {
    id: "seqs_1",
    slotId: "protein",
    kind: "protein",
    format: "fasta",
    content: `>bench\n${sequence}\n`,
    index: 0,
  };
}

const context = { progress() {} };
const builderSettings = {
  conformation: "alpha_helix",
  phi: -57,
  psi: -47,
  angles: "",
  omega: 180,
  terminal_oxygen: true,
};

console.log(`esmfold stand-in, ${RUNS} runs each (median)`);
for (const length of [400, 1000]) {
  const inputs = [item(sequenceOf(length))];
  // Warm both up so compilation is not measured.
  for (let i = 0; i < 3; i++) {
    await esmfoldTool.run(inputs, {}, context);
    await peptideBuilder.run(inputs, builderSettings, context);
  }
  const fold: number[] = [];
  const build: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let start = performance.now();
    await esmfoldTool.run(inputs, {}, context);
    fold.push(performance.now() - start);
    start = performance.now();
    await peptideBuilder.run(inputs, builderSettings, context);
    build.push(performance.now() - start);
  }
  console.log(
    `  ${length} residues: esmfold.run ${median(fold).toFixed(2)} ms, peptide builder (same ` +
      `chain, one helix) ${median(build).toFixed(2)} ms, ratio ${
        (median(fold) / median(build)).toFixed(2)
      }`,
  );
}

// The documented 120 requests a minute would throttle the tight status loop below, and 500
// credits cover only ten 50-credit jobs.
await using sandbox = await startSandbox({
  database: ":memory:",
  pace: "instant",
  workspace: { rateLimit: 1_000_000, credits: 100_000 },
});
const headers = { Authorization: `Bearer ${sandbox.apiKey}`, "Content-Type": "application/json" };
const jobTimes: number[] = [];
const jobs = Math.min(RUNS, 10);
for (let i = 0; i < jobs + 1; i++) {
  const start = performance.now();
  const submitted = await fetch(`${sandbox.url}/api/v1/jobs`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      tool: "esmfold",
      name: `bench ${i}`,
      input: { inputs: [{ ...item(sequenceOf(400)), index: undefined, source: { type: "text" } }] },
    }),
  });
  const job = await submitted.json();
  if (submitted.status !== 202) {
    throw new Error(`submit ${submitted.status}: ${JSON.stringify(job)}`);
  }
  const id: string = job.id;
  for (;;) {
    const answer = await fetch(`${sandbox.url}/api/v1/jobs/${id}/status`, { headers });
    const status = await answer.json();
    if (answer.status !== 200) {
      throw new Error(`status ${answer.status}: ${JSON.stringify(status)}`);
    }
    if (status.status === "COMPLETED") break;
    if (["FAILED", "TIMEOUT", "CANCELLED"].includes(status.status)) {
      throw new Error(`bench job ${status.status}: ${status.error}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await (await fetch(`${sandbox.url}/api/v1/results/${id}`, { headers })).json();
  // The first job also starts the tool worker; keep it out of the median.
  if (i > 0) jobTimes.push(performance.now() - start);
}
console.log(
  `  400 residues, whole job over HTTP (submit → COMPLETED → result, pace instant): ` +
    `${median(jobTimes).toFixed(1)} ms median of ${jobs} jobs`,
);
