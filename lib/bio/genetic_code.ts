/**
 * Genetic codes and translation of DNA or RNA into protein, ported from Biopython 1.80
 * (`Bio.Seq.translate` with the NCBI tables of `Bio.Data.CodonTable`), including its handling
 * of IUPAC ambiguity codes:
 *
 * - An ambiguous codon whose every reading gives the same amino acid translates to it
 *   (`GCN` → A); one whose readings are all stops is a stop (`TAR`); one whose readings mix
 *   stops and amino acids is `X` (`TAN`, `NNN`).
 * - One whose readings are several amino acids translates to the most specific ambiguous
 *   amino-acid code covering them: B (D or N), Z (E or Q), J (I or L), otherwise X.
 *
 * Sequences may be DNA or RNA (U is read as T) in either case. A partial codon at the end is
 * ignored, as Biopython does (after a warning there); {@linkcode translate} reports it instead.
 *
 * @example
 * ```ts
 * import { reverseComplement, translate } from "./genetic_code.ts";
 *
 * translate("ATGGCCATTGTAATGGGCCGCTGA").protein; // "MAIVMGR*"
 * translate("ATGGCCATTGTAATGGGCCGCTGA", { stops: "truncate" }).protein; // "MAIVMGR"
 * translate("ATGAGATAA", { table: 2 }).protein; // "M**" (AGA is a stop in vertebrate mitochondria)
 * reverseComplement("ATGCRN"); // "NYGCAT"
 * ```
 * @module
 */
import type { GeneticCodeData } from "./_data_types.ts";
import { GENETIC_CODE_DATA } from "./_genetic_code_data.ts";

/** A genetic code ready for translation. */
export interface GeneticCode {
  /** NCBI table id. */
  readonly id: number;
  /** The first NCBI name, e.g. "Standard", "Vertebrate Mitochondrial". */
  readonly name: string;
  /** Every name NCBI gives the table. */
  readonly names: readonly string[];
  /** Codon (DNA, upper case) → amino acid, for the 64 unambiguous codons that code. */
  readonly forward: ReadonlyMap<string, string>;
  /** Unambiguous start codons. */
  readonly starts: ReadonlySet<string>;
  /** Unambiguous stop codons. */
  readonly stops: ReadonlySet<string>;
  /** Codons that are both a stop and an amino acid (tables 27, 28, 31); read as amino acids. */
  readonly dualCoding: readonly string[];
}

/** How stops are handled by {@linkcode translate}. */
export type StopHandling = "keep" | "truncate" | "cds";

/** Options of {@linkcode translate}. */
export interface TranslateOptions {
  /** NCBI genetic code id. Default 1 (standard). */
  table?: number;
  /**
   * `keep` (default): translate through stops, writing `stopSymbol`.
   * `truncate`: stop at the first in-frame stop codon (Biopython's `to_stop=True`).
   * `cds`: the sequence must be a complete coding sequence — a start codon (translated as M
   * whatever it codes for elsewhere), a whole number of codons, a final stop and no other;
   * the final stop is not translated (Biopython's `cds=True`).
   */
  stops?: StopHandling;
  /** Symbol for stops in `keep` mode. Default `*`. */
  stopSymbol?: string;
}

/** What {@linkcode translate} returns. */
export interface Translation {
  /** The protein, one letter per codon (stops as `stopSymbol` in `keep` mode). */
  protein: string;
  /** Codons translated (including any final stop in `cds` mode). */
  codons: number;
  /** Stop codons met in frame (in `truncate` mode at most one, the one translation ended on). */
  stops: number;
  /** Bases after the last whole codon, not translated. */
  trailingBases: number;
}

/** Thrown when a sequence cannot be translated as asked (Biopython's `TranslationError`). */
export class TranslationError extends Error {
  /**
   * @example
   * ```ts
   * import { TranslationError } from "./genetic_code.ts";
   * throw new TranslationError("first codon 'AAA' is not a start codon");
   * ```
   */
  constructor(message: string) {
    super(message);
    this.name = "TranslationError";
  }
}

