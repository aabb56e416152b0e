/**
 * The "Pairwise alignment" sandbox tool: aligns one query sequence against each target
 * sequence, globally (Needleman–Wunsch) or locally (Smith–Waterman), with affine gaps, scored
 * with BLOSUM62 (or BLOSUM45/80, PAM250) for proteins or match/mismatch scores for DNA — the
 * scores of Biopython's `PairwiseAligner` — and reports score, identity, similarity, gaps and
 * the aligned strings.
 *
 * @example
 * ```ts
 * import { pairwiseAlignment } from "./pairwise_alignment.ts";
 * const inputs = [
 *   { id: "q", slotId: "query", kind: "sequence", format: "fasta", index: 0, content: ">q\nHEAGAWGHEE\n" },
 *   { id: "t", slotId: "targets", kind: "sequence", format: "fasta", index: 1, content: ">t\nPAWHEAE\n" },
 * ];
 * const settings = { sequence_type: "auto", mode: "local", matrix: "BLOSUM62", match_score: 5,
 *   mismatch_score: -4, gap_open: 10, gap_extend: 0.5, end_gaps: "penalize" };
 * const output = await pairwiseAlignment.run(inputs, settings, { progress() {} });
 * // output.results.records[0].score → 18; aligned_query "AWGHE", aligned_target "AW-HE"
 * ```
 * @module
 */
import {
  alignmentLetterIssues,
  type AlignmentScoring,
  alignPair,
  type PairwiseAlignment,
  SUBSTITUTION_MATRICES,
} from "../../bio/align.ts";
import type { FastaRecord } from "../../bio/fasta.ts";
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
  capIssues,
  countFastaResidues,
  describeRecord,
  formatCount,
  readFastaInputs,
  stepper,
  toCsv,
} from "./_common.ts";

const LIMITS = {
  max_records: 200,
  max_sequence_length: 10_000,
  max_input_bytes: 2_000_000,
  /** Cells of one dynamic-programming matrix (query length × target length). */
  max_alignment_cells: 25_000_000,
};
const DNA_LETTERS = /^[ACGTUN]+$/i;

const OUTPUT_FIELDS = [
  { id: "query_id", label: "Query", type: "string" },
  { id: "target_id", label: "Target", type: "string" },
  { id: "mode", label: "Mode", type: "string" },
  {
    id: "scoring",
    label: "Scoring",
    type: "string",
    description: "Matrix or match/mismatch, and gap penalties",
  },
  { id: "score", label: "Score", type: "number", digits: 1 },
  { id: "length", label: "Alignment length", type: "integer", digits: 0, description: "Columns" },
  { id: "identities", label: "Identities", type: "integer", digits: 0 },
  {
    id: "identity_percent",
    label: "Identity",
    type: "number",
    unit: "%",
    digits: 1,
    description: "Identical columns over alignment length (EMBOSS convention)",
  },
  {
    id: "similarities",
    label: "Similarities",
    type: "integer",
    digits: 0,
    description: "Columns with a positive substitution score (identities included)",
  },
  { id: "similarity_percent", label: "Similarity", type: "number", unit: "%", digits: 1 },
  { id: "gaps", label: "Gaps", type: "integer", digits: 0, description: "Columns with a gap" },
  { id: "gap_percent", label: "Gap columns", type: "number", unit: "%", digits: 1 },
  { id: "gap_openings", label: "Gap openings", type: "integer", digits: 0 },
  { id: "query_start", label: "Query start", type: "integer", digits: 0 },
  { id: "query_end", label: "Query end", type: "integer", digits: 0 },
  { id: "target_start", label: "Target start", type: "integer", digits: 0 },
  { id: "target_end", label: "Target end", type: "integer", digits: 0 },
  { id: "aligned_query", label: "Aligned query", type: "string" },
  {
    id: "match_line",
    label: "Match line",
    type: "string",
    description: "| identical, : similar, . mismatch, space gap",
  },
  { id: "aligned_target", label: "Aligned target", type: "string" },
] as const satisfies readonly OutputField[];

