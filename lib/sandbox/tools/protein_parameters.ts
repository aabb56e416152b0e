/**
 * The "Protein parameters" sandbox tool (id `protein-parameters`, as ProteinIQ's web tool at
 * `/app/protein-parameters`): every field of an ExPASy ProtParam report for each protein
 * record — molecular weight, theoretical pI, charged residues, extinction coefficients and
 * Abs 0.1 %, atomic composition and formula, estimated half-life (N-end rule: mammalian,
 * yeast, E. coli), instability index and class, aliphatic index and GRAVY — plus the
 * amino-acid composition. Values shared with Biopython come from `lib/bio/protparam.ts`
 * (matching Biopython 1.80); the rest from `lib/bio/protparam_expasy.ts`.
 *
 * @example
 * ```ts
 * import { proteinParameters } from "./protein_parameters.ts";
 * const inputs = [{ id: "in1", slotId: "protein", kind: "protein", format: "fasta", index: 0,
 *   content: ">ubq\nMQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG\n" }];
 * const output = await proteinParameters.run(inputs, {}, { progress() {} });
 * // output.results.records[0].formula → "C378H629N105O118S1"
 * ```
 * @module
 */
import { proteinLetterIssues, proteinProperties } from "../../bio/protparam.ts";
import {
  aliphaticIndex,
  atomicComposition,
  chargedResidues,
  halfLife,
} from "../../bio/protparam_expasy.ts";
import type { OutputField } from "../../contract/tools.ts";
import type { ResolvedInput, SandboxTool, ToolDefinition, ToolOutput } from "./_types.ts";
import { countFastaRecords, ONE_CREDIT_PER_SEQUENCE, readFastaInputs, toCsv } from "./_common.ts";
import { type CompositionRow, compositionRows } from "./protein_properties.ts";

const LIMITS = { max_records: 1000, max_sequence_length: 50_000, max_input_bytes: 2_000_000 };

/** One row of `results.records` and of `parameters.csv`. */
export interface ProteinParametersRow {
  id: string;
  length: number;
  molecular_weight: number;
  theoretical_pi: number;
  negative_residues: number;
  positive_residues: number;
  extinction_coefficient_cystines: number;
  absorbance_cystines: number;
  extinction_coefficient_reduced: number;
  absorbance_reduced: number;
  formula: string;
  carbon: number;
  hydrogen: number;
  nitrogen: number;
  oxygen: number;
  sulfur: number;
  selenium: number;
  total_atoms: number;
  n_terminal_residue: string;
  half_life_mammalian: string | null;
  half_life_yeast: string | null;
  half_life_ecoli: string | null;
  instability_index: number | null;
  stability: string | null;
  aliphatic_index: number;
  gravy: number | null;
  notes: string;
}

const atoms = <Id extends string>(id: Id, label: string) =>
  ({ id, label, type: "integer", digits: 0, description: `${label} atoms` }) as const;

const OUTPUT_FIELDS = [
  { id: "id", label: "ID", type: "string", description: "First word of the FASTA header" },
  { id: "length", label: "Number of amino acids", type: "integer", unit: "aa", digits: 0 },
  {
    id: "molecular_weight",
    label: "Molecular weight",
    type: "number",
    unit: "Da",
    digits: 2,
    description: "Average masses (Biopython 1.80 tables)",
  },
  {
    id: "theoretical_pi",
    label: "Theoretical pI",
    type: "number",
    digits: 2,
    description: "Bjellqvist pK values, as Biopython",
  },
  {
    id: "negative_residues",
    label: "Negatively charged residues (Asp + Glu)",
    type: "integer",
    digits: 0,
  },
  {
    id: "positive_residues",
    label: "Positively charged residues (Arg + Lys)",
    type: "integer",
    digits: 0,
  },
  {
    id: "extinction_coefficient_cystines",
    label: "Ext. coefficient (cystines)",
    type: "integer",
    unit: "M⁻¹ cm⁻¹",
    digits: 0,
    description: "At 280 nm in water, assuming all pairs of Cys residues form cystines",
  },
  {
    id: "absorbance_cystines",
    label: "Abs 0.1% (cystines)",
    type: "number",
    digits: 3,
    description: "Absorbance of a 1 g/l solution, all Cys pairs forming cystines",
  },
  {
    id: "extinction_coefficient_reduced",
    label: "Ext. coefficient (reduced)",
    type: "integer",
    unit: "M⁻¹ cm⁻¹",
    digits: 0,
    description: "At 280 nm in water, assuming all Cys residues are reduced",
  },
  {
    id: "absorbance_reduced",
    label: "Abs 0.1% (reduced)",
    type: "number",
    digits: 3,
    description: "Absorbance of a 1 g/l solution, all Cys reduced",
  },
  {
    id: "formula",
    label: "Formula",
    type: "string",
    description: "Atomic composition as ProtParam writes it, e.g. C378H629N105O118S1",
  },
  atoms("carbon", "Carbon"),
  atoms("hydrogen", "Hydrogen"),
  atoms("nitrogen", "Nitrogen"),
  atoms("oxygen", "Oxygen"),
  atoms("sulfur", "Sulfur"),
  atoms("selenium", "Selenium"),
  { id: "total_atoms", label: "Total number of atoms", type: "integer", digits: 0 },
  {
    id: "n_terminal_residue",
    label: "N-terminal residue",
    type: "string",
    description: "The residue the half-life estimate rests on",
  },
  {
    id: "half_life_mammalian",
    label: "Half-life (mammalian reticulocytes, in vitro)",
    type: "string",
    description: "N-end rule (Bachmair et al. 1986)",
  },
  {
    id: "half_life_yeast",
    label: "Half-life (yeast, in vivo)",
    type: "string",
    description: "N-end rule (Bachmair et al. 1986; Gonda et al. 1989)",
  },
  {
    id: "half_life_ecoli",
    label: "Half-life (E. coli, in vivo)",
    type: "string",
    description: "N-end rule (Tobias et al. 1991); empty where ProtParam has no value (Pro)",
  },
  {
    id: "instability_index",
    label: "Instability index",
    type: "number",
    digits: 2,
    description: "Guruprasad et al. 1990; empty when U or O is present",
  },
  {
    id: "stability",
    label: "Stability",
    type: "string",
    description: '"stable" below an instability index of 40, else "unstable"',
  },
  {
    id: "aliphatic_index",
    label: "Aliphatic index",
    type: "number",
    digits: 2,
    description: "Ikai 1980: relative volume of aliphatic side chains (A, V, I, L)",
  },
  {
    id: "gravy",
    label: "GRAVY",
    type: "number",
    digits: 3,
    description: "Grand average of hydropathicity (Kyte–Doolittle); empty when U or O is " +
      "present",
  },
  { id: "notes", label: "Notes", type: "string", description: "Why a value is empty, if one is" },
] as const satisfies readonly OutputField[];

