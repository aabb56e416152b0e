/**
 * The "FASTQ → FASTA" sandbox tool: converts sequencing reads to FASTA (the title line kept,
 * qualities dropped), optionally keeping only reads with a mean Phred quality and a length
 * above thresholds, and reports read statistics per input. Parsing follows Biopython's
 * `SeqIO` "fastq" (Phred+33) and "fastq-illumina" (Phred+64).
 *
 * @example
 * ```ts
 * import { fastqToFasta } from "./fastq_to_fasta.ts";
 * const inputs = [{ id: "run1", slotId: "reads", kind: "dna", format: "fastq", index: 0,
 *   content: "@r1 lane 1\nACGT\n+\nIIII\n" }];
 * const settings = { encoding: "phred33", min_mean_quality: 0, min_length: 0, line_width: 60 };
 * const output = await fastqToFasta.run(inputs, settings, { progress() {} });
 * // output.files[0].data → ">r1 lane 1\nACGT\n"
 * ```
 * @module
 */
import { gcFraction } from "../../bio/back_translate.ts";
import { countFastqReads, meanQuality, parseFastq, type QualityEncoding } from "../../bio/fastq.ts";
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
  contentPath,
  FASTA_CONTENT_TYPE,
  formatCount,
  formatFasta,
  inputsPath,
  toCsv,
  utf8Length,
} from "./_common.ts";

const LIMITS = { max_records: 500_000, max_input_bytes: 10_000_000 };

const OUTPUT_FIELDS = [
  { id: "input", label: "Input", type: "string", description: "Input label or id" },
  { id: "reads", label: "Reads", type: "integer", digits: 0 },
  { id: "kept", label: "Kept", type: "integer", digits: 0 },
  { id: "removed_quality", label: "Removed (quality)", type: "integer", digits: 0 },
  { id: "removed_length", label: "Removed (length)", type: "integer", digits: 0 },
  { id: "bases", label: "Bases kept", type: "integer", unit: "nt", digits: 0 },
  { id: "mean_length", label: "Mean length", type: "number", unit: "nt", digits: 1 },
  {
    id: "mean_quality",
    label: "Mean quality",
    type: "number",
    digits: 1,
    description: "Mean of the reads' mean Phred quality, over all reads",
  },
  { id: "gc_content", label: "GC content", type: "number", unit: "%", digits: 1 },
] as const satisfies readonly OutputField[];

/** One row of `results.records`. */
export interface FastqSummaryRow {
  input: string;
  reads: number;
  kept: number;
  removed_quality: number;
  removed_length: number;
  bases: number;
  mean_length: number | null;
  mean_quality: number | null;
  gc_content: number | null;
}

const definition: ToolDefinition = {
  id: "fastq-to-fasta",
  name: "FASTQ → FASTA",
  description: "Convert sequencing reads from FASTQ to FASTA, optionally keeping only reads " +
    "above a mean Phred quality and a length, with read counts, lengths, qualities and GC " +
    "content per file.",
  category: "conversion",
  tags: ["fastq", "fasta", "reads", "conversion", "quality"],
  credit_model: { is_free: true, type: "free", description: "Free" },
  version: "1.0.0",
  beta: false,
  processing: { mode: "async", time_class: "seconds" },
  input: {
    slots: [{
      id: "reads",
      label: "Reads",
      description: "FASTQ files: @title, sequence, + line, qualities (wrapped records allowed)",
      kind: "dna",
      formats: ["fastq"],
      required: true,
      min_items: 1,
      max_items: 10,
    }],
    settings: [
      {
        id: "encoding",
        label: "Quality encoding",
        type: "enum",
        description: "phred33: Sanger and Illumina 1.8+ (almost all data today); phred64: " +
          "Illumina 1.3–1.7",
        default: "phred33",
        options: [
          { value: "phred33", label: "Phred+33 (Sanger, Illumina 1.8+)" },
          { value: "phred64", label: "Phred+64 (Illumina 1.3–1.7)" },
        ],
      },
      {
        id: "min_mean_quality",
        label: "Minimum mean quality",
        type: "number",
        description: "Drop reads whose mean Phred quality is below this; 0 keeps all",
        default: 0,
        minimum: 0,
        maximum: 93,
      },
      {
        id: "min_length",
        label: "Minimum length",
        type: "integer",
        description: "Drop reads shorter than this many bases; 0 keeps all",
        default: 0,
        minimum: 0,
        maximum: 1_000_000,
      },
      {
        id: "line_width",
        label: "FASTA line width",
        type: "integer",
        description: "Bases per FASTA line; 0 writes each read on one line",
        default: 60,
        minimum: 0,
        maximum: 1_000_000,
      },
    ],
  },
  output: {
    fields: [...OUTPUT_FIELDS],
    files: [
      { name: "reads.fasta", content_type: FASTA_CONTENT_TYPE, description: "The kept reads" },
      {
        name: "read_stats.csv",
        content_type: "text/csv",
        description: "One row per read: input, id, length, mean_quality, kept",
      },
    ],
  },
  limits: { ...LIMITS, time_limit_seconds: 120 },
};

