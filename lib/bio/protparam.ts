/**
 * ProtParam-style protein properties, ported from Biopython 1.80
 * (`Bio.SeqUtils.ProtParam.ProteinAnalysis`, `Bio.SeqUtils.IsoelectricPoint`,
 * `Bio.SeqUtils.molecular_weight`) with the same tables and the same order of arithmetic, so
 * results agree with Biopython to floating-point rounding.
 *
 * Two layers:
 *
 * - The single-property helpers ({@linkcode molecularWeight}, {@linkcode isoelectricPoint},
 *   {@linkcode chargeAtPH}, {@linkcode gravy}, {@linkcode instabilityIndex},
 *   {@linkcode aromaticity}, {@linkcode molarExtinction}) behave like Biopython: they
 *   upper-case the sequence, count only the 20 standard amino acids for charge, aromaticity
 *   and extinction, and throw a {@linkcode ProteinSequenceError} wherever Biopython raises
 *   (a letter with no table value, an empty sequence).
 * - {@linkcode proteinProperties} applies this module's letter policy first, then computes
 *   everything at once.
 *
 * Letter policy of {@linkcode proteinProperties} (checked by {@linkcode proteinLetterIssues}):
 *
 * - Accepted: the 20 standard amino acids, plus U (selenocysteine) and O (pyrrolysine), in
 *   either case.
 * - U and O have masses, so molecular weight, pI, charge, aromaticity and extinction are
 *   computed exactly as Biopython does (U and O carry no charge and do not absorb). They have
 *   no Kyte–Doolittle or instability (DIWV) values, so `gravy` and `instability_index` are
 *   `null` and `unavailable` says why.
 * - Rejected: the ambiguous codes X, B, Z and J (no defined mass, hydropathy or charge), the
 *   stop `*` (the FASTA parser removes one final stop), gaps, whitespace and anything else.
 *
 * @example
 * ```ts
 * import { proteinProperties } from "./protparam.ts";
 *
 * const insulinB = proteinProperties("FVNQHLCGSHLVEALYLVCGERGFFYTPKT");
 * insulinB.molecular_weight; // 3429.9208
 * insulinB.isoelectric_point; // 6.9037…
 * ```
 * @module
 */

/** The 20 standard amino acids, in Biopython's `IUPACData.protein_letters` order. */
export const STANDARD_AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY";

/** Letters {@linkcode proteinProperties} accepts: the standard 20 plus U and O. */
export const ACCEPTED_AMINO_ACIDS = STANDARD_AMINO_ACIDS + "UO";

/** IUPAC codes that stand for more than one amino acid; rejected by the letter policy. */
export const AMBIGUOUS_AMINO_ACIDS = "XBZJ";

/** Thrown when a sequence cannot be analysed; `issues` says where and why. */
export class ProteinSequenceError extends Error {
  /** Every problem found, in sequence order. */
  readonly issues: SequenceIssue[];

  /**
   * @example
   * ```ts
   * import { ProteinSequenceError } from "./protparam.ts";
   * throw new ProteinSequenceError([{ message: "the sequence is empty" }]);
   * ```
   */
  constructor(issues: SequenceIssue[]) {
    super(issues.map((issue) => issue.message).join("; "));
    this.name = "ProteinSequenceError";
    this.issues = issues;
  }
}

/** One problem with a protein sequence. */
export interface SequenceIssue {
  message: string;
  /** 1-based position of the offending character, when the problem is a character. */
  position?: number;
  /** The offending character as written. */
  letter?: string;
}

/** Options for {@linkcode proteinProperties}. */
export interface ProteinPropertiesOptions {
  /** pH for `charge_at_ph`. Default 7.0. */
  pH?: number;
}

/** Options for {@linkcode molecularWeight}. */
export interface MolecularWeightOptions {
  /** Use monoisotopic instead of average residue masses. Default `false`. */
  monoisotopic?: boolean;
}

/** Options for {@linkcode proteinLetterIssues}. */
export interface ProteinLetterIssuesOptions {
  /** Stop after this many issues (a long wrong sequence would otherwise yield thousands). */
  limit?: number;
}

/** Properties that may be missing for sequences containing U or O. */
export type OptionalProperty = "gravy" | "instability_index";

