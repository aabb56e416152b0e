/**
 * Pairwise sequence alignment with affine gaps (Gotoh's algorithm): global
 * (Needleman–Wunsch) or local (Smith–Waterman), scored with a substitution matrix such as
 * BLOSUM62 or with a match/mismatch scheme for nucleotides. Scores follow the conventions of
 * Biopython's `PairwiseAligner` and EMBOSS: a gap of length L costs
 * `gapOpen + (L − 1) × gapExtend`.
 *
 * When several alignments share the best score, the traceback prefers, at each step, a
 * match/mismatch over a gap in the second sequence over a gap in the first; the result is
 * always one of the optimal alignments Biopython enumerates.
 *
 * Memory is one byte of traceback per cell (`(a.length + 1) × (b.length + 1)`), so callers
 * limit the product of the lengths.
 *
 * @example
 * ```ts
 * import { alignPair } from "./align.ts";
 *
 * const alignment = alignPair("HEAGAWGHEE", "PAWHEAE", { mode: "local" });
 * alignment.score; // 18
 * alignment.alignedA; // "AWGHE"
 * alignment.alignedB; // "AW-HE"
 * alignment.matchLine; // "|| ||"
 * ```
 * @module
 */
import { SUBSTITUTION_MATRIX_DATA } from "./_substitution_matrix_data.ts";

/** Names of the substitution matrices available. */
export const SUBSTITUTION_MATRICES: readonly string[] = Object.keys(SUBSTITUTION_MATRIX_DATA);

/** How residues are scored. */
export type AlignmentScoring =
  | { type: "matrix"; matrix: string }
  | { type: "match"; match: number; mismatch: number };

/** Options of {@linkcode alignPair}. */
export interface AlignOptions {
  /** `global` (end to end, default) or `local` (best-scoring segments). */
  mode?: "global" | "local";
  /** Default: BLOSUM62. */
  scoring?: AlignmentScoring;
  /** Cost of the first position of a gap (a positive penalty). Default 10. */
  gapOpen?: number;
  /** Cost of each further position of a gap. Default 0.5. */
  gapExtend?: number;
  /**
   * Global mode only: `penalize` end gaps like internal ones (Biopython's default) or make
   * them `free` (EMBOSS needle's default; useful when one sequence is a fragment of the other).
   */
  endGaps?: "penalize" | "free";
  /** Called with the fraction of the score matrix done. */
  onProgress?: (fraction: number) => void;
}

/** One optimal alignment and its statistics. */
export interface PairwiseAlignment {
  /** The alignment's score: substitution scores minus gap penalties (the best possible). */
  score: number;
  /** First sequence with `-` where it has gaps (local mode: only the aligned segment). */
  alignedA: string;
  /** Second sequence with `-` where it has gaps. */
  alignedB: string;
  /**
   * EMBOSS-style middle line: `|` identical, `:` similar (positive score), `.` other
   * mismatch, space for a gap.
   */
  matchLine: string;
  /** 1-based first residue of the first sequence in the alignment (0 when empty). */
  startA: number;
  /** 1-based last residue of the first sequence in the alignment (0 when empty). */
  endA: number;
  /** 1-based first residue of the second sequence in the alignment (0 when empty). */
  startB: number;
  /** 1-based last residue of the second sequence in the alignment (0 when empty). */
  endB: number;
  /** Columns in the alignment. */
  length: number;
  /** Columns with identical residues. */
  identities: number;
  /** Columns whose residues score above zero (identities included). */
  similarities: number;
  /** Columns with a gap in either sequence. */
  gaps: number;
  /** Number of separate gaps (runs of `-`) in both sequences together. */
  gapOpenings: number;
}

/** A residue the scoring scheme cannot score. */
export interface AlignmentLetterIssue {
  letter: string;
  position: number;
  message: string;
}

const DEFAULT_SCORING: AlignmentScoring = { type: "matrix", matrix: "BLOSUM62" };
// Matrix letters stand in for residues the matrices have no row for.
const MATRIX_STAND_INS: Readonly<Record<string, string>> = { U: "X", O: "X", J: "X" };
const NUCLEOTIDE_LETTERS = /^[ACGTURYSWKMBDHVN]$/;