/** The "FASTQ → FASTA" tool. */
export const fastqToFasta: SandboxTool = {
  definition,

  validate(inputs: ResolvedInput[], settings: ResolvedSettings): ValidationIssue[] {
    const totalBytes = inputs.reduce((sum, input) => sum + utf8Length(input.content), 0);
    if (totalBytes > LIMITS.max_input_bytes) {
      return [{
        path: inputsPath(inputs),
        message: `the input is ${formatCount(totalBytes)} bytes; at most ` +
          `${formatCount(LIMITS.max_input_bytes)} bytes are allowed`,
      }];
    }
    const issues: ValidationIssue[] = [];
    let reads = 0;
    const encoding = String(settings.encoding ?? "phred33") as QualityEncoding;
    for (const input of inputs) {
      const path = contentPath(input);
      // A quick look: the first reads show a wrong format or encoding; the run checks all.
      const parsed = parseFastq(input.content, { encoding, maxIssues: 10, maxReads: 2000 });
      reads += countFastqReads(input.content);
      for (const issue of parsed.issues) {
        issues.push({ path, message: `${describeInput(input)}: ${issue.message}` });
      }
    }
    if (reads > LIMITS.max_records) {
      issues.unshift({
        path: inputsPath(inputs),
        message: `the request has ${formatCount(reads)} reads; at most ` +
          `${formatCount(LIMITS.max_records)} are allowed`,
      });
    }
    return issues.slice(0, 50);
  },

  units(inputs: ResolvedInput[]) {
    return inputs.reduce((sum, input) => sum + countFastqReads(input.content), 0);
  },

  run(inputs, settings, context): ToolOutput {
    const encoding = String(settings.encoding ?? "phred33") as QualityEncoding;
    const minQuality = Number(settings.min_mean_quality ?? 0);
    const minLength = Number(settings.min_length ?? 0);
    const width = Number(settings.line_width ?? 60);
    const rows: FastqSummaryRow[] = [];
    const fastaParts: string[] = [];
    const stats: {
      input: string;
      id: string;
      length: number;
      mean_quality: number | null;
      kept: boolean;
    }[] = [];
    const totalBytes = inputs.reduce((sum, input) => sum + input.content.length, 0) || 1;
    let doneBytes = 0;
    for (const input of inputs) {
      const name = input.label?.trim() || input.id;
      const { reads, issues } = parseFastq(input.content, {
        encoding,
        onProgress: (fraction) =>
          context.progress((doneBytes + fraction * input.content.length) / totalBytes * 0.9),
      });
      if (issues.length > 0) throw new Error(`${describeInput(input)}: ${issues[0].message}`);
      let kept = 0;
      let removedQuality = 0;
      let removedLength = 0;
      let bases = 0;
      let qualitySum = 0;
      let gcText = "";
      const keptReads: { id: string; description: string; sequence: string }[] = [];
      for (const read of reads) {
        const quality = meanQuality(read.qualities);
        qualitySum += quality ?? 0;
        let keep = true;
        if (read.sequence.length < minLength) {
          removedLength++;
          keep = false;
        } else if (minQuality > 0 && (quality ?? 0) < minQuality) {
          removedQuality++;
          keep = false;
        }
        stats.push({
          input: name,
          id: read.id,
          length: read.sequence.length,
          mean_quality: quality,
          kept: keep,
        });
        if (!keep) continue;
        kept++;
        bases += read.sequence.length;
        gcText += read.sequence;
        // Biopython's FASTA writer uses the whole title as the header line.
        keptReads.push({ id: read.description, description: "", sequence: read.sequence });
      }
      fastaParts.push(formatFasta(keptReads, { width }));
      rows.push({
        input: name,
        reads: reads.length,
        kept,
        removed_quality: removedQuality,
        removed_length: removedLength,
        bases,
        mean_length: kept === 0 ? null : bases / kept,
        mean_quality: reads.length === 0 ? null : qualitySum / reads.length,
        gc_content: kept === 0 ? null : 100 * gcFraction(gcText),
      });
      doneBytes += input.content.length;
      context.progress(doneBytes / totalBytes);
    }
    return {
      results: { records: rows },
      files: [
        { name: "reads.fasta", content_type: FASTA_CONTENT_TYPE, data: fastaParts.join("") },
        {
          name: "read_stats.csv",
          content_type: "text/csv",
          data: toCsv(["input", "id", "length", "mean_quality", "kept"], stats),
        },
      ],
    };
  },
};

function describeInput(input: ResolvedInput): string {
  return `input "${input.label?.trim() || input.id}"`;
}
