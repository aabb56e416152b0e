/**
 * What handles (jobs, results) need from their client, without importing the client class.
 * @module
 */
import type { HttpCore } from "./_core.ts";
import type { PollSchedule } from "./_wait.ts";
import type { ToolDetail } from "../contract/tools.ts";
import type { ClientJob } from "./_schemas.ts";

/** Options of one watch. */
export interface WatchOptions {
  signal: AbortSignal;
  /** When this job was last polled (ms since epoch), so the per-job floor holds across waits. */
  lastPolledAt?: number;
}

/** The client's services, as handles see them. */
export interface ClientContext {
  core: HttpCore;
  polling: PollSchedule;
  /** Whether waits show a live display unless told otherwise. */
  displayByDefault: boolean;
  /** A tool's contract (cached per client). */
  toolContract(toolId: string): Promise<ToolDetail | undefined>;
  /** Snapshots of a job until the consumer stops (events first, polling as fallback). */
  watch(jobId: string, options: WatchOptions): AsyncIterable<ClientJob>;
}
