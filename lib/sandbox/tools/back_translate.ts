/**
 * The "Back-translate protein → DNA" sandbox tool: a coding sequence for every protein
 * record with the codon usage of an expression host (E. coli, human, yeast; Kazusa tables),
 * by the most-frequent-codon strategy or a seeded weighted draw, with GC content, GC3 and the
 * codon adaptation index reported.
 *
 * @example
 * ```ts
 * import { backTranslateTool } from "./back_translate.ts";
 * const inputs = [{ id: "in1", slotId: "protein", kind: "protein", format: "fasta", index: 0,
 *   content: ">p\nMKW\n" }];
 * const settings = { host: "e_coli", strategy: "most_frequent", seed: 1, add_stop: true };
 * const output = await backTranslateTool.run(inputs, settings, { progress() {} });
 * // output.results.records[0].dna → "ATGAAATGGTAA"
 * ```
 * @module
 */
import {
  backTranslate,
  backTranslationIssues,
  type BackTranslationStrategy,
  CODON_USAGE_SOURCE,
  hostCodons,
  HOSTS,
} from "../../bio/back_translate.ts";
import type { OutputField } from "../../contract/tools.ts";
import type { ResolvedInput, SandboxTool, ToolDefinition, ToolOutput } from "./_types.ts";
import {
  countFastaResidues,
  FASTA_CONTENT_TYPE,
  formatFasta,
  readFastaInputs,
  toCsv,
} from "./_common.ts";

const LIMITS = { max_records: 1000, max_sequence_length: 20_000, max_input_bytes: 2_000_000 };

const OUTPUT_FIELDS = [
  { id: "id", label: "ID", type: "string", description: "First word of the FASTA header" },
  { id: "length", label: "Protein length", type: "integer", unit: "aa", digits: 0 },
  { id: "nucleotides", label: "DNA length", type: "integer", unit: "nt", digits: 0 },
  { id: "host", label: "Host", type: "string" },
  { id: "strategy", label: "Strategy", type: "string" },
  {
    id: "gc_content",
    label: "GC content",
    type: "number",
    unit: "%",
    digits: 1,
    description: "G + C over the whole coding sequence",
  },
  {
    id: "gc3_content",
    label: "GC3",
    type: "number",
    unit: "%",
    digits: 1,
    description: "G + C at third codon positions",
  },
  {
    id: "cai",
    label: "Codon adaptation index",
    type: "number",
    digits: 3,
    description: "Geometric mean of each codon's usage relative to its amino acid's most " +
      "used codon in the host (1 = only most-used codons)",
  },
  { id: "dna", label: "DNA", type: "string" },
] as const satisfies readonly OutputField[];

/** One row of `results.records`. */
export interface BackTranslationRow {
  id: string;
  length: number;
  nucleotides: number;
  host: string;
  strategy: string;
  gc_content: number;
  gc3_content: number;
  cai: number | null;
  dna: string;
}

