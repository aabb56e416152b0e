/**
 * The "Protein properties" sandbox tool: ProtParam-style properties (molecular weight, pI,
 * GRAVY, instability index, aromaticity, extinction coefficients, net charge) for every
 * record of up to ten protein FASTA inputs, matching Biopython 1.80.
 *
 * Letters follow the policy documented in `lib/bio/protparam.ts`: the 20 standard amino acids plus U and O are accepted (GRAVY and instability index are
 * empty for sequences with U or O, and the `notes` column says why); X, B, Z, J and any
 * other character are reported by `validate`.
 *
 * @example
 * ```ts
 * import { proteinProperties } from "./protein_properties.ts";
 *
 * const inputs = [{
 *   id: "in1", slotId: "protein", kind: "protein", format: "fasta", index: 0,
 *   content: ">insulin_b\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT\n",
 * }];
 * proteinProperties.validate(inputs, { ph: 7 }); // []
 * const output = await proteinProperties.run(inputs, { ph: 7 }, { progress() {} });
 * // output.results.records[0].molecular_weight → 3429.9208; output.files[0].name → "properties.csv"
 * ```
 * @module
 */
import { type FastaRecord, parseFasta } from "../../bio/fasta.ts";
import {
  proteinLetterIssues,
  proteinProperties as proteinPropertiesOf,
  ProteinSequenceError,
} from "../../bio/protparam.ts";
import type { InputSlot, OutputField, SettingDefinition } from "../../contract/tools.ts";
import type {
  ResolvedInput,
  ResolvedSettings,
  SandboxTool,
  ToolDefinition,
  ToolOutput,
  ValidationIssue,
} from "./_types.ts";

/** One row of `results.records` and of `properties.csv`. */
export interface ProteinPropertiesRow {
  id: string;
  description: string;
  length: number;
  molecular_weight: number;
  isoelectric_point: number;
  gravy: number | null;
  instability_index: number | null;
  aromaticity: number;
  extinction_coefficient_reduced: number;
  extinction_coefficient_oxidized: number;
  charge_at_ph: number;
  ph: number;
  /** Why a value is empty (U or O present); empty string otherwise. */
  notes: string;
}

const LIMITS = { max_records: 1000, max_sequence_length: 50_000, max_input_bytes: 2_000_000 };
const DEFAULT_PH = 7.0;
// Enough to show what is wrong without flooding a quote response.
const MAX_LETTER_ISSUES_PER_RECORD = 5;
const MAX_ISSUES = 50;

// Typed with `satisfies` because ToolDefinition alone does not check the nested shapes.
const OUTPUT_FIELDS = [
  { id: "id", label: "ID", type: "string", description: "First word of the FASTA header" },
  {
    id: "description",
    label: "Description",
    type: "string",
    description: "Rest of the FASTA header",
  },
  { id: "length", label: "Length", type: "integer", unit: "aa", digits: 0 },
  {
    id: "molecular_weight",
    label: "Molecular weight",
    type: "number",
    unit: "Da",
    digits: 2,
    description: "Average isotopic mass of the chain",
  },
  {
    id: "isoelectric_point",
    label: "Isoelectric point",
    type: "number",
    digits: 2,
    description: "pI from Bjellqvist pK values",
  },
  {
    id: "gravy",
    label: "GRAVY",
    type: "number",
    digits: 3,
    description: "Grand average of hydropathy (Kyte–Doolittle); empty when U or O is present",
  },
  {
    id: "instability_index",
    label: "Instability index",
    type: "number",
    digits: 2,
    description: "Guruprasad et al. 1990; above 40 suggests an unstable protein; empty " +
      "when U or O is present",
  },
  {
    id: "aromaticity",
    label: "Aromaticity",
    type: "number",
    digits: 3,
    description: "Fraction of F, W and Y",
  },
  {
    id: "extinction_coefficient_reduced",
    label: "Extinction coefficient (reduced)",
    type: "integer",
    unit: "M⁻¹ cm⁻¹",
    digits: 0,
    description: "At 280 nm, all cysteines reduced",
  },
  {
    id: "extinction_coefficient_oxidized",
    label: "Extinction coefficient (cystines)",
    type: "integer",
    unit: "M⁻¹ cm⁻¹",
    digits: 0,
    description: "At 280 nm, all cysteine pairs forming cystines",
  },
  {
    id: "charge_at_ph",
    label: "Net charge",
    type: "number",
    digits: 2,
    description: "Net charge at the pH setting",
  },
  { id: "ph", label: "pH", type: "number", digits: 1, description: "pH of the charge column" },
  {
    id: "notes",
    label: "Notes",
    type: "string",
    description: "Why a value is empty, if one is",
  },
] as const satisfies readonly OutputField[];