/** IUPAC nucleotide codes and the bases they stand for (T stands for U in RNA). */
export const NUCLEOTIDE_CODES: Readonly<Record<string, string>> = {
  A: "A",
  C: "C",
  G: "G",
  T: "T",
  M: "AC",
  R: "AG",
  W: "AT",
  S: "CG",
  Y: "CT",
  K: "GT",
  V: "ACG",
  H: "ACT",
  D: "AGT",
  B: "CGT",
  N: "ACGT",
};

const COMPLEMENT: Readonly<Record<string, string>> = {
  A: "T",
  C: "G",
  G: "C",
  T: "A",
  U: "A",
  M: "K",
  R: "Y",
  W: "W",
  S: "S",
  Y: "R",
  K: "M",
  V: "B",
  H: "D",
  D: "H",
  B: "V",
  N: "N",
};

// Bio.Data.IUPACData.extended_protein_values: the ambiguous amino-acid codes a codon can get.
const AMBIGUOUS_AMINO_ACIDS: readonly (readonly [string, string])[] = [
  ["B", "DN"],
  ["J", "IL"],
  ["Z", "EQ"],
  ["X", "ACDEFGHIKLMNPQRSTVWY"],
];

const BASES = "TCAG";
const CODONS: readonly string[] = [...BASES].flatMap((a) =>
  [...BASES].flatMap((b) => [...BASES].map((c) => a + b + c))
);

/** Ids of every genetic code, ascending. */
export const GENETIC_CODE_IDS: readonly number[] = GENETIC_CODE_DATA.map((table) => table.id);

const CODES = new Map(GENETIC_CODE_DATA.map((data) => [data.id, buildCode(data)]));

/**
 * The genetic code with this NCBI id.
 *
 * @throws {RangeError} For an id NCBI does not define (7, 8, 17–20 are retired).
 * @example
 * ```ts
 * import { geneticCode } from "./genetic_code.ts";
 *
 * geneticCode(11).name; // "Bacterial"
 * geneticCode(2).forward.get("TGA"); // "W"
 * ```
 */
export function geneticCode(id: number): GeneticCode {
  const code = CODES.get(id);
  if (code === undefined) {
    throw new RangeError(
      `there is no NCBI genetic code ${id}; the codes are ${GENETIC_CODE_IDS.join(", ")}`,
    );
  }
  return code;
}

/**
 * Translate one reading frame of a DNA or RNA sequence, codon by codon from its first base.
 *
 * @throws {TranslationError} In `cds` mode when the sequence is not a complete coding
 * sequence; in `truncate` mode with a table that has dual-coding stop codons (Biopython
 * refuses it too); for a codon with a character that is not a nucleotide code.
 * @example
 * ```ts
 * import { translate } from "./genetic_code.ts";
 *
 * translate("ttgaaataa", { stops: "cds" }).protein; // "MK"
 * translate("ATGNNNTANGARRATTAGYTR").protein; // "MXXEB*L"
 * translate("AUGGCCUAAG").trailingBases; // 1
 * ```
 */
