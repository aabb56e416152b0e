/**
 * proteiniq-notebook: drive the ProteinIQ job API from Jupyter notebooks running the Deno
 * kernel — quote a run, submit it, watch it live, read the results, download the files.
 * With no API key configured, {@linkcode connect} starts an embedded, ProteinIQ-compatible
 * sandbox with real, small tools.
 *
 * @example
 * ```ts
 * import { connect, fastaInput } from "./mod.ts";
 *
 * const piq = await connect();
 * const request = {
 *   tool: "protein-properties",
 *   name: "Hen egg-white lysozyme",
 *   input: fastaInput(">lysozyme\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSR"),
 * };
 * const quote = await piq.jobs.quote(request);
 * const job = await piq.jobs.submit(request);
 * await job.wait();
 * const result = await job.result();
 * await result.download("properties.csv", { dir: "downloads" });
 * ```
 * @module
 */
export { connect, type ConnectOptions, defaultSandboxDatabase } from "./lib/client/connect.ts";
export { type ClientOptions, ProteinIQ } from "./lib/client/client.ts";
export { Job, type JobCancellationResult, type WaitOptions } from "./lib/client/job.ts";
export { Result, type ResultDownloadOptions } from "./lib/client/result.ts";
export type { DownloadedFile } from "./lib/client/_download.ts";
export {
  JobHistory,
  type JobRequest,
  type ListJobsOptions,
  type Quote,
  type SubmitOptions,
} from "./lib/client/jobs.ts";
export type { Tool, ToolCatalog } from "./lib/client/tools.ts";
export type { RequestOptions, RetryPolicy } from "./lib/client/_core.ts";
export { DOCUMENTED_POLLING, type PollSchedule, SANDBOX_POLLING } from "./lib/client/_wait.ts";
export * from "./lib/client/errors.ts";
export { fastaInput, fastaItem, type FastaItemOptions } from "./lib/inputs/fasta.ts";
export { type Sandbox, type SandboxOptions, startSandbox } from "./lib/sandbox/mod.ts";
export {
  JOB_STATUSES,
  type JobStatus,
  RESULT_READY_STATUSES,
  TERMINAL_STATUSES,
} from "./lib/contract/jobs.ts";
