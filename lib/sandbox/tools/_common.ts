/**
 * Helpers shared by the sandbox tools: reading FASTA inputs with limits, naming where a
 * problem is, capping issue lists, CSV and FASTA output.
 * @module
 */
import { type FastaRecord, formatFasta, parseFasta } from "../../bio/fasta.ts";
import type { ResolvedInput, ValidationIssue } from "./_types.ts";

/** Enough to show what is wrong without flooding a quote response. */
export const MAX_ISSUES = 50;
/** Letter problems listed per record before "n more". */
export const MAX_LETTER_ISSUES_PER_RECORD = 5;

/** The path of an input's content in the request, e.g. `input.inputs[0].content`. */
export function contentPath(input: ResolvedInput): string {
  return `input.inputs[${input.index}].content`;
}

/** The path for a problem that concerns several inputs at once. */
export function inputsPath(inputs: readonly ResolvedInput[]): string {
  return inputs.length === 1 ? contentPath(inputs[0]) : "input.inputs";
}

/** 1234567 → "1,234,567". */
export function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

/** UTF-8 size of a string in bytes. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/** `record "p1" (line 3)` — how a FASTA record is named in messages. */
export function describeRecord(record: FastaRecord): string {
  return `record "${record.id}" (line ${record.line})`;
}

/** Keep the first {@linkcode MAX_ISSUES} issues and say how many more there were. */
export function capIssues(issues: ValidationIssue[]): ValidationIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const kept = issues.slice(0, MAX_ISSUES);
  kept.push({
    path: "input.inputs",
    message: `${formatCount(issues.length - MAX_ISSUES)} more problems not shown`,
  });
  return kept;
}

/** A FASTA record with the input it came from. */
export interface SourcedRecord {
  input: ResolvedInput;
  record: FastaRecord;
  path: string;
}

/** Limits checked by {@linkcode readFastaInputs}. */
export interface FastaLimits {
  max_records?: number;
  max_sequence_length?: number;
  max_input_bytes?: number;
}

/** Options of {@linkcode readFastaInputs}. */
export interface ReadFastaOptions {
  /** Check each record's letters; return one issue per problem (message without the record name). */
  letters?: (sequence: string) => { message: string }[];
  /** What a residue is called in messages ("residues", "nucleotides"). Default "residues". */
  unit?: string;
  /** Only these slots. Default: every input. */
  slotId?: string;
  /** Keep one final `*` of each record (see `parseFasta`). Default false. */
  keepFinalStop?: boolean;
}

/**
 * Parse every FASTA input and check sizes, record counts, lengths and (optionally) letters,
 * naming the record and line of each problem. Cheap enough for `validate`: one pass over the
 * text, stopping early when the input is over its byte limit.
 */
