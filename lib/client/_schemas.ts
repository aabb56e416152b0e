/**
 * Response schemas as the client parses them: the contract's, loosened only where a newer
 * server may legitimately send something this client does not know (a new job status).
 * Derived from the contract, never copied.
 * @module
 */
import { z } from "../_deps/zod.ts";
import type * as Wire from "../contract/_wire.ts";
import { JobCancellation, JobList, JobResource } from "../contract/jobs.ts";
import { JobResult } from "../contract/results.ts";

/** A job as the client accepts it: any status string (unknown ones stop waits with an error). */
export const ClientJob = JobResource.extend({
  status: z.string().describe(
    "Current state; a status this client does not know yet is kept as received",
  ),
}).meta({ id: "ClientJob" });
/** The parsed client job. */
export type ClientJob = Wire.ClientJob;

/** A job list with tolerant items. */
export const ClientJobList = JobList.extend({ data: z.array(ClientJob) });

/** A cancellation with a tolerant job. */
export const ClientJobCancellation = JobCancellation.extend({ job: ClientJob });

/** A result with a tolerant status. */
export const ClientJobResult = JobResult.extend({
  status: z.string().describe(
    "The job's status; one this client does not know yet is kept as received",
  ),
});
/** The parsed client result. */
export type ClientJobResult = Wire.ClientJobResult;
