/**
 * Tools: the catalog summary and the full public contract of one tool
 * (input slots, settings, output fields and files, limits, credit model).
 *
 * @example
 * ```ts
 * import { ToolSummary } from "./tools.ts";
 * ToolSummary.parse({ id: "esmfold", object: "tool", name: "ESMFold",
 *   description: "Predict protein structure", category: "folding", tags: [],
 *   credit_model: { is_free: false } });
 * ```
 * @module
 */
import { z } from "../_deps/zod.ts";
import type * as Wire from "./_wire.ts";
import { listOf } from "./common.ts";

/** How a tool is priced. `per_minute` tools are billed on runtime. */
export const CREDIT_MODEL_TYPES = [
  "free",
  "fixed",
  "per_input",
  "per_residue",
  "per_minute",
] as const;

/** Credit model of a tool. */
export const CreditModel = z.looseObject({
  is_free: z.boolean(),
  type: z.enum(CREDIT_MODEL_TYPES).optional(),
  base_credits: z.number().nonnegative().optional().meta({ description: "Charged once per job" }),
  per_unit_credits: z.number().nonnegative().optional().meta({
    description: "Charged per unit (input record, residue…)",
  }),
  unit: z.string().optional().meta({ example: "sequence" }),
  rate_credits_per_minute: z.number().nonnegative().optional(),
  initial_reservation_credits: z.number().nonnegative().optional(),
  description: z.string().optional(),
}).meta({ id: "CreditModel" });

/** One item of `GET /api/v1/tools`. */
export const ToolSummary = z.looseObject({
  id: z.string().meta({ example: "protein-properties" }),
  object: z.literal("tool"),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  tags: z.array(z.string()),
  credit_model: CreditModel,
}).meta({ id: "ToolSummary" });

/** An input slot of a tool. */
export const InputSlot = z.looseObject({
  id: z.string().meta({ description: "The slotId inputs must name", example: "protein" }),
  label: z.string(),
  description: z.string().optional(),
  kind: z.string().meta({ example: "protein" }),
  formats: z.array(z.string()).min(1).meta({ example: ["fasta"] }),
  required: z.boolean(),
  min_items: z.number().int().nonnegative(),
  max_items: z.number().int().positive(),
}).meta({ id: "InputSlot" });

/** Types a setting can have. */
export const SETTING_TYPES = ["integer", "number", "boolean", "string", "enum"] as const;

/** A tool setting: type, default, range or options, description. */
export const SettingDefinition = z.looseObject({
  id: z.string(),
  label: z.string(),
  type: z.enum(SETTING_TYPES),
  description: z.string(),
  default: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  options: z.array(z.looseObject({ value: z.union([z.string(), z.number()]), label: z.string() }))
    .optional(),
  required: z.boolean().optional(),
}).meta({ id: "SettingDefinition" });

/** A structured output field (a column of `results.records`). */
export const OutputField = z.looseObject({
  id: z.string(),
  label: z.string(),
  type: z.enum(["string", "integer", "number", "boolean", "array", "object"]),
  unit: z.string().optional(),
  description: z.string().optional(),
  digits: z.number().int().nonnegative().optional().meta({
    description: "Decimal places a reader needs; full precision is kept in the data",
  }),
}).meta({ id: "OutputField" });

/** A file the tool writes. */
export const OutputFile = z.looseObject({
  name: z.string(),
  content_type: z.string(),
  description: z.string().optional(),
}).meta({ id: "OutputFile" });

/** Tool-specific limits. */
export const ToolLimits = z.looseObject({
  max_items: z.number().int().positive().optional(),
  max_records: z.number().int().positive().optional(),
  max_sequence_length: z.number().int().positive().optional(),
  max_input_bytes: z.number().int().positive().optional(),
  max_residues: z.number().int().positive().optional().meta({
    description: "Residues per structure (Cα atoms of its first model)",
  }),
  max_alignment_cells: z.number().int().positive().optional().meta({
    description: "Length of one sequence times the length of the other, per aligned pair",
  }),
  time_limit_seconds: z.number().positive().optional(),
}).meta({ id: "ToolLimits" });

/** `GET /api/v1/tools/{toolId}`: the full public contract of one tool. */
export const ToolDetail = z.looseObject({
  ...ToolSummary.shape,
  subcategory: z.string().nullable().optional(),
  version: z.string(),
  beta: z.boolean(),
  processing: z.looseObject({
    mode: z.string().meta({ example: "async" }),
    time_class: z.string().meta({ example: "seconds" }),
  }),
  input: z.looseObject({
    slots: z.array(InputSlot),
    settings: z.array(SettingDefinition),
  }),
  output: z.looseObject({
    fields: z.array(OutputField),
    files: z.array(OutputFile),
    results: z.record(z.string(), z.string()).optional().meta({
      description: "Keys of a result's `results` object besides `records` (per-residue " +
        "series, matrices…), each with what it holds",
    }),
  }),
  limits: ToolLimits,
}).meta({ id: "Tool" });

/** A tool contract as a tool module declares it (the server adds `object`). */
export const ToolDefinition = ToolDetail.omit({ object: true });

/** `GET /api/v1/tools` response. */
export const ToolList = listOf(ToolSummary, "ToolList");

/** The parsed tool contract. */
export type ToolDetail = Wire.ToolDetail;
/** A tool contract without the `object` tag. */
export type ToolDefinition = Wire.ToolDefinition;
/** The parsed tool summary. */
export type ToolSummary = Wire.ToolSummary;
/** A setting definition. */
export type SettingDefinition = Wire.SettingDefinition;
/** An input slot. */
export type InputSlot = Wire.InputSlot;
/** An output field. */
export type OutputField = Wire.OutputField;

/** The `CreditModel` wire shape, as the schema of the same name reads it. */
export type CreditModel = Wire.CreditModel;
/** The `OutputFile` wire shape, as the schema of the same name reads it. */
export type OutputFile = Wire.OutputFile;
/** The `ToolLimits` wire shape, as the schema of the same name reads it. */
export type ToolLimits = Wire.ToolLimits;
