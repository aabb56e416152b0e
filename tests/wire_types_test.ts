/**
 * The public wire types (`lib/contract/_wire.ts`) are generated from the zod schemas: this
 * test fails when the file is stale, and `deno check` fails (through the assertions below)
 * when an interface and its schema's inferred type stop accepting each other.
 * @module
 */
import assert from "node:assert/strict";
import type { z } from "../lib/_deps/zod.ts";
import type * as Wire from "../lib/contract/_wire.ts";
import type * as Jobs from "../lib/contract/jobs.ts";
import type * as Tools from "../lib/contract/tools.ts";
import type * as Results from "../lib/contract/results.ts";
import type * as Files from "../lib/contract/files.ts";
import type * as AccountContract from "../lib/contract/account.ts";
import type * as Errors from "../lib/contract/errors.ts";
import type * as ClientSchemas from "../lib/client/_schemas.ts";
import type * as Pipeline from "../lib/pipeline/contract.ts";
import type * as Manifest from "../lib/batch/_manifest.ts";
import { generate } from "../scripts/gen_wire_types.ts";

/** `true` only when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only for `true`. */
function accepts<T extends true>(_proof?: T): void {}

// Responses: what a parse returns is the interface, and back.
accepts<Same<z.output<typeof Jobs.JobResource>, Wire.JobResource>>();
accepts<Same<z.output<typeof Jobs.JobQuote>, Wire.JobQuote>>();
accepts<Same<z.output<typeof Jobs.JobCancellation>, Wire.JobCancellation>>();
accepts<Same<z.output<typeof Jobs.BlockingError>, Wire.BlockingError>>();
accepts<Same<z.output<typeof Jobs.JobBilling>, Wire.JobBilling>>();
accepts<Same<z.output<typeof Tools.ToolDetail>, Wire.ToolDetail>>();
accepts<Same<z.output<typeof Tools.ToolSummary>, Wire.ToolSummary>>();
accepts<Same<z.output<typeof Tools.InputSlot>, Wire.InputSlot>>();
accepts<Same<z.output<typeof Tools.SettingDefinition>, Wire.SettingDefinition>>();
accepts<Same<z.output<typeof Tools.OutputField>, Wire.OutputField>>();
accepts<Same<z.output<typeof Results.JobResult>, Wire.JobResult>>();
accepts<Same<z.output<typeof Results.ResultFile>, Wire.ResultFile>>();
accepts<Same<z.output<typeof Files.FileResource>, Wire.FileResource>>();
accepts<Same<z.output<typeof AccountContract.Account>, Wire.Account>>();
accepts<Same<z.output<typeof Errors.ErrorEnvelope>, Wire.ErrorEnvelope>>();
accepts<Same<z.output<typeof ClientSchemas.ClientJob>, Wire.ClientJob>>();
accepts<Same<z.output<typeof ClientSchemas.ClientJobResult>, Wire.ClientJobResult>>();
accepts<Same<z.output<typeof Pipeline.PipelineJob>, Wire.PipelineJob>>();
accepts<Same<z.output<typeof Pipeline.Variant>, Wire.Variant>>();
accepts<Same<z.output<typeof Manifest.ManifestFile>, Wire.ManifestFile>>();
// Requests: what a caller may send is the interface, and back.
accepts<Same<z.input<typeof Jobs.SubmitRequest>, Wire.SubmitRequest>>();
accepts<Same<z.input<typeof Jobs.QuoteRequest>, Wire.QuoteRequest>>();
accepts<Same<z.input<typeof Jobs.InputItem>, Wire.InputItem>>();
accepts<Same<z.input<typeof Pipeline.SubmitPipelineJob>, Wire.SubmitPipelineJob>>();

Deno.test("the generated wire types are up to date with the schemas", async () => {
  const current = await Deno.readTextFile(new URL("../lib/contract/_wire.ts", import.meta.url));
  assert.equal(
    current,
    await generate(),
    "lib/contract/_wire.ts is stale: run deno run -A scripts/gen_wire_types.ts",
  );
});
