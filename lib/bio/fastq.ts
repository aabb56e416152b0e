/**
 * FASTQ reading, following Biopython 1.80's `FastqGeneralIterator` and `SeqIO` "fastq" /
 * "fastq-illumina" rules:
 *
 * - A record is `@title`, one or more sequence lines, a `+` line (repeating the title or
 *   empty), then quality lines until there are as many quality characters as bases. Quality
 *   lines may start with `@`. Blank lines are ignored.
 * - The id is the title's first word; the description is the whole title.
 * - Qualities are Phred scores: character code − 33 (Sanger, Illumina 1.8+) or − 64
 *   (Illumina 1.3–1.7), within the encoding's range.
 *
 * Problems are reported with line numbers instead of thrown, so a caller can list them all.
 *
 * @example
 * ```ts
 * import { parseFastq } from "./fastq.ts";
 *
 * const { reads, issues } = parseFastq("@r1 lane 1\nACGT\n+\nII#I\n");
 * reads[0]; // { id: "r1", description: "r1 lane 1", sequence: "ACGT", qualities: [40, 40, 2, 40], line: 1 }
 * issues; // []
 * ```
 * @module
 */

/** Quality encodings. */
export type QualityEncoding = "phred33" | "phred64";

/** One read. */
export interface FastqRead {
  /** The title's first word. */
  id: string;
  /** The whole title (after the `@`), id included. */
  description: string;
  /** The bases, as written (sequence lines joined). */
  sequence: string;
  /** Phred quality score of each base (the quality character's code minus the offset). */
  qualities: number[];
  /** 1-based line of the `@` title. */
  line: number;
}

/** A problem, with the line it is on. */
export interface FastqIssue {
  /** 1-based line the problem is on (a read's is its `@` title line). */
  line: number;
  /** What is wrong, in a sentence. */
  message: string;
}

/** Options of {@linkcode parseFastq}. */
export interface ParseFastqOptions {
  /** Default `phred33`. */
  encoding?: QualityEncoding;
  /** Stop after this many issues. Default 20. */
  maxIssues?: number;
  /** Stop after this many reads (a quick check of a large file's format). Default: all. */
  maxReads?: number;
  /** Called with the fraction of the text read. */
  onProgress?: (fraction: number) => void;
}

const RANGES: Readonly<Record<QualityEncoding, { offset: number; max: number }>> = {
  phred33: { offset: 33, max: 93 },
  phred64: { offset: 64, max: 62 },
};

/**
 * Parse FASTQ text.
 *
 * @example
 * ```ts
 * import { parseFastq } from "./fastq.ts";
 * parseFastq("@r1\nACGTA\n+\nIIII\n").issues[0].message;
 * // 'line 1: read "r1" has 5 bases but 4 quality values'
 * ```
 */
