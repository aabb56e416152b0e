/**
 * Errors the client throws. Every API error response becomes one {@linkcode APIError}
 * subclass chosen by the envelope's `code` family, carrying `code`, `message`, `details`,
 * the HTTP `status`, the server's request id and any `Retry-After`.
 *
 * @example
 * ```ts
 * import { connect, JobNotCompletedError, NotFoundError } from "../../mod.ts";
 * const piq = await connect();
 * try {
 *   await piq.results.get("job_does_not_exist");
 * } catch (error) {
 *   if (error instanceof NotFoundError) console.log(error.code); // "not_found"
 *   if (error instanceof JobNotCompletedError) console.log(error.retryAfterSeconds);
 * }
 * ```
 * @module
 */
import { $display, cellOutput, type MimeBundle } from "../display/_jupyter.ts";
import { escapeHtml } from "../display/_html.ts";

/**
 * Base class of everything this module throws on purpose.
 *
 * @example
 * ```ts
 * import { connect, ProteinIQError } from "../../mod.ts";
 * const piq = await connect();
 * try {
 *   await piq.jobs.get("job_missing");
 * } catch (error) {
 *   if (error instanceof ProteinIQError) console.log(error.name, error.mayHaveCommitted);
 * }
 * ```
 */
export class ProteinIQError extends Error {
  /**
   * Whether the request that failed may have been applied on the server although no answer
   * said so (no answer, a reset mid-body, a 5xx after sending, a timeout or an abort while it
   * was in flight). A submission in that state may have created and charged its job.
   */
  mayHaveCommitted = false;
  /** The `Idempotency-Key` of that request, when {@linkcode mayHaveCommitted} is true. */
  idempotencyKey: string | undefined = undefined;
  /** The sentence added to the message when the request may have been applied. */
  #commitNote: string | undefined;

  /** Name the error after its class. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** What {@linkcode mayHaveCommitted} means for this error, in one sentence (or undefined). */
  get commitNote(): string | undefined {
    return this.#commitNote;
  }