export function readFastaInputs(
  inputs: readonly ResolvedInput[],
  limits: FastaLimits,
  options: ReadFastaOptions = {},
): { records: SourcedRecord[]; issues: ValidationIssue[] } {
  const selected = options.slotId === undefined
    ? inputs
    : inputs.filter((input) => input.slotId === options.slotId);
  const unit = options.unit ?? "residues";
  const issues: ValidationIssue[] = [];
  const records: SourcedRecord[] = [];
  const totalBytes = selected.reduce((sum, input) => sum + utf8Length(input.content), 0);
  if (limits.max_input_bytes !== undefined && totalBytes > limits.max_input_bytes) {
    issues.push({
      path: inputsPath(selected),
      message: `the input is ${formatCount(totalBytes)} bytes; at most ` +
        `${formatCount(limits.max_input_bytes)} bytes are allowed`,
    });
    // Parsing megabytes more just to list further problems would make quotes slow.
    return { records, issues };
  }
  const parsed = selected.map((input) => ({
    input,
    path: contentPath(input),
    ...parseFasta(input.content, { keepFinalStop: options.keepFinalStop }),
  }));
  const recordCount = parsed.reduce((sum, entry) => sum + entry.records.length, 0);
  if (limits.max_records !== undefined && recordCount > limits.max_records) {
    // First, so that it survives the cap on the number of issues.
    issues.push({
      path: inputsPath(selected),
      message: `the request has ${formatCount(recordCount)} FASTA records; at most ` +
        `${formatCount(limits.max_records)} are allowed`,
    });
  }
  for (const { input, path, records: inputRecords, issues: fastaIssues } of parsed) {
    for (const issue of fastaIssues) {
      if (issue.severity === "error") issues.push({ path, message: issue.message });
    }
    for (const record of inputRecords) {
      records.push({ input, record, path });
      if (record.sequence === "") continue; // the parser already said so
      const name = describeRecord(record);
      if (
        limits.max_sequence_length !== undefined &&
        record.sequence.length > limits.max_sequence_length
      ) {
        issues.push({
          path,
          message: `${name} is ${formatCount(record.sequence.length)} ${unit} long; at most ` +
            `${formatCount(limits.max_sequence_length)} are allowed`,
        });
        continue;
      }
      if (options.letters) {
        const letterIssues = options.letters(record.sequence);
        for (const issue of letterIssues.slice(0, MAX_LETTER_ISSUES_PER_RECORD)) {
          issues.push({ path, message: `${name}: ${issue.message}` });
        }
        const hidden = letterIssues.length - MAX_LETTER_ISSUES_PER_RECORD;
        if (hidden > 0) {
          issues.push({
            path,
            message: `${name}: ${formatCount(hidden)} more invalid characters`,
          });
        }
      }
    }
  }
  return { records, issues: capIssues(issues) };
}

/** Number of FASTA records in the inputs (for pricing). */
export function countFastaRecords(inputs: readonly ResolvedInput[], slotId?: string): number {
  return inputs
    .filter((input) => slotId === undefined || input.slotId === slotId)
    .reduce((sum, input) => sum + parseFasta(input.content).records.length, 0);
}

/** Total sequence length of the FASTA records in the inputs (for pricing). */
export function countFastaResidues(inputs: readonly ResolvedInput[], slotId?: string): number {
  return inputs
    .filter((input) => slotId === undefined || input.slotId === slotId)
    .reduce(
      (sum, input) =>
        sum + parseFasta(input.content).records.reduce((n, r) => n + r.sequence.length, 0),
      0,
    );
}

/** A CSV cell: RFC 4180 quoting; numbers keep full precision; null/undefined are empty. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) || text.trim() !== text ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV text with a header row of `columns` and one row per object. */
export function toCsv<T extends object>(
  columns: readonly (keyof T & string)[],
  rows: readonly T[],
): string {
  const lines = [columns.join(",")];
  for (const row of rows) lines.push(columns.map((column) => csvField(row[column])).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** FASTA text (re-exported for tools). */
export { formatFasta };

/** The MIME type used for FASTA result files. */
export const FASTA_CONTENT_TYPE = "text/x-fasta";
/** The MIME type used for PDB result files (as the real API's ESMFold output). */
export const PDB_CONTENT_TYPE = "chemical/x-pdb";

/** The credit model of the sequence tools that charge one credit per input record. */
export const ONE_CREDIT_PER_SEQUENCE = {
  is_free: false,
  type: "per_input",
  base_credits: 0,
  per_unit_credits: 1,
  unit: "sequence",
  description: "1 credit per sequence",
} as const;

/** A file name made safe from a record id: letters, digits, `._-` kept, the rest `_`. */
export function safeFileName(id: string, extension: string, taken: Set<string>): string {
  const base = id.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "").slice(0, 60) || "record";
  let name = `${base}.${extension}`;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}.${extension}`;
  taken.add(name);
  return name;
}

/** A progress reporter over `total` steps that never goes backwards. */
export function stepper(total: number, report: (fraction: number) => void) {
  let done = 0;
  return {
    /** One more step done. */
    step(count = 1) {
      done += count;
      report(total === 0 ? 1 : Math.min(1, done / total));
    },
    /** Fraction within the current step (0–1). */
    within(fraction: number) {
      report(total === 0 ? 1 : Math.min(1, (done + fraction) / total));
    },
  };
}