const FROM_M = 0;
const FROM_X = 1;
const FROM_Y = 2;
const FROM_START = 3;

/**
 * Letters of `sequence` the scoring cannot use: for a matrix, letters not in its alphabet
 * (U, O and J are scored as X and accepted); for match/mismatch, anything but IUPAC
 * nucleotide codes. Case is ignored.
 *
 * @example
 * ```ts
 * import { alignmentLetterIssues } from "./align.ts";
 * alignmentLetterIssues("MKU1", { type: "matrix", matrix: "BLOSUM62" })[0].position; // 4
 * ```
 */
export function alignmentLetterIssues(
  sequence: string,
  scoring: AlignmentScoring = DEFAULT_SCORING,
  options: { limit?: number } = {},
): AlignmentLetterIssue[] {
  const limit = options.limit ?? Infinity;
  const issues: AlignmentLetterIssue[] = [];
  if (sequence.length === 0) return [{ letter: "", position: 0, message: "the sequence is empty" }];
  const alphabet = scoring.type === "matrix" ? matrixData(scoring.matrix).alphabet : "";
  for (let index = 0; index < sequence.length && issues.length < limit; index++) {
    const letter = sequence[index];
    const upper = letter.toUpperCase();
    const ok = scoring.type === "matrix"
      ? alphabet.includes(MATRIX_STAND_INS[upper] ?? upper)
      : NUCLEOTIDE_LETTERS.test(upper);
    if (ok) continue;
    const where = `${JSON.stringify(letter)} at position ${index + 1}`;
    issues.push({
      letter,
      position: index + 1,
      message: scoring.type === "matrix"
        ? `${where} is not in ${scoring.matrix}'s alphabet (${alphabet})`
        : `${where} is not a nucleotide code; match/mismatch scoring is for DNA or RNA`,
    });
  }
  return issues;
}

/**
 * Align two sequences.
 *
 * @throws {RangeError} For an unknown matrix, a negative gap penalty, or a letter the scoring
 * cannot use (see {@linkcode alignmentLetterIssues}).
 * @example
 * ```ts
 * import { alignPair } from "./align.ts";
 *
 * const dna = alignPair("GATTACA", "GCATGCT", {
 *   scoring: { type: "match", match: 1, mismatch: -1 }, gapOpen: 1, gapExtend: 1,
 * });
 * dna.score; // 0
 * ```
 */
