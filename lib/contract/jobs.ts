/**
 * Jobs: input items, quote and submit bodies, the job resource, cancellation.
 * Written once; the client validates responses with these and the sandbox validates requests.
 *
 * @example
 * ```ts
 * import { QuoteRequest } from "./jobs.ts";
 * QuoteRequest.parse({
 *   tool: "protein-properties",
 *   input: { inputs: [{ id: "seqs_1", slotId: "protein", kind: "protein", format: "fasta",
 *     content: ">a\nMKT", source: { type: "text" } }] },
 * });
 * ```
 * @module
 */
import { z } from "../_deps/zod.ts";
import type * as Wire from "./_wire.ts";
import { listOf, Timestamp } from "./common.ts";

/**
 * The eight web-app states plus the API-only BUDGET_EXCEEDED.
 *
 * @example
 * ```ts
 * import { JOB_STATUSES, type JobStatus } from "../../mod.ts";
 *
 * const isJobStatus = (value: string): value is JobStatus =>
 *   (JOB_STATUSES as readonly string[]).includes(value);
 * isJobStatus("RETRY"); // true
 * isJobStatus("running"); // false: the API spells statuses in capitals
 * ```
 */
export const JOB_STATUSES = [
  "PENDING",
  "QUEUED",
  "PROCESSING",
  "RETRY",
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "BUDGET_EXCEEDED",
] as const;

/** A job status as the API spells it. */
export type JobStatus = typeof JOB_STATUSES[number];

/** Job status enum. */
export const JobStatusSchema = z.enum(JOB_STATUSES).meta({ id: "JobStatus" });

/**
 * Statuses after which a job never changes again.
 *
 * @example
 * ```ts
 * import { TERMINAL_STATUSES } from "../../mod.ts";
 *
 * TERMINAL_STATUSES.has("TIMEOUT"); // true
 * TERMINAL_STATUSES.has("RETRY"); // false: the job runs again
 * ```
 */
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set([
  "COMPLETED",
  "FAILED",
  "TIMEOUT",
  "CANCELLED",
  "BUDGET_EXCEEDED",
]);

/**
 * Statuses whose result may be fetched (FAILED only when output was stored).
 *
 * @example
 * ```ts
 * import { connect, type JobStatus, RESULT_READY_STATUSES } from "../../mod.ts";
 *
 * const piq = await connect();
 * for (const job of await piq.jobs.list({ tool: "protein-properties" }).take(10)) {
 *   // Before one of these statuses, the API answers job_not_completed.
 *   if (RESULT_READY_STATUSES.has(job.status as JobStatus)) {
 *     console.log(job.name, (await job.result()).records.length);
 *   }
 * }
 * ```
 */
export const RESULT_READY_STATUSES: ReadonlySet<JobStatus> = new Set([
  "COMPLETED",
  "BUDGET_EXCEEDED",
  "FAILED",
]);

/** Statuses a job can still be cancelled from. */
export const CANCELLABLE_STATUSES: ReadonlySet<JobStatus> = new Set(["PENDING", "QUEUED"]);

/** Where an input item's content comes from. */
export const InputSource = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("text") }),
  z.strictObject({
    type: z.literal("file"),
    file_id: z.string().min(1).max(100).meta({ description: "A saved workspace file" }),
  }),
]).meta({ id: "InputSource" });

/** One submitted input: `input.inputs[]`. */
export const InputItem = z.strictObject({
  id: z.string().min(1).max(100).meta({
    description: "Your id for this item, unique within the request",
    example: "seqs_1",
  }),
  slotId: z.string().min(1).max(100).meta({
    description: "One of the tool's active input slot ids",
    example: "protein",
  }),
  kind: z.string().min(1).max(50).meta({
    description: "What the content is; must match the slot's kind",
    example: "protein",
  }),
  format: z.string().min(1).max(50).meta({
    description: "The content's format; one of the slot's formats",
    example: "fasta",
  }),
  content: z.string().optional().meta({ description: "Inline text content" }),
  source: InputSource.describe(
    "Where the content comes from: inline text or a saved workspace file",
  ),
  label: z.string().max(200).optional().describe("A human label shown with the item's results"),
}).superRefine((item, ctx) => {
  if (item.source.type === "text" && item.content === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["content"],
      message: 'content is required when source.type is "text"',
    });
  }
  if (item.source.type === "file" && item.content !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["content"],
      message: "give either content or source.file_id, not both",
    });
  }
}).meta({ id: "InputItem" });

/** The job input: a list of items, one or more per slot. */
export const JobInput = z.strictObject({
  inputs: z.array(InputItem).min(1).max(1000).describe("The input items, one or more per slot"),
}).meta({ id: "JobInput" });

/** A JSON value a tool setting may take. */
export const SettingValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Tool settings keyed by setting id. */
export const JobSettings = z.record(
  z.string(),
  SettingValue.describe("A setting's value, keyed by the setting's id"),
).meta({ id: "JobSettings" });

/** The spending cap of a minute-billed job (camelCase accepted as the MCP tool does). */
export const BillingRequest = z.strictObject({
  max_reserved_credits: z.number().int().positive().optional().describe(
    "Most credits a minute-billed job may reserve",
  ),
  maxReservedCredits: z.number().int().positive().optional().describe(
    "Same as max_reserved_credits, as the MCP tool spells it",
  ),
}).meta({ id: "BillingRequest" });

