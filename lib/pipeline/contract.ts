/**
 * The pipeline-job API's wire shapes (seed `004`), written once: the client validates
 * responses with them and the pipeline sandbox validates requests with them.
 *
 * Routes (relative to the vendor's base URL, e.g. `https://api.example.com`):
 *
 * | route | what | documented by |
 * |---|---|---|
 * | `POST /v1/jobs` `{variant_id, job_type}` | submit; answers `202` with the status envelope | seed 004 |
 * | `GET /v1/jobs/{job_id}` | the status envelope, read back | our choice (the seed shows only POST) |
 * | `GET /v1/jobs/{job_id}/results` | a completed job's results; `409` before that | Kallima's docs (sdk-anchors D.5) |
 * | `GET /v1/variants`, `GET /v1/variants/{variant_id}` | the caller's org's variants | our addition, so a notebook can find a variant id |
 *
 * Errors are FastAPI's shapes, as the seed's vendor is a FastAPI service ("Successful
 * Response", `{detail}` bodies): `{"detail": "…"}` for 401/404/405/409/429, and
 * `{"detail": [{"loc": [...], "msg": "…", "type": "…"}]}` for `422` (a malformed body, a
 * malformed UUID in the path or the body, an unknown `job_type`). A variant of another org is
 * `404` — the same answer as an unknown one, so ids cannot be probed.
 *
 * @example
 * ```ts
 * import { SubmitPipelineJob } from "./contract.ts";
 * SubmitPipelineJob.parse({
 *   variant_id: "11112222-3333-4444-5555-666677778888",
 *   job_type: "humanization",
 * });
 * ```
 * @module
 */
import { z } from "../_deps/zod.ts";
import type * as Wire from "../contract/_wire.ts";
import type { PollSchedule } from "../client/_wait.ts";

/**
 * The four pipelines the endpoint runs.
 *
 * @example
 * ```ts
 * import { connectPipeline, JOB_TYPES } from "../../mod.ts";
 *
 * await using pipe = await connectPipeline({ sandbox: { pace: "quick" }, quiet: true });
 * const [variant] = await pipe.variants.list();
 * const quick = JOB_TYPES.filter((type) => type !== "structure"); // the slowest pipeline
 * const jobs = await pipe.jobs.submitAll(variant.id, quick);
 * ```
 */
export const JOB_TYPES = ["humanization", "structure", "stability", "immunogenicity"] as const;
/** A pipeline kind. */
export type JobType = typeof JOB_TYPES[number];

/**
 * The four statuses, lowercase as the vendor spells them.
 *
 * @example
 * ```ts
 * import { PIPELINE_STATUSES, type PipelineStatus } from "../../mod.ts";
 *
 * const isPipelineStatus = (value: string): value is PipelineStatus =>
 *   (PIPELINE_STATUSES as readonly string[]).includes(value);
 * isPipelineStatus("running"); // true
 * isPipelineStatus("RUNNING"); // false: ProteinIQ's spelling, not this vendor's
 * ```
 */
export const PIPELINE_STATUSES = ["pending", "running", "completed", "failed"] as const;
/** A pipeline job status. */
export type PipelineStatus = typeof PIPELINE_STATUSES[number];

/** Statuses after which a pipeline job never changes. */
export const PIPELINE_TERMINAL: ReadonlySet<string> = new Set(["completed", "failed"]);

/**
 * A UUID in its canonical 8-4-4-4-12 hex form. The seed's own example
 * (`11112222-3333-4444-5555-666677778888`) is not RFC 4122 (its version digit is 4 but the
 * variant digit is 5), so the version and variant bits are deliberately not checked.
 */
export const Uuid = z.string().regex(
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  "value is not a valid UUID",
);

/** An ISO-8601 timestamp (the vendor writes `2026-04-21T14:15:00+00:00`). */
export const IsoTimestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
  message: "not an ISO-8601 timestamp",
});

/** Body of `POST /v1/jobs`. Unknown fields are refused, so a typo is not silently ignored. */
export const SubmitPipelineJob = z.strictObject({
  variant_id: Uuid.meta({
    description: "UUID of the variant to run the job against. Must belong to the caller's org.",
    example: "11112222-3333-4444-5555-666677778888",
  }),
  job_type: z.enum(JOB_TYPES, {
    error: () =>
      `Input should be ${JOB_TYPES.slice(0, -1).map((type) => `'${type}'`).join(", ")} or '${
        JOB_TYPES.at(-1)
      }'`,
  }).meta({ description: "Pipeline to run", example: "humanization" }),
});
/** A submission body. */
export type SubmitPipelineJob = Wire.SubmitPipelineJob;

/**
 * A pipeline job's status envelope. The client tolerates statuses and job types it does not
 * know (a wait stops on them with a clear error instead of looping) and extra fields.
 */
export const PipelineJob = z.looseObject({
  id: z.string().min(1).meta({ description: "Opaque job identifier (UUID)" }),
  variant_id: z.string().describe("UUID of the variant the job runs against"),
  job_type: z.string().describe("Pipeline the job runs"),
  status: z.string().meta({ description: "One of: pending, running, completed, failed" }),
  created_at: IsoTimestamp.describe("When the job was created (ISO-8601)"),
  started_at: IsoTimestamp.nullable().optional().default(null).describe(
    "When it started running (ISO-8601)",
  ),
  completed_at: IsoTimestamp.nullable().optional().default(null).describe(
    "When it finished (ISO-8601)",
  ),
  error_message: z.string().nullable().optional().default(null).describe(
    "Why it failed, when it did",
  ),
});
/** The parsed status envelope. */
export type PipelineJob = Wire.PipelineJob;

