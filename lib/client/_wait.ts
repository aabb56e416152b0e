/**
 * Following a job until it ends. A watcher yields job snapshots; `Job.wait()` consumes one
 * and stops on a terminal status. Polling follows the documented strategy: 5 s, 10 s, 20 s,
 * then every 30 s, with jitter, never faster than every 5 s per job, and at least
 * `Retry-After` when the server sends one.
 * @module
 */
import { JOB_STATUSES, type JobStatus, TERMINAL_STATUSES } from "../contract/jobs.ts";
import { sleep } from "./_core.ts";

/** A polling schedule. */
export interface PollSchedule {
  /** Delay before each poll; the last entry repeats. */
  delaysMs: readonly number[];
  /** Random extra delay, as a fraction of the delay (0.1 = up to +10 %). */
  jitterRatio: number;
  /** Floor between two polls of one job. */
  minIntervalMs: number;
}

/**
 * The documented strategy for the real API.
 *
 * @example
 * ```ts
 * import { connect, DOCUMENTED_POLLING } from "../../mod.ts";
 *
 * console.log(DOCUMENTED_POLLING.delaysMs); // [5000, 10000, 20000, 30000]: then every 30 s
 * // Poll less often than documented, and always poll (no event stream):
 * const piq = await connect({
 *   polling: { ...DOCUMENTED_POLLING, delaysMs: [10_000, 30_000, 60_000] },
 *   events: false,
 * });
 * ```
 */
export const DOCUMENTED_POLLING: PollSchedule = Object.freeze({
  delaysMs: Object.freeze([5000, 10_000, 20_000, 30_000]),
  jitterRatio: 0.1,
  minIntervalMs: 5000,
});

/**
 * A fast schedule for the embedded sandbox (local, milliseconds away).
 *
 * @example
 * ```ts
 * import { ProteinIQ, SANDBOX_POLLING, startSandbox } from "../../mod.ts";
 *
 * // connect() uses it for its embedded sandbox; a sandbox started by hand wants it too.
 * await using sandbox = await startSandbox({ pace: "instant" });
 * await using piq = new ProteinIQ({
 *   apiKey: sandbox.apiKey,
 *   baseUrl: sandbox.url,
 *   polling: SANDBOX_POLLING,
 * });
 * ```
 */
export const SANDBOX_POLLING: PollSchedule = Object.freeze({
  delaysMs: Object.freeze([50, 100, 200, 250]),
  jitterRatio: 0.1,
  minIntervalMs: 50,
});

/** The delay before poll number `index` (0-based), with jitter and floors applied. */
export function pollDelay(
  schedule: PollSchedule,
  index: number,
  options: { retryAfterSeconds?: number | null; random?: () => number } = {},
): number {
  const base = schedule.delaysMs[Math.min(index, schedule.delaysMs.length - 1)];
  const jittered = base * (1 + schedule.jitterRatio * (options.random ?? Math.random)());
  const retryAfter = (options.retryAfterSeconds ?? 0) * 1000;
  return Math.max(schedule.minIntervalMs, jittered, retryAfter);
}

const KNOWN = new Set<string>(JOB_STATUSES);

/** Whether a status string is one this client knows. */
export function isKnownStatus(status: string): status is JobStatus {
  return KNOWN.has(status);
}

/** Whether a status is terminal. */
export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.has(status as JobStatus);
}

/** A snapshot source: fetch the job's current state (none when this poll failed transiently). */
export type FetchSnapshot<T> = (
  signal: AbortSignal,
) => Promise<{ job: T | undefined; retryAfterSeconds: number | null }>;

/**
 * Poll `fetchSnapshot` on `schedule`, yielding each snapshot, until the consumer stops.
 * Delay number n is measured from the previous look at the job — the previous poll, or for
 * the first poll the submission or last refresh (`sinceLastLookMs` ago) — so a job just
 * submitted is first polled 5 s later, then 10 s, 20 s and every 30 s after that.
 */
export async function* pollSnapshots<T>(
  fetchSnapshot: FetchSnapshot<T>,
  schedule: PollSchedule,
  options: { signal: AbortSignal; sinceLastLookMs?: number },
): AsyncGenerator<T> {
  const signal = options.signal;
  let lastLook = Date.now() - (options.sinceLastLookMs ?? Infinity);
  let retryAfterSeconds: number | null = null;
  for (let index = 0;; index++) {
    const wait = pollDelay(schedule, index, { retryAfterSeconds }) - (Date.now() - lastLook);
    if (wait > 0) await sleep(wait, signal);
    lastLook = Date.now();
    const snapshot = await fetchSnapshot(signal);
    retryAfterSeconds = snapshot.retryAfterSeconds;
    if (snapshot.job !== undefined) yield snapshot.job;
  }
}
