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
import type { SubmitRequest } from "../contract/jobs.ts";
import { ROUTES } from "../contract/routes.ts";
import type { ClientContext } from "./_context.ts";
import { ClientJob, ClientJobCancellation, ClientJobResult } from "./_schemas.ts";
import type { RequestOptions } from "./_core.ts";
import { abortErrorOf } from "./_core.ts";
import { isKnownStatus, isTerminal } from "./_wait.ts";
import { TimeoutError, UnknownStatusError } from "./errors.ts";
import { Result } from "./result.ts";
import { $display, type MimeBundle } from "../display/_jupyter.ts";
import { LiveProgress, progressLine, renderJobProgress } from "../display/progress.ts";
import { html } from "../display/_html.ts";
import type { z } from "zod";

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

/** The documented `job_cancellation` object. */
export type JobCancellationResult = z.infer<typeof ClientJobCancellation>;

/** Cancel a job by id. */
export async function cancelJobById(
  ctx: ClientContext,
  jobId: string,
  options: RequestOptions = {},
): Promise<JobCancellationResult> {
  const { data } = await ctx.core.call(ROUTES.cancelJob, ClientJobCancellation, {
    ...options,
    params: { jobId },
  });
  return data;
}

// Field names and types come from the wire schema; the class adds behaviour.
export interface Job extends Readonly<ClientJob> {}

/** A handle on one job. */
export class Job {
  readonly #ctx: ClientContext;
  #data: ClientJob;
  readonly #request?: z.input<typeof SubmitRequest>;
  #lastPolledAt = 0;
  #liveShown = false;

  /** Wrap a job resource. */
  constructor(
    ctx: ClientContext,
    data: ClientJob,
    options: { request?: z.input<typeof SubmitRequest> } = {},
  ) {
    this.#ctx = ctx;
    this.#data = data;
    this.#request = options.request;
    Object.assign(this, data);
  }

  /** The latest job resource, as the API sent it. */
  get data(): ClientJob {
    return this.#data;
  }

  /** The payload this job was submitted with, when this handle submitted it. */
  get request(): z.input<typeof SubmitRequest> | undefined {
    return this.#request;
  }

  /** Whether the job has ended (COMPLETED, FAILED, TIMEOUT, CANCELLED, BUDGET_EXCEEDED). */
  get terminal(): boolean {
    return isTerminal(this.#data.status);
  }

  /** @internal Replace the state with a newer snapshot. */
  apply(data: ClientJob): this {
    this.#data = data;
    Object.assign(this, data);
    return this;
  }

  /** Fetch the current state (`GET /api/v1/jobs/{jobId}/status`). */
  async refresh(options: RequestOptions = {}): Promise<this> {
    const { data } = await this.#ctx.core.call(ROUTES.jobStatus, ClientJob, {
      ...options,
      params: { jobId: this.#data.id },
    });
    this.#lastPolledAt = Date.now();
    return this.apply(data);
  }

  /**
   * Wait until the job ends. Streams the job's events and falls back to the documented
   * polling strategy; shows a live progress display by default.
   * Resolves with this handle; throws {@linkcode TimeoutError} past `timeoutMs`,
   * {@linkcode UnknownStatusError} on a status this client does not know.
   */
  async wait(options: WaitOptions = {}): Promise<this> {
    const live = (options.display ?? this.#ctx.displayByDefault) ? new LiveProgress() : undefined;
    if (live) this.#liveShown = true;
    live?.update(this.#data);
    if (this.terminal) {
      await live?.finish(this.#data);
      return this;
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
        const snapshot of this.#ctx.watch(this.#data.id, {
          signal: controller.signal,
          lastPolledAt: this.#lastPolledAt,
        })
      ) {
        this.#lastPolledAt = Date.now();
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
      await live?.finish(this.#data);
    }
    return this;
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

  /** One line of text. */
  toString(): string {
    return progressLine(this.#data);
  }

  /** Jupyter display: the progress card, or one line when a live display already shows it. */
  [$display](): MimeBundle {
    if (this.#liveShown && this.terminal) {
      const line = progressLine(this.#data).split("\n")[0];
      return {
        "text/plain": line,
        "text/html":
          html`<div style="font-family: system-ui, sans-serif; font-size: 12px; color: #6b7280;">${line}</div>`
            .value,
      };
    }
    return renderJobProgress(this.#data);
  }
}
