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
  is_free: z.boolean().describe("Whether the tool costs nothing"),
  type: z.enum(CREDIT_MODEL_TYPES).optional().describe("Pricing scheme"),
  base_credits: z.number().nonnegative().optional().meta({ description: "Charged once per job" }),
  per_unit_credits: z.number().nonnegative().optional().meta({
    description: "Charged per unit (input record, residue…)",
  }),
  unit: z.string().optional().meta({
    description: "What per_unit_credits counts",
    example: "sequence",
  }),
  rate_credits_per_minute: z.number().nonnegative().optional().describe(
    "Rate of a minute-billed tool",
  ),
  initial_reservation_credits: z.number().nonnegative().optional().describe(
    "Credits reserved at submission of a minute-billed job",
  ),
  description: z.string().optional().describe("The pricing in one sentence"),
}).meta({ id: "CreditModel" });

/** One item of `GET /api/v1/tools`. */
export const ToolSummary = z.looseObject({
  id: z.string().meta({ description: "Tool id, as jobs name it", example: "protein-properties" }),
  object: z.literal("tool").describe('Always "tool"'),
  name: z.string().describe("Display name"),
  description: z.string().describe("What the tool does"),
  category: z.string().describe("Catalog category"),
  tags: z.array(z.string()).describe("Search tags"),
  credit_model: CreditModel.describe("How the tool is priced"),
}).meta({ id: "ToolSummary" });

/** An input slot of a tool. */
export const InputSlot = z.looseObject({
  id: z.string().meta({ description: "The slotId inputs must name", example: "protein" }),
  label: z.string().describe("Display name of the slot"),
  description: z.string().optional().describe("What the slot takes"),
  kind: z.string().meta({ description: "Kind of content the slot takes", example: "protein" }),
  formats: z.array(z.string()).min(1).meta({
    description: "Formats the slot accepts",
    example: ["fasta"],
  }),
  required: z.boolean().describe("Whether a job must give this slot"),
  min_items: z.number().int().nonnegative().describe("Fewest items the slot takes"),
  max_items: z.number().int().positive().describe("Most items the slot takes"),
}).meta({ id: "InputSlot" });

/** Types a setting can have. */
export const SETTING_TYPES = ["integer", "number", "boolean", "string", "enum"] as const;

/** A tool setting: type, default, range or options, description. */
export const SettingDefinition = z.looseObject({
  id: z.string().describe("Setting id, the key in a job's settings"),
  label: z.string().describe("Display name"),
  type: z.enum(SETTING_TYPES).describe("Value type"),
  description: z.string().describe("What the setting does"),
  default: z.union([z.string(), z.number(), z.boolean(), z.null()]).describe(
    "Value used when the setting is omitted",
  ),
  minimum: z.number().optional().describe("Smallest allowed number"),
  maximum: z.number().optional().describe("Largest allowed number"),
  options: z.array(z.looseObject({ value: z.union([z.string(), z.number()]), label: z.string() }))
    .optional().describe("Allowed values of an enum setting"),
  required: z.boolean().optional().describe("Whether a job must give it"),
}).meta({ id: "SettingDefinition" });

/** A structured output field (a column of `results.records`). */
export const OutputField = z.looseObject({
  id: z.string().describe("Field id, the key in each record"),
  label: z.string().describe("Display name"),
  type: z.enum(["string", "integer", "number", "boolean", "array", "object"]).describe(
    "Value type",
  ),
  unit: z.string().optional().describe("Unit of the value"),
  description: z.string().optional().describe("What the field holds"),
  digits: z.number().int().nonnegative().optional().meta({
    description: "Decimal places a reader needs; full precision is kept in the data",
  }),
}).meta({ id: "OutputField" });

/** A file the tool writes. */
export const OutputFile = z.looseObject({
  name: z.string().describe("File name"),
  content_type: z.string().describe("MIME type"),
  description: z.string().optional().describe("What the file holds"),
}).meta({ id: "OutputFile" });

/** Tool-specific limits. */
export const ToolLimits = z.looseObject({
  max_items: z.number().int().positive().optional().describe("Most input items per job"),
  max_records: z.number().int().positive().optional().describe(
    "Most records (sequences, reads…) per job",
  ),
  max_sequence_length: z.number().int().positive().optional().describe("Longest sequence accepted"),
  max_input_bytes: z.number().int().positive().optional().describe(
    "Largest total input size in bytes",
  ),
  max_residues: z.number().int().positive().optional().meta({
    description: "Residues per structure (Cα atoms of its first model)",
  }),
  max_alignment_cells: z.number().int().positive().optional().meta({
    description: "Length of one sequence times the length of the other, per aligned pair",
  }),
  time_limit_seconds: z.number().positive().optional().describe(
    "Runtime after which a job times out",
  ),
}).meta({ id: "ToolLimits" });

/** `GET /api/v1/tools/{toolId}`: the full public contract of one tool. */
export const ToolDetail = z.looseObject({
  ...ToolSummary.shape,
  subcategory: z.string().nullable().optional().describe("Catalog subcategory"),
  version: z.string().describe("Tool version"),
  beta: z.boolean().describe("Whether the tool is in beta"),
  processing: z.looseObject({
    mode: z.string().meta({ example: "async" }),
    time_class: z.string().meta({ example: "seconds" }),
  }).describe("How jobs run: mode and typical duration class"),
  input: z.looseObject({
    slots: z.array(InputSlot),
    settings: z.array(SettingDefinition),
  }).describe("Input slots and settings"),
  output: z.looseObject({
    fields: z.array(OutputField),
    files: z.array(OutputFile),
    results: z.record(z.string(), z.string()).optional().meta({
      description: "Keys of a result's `results` object besides `records` (per-residue " +
        "series, matrices…), each with what it holds",
    }),
  }).describe("Structured fields, files and result keys the tool writes"),
  limits: ToolLimits.describe("Tool-specific limits"),
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
