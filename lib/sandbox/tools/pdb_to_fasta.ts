/**
 * The "PDB → FASTA" sandbox tool: the sequence of every protein chain of PDB or mmCIF files,
 * from the deposited full sequence (SEQRES / `_pdbx_poly_seq_scheme`) or from the residues
 * that have coordinates (ATOM records, gaps in the numbering filled with X), as Biopython's
 * `SeqIO` "pdb-seqres" / "pdb-atom" / "cif-seqres" / "cif-atom" read them. Modified residues
 * map to their parent amino acid (MSE → M, SEP → S…), selenocysteine to U.
 *
 * @example
 * ```ts
 * import { pdbToFasta } from "./pdb_to_fasta.ts";
 * const pdb = "ATOM      1  CA  GLY A   1       0.000   0.000   0.000  1.00  0.00           C\n";
 * const inputs = [{ id: "s1", slotId: "structure", kind: "structure", format: "pdb", index: 0,
 *   content: pdb }];
 * const output = await pdbToFasta.run(inputs, { source: "auto", chains: "", fill_gaps: true,
 *   line_width: 60 }, { progress() {} });
 * // output.results.records[0].sequence → "G"
 * ```
 * @module
 */
import { chainSequences } from "../../bio/structure/analysis.ts";
import type { OutputField } from "../../contract/tools.ts";
import type {
  ResolvedInput,
  ResolvedSettings,
  SandboxTool,
  ToolDefinition,
  ToolOutput,
  ValidationIssue,
} from "./_types.ts";
import { FASTA_CONTENT_TYPE, formatFasta, toCsv } from "./_common.ts";
import { inputName, readStructure, structureIssues } from "./_structure_inputs.ts";

const LIMITS = { max_items: 20, max_input_bytes: 10_000_000, max_residues: 100_000 };

const OUTPUT_FIELDS = [
  {
    id: "id",
    label: "ID",
    type: "string",
    description: "PDB id (or input name) and chain, e.g. 1ABC:A",
  },
  { id: "structure", label: "Structure", type: "string", description: "Input label or id" },
  { id: "chain", label: "Chain", type: "string" },
  { id: "molecule", label: "Molecule", type: "string", description: "From COMPND / _entity" },
  { id: "source", label: "Source", type: "string", description: "seqres or atom" },
  { id: "length", label: "Length", type: "integer", unit: "aa", digits: 0 },
  {
    id: "start",
    label: "First residue",
    type: "integer",
    description: "Number of the first residue with coordinates (atom source)",
  },
  { id: "end", label: "Last residue", type: "integer" },
  { id: "sequence", label: "Sequence", type: "string" },
] as const satisfies readonly OutputField[];

/** One row of `results.records`. */
export interface ChainSequenceRow {
  id: string;
  structure: string;
  chain: string;
  molecule: string;
  source: "seqres" | "atom";
  length: number;
  start: number | null;
  end: number | null;
  sequence: string;
}

const definition: ToolDefinition = {
  id: "pdb-to-fasta",
  name: "PDB → FASTA",
  description: "Extract the sequence of each protein chain of PDB or mmCIF structures, from " +
    "the deposited sequence (SEQRES) or from the residues with coordinates, as FASTA.",
  category: "conversion",
  tags: ["structure", "pdb", "mmcif", "fasta", "conversion"],
  credit_model: { is_free: true, type: "free", description: "Free" },
  version: "1.0.0",
  beta: false,
  processing: { mode: "async", time_class: "seconds" },
  input: {
    slots: [{
      id: "structure",
      label: "Structures",
      description: "PDB or PDBx/mmCIF files (uploaded, pasted or a previous job's output)",
      kind: "structure",
      formats: ["pdb", "cif", "mmcif"],
      required: true,
      min_items: 1,
      max_items: LIMITS.max_items,
    }],
    settings: [
      {
        id: "source",
        label: "Sequence source",
        type: "enum",
        description: "seqres: the full deposited sequence, including residues without " +
          "coordinates; atom: residues with coordinates in the first model; auto: seqres when " +
          "the file has it, atom otherwise",
        default: "auto",
        options: [
          { value: "auto", label: "SEQRES when present, else ATOM" },
          { value: "seqres", label: "SEQRES (deposited sequence)" },
          { value: "atom", label: "ATOM (residues with coordinates)" },
        ],
      },
      {
        id: "chains",
        label: "Chains",
        type: "string",
        description: 'Comma-separated chain ids to keep, e.g. "A,C"; empty keeps every chain',
        default: "",
      },
      {
        id: "fill_gaps",
        label: "Fill gaps with X",
        type: "boolean",
        description: "Atom source: write X for residue numbers missing between two residues " +
          "with coordinates",
        default: true,
      },
      {
        id: "line_width",
        label: "FASTA line width",
        type: "integer",
        description: "Residues per FASTA line; 0 writes each sequence on one line",
        default: 60,
        minimum: 0,
        maximum: 100_000,
      },
    ],
  },
  output: {
    fields: [...OUTPUT_FIELDS],
    files: [
      {
        name: "sequences.fasta",
        content_type: FASTA_CONTENT_TYPE,
        description: "One record per chain",
      },
      { name: "sequences.csv", content_type: "text/csv", description: "The records as CSV" },
    ],
  },
  limits: { ...LIMITS, time_limit_seconds: 60 },
};

