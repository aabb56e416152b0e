/**
 * `Job`: a handle on one job. It keeps the latest job resource (its fields are the API's,
 * e.g. `job.status`, `job.progress`, `job.credits_used`) and the payload it was submitted
 * with, and knows how to wait, fetch its result and cancel.
 *
 * @example
 * ```ts
 * import { connect, fastaInput } from "../../mod.ts";

 * const piq = await connect();
 * const job = await piq.jobs.submit({
 *   tool: "protein-properties",
 *   name: "Insulin B chain",
 *   input: fastaInput(">insulin_b\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT"),
 * });
 * await job.wait();
 * console.log(job.status); // "COMPLETED"
 * ```
 * @module
 */
import type { ClientJobCancellation as ClientJobCancellationShape } from "../contract/_wire.ts";

import { ROUTES } from "../contract/routes.ts";

import type { ClientContext } from "./_context.ts";

import {
  ClientJob as ClientJobSchema,
  ClientJobCancellation,
  ClientJobResult,
} from "./_schemas.ts";
import type { RequestOptions } from "./_core.ts";

import { abortErrorOf } from "./_core.ts";

import { isKnownStatus, isTerminal } from "./_wait.ts";

import { ConflictError, JobStateError, TimeoutError, UnknownStatusError } from "./errors.ts";

import { Result } from "./result.ts";

import { $display, cellOutput, type MimeBundle } from "../display/_jupyter.ts";

import { LiveProgress, progressLine, renderJobProgress } from "../display/progress.ts";

import { canonicalJson, sha256Hex } from "../contract/canonical.ts";
import type { SubmitRequest } from "../contract/_wire.ts";
import type { ClientJob } from "../contract/_wire.ts";

/** Options of {@linkcode Job.wait}. */
export interface WaitOptions {
  /** Stop waiting (the job keeps running unless `cancelOnAbort`). */
  signal?: AbortSignal;
  /** Give up waiting after this long, with a {@linkcode TimeoutError}. */
  timeoutMs?: number;
  /** Cancel the job when the wait is aborted or times out (only PENDING/QUEUED jobs can be). */
  cancelOnAbort?: boolean;
  /** Show a live progress display (Jupyter) or progress lines (terminal). */
  display?: boolean;
  /** Called with every new state. */
  onUpdate?: (job: Job) => void;
}

/** The documented `job_cancellation` object (`POST /api/v1/jobs/{jobId}/cancel`). */
export type JobCancellationResult = ClientJobCancellationShape;

/** Options of {@linkcode Job.retry}. */
export interface RetryJobOptions extends RequestOptions {
  /** Name of the new job. Default: the same name. */
  name?: string;
  /**
   * Idempotency key of the new submission. Default: derived from this job's id, so calling
   * `retry()` twice on the same job (a re-run cell) returns the same new job instead of
   * paying twice; pass your own key to force another run.
   */
  idempotencyKey?: string;
}

/** Options of {@linkcode Job.duplicate}. */
export interface DuplicateJobOptions extends RequestOptions {
  /** Name of the copy. Default: this job's name with " (copy)". */
  name?: string;
  /** Settings to change; the others keep this job's values. `null` resets one to its default. */
  settings?: Record<string, string | number | boolean | null>;
  /**
   * Idempotency key of the new submission. Default: derived from this job's id and the copy's
   * request, so a re-run cell returns the copy it made the first time; pass your own key for
   * yet another copy.
   */
  idempotencyKey?: string;
}

/** Cancel a job by id. */
export async function cancelJobById(
  ctx: ClientContext,
  jobId: string,
  options: RequestOptions = {},
): Promise<JobCancellationResult> {
  try {
    const { data } = await ctx.core.call(ROUTES.cancelJob, ClientJobCancellation, {
      ...options,
      params: { jobId },
    });
    return data;
  } catch (error) {
    // The first attempt cancelled the job but its answer was lost: the retry then finds the
    // job CANCELLED. Answer with the job as it is now instead of a misleading conflict.
    if (
      error instanceof ConflictError && error.afterLostResponse &&
      error.currentStatus === "CANCELLED"
    ) {
      const { data: job } = await ctx.core.call(ROUTES.jobStatus, ClientJobSchema, {
        ...options,
        params: { jobId },
      });
      return {
        object: "job_cancellation",
        refunded: job.billing?.outcome === "refunded" || job.credits_used === 0,
        job,
      };
    }
    throw error;
  }
}

const RETRYABLE_FROM = ["FAILED", "TIMEOUT"] as const;
const DUPLICABLE_FROM = ["COMPLETED"] as const;

// Field names and types come from the wire schema; the class adds behaviour.
/** The job resource's fields, e.g. `job.status`, `job.progress`, `job.credits_used`. */
export interface Job extends Readonly<ClientJob> {}