const CSV_COLUMNS: readonly (keyof ProteinParametersRow)[] = OUTPUT_FIELDS.map((field) => field.id);

const definition: ToolDefinition = {
  id: "protein-parameters",
  name: "Protein parameters",
  description: "ProtParam-style physico-chemical parameters of protein sequences: molecular " +
    "weight, theoretical pI, charged residues, extinction coefficients and Abs 0.1 %, atomic " +
    "composition and formula, estimated half-life (N-end rule: mammalian, yeast, E. coli), " +
    "instability index, aliphatic index and GRAVY, plus the amino-acid composition (values " +
    "match Biopython 1.80 and ExPASy ProtParam).",
  category: "sequence-analysis",
  tags: ["protein", "protparam", "molecular-weight", "isoelectric-point", "half-life"],
  credit_model: ONE_CREDIT_PER_SEQUENCE,
  version: "1.0.0",
  beta: false,
  processing: { mode: "async", time_class: "seconds" },
  input: {
    slots: [{
      id: "protein",
      label: "Protein sequences",
      description: "FASTA with one or more protein records, or a bare sequence: the 20 " +
        "standard amino acids plus U and O, any case; one final * is ignored; X, B, Z and J " +
        "are rejected",
      kind: "protein",
      formats: ["fasta"],
      required: true,
      min_items: 1,
      max_items: 10,
    }],
    settings: [],
  },
  output: {
    fields: [...OUTPUT_FIELDS],
    files: [{
      name: "parameters.csv",
      content_type: "text/csv",
      description: "One row per sequence; the header row is the output field ids",
    }],
    results: {
      composition: "Amino-acid composition rows: id, residue, name, count, percent (0–100)",
    },
  },
  limits: { ...LIMITS, time_limit_seconds: 60 },
};

/** The "Protein parameters" tool. */
export const proteinParameters: SandboxTool = {
  definition,

  validate(inputs: ResolvedInput[]) {
    return readFastaInputs(inputs, LIMITS, { letters: (sequence) => proteinLetterIssues(sequence) })
      .issues;
  },

  units(inputs: ResolvedInput[]) {
    return countFastaRecords(inputs);
  },

  run(inputs, _settings, context): ToolOutput {
    const { records } = readFastaInputs(inputs, {});
    const rows: ProteinParametersRow[] = [];
    const composition: CompositionRow[] = [];
    for (const { record } of records) {
      rows.push(parametersOf(record.id, record.sequence));
      composition.push(...compositionRows(record));
      context.progress(rows.length / records.length);
    }
    return {
      results: { records: rows, composition },
      files: [{ name: "parameters.csv", content_type: "text/csv", data: toCsv(CSV_COLUMNS, rows) }],
    };
  },
};

function parametersOf(id: string, sequence: string): ProteinParametersRow {
  const properties = proteinProperties(sequence);
  const composition = atomicComposition(sequence);
  const charged = chargedResidues(sequence);
  const life = halfLife(sequence);
  const weight = properties.molecular_weight;
  const instability = properties.instability_index;
  return {
    id,
    length: properties.length,
    molecular_weight: weight,
    theoretical_pi: properties.isoelectric_point,
    negative_residues: charged.negative,
    positive_residues: charged.positive,
    extinction_coefficient_cystines: properties.extinction_coefficient_oxidized,
    absorbance_cystines: properties.extinction_coefficient_oxidized / weight,
    extinction_coefficient_reduced: properties.extinction_coefficient_reduced,
    absorbance_reduced: properties.extinction_coefficient_reduced / weight,
    formula: composition.formula,
    carbon: composition.carbon,
    hydrogen: composition.hydrogen,
    nitrogen: composition.nitrogen,
    oxygen: composition.oxygen,
    sulfur: composition.sulfur,
    selenium: composition.selenium,
    total_atoms: composition.total,
    n_terminal_residue: life.nTerminal,
    half_life_mammalian: life.mammalian,
    half_life_yeast: life.yeast,
    half_life_ecoli: life.ecoli,
    instability_index: instability,
    stability: instability === null ? null : instability < 40 ? "stable" : "unstable",
    aliphatic_index: aliphaticIndex(sequence),
    gravy: properties.gravy,
    notes: [
      ...Object.entries(properties.unavailable).map(([key, reason]) => `${key}: ${reason}`),
      ...(life.mammalian === null ? [`half-life: no N-end rule value for ${life.nTerminal}`] : []),
    ].join("; "),
  };
}
