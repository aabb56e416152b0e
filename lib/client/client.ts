/**
 * `ProteinIQ`: the client. Resources hang off it (`account`, `tools`, `jobs`, `results`,
 * `files`); one HTTP core owns retries, errors and timeouts. The API key lives in a private field and never
 * appears in `Deno.inspect`, `JSON.stringify`, errors or logs.
 *
 * @example
 * ```ts
 * import { ProteinIQ } from "./client.ts";

 * const piq = new ProteinIQ({ apiKey: "pq_live_abc123_secretsecret", baseUrl: "https://proteiniq.io" });
 * console.log(String(piq)); // ProteinIQ(https://proteiniq.io, key pq_live_abc123_…)
 * ```
 * @module
 */
import { parseApiKey } from "../contract/keys.ts";

import { HttpCore, type RetryPolicy } from "./_core.ts";

import type { ClientContext, WatchOptions } from "./_context.ts";

import { DOCUMENTED_POLLING, type PollSchedule } from "./_wait.ts";

import { watchJob } from "./_watch.ts";
import { DEFAULT_SUBMIT_WINDOW_MS, defaultSubmitsDirectory, SubmitMemory } from "./_submits.ts";

import { DEFAULT_EVENTS, type EventsPolicy } from "./_events.ts";

import { ConfigurationError, ResponseValidationError } from "./errors.ts";

import { Tools } from "./tools.ts";

import { Jobs } from "./jobs.ts";

import { Results } from "./results.ts";

import { Account } from "./account.ts";

import { Files } from "./files.ts";

import { OPENAPI_PATH } from "../contract/routes.ts";

import type { RequestOptions } from "./_core.ts";

import { InputBuilder } from "../inputs/builder.ts";

import { cellOutput, inJupyter, type MimeBundle } from "../display/_jupyter.ts";
import type { ClientJob, SubmitRequest, ToolDetail } from "../contract/_wire.ts";

/** Options of {@linkcode ProteinIQ}. */
export interface ClientOptions {
  /** `pq_live_<keyId>_<secret>`. */
  apiKey: string;
  /** Default `https://proteiniq.io`. */
  baseUrl?: string;
  /** Per-attempt request timeout. Default 60 s. */
  timeoutMs?: number;
  /** Retries of network errors, 429 and 502/503/504. Default 2. */
  maxRetries?: number;
  /** Backoff settings. */
  retry?: Partial<RetryPolicy>;
  /** The polling schedule used when events are unavailable. Default: the documented one. */
  polling?: PollSchedule;
  /**
   * How `job.wait()` follows jobs: the events stream with polling as the fallback (default),
   * `false` to always poll, or policy tweaks (reconnects before falling back, idle timeout…).
   */
  events?: boolean | Partial<EventsPolicy>;
  /** Show live progress in `job.wait()` unless told otherwise. Default: in Jupyter and terminals. */
  display?: boolean;
  /** A fetch to use (proxies, tests). */
  fetch?: typeof fetch;
  /** One line per request attempt (the key is never in it). */
  log?: (line: string) => void;
  /**
   * Remember submissions whose job is not known to have ended, so that re-submitting the
   * identical request (a re-run cell, Restart & Run All) reuses the first Idempotency-Key and
   * returns the first job instead of paying for a second one. Default: on, stored in
   * `.proteiniq-submits/` in the working directory (the notebook's folder) and reused for
   * 24 hours. `directory: null` keeps them in memory only; `false` turns it off (every
   * submission without an `idempotencyKey` then gets a fresh key).
   */
  rememberSubmits?: false | { directory?: string | null; windowMs?: number };
}

/** An OpenAPI 3 document (the fields every version has; the rest as sent). */
export interface OpenApiDocument {
  /** The OpenAPI version, e.g. `"3.1.0"`. */
  openapi: string;
  /** The API's title and version (and whatever else the document says about it). */
  info: { title: string; version: string; [field: string]: unknown };
  /** Operations by path, then by HTTP method. */
  paths: Record<string, Record<string, unknown>>;
  /** Reusable schemas, responses, parameters… */
  components?: Record<string, unknown>;
  /** Other top-level fields, as sent. */
  [field: string]: unknown;
}

/**
 * The ProteinIQ API client.
 *
 * @example
 * ```ts
 * import { ProteinIQ, startSandbox } from "../../mod.ts";
 *
 * // For proteiniq.io: new ProteinIQ({ apiKey: Deno.env.get("PROTEINIQ_API_KEY")! })
 * await using sandbox = await startSandbox({ pace: "instant" });
 * await using piq = new ProteinIQ({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, maxRetries: 3 });
 * const account = await piq.account.get();
 * console.log(String(piq), account.workspace.credits.available); // never the secret
 * ```
 */
export class ProteinIQ {
  /** `GET /api/v1/account`: credits, limits, rate-limit policy, key metadata. */
  readonly account: Account;
  /** `GET /api/v1/tools…` */
  readonly tools: Tools;
  /** Quote, submit, status, list, cancel. */
  readonly jobs: Jobs;
  /** `GET /api/v1/results/{jobId}`. */
  readonly results: Results;
  /** Saved workspace files: upload (streamed), list, get, delete. */
  readonly files: Files;
  /** The HTTP core (request counts, raw calls). */
  readonly core: HttpCore;
  /** Base URL of the API. */
  readonly baseUrl: string;
  readonly #context: ClientContext;
  readonly #onClose: (() => Promise<void>)[] = [];