export function alignPair(a: string, b: string, options: AlignOptions = {}): PairwiseAlignment {
  const mode = options.mode ?? "global";
  const scoring = options.scoring ?? DEFAULT_SCORING;
  const gapOpen = options.gapOpen ?? 10;
  const gapExtend = options.gapExtend ?? 0.5;
  if (!(gapOpen >= 0) || !(gapExtend >= 0)) {
    throw new RangeError("gap penalties must be zero or positive");
  }
  for (const [name, sequence] of [["first", a], ["second", b]] as const) {
    const issue = alignmentLetterIssues(sequence, scoring, { limit: 1 })[0];
    if (issue !== undefined) throw new RangeError(`${name} sequence: ${issue.message}`);
  }
  const scorer = buildScorer(scoring);
  const codesA = scorer.encode(a);
  const codesB = scorer.encode(b);
  const n = codesA.length;
  const m = codesB.length;
  const size = scorer.size;
  const table = scorer.table;

  const open = -gapOpen;
  const extend = -gapExtend;
  const local = mode === "local";
  const freeEnds = !local && options.endGaps === "free";
  const endOpen = freeEnds ? 0 : open;
  const endExtend = freeEnds ? 0 : extend;

  const width = m + 1;
  const trace = new Uint8Array((n + 1) * width);
  let prevM = new Float64Array(width);
  let prevX = new Float64Array(width);
  let prevY = new Float64Array(width);
  let curM = new Float64Array(width);
  let curX = new Float64Array(width);
  let curY = new Float64Array(width);

  // Row 0.
  prevM.fill(-Infinity);
  prevX.fill(-Infinity);
  prevY.fill(-Infinity);
  prevM[0] = 0;
  if (!local) {
    for (let j = 1; j <= m; j++) {
      if (j === 1) {
        prevY[j] = prevM[0] + endOpen;
        trace[j] = FROM_M << 4;
      } else {
        prevY[j] = prevY[j - 1] + endExtend;
        trace[j] = FROM_Y << 4;
      }
    }
  }

  let best = local ? 0 : -Infinity;
  let bestI = 0;
  let bestJ = 0;
  const progressEvery = Math.max(1, Math.floor(2_000_000 / Math.max(1, m)));

  for (let i = 1; i <= n; i++) {
    const rowOffset = i * width;
    const codeA = codesA[i - 1] * size;
    const lastRow = i === n;
    curM[0] = -Infinity;
    curY[0] = -Infinity;
    if (local) {
      curX[0] = -Infinity;
      trace[rowOffset] = FROM_START;
    } else if (i === 1) {
      curX[0] = prevM[0] + endOpen;
      trace[rowOffset] = FROM_M << 2;
    } else {
      curX[0] = prevX[0] + endExtend;
      trace[rowOffset] = FROM_X << 2;
    }
    const yOpen = lastRow && !local ? endOpen : open;
    const yExtend = lastRow && !local ? endExtend : extend;
    for (let j = 1; j <= m; j++) {
      // Match/mismatch: from the diagonal cell, in any state.
      let diag = prevM[j - 1];
      let diagFrom = FROM_M;
      if (prevX[j - 1] > diag) {
        diag = prevX[j - 1];
        diagFrom = FROM_X;
      }
      if (prevY[j - 1] > diag) {
        diag = prevY[j - 1];
        diagFrom = FROM_Y;
      }
      // A local alignment starts afresh rather than extend a prefix that scores nothing.
      if (local && diag <= 0) {
        diag = 0;
        diagFrom = FROM_START;
      }
      const matchScore = diag + table[codeA + codesB[j - 1]];

      // Gap in b (a_i against '-'): from the cell above.
      const xEnd = !local && j === m;
      const xOpen = xEnd ? endOpen : open;
      const xExtend = xEnd ? endExtend : extend;
      let gapB = prevM[j] + xOpen;
      let gapBFrom = FROM_M;
      if (prevX[j] + xExtend > gapB) {
        gapB = prevX[j] + xExtend;
        gapBFrom = FROM_X;
      }
      if (prevY[j] + xOpen > gapB) {
        gapB = prevY[j] + xOpen;
        gapBFrom = FROM_Y;
      }

      // Gap in a ('-' against b_j): from the cell to the left.
      let gapA = curM[j - 1] + yOpen;
      let gapAFrom = FROM_M;
      if (curX[j - 1] + yOpen > gapA) {
        gapA = curX[j - 1] + yOpen;
        gapAFrom = FROM_X;
      }
      if (curY[j - 1] + yExtend > gapA) {
        gapA = curY[j - 1] + yExtend;
        gapAFrom = FROM_Y;
      }

      curM[j] = matchScore;
      curX[j] = gapB;
      curY[j] = gapA;
      trace[rowOffset + j] = diagFrom | (gapBFrom << 2) | (gapAFrom << 4);
      if (local && matchScore > best) {
        best = matchScore;
        bestI = i;
        bestJ = j;
      }
    }
    [prevM, curM] = [curM, prevM];
    [prevX, curX] = [curX, prevX];
    [prevY, curY] = [curY, prevY];
    if (options.onProgress && i % progressEvery === 0) options.onProgress(i / n);
  }

  let state = FROM_M;
  if (!local) {
    best = prevM[m];
    state = FROM_M;
    if (prevX[m] > best) {
      best = prevX[m];
      state = FROM_X;
    }
    if (prevY[m] > best) {
      best = prevY[m];
      state = FROM_Y;
    }
    bestI = n;
    bestJ = m;
  }
  options.onProgress?.(1);

  if (local && best <= 0) {
    return emptyAlignment(0);
  }

  // Traceback.
  const columnsA: string[] = [];
  const columnsB: string[] = [];
  let i = bestI;
  let j = bestJ;
  while (local ? true : i > 0 || j > 0) {
    const bits = trace[i * width + j];
    if (state === FROM_M) {
      if (!local && i === 0 && j === 0) break;
      columnsA.push(a[i - 1]);
      columnsB.push(b[j - 1]);
      state = bits & 3;
      i--;
      j--;
      if (state === FROM_START) break;
    } else if (state === FROM_X) {
      columnsA.push(a[i - 1]);
      columnsB.push("-");
      state = (bits >> 2) & 3;
      i--;
    } else {
      columnsA.push("-");
      columnsB.push(b[j - 1]);
      state = (bits >> 4) & 3;
      j--;
    }
  }
  columnsA.reverse();
  columnsB.reverse();
  const alignedA = columnsA.join("");
  const alignedB = columnsB.join("");
  const residuesA = alignedA.replaceAll("-", "").length;
  const residuesB = alignedB.replaceAll("-", "").length;
  return {
    score: best,
    ...alignmentStatistics(alignedA, alignedB, scoring),
    startA: residuesA === 0 ? 0 : i + 1,
    endA: residuesA === 0 ? 0 : i + residuesA,
    startB: residuesB === 0 ? 0 : j + 1,
    endB: residuesB === 0 ? 0 : j + residuesB,
  };
}

