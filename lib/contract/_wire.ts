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
  code: string;
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
  id: string;
  /**
   * One of the tool's active input slot ids
   */
  slotId: string;
  kind: string;
  format: string;
  /**
   * Inline text content
   */
  content?: string;
  source: InputSource;
  label?: string;
}
/**
 * Billing metadata of a job.
 *
 * As received; generated from the zod schema `JobBilling` in `lib/contract/jobs.ts`.
 */
export interface JobBilling {
  mode: string;
  reserved_credits: number | null;
  final_credits: number | null;
  rate_credits_per_minute: number | null;
  billable_runtime_seconds: number | null;
  outcome: string | null;
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
  id: string;
  object: "job";
  status: JobStatus;
  tool: string;
  name: string;
  credits_used: number;
  /**
   * ISO-8601 UTC timestamp
   */
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  progress: number;
  execution_time_seconds: number | null;
  error: string | null;
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
  object: "job_quote";
  tool: string;
  estimated_credits: number;
  available_credits: number;
  billable_credits: number;
  blocking_errors: BlockingError[];
  limits: {
    active_concurrent_jobs: number;
    max_concurrent_jobs: number;
    daily_limit_used: number;
    daily_limit_max: number | null;
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
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
  tool: string;
  input: JobInput;
  settings?: JobSettings;
  billing?: BillingRequest;
}
/**
 * `JobInput`: a wire shape of the API, generated from its zod schema.
 */
export interface JobInput {
  /**
   * @minItems 1
   * @maxItems 1000
   */
  inputs: InputItem[];
}
/**
 * `JobSettings`: a wire shape of the API, generated from its zod schema.
 */
export interface JobSettings {
  [k: string]: string | number | boolean | null;
}
/**
 * `BillingRequest`: a wire shape of the API, generated from its zod schema.
 */
export interface BillingRequest {
  max_reserved_credits?: number;
  maxReservedCredits?: number;
}
/**
 * Body of `POST /api/v1/jobs`.
 *
 * As sent; generated from the zod schema `SubmitRequest` in `lib/contract/jobs.ts`.
 */
export interface SubmitRequest {
  tool: string;
  input: JobInput;
  settings?: JobSettings;
  billing?: BillingRequest;
  name: string;
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
  name: string;
  key: string;
  content_type: string;
  /**
   * Signed, temporary download URL; fetch the result again when it expires
   */
  url?: string | null;
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
  object: "job_result";
  job_id: string;
  tool: string;
  status: JobStatus;
  completed_at: string | null;
  data_source: string;
  files: ResultFile[];
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
  is_free: boolean;
  type?: "free" | "fixed" | "per_input" | "per_residue" | "per_minute";
  /**
   * Charged once per job
   */
  base_credits?: number;
  /**
   * Charged per unit (input record, residue…)
   */
  per_unit_credits?: number;
  unit?: string;
  rate_credits_per_minute?: number;
  initial_reservation_credits?: number;
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
  label: string;
  description?: string;
  kind: string;
  /**
   * @minItems 1
   */
  formats: string[];
  required: boolean;
  min_items: number;
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
  id: string;
  label: string;
  type: "string" | "integer" | "number" | "boolean" | "array" | "object";
  unit?: string;
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
  name: string;
  content_type: string;
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
  id: string;
  label: string;
  type: "integer" | "number" | "boolean" | "string" | "enum";
  description: string;
  default: string | number | boolean | null;
  minimum?: number;
  maximum?: number;
  options?: {
    value: string | number;
    label: string;
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  }[];
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
  max_items?: number;
  max_records?: number;
  max_sequence_length?: number;
  max_input_bytes?: number;
  /**
   * Residues per structure (Cα atoms of its first model)
   */
  max_residues?: number;
  /**
   * Length of one sequence times the length of the other, per aligned pair
   */
  max_alignment_cells?: number;
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
  id: string;
  object: "tool";
  name: string;
  description: string;
  category: string;
  tags: string[];
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
  id: string;
  object: "tool";
  name: string;
  description: string;
  category: string;
  tags: string[];
  credit_model: CreditModel;
  subcategory?: string | null;
  version: string;
  beta: boolean;
  processing: {
    mode: string;
    time_class: string;
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  input: {
    slots: InputSlot[];
    settings: SettingDefinition[];
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
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
  id: string;
  name: string;
  description: string;
  category: string;
  tags: string[];
  credit_model: CreditModel;
  subcategory?: string | null;
  version: string;
  beta: boolean;
  processing: {
    mode: string;
    time_class: string;
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
  input: {
    slots: InputSlot[];
    settings: SettingDefinition[];
    /** Fields beyond these: the schema lets a newer server add them. */
    [k: string]: unknown;
  };
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
  id: string;
  object: "job";
  status: string;
  tool: string;
  name: string;
  credits_used: number;
  /**
   * ISO-8601 UTC timestamp
   */
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  progress: number;
  execution_time_seconds: number | null;
  error: string | null;
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
  object: "job_result";
  job_id: string;
  tool: string;
  status: string;
  completed_at: string | null;
  data_source: string;
  files: ResultFile[];
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
  variant_id: string;
  job_type: string;
  /**
   * One of: pending, running, completed, failed
   */
  status: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
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
  job_id: string;
  variant_id: string;
  job_type: string;
  status: string;
  completed_at: string | null;
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
  id: string;
  name: string;
  chain?: string;
  sequence: string;
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
