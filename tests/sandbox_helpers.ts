/**
 * Plain-`fetch` helpers for the sandbox tests: they talk HTTP to a real sandbox on loopback,
 * without the client module, so the sandbox's rules are tested on their own.
 * @module
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { JobResource, JobStatus } from "../lib/contract/jobs.ts";
import { TERMINAL_STATUSES } from "../lib/contract/jobs.ts";
import { ErrorEnvelope } from "../lib/contract/errors.ts";
import type { Issue } from "../lib/contract/issues.ts";
import { ROUTES, type RouteSpec } from "../lib/contract/routes.ts";

/** A decoded answer: JSON bodies parsed, anything else as text. Read it with `expectOk`. */
export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Request options. */
export interface CallOptions {
  body?: unknown;
  /** Sent as is, with no JSON content type added. */
  raw?: BodyInit;
  headers?: Record<string, string>;
  key?: string | null;
}

/** A small HTTP caller bound to a base URL and key. */
export function caller(baseUrl: string, apiKey: string) {
  return async (method: string, path: string, options: CallOptions = {}): Promise<Answer> => {
    const headers: Record<string, string> = {};
    const key = options.key === undefined ? apiKey : options.key;
    if (key !== null) headers.Authorization = `Bearer ${key}`;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    Object.assign(headers, options.headers);
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, body };
  };
}

/** The caller type. */
export type Caller = ReturnType<typeof caller>;

/** What an `expect*` helper prints first when it fails. */
export interface ExpectOptions {
  label?: string;
}

function describe(answer: Answer, label: string | undefined): string {
  const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
  return `${label ? `${label}: ` : ""}${answer.status} ${body?.slice(0, 300)}`;
}

/**
 * The success body of `route`, parsed with the route's response schema from the contract:
 * the status must be the route's success status and the body must match its schema.
 *
 * @example
 * ```ts
 * const job = expectOk(await call("POST", "/api/v1/jobs", { body: proteins() }), ROUTES.submitJob);
 * ```
 */
