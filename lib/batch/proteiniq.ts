/**
 * ProteinIQ jobs for the generic machinery: {@linkcode proteinIQAdapter} maps ProteinIQ's
 * eight uppercase statuses, streams each job's events through `job.wait()` (which falls back
 * to the documented polling), submits with a given `Idempotency-Key`, prices payloads with
 * quotes and reads concurrency from the account. {@linkcode runToolBatch} runs a tool over
 * many inputs with it.
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 * import { runToolBatch } from "./proteiniq.ts";
 * const piq = await connect();
 * const batch = await runToolBatch(piq, {
 *   name: "two peptides",
 *   tool: "protein-properties",
 *   inputs: ">a\nMKTAYIAKQR\n>b\nGSHMLEDPVAG\n",
 *   manifest: false,
 * });
 * await batch.wait();
 * console.log(batch.summary.completed); // 2
 * ```
 * @module
 */
import type { ProteinIQ } from "../client/client.ts";
import type { Job } from "../client/job.ts";
import type { JobRequest } from "../client/jobs.ts";
import { InvalidRequestError } from "../client/errors.ts";
import { JOB_STATUSES } from "../contract/jobs.ts";
import { statusStyle } from "../display/progress.ts";
import { fastaItem } from "../inputs/fasta.ts";
import type { AdapterCallOptions, BatchEstimate, JobAdapter, JobSnapshot } from "./adapter.ts";
import { statusInfo } from "./adapter.ts";
import { mapLimit, riding429 } from "./_retry.ts";
import { type BatchInputs, type BatchItem, inputTexts } from "./items.ts";
import { type Batch, type BatchOptions, runBatch } from "./batch.ts";

/** Quote errors about the account, not the payload: the batch checks those as a whole. */
const ACCOUNT_BLOCKERS = new Set([
  "insufficient_credits",
  "daily_limit_exceeded",
  "concurrent_job_limit_exceeded",
  "paid_plan_required",
]);

/**
 * The adapter for a ProteinIQ client. Job handles are kept per job id, so following a job
 * right after submitting it costs no extra request.
 *
 * @example
 * ```ts
 * import { connect, fastaInput, proteinIQAdapter, waitForJob } from "../../mod.ts";
 *
 * const piq = await connect();
 * const adapter = proteinIQAdapter(piq);
 * const job = await piq.jobs.submit({
 *   tool: "protein-properties",
 *   name: "Insulin B chain",
 *   input: fastaInput(">insulin_b\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT"),
 * });
 * const finished = await waitForJob(adapter, { ...job.data }, { timeoutMs: 60_000 });
 * console.log(adapter.describe(finished.status).succeeded); // true
 * ```
 */
export function proteinIQAdapter(piq: ProteinIQ): JobAdapter<JobRequest> {
  const handles = new Map<string, Job>();
  const remember = (job: Job): JobSnapshot => {
    handles.set(job.id, job);
    return { ...job.data };
  };
  const handle = async (jobId: string, options: AdapterCallOptions = {}): Promise<Job> =>
    handles.get(jobId) ?? (await piq.jobs.get(jobId, { signal: options.signal }));
  return {
    vendor: "ProteinIQ",
    style: statusStyle,
    describe: (status) =>
      statusInfo(status, statusStyle, {
        known: JOB_STATUSES,
        succeeded: ["COMPLETED"],
        cancelled: ["CANCELLED"],
      }),
    get: async (jobId, options = {}) =>
      remember(await piq.jobs.get(jobId, { signal: options.signal })),
    watch: (jobId, options) => watchThroughWait(handle, jobId, options.signal),
    submit: async (request, options) =>
      remember(
        // The batch quoted this very payload first (the quote checks it against the tool's
        // contract and the server's rules), so the per-call pre-flight would only repeat it.
        await piq.jobs.submit(request, {
          signal: options.signal,
          idempotencyKey: options.idempotencyKey,
          validate: false,
        }),
      ),
    cancel: async (jobId, options = {}) => {
      const cancellation = await piq.jobs.cancel(jobId, { signal: options.signal });
      handles.get(jobId)?.apply(cancellation.job);
      return { ...cancellation.job };
    },
    records: async (job, options = {}) => {
      const result = await piq.results.get(job.id, { signal: options.signal });
      return { records: result.records, columns: result.columns };
    },
    estimate: async (requests, options = {}) => await estimate(piq, requests, options),
    accountId: async (options = {}) => {
      const account = await riding429(() => piq.account.get({ signal: options.signal }), options);
      return `proteiniq:${account.workspace.id}`;
    },
    concurrency: async (options = {}) => {
      const account = await piq.account.get({ signal: options.signal });
      return account.limits.concurrent_jobs.max;
    },
  };
}

