/**
 * The wire shapes as TypeScript interfaces, generated from the zod schemas by
 * `scripts/gen_wire_types.ts`. Do not edit: change the schema and run the script.
 * @module
 */
/**
 * Where an input item's content comes from.
 *
 * As sent; generated from the zod schema `InputSource` in `lib/contract/jobs.ts`.
 */
export type InputSource = {
  type: "text";
} | {
  type: "file";
  /**
   * A saved workspace file
   */
  file_id: string;
};
/**
 * `JobStatus`: a wire shape of the API, generated from its zod schema.
 */
export type JobStatus =
  | "PENDING"
  | "QUEUED"
  | "PROCESSING"
  | "RETRY"
  | "COMPLETED"
  | "FAILED"
  | "CANCELLED"
  | "TIMEOUT"
  | "BUDGET_EXCEEDED";

/**
 * The account resource.
 *
 * As received; generated from the zod schema `Account` in `lib/contract/account.ts`.
 */
export interface Account {
  object: "account";
  workspace: {
    id: string;
    name?: string;
    plan: {
      tier: string;
      paid: boolean;
      /** Fields beyond these: the schema lets a newer server add them. */
      [k: string]: unknown;
    };
    credits: {
      available: number;
      /** Fields beyond these: the schema lets a newer server add them. */
      [k: string]: unknown;
    };
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  limits: {
    active_jobs: number;
    concurrent_jobs: {
      max: number;
      remaining: number;
      /** Fields beyond these: the schema lets a newer server add them. */
      [k: string]: unknown;
    };
    daily_jobs?: {
      used: number;
      max: number | null;
      /** Fields beyond these: the schema lets a newer server add them. */
      [k: string]: unknown;
    };
    public_api_rate_limit: {
      limit: number;
      window_seconds: number;
      /** Fields beyond these: the schema lets a newer server add them. */
      [k: string]: unknown;
    };
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  api_key: {
    id: string;
    env: string;
    prefix: string;
    scopes: string[];
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * One error envelope: `{"error": {"code", "message", "details"?}}`.
 *
 * As received; generated from the zod schema `ErrorEnvelope` in `lib/contract/errors.ts`.
 */
export interface ErrorEnvelope {
  error: {
    /**
     * Machine-readable error code
     */
    code: string;
    /**
     * Human-readable message
     */
    message: string;
    /**
     * Structured details, when the route has them
     */
    details?: {
      /** Fields beyond these: the schema lets a newer server add them. */
      [k: string]: unknown;
    };
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
}
/**
 * A saved workspace file. Never carries storage keys or workspace ids.
 *
 * As received; generated from the zod schema `FileResource` in `lib/contract/files.ts`.
 */
export interface FileResource {
  id: string;
  object: "file";
  filename: string;
  original_name: string;
  format: string | null;
  mime_type: string;
  size_bytes: number;
  origin: "UPLOAD" | "JOB_OUTPUT" | "JOB_INPUT" | "IMPORT";
  storage_owner: "FILE_LIBRARY" | "JOB_ARTIFACT";
  description: string | null;
  tags: string[];
  sha256?: string;
  /**
   * ISO-8601 UTC timestamp
   */
  created_at: string;
  /**
   * ISO-8601 UTC timestamp
   */
  updated_at: string;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * A quote's blocking error: a documented error code and a sentence.
 *
 * As received; generated from the zod schema `BlockingError` in `lib/contract/jobs.ts`.
 */
export interface BlockingError {
  /**
   * Documented error code
   */
  code: string;
  /**
   * What is wrong, in one sentence
   */
  message: string;
  /**
   * Where in the request the problem is
   */
  path?: string;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * One submitted input: `input.inputs[]`.
 *
 * As sent; generated from the zod schema `InputItem` in `lib/contract/jobs.ts`.
 */
export interface InputItem {
  /**
   * Your id for this item, unique within the request
   */
  id: string;
  /**
   * One of the tool's active input slot ids
   */
  slotId: string;
  /**
   * What the content is; must match the slot's kind
   */
  kind: string;
  /**
   * The content's format; one of the slot's formats
   */
  format: string;
  /**
   * Inline text content
   */
  content?: string;
  /**
   * Where the content comes from: inline text or a saved workspace file
   */
  source: InputSource;
  /**
   * A human label shown with the item's results
   */
  label?: string;
}
/**
 * The job input: a list of items, one or more per slot.
 *
 * As sent; generated from the zod schema `JobInput` in `lib/contract/jobs.ts`.
 */
export interface JobInput {
  /**
   * The input items, one or more per slot
   *
   * @minItems 1
   * @maxItems 1000
   */
  inputs: InputItem[];
}
/**
 * Tool settings keyed by setting id.
 *
 * As sent; generated from the zod schema `JobSettings` in `lib/contract/jobs.ts`.
 */
export interface JobSettings {
  /**
   * A setting's value, keyed by the setting's id
   */
  [k: string]: string | number | boolean | null;
}
/**
 * The spending cap of a minute-billed job (camelCase accepted as the MCP tool does).
 *
 * As sent; generated from the zod schema `BillingRequest` in `lib/contract/jobs.ts`.
 */
export interface BillingRequest {
  /**
   * Most credits a minute-billed job may reserve
   */
  max_reserved_credits?: number;
  /**
   * Same as max_reserved_credits, as the MCP tool spells it
   */
  maxReservedCredits?: number;
}
/**
 * Billing metadata of a job.
 *
 * As received; generated from the zod schema `JobBilling` in `lib/contract/jobs.ts`.
 */
export interface JobBilling {
  /**
   * Billing mode: fixed or per_minute
   */
  mode: string;
  /**
   * Credits reserved when the job was submitted
   */
  reserved_credits: number | null;
  /**
   * Credits finally charged, once settled
   */
  final_credits: number | null;
  /**
   * Rate of a minute-billed job
   */
  rate_credits_per_minute: number | null;
  /**
   * Runtime that was billed
   */
  billable_runtime_seconds: number | null;
  /**
   * How billing settled (charged, refunded…)
   */
  outcome: string | null;
  /**
   * When billing settled (ISO-8601 UTC)
   */
  finalized_at: string | null;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * The job resource returned by single-job endpoints.
 *
 * As received; generated from the zod schema `JobResource` in `lib/contract/jobs.ts`.
 */
export interface JobResource {
  /**
   * Job id
   */
  id: string;
  /**
   * Always "job"
   */
  object: "job";
  /**
   * Current state of the job
   */
  status: JobStatus;
  /**
   * Id of the tool the job runs
   */
  tool: string;
  /**
   * The job's name
   */
  name: string;
  /**
   * Credits charged so far
   */
  credits_used: number;
  /**
   * ISO-8601 UTC timestamp
   */
  created_at: string;
  /**
   * When processing started (ISO-8601 UTC)
   */
  started_at: string | null;
  /**
   * When the job reached a terminal state (ISO-8601 UTC)
   */
  completed_at: string | null;
  /**
   * Progress in percent, 0 to 100
   */
  progress: number;
  /**
   * Processing time once finished
   */
  execution_time_seconds: number | null;
  /**
   * Why the job failed, when it did
   */
  error: string | null;
  /**
   * Billing metadata
   */
  billing?: JobBilling;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * Response of `POST /api/v1/jobs/{jobId}/cancel`.
 *
 * As received; generated from the zod schema `JobCancellation` in `lib/contract/jobs.ts`.
 */
export interface JobCancellation {
  object: "job_cancellation";
  refunded: boolean;
  job: JobResource;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * Response of `POST /api/v1/jobs/quote`.
 *
 * As received; generated from the zod schema `JobQuote` in `lib/contract/jobs.ts`.
 */
export interface JobQuote {
  /**
   * Always "job_quote"
   */
  object: "job_quote";
  /**
   * Id of the quoted tool
   */
  tool: string;
  /**
   * Credits the job is expected to cost
   */
  estimated_credits: number;
  /**
   * Credits the workspace has now
   */
  available_credits: number;
  /**
   * Credits that would be charged or reserved at submission
   */
  billable_credits: number;
  /**
   * Reasons the job cannot be submitted now; empty when it can
   */
  blocking_errors: BlockingError[];
  /**
   * The workspace's concurrency and daily job limits as they stand
   */
  limits: {
    active_concurrent_jobs: number;
    max_concurrent_jobs: number;
    daily_limit_used: number;
    daily_limit_max: number | null;
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  /**
   * How the job would be billed
   */
  billing: {
    mode: string;
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * Body of `POST /api/v1/jobs/quote`.
 *
 * As sent; generated from the zod schema `QuoteRequest` in `lib/contract/jobs.ts`.
 */
export interface QuoteRequest {
  /**
   * Id of the tool to run
   */
  tool: string;
  /**
   * The job's inputs
   */
  input: JobInput;
  /**
   * Tool settings by setting id; omitted ones take their defaults
   */
  settings?: JobSettings;
  /**
   * Spending cap for minute-billed tools
   */
  billing?: BillingRequest;
}
/**
 * Body of `POST /api/v1/jobs`.
 *
 * As sent; generated from the zod schema `SubmitRequest` in `lib/contract/jobs.ts`.
 */
export interface SubmitRequest {
  /**
   * Id of the tool to run
   */
  tool: string;
  /**
   * The job's inputs
   */
  input: JobInput;
  /**
   * Tool settings by setting id; omitted ones take their defaults
   */
  settings?: JobSettings;
  /**
   * Spending cap for minute-billed tools
   */
  billing?: BillingRequest;
  /**
   * A name for the job, shown in lists and the web app
   */
  name: string;
  /**
   * Project to file the job under
   */
  project_id?: string;
  /**
   * Refuse the submission if it would charge or reserve more than this
   */
  max_quoted_credits?: number;
}
/**
 * One file of a result's manifest. `url` is signed and temporary.
 *
 * As received; generated from the zod schema `ResultFile` in `lib/contract/results.ts`.
 */
export interface ResultFile {
  /**
   * File name
   */
  name: string;
  /**
   * Storage key of the file
   */
  key: string;
  /**
   * MIME type of the file
   */
  content_type: string;
  /**
   * Signed, temporary download URL; fetch the result again when it expires
   */
  url?: string | null;
  /**
   * Size in bytes
   */
  size_bytes?: number;
  /**
   * When the signed url stops working
   */
  expires_at?: string;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * `GET /api/v1/results/{jobId}`.
 *
 * As received; generated from the zod schema `JobResult` in `lib/contract/results.ts`.
 */
export interface JobResult {
  /**
   * Always "job_result"
   */
  object: "job_result";
  /**
   * Id of the job
   */
  job_id: string;
  /**
   * Id of the tool that produced it
   */
  tool: string;
  /**
   * The job's status
   */
  status: JobStatus;
  /**
   * When the job finished (ISO-8601 UTC)
   */
  completed_at: string | null;
  /**
   * Where the data comes from
   */
  data_source: string;
  /**
   * Files the job wrote, with signed download URLs
   */
  files: ResultFile[];
  /**
   * Structured output: records and per-tool series, as the tool's output contract lists
   */
  results: {
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * Credit model of a tool.
 *
 * As received; generated from the zod schema `CreditModel` in `lib/contract/tools.ts`.
 */
export interface CreditModel {
  /**
   * Whether the tool costs nothing
   */
  is_free: boolean;
  /**
   * Pricing scheme
   */
  type?: "free" | "fixed" | "per_input" | "per_residue" | "per_minute";
  /**
   * Charged once per job
   */
  base_credits?: number;
  /**
   * Charged per unit (input record, residue…)
   */
  per_unit_credits?: number;
  /**
   * What per_unit_credits counts
   */
  unit?: string;
  /**
   * Rate of a minute-billed tool
   */
  rate_credits_per_minute?: number;
  /**
   * Credits reserved at submission of a minute-billed job
   */
  initial_reservation_credits?: number;
  /**
   * The pricing in one sentence
   */
  description?: string;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * An input slot of a tool.
 *
 * As received; generated from the zod schema `InputSlot` in `lib/contract/tools.ts`.
 */
export interface InputSlot {
  /**
   * The slotId inputs must name
   */
  id: string;
  /**
   * Display name of the slot
   */
  label: string;
  /**
   * What the slot takes
   */
  description?: string;
  /**
   * Kind of content the slot takes
   */
  kind: string;
  /**
   * Formats the slot accepts
   *
   * @minItems 1
   */
  formats: string[];
  /**
   * Whether a job must give this slot
   */
  required: boolean;
  /**
   * Fewest items the slot takes
   */
  min_items: number;
  /**
   * Most items the slot takes
   */
  max_items: number;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * A structured output field (a column of `results.records`).
 *
 * As received; generated from the zod schema `OutputField` in `lib/contract/tools.ts`.
 */
export interface OutputField {
  /**
   * Field id, the key in each record
   */
  id: string;
  /**
   * Display name
   */
  label: string;
  /**
   * Value type
   */
  type: "string" | "integer" | "number" | "boolean" | "array" | "object";
  /**
   * Unit of the value
   */
  unit?: string;
  /**
   * What the field holds
   */
  description?: string;
  /**
   * Decimal places a reader needs; full precision is kept in the data
   */
  digits?: number;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * A file the tool writes.
 *
 * As received; generated from the zod schema `OutputFile` in `lib/contract/tools.ts`.
 */
export interface OutputFile {
  /**
   * File name
   */
  name: string;
  /**
   * MIME type
   */
  content_type: string;
  /**
   * What the file holds
   */
  description?: string;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * A tool setting: type, default, range or options, description.
 *
 * As received; generated from the zod schema `SettingDefinition` in `lib/contract/tools.ts`.
 */
export interface SettingDefinition {
  /**
   * Setting id, the key in a job's settings
   */
  id: string;
  /**
   * Display name
   */
  label: string;
  /**
   * Value type
   */
  type: "integer" | "number" | "boolean" | "string" | "enum";
  /**
   * What the setting does
   */
  description: string;
  /**
   * Value used when the setting is omitted
   */
  default: string | number | boolean | null;
  /**
   * Smallest allowed number
   */
  minimum?: number;
  /**
   * Largest allowed number
   */
  maximum?: number;
  /**
   * Allowed values of an enum setting
   */
  options?: {
    value: string | number;
    label: string;
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  }[];
  /**
   * Whether a job must give it
   */
  required?: boolean;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * Tool-specific limits.
 *
 * As received; generated from the zod schema `ToolLimits` in `lib/contract/tools.ts`.
 */
export interface ToolLimits {
  /**
   * Most input items per job
   */
  max_items?: number;
  /**
   * Most records (sequences, reads…) per job
   */
  max_records?: number;
  /**
   * Longest sequence accepted
   */
  max_sequence_length?: number;
  /**
   * Largest total input size in bytes
   */
  max_input_bytes?: number;
  /**
   * Residues per structure (Cα atoms of its first model)
   */
  max_residues?: number;
  /**
   * Length of one sequence times the length of the other, per aligned pair
   */
  max_alignment_cells?: number;
  /**
   * Runtime after which a job times out
   */
  time_limit_seconds?: number;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * One item of `GET /api/v1/tools`.
 *
 * As received; generated from the zod schema `ToolSummary` in `lib/contract/tools.ts`.
 */
export interface ToolSummary {
  /**
   * Tool id, as jobs name it
   */
  id: string;
  /**
   * Always "tool"
   */
  object: "tool";
  /**
   * Display name
   */
  name: string;
  /**
   * What the tool does
   */
  description: string;
  /**
   * Catalog category
   */
  category: string;
  /**
   * Search tags
   */
  tags: string[];
  /**
   * How the tool is priced
   */
  credit_model: CreditModel;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * `GET /api/v1/tools/{toolId}`: the full public contract of one tool.
 *
 * As received; generated from the zod schema `ToolDetail` in `lib/contract/tools.ts`.
 */
export interface ToolDetail {
  /**
   * Tool id, as jobs name it
   */
  id: string;
  /**
   * Always "tool"
   */
  object: "tool";
  /**
   * Display name
   */
  name: string;
  /**
   * What the tool does
   */
  description: string;
  /**
   * Catalog category
   */
  category: string;
  /**
   * Search tags
   */
  tags: string[];
  /**
   * How the tool is priced
   */
  credit_model: CreditModel;
  /**
   * Catalog subcategory
   */
  subcategory?: string | null;
  /**
   * Tool version
   */
  version: string;
  /**
   * Whether the tool is in beta
   */
  beta: boolean;
  /**
   * How jobs run: mode and typical duration class
   */
  processing: {
    mode: string;
    time_class: string;
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  /**
   * Input slots and settings
   */
  input: {
    slots: InputSlot[];
    settings: SettingDefinition[];
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  /**
   * Structured fields, files and result keys the tool writes
   */
  output: {
    fields: OutputField[];
    files: OutputFile[];
    /**
     * Keys of a result's `results` object besides `records` (per-residue series, matrices…), each with what it holds
     */
    results?: {
      [k: string]: string;
    };
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  /**
   * Tool-specific limits
   */
  limits: ToolLimits;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * A tool contract as a tool module declares it (the server adds `object`).
 *
 * As sent; generated from the zod schema `ToolDefinition` in `lib/contract/tools.ts`.
 */
export interface ToolDefinition {
  /**
   * Tool id, as jobs name it
   */
  id: string;
  /**
   * Display name
   */
  name: string;
  /**
   * What the tool does
   */
  description: string;
  /**
   * Catalog category
   */
  category: string;
  /**
   * Search tags
   */
  tags: string[];
  /**
   * How the tool is priced
   */
  credit_model: CreditModel;
  /**
   * Catalog subcategory
   */
  subcategory?: string | null;
  /**
   * Tool version
   */
  version: string;
  /**
   * Whether the tool is in beta
   */
  beta: boolean;
  /**
   * How jobs run: mode and typical duration class
   */
  processing: {
    mode: string;
    time_class: string;
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  /**
   * Input slots and settings
   */
  input: {
    slots: InputSlot[];
    settings: SettingDefinition[];
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  /**
   * Structured fields, files and result keys the tool writes
   */
  output: {
    fields: OutputField[];
    files: OutputFile[];
    /**
     * Keys of a result's `results` object besides `records` (per-residue series, matrices…), each with what it holds
     */
    results?: {
      [k: string]: string;
    };
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  /**
   * Tool-specific limits
   */
  limits: ToolLimits;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * A job as the client accepts it: any status string (unknown ones stop waits with an error).
 *
 * As received; generated from the zod schema `ClientJob` in `lib/client/_schemas.ts`.
 */
export interface ClientJob {
  /**
   * Job id
   */
  id: string;
  /**
   * Always "job"
   */
  object: "job";
  /**
   * Current state; a status this client does not know yet is kept as received
   */
  status: string;
  /**
   * Id of the tool the job runs
   */
  tool: string;
  /**
   * The job's name
   */
  name: string;
  /**
   * Credits charged so far
   */
  credits_used: number;
  /**
   * ISO-8601 UTC timestamp
   */
  created_at: string;
  /**
   * When processing started (ISO-8601 UTC)
   */
  started_at: string | null;
  /**
   * When the job reached a terminal state (ISO-8601 UTC)
   */
  completed_at: string | null;
  /**
   * Progress in percent, 0 to 100
   */
  progress: number;
  /**
   * Processing time once finished
   */
  execution_time_seconds: number | null;
  /**
   * Why the job failed, when it did
   */
  error: string | null;
  /**
   * Billing metadata
   */
  billing?: JobBilling;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * A result with a tolerant status.
 *
 * As received; generated from the zod schema `ClientJobResult` in `lib/client/_schemas.ts`.
 */
export interface ClientJobResult {
  /**
   * Always "job_result"
   */
  object: "job_result";
  /**
   * Id of the job
   */
  job_id: string;
  /**
   * Id of the tool that produced it
   */
  tool: string;
  /**
   * The job's status; one this client does not know yet is kept as received
   */
  status: string;
  /**
   * When the job finished (ISO-8601 UTC)
   */
  completed_at: string | null;
  /**
   * Where the data comes from
   */
  data_source: string;
  /**
   * Files the job wrote, with signed download URLs
   */
  files: ResultFile[];
  /**
   * Structured output: records and per-tool series, as the tool's output contract lists
   */
  results: {
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * A cancellation with a tolerant job.
 *
 * As received; generated from the zod schema `ClientJobCancellation` in `lib/client/_schemas.ts`.
 */
export interface ClientJobCancellation {
  object: "job_cancellation";
  refunded: boolean;
  job: ClientJob;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * Body of `POST /v1/jobs`. Unknown fields are refused, so a typo is not silently ignored.
 *
 * As sent; generated from the zod schema `SubmitPipelineJob` in `lib/pipeline/contract.ts`.
 */
export interface SubmitPipelineJob {
  /**
   * UUID of the variant to run the job against. Must belong to the caller's org.
   */
  variant_id: string;
  /**
   * Pipeline to run
   */
  job_type: "humanization" | "structure" | "stability" | "immunogenicity";
}
/**
 * A pipeline job's status envelope. The client tolerates statuses and job types it does not
 * know (a wait stops on them with a clear error instead of looping) and extra fields.
 *
 * As received; generated from the zod schema `PipelineJob` in `lib/pipeline/contract.ts`.
 */
export interface PipelineJob {
  /**
   * Opaque job identifier (UUID)
   */
  id: string;
  /**
   * UUID of the variant the job runs against
   */
  variant_id: string;
  /**
   * Pipeline the job runs
   */
  job_type: string;
  /**
   * One of: pending, running, completed, failed
   */
  status: string;
  /**
   * When the job was created (ISO-8601)
   */
  created_at: string;
  /**
   * When it started running (ISO-8601)
   */
  started_at: string | null;
  /**
   * When it finished (ISO-8601)
   */
  completed_at: string | null;
  /**
   * Why it failed, when it did
   */
  error_message: string | null;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * `GET /v1/jobs/{job_id}/results`: the pipeline's output for a completed job.
 *
 * As received; generated from the zod schema `PipelineJobResults` in `lib/pipeline/contract.ts`.
 */
export interface PipelineJobResults {
  /**
   * Id of the job
   */
  job_id: string;
  /**
   * UUID of the variant
   */
  variant_id: string;
  /**
   * Pipeline that ran
   */
  job_type: string;
  /**
   * The job's status
   */
  status: string;
  /**
   * When it finished (ISO-8601)
   */
  completed_at: string | null;
  /**
   * Flat name → value pairs: one table row per job
   */
  results: {
    [k: string]: string | number | boolean | null;
  };
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * A variant of the caller's org.
 *
 * As received; generated from the zod schema `Variant` in `lib/pipeline/contract.ts`.
 */
export interface Variant {
  /**
   * Variant UUID
   */
  id: string;
  /**
   * Display name
   */
  name: string;
  /**
   * Chain identifier
   */
  chain?: string;
  /**
   * Amino-acid sequence
   */
  sequence: string;
  /**
   * When the variant was created (ISO-8601)
   */
  created_at: string;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * One FastAPI validation problem.
 *
 * As received; generated from the zod schema `ValidationDetail` in `lib/pipeline/contract.ts`.
 */
export interface ValidationDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * Every error body: FastAPI's `{detail}`, a sentence or a list of validation problems.
 *
 * As received; generated from the zod schema `PipelineErrorBody` in `lib/pipeline/contract.ts`.
 */
export interface PipelineErrorBody {
  detail: string | {
    loc: (string | number)[];
    msg: string;
    type: string;
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  }[];
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * One item of a manifest.
 *
 * As received; generated from the zod schema `ManifestItem` in `lib/batch/_manifest.ts`.
 */
export interface ManifestItem {
  key: string;
  payload_sha256: string;
  attempt: number;
  idempotency_key: string | null;
  job_id: string | null;
  state:
    | "unsubmitted"
    | "submitting"
    | "submitted"
    | "completed"
    | "failed"
    | "cancelled"
    | "invalid"
    | "unknown";
  status: string | null;
  error: string | null;
  credits: number | null;
  quoted_credits?: number | null;
  submitted_at: string | null;
  finished_at: string | null;
  history: {
    job_id: string;
    status: string | null;
    payload_sha256: string;
    attempt: number;
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  }[];
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
/**
 * The manifest file.
 *
 * As received; generated from the zod schema `ManifestFile` in `lib/batch/_manifest.ts`.
 */
export interface ManifestFile {
  object: "batch_manifest";
  version: 1;
  name: string;
  vendor: string;
  account?: string | null;
  created_at: string;
  updated_at: string;
  items: {
    key: string;
    payload_sha256: string;
    attempt: number;
    idempotency_key: string | null;
    job_id: string | null;
    state:
      | "unsubmitted"
      | "submitting"
      | "submitted"
      | "completed"
      | "failed"
      | "cancelled"
      | "invalid"
      | "unknown";
    status: string | null;
    error: string | null;
    credits: number | null;
    quoted_credits?: number | null;
    submitted_at: string | null;
    finished_at: string | null;
    history: {
      job_id: string;
      status: string | null;
      payload_sha256: string;
      attempt: number;
      /** Fields beyond these: the schema lets a newer server add them. */
      [k: string]: unknown;
    }[];
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  }[];
  /** Fields beyond these: the schema lets a newer server add them. */
  [k: string]: unknown;
}
