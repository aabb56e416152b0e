/**
 * The one HTTP core every resource goes through. It owns: URLs from the route table,
 * authentication, idempotency keys, timeouts, cancellation, retries with backoff and
 * `Retry-After`, error construction and response validation. Resources stay thin.
 * @module
 */
import type { z } from "zod";
import { nanoid } from "nanoid";
import { ErrorEnvelope } from "../contract/errors.ts";
import { routePath, type RouteSpec } from "../contract/routes.ts";
import {
  AbortError,
  APIError,
  apiErrorFor,
  ConnectionError,
  ResponseValidationError,
  TimeoutError,
} from "./errors.ts";

/** How retries back off. */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 2. */
  maxRetries: number;
  /** First backoff ceiling; doubles each retry. Default 500 ms. */
  baseDelayMs: number;
  /** Largest backoff ceiling. Default 8 s. */
  maxDelayMs: number;
  /** Largest `Retry-After` honoured before giving up instead. Default 120 s. */
  maxRetryAfterMs: number;
}

/** Options of the core. */
export interface CoreOptions {
  baseUrl: string;
  apiKey: string;
  /** Per-attempt timeout. Default 60 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: typeof fetch;
  /** Called with one line per request attempt; the key is never in it. */
  log?: (line: string) => void;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/** Per-call options every resource method accepts. */
export interface RequestOptions {
  /** Cancels the call (and its retries). */
  signal?: AbortSignal;
  /** Per-attempt timeout for this call. */
  timeoutMs?: number;
  /** Retries for this call. */
  maxRetries?: number;
}

/** A call of one route. */
export interface CallInit extends RequestOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** For POSTs: the caller's key, or one is generated once and reused by every retry. */
  idempotencyKey?: string;
}

/** A parsed response with its metadata. */
export interface ApiResponse<T> {
  data: T;
  status: number;
  headers: Headers;
  requestId: string | null;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const USER_AGENT = "proteiniq-notebook/0.1 (Deno)";

/** Seconds from a `Retry-After` header (delta-seconds or HTTP date). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - now) / 1000);
}

/** Sleep, rejecting with an {@linkcode AbortError} when `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortErrorOf(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortErrorOf(signal!));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The error to throw for an aborted signal (keeps a TimeoutError reason as is). */
export function abortErrorOf(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof TimeoutError || reason instanceof AbortError) return reason;
  return new AbortError("The operation was aborted", { cause: reason });
}

/** The HTTP core. */
export class HttpCore {
  readonly baseUrl: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #fetch: typeof fetch;
  readonly #log?: (line: string) => void;
  readonly #headers: Record<string, string>;
  /** Requests sent, including retries (benchmarks count them). */
  requestCount = 0;