/** Snapshots of a job from `job.wait()`'s updates (events first, documented polling after). */
async function* watchThroughWait(
  handle: (jobId: string, options: AdapterCallOptions) => Promise<Job>,
  jobId: string,
  signal: AbortSignal,
): AsyncGenerator<JobSnapshot> {
  const job = await handle(jobId, { signal });
  const stop = new AbortController();
  const linked = AbortSignal.any([signal, stop.signal]);
  const queue: JobSnapshot[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let failure: unknown;
  job.wait({
    display: false,
    signal: linked,
    onUpdate: (updated) => {
      queue.push({ ...updated.data });
      wake?.();
    },
  }).then(
    () => {
      ended = true;
      wake?.();
    },
    (error) => {
      failure = error;
      ended = true;
      wake?.();
    },
  );
  try {
    while (true) {
      if (queue.length > 0) {
        yield queue.shift()!;
        continue;
      }
      if (ended) {
        if (failure !== undefined) throw failure;
        yield { ...job.data };
        return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    stop.abort();
  }
}

async function estimate(
  piq: ProteinIQ,
  requests: readonly JobRequest[],
  options: AdapterCallOptions,
): Promise<BatchEstimate> {
  const perItem: number[] = [];
  const problems: string[][] = [];
  let lastQuote: Awaited<ReturnType<ProteinIQ["jobs"]["quote"]>> | undefined;
  await mapLimit(requests, 4, async (request, index) => {
    try {
      const quote = await riding429(
        () => piq.jobs.quote(request, { signal: options.signal }),
        options,
      );
      lastQuote = quote;
      perItem[index] = quote.billable_credits;
      problems[index] = quote.blocking_errors.filter((error) => !ACCOUNT_BLOCKERS.has(error.code))
        .map((error) => error.path ? `${error.path}: ${error.message}` : error.message);
    } catch (error) {
      if (!(error instanceof InvalidRequestError)) throw error;
      perItem[index] = 0;
      problems[index] = error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    }
  });
  try {
    const account = await riding429(() => piq.account.get({ signal: options.signal }), options);
    return {
      perItem,
      problems,
      availableCredits: account.workspace.credits.available,
      limits: {
        maxConcurrentJobs: account.limits.concurrent_jobs.max,
        activeConcurrentJobs: account.limits.active_jobs,
        dailyUsed: account.limits.daily_jobs?.used ?? null,
        dailyMax: account.limits.daily_jobs?.max ?? null,
      },
    };
  } catch (error) {
    // An API without the account route: the quotes' own limits are the next best source.
    if (!lastQuote) throw error;
    return {
      perItem,
      problems,
      availableCredits: lastQuote.available_credits,
      limits: {
        maxConcurrentJobs: lastQuote.limits.max_concurrent_jobs,
        activeConcurrentJobs: lastQuote.limits.active_concurrent_jobs,
        dailyUsed: lastQuote.limits.daily_limit_used,
        dailyMax: lastQuote.limits.daily_limit_max,
      },
    };
  }
}

/** Options of {@linkcode runToolBatch}. */
export interface ToolBatchOptions extends BatchOptions {
  /** The tool to run, e.g. `protein-properties`. */
  tool: string;
  /** Many inputs: see {@linkcode BatchInputs}. */
  inputs: BatchInputs;
  /** Settings of every job. */
  settings?: JobRequest["settings"];
  /** The tool's input slot. Default: its first slot that takes FASTA. */
  slotId?: string;
}

/**
 * Run a ProteinIQ tool over many inputs (one job per item), resumably. Quotes the whole batch
 * first and refuses to start over `budget` or the workspace's credits; keeps as many jobs in
 * flight as the workspace allows. See {@linkcode runBatch} for everything the batch does.
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 * import { runToolBatch } from "./proteiniq.ts";
 * const piq = await connect();
 * const batch = await runToolBatch(piq, {
 *   name: "lysozymes",
 *   tool: "protein-properties",
 *   inputs: { files: ["data/hen.fasta", "data/human.fasta"] },
 *   budget: 10,
 * });
 * await batch.wait();
 * await batch.exportTo("lysozymes.csv");
 * ```
 */
export async function runToolBatch(
  piq: ProteinIQ,
  options: ToolBatchOptions,
): Promise<Batch<JobRequest>> {
  const { tool, inputs, settings, slotId, ...batchOptions } = options;
  const texts = await inputTexts(inputs);
  const contract = await piq.tools.get(tool, { signal: options.signal });
  const slot = slotId
    ? contract.input.slots.find((candidate) => candidate.id === slotId)
    : contract.input.slots.find((candidate) => candidate.formats.includes("fasta"));
  if (!slot) {
    throw new InvalidRequestError("The batch", [{
      path: "slotId",
      message: slotId
        ? `tool "${tool}" has no input slot "${slotId}"; its slots: ${
          contract.input.slots.map((s) => s.id).join(", ")
        }`
        : `tool "${tool}" has no input slot that takes FASTA; pass slotId`,
    }]);
  }
  const items: BatchItem<JobRequest>[] = texts.map(({ key, fasta }) => {
    try {
      return {
        key,
        payload: {
          tool,
          name: `${options.name} · ${key}`.slice(0, 200),
          input: { inputs: [fastaItem(fasta, { slotId: slot.id, kind: slot.kind })] },
          ...(settings ? { settings } : {}),
        },
      };
    } catch (error) {
      if (!(error instanceof InvalidRequestError)) throw error;
      return {
        key,
        error: error.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; "),
      };
    }
  });
  return await runBatch(proteinIQAdapter(piq), items, {
    title: `${options.name} · ${tool}`,
    ...batchOptions,
  });
}
