/**
 * Shared set-up of the client tests: a real sandbox over loopback and a client pointed at
 * it, with a fetch that records every request the client makes (method, path, headers, time)
 * so tests can count requests and measure the gaps between them.
 * @module
 */
import { type Sandbox, type SandboxOptions, startSandbox } from "../lib/sandbox/mod.ts";
import { type ClientOptions, ProteinIQ } from "../lib/client/client.ts";
import { SANDBOX_POLLING } from "../lib/client/_wait.ts";

/** One request the client sent. */
export interface Sent {
  method: string;
  path: string;
  headers: Headers;
  at: number;
  /** The response status, or "error" when fetch rejected. */
  outcome?: number | "error";
  /** Whether the body was a stream (not buffered in memory). */
  streamedBody: boolean;
}

/** A sandbox, a client on it, and what the client sent. */
export interface ClientRig extends AsyncDisposable {
  sandbox: Sandbox;
  piq: ProteinIQ;
  sent: Sent[];
  log: string[];
  /** Requests to paths matching `pattern`. */
  requests(pattern: RegExp, method?: string): Sent[];
  /** Jobs in the sandbox's database (all workspaces). */
  jobCount(): number;
}

/** A fetch that records requests before passing them on to `inner`. */
export function recordingFetch(
  sent: Sent[],
  inner: typeof fetch = globalThis.fetch.bind(globalThis),
): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const entry: Sent = {
      method: (init?.method ?? "GET").toUpperCase(),
      path: url.pathname,
      headers: new Headers(init?.headers),
      at: performance.now(),
      streamedBody: init?.body instanceof ReadableStream,
    };
    sent.push(entry);
    try {
      const response = await inner(input, init);
      entry.outcome = response.status;
      return response;
    } catch (error) {
      entry.outcome = "error";
      throw error;
    }
  };
}

/** Generous limits so tests measure the client, not the sandbox's quotas. */
export const ROOMY_WORKSPACE = {
  credits: 1_000_000,
  rateLimit: 1_000_000,
  dailyJobLimit: null,
  maxActiveJobs: 100_000,
  maxConcurrentJobs: 8,
};

/** Start a sandbox (in-memory, instant pace unless told) and a client on it. */
export async function clientRig(
  options: {
    sandbox?: SandboxOptions;
    client?: Partial<ClientOptions>;
    /** Wrap the recording fetch (e.g. to rewrite responses a sandbox cannot produce). */
    wrapFetch?: (inner: typeof fetch) => typeof fetch;
  } = {},
): Promise<ClientRig> {
  const sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: ROOMY_WORKSPACE,
    ...options.sandbox,
  });
  const sent: Sent[] = [];
  const log: string[] = [];
  const recorder = recordingFetch(sent);
  const piq = new ProteinIQ({
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    polling: SANDBOX_POLLING,
    display: false,
    log: (line) => log.push(line),
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    // Remembered submissions stay in memory: tests must not write into the repository.
    rememberSubmits: { directory: null },
    ...options.client,
    fetch: options.wrapFetch ? options.wrapFetch(recorder) : recorder,
  });
  return {
    sandbox,
    piq,
    sent,
    log,
    requests: (pattern, method) =>
      sent.filter((entry) => pattern.test(entry.path) && (!method || entry.method === method)),
    jobCount: () => Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM jobs")?.n ?? 0),
    async [Symbol.asyncDispose]() {
      await piq.close();
      await sandbox.close();
    },
  };
}

/** A small valid request for the protein-properties tool. */
export function propertiesRequest(name = "test run", fasta = ">a\nMKTAYIAKQRQISFVKSHFSRQ\n") {
  return {
    tool: "protein-properties",
    name,
    input: {
      inputs: [{
        id: "seqs_1",
        slotId: "protein",
        kind: "protein",
        format: "fasta",
        content: fasta,
        source: { type: "text" as const },
      }],
    },
  };
}

/** The statuses of a job's event log in the sandbox database, in order. */
export function storedEvents(sandbox: Sandbox, jobId: string): { seq: number; status: string }[] {
  return sandbox.context.db.all(
    "SELECT seq, data FROM job_events WHERE job_id = ? ORDER BY seq",
    jobId,
  ).map((row) => ({
    seq: Number(row.seq),
    status: (JSON.parse(String(row.data)) as { status: string }).status,
  }));
}
