/**
 * Where job snapshots come from while waiting. This is the one place `Job.wait()` asks:
 * it follows the job's server-sent events first and falls back to polling the status route
 * on the documented schedule (5 s, 10 s, 20 s, then 30 s, with jitter; never sooner than
 * `Retry-After`, never more often than the schedule's floor per job) when events are
 * unavailable.
 * @module
 */
import { ROUTES } from "../contract/routes.ts";
import { parseRetryAfter } from "./_core.ts";
import type { HttpCore } from "./_core.ts";
import { ClientJob as ClientJobSchema } from "./_schemas.ts";
import { type PollSchedule, pollSnapshots } from "./_wait.ts";
import { type EventsPolicy, followEvents } from "./_events.ts";
import { APIError, ConnectionError, TimeoutError } from "./errors.ts";
import type { ClientJob } from "../contract/_wire.ts";

/** Transient polling failures in a row that a wait rides out before giving up. */
const MAX_TRANSIENT_POLL_FAILURES = 10;

/** Whether a failed poll may succeed later unchanged (rate limits, 5xx, network, timeouts). */
function isTransient(error: unknown): boolean {
  if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
  return error instanceof APIError && (error.status === 429 || error.status >= 500);
}

/** What a watch needs from its client. */
export interface WatchSetup {
  core: HttpCore;
  polling: PollSchedule;
  events: EventsPolicy;
  /** When each job was last polled (ms since epoch), shared by every handle of the client. */
  lastPolled: Map<string, number>;
  /** Where the watch says which source it uses and why. */
  note?: (line: string) => void;
}

/** Snapshots of a job until the consumer stops: events first, polling as the fallback. */
export async function* watchJob(
  setup: WatchSetup,
  jobId: string,
  options: { signal: AbortSignal },
): AsyncGenerator<ClientJob> {
  if (setup.events.enabled) {
    const outcome = yield* followEvents(setup.core, jobId, setup.events, options.signal);
    if (outcome.done) return;
    setup.note?.(
      `events of ${jobId} unavailable (${outcome.reason}); polling on the documented schedule`,
    );
  }
  const sinceLast = Date.now() - (setup.lastPolled.get(jobId) ?? 0);
  let failures = 0;
  yield* pollSnapshots(
    async (signal) => {
      try {
        const response = await setup.core.call(ROUTES.jobStatus, ClientJobSchema, {
          params: { jobId },
          signal,
        });
        setup.lastPolled.set(jobId, Date.now());
        failures = 0;
        return {
          job: response.data,
          retryAfterSeconds: parseRetryAfter(response.headers.get("retry-after")),
        };
      } catch (error) {
        // A long wait outlives network blips and busy periods: a transient failure (after the
        // core's own retries) skips this poll instead of ending the wait, a bounded number of
        // times in a row; the next poll still waits at least the Retry-After it carried.
        setup.lastPolled.set(jobId, Date.now());
        if (signal.aborted || !isTransient(error) || ++failures > MAX_TRANSIENT_POLL_FAILURES) {
          throw error;
        }
        setup.note?.(`polling ${jobId}: ${(error as Error).message}; trying again`);
        return {
          job: undefined,
          retryAfterSeconds: error instanceof APIError ? error.retryAfterSeconds : null,
        };
      }
    },
    setup.polling,
    { signal: options.signal, sinceLastLookMs: sinceLast },
  );
}
