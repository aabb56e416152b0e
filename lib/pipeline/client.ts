/**
 * A client for the pipeline-job API (seed `004`): its own base URL and bearer token, typed
 * errors, retries, and the same waiting and live displays as ProteinIQ jobs — through the
 * generic adapter ({@linkcode JobAdapter}), so batches run over pipeline jobs too.
 *
 * This vendor documents no event stream, so a wait polls `GET /v1/jobs/{job_id}` on its
 * documented per-job-type cadence (humanization every 3 s, the others every 10 s), with
 * jitter, never faster for one job, and at least `Retry-After` when the server sends one.
 *
 * @example
 * ```ts
 * import { connectPipeline } from "./connect.ts";
 * await using pipe = await connectPipeline({ sandbox: { pace: "quick" }, quiet: true });
 * const [variant] = await pipe.variants.list();
 * const job = await pipe.jobs.submit({ variant_id: variant.id, job_type: "stability" });
 * await job.wait({ display: false });
 * console.log(job.status, (await job.results()).results.instability_index);
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import {
  JOB_TYPES,
  type JobType,
  PIPELINE_POLLING,
  PIPELINE_ROUTES,
  PIPELINE_STATUSES,
  PipelineJob as PipelineJobSchema,
  PipelineJobResults as PipelineJobResultsSchema,
  SubmitPipelineJob as SubmitPipelineJobSchema,
  Variant as VariantSchema,
  VariantList,
} from "./contract.ts";
import { PipelineHttp, type PipelineRequestOptions } from "./_http.ts";
import type { PollSchedule } from "../client/_wait.ts";
import { InvalidRequestError } from "../client/errors.ts";
import { issuesOf } from "../contract/issues.ts";
import {
  type JobAdapter,
  pollJob,
  statusInfo,
  waitForJob,
  type WaitForJobOptions,
  waitForJobs,
} from "../batch/adapter.ts";
import { pipelineStatusStyle } from "../display/progress.ts";
import { renderMultiJobProgress } from "../display/multi_progress.ts";
import {
  $display,
  cellOutput,
  type Displayable,
  inJupyter,
  type MimeBundle,
  withDisplay,
} from "../display/_jupyter.ts";
import { renderTable } from "../display/table.ts";
import { html } from "../display/_html.ts";
import { parseRetryAfter } from "../client/_core.ts";
import type {
  PipelineJob as PipelineJobShape,
  PipelineJobResults,
  SubmitPipelineJob,
  Variant,
} from "../contract/_wire.ts";

/** Options of {@linkcode PipelineClient}. */
export interface PipelineClientOptions {
  /** The vendor's base URL, e.g. `https://api.example.com` (routes live under `/v1`). */
  baseUrl: string;
  /** The org's bearer token. */
  token: string;
  /** Per-attempt request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Retries of network errors, 429 and 502/503/504. Default 2. */
  maxRetries?: number;
  /** Polling cadence per job type. Default: the documented one ({@linkcode PIPELINE_POLLING}). */
  polling?: Partial<Record<JobType, PollSchedule>>;
  /** A fetch to use (proxies, tests). */
  fetch?: typeof fetch;
}

/** What a submission takes: a variant of the caller's org and a pipeline. */
export type PipelineJobRequest = SubmitPipelineJob;

/** Options of a submission. */
export interface PipelineSubmitOptions extends PipelineRequestOptions {
  /** Your own idempotency key; one is generated per call otherwise (and reused by retries). */
  idempotencyKey?: string;
}

/** Options of {@linkcode PipelineJob.wait}. */
export type PipelineWaitOptions = Omit<WaitForJobOptions, "onUpdate"> & {
  /** Called with the handle after every new state. */
  onUpdate?: (job: PipelineJob) => void;
};

/** The envelope's fields (`id`, `status`, `error_message`…), read-only on the handle. */
// Field names and types come from the wire schema; the class adds behaviour.
export interface PipelineJob extends Readonly<PipelineJobShape> {}

/**
 * A handle on one pipeline job.
 *
 * @example
 * ```ts
 * import { connectPipeline } from "../../mod.ts";
 *
 * await using pipe = await connectPipeline({ sandbox: { pace: "quick" }, quiet: true });
 * const [variant] = await pipe.variants.list();
 * const job = await pipe.jobs.submit({ variant_id: variant.id, job_type: "humanization" });
 * await job.wait(); // polls on the documented cadence; a live row in a notebook
 * if (job.status === "completed") console.log((await job.results()).results);
 * else console.log(job.error_message);
 * ```
 */
