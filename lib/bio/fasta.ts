/**
 * FASTA reading and writing, shared by the client and the sandbox.
 *
 * The parser never guesses silently: anything it cannot read as FASTA is reported as an
 * issue with a 1-based line number, and the caller decides what to do. Rules:
 *
 * - `\n`, `\r\n` and `\r` line endings and a leading byte-order mark are accepted.
 * - Blank lines and lines starting with `;` (old-style FASTA comments) are ignored anywhere.
 *   Leading whitespace before `>` or `;` is tolerated.
 * - A header is `>` followed by an identifier (the first word) and an optional description
 *   (the rest of the line, trimmed). A header without an identifier is an error.
 * - Sequence lines may contain letters, `-` (gap) and `*` (stop); whitespace is removed.
 *   Any other character (digits, punctuation) is an error naming its line and column.
 *   Letters are kept as written: checking them against an alphabet is the caller's job.
 * - One `*` at the very end of a record is a stop symbol and is removed (kept with
 *   `keepFinalStop`); any other `*` stays in the sequence for the caller to reject.
 * - Text without any header is accepted as ONE bare sequence named `seq1`, because people
 *   often paste a sequence on its own. Set `allowBareSequence: false` to refuse it.
 * - Sequence text before the first header, a header with no sequence, and empty input are
 *   errors. A repeated identifier is only a warning: the records are still returned.
 *
 * @example
 * ```ts
 * import { formatFasta, parseFasta } from "./fasta.ts";
 *
 * const { records, issues } = parseFasta(">p1 my peptide\nMKTAYIAKQR\nQISFVK*\n");
 * // records[0] → { id: "p1", description: "my peptide", sequence: "MKTAYIAKQRQISFVK", line: 1 }
 * // issues → []
 * const text = formatFasta(records, { width: 10 });
 * // ">p1 my peptide\nMKTAYIAKQR\nQISFVK\n"
 * ```
 * @module
 */

/** One FASTA record. */
export interface FastaRecord {
  /** First word of the header; `seq1` for a bare sequence. */
  id: string;
  /** The rest of the header after the identifier, trimmed; empty when there is none. */
  description: string;
  /** The sequence with whitespace and one final `*` removed, letters as written. */
  sequence: string;
  /** 1-based line number of the header (of the first sequence line for a bare sequence). */
  line: number;
}

/** A problem found while parsing. */
export interface FastaIssue {
  /** 1-based line number the problem is on. */
  line: number;
  /** `error`: the text is not usable as given. `warning`: usable, but probably a mistake. */
  severity: "error" | "warning";
  /** What is wrong, in words a user understands, e.g. `line 4, column 7: "1" is not…`. */
  message: string;
}

/** What {@linkcode parseFasta} returns. */
export interface FastaParseResult {
  /** Every record that could be read, in input order. */
  records: FastaRecord[];
  /** Problems in input order. Treat the input as invalid if any has severity `error`. */
  issues: FastaIssue[];
}

/** Options for {@linkcode parseFasta}. */
export interface ParseFastaOptions {
  /** Accept text without any `>` header as a single record named `seq1`. Default `true`. */
  allowBareSequence?: boolean;
  /**
   * Keep one final `*` in the sequence instead of removing it. Default `false`. For callers
   * to whom a written stop means something (back-translation encodes it as a codon).
   */
  keepFinalStop?: boolean;
}

/** Options for {@linkcode formatFasta}. */
export interface FormatFastaOptions {
  /** Residues per sequence line; 0 or less writes each sequence on a single line. Default 60. */
  width?: number;
}

/** Identifier given to a sequence pasted without a header. */
export const BARE_SEQUENCE_ID = "seq1";

// Letters, gaps and stops; everything else on a sequence line is a typo or not FASTA at all.
const SEQUENCE_CHARACTER = /[A-Za-z*\-\s]/;

/**
 * Parse FASTA text into records, reporting every problem instead of throwing.
 *
 * @example
 * ```ts
 * import { parseFasta } from "./fasta.ts";
 *
 * parseFasta("MKTAYIAKQR").records; // [{ id: "seq1", description: "", sequence: "MKTAYIAKQR", line: 1 }]
 * parseFasta(">a\n>b\nMK").issues;
 * // [{ line: 1, severity: "error", message: 'line 1: record "a" has no sequence' }]
 * ```
 */