const definition: ToolDefinition = {
  id: "back-translate",
  name: "Back-translate protein → DNA",
  description: "Design a coding sequence for a protein with the codon usage of E. coli, " +
    "human or yeast cells: the host's most frequent codon for every amino acid, or a seeded " +
    "draw weighted by usage; reports GC content, GC3 and the codon adaptation index.",
  category: "sequence-design",
  tags: ["protein", "dna", "codon-usage", "codon-optimization", "gene-design"],
  credit_model: {
    is_free: false,
    type: "per_residue",
    base_credits: 1,
    per_unit_credits: 0.001,
    unit: "residue",
    description: "1 credit per job plus 1 per 1,000 residues (rounded up)",
  },
  version: "1.0.0",
  beta: false,
  processing: { mode: "async", time_class: "seconds" },
  input: {
    slots: [{
      id: "protein",
      label: "Protein sequences",
      description: "FASTA with one or more protein records, or a bare sequence; the 20 " +
        "standard amino acids, * for a stop (a final * is kept as a stop codon), U (selenocysteine, encoded TGA) and O " +
        "(pyrrolysine, encoded TAG). Ambiguous codes (X, B, Z, J) have no codon and are refused.",
      kind: "protein",
      formats: ["fasta"],
      required: true,
      min_items: 1,
      max_items: 10,
    }],
    settings: [
      {
        id: "host",
        label: "Expression host",
        type: "enum",
        description: `Codon usage table (${CODON_USAGE_SOURCE})`,
        default: "e_coli",
        options: Object.entries(HOSTS).map(([id, host]) => ({
          value: id,
          label: `${host.name} (taxid ${host.taxid})`,
        })),
      },
      {
        id: "strategy",
        label: "Codon choice",
        type: "enum",
        description: "most_frequent: the host's most used codon for every amino acid " +
          "(deterministic; CAI 1); weighted: each codon drawn with the host's usage " +
          "probabilities from a seeded generator (a natural-looking codon mix)",
        default: "most_frequent",
        options: [
          { value: "most_frequent", label: "Most frequent codon" },
          { value: "weighted", label: "Weighted by usage (seeded)" },
        ],
      },
      {
        id: "seed",
        label: "Random seed",
        type: "integer",
        description: "Seed of the weighted strategy; the same seed gives the same DNA",
        default: 1,
        minimum: 0,
        maximum: 4_294_967_295,
      },
      {
        id: "add_stop",
        label: "Add a stop codon",
        type: "boolean",
        description: "Append the host's most used stop codon unless the protein ends with *",
        default: true,
      },
    ],
  },
  output: {
    fields: [...OUTPUT_FIELDS],
    files: [
      {
        name: "back_translated.fasta",
        content_type: FASTA_CONTENT_TYPE,
        description: "The coding sequences",
      },
      {
        name: "codon_usage.csv",
        content_type: "text/csv",
        description: "The host's codon usage table that was used: amino_acid, codon, fraction",
      },
    ],
  },
  limits: { ...LIMITS, time_limit_seconds: 60 },
};

/** The "Back-translate protein → DNA" tool. */
export const backTranslateTool: SandboxTool = {
  definition,

  validate(inputs: ResolvedInput[]) {
    return readFastaInputs(inputs, LIMITS, {
      keepFinalStop: true,
      letters: (sequence) => backTranslationIssues(sequence, { limit: 6 }),
    }).issues;
  },

  units(inputs: ResolvedInput[]) {
    return countFastaResidues(inputs);
  },

  run(inputs, settings, context): ToolOutput {
    const host = String(settings.host ?? "e_coli");
    const strategy = String(settings.strategy ?? "most_frequent") as BackTranslationStrategy;
    const seed = Number(settings.seed ?? 1);
    const addStop = settings.add_stop !== false;
    // A written final stop is part of the protein: it becomes a codon even without add_stop.
    const { records } = readFastaInputs(inputs, {}, { keepFinalStop: true });
    const rows: BackTranslationRow[] = records.map(({ record }, index) => {
      // Each record gets its own seed so adding a record does not change the others' DNA.
      const result = backTranslate(record.sequence, {
        host,
        strategy,
        seed: (seed + index) >>> 0,
        addStop,
      });
      context.progress((index + 1) / records.length);
      return {
        id: record.id,
        length: record.sequence.replace(/\*$/, "").length,
        nucleotides: result.dna.length,
        host,
        strategy,
        gc_content: 100 * result.gcContent,
        gc3_content: 100 * result.gc3Content,
        cai: result.cai,
        dna: result.dna,
      };
    });
    const usage = [...hostCodons(host)].flatMap(([amino, choices]) =>
      choices.map((choice) => ({
        amino_acid: amino,
        codon: choice.codon,
        fraction: choice.fraction,
      }))
    ).sort((a, b) => a.amino_acid.localeCompare(b.amino_acid) || b.fraction - a.fraction);
    return {
      results: { records: rows },
      files: [
        {
          name: "back_translated.fasta",
          content_type: FASTA_CONTENT_TYPE,
          data: formatFasta(rows.map((row) => ({
            id: row.id,
            description: `host=${host} strategy=${strategy} gc=${row.gc_content.toFixed(1)}%`,
            sequence: row.dna,
          }))),
        },
        {
          name: "codon_usage.csv",
          content_type: "text/csv",
          data: toCsv(["amino_acid", "codon", "fraction"], usage),
        },
      ],
    };
  },
};