export class PipelineJob {
  readonly #client: PipelineClient;
  #data: PipelineJobShape;

  /** Wrap a status envelope. */
  constructor(client: PipelineClient, data: PipelineJobShape) {
    this.#client = client;
    this.#data = data;
    Object.assign(this, data);
  }

  /** The latest status envelope. */
  get data(): PipelineJobShape {
    return this.#data;
  }

  /** Whether the job has ended (`completed` or `failed`). */
  get terminal(): boolean {
    return this.#client.adapter.describe(this.#data.status).terminal;
  }

  /** @internal Replace the state with a newer snapshot. */
  apply(data: PipelineJobShape): this {
    this.#data = data;
    Object.assign(this, data);
    return this;
  }

  /** Read the status back (`GET /v1/jobs/{job_id}`). */
  async refresh(options: PipelineRequestOptions = {}): Promise<this> {
    return this.apply((await this.#client.jobs.get(this.#data.id, options)).data);
  }

  /**
   * Wait until the job is `completed` or `failed`, polling on the documented cadence of its
   * job type; a live display by default in Jupyter. A `failed` job resolves normally — read
   * `job.error_message`.
   */
  async wait(options: PipelineWaitOptions = {}): Promise<this> {
    const { onUpdate, ...rest } = options;
    const finished = await waitForJob(this.#client.adapter, this.#data, {
      display: this.#client.displayByDefault,
      title: `${this.#data.job_type} · variant ${this.#data.variant_id.slice(0, 8)}`,
      ...rest,
      onUpdate: (snapshot) => {
        this.apply(snapshot as PipelineJobShape);
        onUpdate?.(this);
      },
    });
    return this.apply(finished as PipelineJobShape);
  }

  /** The results of a completed job (`GET /v1/jobs/{job_id}/results`); a `409` before that. */
  async results(options: PipelineRequestOptions = {}): Promise<PipelineJobResults> {
    return await this.#client.jobs.results(this.#data.id, options);
  }

  /** One line of text. */
  toString(): string {
    const data = this.#data;
    return `${data.job_type} ${data.status} ${data.id}${
      data.error_message ? ` — ${data.error_message}` : ""
    }`;
  }

  /** Jupyter display: the job as a one-row board. */
  [$display](): MimeBundle | Promise<MimeBundle> {
    return cellOutput(renderMultiJobProgress([this.#data], {
      title: `Pipeline job · ${this.#data.job_type}`,
      style: pipelineStatusStyle,
    }));
  }
}

/**
 * Jobs: submit, read back, results, wait for many.
 *
 * @example
 * ```ts
 * import { connectPipeline } from "../../mod.ts";
 *
 * await using pipe = await connectPipeline({ sandbox: { pace: "quick" }, quiet: true });
 * const [variant] = await pipe.variants.list();
 * const jobs = await pipe.jobs.submitAll(variant.id); // the four pipelines
 * await pipe.jobs.waitAll(jobs); // one live board
 * for (const job of jobs) console.log(job.job_type, job.status);
 * ```
 */
export class PipelineJobs {
  readonly #client: PipelineClient;
  readonly #http: PipelineHttp;

  /** Over a client. */
  constructor(client: PipelineClient, http: PipelineHttp) {
    this.#client = client;
    this.#http = http;
  }

  /**
   * Submit a pipeline job (`POST /v1/jobs`). The body is checked first — a malformed UUID or
   * an unknown `job_type` throws {@linkcode InvalidRequestError} and nothing is sent.
   */
  async submit(
    request: PipelineJobRequest,
    options: PipelineSubmitOptions = {},
  ): Promise<PipelineJob> {
    const parsed = SubmitPipelineJobSchema.safeParse(request);
    if (!parsed.success) {
      throw new InvalidRequestError("The pipeline job request", issuesOf(parsed.error));
    }
    const { idempotencyKey, ...rest } = options;
    const { data } = await this.#http.call(PIPELINE_ROUTES.submitJob, PipelineJobSchema, {
      ...rest,
      body: parsed.data,
      idempotencyKey,
    });
    this.#client.lastPolled.set(data.id, Date.now());
    return new PipelineJob(this.#client, data);
  }

  /** One job per pipeline for a variant (all four by default). */
  async submitAll(
    variantId: string,
    jobTypes: readonly JobType[] = JOB_TYPES,
    options: PipelineRequestOptions = {},
  ): Promise<PipelineJob[]> {
    const jobs: PipelineJob[] = [];
    for (const jobType of jobTypes) {
      jobs.push(await this.submit({ variant_id: variantId, job_type: jobType }, options));
    }
    return jobs;
  }