  /**
   * @internal Record that the request may have been applied under `idempotencyKey`, and say
   * what that means in one sentence appended to the message (replacing an earlier one).
   */
  markMayHaveCommitted(idempotencyKey: string, note: string): this {
    if (this.#commitNote !== undefined && this.message.endsWith(` ${this.#commitNote}`)) {
      this.message = this.message.slice(0, -(this.#commitNote.length + 1));
    }
    this.mayHaveCommitted = true;
    this.idempotencyKey = idempotencyKey;
    this.#commitNote = note;
    this.message = `${this.message.replace(/\.?$/, ".")} ${note}`;
    return this;
  }

  /**
   * Jupyter display (a caught error as a cell's value): the same text as the message, with the
   * "may have been applied" sentence (which names the key) set apart in HTML. Every value is
   * escaped. An uncaught error shows as the kernel's traceback, whose text is the message.
   */
  [$display](): MimeBundle | Promise<MimeBundle> {
    const note = this.#commitNote;
    const base = note && this.message.endsWith(` ${note}`)
      ? this.message.slice(0, -(note.length + 1))
      : this.message;
    const html = `<div class="piq-error" role="alert" style="border-left:4px solid #c0392b;` +
      `padding:4px 10px;margin:2px 0"><strong>${escapeHtml(this.name)}</strong>: ` +
      `${escapeHtml(base)}${note ? `<br><strong>⚠ ${escapeHtml(note)}</strong>` : ""}</div>`;
    return cellOutput({ "text/plain": `${this.name}: ${this.message}`, "text/html": html });
  }
}

/**
 * The client was configured wrongly (no key for a real base URL, a malformed key…).
 *
 * @example
 * ```ts
 * import { ConfigurationError, ProteinIQ } from "../../mod.ts";
 * try {
 *   new ProteinIQ({ apiKey: "not-a-key" });
 * } catch (error) {
 *   console.log(error instanceof ConfigurationError); // true: refused before any request
 * }
 * ```
 */
export class ConfigurationError extends ProteinIQError {}

/** What an error response carried. */
export interface APIErrorInit {
  /** HTTP status. */
  status: number;
  /** The envelope's machine-readable code, e.g. `validation_error`. */
  code: string;
  /** The server's message. */
  message: string;
  /** The envelope's `details`, when the route has structured details. */
  details?: Record<string, unknown>;
  /** The server's request id (`X-Request-Id`). */
  requestId?: string | null;
  /** Seconds the server asked to wait (`Retry-After`). */
  retryAfterSeconds?: number | null;
  /** HTTP method of the request, for the error message. */
  method?: string;
  /** Path of the request (never a signed URL's query), for the error message. */
  path?: string;
  /** An earlier attempt of the same call may have been applied (its answer was lost). */
  afterLostResponse?: boolean;
}

/**
 * An error response from the API.
 *
 * @example
 * ```ts
 * import { APIError, connect } from "../../mod.ts";
 * const piq = await connect();
 * try {
 *   await piq.jobs.get("job_missing");
 * } catch (error) {
 *   if (error instanceof APIError) console.log(error.status, error.code, error.requestId);
 * }
 * ```
 */
export class APIError extends ProteinIQError {
  /** HTTP status. */
  readonly status: number;
  /** The envelope's machine-readable code, e.g. `validation_error`. */
  readonly code: string;
  /** The envelope's `details`, when the route has structured details. */
  readonly details: Record<string, unknown> | undefined;
  /** The server's request id (`X-Request-Id`), for support. */
  readonly requestId: string | null;
  /** Seconds the server asked to wait (`Retry-After`), if any. */
  readonly retryAfterSeconds: number | null;
  /** The server's own message, without our advice. */
  readonly serverMessage: string;
  /**
   * Whether an earlier attempt of this call may have been applied although its answer was
   * lost (so e.g. a `404` on deleting means the first attempt deleted it).
   */
  readonly afterLostResponse: boolean;

  /** Build from an error response. */
  constructor(init: APIErrorInit) {
    const where = init.method && init.path ? ` (${init.method} ${init.path})` : "";
    const advice = adviceFor(init);
    super(`${init.status} ${init.code}: ${init.message}${where}${advice ? `. ${advice}` : ""}`);
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.requestId = init.requestId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.serverMessage = init.message;
    this.afterLostResponse = init.afterLostResponse ?? false;
  }
}

/**
 * 400 `invalid_json`, `validation_error`; 413; 415; 416; 431 — fix the request, do not retry it unchanged.
 *
 * @example
 * ```ts
 * import { connect, fastaInput, InvalidRequestError, ValidationError } from "../../mod.ts";
 * const piq = await connect();
 * const request = { tool: "protein-properties", input: fastaInput(">a\nMKT"), settings: { ph: 99 } };
 * await piq.jobs.quote(request).catch((error) => {
 *   // Refused by the server (400) or, where the client can tell, before sending.
 *   if (error instanceof ValidationError) console.log(error.details);
 *   if (error instanceof InvalidRequestError) console.log(error.issues);
 * });
 * ```
 */
export class ValidationError extends APIError {
  /** Each problem the server named, as `{path, message}`. */
  get issues(): { path: string; message: string }[] {
    const issues = this.details?.issues;
    return Array.isArray(issues) ? issues : [];
  }
}
/**
 * 401 `unauthorized`: the key is missing, malformed, expired, revoked or invalid.
 *
 * @example
 * ```ts
 * import { AuthenticationError, ProteinIQ } from "../../mod.ts";
 * const piq = new ProteinIQ({
 *   apiKey: "pq_live_abc123_secretsecret",
 *   baseUrl: "http://127.0.0.1:9",
 *   maxRetries: 0,
 * });
 * await piq.account.get().catch((error) => {
 *   // A revoked or unknown key: a new key is needed, retrying will not help.
 *   if (error instanceof AuthenticationError) console.log(error.code); // "unauthorized"
 * });
 * ```
 */
export class AuthenticationError extends APIError {}
/**
 * 403 `forbidden`, 402 `paid_plan_required`: the key may not do this.
 *
 * @example
 * ```ts
 * import { connect, PermissionError } from "../../mod.ts";
 * const piq = await connect();
 * await piq.files.list().take(10).catch((error) => {
 *   // A key without the files:read scope.
 *   if (error instanceof PermissionError) console.log(error.code); // "forbidden"
 * });
 * ```
 */
export class PermissionError extends APIError {}
/**
 * 404 `not_found`, `user_not_found`, `team_not_found`.
 *
 * @example
 * ```ts
 * import { connect, NotFoundError } from "../../mod.ts";
 * const piq = await connect();
 * const job = await piq.jobs.get("job_missing").catch((error) => {
 *   if (error instanceof NotFoundError) return undefined;
 *   throw error;
 * });
 * console.log(job); // undefined
 * ```
 */
export class NotFoundError extends APIError {}
/**
 * 409 `conflict`, e.g. cancelling a running job (`details.current_status`).
 *
 * @example
 * ```ts
 * import { ConflictError, connect } from "../../mod.ts";
 * const piq = await connect();
 * const [job] = await piq.jobs.list({ status: "PROCESSING" }).take(1);
 * await job?.cancel().catch((error) => {
 *   // Only PENDING and QUEUED jobs can be cancelled.
 *   if (error instanceof ConflictError) console.log(error.details?.current_status);
 * });
 * ```
 */
export class ConflictError extends APIError {
  /** The job's status when the conflict was detected, if the server said. */
  get currentStatus(): string | undefined {
    const status = this.details?.current_status;
    return typeof status === "string" ? status : undefined;
  }
}
/**
 * 409 `job_not_completed`: results were asked for too early.
 *
 * @example
 * ```ts
 * import { connect, JobNotCompletedError } from "../../mod.ts";
 * const piq = await connect();
 * const [job] = await piq.jobs.list({ status: "QUEUED" }).take(1);
 * if (job) {
 *   await piq.results.get(job.id).catch((error) => {
 *     if (error instanceof JobNotCompletedError) console.log(error.retryAfterSeconds); // 5
 *   });
 * }
 * ```
 */
export class JobNotCompletedError extends ConflictError {}
/**
 * 429 `rate_limited`.
 *
 * @example
 * ```ts
 * import { connect, RateLimitError } from "../../mod.ts";
 * const piq = await connect({ maxRetries: 0 });
 * await piq.account.get().catch((error) => {
 *   // Retried automatically after Retry-After unless maxRetries is 0.
 *   if (error instanceof RateLimitError) console.log(error.retryAfterSeconds);
 * });
 * ```
 */
export class RateLimitError extends APIError {}
/**
 * 402 `insufficient_credits`, `daily_limit_exceeded`, `concurrent_job_limit_exceeded`.
 *
 * @example
 * ```ts
 * import { connect, fastaInput, InsufficientCreditsError } from "../../mod.ts";
 * const piq = await connect();
 * const request = { tool: "esmfold", name: "big run", input: fastaInput(">a\nMKTAYIAKQR") };
 * await piq.jobs.submit(request).catch((error) => {
 *   // Also the daily and concurrency limits (daily_limit_exceeded, concurrent_job_limit_exceeded).
 *   if (error instanceof InsufficientCreditsError) console.log(error.code);
 * });
 * ```
 */
export class InsufficientCreditsError extends APIError {}
/**
 * 5xx.
 *
 * @example
 * ```ts
 * import { connect, ServerError } from "../../mod.ts";
 * const piq = await connect({ maxRetries: 0 });
 * await piq.account.get().catch((error) => {
 *   // 5xx answers are retried with backoff first (maxRetries, 2 by default).
 *   if (error instanceof ServerError) console.log(error.status, error.requestId);
 * });
 * ```
 */
export class ServerError extends APIError {}

/**
 * The request was refused before sending: it does not match the contract.
 *
 * @example
 * ```ts
 * import { connect, fastaInput, InvalidRequestError } from "../../mod.ts";
 * const piq = await connect();
 * const request = { tool: "protein-properties", name: "", input: fastaInput(">a\nMKT") };
 * await piq.jobs.submit(request).catch((error) => {
 *   // Refused before sending: nothing reached the server, no credits spent.
 *   if (error instanceof InvalidRequestError) console.log(error.issues[0].path); // "name"
 * });
 * ```
 */
export class InvalidRequestError extends ProteinIQError {
  /** Each problem, as `{path, message}`. */
  readonly issues: { path: string; message: string }[];
  /** Build from issues. */
  constructor(what: string, issues: { path: string; message: string }[]) {
    const first = issues[0];
    super(
      `${what} is invalid (nothing was sent, no credits spent): ${first.path}: ${first.message}` +
        (issues.length > 1
          ? ` (and ${issues.length - 1} more: ${issues.slice(1).map((i) => i.path).join(", ")})`
          : ""),
    );
    this.issues = issues;
  }
}

/**
 * The request never got an answer (DNS, refused connection, reset…), or its answer was lost.
 * When it may have reached the server, {@linkcode ProteinIQError.mayHaveCommitted} is true and
 * `idempotencyKey` is the key it was sent with; for `jobs.submit` the message then says that the
 * job may exist and that re-running the cell is safe (the same request sends the same key).
 *
 * @example
 * ```ts
 * import { connect, ConnectionError, fastaInput } from "../../mod.ts";
 * const piq = await connect();
 * const request = { tool: "protein-properties", name: "a", input: fastaInput(">a\nMKTAYIAKQR") };
 * try {
 *   await piq.jobs.submit(request);
 * } catch (error) {
 *   if (error instanceof ConnectionError && error.mayHaveCommitted) {
 *     // Safe: the same request reuses error.idempotencyKey and returns the job if it exists.
 *     await piq.jobs.submit(request);
 *   }
 * }
 * ```
 */
export class ConnectionError extends ProteinIQError {}
/**
 * A request or a wait ran past its time limit.
 *
 * @example
 * ```ts
 * import { connect, fastaInput, TimeoutError } from "../../mod.ts";
 * const piq = await connect();
 * const job = await piq.jobs.submit({
 *   tool: "protein-properties",
 *   name: "Quick look",
 *   input: fastaInput(">a\nMKTAYIAKQR"),
 * });
 * await job.wait({ timeoutMs: 1 }).catch((error) => {
 *   // The job goes on; wait again later.
 *   if (error instanceof TimeoutError) console.log(job.status);
 * });
 * ```
 */
export class TimeoutError extends ProteinIQError {}
/**
 * The caller's AbortSignal fired.
 *
 * @example
 * ```ts
 * import { AbortError, connect } from "../../mod.ts";
 * const piq = await connect();
 * const controller = new AbortController();
 * controller.abort();
 * await piq.account.get({ signal: controller.signal }).catch((error) => {
 *   console.log(error instanceof AbortError); // true
 * });
 * ```
 */
export class AbortError extends ProteinIQError {}
/**
 * The server answered 2xx with a body that does not match the contract.
 *
 * @example
 * ```ts
 * import { connect, ResponseValidationError } from "../../mod.ts";
 * const piq = await connect();
 * await piq.account.get().catch((error) => {
 *   // A 2xx body that does not match the contract: not retried, reported with its path.
 *   if (error instanceof ResponseValidationError) console.log(error.message);
 * });
 * ```
 */
export class ResponseValidationError extends ProteinIQError {}
/**
 * A job reported a status this client does not know; waiting stops instead of looping.
 *
 * @example
 * ```ts
 * import { connect, UnknownStatusError } from "../../mod.ts";
 * const piq = await connect();
 * const [job] = await piq.jobs.list().take(1);
 * await job?.wait().catch((error) => {
 *   // A status newer than this client: waiting stops instead of looping.
 *   if (error instanceof UnknownStatusError) console.log(error.status);
 * });
 * ```
 */
export class UnknownStatusError extends ProteinIQError {
  /** The status as received. */
  readonly status: string;
  /** Build for a status string. */
  constructor(jobId: string, status: string) {
    super(
      `Job ${jobId} reported status ${JSON.stringify(status)}, which this client does not know; ` +
        "stopped waiting instead of guessing. Upgrade proteiniq-notebook or check the job in the web app.",
    );
    this.status = status;
  }
}
/**
 * A job is in the wrong state for what was asked (retry a completed job, duplicate a failed one…).
 *
 * @example
 * ```ts
 * import { connect, fastaInput, JobStateError } from "../../mod.ts";
 * const piq = await connect();
 * const job = await piq.jobs.submit({
 *   tool: "protein-properties",
 *   name: "Retry me?",
 *   input: fastaInput(">a\nMKTAYIAKQR"),
 * });
 * await job.wait({ display: false });
 * await job.retry().catch((error) => {
 *   // Only FAILED or TIMEOUT jobs can be retried.
 *   if (error instanceof JobStateError) console.log(error.status, error.allowed);
 * });
 * ```
 */
export class JobStateError extends ProteinIQError {
  /** The job. */
  readonly jobId: string;
  /** Its status when refused. */
  readonly status: string;
  /** The statuses the action needs. */
  readonly allowed: readonly string[];
  /** Build for a job, its status and the statuses the action needs. */
  constructor(
    message: string,
    init: { jobId: string; status: string; allowed: readonly string[] },
  ) {
    super(message);
    this.jobId = init.jobId;
    this.status = init.status;
    this.allowed = init.allowed;
  }
}
/**
 * A signed download URL was refused (expired or tampered) even after fetching a fresh one.
 *
 * @example
 * ```ts
 * import { connect, DownloadError } from "../../mod.ts";
 * const piq = await connect();
 * const [job] = await piq.jobs.list({ status: "COMPLETED" }).take(1);
 * if (job) {
 *   const result = await job.result();
 *   await result.downloadAll({ dir: "downloads" }).catch((error) => {
 *     if (error instanceof DownloadError) console.log(error.message);
 *   });
 * }
 * ```
 */
export class DownloadError extends ProteinIQError {}

/** What to do next, where the documentation says. */
function adviceFor(init: APIErrorInit): string {
  switch (init.code) {
    case "validation_error":
      return "Fix the request; sending it unchanged will fail again";
    case "unauthorized":
      return "Check PROTEINIQ_API_KEY (create keys on the API keys page)";
    case "paid_plan_required":
      return "API keys need an active paid workspace plan";
    case "insufficient_credits":
      return "Top up the workspace's credits, then submit again";
    case "daily_limit_exceeded":
      return "The workspace's daily job limit resets at midnight UTC";
    case "concurrent_job_limit_exceeded":
      return "Wait for an active job to finish, then submit again";
    case "rate_limited":
      return init.retryAfterSeconds !== null && init.retryAfterSeconds !== undefined
        ? `Retry after ${init.retryAfterSeconds} s`
        : "Slow down and retry later";
    case "job_not_completed":
      return "Wait for the job to reach a result-ready status (job.wait()) before fetching results";
    case "internal_error":
      return "Retry later; job submissions are safe to retry with the same Idempotency-Key";
    default:
      return "";
  }
}

const FAMILIES: Record<string, new (init: APIErrorInit) => APIError> = {
  invalid_json: ValidationError,
  validation_error: ValidationError,
  payload_too_large: ValidationError,
  unsupported_media_type: ValidationError,
  method_not_allowed: ValidationError,
  range_not_satisfiable: ValidationError,
  request_header_fields_too_large: ValidationError,
  unauthorized: AuthenticationError,
  forbidden: PermissionError,
  paid_plan_required: PermissionError,
  not_found: NotFoundError,
  user_not_found: NotFoundError,
  team_not_found: NotFoundError,
  conflict: ConflictError,
  job_not_completed: JobNotCompletedError,
  rate_limited: RateLimitError,
  insufficient_credits: InsufficientCreditsError,
  daily_limit_exceeded: InsufficientCreditsError,
  concurrent_job_limit_exceeded: InsufficientCreditsError,
  internal_error: ServerError,
};

const BY_STATUS: Record<number, new (init: APIErrorInit) => APIError> = {
  400: ValidationError,
  401: AuthenticationError,
  402: InsufficientCreditsError,
  403: PermissionError,
  404: NotFoundError,
  409: ConflictError,
  413: ValidationError,
  415: ValidationError,
  416: ValidationError,
  431: ValidationError,
  429: RateLimitError,
};

/**
 * The error class for a response: by documented code first, then by status.
 *
 * @example
 * ```ts
 * import { apiErrorFor, NotFoundError } from "../../mod.ts";
 * const error = apiErrorFor({ status: 404, code: "not_found", message: "Job not found" });
 * console.log(error instanceof NotFoundError, error.message);
 * ```
 */
export function apiErrorFor(init: APIErrorInit): APIError {
  const ErrorClass = FAMILIES[init.code] ?? BY_STATUS[init.status] ??
    (init.status >= 500 ? ServerError : APIError);
  return new ErrorClass(init);
}
