/**
 * The sandbox's `esmfold` tool: the documented contract of ProteinIQ's ESMFold (tool id
 * `esmfold`, one `protein` slot in FASTA, a fixed 50-credit price, `prediction.pdb` with a
 * per-residue confidence in the B-factor column), so notebooks written against the sandbox
 * run unchanged against a real workspace.
 *
 * It is a stand-in, and says so in its description, its `GET /tools/esmfold` detail, every
 * result and the PDB file itself: there is no language model here. The model is a fold
 * sketch (`lib/bio/structure/fold_sketch.ts`): Chou–Fasman secondary structure, a backbone
 * built from those states with ideal geometry, and a confidence (0–100, where ESMFold writes
 * pLDDT) from the margin of each residue's own prediction.
 *
 * @example
 * ```ts
 * import { esmfoldTool } from "./esmfold.ts";
 * const inputs = [{ id: "seqs_1", slotId: "protein", kind: "protein", format: "fasta",
 *   index: 0, content: ">seq\nMEELLKKAEELLKKAEELLKKGSPGVTVTVYVEV\n" }];
 * const output = await esmfoldTool.run(inputs, {}, { progress() {} });
 * // output.files[0].name → "prediction.pdb"; output.results.mean_plddt → a number 0–100
 * ```
 * @module
 */
import { CHOU_FASMAN } from "../../bio/_chou_fasman_data.ts";
import { SECONDARY_STRUCTURE_METHOD } from "../../bio/secondary_structure.ts";
import { sketchFold } from "../../bio/structure/fold_sketch.ts";
import type { OutputField } from "../../contract/tools.ts";
import type {
  ResolvedInput,
  SandboxTool,
  ToolDefinition,
  ToolOutput,
  ValidationIssue,
} from "./_types.ts";
import { describeRecord, PDB_CONTENT_TYPE, readFastaInputs } from "./_common.ts";

const LIMITS = { max_records: 1, max_sequence_length: 1000, max_input_bytes: 20_000 };
// Below this length even an all-strand chain fits in PDB coordinates (±999.999 Å from its centre).
const MODEL_CHECK_LENGTH = 500;

/** What every result, file and the tool detail say about this tool. */
export const ESMFOLD_STAND_IN_NOTE =
  "Sandbox stand-in, not ESMFold: no language model runs here. Secondary structure is " +
  `predicted by the ${SECONDARY_STRUCTURE_METHOD} method, the backbone is built from it with ` +
  "ideal geometry (helix, strand and turn angles; no tertiary packing), and the per-residue " +
  "confidence in the pLDDT column (0-100) is the margin of each residue's own prediction, " +
  "not a learned accuracy estimate.";

/** The method, as the `method` column gives it. */
export const ESMFOLD_METHOD = "Chou-Fasman secondary structure + ideal-geometry backbone " +
  "(sandbox stand-in for ESMFold)";

const OUTPUT_FIELDS = [
  { id: "id", label: "ID", type: "string", description: "First word of the FASTA header" },
  { id: "length", label: "Length", type: "integer", unit: "aa", digits: 0 },
  {
    id: "mean_plddt",
    label: "Mean pLDDT",
    type: "number",
    digits: 1,
    description: "Mean of the per-residue confidence (0–100); here the margin of the " +
      "Chou–Fasman prediction, not ESMFold's learned pLDDT",
  },
  {
    id: "helix_percent",
    label: "Helix",
    type: "number",
    unit: "%",
    digits: 1,
    description: "Share of residues predicted α-helix",
  },
  {
    id: "strand_percent",
    label: "Strand",
    type: "number",
    unit: "%",
    digits: 1,
    description: "Share of residues predicted β-strand",
  },
  {
    id: "coil_percent",
    label: "Coil",
    type: "number",
    unit: "%",
    digits: 1,
    description: "Share of residues predicted coil or turn",
  },
  { id: "method", label: "Method", type: "string", description: "How the model was made" },
  { id: "file", label: "File", type: "string", description: "The PDB file of the model" },
] as const satisfies readonly OutputField[];

/** One row of `results.records`. */
export interface EsmfoldRow {
  id: string;
  length: number;
  mean_plddt: number;
  helix_percent: number;
  strand_percent: number;
  coil_percent: number;
  method: string;
  file: string;
}

