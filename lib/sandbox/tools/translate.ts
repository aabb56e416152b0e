/**
 * The "Translate DNA → protein" sandbox tool: translates every DNA or RNA record with an NCBI
 * genetic code, in one reading frame or all six, with Biopython's rules for ambiguity codes and
 * its three ways of handling stops (translate through them, stop at the first one, or check a
 * complete coding sequence).
 *
 * @example
 * ```ts
 * import { translateTool } from "./translate.ts";
 * const inputs = [{ id: "in1", slotId: "dna", kind: "dna", format: "fasta", index: 0,
 *   content: ">orf\nATGGCCATTGTAATGGGCCGCTGA\n" }];
 * const settings = { table: 1, frames: "1", stops: "keep", stop_symbol: "*" };
 * const output = await translateTool.run(inputs, settings, { progress() {} });
 * // output.results.records[0].protein → "MAIVMGR*"
 * ```
 * @module
 */
import {
  GENETIC_CODE_IDS,
  geneticCode,
  nucleotideIssues,
  reverseComplement,
  type StopHandling,
  translate,
  TranslationError,
} from "../../bio/genetic_code.ts";
import type { OutputField } from "../../contract/tools.ts";
import type {
  ResolvedInput,
  ResolvedSettings,
  SandboxTool,
  ToolDefinition,
  ToolOutput,
  ValidationIssue,
} from "./_types.ts";
import {
  countFastaResidues,
  describeRecord,
  FASTA_CONTENT_TYPE,
  formatFasta,
  readFastaInputs,
  stepper,
  toCsv,
} from "./_common.ts";

const LIMITS = { max_records: 2000, max_sequence_length: 2_000_000, max_input_bytes: 5_000_000 };
const FRAME_CHOICES: Readonly<Record<string, number[]>> = {
  "1": [1],
  "2": [2],
  "3": [3],
  "-1": [-1],
  "-2": [-2],
  "-3": [-3],
  forward: [1, 2, 3],
  all: [1, 2, 3, -1, -2, -3],
};

const OUTPUT_FIELDS = [
  {
    id: "id",
    label: "ID",
    type: "string",
    description: "The record id, with the frame appended when several frames are translated",
  },
  { id: "source_id", label: "Source", type: "string", description: "The DNA record's id" },
  {
    id: "frame",
    label: "Frame",
    type: "integer",
    description: "+1…+3 read the sequence from its 1st–3rd base; −1…−3 its reverse complement",
  },
  { id: "table", label: "Genetic code", type: "integer", description: "NCBI table id" },
  { id: "nucleotides", label: "Nucleotides", type: "integer", unit: "nt", digits: 0 },
  { id: "length", label: "Protein length", type: "integer", unit: "aa", digits: 0 },
  { id: "stops", label: "Stops", type: "integer", digits: 0, description: "In-frame stop codons" },
  { id: "protein", label: "Protein", type: "string" },
  {
    id: "notes",
    label: "Notes",
    type: "string",
    description: "Untranslated trailing bases; why a coding-sequence check failed",
  },
] as const satisfies readonly OutputField[];

/** One row of `results.records`. */
export interface TranslationRow {
  id: string;
  source_id: string;
  frame: number;
  table: number;
  nucleotides: number;
  length: number | null;
  stops: number;
  protein: string | null;
  notes: string;
}

