/**
 * One small adapter is all the generic machinery — {@linkcode waitForJob}, the live
 * multi-job display, the batch runner and its tables — knows about a vendor's jobs. It says
 * what a status means (terminal? succeeded? how it looks) and how to fetch, watch, submit,
 * cancel and read a job. Nothing generic assumes ProteinIQ's uppercase statuses or field
 * names: the ProteinIQ adapter ({@linkcode proteinIQAdapter}) and the pipeline adapter
 * (`lib/pipeline/adapter.ts`) each map their own.
 *
 * @example
 * ```ts
 * import { statusInfo } from "./adapter.ts";
 * import { pipelineStatusStyle } from "../display/progress.ts";
 * const info = statusInfo("failed", pipelineStatusStyle, { known: ["pending", "running", "completed", "failed"], succeeded: ["completed"] });
 * console.log(info.terminal, info.succeeded, info.label); // true false "Failed"
 * ```
 * @module
 */
import type { PollSchedule } from "../client/_wait.ts";
import { pollSnapshots } from "../client/_wait.ts";
import { abortErrorOf } from "../client/_core.ts";
import { TimeoutError, UnknownStatusError } from "../client/errors.ts";
import {
  phaseOf,
  type StatusPhase,
  type StatusStyle,
  type StatusStyleFn,
} from "../display/progress.ts";
import { MultiJobProgress, type MultiJobState } from "../display/multi_progress.ts";
import type { Column } from "../display/table.ts";

/** A job as generic code sees it: the board's row shape (`id`, `status`, optional extras). */
export type JobSnapshot = MultiJobState;

/** What a status means. */
export interface StatusInfo {
  /** The status as the vendor spells it. */
  status: string;
  /** Whether this client knows the status (an unknown one stops a wait with an error). */
  known: boolean;
  /** Whether the job has ended. */
  terminal: boolean;
  /** Whether it ended well (its results can be read). */
  succeeded: boolean;
  /** Whether it was cancelled (a batch does not retry it as a failure). */
  cancelled: boolean;
  /** Where it sits in a job's life. */
  phase: StatusPhase;
  /** The word a person reads. */
  label: string;
  /** Colour, symbol, hint. */
  style: StatusStyle;
}

/**
 * Build a {@linkcode StatusInfo} from a display style and the vendor's status lists.
 *
 * @example
 * ```ts
 * import { statusInfo, statusStyle } from "../../mod.ts";
 *
 * // A vendor that says queued/done/error: show its statuses with ProteinIQ's looks.
 * const LOOKS: Record<string, string> = { queued: "QUEUED", done: "COMPLETED", error: "FAILED" };
 * const style = (status: string) => statusStyle(LOOKS[status] ?? status);
 * const lists = { known: ["queued", "done", "error"], succeeded: ["done"] };
 * const info = statusInfo("done", style, lists);
 * console.log(info.terminal, info.succeeded, info.label); // true true Completed
 * statusInfo("archived", style, lists).known; // false: a wait stops with UnknownStatusError
 * ```
 */
export function statusInfo(
  status: string,
  style: StatusStyleFn,
  lists: { known: readonly string[]; succeeded: readonly string[]; cancelled?: readonly string[] },
): StatusInfo {
  const look = style(status);
  const known = lists.known.includes(status);
  return {
    status,
    known,
    terminal: known && look.terminal,
    succeeded: lists.succeeded.includes(status),
    cancelled: lists.cancelled?.includes(status) ?? false,
    phase: phaseOf(look),
    label: look.label,
    style: look,
  };
}

/** Per-call options of adapter methods. */
export interface AdapterCallOptions {
  /** Cancels the call. */
  signal?: AbortSignal;
}

/** A finished job's result rows. */
export interface JobRecords {
  /** The rows (usually one per input record). */
  records: Record<string, unknown>[];
  /** Labels, units and digits of the columns, from the tool's contract. */
  columns?: Column[];
}

/** What a whole batch would cost, from the vendor's quotes. */
export interface BatchEstimate {
  /** Credits per payload, in the order given. */
  perItem: number[];
  /** Problems that would stop a payload from being accepted, per payload (empty when fine). */
  problems: string[][];
  /** Credits the workspace has now. */
  availableCredits: number | null;
  /** Concurrency and daily limits, when the vendor reports them. */
  limits: {
    maxConcurrentJobs: number | null;
    activeConcurrentJobs: number | null;
    dailyUsed: number | null;
    dailyMax: number | null;
  };
}