/**
 * Score an existing alignment (two gapped strings of equal length) with the same rules as
 * {@linkcode alignPair}; useful to check an alignment from elsewhere.
 *
 * @example
 * ```ts
 * import { scoreAlignment } from "./align.ts";
 * scoreAlignment("AW-HE", "AWGHE", { gapOpen: 10, gapExtend: 0.5 }); // 18
 * ```
 */
export function scoreAlignment(
  alignedA: string,
  alignedB: string,
  options: Omit<AlignOptions, "onProgress"> = {},
): number {
  if (alignedA.length !== alignedB.length) {
    throw new RangeError("aligned strings must have the same length");
  }
  const scorer = buildScorer(options.scoring ?? DEFAULT_SCORING);
  const open = -(options.gapOpen ?? 10);
  const extend = -(options.gapExtend ?? 0.5);
  const freeEnds = (options.mode ?? "global") === "global" && options.endGaps === "free";
  let score = 0;
  let previous: "A" | "B" | "" = "";
  const firstResidue = (text: string) => text.search(/[^-]/);
  const lastResidue = (text: string) =>
    text.length - 1 - [...text].reverse().join("").search(/[^-]/);
  const [firstA, lastA] = [firstResidue(alignedA), lastResidue(alignedA)];
  const [firstB, lastB] = [firstResidue(alignedB), lastResidue(alignedB)];
  for (let k = 0; k < alignedA.length; k++) {
    const x = alignedA[k];
    const y = alignedB[k];
    if (x !== "-" && y !== "-") {
      score += scorer.table[scorer.encode(x)[0] * scorer.size + scorer.encode(y)[0]];
      previous = "";
      continue;
    }
    const gapIn: "A" | "B" = x === "-" ? "A" : "B";
    const atEnd = gapIn === "A" ? k < firstA || k > lastA : k < firstB || k > lastB;
    const continuing = previous === gapIn;
    score += freeEnds && atEnd ? 0 : continuing ? extend : open;
    previous = gapIn;
  }
  return score;
}

/**
 * Identities, similarities, gaps and the match line of an alignment.
 *
 * @example
 * ```ts
 * import { alignmentStatistics } from "./align.ts";
 * alignmentStatistics("AW-HE", "AWGHE").identities; // 4
 * ```
 */
export function alignmentStatistics(
  alignedA: string,
  alignedB: string,
  scoring: AlignmentScoring = DEFAULT_SCORING,
): Pick<
  PairwiseAlignment,
  | "alignedA"
  | "alignedB"
  | "matchLine"
  | "length"
  | "identities"
  | "similarities"
  | "gaps"
  | "gapOpenings"