/**
 * A handle on one job.
 *
 * @example
 * ```ts
 * import { connect, fastaInput } from "../../mod.ts";
 *
 * const piq = await connect();
 * const job = await piq.jobs.submit({
 *   tool: "protein-properties",
 *   name: "Insulin B chain",
 *   input: fastaInput(">insulin_b\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT"),
 * });
 * await job.wait(); // a live progress card in a notebook, a line in a terminal
 * console.log(job.status, job.credits_used, job.execution_time_seconds);
 * if (job.status === "COMPLETED") console.log((await job.result()).records);
 * ```
 */
export class Job {
  readonly #ctx: ClientContext;
  #data: ClientJob;
  readonly #reattached: boolean;

  /** Wrap a job resource. */
  constructor(
    ctx: ClientContext,
    data: ClientJob,
    options: { request?: SubmitRequest; reattached?: boolean } = {},
  ) {
    this.#ctx = ctx;
    this.#data = data;
    this.#reattached = options.reattached ?? false;
    if (options.request) ctx.requests.set(data.id, options.request);
    Object.assign(this, data);
    // Seen ended (a listing, jobs.get): an identical submission from now on is a new run.
    if (isTerminal(data.status)) void ctx.submits?.ended(data.id);
  }

  /**
   * Whether `jobs.submit` returned this job because an identical earlier submission (a cell
   * run before, or before a kernel restart) had made it: no new job, no new charge.
   */
  get reattached(): boolean {
    return this.#reattached;
  }

  /** The latest job resource, as the API sent it. */
  get data(): ClientJob {
    return this.#data;
  }

  /**
   * The payload this job was submitted with, when this client submitted it (the API does not
   * return a job's inputs, so jobs from another session have none).
   */
  get request(): SubmitRequest | undefined {
    return this.#ctx.requests.get(this.#data.id);
  }

  /** Whether the job has ended (COMPLETED, FAILED, TIMEOUT, CANCELLED, BUDGET_EXCEEDED). */
  get terminal(): boolean {
    return isTerminal(this.#data.status);
  }

  /** @internal Replace the state with a newer snapshot. */
  apply(data: ClientJob): this {
    this.#data = data;
    Object.assign(this, data);
    // Seen to end: an identical submission from now on is a deliberate new run.
    if (isTerminal(data.status)) void this.#ctx.submits?.ended(data.id);
    return this;
  }

  /** Fetch the current state (`GET /api/v1/jobs/{jobId}/status`). */
  async refresh(options: RequestOptions = {}): Promise<this> {
    const { data } = await this.#ctx.core.call(ROUTES.jobStatus, ClientJobSchema, {
      ...options,
      params: { jobId: this.#data.id },
    });
    this.#ctx.lastPolled.set(this.#data.id, Date.now());
    return this.apply(data);
  }