// The CSV header is exactly the output field ids, in order.
const CSV_COLUMNS: readonly (keyof ProteinPropertiesRow)[] = OUTPUT_FIELDS.map((field) => field.id);

const definition: ToolDefinition = {
  id: "protein-properties",
  name: "Protein properties",
  description: "Molecular weight, isoelectric point, GRAVY, instability index, aromaticity, " +
    "extinction coefficients at 280 nm and net charge at a chosen pH for protein sequences " +
    "(ProtParam-style; values match Biopython 1.80).",
  category: "sequence-analysis",
  tags: [
    "protein",
    "protparam",
    "molecular-weight",
    "isoelectric-point",
    "hydropathy",
    "stability",
    "extinction-coefficient",
  ],
  credit_model: {
    is_free: false,
    type: "per_input",
    base_credits: 0,
    per_unit_credits: 1,
    unit: "sequence",
    description: "1 credit per sequence",
  },
  version: "1.0.0",
  beta: false,
  processing: { mode: "async", time_class: "seconds" },
  input: {
    slots: [
      {
        id: "protein",
        label: "Protein sequences",
        description: "FASTA with one or more protein records, or a bare sequence. Letters: the " +
          "20 standard amino acids plus U (selenocysteine) and O (pyrrolysine), any case; one " +
          "final * is ignored. Ambiguous codes X, B, Z and J are rejected.",
        kind: "protein",
        formats: ["fasta"],
        required: true,
        min_items: 1,
        max_items: 10,
      } satisfies InputSlot,
    ],
    settings: [
      {
        id: "ph",
        label: "pH",
        type: "number",
        description: "pH for the net charge column",
        default: DEFAULT_PH,
        minimum: 0,
        maximum: 14,
      } satisfies SettingDefinition,
    ],
  },
  output: {
    fields: [...OUTPUT_FIELDS],
    files: [{
      name: "properties.csv",
      content_type: "text/csv",
      description: "One row per sequence; the header row is the output field ids",
    }],
  },
  limits: LIMITS,
};

/** The "Protein properties" tool. */
export const proteinProperties: SandboxTool = {
  definition,

  validate(inputs: ResolvedInput[], _settings: ResolvedSettings): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const totalBytes = inputs.reduce((sum, input) => sum + utf8Length(input.content), 0);
    if (totalBytes > LIMITS.max_input_bytes) {
      issues.push({
        path: inputs.length === 1 ? contentPath(inputs[0]) : "input.inputs",
        message: `the input is ${formatCount(totalBytes)} bytes; at most ` +
          `${formatCount(LIMITS.max_input_bytes)} bytes are allowed`,
      });
      // Parsing megabytes more just to list further problems would make quotes slow.
      return issues;
    }

    const parsed = inputs.map((input) => ({
      path: contentPath(input),
      ...parseFasta(input.content),
    }));
    // Reported first so that it survives the cap on the number of issues.
    const recordCount = parsed.reduce((sum, { records }) => sum + records.length, 0);
    if (recordCount > LIMITS.max_records) {
      issues.push({
        path: inputs.length === 1 ? contentPath(inputs[0]) : "input.inputs",
        message: `the request has ${formatCount(recordCount)} FASTA records; at most ` +
          `${formatCount(LIMITS.max_records)} are allowed`,
      });
    }
    for (const { path, records, issues: fastaIssues } of parsed) {
      for (const issue of fastaIssues) {
        if (issue.severity === "error") issues.push({ path, message: issue.message });
      }
      for (const record of records) {
        if (record.sequence === "") continue; // already reported by the parser
        issues.push(...recordIssues(record, path));
      }
    }
    return capIssues(issues);
  },

  units(inputs: ResolvedInput[], _settings: ResolvedSettings): number {
    return inputs.reduce((sum, input) => sum + parseFasta(input.content).records.length, 0);
  },

  run(inputs, settings, context): ToolOutput {
    const pH = typeof settings.ph === "number" ? settings.ph : DEFAULT_PH;
    const records = inputs.flatMap((input) =>
      parseFasta(input.content).records.map((record) => ({ input, record }))
    );
    const rows: ProteinPropertiesRow[] = [];
    for (const { input, record } of records) {
      rows.push(computeRow(record, input, pH));
      context.progress(rows.length / records.length);
    }
    return {
      results: { records: rows },
      files: [{ name: "properties.csv", content_type: "text/csv", data: toCsv(rows) }],
    };
  },
};

