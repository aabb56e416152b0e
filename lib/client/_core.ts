/**
 * The one HTTP core every resource goes through. It owns: URLs from the route table,
 * authentication, idempotency keys, timeouts, cancellation, retries with backoff and
 * `Retry-After`, error construction and response validation. Resources stay thin.
 *
 * Retries: network errors, 429 and 502/503/504 are retried with exponential backoff and full
 * jitter, never sooner than `Retry-After`. A response lost after the server committed the
 * request (connection reset while reading it, a truncated body) is retried too, but only for
 * requests that are safe to repeat: reads, deletes, and POSTs that carry an `Idempotency-Key`
 * (every POST this core sends carries one, generated once per call and reused by each retry).
 * @module
 */
import type { z } from "../_deps/zod.ts";
import { nanoid } from "../_deps/nanoid.ts";
import { ErrorEnvelope as ErrorEnvelopeSchema } from "../contract/errors.ts";
import { routePath, type RouteSpec } from "../contract/routes.ts";
import {
  AbortError,
  APIError,
  apiErrorFor,
  ConnectionError,
  ProteinIQError,
  ResponseValidationError,
  TimeoutError,
} from "./errors.ts";
import type { ErrorEnvelope } from "../contract/_wire.ts";

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
  /** Base URL of the API, e.g. `https://proteiniq.io` (trailing slashes are dropped). */
  baseUrl: string;
  /** The API key, `pq_live_<keyId>_<secret>`; it never appears in errors or log lines. */
  apiKey: string;
  /** Per-attempt timeout. Default 60 s. */
  timeoutMs?: number;
  /** Changes to the default retry policy (2 retries, 500 ms to 8 s backoff, 120 s Retry-After). */
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

/** A request body made afresh for every attempt (a stream cannot be sent twice). */
export interface BodySource {
  /** A new body for one attempt, with its content headers. */
  open(): Promise<{ body: BodyInit; headers: Record<string, string> }>;
}

/** Whether a value is a {@linkcode BodySource}. */
function isBodySource(value: unknown): value is BodySource {
  return typeof value === "object" && value !== null &&
    typeof (value as BodySource).open === "function";
}

/** A call of one route. */
export interface CallInit extends RequestOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /** A JSON value, `FormData`, or a {@linkcode BodySource} reopened for every attempt. */
  body?: unknown;
  headers?: Record<string, string>;
  /** For POSTs: the caller's key, or one is generated once and reused by every retry. */
  idempotencyKey?: string;
  /**
   * For writes the server does not deduplicate by key (uploads): after an attempt whose
   * answer was lost, look for what it created before sending again. A value found is the
   * call's answer.
   */
  reconcile?: () => Promise<unknown | undefined>;
}

/** A parsed response with its metadata. */
export interface ApiResponse<T> {
  data: T;
  status: number;
  headers: Headers;
  requestId: string | null;
}

/** How one request is sent. */
interface Exchange {
  url: URL;
  method: string;
  headers: Record<string, string>;
  /** A fixed body, or a source reopened per attempt. */
  body?: BodyInit | BodySource;
  /** What errors and log lines call the request (never a signed URL's query). */
  label: string;
  authenticated: boolean;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "DELETE", "PUT"]);
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

/** Thrown inside an attempt when the response was lost while being read. */
class LostResponse extends Error {}

/**
 * Request deadlines on one shared, unref'd timer armed for the earliest deadline. A timer per
 * request costs more than the rest of the client's work on a loopback call (measured in
 * bench/api_bench.ts); with equal timeouts the shared timer is armed once and not touched
 * again while calls come and go.
 */
class DeadlineWatch {
  readonly #pending = new Set<{ at: number; expire: () => void }>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Infinity;

  /** Call `expire` at `at` (performance.now() time) unless the returned function runs first. */
  add(at: number, expire: () => void): () => void {
    const entry = { at, expire };
    this.#pending.add(entry);
    if (at < this.#armedFor) this.#arm(at);
    return () => this.#pending.delete(entry);
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedFor = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - performance.now()));
    // A pending fetch keeps the process alive on its own; this timer never should.
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const entry of this.#pending) {
      if (entry.at <= now + 1) {
        this.#pending.delete(entry);
        entry.expire();
      } else {
        next = Math.min(next, entry.at);
      }
    }
    if (next < Infinity) this.#arm(next);
  }
}

const deadlines = new DeadlineWatch();