> {
  const scorer = buildScorer(scoring);
  let identities = 0;
  let similarities = 0;
  let gaps = 0;
  let gapOpenings = 0;
  let line = "";
  for (let k = 0; k < alignedA.length; k++) {
    const x = alignedA[k];
    const y = alignedB[k];
    if (x === "-" || y === "-") {
      gaps++;
      line += " ";
      if (x === "-" && (k === 0 || alignedA[k - 1] !== "-")) gapOpenings++;
      if (y === "-" && (k === 0 || alignedB[k - 1] !== "-")) gapOpenings++;
      continue;
    }
    // For nucleotides U and T are the same base.
    const same = (letter: string) =>
      scoring.type === "match" ? letter.toUpperCase().replace("U", "T") : letter.toUpperCase();
    const identical = same(x) === same(y);
    const positive = scorer.table[scorer.encode(x)[0] * scorer.size + scorer.encode(y)[0]] > 0;
    if (identical) identities++;
    if (identical || positive) similarities++;
    line += identical ? "|" : positive ? ":" : ".";
  }
  return {
    alignedA,
    alignedB,
    matchLine: line,
    length: alignedA.length,
    identities,
    similarities,
    gaps,
    gapOpenings,
  };
}

interface Scorer {
  size: number;
  table: Float64Array;
  encode(sequence: string): Uint8Array;
}

const SCORER_CACHE = new Map<string, Scorer>();

function buildScorer(scoring: AlignmentScoring): Scorer {
  const key = JSON.stringify(scoring);
  const cached = SCORER_CACHE.get(key);
  if (cached) return cached;
  let scorer: Scorer;
  if (scoring.type === "matrix") {
    const data = matrixData(scoring.matrix);
    const alphabet = data.alphabet;
    const size = alphabet.length;
    const table = new Float64Array(size * size);
    data.scores.forEach((row, i) => row.forEach((value, j) => table[i * size + j] = value));
    const index = new Map([...alphabet].map((letter, i) => [letter, i]));
    for (const [letter, standIn] of Object.entries(MATRIX_STAND_INS)) {
      if (!index.has(letter) && index.has(standIn)) index.set(letter, index.get(standIn)!);
    }
    scorer = { size, table, encode: (sequence) => encodeWith(sequence, index) };
  } else {
    // Identical letters match (after reading U as T); everything else mismatches.
    const alphabet = "ACGTRYSWKMBDHVN";
    const size = alphabet.length;
    const table = new Float64Array(size * size).fill(scoring.mismatch);
    for (let i = 0; i < size; i++) table[i * size + i] = scoring.match;
    const index = new Map([...alphabet].map((letter, i) => [letter, i]));
    index.set("U", index.get("T")!);
    scorer = { size, table, encode: (sequence) => encodeWith(sequence, index) };
  }
  SCORER_CACHE.set(key, scorer);
  return scorer;
}

function encodeWith(sequence: string, index: ReadonlyMap<string, number>): Uint8Array {
  const codes = new Uint8Array(sequence.length);
  for (let k = 0; k < sequence.length; k++) {
    const code = index.get(sequence[k].toUpperCase());
    if (code === undefined) {
      throw new RangeError(`${JSON.stringify(sequence[k])} cannot be scored`);
    }
    codes[k] = code;
  }
  return codes;
}

function matrixData(name: string) {
  const data = SUBSTITUTION_MATRIX_DATA[name];
  if (data === undefined) {
    throw new RangeError(
      `unknown substitution matrix "${name}"; available: ${SUBSTITUTION_MATRICES.join(", ")}`,
    );
  }
  return data;
}

function emptyAlignment(score: number): PairwiseAlignment {
  return {
    score,
    alignedA: "",
    alignedB: "",
    matchLine: "",
    startA: 0,
    endA: 0,
    startB: 0,
    endB: 0,
    length: 0,
    identities: 0,
    similarities: 0,
    gaps: 0,
    gapOpenings: 0,
  };
}