  /**
   * Wait until the job ends. Streams the job's events and falls back to the documented
   * polling strategy; shows a live progress display by default.
   * Resolves with nothing, so `await job.wait()` ending a cell leaves only the live card (read
   * the final state from the handle itself); throws {@linkcode TimeoutError} past `timeoutMs`,
   * {@linkcode UnknownStatusError} on a status this client does not know.
   */
  async wait(options: WaitOptions = {}): Promise<void> {
    const live = (options.display ?? this.#ctx.displayByDefault) ? new LiveProgress() : undefined;
    const finishLive = async () => {
      if (!live) return;
      await live.finish(this.#data);
    };
    live?.update(this.#data);
    if (this.terminal) {
      await finishLive();
      return;
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const deadline = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      controller.abort(
        new TimeoutError(
          `Stopped waiting for job ${this.#data.id} after ${options.timeoutMs} ms; it is ${this.#data.status} ` +
            "and keeps running — call job.wait() again, or job.cancel() if it is still PENDING or QUEUED",
        ),
      );
    }, options.timeoutMs);
    try {
      if (options.signal?.aborted) throw abortErrorOf(options.signal);
      for await (
        const snapshot of this.#ctx.watch(this.#data.id, { signal: controller.signal })
      ) {
        this.apply(snapshot);
        live?.update(snapshot);
        options.onUpdate?.(this);
        if (!isKnownStatus(snapshot.status)) {
          throw new UnknownStatusError(snapshot.id, snapshot.status);
        }
        if (isTerminal(snapshot.status)) break;
      }
      if (!this.terminal && controller.signal.aborted) throw abortErrorOf(controller.signal);
    } catch (error) {
      if (options.cancelOnAbort && controller.signal.aborted && !this.terminal) {
        await this.cancel().catch(() => undefined);
      }
      throw controller.signal.aborted && !(error instanceof UnknownStatusError)
        ? abortErrorOf(controller.signal)
        : error;
    } finally {
      clearTimeout(deadline);
      options.signal?.removeEventListener("abort", onAbort);
      await finishLive();
    }
  }

  /**
   * Fetch the result (`GET /api/v1/results/{jobId}`): structured output and files.
   * Call it after {@linkcode Job.wait}; before a result-ready status the API answers
   * `job_not_completed`.
   */
  async result(options: RequestOptions = {}): Promise<Result> {
    const [{ data }, contract] = await Promise.all([
      this.#ctx.core.call(ROUTES.getResult, ClientJobResult, {
        ...options,
        params: { jobId: this.#data.id },
      }),
      this.#ctx.toolContract(this.#data.tool),
    ]);
    return new Result(this.#ctx, data, { contract, job: this.#data });
  }

  /** Cancel the job (`POST /api/v1/jobs/{jobId}/cancel`); only PENDING or QUEUED jobs can be. */
  async cancel(options: RequestOptions = {}): Promise<JobCancellationResult> {
    const cancellation = await cancelJobById(this.#ctx, this.#data.id, options);
    this.apply(cancellation.job);
    return cancellation;
  }

  /**
   * Retry a FAILED or TIMEOUT job, as the web app's job menu does: a new job with the same
   * inputs and settings (credits are charged for it as usual). Resolves with the new job.
   *
   * @example
   * ```ts
   * import { connect, fastaInput } from "../../mod.ts";

   * const piq = await connect();
   * const job = await piq.jobs.submit({
   *   tool: "protein-properties", name: "run", input: fastaInput(">a\nMKTAYIAKQR"),
   * });
   * await job.wait({ display: false });
   * if (job.status === "FAILED" || job.status === "TIMEOUT") {
   *   const again = await job.retry();
   *   await again.wait();
   * }
   * ```
   */
  async retry(options: RetryJobOptions = {}): Promise<Job> {
    const request = await this.#sourceRequest("retry", RETRYABLE_FROM, options);
    const { name, idempotencyKey, ...requestOptions } = options;
    const body = { ...request, ...(name !== undefined ? { name } : {}) };
    // Same source job and same body → same key → the API returns the job made the first time.
    const derived = `retry_${this.#data.id}_${sha256Hex(canonicalJson(body)).slice(0, 16)}`;
    return await this.#ctx.submit(body, {
      ...requestOptions,
      idempotencyKey: idempotencyKey ?? derived,
    });
  }

  /**
   * Duplicate a COMPLETED job, as the web app's job menu does: a new job with the same inputs
   * and changed settings or name. Settings are checked against the tool's contract first.
   *
   * @example
   * ```ts
   * import { connect, fastaInput } from "../../mod.ts";

   * const piq = await connect();
   * const job = await piq.jobs.submit({
   *   tool: "protein-properties", name: "pH 7", input: fastaInput(">a\nMKTAYIAKQR"),
   * });
   * await job.wait({ display: false });
   * const acidic = await job.duplicate({ name: "pH 5", settings: { ph: 5 } });
   * ```
   */
  async duplicate(options: DuplicateJobOptions = {}): Promise<Job> {
    const request = await this.#sourceRequest("duplicate", DUPLICABLE_FROM, options);
    const { name, settings, idempotencyKey, ...requestOptions } = options;
    const merged: Record<string, string | number | boolean | null> = { ...request.settings };
    for (const [id, value] of Object.entries(settings ?? {})) {
      if (value === null) delete merged[id];
      else merged[id] = value;
    }
    const body = { ...request, name: name ?? `${request.name} (copy)`, settings: merged };
    // Its own key, never the remembered one of an identical request: a copy named like its
    // source would otherwise be re-attached to the source job.
    const derived = `duplicate_${this.#data.id}_${sha256Hex(canonicalJson(body)).slice(0, 16)}`;
    return await this.#ctx.submit(body, {
      ...requestOptions,
      idempotencyKey: idempotencyKey ?? derived,
    });
  }

  /** The submitted payload, after checking that this job may be retried or duplicated. */
  async #sourceRequest(
    action: "retry" | "duplicate",
    allowed: readonly string[],
    options: RequestOptions,
  ): Promise<SubmitRequest> {
    // A stale handle may still say PROCESSING although the job ended: look before refusing.
    if (!allowed.includes(this.#data.status) && !this.terminal) await this.refresh(options);
    const done = action === "retry" ? "retried" : "duplicated";
    if (!allowed.includes(this.#data.status)) {
      const status = this.#data.status;
      const hint = action === "retry" && status === "COMPLETED"
        ? "; use job.duplicate() to run a completed job again"
        : action === "duplicate" && RETRYABLE_FROM.includes(status as "FAILED")
        ? "; use job.retry() to run a failed job again"
        : !this.terminal
        ? "; wait for it to end first (job.wait())"
        : "";
      throw new JobStateError(
        `Job ${this.#data.id} is ${status}; only ${
          allowed.join(" or ")
        } jobs can be ${done}${hint}`,
        { jobId: this.#data.id, status, allowed },
      );
    }
    const request = this.request;
    if (!request) {
      throw new JobStateError(
        `Job ${this.#data.id} cannot be ${done} from here: the API does not return a job's ` +
          "inputs, and this client did not submit it. " +
          "Submit the same request again with piq.jobs.submit().",
        { jobId: this.#data.id, status: this.#data.status, allowed },
      );
    }
    return structuredClone(request);
  }

  /** One line of text. */
  toString(): string {
    return progressLine(this.#data);
  }

  /** Jupyter display: the progress card as it is now. */
  [$display](): MimeBundle {
    return cellOutput(renderJobProgress(this.#data));
  }
}