/**
 * The HTTP core: it owns retries, timeouts, errors and the key, for every resource.
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 *
 * const piq = await connect();
 * await piq.tools.list();
 * console.log(piq.core.requestCount, piq.core.retryPolicy.maxRetries); // e.g. 1 2
 * console.log(piq.core); // HttpCore(http://127.0.0.1:…, key pq_live_…_…, 1 requests): no secret
 * ```
 */
export class HttpCore {
  /** Base URL of the API, without a trailing slash. */
  readonly baseUrl: string;
  readonly #apiKey: string;
  readonly #secrets: string[];
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #fetch: typeof fetch;
  readonly #log?: (line: string) => void;
  readonly #headers: Record<string, string>;
  /** Requests sent, including retries and event-stream connections (benchmarks count them). */
  requestCount = 0;

  /** Build a core. */
  constructor(options: CoreOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#apiKey = options.apiKey;
    // The whole key and its secret part: either must never leave this object.
    const secret = /^pq_live_[A-Za-z0-9]+_(.+)$/.exec(options.apiKey)?.[1];
    this.#secrets = [options.apiKey, ...(secret && secret.length >= 6 ? [secret] : [])];
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

  /** The retry policy in force. */
  get retryPolicy(): Readonly<RetryPolicy> {
    return this.#retry;
  }

  /**
   * Call a route and validate the answer with `schema`.
   * @internal The resources' plumbing: it takes a route of the contract's table and its schema.
   */
  async call<S extends z.ZodType>(
    route: RouteSpec,
    schema: S,
    init: CallInit = {},
  ): Promise<ApiResponse<z.output<S>>> {
    const exchange = this.#exchange(route, init);
    const reconcile = init.reconcile;
    const found = reconcile
      ? async () => {
        const data = await reconcile();
        if (data === undefined) return undefined;
        const parsed = schema.safeParse(data);
        return parsed.success
          ? { data: parsed.data, status: 200, headers: new Headers(), requestId: null }
          : undefined;
      }
      : undefined;
    return await this.#attempts(exchange, init, async (response) => {
      const requestId = response.headers.get("x-request-id");
      let json: unknown;
      try {
        json = await response.json();
      } catch (error) {
        // A body that broke off (reset, shorter than its Content-Length) is a lost answer;
        // a complete body that is not JSON is the server's mistake.
        if (!(error instanceof SyntaxError)) {
          throw new LostResponse(messageOf(error), { cause: error });
        }
        throw new ResponseValidationError(
          `${exchange.label} answered ${response.status} with a body that is not JSON (request ${requestId})`,
          { cause: error },
        );
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ResponseValidationError(
          `${exchange.label} answered with an unexpected shape at ` +
            `${issue.path.join(".") || "(root)"}: ${issue.message} (request ${requestId})`,
          { cause: parsed.error },
        );
      }
      return {
        data: parsed.data,
        status: response.status,
        headers: response.headers,
        requestId,
      };
    }, found);
  }

  /**
   * Send a request with retries and return the successful `Response` unread
   * (for streams and downloads). Error statuses become {@linkcode APIError}s. The caller's
   * signal stays attached to the body, so aborting it ends a stream.
   * @internal The resources' plumbing: it takes a route of the contract's table.
   */
  async send(route: RouteSpec, init: CallInit = {}): Promise<Response> {
    return await this.#attempts(this.#exchange(route, init), init, (response) => response);
  }

  /**
   * Fetch an absolute URL (a signed download, or a route that needs no key) with the same
   * timeouts, retries and errors, without sending the API key.
   */
  async fetchUrl(
    url: string,
    init: { headers?: Record<string, string>; method?: string } & RequestOptions = {},
  ): Promise<Response> {
    const target = new URL(url);
    const method = (init.method ?? "GET").toUpperCase();
    return await this.#attempts(
      {
        url: target,
        method,
        headers: { "User-Agent": USER_AGENT, ...init.headers },
        label: `${method} ${target.origin}${target.pathname}`,
        authenticated: false,
      },
      init,
      (response) => response,
    );
  }

  /** Remove every trace of the API key from a text (error messages, causes, log lines). */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join("***");
    return out;
  }

  #exchange(route: RouteSpec, init: CallInit): Exchange {
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
    let body: BodyInit | BodySource | undefined;
    if (init.body instanceof FormData || isBodySource(init.body)) {
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
    return { url, method, headers, body, label: `${method} ${url.pathname}`, authenticated: true };
  }

  /** Whether sending `exchange` twice cannot do the work twice. */
  #repeatable(exchange: Exchange): boolean {
    return SAFE_METHODS.has(exchange.method) ||
      Object.keys(exchange.headers).some((name) => name.toLowerCase() === "idempotency-key");
  }

  /**
   * Run attempts until one succeeds. `consume` reads the successful response inside the
   * attempt, under its timeout, so a body lost half-way is retried like a lost connection.
   */
  async #attempts<T>(
    exchange: Exchange,
    options: RequestOptions,
    consume: (response: Response) => Promise<T> | T,
    reconcile?: () => Promise<T | undefined>,
  ): Promise<T> {
    const progress: AttemptProgress = { sent: false, lost: false };
    try {
      return await this.#attemptsUntilDone(exchange, options, progress, consume, reconcile);
    } catch (error) {
      const key = exchange.method === "POST" ? idempotencyKeyOf(exchange.headers) : undefined;
      if (key !== undefined && error instanceof ProteinIQError && mayHaveApplied(error, progress)) {
        error.markMayHaveCommitted(
          key,
          `It may have been applied on the server; sending it again with Idempotency-Key ${key} cannot apply it twice.`,
        );
      }
      throw error;
    }
  }

  async #attemptsUntilDone<T>(
    exchange: Exchange,
    options: RequestOptions,
    progress: AttemptProgress,
    consume: (response: Response) => Promise<T> | T,
    reconcile?: () => Promise<T | undefined>,
  ): Promise<T> {
    const maxRetries = options.maxRetries ?? this.#retry.maxRetries;
    const repeatable = this.#repeatable(exchange);
    // Set once an attempt may have reached the server without us seeing its answer.
    let maybeCommitted = false;
    for (let attempt = 0;; attempt++) {
      if (options.signal?.aborted) throw abortErrorOf(options.signal);
      const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
      const timeout = new AbortController();
      const clearDeadline = deadlines.add(
        performance.now() + timeoutMs,
        () => timeout.abort(new TimeoutError(`${exchange.label} timed out after ${timeoutMs} ms`)),
      );
      const signal = options.signal
        ? AbortSignal.any([options.signal, timeout.signal])
        : timeout.signal;
      let body: BodyInit | undefined;
      let headers = exchange.headers;
      if (isBodySource(exchange.body)) {
        // Opening the body (a file on disk) fails locally; that is not a network failure.
        try {
          const opened = await exchange.body.open();
          body = opened.body;
          headers = { ...headers, ...opened.headers };
        } catch (error) {
          clearDeadline();
          throw error;
        }
      } else {
        body = exchange.body;
      }
      const started = performance.now();
      let response: Response | undefined;
      try {
        this.requestCount++;
        progress.sent = true;
        response = await this.#fetch(exchange.url, {
          method: exchange.method,
          headers,
          body,
          signal,
        });
        if (this.#log) {
          const requestId = response.headers.get("x-request-id");
          const took = Math.round(performance.now() - started);
          this.#logLine(
            exchange,
            attempt,
            `${response.status} in ${took} ms${requestId ? ` (${requestId})` : ""}`,
          );
        }
        if (response.ok) {
          try {
            return await consume(response);
          } finally {
            clearDeadline();
          }
        }
      } catch (error) {
        clearDeadline();
        if (options.signal?.aborted) throw abortErrorOf(options.signal);
        if (error instanceof ResponseValidationError) throw error;
        const timedOut = timeout.signal.reason instanceof TimeoutError;
        const lost = response !== undefined || error instanceof LostResponse;
        const failure = timedOut ? timeout.signal.reason as TimeoutError : new ConnectionError(
          this.redact(
            lost
              ? `${exchange.label} answered ${response?.status ?? ""} but the response was lost ` +
                `while reading it (${messageOf(error)})`
              : `${exchange.label} got no answer from ${exchange.url.origin}: ${messageOf(error)}`,
          ),
          { cause: this.#sanitizedCause(error) },
        );
        this.#logLine(exchange, attempt, `${failure.name}${lost ? " (response lost)" : ""}`);
        // A request may have been applied when it was sent and no answer came back, unless
        // the connection was refused outright (nothing reached a server).
        if (lost || timedOut || !refusedBeforeSending(error)) {
          maybeCommitted = true;
          progress.lost = true;
        }
        if (reconcile) {
          const found = await reconcile().catch(() => undefined);
          if (found !== undefined) {
            this.#logLine(exchange, attempt, "found what the lost attempt created");
            return found;
          }
        }
        if (!repeatable) {
          throw new ConnectionError(
            `${failure.message}. It was not retried: it may have been applied, and repeating it is not safe`,
            { cause: failure },
          );
        }
        if (attempt >= maxRetries) throw failure;
        await sleep(this.#backoff(attempt, null), options.signal);
        continue;
      }
      const error = await this.#errorOf(response!, exchange, maybeCommitted).finally(clearDeadline);
      const retryAfterMs = error.retryAfterSeconds === null ? null : error.retryAfterSeconds * 1000;
      const retryable = RETRY_STATUSES.has(response!.status) &&
        (retryAfterMs === null || retryAfterMs <= this.#retry.maxRetryAfterMs);
      if (!retryable || attempt >= maxRetries) throw error;
      await sleep(this.#backoff(attempt, retryAfterMs), options.signal);
    }
  }

  #logLine(exchange: Exchange, attempt: number, outcome: string): void {
    if (!this.#log) return;
    this.#log(
      this.redact(
        `${exchange.label} -> ${outcome}${attempt > 0 ? ` (attempt ${attempt + 1})` : ""}`,
      ),
    );
  }

  /** A cause that can be shown: the original error unless it mentions the key. */
  #sanitizedCause(error: unknown): unknown {
    const text = `${messageOf(error)} ${(error as Error)?.stack ?? ""}`;
    if (this.redact(text) === text) return error;
    return new Error(this.redact(messageOf(error)));
  }

  /** Full jitter: uniform in [0, min(cap, base·2ⁿ)], but never less than Retry-After. */
  #backoff(attempt: number, retryAfterMs: number | null): number {
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** attempt);
    const jittered = Math.random() * ceiling;
    return retryAfterMs === null ? jittered : Math.max(retryAfterMs, jittered);
  }

  async #errorOf(
    response: Response,
    exchange: Exchange,
    afterLostResponse: boolean,
  ): Promise<APIError> {
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
      const parsed = ErrorEnvelopeSchema.safeParse(JSON.parse(text));
      if (parsed.success) envelope = parsed.data;
    } catch {
      // not JSON: fall through to the status line
    }
    return apiErrorFor({
      status: response.status,
      code: envelope?.error.code ?? `http_${response.status}`,
      message: this.redact(
        envelope?.error.message ?? (response.statusText || text.slice(0, 200) || "error"),
      ),
      details: envelope?.error.details,
      requestId,
      retryAfterSeconds,
      method: exchange.method,
      path: exchange.authenticated ? exchange.url.pathname : exchange.label.split(" ")[1],
      afterLostResponse,
    });
  }

  /** The key's non-secret prefix, for display. */
  get keyHint(): string {
    const match = /^(pq_live_[A-Za-z0-9]+)_/.exec(this.#apiKey);
    return match ? `${match[1]}_…` : "(key)";
  }

  /** What `console.log` shows: never the key. */
  [Symbol.for("Deno.customInspect")](): string {
    return `HttpCore(${this.baseUrl}, key ${this.keyHint}, ${this.requestCount} requests)`;
  }
}

