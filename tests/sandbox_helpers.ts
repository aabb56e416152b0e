/**
 * Plain-`fetch` helpers for the sandbox tests: they talk HTTP to a real sandbox on loopback,
 * without the client module, so the sandbox's rules are tested on their own.
 * @module
 */
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { JobResource, JobStatus } from "../lib/contract/jobs.ts";
import { TERMINAL_STATUSES } from "../lib/contract/jobs.ts";

/** A decoded answer. */
export interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
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
  return {
    tool: "protein-properties",
    name,
    input: {
      inputs: [{
        id: "seqs_1",
        slotId: "protein",
        kind: "protein",
        format: "fasta",
        content,
        source: { type: "text" },
      }],
    },
  };
}

/** Poll `/status` until the job is in one of `statuses` (or terminal), or fail. */
export async function waitFor(
  call: Caller,
  jobId: string,
  statuses: readonly JobStatus[] = [...TERMINAL_STATUSES],
  timeoutMs = 30_000,
): Promise<Answer["body"]> {
  const deadline = Date.now() + timeoutMs;
  let last: JobResource | undefined;
  while (Date.now() < deadline) {
    const answer = await call("GET", `/api/v1/jobs/${jobId}/status`);
    if (answer.status === 200) {
      last = answer.body;
      if (statuses.includes(answer.body.status)) return answer.body;
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