/** Everything {@linkcode proteinProperties} computes. */
export interface ProteinProperties {
  /** Number of residues. */
  length: number;
  /** Average molecular weight in Da. */
  molecular_weight: number;
  /** Isoelectric point (Bjellqvist pK values, bisection to 1e-4 as in Biopython). */
  isoelectric_point: number;
  /** Grand average of hydropathy (Kyte–Doolittle); `null` when U or O is present. */
  gravy: number | null;
  /** Instability index (Guruprasad 1990); `null` when U or O is present. */
  instability_index: number | null;
  /** Fraction of F + W + Y. */
  aromaticity: number;
  /** Extinction coefficient at 280 nm with all cysteines reduced, M⁻¹ cm⁻¹. */
  extinction_coefficient_reduced: number;
  /** Extinction coefficient at 280 nm with all cysteine pairs forming cystines, M⁻¹ cm⁻¹. */
  extinction_coefficient_oxidized: number;
  /** Net charge at `ph`. */
  charge_at_ph: number;
  /** The pH `charge_at_ph` was computed at. */
  ph: number;
  /** Count of each accepted letter (all 22 keys, zeros included). */
  composition: Record<string, number>;
  /** Why a property is `null`, keyed by property name; empty when everything was computed. */
  unavailable: Partial<Record<OptionalProperty, string>>;
}

// Bio.Data.IUPACData.protein_weights: free amino-acid masses; a water is removed per bond.
const AVERAGE_WEIGHTS: Readonly<Record<string, number>> = {
  A: 89.0932,
  C: 121.1582,
  D: 133.1027,
  E: 147.1293,
  F: 165.1891,
  G: 75.0666,
  H: 155.1546,
  I: 131.1729,
  K: 146.1876,
  L: 131.1729,
  M: 149.2113,
  N: 132.1179,
  O: 255.3134,
  P: 115.1305,
  Q: 146.1445,
  R: 174.201,
  S: 105.0926,
  T: 119.1192,
  U: 168.0532,
  V: 117.1463,
  W: 204.2252,
  Y: 181.1885,
};

// Bio.Data.IUPACData.monoisotopic_protein_weights.
const MONOISOTOPIC_WEIGHTS: Readonly<Record<string, number>> = {
  A: 89.047678,
  C: 121.019749,
  D: 133.037508,
  E: 147.053158,
  F: 165.078979,
  G: 75.032028,
  H: 155.069477,
  I: 131.094629,
  K: 146.105528,
  L: 131.094629,
  M: 149.051049,
  N: 132.053492,
  O: 255.158292,
  P: 115.063329,
  Q: 146.069142,
  R: 174.111676,
  S: 105.042593,
  T: 119.058243,
  U: 168.964203,
  V: 117.078979,
  W: 204.089878,
  Y: 181.073893,
};

const AVERAGE_WATER = 18.0153;
const MONOISOTOPIC_WATER = 18.010565;

// Bio.SeqUtils.ProtParamData.kd: Kyte & Doolittle, J. Mol. Biol. 157:105-132 (1982).
const KYTE_DOOLITTLE: Readonly<Record<string, number>> = {
  A: 1.8,
  R: -4.5,
  N: -3.5,
  D: -3.5,
  C: 2.5,
  Q: -3.5,
  E: -3.5,
  G: -0.4,
  H: -3.2,
  I: 4.5,
  L: 3.8,
  K: -3.9,
  M: 1.9,
  F: 2.8,
  P: -1.6,
  S: -0.8,
  T: -0.7,
  W: -0.9,
  Y: -1.3,
  V: 4.2,
};