/** The "PDB → FASTA" tool. */
export const pdbToFasta: SandboxTool = {
  definition,

  validate(inputs: ResolvedInput[], settings: ResolvedSettings): ValidationIssue[] {
    const issues = structureIssues(inputs, LIMITS);
    const chains = String(settings.chains ?? "");
    if (
      chains.trim() !== "" && !/^\s*[A-Za-z0-9]{1,4}(\s*,\s*[A-Za-z0-9]{1,4})*\s*$/.test(chains)
    ) {
      issues.push({
        path: "settings.chains",
        message: `"chains" must be chain ids separated by commas, e.g. "A,B", not ${
          JSON.stringify(chains)
        }`,
      });
    }
    if (issues.length === 0 && settings.source === "seqres") {
      inputs.forEach((input) => {
        const hasSeqres = input.format === "pdb"
          ? /^SEQRES/m.test(input.content)
          : /_pdbx_poly_seq_scheme\.|_entity_poly_seq\./.test(input.content);
        if (!hasSeqres) {
          issues.push({
            path: `input.inputs[${input.index}].content`,
            message: `structure "${inputName(input)}" has no ${
              input.format === "pdb" ? "SEQRES records" : "_pdbx_poly_seq_scheme records"
            }; use "source": "atom" (or "auto")`,
          });
        }
      });
    }
    return issues;
  },

  units(inputs: ResolvedInput[]) {
    return inputs.length;
  },

  run(inputs, settings, context): ToolOutput {
    const wanted = String(settings.chains ?? "").split(",").map((c) => c.trim()).filter((c) => c);
    const sourceSetting = String(settings.source ?? "auto");
    const rows: ChainSequenceRow[] = [];
    const notes: string[] = [];
    inputs.forEach((input, index) => {
      const structure = readStructure(input);
      const source = sourceSetting === "auto"
        ? (structure.seqres.size > 0 ? "seqres" : "atom")
        : sourceSetting as "seqres" | "atom";
      const name = inputName(input);
      const sequences = chainSequences(structure, {
        source,
        fillGaps: settings.fill_gaps !== false,
      })
        .filter((entry) => wanted.length === 0 || wanted.includes(entry.chain));
      if (sequences.length === 0) {
        notes.push(
          `structure "${name}": no protein chain` +
            (wanted.length > 0 ? ` among ${wanted.join(", ")}` : ""),
        );
      }
      for (const entry of sequences) {
        rows.push({
          id: `${structure.id || name}:${entry.chain}`,
          structure: name,
          chain: entry.chain,
          molecule: entry.molecule,
          source,
          length: entry.sequence.length,
          start: entry.start ?? null,
          end: entry.end ?? null,
          sequence: entry.sequence,
        });
      }
      context.progress((index + 1) / inputs.length);
    });
    const width = Number(settings.line_width ?? 60);
    const fasta = formatFasta(
      rows.map((row) => ({
        id: row.id,
        description: [
          row.molecule ? `mol:protein ${row.molecule}` : "mol:protein",
          `length:${row.length}`,
          `source:${row.source}`,
        ].join(" "),
        sequence: row.sequence,
      })),
      { width },
    );
    return {
      results: { records: rows, ...(notes.length > 0 ? { notes } : {}) },
      files: [
        { name: "sequences.fasta", content_type: FASTA_CONTENT_TYPE, data: fasta },
        {
          name: "sequences.csv",
          content_type: "text/csv",
          data: toCsv(OUTPUT_FIELDS.map((field) => field.id), rows),
        },
      ],
    };
  },
};