const definition: ToolDefinition = {
  id: "translate-dna",
  name: "Translate DNA → protein",
  description: "Translate DNA or RNA into protein with any NCBI genetic code (standard, " +
    "mitochondrial, bacterial…), in one reading frame or all six; stops kept, translation " +
    "ended at the first stop, or the sequence checked as a complete coding sequence. " +
    "IUPAC ambiguity codes are resolved as Biopython does.",
  category: "sequence-analysis",
  tags: ["dna", "rna", "translation", "genetic-code", "reading-frame"],
  credit_model: {
    is_free: false,
    type: "per_residue",
    base_credits: 0,
    per_unit_credits: 0.001,
    unit: "nucleotide",
    description: "1 credit per 1,000 nucleotides (rounded up)",
  },
  version: "1.0.0",
  beta: false,
  processing: { mode: "async", time_class: "seconds" },
  input: {
    slots: [{
      id: "dna",
      label: "DNA or RNA sequences",
      description: "FASTA with one or more nucleotide records, or a bare sequence; A C G T or " +
        "A C G U, any case, IUPAC ambiguity codes (R Y S W K M B D H V N) allowed.",
      kind: "dna",
      formats: ["fasta"],
      required: true,
      min_items: 1,
      max_items: 10,
    }],
    settings: [
      {
        id: "table",
        label: "Genetic code",
        type: "enum",
        description: "NCBI genetic code (translation table)",
        default: 1,
        options: GENETIC_CODE_IDS.map((id) => ({
          value: id,
          label: `${id}. ${geneticCode(id).name}`,
        })),
      },
      {
        id: "frames",
        label: "Reading frames",
        type: "enum",
        description: "Which reading frames to translate",
        default: "1",
        options: [
          { value: "1", label: "Frame +1" },
          { value: "2", label: "Frame +2" },
          { value: "3", label: "Frame +3" },
          { value: "-1", label: "Frame −1 (reverse complement)" },
          { value: "-2", label: "Frame −2 (reverse complement)" },
          { value: "-3", label: "Frame −3 (reverse complement)" },
          { value: "forward", label: "The three forward frames" },
          { value: "all", label: "All six frames" },
        ],
      },
      {
        id: "stops",
        label: "Stop codons",
        type: "enum",
        description: "keep: translate through stops, writing the stop symbol; truncate: end " +
          "at the first stop; cds: require a complete coding sequence (start codon, whole " +
          "codons, one final stop, no other) — the start is read as M and the final stop " +
          "left out",
        default: "keep",
        options: [
          { value: "keep", label: "Translate through stops" },
          { value: "truncate", label: "Stop at the first stop codon" },
          { value: "cds", label: "Check as a complete coding sequence" },
        ],
      },
      {
        id: "stop_symbol",
        label: "Stop symbol",
        type: "enum",
        description: "Character written for a stop codon (keep mode)",
        default: "*",
        options: [{ value: "*", label: "*" }, { value: "-", label: "-" }],
      },
    ],
  },
  output: {
    fields: [...OUTPUT_FIELDS],
    files: [
      {
        name: "translation.fasta",
        content_type: FASTA_CONTENT_TYPE,
        description: "The proteins, one record per sequence and frame",
      },
      { name: "translation.csv", content_type: "text/csv", description: "The records as CSV" },
    ],
  },
  limits: { ...LIMITS, time_limit_seconds: 60 },
};