export function translate(sequence: string, options: TranslateOptions = {}): Translation {
  const code = geneticCode(options.table ?? 1);
  const mode = options.stops ?? "keep";
  const stopSymbol = options.stopSymbol ?? "*";
  let dna = toDna(sequence);
  if (mode === "truncate" && code.dualCoding.length > 0) {
    throw new TranslationError(
      `genetic code ${code.id} (${code.name}) has ${code.dualCoding.length} codon(s) that ` +
        `are both a stop and an amino acid (e.g. ${code.dualCoding[0]}), so translation ` +
        `cannot stop at the first stop`,
    );
  }
  const amino: string[] = [];
  let stops = 0;
  let codons = 0;
  if (mode === "cds") {
    const first = dna.slice(0, 3);
    if (!allReadings(first, code.starts)) {
      throw new TranslationError(`first codon ${first} is not a start codon of table ${code.id}`);
    }
    if (dna.length % 3 !== 0) {
      throw new TranslationError(`length ${dna.length} is not a multiple of three`);
    }
    const last = dna.slice(-3);
    if (!allReadings(last, code.stops)) {
      throw new TranslationError(`final codon ${last} is not a stop codon of table ${code.id}`);
    }
    dna = dna.slice(3, -3);
    amino.push("M");
    codons = 2;
    stops = 1;
  }
  const whole = dna.length - (dna.length % 3);
  for (let index = 0; index < whole; index += 3) {
    const codon = dna.slice(index, index + 3);
    const meaning = translateCodon(code, codon);
    codons++;
    if (meaning === STOP) {
      if (mode === "cds") {
        throw new TranslationError(
          `extra in-frame stop codon ${codon} at codon ${index / 3 + 2} (bases ${index + 4}–` +
            `${index + 6})`,
        );
      }
      stops++;
      if (mode === "truncate") break;
      amino.push(stopSymbol);
    } else {
      amino.push(meaning);
    }
  }
  return {
    protein: amino.join(""),
    codons,
    stops,
    trailingBases: mode === "cds" ? 0 : dna.length % 3,
  };
}

/**
 * The amino acid of one codon (`*` for a stop, `X` for an ambiguous codon that may be a
 * stop), with IUPAC ambiguity resolved as described in the module documentation.
 *
 * @throws {TranslationError} If the codon has a character that is not a nucleotide code.
 * @example
 * ```ts
 * import { geneticCode, translateCodon } from "./genetic_code.ts";
 *
 * translateCodon(geneticCode(1), "RAY"); // "B"
 * translateCodon(geneticCode(1), "TAR"); // "*"
 * ```
 */
export function translateCodon(code: GeneticCode, codon: string): string {
  const upper = codon.toUpperCase().replaceAll("U", "T");
  const cache = CODON_CACHE.get(code.id)!;
  const cached = cache.get(upper);
  if (cached !== undefined) return cached;
  const meaning = resolveCodon(code, upper);
  cache.set(upper, meaning);
  return meaning;
}

/**
 * Reverse complement of DNA or RNA, keeping IUPAC codes (R ↔ Y, K ↔ M…) and case. RNA input
 * gives DNA output (U pairs with A, and A pairs with T).
 *
 * @throws {TranslationError} For a character that is not a nucleotide code.
 * @example
 * ```ts
 * import { reverseComplement } from "./genetic_code.ts";
 *
 * reverseComplement("AACGTTr"); // "yAACGTT"
 * ```
 */
export function reverseComplement(sequence: string): string {
  let result = "";
  for (let index = sequence.length - 1; index >= 0; index--) {
    const letter = sequence[index];
    const complement = COMPLEMENT[letter.toUpperCase()];
    if (complement === undefined) {
      throw new TranslationError(`${JSON.stringify(letter)} is not a nucleotide code`);
    }
    result += letter === letter.toUpperCase() ? complement : complement.toLowerCase();
  }
  return result;
}

/** Problems with a nucleotide sequence: position (1-based), character and why. */
export interface NucleotideIssue {
  message: string;
  position?: number;
  letter?: string;
}

/**
 * Check that a sequence is DNA or RNA made of IUPAC nucleotide codes, either case. T and U
 * together are refused (a sequence is one or the other); so are gaps, stops and X (write N).
 *
 * @example
 * ```ts
 * import { nucleotideIssues } from "./genetic_code.ts";
 *
 * nucleotideIssues("ATGNNR"); // []
 * nucleotideIssues("ATGUUA")[0].message; // "the sequence mixes T (DNA) and U (RNA)…"
 * ```
 */