// Bio.SeqUtils.ProtParamData.DIWV: dipeptide instability weights, Guruprasad et al.,
// Protein Eng. 4:155-161 (1990). Row = first residue, column = second, both in
// STANDARD_AMINO_ACIDS order (A C D E F G H I K L M N P Q R S T V W Y).
// Biopython's 33.601 for FY is kept as published there.
// deno-fmt-ignore
const DIWV_ROWS: Readonly<Record<string, readonly number[]>> = {
  //   A       C       D       E       F       G       H       I       K       L
  //   M       N       P       Q       R       S       T       V       W       Y
  A: [
    1.0, 44.94, -7.49, 1.0, 1.0, 1.0, -7.49, 1.0, 1.0, 1.0,
    1.0, 1.0, 20.26, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0,
  ],
  C: [
    1.0, 1.0, 20.26, 1.0, 1.0, 1.0, 33.60, 1.0, 1.0, 20.26,
    33.60, 1.0, 20.26, -6.54, 1.0, 1.0, 33.60, -6.54, 24.68, 1.0,
  ],
  D: [
    1.0, 1.0, 1.0, 1.0, -6.54, 1.0, 1.0, 1.0, -7.49, 1.0,
    1.0, 1.0, 1.0, 1.0, -6.54, 20.26, -14.03, 1.0, 1.0, 1.0,
  ],
  E: [
    1.0, 44.94, 20.26, 33.60, 1.0, 1.0, -6.54, 20.26, 1.0, 1.0,
    1.0, 1.0, 20.26, 20.26, 1.0, 20.26, 1.0, 1.0, -14.03, 1.0,
  ],
  F: [
    1.0, 1.0, 13.34, 1.0, 1.0, 1.0, 1.0, 1.0, -14.03, 1.0,
    1.0, 1.0, 20.26, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 33.601,
  ],
  G: [
    -7.49, 1.0, 1.0, -6.54, 1.0, 13.34, 1.0, -7.49, -7.49, 1.0,
    1.0, -7.49, 1.0, 1.0, 1.0, 1.0, -7.49, 1.0, 13.34, -7.49,
  ],
  H: [
    1.0, 1.0, 1.0, 1.0, -9.37, -9.37, 1.0, 44.94, 24.68, 1.0,
    1.0, 24.68, -1.88, 1.0, 1.0, 1.0, -6.54, 1.0, -1.88, 44.94,
  ],
  I: [
    1.0, 1.0, 1.0, 44.94, 1.0, 1.0, 13.34, 1.0, -7.49, 20.26,
    1.0, 1.0, -1.88, 1.0, 1.0, 1.0, 1.0, -7.49, 1.0, 1.0,
  ],
  K: [
    1.0, 1.0, 1.0, 1.0, 1.0, -7.49, 1.0, -7.49, 1.0, -7.49,
    33.60, 1.0, -6.54, 24.64, 33.60, 1.0, 1.0, -7.49, 1.0, 1.0,
  ],
  L: [
    1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -7.49, 1.0,
    1.0, 1.0, 20.26, 33.60, 20.26, 1.0, 1.0, 1.0, 24.68, 1.0,
  ],
  M: [
    13.34, 1.0, 1.0, 1.0, 1.0, 1.0, 58.28, 1.0, 1.0, 1.0,
    -1.88, 1.0, 44.94, -6.54, -6.54, 44.94, -1.88, 1.0, 1.0, 24.68,
  ],
  N: [
    1.0, -1.88, 1.0, 1.0, -14.03, -14.03, 1.0, 44.94, 24.68, 1.0,
    1.0, 1.0, -1.88, -6.54, 1.0, 1.0, -7.49, 1.0, -9.37, 1.0,
  ],
  P: [
    20.26, -6.54, -6.54, 18.38, 20.26, 1.0, 1.0, 1.0, 1.0, 1.0,
    -6.54, 1.0, 20.26, 20.26, -6.54, 20.26, 1.0, 20.26, -1.88, 1.0,
  ],
  Q: [
    1.0, -6.54, 20.26, 20.26, -6.54, 1.0, 1.0, 1.0, 1.0, 1.0,
    1.0, 1.0, 20.26, 20.26, 1.0, 44.94, 1.0, -6.54, 1.0, -6.54,
  ],
  R: [
    1.0, 1.0, 1.0, 1.0, 1.0, -7.49, 20.26, 1.0, 1.0, 1.0,
    1.0, 13.34, 20.26, 20.26, 58.28, 44.94, 1.0, 1.0, 58.28, -6.54,
  ],
  S: [
    1.0, 33.60, 1.0, 20.26, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0,
    1.0, 1.0, 44.94, 20.26, 20.26, 20.26, 1.0, 1.0, 1.0, 1.0,
  ],
  T: [
    1.0, 1.0, 1.0, 20.26, 13.34, -7.49, 1.0, 1.0, 1.0, 1.0,
    1.0, -14.03, 1.0, -6.54, 1.0, 1.0, 1.0, 1.0, -14.03, 1.0,
  ],
  V: [
    1.0, 1.0, -14.03, 1.0, 1.0, -7.49, 1.0, 1.0, -1.88, 1.0,
    1.0, 1.0, 20.26, 1.0, 1.0, 1.0, -7.49, 1.0, 1.0, -6.54,
  ],
  W: [
    -14.03, 1.0, 1.0, 1.0, 1.0, -9.37, 24.68, 1.0, 1.0, 13.34,
    24.68, 13.34, 1.0, 1.0, 1.0, 1.0, -14.03, -7.49, 1.0, 1.0,
  ],
  Y: [
    24.68, 1.0, 24.68, -6.54, 1.0, -7.49, 13.34, 1.0, 1.0, 1.0,
    44.94, 1.0, 13.34, 1.0, -15.91, 1.0, -7.49, 1.0, -9.37, 13.34,
  ],
};