function computeRow(record: FastaRecord, input: ResolvedInput, pH: number): ProteinPropertiesRow {
  try {
    const properties = proteinPropertiesOf(record.sequence, { pH });
    return {
      id: record.id,
      description: record.description,
      length: properties.length,
      molecular_weight: properties.molecular_weight,
      isoelectric_point: properties.isoelectric_point,
      gravy: properties.gravy,
      instability_index: properties.instability_index,
      aromaticity: properties.aromaticity,
      extinction_coefficient_reduced: properties.extinction_coefficient_reduced,
      extinction_coefficient_oxidized: properties.extinction_coefficient_oxidized,
      charge_at_ph: properties.charge_at_ph,
      ph: pH,
      notes: Object.entries(properties.unavailable)
        .map(([property, reason]) => `${property}: ${reason}`)
        .join("; "),
    };
  } catch (error) {
    // validate() should have stopped this; say which record so the failure is actionable.
    if (error instanceof ProteinSequenceError) {
      throw new Error(`input ${input.index + 1}, ${describeRecord(record)}: ${error.message}`);
    }
    throw error;
  }
}

function recordIssues(record: FastaRecord, path: string): ValidationIssue[] {
  const name = describeRecord(record);
  if (record.sequence.length > LIMITS.max_sequence_length) {
    return [{
      path,
      message: `${name} is ${formatCount(record.sequence.length)} residues long; at most ` +
        `${formatCount(LIMITS.max_sequence_length)} are allowed`,
    }];
  }
  const letterIssues = proteinLetterIssues(record.sequence);
  const shown = letterIssues.slice(0, MAX_LETTER_ISSUES_PER_RECORD).map((issue) => ({
    path,
    message: `${name}: ${issue.message}`,
  }));
  const hidden = letterIssues.length - shown.length;
  if (hidden > 0) {
    shown.push({ path, message: `${name}: ${formatCount(hidden)} more invalid characters` });
  }
  return shown;
}

function capIssues(issues: ValidationIssue[]): ValidationIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const kept = issues.slice(0, MAX_ISSUES);
  kept.push({
    path: "input.inputs",
    message: `${formatCount(issues.length - MAX_ISSUES)} more problems not shown`,
  });
  return kept;
}

function describeRecord(record: FastaRecord): string {
  return `record "${record.id}" (line ${record.line})`;
}

function contentPath(input: ResolvedInput): string {
  return `input.inputs[${input.index}].content`;
}

function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

function toCsv(rows: readonly ProteinPropertiesRow[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const row of rows) lines.push(CSV_COLUMNS.map((column) => csvField(row[column])).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** RFC 4180 quoting; numbers keep full precision (shortest round-trip form); null is empty. */
function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) || text.trim() !== text ? `"${text.replaceAll('"', '""')}"` : text;
}