export function expectOk<Schema extends z.ZodType>(
  answer: Answer,
  route: RouteSpec & { readonly response: Schema },
  options: ExpectOptions = {},
): z.output<Schema> {
  assert.equal(answer.status, route.status, describe(answer, options.label));
  const parsed = route.response.safeParse(answer.body);
  if (!parsed.success) {
    assert.fail(
      `${describe(answer, options.label)}\noutside the ${route.method.toUpperCase()} ` +
        `${route.path} contract: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/**
 * The error envelope of an answer that must have `status` (and `options.code`, when given).
 *
 * @example
 * ```ts
 * const refused = expectError(await call("GET", "/api/v1/jobs"), 401, { code: "unauthorized" });
 * ```
 */
export function expectError(
  answer: Answer,
  status: number,
  options: ExpectOptions & { code?: string } = {},
): ErrorEnvelope {
  assert.equal(answer.status, status, describe(answer, options.label));
  const parsed = ErrorEnvelope.safeParse(answer.body);
  if (!parsed.success) {
    assert.fail(
      `${describe(answer, options.label)}\nnot the error envelope: ` +
        z.prettifyError(parsed.error),
    );
  }
  if (options.code !== undefined) {
    assert.equal(parsed.data.error.code, options.code, describe(answer, options.label));
  }
  return parsed.data;
}

const IssueList = z.array(z.object({ path: z.string(), message: z.string() }));

/** The `details.issues` of a `validation_error` envelope. */
export function issuesOf(envelope: ErrorEnvelope): Issue[] {
  const parsed = IssueList.safeParse(envelope.error.details?.issues);
  if (!parsed.success) {
    assert.fail(`no details.issues list in ${JSON.stringify(envelope)}`);
  }
  return parsed.data;
}

/** The job resource an event of a job's stream carries as its data. */
export function jobOf(event: { data: string }): JobResource {
  const data: unknown = JSON.parse(event.data);
  const parsed = ROUTES.jobEvents.response.safeParse(data);
  if (!parsed.success) {
    assert.fail(`an event outside the contract: ${event.data}\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** A JSON object: for bodies the contract leaves open (tool output, file contents). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON array, with its items still unknown. */
export function isList(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

/** One `text` input item for the workload simulator. */
export function textItem(content = "hello sandbox") {
  return {
    id: "data_1",
    slotId: "data",
    kind: "text",
    format: "txt",
    content,
    source: { type: "text" },
  };
}

/** A workload-simulator submission. */
export function workload(
  settings: Record<string, string | number | boolean> = {},
  extra: Record<string, unknown> = {},
) {
  return {
    tool: "workload-simulator",
    name: "workload",
    input: { inputs: [textItem()] },
    settings: { seconds: 0, ...settings },
    ...extra,
  };
}

/** A protein-properties submission (1 credit per sequence). */
export function proteins(name = "lysozyme", sequences = 1) {
  const content = Array.from(
    { length: sequences },
    (_, i) => `>seq${i}\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSR`,
  ).join("\n");
  return { tool: "protein-properties", name, input: { inputs: [proteinItem(content)] } };
}

/** One inline FASTA item for a tool's `protein` slot, as the documented requests send it. */
export function proteinItem(content: string) {
  return {
    id: "seqs_1",
    slotId: "protein",
    kind: "protein",
    format: "fasta",
    content,
    source: { type: "text" },
  };
}

/** A submission body as a quote body (quotes take no `name`). */
export function quoteOf(body: Record<string, unknown>): Record<string, unknown> {
  const { name: _name, ...quote } = body;
  return quote;
}

/** Poll `/status` until the job is in one of `statuses` (or terminal), or fail. */
export async function waitFor(
  call: Caller,
  jobId: string,
  statuses: readonly JobStatus[] = [...TERMINAL_STATUSES],
  timeoutMs = 30_000,
): Promise<JobResource> {
  const deadline = Date.now() + timeoutMs;
  let last: JobResource | undefined;
  while (Date.now() < deadline) {
    const answer = await call("GET", `/api/v1/jobs/${jobId}/status`);
    // Anything else (a 429 of the per-job pace) is just a reason to ask again.
    if (answer.status === 200) {
      last = expectOk(answer, ROUTES.jobStatus, { label: `status of ${jobId}` });
      if (statuses.includes(last.status)) return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`job ${jobId} did not reach ${statuses.join("/")}; last: ${last?.status}`);
}

/** One parsed server-sent event. */
export interface StreamedEvent {
  id?: string;
  event?: string;
  data: string;
}

/** Read a job's event stream to its end (the server closes it), or until `limit` events. */
export async function readEvents(
  baseUrl: string,
  apiKey: string,
  jobId: string,
  options: { lastEventId?: string; timeoutMs?: number } = {},
): Promise<{ status: number; headers: Headers; events: StreamedEvent[]; retry?: number }> {
  const headers: Record<string, string> = { Authorization: `Bearer ${apiKey}` };
  if (options.lastEventId) headers["Last-Event-ID"] = options.lastEventId;
  const response = await fetch(`${baseUrl}/api/v1/jobs/${jobId}/events`, {
    headers,
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  if (!response.body || response.status !== 200) {
    return { status: response.status, headers: response.headers, events: [] };
  }
  let retry: number | undefined;
  const events: StreamedEvent[] = [];
  const stream = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream({ onRetry: (ms) => (retry = ms) }));
  for await (const event of stream) events.push(event);
  return { status: response.status, headers: response.headers, events, retry };
}

/** The credits of the sandbox's ledger for a job, by reason. */
export function ledger(
  db: { all(sql: string, ...params: string[]): Record<string, unknown>[] },
  jobId: string,
): { reason: string; delta: number }[] {
  return db.all("SELECT reason, delta FROM ledger WHERE job_id = ? ORDER BY seq", jobId)
    .map((row) => ({ reason: String(row.reason), delta: Number(row.delta) }));
}
