/**
 * What every part of a running sandbox shares: the database, its settings and the
 * in-process change signal that wakes event streams without waiting for their poll.
 * @module
 */
import type { Database } from "./_db.ts";
import type { RequestLimiter } from "./_limits.ts";
import type { FaultInjector } from "./_faults.ts";

/** How long the sandbox lets each stage of a job take, so progress is visible. */
export interface Pace {
  /** Time a job stays PENDING before it is queued. */
  pendingMs: number;
  /** Minimum time a job stays QUEUED. */
  queuedMs: number;
  /** Minimum time a job spends PROCESSING (progress rises over it). */
  minProcessingMs: number;
  /** Wait before a RETRY runs again. */
  retryDelayMs: number;
}

/**
 * Paces by name: `demo` shows a live bar for a couple of seconds; `instant` is for tests.
 *
 * @example
 * ```ts
 * import { PACES, startSandbox } from "../../mod.ts";
 *
 * console.log(PACES.demo.minProcessingMs); // 2000
 * // Slower than `demo`, to show a class the queue and the bar:
 * await using sandbox = await startSandbox({
 *   pace: { ...PACES.demo, queuedMs: 3000, minProcessingMs: 8000 },
 * });
 * ```
 */
export const PACES = {
  demo: { pendingMs: 300, queuedMs: 300, minProcessingMs: 2000, retryDelayMs: 500 },
  instant: { pendingMs: 0, queuedMs: 0, minProcessingMs: 0, retryDelayMs: 0 },
} as const satisfies Record<string, Pace>;

/** Settings of one sandbox. */
export interface SandboxSettings {
  /** How long each stage of a job takes. */
  pace: Pace;
  /** Lifetime of signed download URLs. */
  signedUrlTtlSeconds: number;
  /** Minimum time between two /status (or /results) reads of one job by one key; 0 = off. */
  perJobPollMs: number;
  /** Largest JSON body accepted. */
  maxJsonBytes: number;
  /**
   * Largest uploaded file, in bytes (default 10 MiB; the CLI's `--max-upload`). Uploads
   * stream to the blob store next to the database, so a large cap costs disk, not memory.
   */
  maxUploadBytes: number;
  /** Default tool time limit when the tool does not set one. */
  defaultTimeLimitSeconds: number;
  /**
   * Length of one billing minute of minute-billed tools, in real milliseconds (default
   * 60 000). Tests shorten it (e.g. 200) so per-minute billing and budget caps play out in
   * moments; `billable_runtime_seconds` is reported in these sandbox minutes × 60.
   */
  billingMinuteMs: number;
  /** Per-tool time limits (seconds) that replace the tools' own, e.g. `{ "workload-simulator": 1 }`. */
  toolTimeLimits: Record<string, number>;
}

/** Signals "job X changed" to event streams in this process. */
export class ChangeSignal {
  readonly #target = new EventTarget();

  /** Tell listeners that a job changed. */
  notify(jobId: string): void {
    this.#target.dispatchEvent(new CustomEvent(jobId));
  }

  /** Call `listener` whenever `jobId` changes; returns the unsubscribe function. */
  subscribe(jobId: string, listener: () => void): () => void {
    this.#target.addEventListener(jobId, listener);
    return () => this.#target.removeEventListener(jobId, listener);
  }
}

/** The shared state of a running sandbox. */
export interface SandboxContext {
  db: Database;
  settings: SandboxSettings;
  changes: ChangeSignal;
  /** HMAC secret for signed URLs; kept in the database so URLs survive restarts. */
  signingSecret: string;
  /** Wakes the runner when something is submitted. */
  wakeRunner(): void;
  /** Aborted when the sandbox closes, so long-lived streams end. */
  closing: AbortSignal;
  /** Rate-limit and per-job pace counters. */
  limiter: RequestLimiter;
  /** The fault-injection switch. */
  faults: FaultInjector;
}
