/**
 * What handles (jobs, results, files) need from their client, without importing the client
 * class.
 * @module
 */
import type { HttpCore, RequestOptions } from "./_core.ts";

import type { PollSchedule } from "./_wait.ts";

import type { Job } from "./job.ts";
import type { SubmitMemory } from "./_submits.ts";
import type { ClientJob, SubmitRequest, ToolDetail } from "../contract/_wire.ts";

/** Options of one watch. */
export interface WatchOptions {
  signal: AbortSignal;
}

/** Options of a submission made by a handle (retry, duplicate). */
export interface ContextSubmitOptions extends RequestOptions {
  idempotencyKey?: string;
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
  /** When each job was last polled, so the per-job floor holds across handles and waits. */
  lastPolled: Map<string, number>;
  /** Payloads of the jobs this client submitted, by job id (for retry and duplicate). */
  requests: Map<string, SubmitRequest>;
  /** Remembered submissions (`null` when the client was told not to remember). */
  submits: SubmitMemory | null;
  /** Shown to the user (interactive sessions) or logged: a re-attached job, a store problem. */
  notice(line: string): void;
  /** Submit a job (checked against its tool's contract first). */
  submit(request: SubmitRequest, options?: ContextSubmitOptions): Promise<Job>;
}
