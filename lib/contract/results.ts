/**
 * Results: structured output and the file manifest with signed download URLs.
 *
 * @example
 * ```ts
 * import { JobResult } from "./results.ts";
 * JobResult.parse({ object: "job_result", job_id: "job_1", tool: "t", status: "COMPLETED",
 *   completed_at: null, data_source: "sandbox", files: [], results: {} });
 * ```
 * @module
 */
import { z } from "../_deps/zod.ts";
import type * as Wire from "./_wire.ts";
import { JobStatusSchema } from "./jobs.ts";
import { Timestamp } from "./common.ts";

/** One file of a result's manifest. `url` is signed and temporary. */
export const ResultFile = z.looseObject({
  name: z.string().meta({ example: "properties.csv" }),
  key: z.string().meta({ example: "outputs/job_123/properties.csv" }),
  content_type: z.string().meta({ example: "text/csv" }),
  url: z.string().nullable().optional().meta({
    description: "Signed, temporary download URL; fetch the result again when it expires",
  }),
  size_bytes: z.number().int().nonnegative().optional(),
  expires_at: Timestamp.optional().meta({ description: "When the signed url stops working" }),
}).meta({ id: "ResultFile" });

/** `GET /api/v1/results/{jobId}`. */
export const JobResult = z.looseObject({
  object: z.literal("job_result"),
  job_id: z.string(),
  tool: z.string(),
  status: JobStatusSchema,
  completed_at: Timestamp.nullable(),
  data_source: z.string(),
  files: z.array(ResultFile),
  results: z.record(z.string(), z.unknown()),
}).meta({ id: "JobResult" });

/** The parsed result. */
export type JobResult = Wire.JobResult;
/** A result file entry. */
export type ResultFile = Wire.ResultFile;