/** One row of `results.records`. */
export interface AlignmentRow {
  query_id: string;
  target_id: string;
  mode: string;
  scoring: string;
  score: number;
  length: number;
  identities: number;
  identity_percent: number | null;
  similarities: number;
  similarity_percent: number | null;
  gaps: number;
  gap_percent: number | null;
  gap_openings: number;
  query_start: number;
  query_end: number;
  target_start: number;
  target_end: number;
  aligned_query: string;
  match_line: string;
  aligned_target: string;
}

const definition: ToolDefinition = {
  id: "pairwise-alignment",
  name: "Pairwise alignment",
  description: "Align a query sequence with one or more targets — global (Needleman–Wunsch) " +
    "or local (Smith–Waterman), affine gap penalties, BLOSUM62 for proteins or match/mismatch " +
    "for DNA — with score, identity, similarity, gaps and the aligned sequences.",
  category: "sequence-analysis",
  tags: ["alignment", "needleman-wunsch", "smith-waterman", "blosum62", "protein", "dna"],
  credit_model: {
    is_free: false,
    type: "per_residue",
    base_credits: 1,
    per_unit_credits: 0.001,
    unit: "residue",
    description: "1 credit per job plus 1 per 1,000 residues aligned (query once per target, " +
      "rounded up)",
  },
  version: "1.0.0",
  beta: false,
  processing: { mode: "async", time_class: "seconds" },
  input: {
    slots: [
      {
        id: "query",
        label: "Query sequence",
        description: "One FASTA record (protein, DNA or RNA), or a bare sequence",
        kind: "sequence",
        formats: ["fasta"],
        required: true,
        min_items: 1,
        max_items: 1,
      },
      {
        id: "targets",
        label: "Target sequences",
        description: "FASTA with one or more records; the query is aligned with each",
        kind: "sequence",
        formats: ["fasta"],
        required: true,
        min_items: 1,
        max_items: 10,
      },
    ],
    settings: [
      {
        id: "sequence_type",
        label: "Sequence type",
        type: "enum",
        description: "auto: DNA when every sequence has only A C G T U N, protein otherwise",
        default: "auto",
        options: [
          { value: "auto", label: "Detect" },
          { value: "protein", label: "Protein (substitution matrix)" },
          { value: "dna", label: "DNA/RNA (match/mismatch)" },
        ],
      },
      {
        id: "mode",
        label: "Alignment",
        type: "enum",
        description: "global: end to end (Needleman–Wunsch); local: the best-scoring segments " +
          "(Smith–Waterman)",
        default: "global",
        options: [
          { value: "global", label: "Global (Needleman–Wunsch)" },
          { value: "local", label: "Local (Smith–Waterman)" },
        ],
      },
      {
        id: "matrix",
        label: "Substitution matrix",
        type: "enum",
        description: "Protein scoring; U, O and J are scored as X",
        default: "BLOSUM62",
        options: SUBSTITUTION_MATRICES.map((name) => ({ value: name, label: name })),
      },
      {
        id: "match_score",
        label: "Match score",
        type: "number",
        description: "DNA scoring: score of identical bases",
        default: 5,
        minimum: 0,
        maximum: 100,
      },
      {
        id: "mismatch_score",
        label: "Mismatch score",
        type: "number",
        description: "DNA scoring: score of different bases (usually negative)",
        default: -4,
        minimum: -100,
        maximum: 100,
      },
      {
        id: "gap_open",
        label: "Gap open penalty",
        type: "number",
        description: "Cost of the first position of a gap; a gap of length L costs " +
          "gap_open + (L − 1) × gap_extend (EMBOSS and Biopython convention)",
        default: 10,
        minimum: 0,
        maximum: 100,
      },
      {
        id: "gap_extend",
        label: "Gap extension penalty",
        type: "number",
        description: "Cost of each further position of a gap",
        default: 0.5,
        minimum: 0,
        maximum: 100,
      },
      {
        id: "end_gaps",
        label: "End gaps",
        type: "enum",
        description: "Global mode: penalize gaps at the ends like internal ones, or make them " +
          "free (useful when one sequence is a fragment of the other)",
        default: "penalize",
        options: [
          { value: "penalize", label: "Penalize" },
          { value: "free", label: "Free" },
        ],
      },
    ],
  },
  output: {
    fields: [...OUTPUT_FIELDS],
    files: [
      {
        name: "alignments.txt",
        content_type: "text/plain",
        description: "The alignments as text, 60 columns per block with positions",
      },
      {
        name: "alignments.fasta",
        content_type: "text/x-fasta",
        description: "Each alignment as a pair of gapped FASTA records",
      },
      { name: "alignments.csv", content_type: "text/csv", description: "The records as CSV" },
    ],
  },
  limits: { ...LIMITS, time_limit_seconds: 120 },
};