/**
 * A vendor's jobs, as generic code drives them. `P` is what a submission takes.
 * Only `vendor`, `describe`, `style`, `get` and `watch` are needed to wait for and show jobs;
 * batches also need `submit`, and use the optional parts where the vendor has them.
 */
export interface JobAdapter<P = unknown> {
  /** Who runs the jobs, for titles and messages ("ProteinIQ", "Pipeline"). */
  readonly vendor: string;
  /** What a status means. */
  describe(status: string): StatusInfo;
  /** How a status looks (for the displays). */
  readonly style: StatusStyleFn;
  /** The job as it is now. */
  get(jobId: string, options?: AdapterCallOptions): Promise<JobSnapshot>;
  /**
   * Snapshots of the job until the consumer stops — events where the vendor streams them,
   * polling on the vendor's documented schedule otherwise. `current` is the last snapshot
   * known (for per-job-type cadences); the first yield may repeat it.
   */
  watch(
    jobId: string,
    options: { signal: AbortSignal; current?: JobSnapshot },
  ): AsyncIterable<JobSnapshot>;
  /** Create a job. The key makes a repeated submission return the same job. */
  submit?(
    payload: P,
    options: AdapterCallOptions & { idempotencyKey: string },
  ): Promise<JobSnapshot>;
  /** Cancel a job that has not started. */
  cancel?(jobId: string, options?: AdapterCallOptions): Promise<JobSnapshot>;
  /** The rows of a finished job's results, with column metadata when the vendor has it. */
  records?(job: JobSnapshot, options?: AdapterCallOptions): Promise<JobRecords>;
  /** Price payloads before anything is submitted. */
  estimate?(payloads: readonly P[], options?: AdapterCallOptions): Promise<BatchEstimate>;
  /**
   * Which account (workspace, org) the jobs live in: a batch manifest written for another
   * account is set aside instead of being trusted.
   */
  accountId?(options?: AdapterCallOptions): Promise<string | null>;
  /** How many jobs the account may run at once, if the vendor says. */
  concurrency?(options?: AdapterCallOptions): Promise<number | null>;
}

/**
 * Follow a job by polling `fetch` on `schedule` (the generic fallback for vendors without an
 * event stream). `lastPolled` (when each job was last looked at — polled, submitted or
 * read) is shared by every watcher of one client, so the first poll of a job waits its full
 * interval after the last look, and two waits on one job never poll it faster than the
 * schedule allows. The schedule's jitter spreads the polls of many jobs submitted together.
 *
 * @example
 * ```ts
 * import { DOCUMENTED_POLLING, type JobSnapshot, pollJob } from "../../mod.ts";
 *
 * // The `watch` of an adapter for a vendor without an event stream.
 * const lastPolled = new Map<string, number>(); // one per client, shared by its watchers
 * function watch(jobId: string, options: { signal: AbortSignal }): AsyncIterable<JobSnapshot> {
 *   return pollJob(async (signal) => {
 *     const response = await fetch(`https://api.example.com/v1/jobs/${jobId}`, { signal });
 *     const retryAfter = response.headers.get("Retry-After");
 *     const retryAfterSeconds = retryAfter ? Number(retryAfter) : null;
 *     return { job: await response.json(), retryAfterSeconds };
 *   }, DOCUMENTED_POLLING, { signal: options.signal, jobId, lastPolled });
 * }
 * ```
 */
export async function* pollJob(
  fetch: (signal: AbortSignal) => Promise<{ job: JobSnapshot; retryAfterSeconds: number | null }>,
  schedule: PollSchedule,
  options: { signal: AbortSignal; jobId: string; lastPolled: Map<string, number> },
): AsyncGenerator<JobSnapshot> {
  const last = options.lastPolled.get(options.jobId);
  yield* pollSnapshots(
    async (signal) => {
      const answer = await fetch(signal);
      options.lastPolled.set(options.jobId, Date.now());
      return answer;
    },
    schedule,
    { signal: options.signal, sinceLastLookMs: last === undefined ? undefined : Date.now() - last },
  );
}