  /** A job's status envelope (`GET /v1/jobs/{job_id}`). */
  async get(jobId: string, options: PipelineRequestOptions = {}): Promise<PipelineJob> {
    const { data } = await this.#http.call(PIPELINE_ROUTES.getJob, PipelineJobSchema, {
      ...options,
      params: { job_id: jobId },
    });
    this.#client.lastPolled.set(jobId, Date.now());
    return new PipelineJob(this.#client, data);
  }

  /** A completed job's results (`GET /v1/jobs/{job_id}/results`). */
  async results(jobId: string, options: PipelineRequestOptions = {}): Promise<PipelineJobResults> {
    const { data } = await this.#http.call(PIPELINE_ROUTES.jobResults, PipelineJobResultsSchema, {
      ...options,
      params: { job_id: jobId },
    });
    return data;
  }

  /**
   * Wait for several jobs with one live board; each handle is updated in place. Resolves
   * with the handles (shown as one line each, since the board above already shows them).
   */
  async waitAll(
    jobs: readonly PipelineJob[],
    options: Omit<WaitForJobOptions, "onUpdate"> = {},
  ): Promise<PipelineJob[] & Displayable> {
    const byId = new Map(jobs.map((job) => [job.id, job]));
    const finished = await waitForJobs(this.#client.adapter, jobs.map((job) => job.data), {
      display: this.#client.displayByDefault,
      title: "Pipeline jobs",
      ...options,
      onUpdate: (snapshot) => byId.get(snapshot.id)?.apply(snapshot as PipelineJobShape),
    });
    for (const snapshot of finished) byId.get(snapshot.id)?.apply(snapshot as PipelineJobShape);
    const handles = [...jobs];
    return withDisplay(handles, () => {
      const text = handles.map(String).join("\n");
      return {
        "text/plain": text,
        "text/html": html`
          <div
            style="font-family: system-ui, sans-serif; font-size: 12px; color: #4b5563; white-space: pre-wrap;">${text}</div>
        `.value,
      };
    });
  }
}

/**
 * Variants of the caller's org.
 *
 * @example
 * ```ts
 * import { connectPipeline } from "../../mod.ts";
 *
 * await using pipe = await connectPipeline({ sandbox: { pace: "quick" }, quiet: true });
 * const variants = await pipe.variants.list(); // a table in a notebook
 * const okt3 = variants.find((variant) => variant.name.startsWith("OKT3"));
 * if (okt3) console.log((await pipe.variants.get(okt3.id)).sequence.length);
 * ```
 */
export class PipelineVariants {
  readonly #http: PipelineHttp;

  /** Over a core. */
  constructor(http: PipelineHttp) {
    this.#http = http;
  }

  /** Every variant of the org (`GET /v1/variants`); a table in a notebook. */
  async list(options: PipelineRequestOptions = {}): Promise<Variant[] & Displayable> {
    const variants =
      (await this.#http.call(PIPELINE_ROUTES.listVariants, VariantList, options)).data
        .data;
    return withDisplay(variants, () =>
      renderTable(
        variants.map((variant) => ({
          name: variant.name,
          chain: variant.chain ?? "",
          length: variant.sequence.length,
          id: variant.id,
        })),
        {
          title: `${variants.length} variant${variants.length === 1 ? "" : "s"} of this org`,
          columns: [
            { id: "name", label: "Variant" },
            { id: "chain", label: "Chain" },
            { id: "length", label: "Length", unit: "aa" },
            { id: "id", label: "variant_id" },
          ],
        },
      ));
  }

  /** One variant (`GET /v1/variants/{variant_id}`). */
  async get(variantId: string, options: PipelineRequestOptions = {}): Promise<Variant> {
    const { data } = await this.#http.call(PIPELINE_ROUTES.getVariant, VariantSchema, {
      ...options,
      params: { variant_id: variantId },
    });
    return data;
  }
}

const SUCCEEDED = ["completed"] as const;

/**
 * The pipeline-job API client.
 *
 * @example
 * ```ts
 * import { PIPELINE_SANDBOX_POLLING, PipelineClient, startPipelineSandbox } from "../../mod.ts";
 *
 * // For the vendor: new PipelineClient({ baseUrl, token: Deno.env.get("PIPELINE_API_TOKEN")! })
 * await using sandbox = await startPipelineSandbox({ pace: "quick" });
 * await using pipe = new PipelineClient({
 *   baseUrl: sandbox.url,
 *   token: sandbox.token,
 *   polling: PIPELINE_SANDBOX_POLLING,
 * });
 * const variants = await pipe.variants.list();
 * console.log(String(pipe), variants.length); // PipelineClient(http://127.0.0.1:…) 4
 * ```
 */