/** The "Pairwise alignment" tool. */
export const pairwiseAlignment: SandboxTool = {
  definition,

  validate(inputs: ResolvedInput[], settings: ResolvedSettings): ValidationIssue[] {
    const query = readFastaInputs(inputs, LIMITS, { slotId: "query" });
    const targets = readFastaInputs(inputs, LIMITS, { slotId: "targets" });
    const issues = [...query.issues, ...targets.issues];
    if (issues.length > 0) return capIssues(issues);
    if (query.records.length !== 1) {
      return [{
        path: query.records[0]?.path ?? "input.inputs",
        message: `the query must be one sequence; this input has ${query.records.length} records ` +
          `(put the others in "targets")`,
      }];
    }
    const scoring = scoringOf(
      settings,
      [...query.records, ...targets.records].map((r) => r.record),
    );
    const queryRecord = query.records[0].record;
    for (const { record, path } of [...query.records, ...targets.records]) {
      const letterIssues = alignmentLetterIssues(record.sequence, scoring, { limit: 5 });
      for (const issue of letterIssues) {
        issues.push({
          path,
          message: `${describeRecord(record)}: ${issue.message}` +
            (scoring.type === "match" ? ` (set "sequence_type" to "protein" for proteins)` : ""),
        });
      }
    }
    for (const { record, path } of targets.records) {
      const cells = queryRecord.sequence.length * record.sequence.length;
      if (cells > LIMITS.max_alignment_cells) {
        issues.push({
          path,
          message: `aligning ${describeRecord(record)} (${formatCount(record.sequence.length)}) ` +
            `with the query (${formatCount(queryRecord.sequence.length)}) needs ` +
            `${formatCount(cells)} matrix cells; at most ${
              formatCount(LIMITS.max_alignment_cells)
            }` +
            ` are allowed`,
        });
      }
    }
    return capIssues(issues);
  },

  units(inputs: ResolvedInput[]) {
    const query = countFastaResidues(inputs, "query");
    const targets = readFastaInputs(inputs, {}, { slotId: "targets" }).records;
    return targets.reduce((sum, { record }) => sum + query + record.sequence.length, 0);
  },

  run(inputs, settings, context): ToolOutput {
    const [query] = readFastaInputs(inputs, {}, { slotId: "query" }).records;
    const targets = readFastaInputs(inputs, {}, { slotId: "targets" }).records;
    const all = [query, ...targets].map((entry) => entry.record);
    const scoring = scoringOf(settings, all);
    const mode = String(settings.mode ?? "global") as "global" | "local";
    const gapOpen = Number(settings.gap_open ?? 10);
    const gapExtend = Number(settings.gap_extend ?? 0.5);
    const endGaps = String(settings.end_gaps ?? "penalize") as "penalize" | "free";
    const scoringLabel =
      (scoring.type === "matrix"
        ? scoring.matrix
        : `match ${scoring.match}/mismatch ${scoring.mismatch}`) +
      `, gaps ${gapOpen}/${gapExtend}` +
      (mode === "global" && endGaps === "free" ? ", free end gaps" : "");
    const total = targets.reduce((sum, t) => sum + t.record.sequence.length, 0);
    const progress = stepper(total, context.progress);
    const rows: AlignmentRow[] = [];
    const alignments: PairwiseAlignment[] = [];
    for (const { record } of targets) {
      const alignment = alignPair(query.record.sequence, record.sequence, {
        mode,
        scoring,
        gapOpen,
        gapExtend,
        endGaps,
        onProgress: (fraction) => progress.within(fraction * record.sequence.length),
      });
      progress.step(record.sequence.length);
      alignments.push(alignment);
      const percent = (count: number) =>
        alignment.length === 0 ? null : 100 * count / alignment.length;
      rows.push({
        query_id: query.record.id,
        target_id: record.id,
        mode,
        scoring: scoringLabel,
        score: alignment.score,
        length: alignment.length,
        identities: alignment.identities,
        identity_percent: percent(alignment.identities),
        similarities: alignment.similarities,
        similarity_percent: percent(alignment.similarities),
        gaps: alignment.gaps,
        gap_percent: percent(alignment.gaps),
        gap_openings: alignment.gapOpenings,
        query_start: alignment.startA,
        query_end: alignment.endA,
        target_start: alignment.startB,
        target_end: alignment.endB,
        aligned_query: alignment.alignedA,
        match_line: alignment.matchLine,
        aligned_target: alignment.alignedB,
      });
    }
    return {
      results: { records: rows },
      files: [
        { name: "alignments.txt", content_type: "text/plain", data: alignmentText(rows) },
        { name: "alignments.fasta", content_type: "text/x-fasta", data: alignmentFasta(rows) },
        {
          name: "alignments.csv",
          content_type: "text/csv",
          data: toCsv(OUTPUT_FIELDS.map((field) => field.id), rows),
        },
      ],
    };
  },
};

