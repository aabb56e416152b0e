/**
 * The "Workload simulator (sandbox)" tool: runs for as long as asked, hashing its input in
 * rounds (a SHA-256 chain, one round every 50 ms, so it costs almost no CPU), and reports the
 * rounds and the final digest. On request it fails at the end (`fail`), crashes its worker on
 * the first attempts (`crash_attempts`, so the job goes through RETRY and runs again) or runs
 * past its time limit (`seconds` above it gives TIMEOUT). It is billed per minute, so a
 * `billing.max_reserved_credits` cap below its runtime ends the job as BUDGET_EXCEEDED with
 * the partial output it had. It exists so notebooks and tests can see every job state.
 *
 * @example
 * ```ts
 * import { workloadSimulator } from "./workload.ts";
 * const inputs = [{ id: "in1", slotId: "data", kind: "text", format: "txt", index: 0, content: "hello" }];
 * const settings = { seconds: 0.1, fail: false, crash_attempts: 0 };
 * const output = await workloadSimulator.run(inputs, settings, { progress() {} });
 * // output.results.records[0].completed → true
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import type { InputSlot, OutputField, SettingDefinition } from "../../contract/tools.ts";
import type {
  ResolvedInput,
  ResolvedSettings,
  SandboxTool,
  ToolDefinition,
  ToolOutput,
  ToolRunContext,
} from "./_types.ts";
import { runContextExtras } from "../_run_context.ts";

const ROUND_MS = 50;
const RATE_CREDITS_PER_MINUTE = 2;

const OUTPUT_FIELDS = [
  { id: "rounds", label: "Rounds", type: "integer", description: "Hash rounds completed" },
  {
    id: "digest",
    label: "Digest",
    type: "string",
    description: "SHA-256 chain over the input after the last round (hex)",
  },
  {
    id: "seconds_run",
    label: "Run time",
    type: "number",
    unit: "s",
    digits: 2,
    description: "Seconds this attempt ran",
  },
  { id: "attempt", label: "Attempt", type: "integer", description: "1 unless the job retried" },
  {
    id: "completed",
    label: "Completed",
    type: "boolean",
    description: "False when the run was stopped early (its budget ran out)",
  },
] as const satisfies readonly OutputField[];

const definition: ToolDefinition = {
  id: "workload-simulator",
  name: "Workload simulator (sandbox)",
  description: "Runs for a chosen number of seconds, hashing its input, and can fail, crash " +
    "its worker or overrun its time limit on request — to try out live progress, retries, " +
    "timeouts, cancellation and per-minute billing. Billed per started minute.",
  category: "sandbox",
  tags: ["sandbox", "testing", "per-minute"],
  credit_model: {
    is_free: false,
    type: "per_minute",
    rate_credits_per_minute: RATE_CREDITS_PER_MINUTE,
    initial_reservation_credits: 5 * RATE_CREDITS_PER_MINUTE,
    description: `${RATE_CREDITS_PER_MINUTE} credits per started minute; reserves ` +
      `${5 * RATE_CREDITS_PER_MINUTE} (5 minutes) or billing.max_reserved_credits`,
  },
  version: "1.0.0",
  beta: false,
  processing: { mode: "async", time_class: "minutes" },
  input: {
    slots: [
      {
        id: "data",
        label: "Data",
        description: "Any text; the tool hashes it while it runs",
        kind: "text",
        formats: ["txt", "fasta", "csv", "json"],
        required: true,
        min_items: 1,
        max_items: 10,
      } satisfies InputSlot,
    ],
    settings: [
      {
        id: "seconds",
        label: "Run time",
        type: "number",
        description: "How long to run, in seconds",
        default: 1,
        minimum: 0,
        maximum: 3600,
      } satisfies SettingDefinition,
      {
        id: "fail",
        label: "Fail",
        type: "boolean",
        description: "Fail at the end instead of completing (the job ends FAILED and is refunded)",
        default: false,
      } satisfies SettingDefinition,
      {
        id: "crash_attempts",
        label: "Crash attempts",
        type: "integer",
        description: "Crash the worker halfway through this many first attempts; the job " +
          "goes to RETRY and runs again (after 3 attempts it fails)",
        default: 0,
        minimum: 0,
        maximum: 10,
      } satisfies SettingDefinition,
    ],
  },
  output: {
    fields: [...OUTPUT_FIELDS],
    files: [{
      name: "workload.json",
      content_type: "application/json",
      description: "The run's record as JSON",
    }],
  },
  limits: { max_items: 10, max_input_bytes: 1_000_000, time_limit_seconds: 600 },
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function run(
  inputs: ResolvedInput[],
  settings: ResolvedSettings,
  context: ToolRunContext,
): Promise<ToolOutput> {
  const { attempt = 1, signal } = runContextExtras(context);
  const seconds = Number(settings.seconds ?? 1);
  const crashAttempts = Number(settings.crash_attempts ?? 0);
  const data = new TextEncoder().encode(inputs.map((input) => input.content).join("\n"));
  const totalMs = seconds * 1000;
  const started = performance.now();
  const crashAt = attempt <= crashAttempts ? totalMs / 2 : Infinity;
  let digest = createHash("sha256").update(data).digest();
  let rounds = 0;
  while (!signal?.aborted) {
    const elapsed = performance.now() - started;
    if (elapsed >= crashAt) {
      // An uncaught error kills the worker, as a real worker crash would.
      setTimeout(() => {
        throw new Error(`simulated worker crash on attempt ${attempt}`);
      });
      await new Promise(() => {});
    }
    if (elapsed >= totalMs) break;
    digest = createHash("sha256").update(digest).update(data).digest();
    rounds++;
    context.progress(elapsed / Math.max(totalMs, 1));
    await sleep(Math.min(ROUND_MS, Math.max(0, Math.min(totalMs, crashAt) - elapsed)));
  }
  const completed = !signal?.aborted;
  if (completed && settings.fail === true) {
    throw new Error("Simulated failure requested with the 'fail' setting");
  }
  const record = {
    rounds,
    digest: digest.toString("hex"),
    seconds_run: Math.round(performance.now() - started) / 1000,
    attempt,
    completed,
  };
  return {
    results: { records: [record], ...(completed ? {} : { partial: true }) },
    files: [{
      name: "workload.json",
      content_type: "application/json",
      data: JSON.stringify(record, null, 2) + "\n",
    }],
  };
}

/** The workload simulator. */
export const workloadSimulator: SandboxTool = {
  definition,
  validate: () => [],
  units: (_inputs, settings) => Number(settings.seconds ?? 1) / 60,
  run,
};
