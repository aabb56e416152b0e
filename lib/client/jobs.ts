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
import type { z } from "../_deps/zod.ts";
import {
  JobQuote as JobQuoteSchema,
  QuoteRequest,
  SubmitRequest as SubmitRequestSchema,
} from "../contract/jobs.ts";
import { ROUTES } from "../contract/routes.ts";
import { type Issue, issuesOf } from "../contract/issues.ts";
import type { ClientContext } from "./_context.ts";
import type { RequestOptions } from "./_core.ts";
import { ClientJob, ClientJobList } from "./_schemas.ts";
import { InvalidRequestError, NotFoundError, ProteinIQError } from "./errors.ts";
import { cancelJobById, Job, type JobCancellationResult } from "./job.ts";
import { Listing } from "./_pagination.ts";
import type { Tools } from "./tools.ts";
import { checkJobRequest } from "../contract/check.ts";
import { type Displayable, withDisplay } from "../display/_jupyter.ts";
import { renderQuote } from "../display/quote.ts";
import { renderJobHistory } from "../display/history.ts";
import type { JobQuote, SubmitRequest } from "../contract/_wire.ts";

/** A quote that shows as a card. */
export type Quote = JobQuote & Displayable;

/** What a job submission takes (`POST /api/v1/jobs`). */
export type JobRequest = SubmitRequest;

/** Options of a quote. */
export interface QuoteOptions extends RequestOptions {
  /**
   * Check the request against the tool's contract (`GET /api/v1/tools/{toolId}`, cached)
   * before sending it. Default true.
   */
  validate?: boolean;
}

/** Options of a submission. */
export interface SubmitOptions extends QuoteOptions {
  /**
   * Your own idempotency key (e.g. `"run-2"` for a deliberate second run of a request). Without
   * one, the client reuses the remembered key of an identical submission whose job it has not
   * seen end, or generates one.
   */
  idempotencyKey?: string;
  /**
   * `false`: a deliberate new run — a fresh key, not remembered, even when an identical
   * submission is still remembered. Default true.
   */
  remember?: boolean;
}

/** What a submission that may have created its job says, for a remembered key. */
const rememberedNote = (key: string) =>
  `The job may have been created and charged (Idempotency-Key ${key}); re-running this cell ` +
  "is safe: the same request sends the same key and returns that job instead of creating another.";
/** The same, for the caller's own key. */
const ownKeyNote = (key: string) =>
  `The job may have been created and charged (Idempotency-Key ${key}); submitting again with ` +
  "the same idempotencyKey is safe: it returns that job instead of creating another.";

/** Filters of the job history. */
export interface ListJobsOptions extends RequestOptions {
  /** Only this tool's jobs (the per-tool history). */
  tool?: string;
  /** Only jobs in this status. */
  status?: string;
  /** Jobs whose name contains this text. */
  q?: string;
  /** Page size, 1–100 (default 20; `take(n)` asks for n when smaller). */
  pageSize?: number;
}

function checked<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidRequestError(what, issuesOf(parsed.error));
  return parsed.data;
}

/**
 * The job history: iterate every job (newest first) across pages, or take the first N.
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 *
 * const piq = await connect();
 * const history = piq.jobs.list({ tool: "protein-properties", status: "COMPLETED" });
 * for await (const job of history) console.log(job.name, job.credits_used);
 * const latest = await history.take(5); // as a cell's last line: the history table
 * ```
 */
export class JobHistory extends Listing<Job> {
  readonly #title: string;

  /** A listing with filters. */
  constructor(ctx: ClientContext, options: ListJobsOptions) {
    super(async (cursor, limit, requestOptions) => {
      const { data } = await ctx.core.call(ROUTES.listJobs, ClientJobList, {
        signal: requestOptions.signal,
        timeoutMs: requestOptions.timeoutMs,
        maxRetries: requestOptions.maxRetries,
        query: {
          limit,
          starting_after: cursor,
          tool: options.tool,
          status: options.status,
          q: options.q,
        },
      });
      return { ...data, data: data.data.map((job) => new Job(ctx, job)) };
    }, options);
    this.#title = options.tool ? `Jobs of ${options.tool}` : "Jobs";
  }