/** The "Translate DNA → protein" tool. */
export const translateTool: SandboxTool = {
  definition,

  validate(inputs: ResolvedInput[], settings: ResolvedSettings): ValidationIssue[] {
    const { records, issues } = readFastaInputs(inputs, LIMITS, {
      unit: "nucleotides",
      letters: (sequence) => nucleotideIssues(sequence, { limit: 6 }),
    });
    const table = Number(settings.table ?? 1);
    const stops = String(settings.stops ?? "keep") as StopHandling;
    const frames = String(settings.frames ?? "1");
    if (stops === "truncate" && GENETIC_CODE_IDS.includes(table)) {
      const code = geneticCode(table);
      if (code.dualCoding.length > 0) {
        issues.push({
          path: "settings.stops",
          message: `genetic code ${table} (${code.name}) reads ${code.dualCoding.join(", ")} as ` +
            `both a stop and an amino acid, so translation cannot end at the first stop; ` +
            `use "keep"`,
        });
      }
    }
    if (stops === "cds" && frames !== "1") {
      issues.push({
        path: "settings.frames",
        message: `checking a complete coding sequence ("stops": "cds") reads frame +1 only; ` +
          `set "frames" to "1"`,
      });
    }
    if (stops === "cds" && issues.length === 0 && GENETIC_CODE_IDS.includes(table)) {
      // Cheap checks on the ends of each record; internal stops are found by the run.
      for (const { record, path } of records) {
        const problem = cdsEndsProblem(record.sequence, table);
        if (problem) {
          issues.push({
            path,
            message: `${describeRecord(record)} is not a complete coding ` +
              `sequence: ${problem}`,
          });
        }
      }
    }
    return issues.slice(0, 60);
  },

  units(inputs: ResolvedInput[]) {
    return countFastaResidues(inputs);
  },

  run(inputs, settings, context): ToolOutput {
    const table = Number(settings.table ?? 1);
    const stops = String(settings.stops ?? "keep") as StopHandling;
    const stopSymbol = String(settings.stop_symbol ?? "*");
    const frames = FRAME_CHOICES[String(settings.frames ?? "1")] ?? [1];
    const { records } = readFastaInputs(inputs, {});
    const rows: TranslationRow[] = [];
    const totalBases = records.reduce((sum, { record }) => sum + record.sequence.length, 0);
    const progress = stepper(totalBases * frames.length, context.progress);
    for (const { record } of records) {
      const reverse = frames.some((frame) => frame < 0) ? reverseComplement(record.sequence) : "";
      for (const frame of frames) {
        const strand = frame < 0 ? reverse : record.sequence;
        const framed = strand.slice(Math.abs(frame) - 1);
        const id = frames.length === 1
          ? record.id
          : `${record.id}_frame${frame > 0 ? "+" : ""}${frame}`;
        const row: TranslationRow = {
          id,
          source_id: record.id,
          frame,
          table,
          nucleotides: framed.length,
          length: null,
          stops: 0,
          protein: null,
          notes: "",
        };
        try {
          const translation = translate(framed, { table, stops, stopSymbol });
          row.protein = translation.protein;
          row.length = translation.protein.length;
          row.stops = translation.stops;
          const notes: string[] = [];
          if (translation.trailingBases > 0) {
            notes.push(
              `${translation.trailingBases} trailing base(s) after the last whole codon ` +
                `not translated`,
            );
          }
          if (stops === "truncate" && translation.stops > 0) {
            notes.push(`ended at the first stop codon (codon ${translation.codons})`);
          }
          row.notes = notes.join("; ");
        } catch (error) {
          if (!(error instanceof TranslationError)) throw error;
          row.notes = `not translated: ${error.message}`;
        }
        rows.push(row);
        progress.step(record.sequence.length);
      }
    }
    const fasta = formatFasta(
      rows.filter((row) => row.protein !== null).map((row) => ({
        id: row.id,
        description: `frame=${row.frame > 0 ? "+" : ""}${row.frame} table=${row.table}` +
          ` source=${row.source_id}`,
        sequence: row.protein!,
      })),
    );
    return {
      results: { records: rows },
      files: [
        { name: "translation.fasta", content_type: FASTA_CONTENT_TYPE, data: fasta },
        {
          name: "translation.csv",
          content_type: "text/csv",
          data: toCsv(OUTPUT_FIELDS.map((field) => field.id), rows),
        },
      ],
    };
  },
};

function cdsEndsProblem(sequence: string, table: number): string | undefined {
  if (sequence.length % 3 !== 0) {
    return `its length, ${sequence.length}, is not a multiple of three`;
  }
  try {
    // Translating the first and last codon in CDS mode checks exactly the ends.
    translate(sequence.slice(0, 3) + sequence.slice(-3), { table, stops: "cds" });
    return sequence.length < 6 ? "it is shorter than a start and a stop codon" : undefined;
  } catch (error) {
    if (error instanceof TranslationError) return error.message;
    throw error;
  }
}