export function nucleotideIssues(
  sequence: string,
  options: { limit?: number } = {},
): NucleotideIssue[] {
  const limit = options.limit ?? Infinity;
  if (sequence.length === 0) return [{ message: "the sequence is empty" }];
  const issues: NucleotideIssue[] = [];
  let firstT = -1;
  let firstU = -1;
  for (let index = 0; index < sequence.length && issues.length < limit; index++) {
    const letter = sequence[index];
    const upper = letter.toUpperCase();
    if (upper === "T" && firstT === -1) firstT = index;
    if (upper === "U" && firstU === -1) firstU = index;
    if (upper in NUCLEOTIDE_CODES || upper === "U") continue;
    const where = `${JSON.stringify(letter)} at position ${index + 1}`;
    let message: string;
    if (letter === "-" || letter === ".") message = `gap ${where} is not a nucleotide; remove gaps`;
    else if (letter === "*") message = `${where} is a protein stop symbol, not a nucleotide`;
    else if (upper === "X") message = `${where} is not a nucleotide code; write N for any base`;
    else if (/[A-Z]/.test(upper)) {
      message = `letter ${where} is not a nucleotide code (A, C, G, T or U, or IUPAC ` +
        `R Y S W K M B D H V N); is this a protein sequence?`;
    } else message = `character ${where} is not a nucleotide code`;
    issues.push({ message, position: index + 1, letter });
  }
  if (firstT !== -1 && firstU !== -1 && issues.length < limit) {
    issues.push({
      message: `the sequence mixes T (DNA, position ${firstT + 1}) and U (RNA, position ` +
        `${firstU + 1}); use one or the other`,
    });
  }
  return issues;
}

const STOP = "*";
const CODON_CACHE = new Map<number, Map<string, string>>(
  GENETIC_CODE_DATA.map((data) => [data.id, new Map()]),
);

function buildCode(data: GeneticCodeData): GeneticCode {
  const forward = new Map<string, string>();
  CODONS.forEach((codon, index) => {
    const letter = data.aminoAcids[index];
    if (letter !== "*") forward.set(codon, letter);
  });
  const stops = new Set(data.stops);
  return {
    id: data.id,
    name: data.names[0],
    names: data.names,
    forward,
    starts: new Set(data.starts),
    stops,
    dualCoding: data.stops.filter((codon) => forward.has(codon)),
  };
}

function resolveCodon(code: GeneticCode, codon: string): string {
  const direct = code.forward.get(codon);
  if (direct !== undefined) return direct;
  if (codon.length !== 3) throw new TranslationError(`codon ${codon} is not three bases`);
  const readings = expand(codon);
  const amino = new Set<string>();
  let stops = 0;
  for (const reading of readings) {
    const letter = code.forward.get(reading);
    if (letter === undefined) stops++;
    else amino.add(letter);
  }
  if (stops > 0) return amino.size === 0 ? STOP : "X";
  if (amino.size === 1) return [...amino][0];
  // Biopython picks the smallest ambiguity set containing all readings, then alphabetically.
  const covering = AMBIGUOUS_AMINO_ACIDS
    .filter(([, members]) => [...amino].every((letter) => members.includes(letter)))
    .sort(([a, am], [b, bm]) => am.length - bm.length || (a < b ? -1 : 1));
  return covering[0][0];
}

/** Every unambiguous codon an ambiguous codon stands for. */
function expand(codon: string): string[] {
  let readings = [""];
  for (const letter of codon) {
    const bases = NUCLEOTIDE_CODES[letter];
    if (bases === undefined) {
      throw new TranslationError(`codon ${codon} has ${JSON.stringify(letter)}, not a nucleotide`);
    }
    readings = readings.flatMap((prefix) => [...bases].map((base) => prefix + base));
  }
  return readings;
}

/** Whether every reading of a (possibly ambiguous) codon is in `set`. */
function allReadings(codon: string, set: ReadonlySet<string>): boolean {
  if (codon.length !== 3) return false;
  try {
    return expand(codon).every((reading) => set.has(reading));
  } catch {
    return false;
  }
}

function toDna(sequence: string): string {
  return sequence.toUpperCase().replaceAll("U", "T");
}
