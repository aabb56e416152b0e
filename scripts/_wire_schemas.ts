/**
 * The schemas whose TypeScript interfaces `gen_wire_types.ts` writes: every wire shape that
 * the public API names. `io` picks the side of a schema with defaults or transforms: `input`
 * for what a caller sends, `output` for what a parse returns.
 * @module
 */
import type { z } from "../lib/_deps/zod.ts";
import { Account } from "../lib/contract/account.ts";
import { ErrorEnvelope } from "../lib/contract/errors.ts";
import { FileResource } from "../lib/contract/files.ts";
import {
  BillingRequest,
  BlockingError,
  InputItem,
  InputSource,
  JobBilling,
  JobCancellation,
  JobInput,
  JobQuote,
  JobResource,
  JobSettings,
  QuoteRequest,
  SubmitRequest,
} from "../lib/contract/jobs.ts";
import { JobResult, ResultFile } from "../lib/contract/results.ts";
import {
  CreditModel,
  InputSlot,
  OutputField,
  OutputFile,
  SettingDefinition,
  ToolDefinition,
  ToolDetail,
  ToolLimits,
  ToolSummary,
} from "../lib/contract/tools.ts";
import { ClientJob, ClientJobCancellation, ClientJobResult } from "../lib/client/_schemas.ts";
import {
  PipelineErrorBody,
  PipelineJob,
  PipelineJobResults,
  SubmitPipelineJob,
  ValidationDetail,
  Variant,
} from "../lib/pipeline/contract.ts";
import { ManifestFile, ManifestItem } from "../lib/batch/_manifest.ts";

/** One generated interface. */
export interface WireType {
  name: string;
  schema: z.ZodType;
  io: "input" | "output";
  source: string;
}

/** The entries for some schemas of one source file, read on one side. */
function from(
  source: string,
  io: WireType["io"],
  schemas: Record<string, z.ZodType>,
): WireType[] {
  return Object.entries(schemas).map(([name, schema]) => ({ name, schema, io, source }));
}

/** Every generated interface, in the file's order. */
export const generatedWireTypes: WireType[] = [
  ...from("lib/contract/account.ts", "output", { Account }),
  ...from("lib/contract/errors.ts", "output", { ErrorEnvelope }),
  ...from("lib/contract/files.ts", "output", { FileResource }),
  ...from("lib/contract/jobs.ts", "output", { BlockingError }),
  ...from("lib/contract/jobs.ts", "input", {
    InputSource,
    InputItem,
    JobInput,
    JobSettings,
    BillingRequest,
  }),
  ...from("lib/contract/jobs.ts", "output", { JobBilling, JobResource, JobCancellation, JobQuote }),
  ...from("lib/contract/jobs.ts", "input", { QuoteRequest, SubmitRequest }),
  ...from("lib/contract/results.ts", "output", { ResultFile, JobResult }),
  ...from("lib/contract/tools.ts", "output", {
    CreditModel,
    InputSlot,
    OutputField,
    OutputFile,
    SettingDefinition,
    ToolLimits,
    ToolSummary,
    ToolDetail,
  }),
  ...from("lib/contract/tools.ts", "input", { ToolDefinition }),
  ...from("lib/client/_schemas.ts", "output", {
    ClientJob,
    ClientJobResult,
    ClientJobCancellation,
  }),
  ...from("lib/pipeline/contract.ts", "input", { SubmitPipelineJob }),
  ...from("lib/pipeline/contract.ts", "output", {
    PipelineJob,
    PipelineJobResults,
    Variant,
    ValidationDetail,
    PipelineErrorBody,
  }),
  ...from("lib/batch/_manifest.ts", "output", { ManifestItem, ManifestFile }),
];