export function parseFastq(text: string, options: ParseFastqOptions = {}): {
  reads: FastqRead[];
  issues: FastqIssue[];
} {
  const encoding = options.encoding ?? "phred33";
  const { offset, max } = RANGES[encoding];
  const maxIssues = options.maxIssues ?? 20;
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const reads: FastqRead[] = [];
  const issues: FastqIssue[] = [];
  const issue = (line: number, message: string) => {
    if (issues.length < maxIssues) issues.push({ line, message: `line ${line}: ${message}` });
  };
  let index = 0;
  const skipBlank = () => {
    while (index < lines.length && lines[index].trim() === "") index++;
  };
  skipBlank();
  if (index >= lines.length) {
    issues.push({ line: 1, message: "the input is empty: no FASTQ records" });
    return { reads, issues };
  }
  const progressEvery = Math.max(1, Math.floor(lines.length / 50));
  const maxReads = options.maxReads ?? Infinity;
  while (index < lines.length && issues.length < maxIssues && reads.length < maxReads) {
    skipBlank();
    if (index >= lines.length) break;
    const titleLine = index + 1;
    const header = lines[index];
    if (!header.startsWith("@")) {
      issue(
        titleLine,
        `expected a read title starting with "@", found ${JSON.stringify(header.slice(0, 20))}` +
          (reads.length === 0 ? " (is this FASTQ?)" : ""),
      );
      // Resynchronise on the next line that looks like a title.
      index++;
      while (index < lines.length && !lines[index].startsWith("@")) index++;
      continue;
    }
    const title = header.slice(1).trimEnd();
    index++;
    let sequence = "";
    while (index < lines.length && !lines[index].startsWith("+")) {
      sequence += lines[index].trimEnd();
      index++;
    }
    if (index >= lines.length) {
      issue(titleLine, `read "${firstWord(title)}" has no "+" line before the end of the input`);
      break;
    }
    const plus = lines[index].slice(1).trimEnd();
    const plusLine = index + 1;
    index++;
    if (plus !== "" && plus !== title) {
      issue(plusLine, `the "+" line repeats "${plus}", not the title "${title}"`);
    }
    if (/\s/.test(sequence)) {
      issue(titleLine, `read "${firstWord(title)}" has spaces in its sequence`);
    }
    let quality = "";
    while (index < lines.length) {
      const line = lines[index];
      if (line.startsWith("@") && quality.length >= sequence.length) break;
      quality += line.trimEnd();
      index++;
    }
    const name = firstWord(title);
    if (quality.length !== sequence.length) {
      issue(
        titleLine,
        `read "${name}" has ${sequence.length} bases but ${quality.length} quality values`,
      );
      continue;
    }
    const badBase = /[^A-Za-z*\-.]/.exec(sequence);
    if (badBase) {
      issue(titleLine, `read "${name}": ${JSON.stringify(badBase[0])} is not a sequence letter`);
      continue;
    }
    const qualities: number[] = new Array(quality.length);
    let bad = -1;
    for (let k = 0; k < quality.length; k++) {
      const score = quality.charCodeAt(k) - offset;
      if (score < 0 || score > max) {
        bad = k;
        break;
      }
      qualities[k] = score;
    }
    if (bad !== -1) {
      issue(
        titleLine,
        `read "${name}": quality character ${JSON.stringify(quality[bad])} at position ` +
          `${bad + 1} is outside the ${encoding === "phred33" ? "Phred+33" : "Phred+64"} range` +
          (encoding === "phred33" ? "" : " (try Phred+33)"),
      );
      continue;
    }
    reads.push({ id: name, description: title, sequence, qualities, line: titleLine });
    if (options.onProgress && reads.length % progressEvery === 0) {
      options.onProgress(index / lines.length);
    }
  }
  if (reads.length === 0 && issues.length === 0) {
    issues.push({ line: 1, message: "the input has no FASTQ records" });
  }
  return { reads, issues };
}

/**
 * Count reads quickly (title lines followed, two lines later, by a `+` line) for validation
 * and pricing, without decoding qualities.
 *
 * @example
 * ```ts
 * import { countFastqReads } from "./fastq.ts";
 * countFastqReads("@a\nAC\n+\nII\n@b\nGT\n+\nII\n"); // 2
 * ```
 */
export function countFastqReads(text: string): number {
  let count = 0;
  let lineStart = 0;
  let previous2 = "";
  let previous1 = "";
  while (lineStart <= text.length) {
    let end = text.indexOf("\n", lineStart);
    if (end === -1) end = text.length;
    const first = text[lineStart] ?? "";
    if (first === "+" && previous2 === "@") count++;
    previous2 = previous1;
    previous1 = first;
    lineStart = end + 1;
  }
  return count;
}

/**
 * Mean Phred quality of a read (arithmetic mean of the scores), null for an empty read.
 *
 * @example
 * ```ts
 * import { meanQuality } from "./fastq.ts";
 * meanQuality([30, 40]); // 35
 * ```
 */
export function meanQuality(qualities: readonly number[]): number | null {
  if (qualities.length === 0) return null;
  let sum = 0;
  for (const value of qualities) sum += value;
  return sum / qualities.length;
}

function firstWord(title: string): string {
  return title.trim().split(/\s+/)[0] ?? "";
}