  /** Build a core. */
  constructor(options: CoreOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#retry = {
      maxRetries: 2,
      baseDelayMs: 500,
      maxDelayMs: 8000,
      maxRetryAfterMs: 120_000,
      ...options.retry,
    };
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#log = options.log;
    this.#headers = options.headers ?? {};
  }

  /** Call a route and validate the answer with `schema`. */
  async call<S extends z.ZodType>(
    route: RouteSpec,
    schema: S,
    init: CallInit = {},
  ): Promise<ApiResponse<z.output<S>>> {
    const response = await this.send(route, init);
    const requestId = response.headers.get("x-request-id");
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      throw new ResponseValidationError(
        `${route.method.toUpperCase()} ${route.path} answered ${response.status} with a body that is not JSON (request ${requestId})`,
        { cause: error },
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ResponseValidationError(
        `${route.method.toUpperCase()} ${route.path} answered with an unexpected shape at ` +
          `${issue.path.join(".") || "(root)"}: ${issue.message} (request ${requestId})`,
        { cause: parsed.error },
      );
    }
    return { data: parsed.data, status: response.status, headers: response.headers, requestId };
  }

  /**
   * Send a request with retries and return the successful `Response` unread
   * (for streams and downloads). Error statuses become {@linkcode APIError}s.
   */
  async send(route: RouteSpec, init: CallInit = {}): Promise<Response> {
    const url = new URL(this.baseUrl + routePath(route, init.params));
    for (const [name, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const method = route.method.toUpperCase();
    const headers: Record<string, string> = {
      Accept: route.path.endsWith("/events") ? "text/event-stream" : "application/json",
      "User-Agent": USER_AGENT,
      ...this.#headers,
      ...init.headers,
      Authorization: `Bearer ${this.#apiKey}`,
    };
    let body: BodyInit | undefined;
    if (init.body instanceof FormData) {
      body = init.body;
    } else if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers["Content-Type"] = "application/json";
    }
    if (method === "POST") {
      // Generated once per logical call: every retry carries the same key, so a retry after a
      // lost response returns the original job instead of creating a second one.
      headers["Idempotency-Key"] = init.idempotencyKey ?? `piq_${nanoid(24)}`;
    }
    return await this.fetchWithRetries(url, { method, headers, body }, init, route.path);
  }

  /**
   * Fetch an absolute URL (a signed download) with the same timeouts, retries and errors,
   * without sending the API key.
   */
  async fetchUrl(url: string, init: RequestInit & RequestOptions = {}): Promise<Response> {
    return await this.fetchWithRetries(new URL(url), init, init, "(signed URL)", false);
  }

  async fetchWithRetries(
    url: URL,
    request: RequestInit,
    options: RequestOptions,
    pathForErrors: string,
    authenticated = true,
  ): Promise<Response> {
    const maxRetries = options.maxRetries ?? this.#retry.maxRetries;
    const method = (request.method ?? "GET").toUpperCase();
    for (let attempt = 0;; attempt++) {
      if (options.signal?.aborted) throw abortErrorOf(options.signal);
      const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
      const controller = new AbortController();
      const timer = setTimeout(
        () =>
          controller.abort(
            new TimeoutError(`${method} ${pathForErrors} timed out after ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      const onAbort = () => controller.abort(options.signal?.reason);
      options.signal?.addEventListener("abort", onAbort, { once: true });
      const started = performance.now();
      let response: Response;
      try {
        this.requestCount++;
        response = await this.#fetch(url, { ...request, signal: controller.signal });
      } catch (error) {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        if (options.signal?.aborted) throw abortErrorOf(options.signal);
        const failure = controller.signal.reason instanceof TimeoutError
          ? controller.signal.reason
          : new ConnectionError(
            `${method} ${pathForErrors} failed to connect to ${url.origin}: ${
              (error as Error).message
            }`,
            { cause: error },
          );
        this.#log?.(`${method} ${url.pathname} -> ${failure.name} (attempt ${attempt + 1})`);
        if (attempt >= maxRetries) throw failure;
        await sleep(this.#backoff(attempt, null), options.signal);
        continue;
      }
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      this.#log?.(
        `${method} ${url.pathname} -> ${response.status} in ${
          Math.round(performance.now() - started)
        } ms` +
          (response.headers.get("x-request-id")
            ? ` (${response.headers.get("x-request-id")})`
            : ""),
      );
      if (response.ok) return response;
      const error = await this.#errorOf(
        response,
        method,
        authenticated ? url.pathname : pathForErrors,
      );
      const retryAfterMs = error.retryAfterSeconds === null ? null : error.retryAfterSeconds * 1000;
      const retryable = RETRY_STATUSES.has(response.status) &&
        (retryAfterMs === null || retryAfterMs <= this.#retry.maxRetryAfterMs);
      if (!retryable || attempt >= maxRetries) throw error;
      await sleep(this.#backoff(attempt, retryAfterMs), options.signal);
    }
  }

  /** Full jitter: uniform in [0, min(cap, base·2ⁿ)], but never less than Retry-After. */
  #backoff(attempt: number, retryAfterMs: number | null): number {
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** attempt);
    const jittered = Math.random() * ceiling;
    return retryAfterMs === null ? jittered : Math.max(retryAfterMs, jittered);
  }

  async #errorOf(response: Response, method: string, path: string): Promise<APIError> {
    const requestId = response.headers.get("x-request-id");
    const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
    let text = "";
    try {
      text = await response.text();
    } catch {
      // a broken body still has a status
    }
    let envelope: ErrorEnvelope | undefined;
    try {
      const parsed = ErrorEnvelope.safeParse(JSON.parse(text));
      if (parsed.success) envelope = parsed.data;
    } catch {
      // not JSON: fall through to the status line
    }
    return apiErrorFor({
      status: response.status,
      code: envelope?.error.code ?? `http_${response.status}`,
      message: envelope?.error.message ?? (response.statusText || text.slice(0, 200) || "error"),
      details: envelope?.error.details,
      requestId,
      retryAfterSeconds,
      method,
      path,
    });
  }

  /** The key's non-secret prefix, for display. */
  get keyHint(): string {
    const match = /^(pq_live_[A-Za-z0-9]+)_/.exec(this.#apiKey);
    return match ? `${match[1]}_…` : "(key)";
  }
}

export { APIError };