// Bio.SeqUtils.IsoelectricPoint: Bjellqvist et al., Electrophoresis 14:1023-1031 (1993).
// Entry order matters: Biopython sums the charges in exactly this order.
const POSITIVE_PKS: readonly (readonly [string, number])[] = [
  ["Nterm", 7.5],
  ["K", 10.0],
  ["R", 12.0],
  ["H", 5.98],
];
const NEGATIVE_PKS: readonly (readonly [string, number])[] = [
  ["Cterm", 3.55],
  ["D", 4.05],
  ["E", 4.45],
  ["C", 9.0],
  ["Y", 10.0],
];
const N_TERMINAL_PKS: Readonly<Record<string, number>> = {
  A: 7.59,
  M: 7.0,
  S: 6.93,
  P: 8.36,
  T: 6.82,
  V: 7.44,
  E: 7.7,
};
const C_TERMINAL_PKS: Readonly<Record<string, number>> = { D: 4.55, E: 4.75 };

const DIWV_WHAT = "dipeptide instability values";
const ACCEPTED_LETTERS = new Set([
  ...ACCEPTED_AMINO_ACIDS,
  ...ACCEPTED_AMINO_ACIDS.toLowerCase(),
]);

/**
 * Check a sequence against the letter policy of {@linkcode proteinProperties}: one issue per
 * rejected character, naming the character and its 1-based position. Empty means usable.
 *
 * @example
 * ```ts
 * import { proteinLetterIssues } from "./protparam.ts";
 *
 * proteinLetterIssues("MKTAYIAKQRQISJ")[0].message;
 * // 'letter "J" at position 14 is not an amino acid: X, B, Z and J are ambiguous codes …'
 * proteinLetterIssues("MKUO"); // [] — selenocysteine and pyrrolysine are accepted
 * ```
 */
export function proteinLetterIssues(
  sequence: string,
  options: ProteinLetterIssuesOptions = {},
): SequenceIssue[] {
  const limit = options.limit ?? Infinity;
  if (sequence.length === 0) return [{ message: "the sequence is empty" }];
  const issues: SequenceIssue[] = [];
  for (let index = 0; index < sequence.length && issues.length < limit; index++) {
    const letter = sequence[index];
    // A set of exact characters, because toUpperCase() would turn "ı" into "I" and "ſ" into "S".
    if (ACCEPTED_LETTERS.has(letter)) continue;
    const position = index + 1;
    issues.push({ position, letter, message: describeBadLetter(letter, position) });
  }
  return issues;
}

/**
 * Compute every property at once, after checking the letter policy described in the module
 * documentation.
 *
 * @throws {ProteinSequenceError} If the sequence is empty or has rejected letters.
 * @example
 * ```ts
 * import { proteinProperties } from "./protparam.ts";
 *
 * const peptide = proteinProperties("mkruGST", { pH: 5.5 });
 * peptide.gravy; // null
 * peptide.unavailable.gravy; // "no Kyte–Doolittle hydropathy value for U (selenocysteine)"
 * ```
 */
export function proteinProperties(
  sequence: string,
  options: ProteinPropertiesOptions = {},
): ProteinProperties {
  const issues = proteinLetterIssues(sequence);
  if (issues.length > 0) throw new ProteinSequenceError(issues);
  const pH = options.pH ?? 7.0;
  const residues = sequence.toUpperCase();
  const counts = countLetters(residues, ACCEPTED_AMINO_ACIDS);
  const unscored = nonStandardLetters(counts);
  const unavailable: Partial<Record<OptionalProperty, string>> = {};
  if (unscored !== "") {
    unavailable.gravy = `no Kyte–Doolittle hydropathy value for ${unscored}`;
    unavailable.instability_index = `no dipeptide instability values for ${unscored}`;
  }
  const extinction = molarExtinction(residues);
  return {
    length: residues.length,
    molecular_weight: molecularWeight(residues),
    isoelectric_point: isoelectricPoint(residues),
    gravy: unscored === "" ? gravy(residues) : null,
    instability_index: unscored === "" ? instabilityIndex(residues) : null,
    aromaticity: aromaticity(residues),
    extinction_coefficient_reduced: extinction.reduced,
    extinction_coefficient_oxidized: extinction.oxidized,
    charge_at_ph: chargeAtPH(residues, pH),
    ph: pH,
    composition: counts,
    unavailable,
  };
}