const definition: ToolDefinition = {
  id: "esmfold",
  name: "ESMFold",
  description: "Predict protein structure from sequence. In this sandbox: a stand-in with " +
    "ESMFold's contract, not ESMFold — Chou–Fasman secondary structure (Chou & Fasman " +
    "1974/1978) built into a backbone with ideal geometry, with a per-residue confidence " +
    "(0–100, in the B-factor column where ESMFold writes pLDDT) from the prediction's own " +
    "margin. Use a real workspace for real predictions.",
  category: "folding",
  tags: ["protein", "structure"],
  credit_model: {
    is_free: false,
    type: "fixed",
    base_credits: 50,
    description: "50 credits per job (the documented example quote)",
  },
  version: "1.0.0-sandbox",
  beta: false,
  processing: { mode: "async", time_class: "seconds" },
  input: {
    slots: [{
      id: "protein",
      label: "Protein sequence",
      description: "FASTA with one protein record (up to 1,000 residues), or a bare sequence; " +
        "the 20 standard amino acids, any case",
      kind: "protein",
      formats: ["fasta"],
      required: true,
      min_items: 1,
      max_items: 1,
    }],
    settings: [],
  },
  output: {
    fields: [...OUTPUT_FIELDS],
    files: [{
      name: "prediction.pdb",
      content_type: PDB_CONTENT_TYPE,
      description: "The model: backbone atoms and Cβ, per-residue confidence (0–100) in the " +
        "B-factor column, HELIX/SHEET records of the predicted segments, REMARK 250 lines " +
        "saying how it was made",
    }],
    results: {
      mean_plddt: "Mean per-residue confidence, 0–100",
      plddt: "Per-residue confidence, 0–100, in sequence order (the B-factor column)",
      length: "Number of residues",
      sequence: "The sequence modelled",
      secondary_structure: "Predicted state per residue: H helix, E strand, C coil",
      method: "How the model was made",
      note: "What this sandbox stand-in is and is not",
    },
  },
  limits: { ...LIMITS, time_limit_seconds: 60 },
  stand_in: ESMFOLD_STAND_IN_NOTE,
};

/** The sandbox's `esmfold` stand-in. */
export const esmfoldTool: SandboxTool = {
  definition,

  validate(inputs: ResolvedInput[]): ValidationIssue[] {
    const { records, issues } = readFastaInputs(inputs, LIMITS, { letters: standardLetterIssues });
    if (issues.length > 0) return issues;
    // Only a long chain can outgrow PDB coordinates (a few hundred residues of unbroken strand);
    // sketching it here (about 10 ms) lets the quote say so instead of the job failing.
    for (const { record, path } of records) {
      if (record.sequence.length < MODEL_CHECK_LENGTH) continue;
      try {
        sketchFold(record.sequence);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        issues.push({ path, message: `${describeRecord(record)}: ${error.message}` });
      }
    }
    return issues;
  },

  units() {
    return 1;
  },

  run(inputs, _settings, context): ToolOutput {
    const { records } = readFastaInputs(inputs, {});
    const { record } = records[0];
    context.progress(0.1);
    const model = sketchFold(record.sequence, {
      remarks: [
        "PROTEINIQ SANDBOX STAND-IN FOR ESMFOLD - NOT AN ESMFOLD PREDICTION.",
        `Secondary structure: ${SECONDARY_STRUCTURE_METHOD}. Backbone from ideal geometry ` +
        "(Engh & Huber 1991) with helix, strand and turn angles; no tertiary packing.",
        "B-factor column: per-residue confidence 0-100 (pLDDT column) = 50 + 50 x the " +
        "posterior margin of the residue's predicted state; not a learned pLDDT.",
        `Sequence ${record.id}: ${record.sequence.toUpperCase()}`,
      ],
    });
    context.progress(0.9);
    const { states, confidence } = model.prediction;
    const share = (state: string) =>
      100 * [...states].filter((value) => value === state).length / states.length;
    const meanPlddt = confidence.reduce((sum, value) => sum + value, 0) / confidence.length;
    const row: EsmfoldRow = {
      id: record.id,
      length: states.length,
      mean_plddt: meanPlddt,
      helix_percent: share("H"),
      strand_percent: share("E"),
      coil_percent: share("C"),
      method: ESMFOLD_METHOD,
      file: "prediction.pdb",
    };
    context.progress(1);
    return {
      results: {
        records: [row],
        mean_plddt: meanPlddt,
        plddt: confidence,
        length: states.length,
        sequence: model.prediction.sequence,
        secondary_structure: states,
        method: ESMFOLD_METHOD,
        note: ESMFOLD_STAND_IN_NOTE,
      },
      files: [{ name: "prediction.pdb", content_type: PDB_CONTENT_TYPE, data: model.pdb }],
    };
  },
};

function standardLetterIssues(sequence: string): { message: string }[] {
  const issues: { message: string }[] = [];
  for (let index = 0; index < sequence.length && issues.length < 10; index++) {
    const letter = sequence[index];
    if (CHOU_FASMAN[letter.toUpperCase()] !== undefined) continue;
    issues.push({
      message: `${JSON.stringify(letter)} at position ${index + 1} is not one of the 20 ` +
        `standard amino acids` +
        ("XBZJUO".includes(letter.toUpperCase()) ? " (the stand-in has no parameters for it)" : ""),
    });
  }
  return issues;
}
