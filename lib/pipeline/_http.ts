/**
 * The pipeline client's HTTP core: one small place that owns the bearer token, timeouts,
 * cancellation, retries and error construction, so the resources stay thin.
 *
 * It does what the ProteinIQ core does, for a vendor with another error shape: network
 * errors, `429` and `502/503/504` are retried with full-jitter backoff, never sooner than
 * `Retry-After`; every POST carries an `Idempotency-Key` generated once per call and reused by
 * each retry; FastAPI `{detail}` bodies become the module's typed errors
 * ({@linkcode NotFoundError}, {@linkcode ValidationError} with `issues`, {@linkcode RateLimitError}
 * …). The timing helpers (`sleep`, `parseRetryAfter`) are the ProteinIQ core's own.
 * @module
 */
import type { z } from "../_deps/zod.ts";
import { nanoid } from "../_deps/nanoid.ts";
import { abortErrorOf, parseRetryAfter, sleep } from "../client/_core.ts";
import {
  type APIError,
  apiErrorFor,
  ConnectionError,
  ResponseValidationError,
  TimeoutError,
} from "../client/errors.ts";
import {
  PipelineErrorBody as PipelineErrorBodySchema,
  pipelinePath,
  type PipelineRoute,
} from "./contract.ts";
import type { PipelineErrorBody } from "../contract/_wire.ts";

/** Per-call options. */
export interface PipelineRequestOptions {
  /** Cancels the call and its retries. */
  signal?: AbortSignal;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** Retries after the first attempt. */
  maxRetries?: number;
}

/** Options of the core. */
export interface PipelineHttpOptions {
  /** The vendor's base URL, e.g. `https://api.example.com` (trailing slashes are dropped). */
  baseUrl: string;
  /** The org's bearer token; it never appears in errors. */
  token: string;
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  /** Retries of network errors, 429 and 502/503/504. Default 2. */
  maxRetries?: number;
  /** First backoff ceiling (doubles per retry, capped at 8 s). Default 500 ms. */
  baseDelayMs?: number;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** A validated response. */
export interface PipelineResponse<T> {
  data: T;
  status: number;
  headers: Headers;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

const CODES: Record<number, string> = {
  400: "bad_request",
  // Not "unauthorized": that code's advice names ProteinIQ's key variable.
  401: "not_authenticated",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  422: "validation_error",
  429: "rate_limited",
};

/**
 * The pipeline API's HTTP core: retries, timeouts, typed errors and the token.
 *
 * @example
 * ```ts
 * import { connectPipeline } from "../../mod.ts";
 *
 * await using pipe = await connectPipeline({ sandbox: { pace: "quick" }, quiet: true });
 * await pipe.variants.list();
 * console.log(pipe.http.requestCount, pipe.http.tokenHint); // 1, and a hint: never the token
 * ```
 */
export class PipelineHttp {
  /** The vendor's base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #baseDelayMs: number;
  readonly #fetch: typeof fetch;
  /** Requests sent, retries included. */
  requestCount = 0;

