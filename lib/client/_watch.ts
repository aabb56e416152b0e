/**
 * Where job snapshots come from while waiting. This is the one place `Job.wait()` asks;
 * it polls the status route on the documented schedule.
 * @module
 */
import { ROUTES } from "../contract/routes.ts";
import type { HttpCore } from "./_core.ts";
import { ClientJob } from "./_schemas.ts";
import { type PollSchedule, pollSnapshots } from "./_wait.ts";
import type { WatchOptions } from "./_context.ts";

/** Snapshots of a job by polling `GET /api/v1/jobs/{jobId}/status`. */
export function watchJob(
  core: HttpCore,
  jobId: string,
  schedule: PollSchedule,
  options: WatchOptions,
): AsyncIterable<ClientJob> {
  const sinceLast = options.lastPolledAt ? Date.now() - options.lastPolledAt : Infinity;
  return pollSnapshots(
    async (signal) => {
      const response = await core.call(ROUTES.jobStatus, ClientJob, { params: { jobId }, signal });
      const retryAfter = response.headers.get("retry-after");
      return {
        job: response.data,
        retryAfterSeconds: retryAfter ? Number(retryAfter) || null : null,
      };
    },
    schedule,
    {
      signal: options.signal,
      firstDelayMs: Math.max(0, schedule.minIntervalMs - sinceLast),
    },
  );
}