/**
 * Molecular weight in Da: sum of free amino-acid masses minus one water per peptide bond
 * (Biopython's `molecular_weight(seq, "protein")`). Whitespace is ignored, as in Biopython.
 *
 * @throws {ProteinSequenceError} For an empty sequence or a letter without a mass (X, B, Z, J…).
 * @example
 * ```ts
 * import { molecularWeight } from "./protparam.ts";
 *
 * molecularWeight("AGC"); // 249.2874
 * molecularWeight("AGC", { monoisotopic: true }); // 249.0783…
 * ```
 */
export function molecularWeight(sequence: string, options: MolecularWeightOptions = {}): number {
  const residues = sequence.replace(/\s+/g, "").toUpperCase();
  requireResidues(residues);
  const table = options.monoisotopic ? MONOISOTOPIC_WEIGHTS : AVERAGE_WEIGHTS;
  const water = options.monoisotopic ? MONOISOTOPIC_WATER : AVERAGE_WATER;
  let sum = 0;
  for (let index = 0; index < residues.length; index++) {
    sum += lookup(table, residues, index, "mass");
  }
  return sum - (residues.length - 1) * water;
}

/**
 * Net charge at a pH, with Bjellqvist pK values and terminus-specific pKs for the first and
 * last residue. Only the 20 standard letters carry charge; others are ignored, as in Biopython.
 *
 * @throws {ProteinSequenceError} For an empty sequence.
 * @example
 * ```ts
 * import { chargeAtPH } from "./protparam.ts";
 *
 * chargeAtPH("INGAR", 7.0); // 0.7601…
 * ```
 */
export function chargeAtPH(sequence: string, pH: number): number {
  return chargeModel(sequence)(pH);
}

/**
 * Isoelectric point: the pH where the net charge is zero, found by the same bisection as
 * Biopython (start at 7.775 within [4.05, 12], stop when the interval is ≤ 1e-4).
 *
 * @throws {ProteinSequenceError} For an empty sequence.
 * @example
 * ```ts
 * import { isoelectricPoint } from "./protparam.ts";
 *
 * isoelectricPoint("PETER"); // 4.5320…
 * ```
 */
export function isoelectricPoint(sequence: string): number {
  const charge = chargeModel(sequence);
  let pH = 7.775;
  let low = 4.05;
  let high = 12;
  // Biopython evaluates the charge at every step, including the last; keep that shape so the
  // sequence of pH values is identical.
  while (high - low > 0.0001) {
    if (charge(pH) > 0.0) low = pH;
    else high = pH;
    pH = (low + high) / 2;
  }
  return pH;
}

/**
 * Grand average of hydropathy on the Kyte–Doolittle scale.
 *
 * @throws {ProteinSequenceError} For an empty sequence or a letter without a value (U, O, X…).
 * @example
 * ```ts
 * import { gravy } from "./protparam.ts";
 *
 * gravy("AILV"); // 3.575
 * ```
 */
export function gravy(sequence: string): number {
  const residues = sequence.toUpperCase();
  requireResidues(residues);
  let total = 0;
  for (let index = 0; index < residues.length; index++) {
    total += lookup(KYTE_DOOLITTLE, residues, index, "Kyte–Doolittle hydropathy value");
  }
  return total / residues.length;
}

/**
 * Instability index (Guruprasad et al. 1990); above 40 suggests an unstable protein.
 * A single residue has no dipeptides and scores 0.
 *
 * @throws {ProteinSequenceError} For an empty sequence or a letter without dipeptide values.
 * @example
 * ```ts
 * import { instabilityIndex } from "./protparam.ts";
 *
 * instabilityIndex("MKT"); // 6.666…
 * ```
 */
export function instabilityIndex(sequence: string): number {
  const residues = sequence.toUpperCase();
  requireResidues(residues);
  let score = 0.0;
  for (let index = 0; index < residues.length - 1; index++) {
    const row = DIWV_ROWS[residues[index]] ?? missingValue(residues, index, DIWV_WHAT);
    const column = STANDARD_AMINO_ACIDS.indexOf(residues[index + 1]);
    score += column === -1 ? missingValue(residues, index + 1, DIWV_WHAT) : row[column];
  }
  return (10.0 / residues.length) * score;
}