/** What the attempts of one call did, for deciding whether a failure may have been applied. */
interface AttemptProgress {
  /** At least one attempt was handed to fetch. */
  sent: boolean;
  /** At least one attempt may have reached the server without its answer reaching us. */
  lost: boolean;
}

function idempotencyKeyOf(headers: Record<string, string>): string | undefined {
  const name = Object.keys(headers).find((header) => header.toLowerCase() === "idempotency-key");
  return name === undefined ? undefined : headers[name];
}

/**
 * Whether a call that ended in `error` may have been applied: a 5xx (the server may have
 * committed before failing), an answer that was lost or malformed, a timeout or an abort while
 * an attempt was in flight. A 4xx refusal is definitive: with the same key, a request that had
 * been applied would have been replayed instead — except 408/429, which are answered before the
 * key is looked at, so after a lost attempt they say nothing.
 */
function mayHaveApplied(error: ProteinIQError, progress: AttemptProgress): boolean {
  if (error instanceof APIError) {
    return error.status >= 500 ||
      (progress.lost && (error.status === 408 || error.status === 429));
  }
  if (error instanceof ResponseValidationError) return true;
  if (error instanceof ConnectionError) return progress.lost;
  return progress.sent && (error instanceof TimeoutError || error instanceof AbortError);
}

/** A connection refused (or a name that does not resolve): the request reached no server. */
function refusedBeforeSending(error: unknown): boolean {
  const text = `${messageOf(error)} ${messageOf((error as Error)?.cause)}`;
  return /connection refused|ECONNREFUSED|os error 111|dns error|failed to lookup address/i
    .test(text);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { APIError };
