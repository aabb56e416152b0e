/**
 * The jobs resource: quote, submit, status, list and cancel.
 *
 * @example
 * ```ts
 * import { connect, fastaInput } from "../../mod.ts";
 * const piq = await connect();
 * const request = {
 *   tool: "protein-properties",
 *   name: "Lysozyme",
 *   input: fastaInput(">lysozyme\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSR"),
 * };
 * const quote = await piq.jobs.quote(request);
 * if (quote.blocking_errors.length === 0) {
 *   const job = await piq.jobs.submit(request);
 *   await job.wait();
 * }
 * ```
 * @module
 */
import type { z } from "zod";
import { JobQuote, QuoteRequest, SubmitRequest } from "../contract/jobs.ts";
import { ROUTES } from "../contract/routes.ts";
import { issuesOf } from "../contract/issues.ts";
import type { ClientContext } from "./_context.ts";
import type { RequestOptions } from "./_core.ts";
import { ClientJob, ClientJobList } from "./_schemas.ts";
import { InvalidRequestError } from "./errors.ts";
import { cancelJobById, Job, type JobCancellationResult } from "./job.ts";
import { type Displayable, withDisplay } from "../display/_jupyter.ts";
import { renderQuote } from "../display/quote.ts";
import { renderJobHistory } from "../display/history.ts";

/** A quote that shows as a card. */
export type Quote = JobQuote & Displayable;

/** What a job submission takes (`POST /api/v1/jobs`). */
export type JobRequest = z.input<typeof SubmitRequest>;

/** Options of a submission. */
export interface SubmitOptions extends RequestOptions {
  /** Your own idempotency key (e.g. derived from the inputs); one is generated otherwise. */
  idempotencyKey?: string;
}

/** Filters of the job history. */
export interface ListJobsOptions extends RequestOptions {
  /** Only this tool's jobs (the per-tool history). */
  tool?: string;
  /** Only jobs in this status. */
  status?: string;
  /** Jobs whose name contains this text. */
  q?: string;
  /** Page size, 1–100 (default 20). */
  pageSize?: number;
}

function checked<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidRequestError(what, issuesOf(parsed.error));
  return parsed.data;
}

/** The job history: iterate every job (newest first) across pages, or take the first N. */
export class JobHistory implements AsyncIterable<Job> {
  readonly #ctx: ClientContext;
  readonly #options: ListJobsOptions;

  /** A listing with filters. */
  constructor(ctx: ClientContext, options: ListJobsOptions) {
    this.#ctx = ctx;
    this.#options = options;
  }

  /** Each page, following `next_cursor`. */
  async *pages(): AsyncGenerator<Job[]> {
    let cursor: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const { data } = await this.#ctx.core.call(ROUTES.listJobs, ClientJobList, {
        signal: this.#options.signal,
        timeoutMs: this.#options.timeoutMs,
        maxRetries: this.#options.maxRetries,
        query: {
          limit: this.#options.pageSize ?? 20,
          starting_after: cursor,
          tool: this.#options.tool,
          status: this.#options.status,
          q: this.#options.q,
        },
      });
      // A page can overlap the previous one if jobs were created meanwhile: never repeat a job.
      const fresh = data.data.filter((job) => !seen.has(job.id));
      fresh.forEach((job) => seen.add(job.id));
      yield fresh.map((job) => new Job(this.#ctx, job));
      if (!data.has_more || !data.next_cursor || data.next_cursor === cursor) return;
      cursor = data.next_cursor;
    }
  }

  /** Every job, newest first. */
  async *[Symbol.asyncIterator](): AsyncIterator<Job> {
    for await (const page of this.pages()) yield* page;
  }

  /** The first `count` jobs, as a list that shows as the history table. */
  async take(count: number): Promise<Job[] & Displayable> {
    const jobs: Job[] = [];
    if (count > 0) {
      for await (const job of this) {
        jobs.push(job);
        if (jobs.length >= count) break;
      }
    }
    const title = this.#options.tool ? `Jobs of ${this.#options.tool}` : "Jobs";
    return withDisplay(jobs, () => renderJobHistory(jobs.map((job) => job.data), { title }));
  }
}

/** Jobs. */
export class Jobs {
  readonly #ctx: ClientContext;

  /** Over a client context. */
  constructor(ctx: ClientContext) {
    this.#ctx = ctx;
  }

  /**
   * Validate a payload and estimate credits without creating a job
   * (`POST /api/v1/jobs/quote`). `name` may be present and is ignored.
   */
  async quote(
    request: Omit<JobRequest, "name"> & { name?: string },
    options: RequestOptions = {},
  ): Promise<Quote> {
    const { name: _name, project_id: _project, max_quoted_credits: _max, ...rest } =
      request as JobRequest;
    const body = checked(QuoteRequest, rest, "The quote request");
    const { data } = await this.#ctx.core.call(ROUTES.quoteJob, JobQuote, { ...options, body });
    return withDisplay(data, () => renderQuote(data));
  }

  /**
   * Create a job (`POST /api/v1/jobs`). Always sends an `Idempotency-Key` — yours or a
   * generated one that every retry of this call reuses — so a retry never creates a second job.
   */
  async submit(request: JobRequest, options: SubmitOptions = {}): Promise<Job> {
    const body = checked(SubmitRequest, request, "The job request");
    const { data } = await this.#ctx.core.call(ROUTES.submitJob, ClientJob, {
      ...options,
      body,
      idempotencyKey: options.idempotencyKey,
    });
    return new Job(this.#ctx, data, { request });
  }

  /** A job by id, with its current status (`GET /api/v1/jobs/{jobId}/status`). */
  async get(jobId: string, options: RequestOptions = {}): Promise<Job> {
    const { data } = await this.#ctx.core.call(ROUTES.jobStatus, ClientJob, {
      ...options,
      params: { jobId },
    });
    return new Job(this.#ctx, data);
  }

  /** The job history, newest first; `for await` over it or `.take(n)`. */
  list(options: ListJobsOptions = {}): JobHistory {
    return new JobHistory(this.#ctx, options);
  }

  /** Cancel a pending or queued job (`POST /api/v1/jobs/{jobId}/cancel`). */
  async cancel(jobId: string, options: RequestOptions = {}): Promise<JobCancellationResult> {
    return await cancelJobById(this.#ctx, jobId, options);
  }
}