  /** A core for one base URL and token. */
  constructor(options: PipelineHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxRetries = options.maxRetries ?? 2;
    this.#baseDelayMs = options.baseDelayMs ?? 500;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** A short, safe description of the token (never the token). */
  get tokenHint(): string {
    // Only a token's non-secret prefix (like `plt_`), never any of its secret characters.
    const prefix = /^[a-z]{2,8}_/.exec(this.#token)?.[0];
    return prefix ? `${prefix}…` : "(token)";
  }

  /**
   * Call a route and validate the answer with `schema`.
   * @internal The client's plumbing: it takes a route of the contract's table and its schema.
   */
  async call<S extends z.ZodType>(
    route: PipelineRoute,
    schema: S,
    init: PipelineRequestOptions & {
      params?: Record<string, string>;
      body?: unknown;
      idempotencyKey?: string;
    } = {},
  ): Promise<PipelineResponse<z.output<S>>> {
    const url = new URL(this.baseUrl + pipelinePath(route, init.params));
    const label = `${route.method} ${url.pathname}`;
    const headers: Record<string, string> = {
      Accept: "application/json",
      Authorization: `Bearer ${this.#token}`,
    };
    let body: string | undefined;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers["Content-Type"] = "application/json";
    }
    // One key per logical call: a retry after a lost answer is the same submission.
    if (route.method === "POST") {
      headers["Idempotency-Key"] = init.idempotencyKey ?? `pl_${nanoid(24)}`;
    }
    const maxRetries = init.maxRetries ?? this.#maxRetries;
    for (let attempt = 0;; attempt++) {
      if (init.signal?.aborted) throw abortErrorOf(init.signal);
      const timeoutMs = init.timeoutMs ?? this.#timeoutMs;
      const timeout = new AbortController();
      const timer = setTimeout(
        () => timeout.abort(new TimeoutError(`${label} timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const signal = init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
      let response: Response;
      let text: string;
      try {
        this.requestCount++;
        response = await this.#fetch(url, { method: route.method, headers, body, signal });
        text = await response.text();
      } catch (error) {
        if (init.signal?.aborted) throw abortErrorOf(init.signal);
        const failure = timeout.signal.reason instanceof TimeoutError
          ? timeout.signal.reason
          : new ConnectionError(
            `${label} got no answer from ${url.origin}: ${
              error instanceof Error ? error.message : String(error)
            }`,
          );
        if (attempt >= maxRetries) throw failure;
        await sleep(this.#backoff(attempt, null), init.signal);
        continue;
      } finally {
        clearTimeout(timer);
      }
      if (response.ok) {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (error) {
          throw new ResponseValidationError(
            `${label} answered ${response.status} with a body that is not JSON`,
            {
              cause: error,
            },
          );
        }
        const parsed = schema.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new ResponseValidationError(
            `${label} answered with an unexpected shape at ${
              issue.path.join(".") || "(root)"
            }: ${issue.message}`,
            { cause: parsed.error },
          );
        }
        return { data: parsed.data, status: response.status, headers: response.headers };
      }
      const error = this.#errorOf(response, text, route.method, url.pathname);
      const retryAfterMs = error.retryAfterSeconds === null ? null : error.retryAfterSeconds * 1000;
      if (!RETRY_STATUSES.has(response.status) || attempt >= maxRetries) throw error;
      await sleep(this.#backoff(attempt, retryAfterMs), init.signal);
    }
  }

  #backoff(attempt: number, retryAfterMs: number | null): number {
    const ceiling = Math.min(8000, this.#baseDelayMs * 2 ** attempt);
    const jittered = Math.random() * ceiling;
    return retryAfterMs === null ? jittered : Math.max(retryAfterMs, jittered);
  }

  #errorOf(response: Response, text: string, method: string, path: string): APIError {
    let detail: PipelineErrorBody["detail"] | undefined;
    try {
      const parsed = PipelineErrorBodySchema.safeParse(JSON.parse(text));
      if (parsed.success) detail = parsed.data.detail;
    } catch {
      // not JSON: the status line speaks
    }
    const issues = Array.isArray(detail)
      ? detail.map((item) => ({
        path: item.loc.map((part) => typeof part === "number" ? `[${part}]` : String(part)).join(
          ".",
        )
          .replaceAll(".[", "["),
        message: item.msg,
      }))
      : [];
    let message = typeof detail === "string"
      ? detail
      : issues.length > 0
      ? issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")
      : response.statusText || text.slice(0, 200) || "error";
    if (response.status === 401) message += "; check PIPELINE_API_TOKEN (or the token you passed)";
    return apiErrorFor({
      status: response.status,
      code: CODES[response.status] ??
        (response.status >= 500 ? "internal_error" : `http_${response.status}`),
      // The token is never in a server message we build, but a proxy could echo headers.
      message: message.split(this.#token).join("***"),
      details: { detail, ...(issues.length > 0 ? { issues } : {}) },
      retryAfterSeconds: parseRetryAfter(response.headers.get("retry-after")),
      requestId: response.headers.get("x-request-id"),
      method,
      path,
    });
  }

  /** What `console.log` shows: never the token. */
  [Symbol.for("Deno.customInspect")](): string {
    return `PipelineHttp(${this.baseUrl}, token ${this.tokenHint})`;
  }
}