export function parseFasta(text: string, options: ParseFastaOptions = {}): FastaParseResult {
  const allowBareSequence = options.allowBareSequence ?? true;
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const records: FastaRecord[] = [];
  const issues: FastaIssue[] = [];
  const hasHeader = lines.some(isHeaderLine);

  if (!hasHeader && !allowBareSequence) {
    const firstContent = lines.findIndex(isContentLine);
    if (firstContent === -1) {
      issues.push(error(1, "the input is empty: no FASTA records"));
    } else {
      issues.push(
        error(firstContent + 1, `line ${firstContent + 1}: expected a ">" header line`),
      );
    }
    return { records, issues };
  }

  let current: { record: FastaRecord; chunks: string[]; rejectedLines: number } | undefined;
  const finish = () => {
    if (current === undefined) return;
    const { record, chunks, rejectedLines } = current;
    const joined = chunks.join("");
    record.sequence = options.keepFinalStop ? joined : joined.replace(/\*$/, "");
    // A record whose only lines were rejected already has an issue saying why.
    if (record.sequence === "" && rejectedLines === 0) {
      const name = record.id === "" ? "header" : `record "${record.id}"`;
      issues.push(error(record.line, `line ${record.line}: ${name} has no sequence`));
    }
    records.push(record);
    current = undefined;
  };

  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (isHeaderLine(line)) {
      finish();
      const { id, description } = splitHeader(line.trimStart().slice(1));
      if (id === "") {
        issues.push(error(lineNumber, `line ${lineNumber}: header has no identifier after ">"`));
      }
      current = {
        record: { id, description, sequence: "", line: lineNumber },
        chunks: [],
        rejectedLines: 0,
      };
      return;
    }
    if (!isContentLine(line)) return;
    if (current === undefined) {
      if (hasHeader) {
        issues.push(
          error(lineNumber, `line ${lineNumber}: sequence text before the first ">" header`),
        );
        return;
      }
      current = {
        record: { id: BARE_SEQUENCE_ID, description: "", sequence: "", line: lineNumber },
        chunks: [],
        rejectedLines: 0,
      };
    }
    const badColumn = firstBadColumn(line);
    if (badColumn !== -1) {
      const character = line[badColumn - 1];
      issues.push(
        error(
          lineNumber,
          `line ${lineNumber}, column ${badColumn}: ${JSON.stringify(character)} is not a ` +
            (hasHeader
              ? "sequence character"
              : "sequence character (this does not look like FASTA)"),
        ),
      );
      current.rejectedLines++;
      return;
    }
    current.chunks.push(line.replace(/\s+/g, ""));
  });
  finish();

  if (records.length === 0 && !issues.some((issue) => issue.severity === "error")) {
    issues.push(error(1, "the input is empty: no FASTA records"));
  }
  reportDuplicateIds(records, issues);
  issues.sort((a, b) => a.line - b.line);
  return { records, issues };
}

/**
 * Write records as FASTA text: `>id description`, then the sequence wrapped at `width`.
 *
 * @example
 * ```ts
 * import { formatFasta } from "./fasta.ts";
 *
 * formatFasta([{ id: "p1", description: "", sequence: "MKTAYIAKQR" }], { width: 4 });
 * // ">p1\nMKTA\nYIAK\nQR\n"
 * ```
 */
export function formatFasta(
  records: readonly Pick<FastaRecord, "id" | "description" | "sequence">[],
  options: FormatFastaOptions = {},
): string {
  const width = options.width ?? 60;
  return records.map((record) => {
    const header = record.description === ""
      ? `>${record.id}`
      : `>${record.id} ${record.description}`;
    return [header, ...wrap(record.sequence, width)].join("\n") + "\n";
  }).join("");
}

function splitHeader(title: string): { id: string; description: string } {
  const trimmed = title.trim();
  const match = /\s/.exec(trimmed);
  if (match === null) return { id: trimmed, description: "" };
  return { id: trimmed.slice(0, match.index), description: trimmed.slice(match.index).trim() };
}

// Leading whitespace is tolerated because text pasted from e-mails and papers is often indented.
function isHeaderLine(line: string): boolean {
  return line.trimStart().startsWith(">");
}

function isContentLine(line: string): boolean {
  const trimmed = line.trimStart();
  return trimmed !== "" && !trimmed.startsWith(";");
}

/** 1-based column of the first character that cannot be in a sequence, or -1. */
function firstBadColumn(line: string): number {
  for (let index = 0; index < line.length; index++) {
    if (!SEQUENCE_CHARACTER.test(line[index])) return index + 1;
  }
  return -1;
}

function reportDuplicateIds(records: FastaRecord[], issues: FastaIssue[]): void {
  const firstLineById = new Map<string, number>();
  for (const record of records) {
    if (record.id === "") continue;
    const firstLine = firstLineById.get(record.id);
    if (firstLine === undefined) {
      firstLineById.set(record.id, record.line);
    } else {
      issues.push({
        line: record.line,
        severity: "warning",
        message: `line ${record.line}: identifier "${record.id}" is also used on line ${firstLine}`,
      });
    }
  }
}

function wrap(sequence: string, width: number): string[] {
  if (width <= 0 || sequence.length <= width) return sequence === "" ? [] : [sequence];
  const lines: string[] = [];
  for (let start = 0; start < sequence.length; start += width) {
    lines.push(sequence.slice(start, start + width));
  }
  return lines;
}

function error(line: number, message: string): FastaIssue {
  return { line, severity: "error", message };
}