function scoringOf(settings: ResolvedSettings, records: readonly FastaRecord[]): AlignmentScoring {
  const type = String(settings.sequence_type ?? "auto");
  const dna = type === "dna" ||
    (type === "auto" && records.every((record) => DNA_LETTERS.test(record.sequence)));
  return dna
    ? {
      type: "match",
      match: Number(settings.match_score ?? 5),
      mismatch: Number(settings.mismatch_score ?? -4),
    }
    : { type: "matrix", matrix: String(settings.matrix ?? "BLOSUM62") };
}

function alignmentText(rows: readonly AlignmentRow[]): string {
  const blocks: string[] = [];
  for (const row of rows) {
    const header = [
      "#=======================================",
      `# Query:      ${row.query_id}`,
      `# Target:     ${row.target_id}`,
      `# Mode:       ${row.mode}`,
      `# Scoring:    ${row.scoring}`,
      `# Length:     ${row.length}`,
      `# Identity:   ${row.identities}/${row.length} (${fixed(row.identity_percent)}%)`,
      `# Similarity: ${row.similarities}/${row.length} (${fixed(row.similarity_percent)}%)`,
      `# Gaps:       ${row.gaps}/${row.length} (${fixed(row.gap_percent)}%)`,
      `# Score:      ${row.score}`,
      "#=======================================",
      "",
    ];
    const lines: string[] = [];
    let queryPosition = row.query_start;
    let targetPosition = row.target_start;
    const label = (text: string) => text.slice(0, 13).padEnd(13);
    for (let start = 0; start < row.length; start += 60) {
      const q = row.aligned_query.slice(start, start + 60);
      const t = row.aligned_target.slice(start, start + 60);
      const qResidues = q.replaceAll("-", "").length;
      const tResidues = t.replaceAll("-", "").length;
      lines.push(
        `${label(row.query_id)} ${String(queryPosition).padStart(6)} ${q} ` +
          `${queryPosition + qResidues - 1}`,
      );
      lines.push(`${" ".repeat(20)} ${row.match_line.slice(start, start + 60)}`);
      lines.push(
        `${label(row.target_id)} ${String(targetPosition).padStart(6)} ${t} ` +
          `${targetPosition + tResidues - 1}`,
      );
      lines.push("");
      queryPosition += qResidues;
      targetPosition += tResidues;
    }
    if (row.length === 0) lines.push("(no alignment with a positive score)", "");
    blocks.push([...header, ...lines].join("\n"));
  }
  return blocks.join("\n") + "\n";
}

function alignmentFasta(rows: readonly AlignmentRow[]): string {
  return rows.map((row) =>
    `>${row.query_id} aligned to ${row.target_id} score=${row.score}\n${row.aligned_query}\n` +
    `>${row.target_id} aligned to ${row.query_id} score=${row.score}\n${row.aligned_target}\n`
  ).join("");
}

function fixed(value: number | null): string {
  return value === null ? "–" : value.toFixed(1);
}
