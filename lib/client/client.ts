/**
 * `ProteinIQ`: the client. Resources hang off it (`tools`, `jobs`, `results`); one HTTP
 * core owns retries, errors and timeouts. The API key lives in a private field and never
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
import { ConfigurationError } from "./errors.ts";
import { Tools } from "./tools.ts";
import { Jobs } from "./jobs.ts";
import { Results } from "./results.ts";
import type { ClientJob } from "./_schemas.ts";
import type { ToolDetail } from "../contract/tools.ts";
import { inJupyter } from "../display/_jupyter.ts";

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
  /** Show live progress in `job.wait()` unless told otherwise. Default: in Jupyter and terminals. */
  display?: boolean;
  /** A fetch to use (proxies, tests). */
  fetch?: typeof fetch;
  /** One line per request attempt (the key is never in it). */
  log?: (line: string) => void;
}

/** The ProteinIQ API client. */
export class ProteinIQ {
  /** `GET /api/v1/tools…` */
  readonly tools: Tools;
  /** Quote, submit, status, list, cancel. */
  readonly jobs: Jobs;
  /** `GET /api/v1/results/{jobId}`. */
  readonly results: Results;
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
    this.tools = new Tools(this.core);
    const tools = this.tools;
    const core = this.core;
    let interactive = false;
    try {
      interactive = inJupyter() || Deno.stdout.isTerminal();
    } catch {
      interactive = false;
    }
    this.#context = {
      core,
      polling,
      displayByDefault: options.display ?? interactive,
      toolContract: (toolId: string): Promise<ToolDetail | undefined> =>
        tools.get(toolId).then((tool) => tool as ToolDetail, () => undefined),
      watch: (jobId: string, watchOptions: WatchOptions): AsyncIterable<ClientJob> =>
        watchJob(core, jobId, polling, watchOptions),
    };
    this.jobs = new Jobs(this.#context);
    this.results = new Results(this.#context);
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
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/plain": this.toString() };
  }
}
