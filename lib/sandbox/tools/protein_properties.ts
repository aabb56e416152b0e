/**
 * The "Protein properties" sandbox tool: ProtParam-style properties (molecular weight, pI,
 * GRAVY, instability index, aromaticity, extinction coefficients, net charge at a chosen pH)
 * for every record of up to ten protein FASTA inputs, matching Biopython 1.80, plus each
 * protein's amino-acid composition (`results.composition`, `composition.csv`) and its net
 * charge from pH 0 to 14 (`results.charge_curves`, for titration plots).
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
 * // output.results.composition[0] → { id: "insulin_b", residue: "A", name: "Alanine", count: 1, percent: 3.33… }
 * ```
 * @module
 */
import { type FastaRecord, parseFasta } from "../../bio/fasta.ts";
import {
  ACCEPTED_AMINO_ACIDS,
  chargeAtPH,
  molecularWeight,
  proteinLetterIssues,
  proteinProperties as proteinPropertiesOf,
  ProteinSequenceError,
} from "../../bio/protparam.ts";
import {
  countFastaRecords,
  describeRecord,
  ONE_CREDIT_PER_SEQUENCE,
  readFastaInputs,
  toCsv,
} from "./_common.ts";
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
  monoisotopic_mass: number;
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

/** One row of `results.composition` and of `composition.csv`. */
export interface CompositionRow {
  id: string;
  residue: string;
  name: string;
  count: number;
  /** Share of the sequence, 0–100 (Biopython's `get_amino_acids_percent()` × 100). */
  percent: number;
}

const LIMITS = { max_records: 1000, max_sequence_length: 50_000, max_input_bytes: 2_000_000 };
const DEFAULT_PH = 7.0;
// Titration curves: pH 0 to 14 in steps of 0.25.
const CURVE_PHS = Array.from({ length: 57 }, (_, index) => index * 0.25);
const RESIDUE_NAMES: Readonly<Record<string, string>> = {
  A: "Alanine",
  C: "Cysteine",
  D: "Aspartate",
  E: "Glutamate",
  F: "Phenylalanine",
  G: "Glycine",
  H: "Histidine",
  I: "Isoleucine",
  K: "Lysine",
  L: "Leucine",
  M: "Methionine",
  N: "Asparagine",
  P: "Proline",
  Q: "Glutamine",
  R: "Arginine",
  S: "Serine",
  T: "Threonine",
  V: "Valine",
  W: "Tryptophan",
  Y: "Tyrosine",
  U: "Selenocysteine",
  O: "Pyrrolysine",
};

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
    id: "monoisotopic_mass",
    label: "Monoisotopic mass",
    type: "number",
    unit: "Da",
    digits: 4,
    description: "Mass of the chain from the most abundant isotopes (for mass spectrometry)",
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
    "extinction coefficients at 280 nm, net charge at a chosen pH and amino-acid composition " +
    "for protein sequences (ProtParam-style; values match Biopython 1.80).",
  category: "sequence-analysis",
  tags: [
    "protein",
    "protparam",
    "molecular-weight",
    "isoelectric-point",
    "hydropathy",
    "stability",
    "extinction-coefficient",
    "composition",
    "charge",
  ],
  credit_model: ONE_CREDIT_PER_SEQUENCE,
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
    }, {
      name: "composition.csv",
      content_type: "text/csv",
      description: "Amino-acid composition: one row per sequence and amino acid (id, residue, " +
        "name, count, percent)",
    }],
    results: {
      composition: "Composition rows: id, residue (one-letter), name, count, percent (0–100)",
      charge_curves: "Per sequence: { id, ph: number[], charge: number[] } from pH 0 to 14 in " +
        "steps of 0.25",
    },
  },
  limits: { ...LIMITS, time_limit_seconds: 60 },
};

/** The "Protein properties" tool. */
export const proteinProperties: SandboxTool = {
  definition,

  validate(inputs: ResolvedInput[], _settings: ResolvedSettings): ValidationIssue[] {
    return readFastaInputs(inputs, LIMITS, { letters: (sequence) => proteinLetterIssues(sequence) })
      .issues;
  },

  units(inputs: ResolvedInput[], _settings: ResolvedSettings): number {
    return countFastaRecords(inputs);
  },

  run(inputs, settings, context): ToolOutput {
    const pH = typeof settings.ph === "number" ? settings.ph : DEFAULT_PH;
    const records = inputs.flatMap((input) =>
      parseFasta(input.content).records.map((record) => ({ input, record }))
    );
    const rows: ProteinPropertiesRow[] = [];
    const composition: CompositionRow[] = [];
    const chargeCurves: { id: string; ph: number[]; charge: number[] }[] = [];
    for (const { input, record } of records) {
      const row = computeRow(record, input, pH);
      rows.push(row);
      composition.push(...compositionRows(record));
      const residues = record.sequence.toUpperCase();
      chargeCurves.push({
        id: record.id,
        ph: CURVE_PHS,
        charge: CURVE_PHS.map((value) => chargeAtPH(residues, value)),
      });
      context.progress(rows.length / records.length);
    }
    return {
      results: { records: rows, composition, charge_curves: chargeCurves },
      files: [
        { name: "properties.csv", content_type: "text/csv", data: toCsv(CSV_COLUMNS, rows) },
        {
          name: "composition.csv",
          content_type: "text/csv",
          data: toCsv(["id", "residue", "name", "count", "percent"], composition),
        },
      ],
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
      monoisotopic_mass: molecularWeight(record.sequence, { monoisotopic: true }),
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

/** Composition of the 20 standard amino acids, plus U and O when present. */
export function compositionRows(record: FastaRecord): CompositionRow[] {
  const residues = record.sequence.toUpperCase();
  const counts = new Map<string, number>();
  for (const residue of residues) counts.set(residue, (counts.get(residue) ?? 0) + 1);
  return [...ACCEPTED_AMINO_ACIDS]
    .filter((letter) => !"UO".includes(letter) || counts.has(letter))
    .map((letter) => ({
      id: record.id,
      residue: letter,
      name: RESIDUE_NAMES[letter],
      count: counts.get(letter) ?? 0,
      percent: 100 * (counts.get(letter) ?? 0) / residues.length,
    }));
}