export class PipelineClient {
  /** Submit, read back, results. */
  readonly jobs: PipelineJobs;
  /** The org's variants. */
  readonly variants: PipelineVariants;
  /** The HTTP core (request counts). */
  readonly http: PipelineHttp;
  /** Base URL of the API. */
  readonly baseUrl: string;
  /** The adapter that lets waits, displays and batches drive these jobs. */
  readonly adapter: JobAdapter<PipelineJobRequest>;
  /** When each job was last polled, so two waits never poll one job faster than its cadence. */
  readonly lastPolled: Map<string, number> = new Map();
  /** Whether waits show a live display unless told otherwise. */
  displayByDefault: boolean;
  readonly #onClose: (() => Promise<void>)[] = [];

  /** A client for one base URL and token. */
  constructor(options: PipelineClientOptions & { display?: boolean }) {
    if (!options.token || /\s/.test(options.token)) {
      throw new InvalidRequestError("The pipeline client configuration", [
        {
          path: "token",
          message: "a bearer token without spaces is required (PIPELINE_API_TOKEN)",
        },
      ]);
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.http = new PipelineHttp({
      baseUrl: this.baseUrl,
      token: options.token,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      fetch: options.fetch,
    });
    let interactive = false;
    try {
      interactive = inJupyter() || Deno.stdout.isTerminal();
    } catch {
      interactive = false;
    }
    this.displayByDefault = options.display ?? interactive;
    this.jobs = new PipelineJobs(this, this.http);
    this.variants = new PipelineVariants(this.http);
    const polling = { ...PIPELINE_POLLING, ...options.polling };
    const http = this.http;
    const lastPolled = this.lastPolled;
    const jobs = this.jobs;
    const known = PIPELINE_STATUSES as readonly string[];
    const tokenId = createHash("sha256").update(options.token).digest("hex").slice(0, 16);
    this.adapter = {
      vendor: "Pipeline",
      style: pipelineStatusStyle,
      describe: (status) =>
        statusInfo(status, pipelineStatusStyle, { known, succeeded: SUCCEEDED }),
      get: async (jobId, callOptions = {}) => (await jobs.get(jobId, callOptions)).data,
      watch: (jobId, watchOptions) => {
        const jobType = watchOptions.current?.job_type as JobType | undefined;
        // An unknown job type gets the slowest documented cadence.
        const schedule = (jobType && polling[jobType]) ?? polling.structure;
        return pollJob(
          async (signal) => {
            const response = await http.call(PIPELINE_ROUTES.getJob, PipelineJobSchema, {
              params: { job_id: jobId },
              signal,
            });
            return {
              job: response.data,
              retryAfterSeconds: parseRetryAfter(response.headers.get("retry-after")),
            };
          },
          schedule,
          { signal: watchOptions.signal, jobId, lastPolled },
        );
      },
      submit: async (request, callOptions) => (await jobs.submit(request, callOptions)).data,
      // No account route: the org is known by its token (hashed; a new token is a new org to us).
      accountId: () => Promise.resolve(`pipeline:${tokenId}`),
      records: async (job, callOptions = {}) => {
        const { results } = await jobs.results(job.id, callOptions);
        const variantId = (job as Partial<PipelineJobShape>).variant_id ?? null;
        return { records: [{ variant_id: variantId, job_type: job.job_type, ...results }] };
      },
    };
  }

  /** @internal Run `task` when the client closes (stops an embedded sandbox). */
  onClose(task: () => Promise<void>): void {
    this.#onClose.push(task);
  }

  /** Release what the client started (the embedded pipeline sandbox, if it owns one). */
  async close(): Promise<void> {
    for (const task of this.#onClose.splice(0)) await task();
  }

  /** For `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** `PipelineClient(<base url>)` — never the token. */
  toString(): string {
    return `PipelineClient(${this.baseUrl})`;
  }

  /** What `JSON.stringify` shows. */
  toJSON(): { baseUrl: string } {
    return { baseUrl: this.baseUrl };
  }

  /** What `console.log` shows. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** Jupyter display. */
  [$display](): MimeBundle | Promise<MimeBundle> {
    return cellOutput({ "text/plain": this.toString() });
  }
}