  /** A client. Throws {@linkcode ConfigurationError} for a key not of the documented form. */
  constructor(options: ClientOptions) {
    if (!parseApiKey(options.apiKey ?? "")) {
      // Never echo the value: it may be a real secret pasted into the wrong place.
      throw new ConfigurationError(
        "The API key is not of the form pq_live_<keyId>_<secret>; check PROTEINIQ_API_KEY",
      );
    }
    this.baseUrl = (options.baseUrl ?? "https://proteiniq.io").replace(/\/+$/, "");
    this.core = new HttpCore({
      baseUrl: this.baseUrl,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs,
      retry: {
        ...options.retry,
        ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      },
      fetch: options.fetch,
      log: options.log,
    });
    const polling = options.polling ?? DOCUMENTED_POLLING;
    const events: EventsPolicy = options.events === false
      ? { ...DEFAULT_EVENTS, enabled: false }
      : { ...DEFAULT_EVENTS, ...(typeof options.events === "object" ? options.events : {}) };
    this.account = new Account(this.core);
    this.tools = new Tools(this.core);
    this.files = new Files(this.core);
    const tools = this.tools;
    const core = this.core;
    const lastPolled = new Map<string, number>();
    const log = options.log;
    let interactive = false;
    try {
      interactive = inJupyter() || Deno.stdout.isTerminal();
    } catch {
      interactive = false;
    }
    const displayByDefault = options.display ?? interactive;
    // Interactive sessions see it where they look; otherwise it goes to the log, if any.
    const notice = (line: string) => {
      if (log) log(core.redact(line));
      else if (displayByDefault) console.log(core.redact(line));
    };
    this.#context = {
      core,
      polling,
      displayByDefault,
      toolContract: (toolId: string): Promise<ToolDetail | undefined> =>
        tools.get(toolId).then((tool) => tool as ToolDetail, () => undefined),
      watch: (jobId: string, watchOptions: WatchOptions): AsyncIterable<ClientJob> =>
        watchJob(
          {
            core,
            polling,
            events,
            lastPolled,
            note: log ? (line) => log(core.redact(line)) : undefined,
          },
          jobId,
          watchOptions,
        ),
      lastPolled,
      requests: new Map<string, SubmitRequest>(),
      submits: options.rememberSubmits === false ? null : new SubmitMemory({
        directory: options.rememberSubmits?.directory === undefined
          ? defaultSubmitsDirectory()
          : options.rememberSubmits.directory,
        windowMs: options.rememberSubmits?.windowMs ?? DEFAULT_SUBMIT_WINDOW_MS,
        note: (line) => notice(line),
      }),
      notice: (line) => notice(line),
      submit: (request, submitOptions) => this.jobs.submit(request, submitOptions),
    };
    this.jobs = new Jobs(this.#context, this.tools);
    this.results = new Results(this.#context);
  }

  /**
   * An input builder for a tool: `inputs[]` entries from FASTA text, local files, saved files
   * or a previous job's outputs, each checked against the tool's contract as it is added.
   *
   * @example
   * ```ts
   * import { connect } from "../../mod.ts";

   * const piq = await connect();
   * const input = await piq.inputs("protein-properties");
   * input.fasta(">a\nMKTAYIAKQR");
   * const job = await piq.jobs.submit({ tool: "protein-properties", name: "a", input: input.build() });
   * ```
   */
  async inputs(toolId: string, options: RequestOptions = {}): Promise<InputBuilder> {
    const tool = await this.tools.get(toolId, options);
    return new InputBuilder(tool, { core: this.core, files: this.files });
  }

  /**
   * The machine-readable API contract (`GET /api/v1/openapi.json`; no key is sent).
   *
   * @example
   * ```ts
   * import { connect } from "../../mod.ts";

   * const piq = await connect();
   * const spec = await piq.openapi();
   * console.log(Object.keys(spec.paths));
   * ```
   */
  async openapi(options: RequestOptions = {}): Promise<OpenApiDocument> {
    const response = await this.core.fetchUrl(this.baseUrl + OPENAPI_PATH, {
      ...options,
      headers: { Accept: "application/json" },
    });
    let document: unknown;
    try {
      document = await response.json();
    } catch (error) {
      throw new ResponseValidationError(`${OPENAPI_PATH} did not answer JSON`, { cause: error });
    }
    const candidate = document as Partial<OpenApiDocument> | null;
    if (
      typeof candidate?.openapi !== "string" || typeof candidate.paths !== "object" ||
      candidate.paths === null
    ) {
      throw new ResponseValidationError(
        `${OPENAPI_PATH} answered JSON that is not an OpenAPI document (no "openapi" or "paths")`,
      );
    }
    return candidate as OpenApiDocument;
  }

  /** @internal Run `task` when the client closes (stops an embedded sandbox). */
  onClose(task: () => Promise<void>): void {
    this.#onClose.push(task);
  }

  /** Release what the client started (the embedded sandbox, if it owns one). */
  async close(): Promise<void> {
    for (const task of this.#onClose.splice(0)) await task();
  }

  /** For `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** `ProteinIQ(<base url>, key pq_live_<keyId>_…)` — never the secret. */
  toString(): string {
    return `ProteinIQ(${this.baseUrl}, key ${this.core.keyHint})`;
  }

  /** What `JSON.stringify` shows. */
  toJSON(): { baseUrl: string; key: string } {
    return { baseUrl: this.baseUrl, key: this.core.keyHint };
  }

  /** What `console.log` / `Deno.inspect` shows. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** Jupyter display. */
  [Symbol.for("Jupyter.display")](): MimeBundle | Promise<MimeBundle> {
    return cellOutput({ "text/plain": this.toString() });
  }
}