/** `GET /v1/jobs/{job_id}/results`: the pipeline's output for a completed job. */
export const PipelineJobResults = z.looseObject({
  job_id: z.string().describe("Id of the job"),
  variant_id: z.string().describe("UUID of the variant"),
  job_type: z.string().describe("Pipeline that ran"),
  status: z.string().describe("The job's status"),
  completed_at: IsoTimestamp.nullable().describe("When it finished (ISO-8601)"),
  /** Flat name → value pairs: one table row per job. */
  results: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).describe(
    "Flat name → value pairs: one table row per job",
  ),
});
/** The parsed results. */
export type PipelineJobResults = Wire.PipelineJobResults;

/** A variant of the caller's org. */
export const Variant = z.looseObject({
  id: z.string().describe("Variant UUID"),
  name: z.string().describe("Display name"),
  chain: z.string().optional().describe("Chain identifier"),
  sequence: z.string().describe("Amino-acid sequence"),
  created_at: IsoTimestamp.describe("When the variant was created (ISO-8601)"),
});
/** The parsed variant. */
export type Variant = Wire.Variant;

/** `GET /v1/variants`. */
export const VariantList = z.looseObject({ data: z.array(Variant) });

/** One FastAPI validation problem. */
export const ValidationDetail = z.looseObject({
  loc: z.array(z.union([z.string(), z.number()])),
  msg: z.string(),
  type: z.string(),
});
/** A parsed validation problem. */
export type ValidationDetail = Wire.ValidationDetail;

/** Every error body: FastAPI's `{detail}`, a sentence or a list of validation problems. */
export const PipelineErrorBody = z.looseObject({
  detail: z.union([z.string(), z.array(ValidationDetail)]),
});
/** A parsed error body. */
export type PipelineErrorBody = Wire.PipelineErrorBody;

/** One route of the pipeline API. */
export interface PipelineRoute {
  /** HTTP method. */
  readonly method: "GET" | "POST";
  /** Path with `{name}` parameters. */
  readonly path: string;
  /** Status of a successful answer. */
  readonly status: 200 | 202;
}

/**
 * The route table, used by the client to build URLs and by the sandbox to mount routes.
 *
 * @example
 * ```ts
 * import { PIPELINE_ROUTES } from "../../mod.ts";
 *
 * const { method, path, status } = PIPELINE_ROUTES.submitJob;
 * console.log(method, path, status); // POST /v1/jobs 202
 * PIPELINE_ROUTES.jobResults.path.replace("{job_id}", "0b6c2f7e-3d1a-4c55-9a61-2f8d3e4b5a60");
 * ```
 */
export const PIPELINE_ROUTES = {
  submitJob: { method: "POST", path: "/v1/jobs", status: 202 },
  getJob: { method: "GET", path: "/v1/jobs/{job_id}", status: 200 },
  jobResults: { method: "GET", path: "/v1/jobs/{job_id}/results", status: 200 },
  listVariants: { method: "GET", path: "/v1/variants", status: 200 },
  getVariant: { method: "GET", path: "/v1/variants/{variant_id}", status: 200 },
} as const satisfies Record<string, PipelineRoute>;

/** A path of the route table with its parameters filled in (URL-encoded). */
export function pipelinePath(route: PipelineRoute, params: Record<string, string> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

function every(ms: number): PollSchedule {
  return Object.freeze({ delaysMs: Object.freeze([ms]), jitterRatio: 0.2, minIntervalMs: ms });
}

/**
 * The vendor's documented polling cadence per job type: humanization every 3 s; structure,
 * stability and immunogenicity every 10 s (polls are reads, but they spend the per-minute
 * bucket — so never faster, with jitter so many jobs do not poll in lockstep).
 *
 * @example
 * ```ts
 * import { PIPELINE_POLLING } from "../../mod.ts";
 *
 * PIPELINE_POLLING.humanization.delaysMs; // [3000]
 * PIPELINE_POLLING.structure.minIntervalMs; // 10000
 * ```
 */
export const PIPELINE_POLLING: Readonly<Record<JobType, PollSchedule>> = Object.freeze({
  humanization: every(3000),
  structure: every(10_000),
  stability: every(10_000),
  immunogenicity: every(10_000),
});

/**
 * The same cadence scaled for the local pipeline sandbox (its jobs take seconds, not minutes).
 *
 * @example
 * ```ts
 * import { PIPELINE_SANDBOX_POLLING } from "../../mod.ts";
 *
 * PIPELINE_SANDBOX_POLLING.structure.delaysMs; // [250]: connectPipeline() uses it for its sandbox
 * ```
 */
export const PIPELINE_SANDBOX_POLLING: Readonly<Record<JobType, PollSchedule>> = Object.freeze({
  humanization: every(150),
  structure: every(250),
  stability: every(250),
  immunogenicity: every(250),
});