  /** The first `count` jobs, as a list that shows as the history table. */
  override async take(count: number): Promise<Job[] & Displayable> {
    const jobs = await super.take(count);
    const title = this.#title;
    return withDisplay(jobs, () => renderJobHistory(jobs.map((job) => job.data), { title }));
  }
}

/**
 * Jobs.
 *
 * @example
 * ```ts
 * import { connect, fastaInput } from "../../mod.ts";
 *
 * const piq = await connect();
 * const request = {
 *   tool: "protein-properties",
 *   name: "Insulin B chain",
 *   input: fastaInput(">insulin_b\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT"),
 * };
 * const quote = await piq.jobs.quote(request); // creates no job, costs nothing
 * if (quote.blocking_errors.length === 0) {
 *   const job = await piq.jobs.submit(request);
 *   const again = await piq.jobs.get(job.id); // e.g. from another cell, by id
 *   console.log(quote.estimated_credits, again.status);
 * }
 * ```
 */
export class Jobs {
  readonly #ctx: ClientContext;
  readonly #tools: Tools;

  /** Over a client context and the tools resource (for contracts). */
  constructor(ctx: ClientContext, tools: Tools) {
    this.#ctx = ctx;
    this.#tools = tools;
  }

  /**
   * Validate a payload and estimate credits without creating a job
   * (`POST /api/v1/jobs/quote`). `name` may be present and is ignored. The request is checked
   * against the tool's contract first; problems throw {@linkcode InvalidRequestError}.
   */
  async quote(
    request: Omit<JobRequest, "name"> & { name?: string },
    options: QuoteOptions = {},
  ): Promise<Quote> {
    const { name: _name, project_id: _project, max_quoted_credits: _max, ...rest } =
      request as JobRequest;
    const body = checked(QuoteRequest, rest, "The quote request");
    const { validate, ...requestOptions } = options;
    if (validate !== false) await this.#preflight(body, "The quote request", requestOptions);
    const { data } = await this.#ctx.core.call(ROUTES.quoteJob, JobQuoteSchema, {
      ...requestOptions,
      body,
    });
    return withDisplay(data, () => renderQuote(data));
  }

  /**
   * Create a job (`POST /api/v1/jobs`). The request is checked against the tool's contract
   * first, so a mistake costs nothing. Always sends an `Idempotency-Key` — yours or a
   * generated one that every retry of this call reuses — so a retry never creates a second job.
   *
   * The generated key is remembered (in memory and in `.proteiniq-submits/` next to the
   * notebook) together with a hash of the request, until this client sees the job end or the
   * server refuses the submission. Submitting the identical request meanwhile — the same cell
   * run again after a `ConnectionError`, an interrupted wait, or Restart & Run All after a
   * kernel restart — sends the same key and returns the first job (`job.reattached`), so it
   * never pays twice. A deliberate second run says so: `{ remember: false }`, your own
   * `idempotencyKey`, `job.duplicate()` or `job.retry()`.
   *
   * @example
   * ```ts
   * import { connect, fastaInput } from "../../mod.ts";
   * const piq = await connect();
   * const request = { tool: "protein-properties", name: "a", input: fastaInput(">a\nMKTAYIAKQR") };
   * const job = await piq.jobs.submit(request);
   * const same = await piq.jobs.submit(request); // still running: the same job, no new charge
   * console.log(same.id === job.id, same.reattached); // true true
   * const second = await piq.jobs.submit(request, { remember: false }); // a deliberate second run
   * await Promise.all([job.wait(), second.wait()]);
   * ```
   */
  async submit(request: JobRequest, options: SubmitOptions = {}): Promise<Job> {
    const body = checked(SubmitRequestSchema, request, "The job request");
    const { validate, idempotencyKey, remember, ...requestOptions } = options;
    if (validate !== false) await this.#preflight(body, "The job request", requestOptions);
    const submits = idempotencyKey === undefined && remember !== false ? this.#ctx.submits : null;
    const hash = submits?.hashOf(this.#ctx.core.keyHint, body);
    const entry = submits && hash ? await submits.begin(hash) : undefined;
    let response;
    try {
      response = await this.#ctx.core.call(ROUTES.submitJob, ClientJob, {
        ...requestOptions,
        body,
        idempotencyKey: idempotencyKey ?? entry?.idempotencyKey,
      });
    } catch (error) {
      const applied = !(error instanceof ProteinIQError) || error.mayHaveCommitted;
      // Only a definitive answer ends the entry; otherwise the next identical submission
      // must send the same key to find the job this one may have made.
      if (submits && hash && !applied) await submits.forget(hash);
      // On disk before the error shows: the user may restart the kernel right away.
      await submits?.flush();
      if (error instanceof ProteinIQError && error.mayHaveCommitted && error.idempotencyKey) {
        const key = error.idempotencyKey;
        error.markMayHaveCommitted(key, entry ? rememberedNote(key) : ownKeyNote(key));
      }
      throw error;
    }
    let { data } = response;
    const reattached = entry?.reused === true &&
      (response.headers.get("idempotent-replayed") === "true" || entry.jobId === data.id);
    if (submits && hash) {
      await submits.flush();
      submits.attached(hash, data.id);
    }
    if (reattached) {
      // The replay is the job as it was created; show where it is now.
      data = await this.#ctx.core.call(ROUTES.jobStatus, ClientJob, {
        ...requestOptions,
        params: { jobId: data.id },
      }).then((status) => status.data, () => data);
      const when = new Date(entry!.createdAt).toISOString().replace(/\.\d+Z$/, "Z");
      this.#ctx.notice(
        `proteiniq: this request was already submitted at ${when}; re-attached to job ${data.id} ` +
          "(no new job, no new charge). For a second run pass { remember: false } or an " +
          "idempotencyKey, or use job.duplicate().",
      );
    }
    // The submission's answer is a snapshot: the first status poll waits the full interval.
    this.#ctx.lastPolled.set(data.id, Date.now());
    const job = new Job(this.#ctx, data, { request: structuredClone(request), reattached });
    if (job.terminal) await submits?.ended(data.id);
    return job;
  }

  /** Throw {@linkcode InvalidRequestError} when the request breaks its tool's contract. */
  async #preflight(
    body: z.output<typeof QuoteRequest>,
    what: string,
    options: RequestOptions,
  ): Promise<void> {
    let issues: Issue[];
    try {
      const tool = await this.#tools.get(body.tool, options);
      issues = checkJobRequest(tool, body);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      const known = await this.#tools.list(options).then(
        (tools) => tools.map((tool) => tool.id).join(", "),
        () => "(could not list them)",
      );
      issues = [{ path: "tool", message: `no tool "${body.tool}"; available tools: ${known}` }];
    }
    if (issues.length > 0) throw new InvalidRequestError(what, issues);
  }

  /** A job by id, with its current status (`GET /api/v1/jobs/{jobId}/status`). */
  async get(jobId: string, options: RequestOptions = {}): Promise<Job> {
    const { data } = await this.#ctx.core.call(ROUTES.jobStatus, ClientJob, {
      ...options,
      params: { jobId },
    });
    this.#ctx.lastPolled.set(jobId, Date.now());
    return new Job(this.#ctx, data);
  }

  /**
   * The job history, newest first: `for await` over it, `.pages()`, or `.take(n)` (a table in
   * a notebook). Filter by `tool` for the per-tool history.
   */
  list(options: ListJobsOptions = {}): JobHistory {
    return new JobHistory(this.#ctx, options);
  }

  /**
   * Cancel a pending or queued job (`POST /api/v1/jobs/{jobId}/cancel`). Returns the
   * documented `job_cancellation` (`refunded`, `job`); a running or finished job answers
   * {@linkcode ConflictError} with `currentStatus`.
   */
  async cancel(jobId: string, options: RequestOptions = {}): Promise<JobCancellationResult> {
    return await cancelJobById(this.#ctx, jobId, options);
  }
}