/** Body of `POST /api/v1/jobs/quote`. */
export const QuoteRequest = z.strictObject({
  tool: z.string().min(1).max(100).meta({
    description: "Id of the tool to run",
    example: "protein-properties",
  }),
  input: JobInput.describe("The job's inputs"),
  settings: JobSettings.optional().describe(
    "Tool settings by setting id; omitted ones take their defaults",
  ),
  billing: BillingRequest.optional().describe("Spending cap for minute-billed tools"),
}).meta({ id: "QuoteRequest" });

/** Body of `POST /api/v1/jobs`. */
export const SubmitRequest = z.strictObject({
  ...QuoteRequest.shape,
  name: z.string().trim().min(1).max(200).meta({
    description: "A name for the job, shown in lists and the web app",
    example: "Lysozyme properties",
  }),
  project_id: z.string().max(100).optional().describe("Project to file the job under"),
  max_quoted_credits: z.number().int().nonnegative().optional().meta({
    description: "Refuse the submission if it would charge or reserve more than this",
  }),
}).meta({ id: "SubmitRequest" });

/** A quote's blocking error: a documented error code and a sentence. */
export const BlockingError = z.looseObject({
  code: z.string().describe("Documented error code"),
  message: z.string().describe("What is wrong, in one sentence"),
  path: z.string().optional().meta({ description: "Where in the request the problem is" }),
}).meta({ id: "BlockingError" });

/** Billing mode names. `per_minute` is our name; the docs only show `fixed`. */
export const BILLING_MODES = ["fixed", "per_minute"] as const;

/** Response of `POST /api/v1/jobs/quote`. */
export const JobQuote = z.looseObject({
  object: z.literal("job_quote").describe('Always "job_quote"'),
  tool: z.string().describe("Id of the quoted tool"),
  estimated_credits: z.number().describe("Credits the job is expected to cost"),
  available_credits: z.number().describe("Credits the workspace has now"),
  billable_credits: z.number().describe("Credits that would be charged or reserved at submission"),
  blocking_errors: z.array(BlockingError).describe(
    "Reasons the job cannot be submitted now; empty when it can",
  ),
  limits: z.looseObject({
    active_concurrent_jobs: z.number().int(),
    max_concurrent_jobs: z.number().int(),
    daily_limit_used: z.number().int(),
    daily_limit_max: z.number().int().nullable(),
  }).describe("The workspace's concurrency and daily job limits as they stand"),
  billing: z.looseObject({
    mode: z.string().meta({ example: "fixed" }),
  }).describe("How the job would be billed"),
}).meta({ id: "JobQuote" });

/** Billing metadata of a job. */
export const JobBilling = z.looseObject({
  mode: z.string().describe("Billing mode: fixed or per_minute"),
  reserved_credits: z.number().nullable().describe("Credits reserved when the job was submitted"),
  final_credits: z.number().nullable().describe("Credits finally charged, once settled"),
  rate_credits_per_minute: z.number().nullable().describe("Rate of a minute-billed job"),
  billable_runtime_seconds: z.number().nullable().describe("Runtime that was billed"),
  outcome: z.string().nullable().describe("How billing settled (charged, refunded…)"),
  finalized_at: Timestamp.nullable().describe("When billing settled (ISO-8601 UTC)"),
}).meta({ id: "JobBilling" });

/** The job resource returned by single-job endpoints. */
export const JobResource = z.looseObject({
  id: z.string().meta({ description: "Job id", example: "job_123" }),
  object: z.literal("job").describe('Always "job"'),
  status: JobStatusSchema.describe("Current state of the job"),
  tool: z.string().describe("Id of the tool the job runs"),
  name: z.string().describe("The job's name"),
  credits_used: z.number().describe("Credits charged so far"),
  created_at: Timestamp,
  started_at: Timestamp.nullable().describe("When processing started (ISO-8601 UTC)"),
  completed_at: Timestamp.nullable().describe(
    "When the job reached a terminal state (ISO-8601 UTC)",
  ),
  progress: z.number().min(0).max(100).describe("Progress in percent, 0 to 100"),
  execution_time_seconds: z.number().nullable().describe("Processing time once finished"),
  error: z.string().nullable().describe("Why the job failed, when it did"),
  billing: JobBilling.optional().describe("Billing metadata"),
}).meta({ id: "Job" });

/** The parsed job resource. */
export type JobResource = Wire.JobResource;

/** `GET /api/v1/jobs` response. */
export const JobList = listOf(JobResource, "JobList");

/** Query of `GET /api/v1/jobs`. Filters beyond the documented two follow the MCP connector. */
export const JobListFilters = z.object({
  tool: z.string().max(100).optional(),
  status: JobStatusSchema.optional(),
  q: z.string().max(200).optional().meta({ description: "Match in the job name" }),
});

/** Response of `POST /api/v1/jobs/{jobId}/cancel`. */
export const JobCancellation = z.looseObject({
  object: z.literal("job_cancellation"),
  refunded: z.boolean(),
  job: JobResource,
}).meta({ id: "JobCancellation" });

/** The parsed cancellation. */
export type JobCancellation = Wire.JobCancellation;
/** The parsed quote. */
export type JobQuote = Wire.JobQuote;
/** A submit body. */
export type SubmitRequest = Wire.SubmitRequest;
/** A quote body. */
export type QuoteRequest = Wire.QuoteRequest;
/** An input item. */
export type InputItem = Wire.InputItem;

/** The `BlockingError` wire shape, as the schema of the same name reads it. */
export type BlockingError = Wire.BlockingError;
/** The `InputSource` wire shape, as the schema of the same name reads it. */
export type InputSource = Wire.InputSource;
/** The `JobBilling` wire shape, as the schema of the same name reads it. */
export type JobBilling = Wire.JobBilling;
