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
  name: z.string().meta({ description: "File name", example: "properties.csv" }),
  key: z.string().meta({
    description: "Storage key of the file",
    example: "outputs/job_123/properties.csv",
  }),
  content_type: z.string().meta({ description: "MIME type of the file", example: "text/csv" }),
  url: z.string().nullable().optional().meta({
    description: "Signed, temporary download URL; fetch the result again when it expires",
  }),
  size_bytes: z.number().int().nonnegative().optional().describe("Size in bytes"),
  expires_at: Timestamp.optional().meta({ description: "When the signed url stops working" }),
}).meta({ id: "ResultFile" });

/** `GET /api/v1/results/{jobId}`. */
export const JobResult = z.looseObject({
  object: z.literal("job_result").describe('Always "job_result"'),
  job_id: z.string().describe("Id of the job"),
  tool: z.string().describe("Id of the tool that produced it"),
  status: JobStatusSchema.describe("The job's status"),
  completed_at: Timestamp.nullable().describe("When the job finished (ISO-8601 UTC)"),
  data_source: z.string().describe("Where the data comes from"),
  files: z.array(ResultFile).describe("Files the job wrote, with signed download URLs"),
  results: z.record(z.string(), z.unknown()).describe(
    "Structured output: records and per-tool series, as the tool's output contract lists",
  ),
}).meta({ id: "JobResult" });

/** The parsed result. */
export type JobResult = Wire.JobResult;
/** A result file entry. */
export type ResultFile = Wire.ResultFile;