/**
 * Aromaticity (Lobry 1994): relative frequency of F, W and Y over the whole length.
 *
 * @throws {ProteinSequenceError} For an empty sequence.
 * @example
 * ```ts
 * import { aromaticity } from "./protparam.ts";
 *
 * aromaticity("FWYA"); // 0.75
 * ```
 */
export function aromaticity(sequence: string): number {
  const residues = sequence.toUpperCase();
  requireResidues(residues);
  const counts = countLetters(residues, "YWF");
  // Same association as Biopython's sum of per-letter fractions.
  return 0 + counts.Y / residues.length + counts.W / residues.length +
    counts.F / residues.length;
}

/**
 * Molar extinction coefficients at 280 nm in M⁻¹ cm⁻¹ (W × 5500 + Y × 1490, plus 125 per
 * cystine when every cysteine pair is bonded).
 *
 * @example
 * ```ts
 * import { molarExtinction } from "./protparam.ts";
 *
 * molarExtinction("WYCCC"); // { reduced: 6990, oxidized: 7115 }
 * ```
 */
export function molarExtinction(sequence: string): { reduced: number; oxidized: number } {
  const counts = countLetters(sequence.toUpperCase(), "WYC");
  const reduced = counts.W * 5500 + counts.Y * 1490;
  return { reduced, oxidized: reduced + Math.floor(counts.C / 2) * 125 };
}

/** Returns the charge as a function of pH for one sequence, with its tables resolved once. */
function chargeModel(sequence: string): (pH: number) => number {
  const residues = sequence.toUpperCase();
  requireResidues(residues);
  const counts: Record<string, number> = countLetters(residues, "KRHDECY");
  counts.Nterm = 1.0;
  counts.Cterm = 1.0;
  const positive = POSITIVE_PKS.map(([group, pK]): [number, number] => [
    counts[group],
    group === "Nterm" ? N_TERMINAL_PKS[residues[0]] ?? pK : pK,
  ]);
  const negative = NEGATIVE_PKS.map(([group, pK]): [number, number] => [
    counts[group],
    group === "Cterm" ? C_TERMINAL_PKS[residues[residues.length - 1]] ?? pK : pK,
  ]);
  return (pH) => {
    let positiveCharge = 0.0;
    for (const [count, pK] of positive) positiveCharge += count * (1.0 / (10 ** (pH - pK) + 1.0));
    let negativeCharge = 0.0;
    for (const [count, pK] of negative) negativeCharge += count * (1.0 / (10 ** (pK - pH) + 1.0));
    return positiveCharge - negativeCharge;
  };
}

function countLetters(residues: string, letters: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const letter of letters) counts[letter] = 0;
  for (const residue of residues) {
    if (residue in counts) counts[residue]++;
  }
  return counts;
}

/** "U (selenocysteine)", "O (pyrrolysine)" or both, for letters present in `counts`. */
function nonStandardLetters(counts: Record<string, number>): string {
  const names: string[] = [];
  if (counts.U > 0) names.push("U (selenocysteine)");
  if (counts.O > 0) names.push("O (pyrrolysine)");
  return names.join(" and ");
}

function requireResidues(residues: string): void {
  if (residues.length === 0) throw new ProteinSequenceError([{ message: "the sequence is empty" }]);
}

function lookup(
  table: Readonly<Record<string, number>>,
  residues: string,
  index: number,
  what: string,
): number {
  return table[residues[index]] ?? missingValue(residues, index, what);
}

function missingValue(residues: string, index: number, what: string): never {
  const letter = residues[index];
  const position = index + 1;
  throw new ProteinSequenceError([{
    letter,
    position,
    message: `letter ${JSON.stringify(letter)} at position ${position} has no ${what}`,
  }]);
}

function describeBadLetter(letter: string, position: number): string {
  const where = `${JSON.stringify(letter)} at position ${position}`;
  const upper = letter.toUpperCase();
  if (AMBIGUOUS_AMINO_ACIDS.includes(upper)) {
    return `letter ${where} is not an amino acid: X, B, Z and J are ambiguous codes ` +
      `with no defined mass or charge; replace it with a specific residue`;
  }
  if (letter === "*") {
    return `${where} is a stop; only one "*" at the very end of a sequence is allowed ` +
      `(and removed)`;
  }
  if (letter === "-" || letter === ".") {
    return `gap ${where} is not an amino acid; remove alignment gaps`;
  }
  if (/\s/.test(letter)) return `whitespace at position ${position} is not an amino acid`;
  if (/[A-Z]/.test(upper)) return `letter ${where} is not an amino acid`;
  return `character ${where} is not an amino acid`;
}