/** Options of {@linkcode waitForJob}. */
export interface WaitForJobOptions {
  /** Stop waiting (the job keeps running). */
  signal?: AbortSignal;
  /** Give up waiting after this long, with a {@linkcode TimeoutError}. */
  timeoutMs?: number;
  /** Show a live display of the job. Default false. */
  display?: boolean;
  /** Title of the display. */
  title?: string;
  /** Called with every new snapshot. */
  onUpdate?: (job: JobSnapshot) => void;
}

/**
 * Wait until a job of any vendor ends: follows {@linkcode JobAdapter.watch}, stops on a
 * terminal status, and stops with {@linkcode UnknownStatusError} on a status the adapter does
 * not know rather than waiting forever. Resolves with the terminal snapshot.
 *
 * @example
 * ```ts ignore
 * import { waitForJob } from "./adapter.ts";
 * const finished = await waitForJob(adapter, job, { display: true, timeoutMs: 60_000 });
 * ```
 */
export async function waitForJob(
  adapter: JobAdapter<never>,
  job: JobSnapshot,
  options: WaitForJobOptions = {},
): Promise<JobSnapshot> {
  const board = options.display
    ? new MultiJobProgress({
      title: options.title ?? `${adapter.vendor} job`,
      style: adapter.style,
    })
    : undefined;
  let latest = job;
  board?.update(latest);
  const check = (snapshot: JobSnapshot) => {
    const info = adapter.describe(snapshot.status);
    if (!info.known) throw new UnknownStatusError(snapshot.id, snapshot.status);
    return info.terminal;
  };
  try {
    if (check(latest)) return latest;
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const deadline = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      controller.abort(
        new TimeoutError(
          `Stopped waiting for ${adapter.vendor} job ${job.id} after ${options.timeoutMs} ms; it is ` +
            `${latest.status} and keeps running — wait again to keep following it`,
        ),
      );
    }, options.timeoutMs);
    try {
      if (options.signal?.aborted) throw abortErrorOf(options.signal);
      for await (
        const snapshot of adapter.watch(job.id, { signal: controller.signal, current: latest })
      ) {
        latest = snapshot;
        board?.update(snapshot);
        options.onUpdate?.(snapshot);
        if (check(snapshot)) return snapshot;
      }
      throw controller.signal.aborted
        ? abortErrorOf(controller.signal)
        : new Error(`the watch of ${adapter.vendor} job ${job.id} ended before the job did`);
    } catch (error) {
      if (controller.signal.aborted && !(error instanceof UnknownStatusError)) {
        throw abortErrorOf(controller.signal);
      }
      throw error;
    } finally {
      clearTimeout(deadline);
      options.signal?.removeEventListener("abort", onAbort);
    }
  } finally {
    await board?.finish(latest);
  }
}

/** Options of {@linkcode waitForJobs}. */
export interface WaitForJobsOptions extends Omit<WaitForJobOptions, "onUpdate"> {
  /** Called with every new snapshot of any job. */
  onUpdate?: (job: JobSnapshot) => void;
}

/**
 * Wait for several jobs of one vendor at once, with one live board (one row per job).
 * Resolves with the terminal snapshots in the order given; a job whose wait fails rejects the
 * whole call only after the others have ended, so the board always reaches its final state.
 *
 * @example
 * ```ts ignore
 * import { waitForJobs } from "./adapter.ts";
 * const finished = await waitForJobs(adapter, jobs, { display: true, title: "Variant 1" });
 * ```
 */
export async function waitForJobs(
  adapter: JobAdapter<never>,
  jobs: readonly JobSnapshot[],
  options: WaitForJobsOptions = {},
): Promise<JobSnapshot[]> {
  const board = options.display
    ? new MultiJobProgress({
      title: options.title ?? `${adapter.vendor} jobs`,
      style: adapter.style,
    })
    : undefined;
  board?.update(jobs);
  const latest = new Map(jobs.map((job) => [job.id, job]));
  const outcomes = await Promise.allSettled(jobs.map((job) =>
    waitForJob(adapter, job, {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      onUpdate: (snapshot) => {
        latest.set(snapshot.id, snapshot);
        board?.update(snapshot);
        options.onUpdate?.(snapshot);
      },
    })
  ));
  await board?.finish(
    outcomes.map((outcome, index) =>
      outcome.status === "fulfilled" ? outcome.value : latest.get(jobs[index].id)!
    ),
  );
  const failed = outcomes.find((outcome) => outcome.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<JobSnapshot>).value);
}
