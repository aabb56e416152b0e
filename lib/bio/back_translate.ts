/**
 * Back-translation of a protein into a DNA coding sequence with the codon usage of an
 * expression host, and the usual descriptors of the result (GC content, GC at third codon
 * positions, codon adaptation index).
 *
 * Codon usage comes from the Kazusa Codon Usage Database (Nakamura, Gojobori & Ikemura 2000):
 * for each codon, its share among the codons of its amino acid, in `codon_usage.json`.
 *
 * Strategies:
 *
 * - `most_frequent`: every amino acid gets its host's most used codon (ties go to the codon
 *   first in alphabetical order). Deterministic; the codon adaptation index is 1.
 * - `weighted`: each position draws a codon with the host's probabilities, from a seeded
 *   pseudo-random generator, so the same seed gives the same DNA. Closer to a natural gene's
 *   codon mix and avoids long repeats.
 *
 * Letters: the 20 standard amino acids; `*` is a stop (the host's most used stop codon);
 * U (selenocysteine) is encoded as TGA and O (pyrrolysine) as TAG, the codons they are
 * recoded from. Ambiguous codes (X, B, Z, J) have no single codon and are refused.
 *
 * @example
 * ```ts
 * import { backTranslate } from "./back_translate.ts";
 *
 * const result = backTranslate("MKW", { host: "e_coli" });
 * result.dna; // "ATGAAATGG"
 * result.gcContent; // 0.333…
 * ```
 * @module
 */
import usage from "./codon_usage.json" with { type: "json" };

/** Host organisms with a codon usage table. */
export const HOSTS: Readonly<Record<string, { name: string; taxid: number }>> = Object
  .fromEntries(
    Object.entries(usage.hosts).map(([id, host]) => [id, { name: host.name, taxid: host.taxid }]),
  );

/** Where the codon usage tables come from. */
export const CODON_USAGE_SOURCE: string = usage.source;

/** Back-translation strategies. */
export type BackTranslationStrategy = "most_frequent" | "weighted";

/** Options of {@linkcode backTranslate}. */
export interface BackTranslateOptions {
  /** Host id, one of the keys of {@linkcode HOSTS}. Default `e_coli`. */
  host?: string;
  /** Default `most_frequent`. */
  strategy?: BackTranslationStrategy;
  /** Seed of the `weighted` strategy. Default 1. */
  seed?: number;
  /** Append the host's most used stop codon unless the protein already ends with `*`. */
  addStop?: boolean;
}

/** A back-translated sequence. */
export interface BackTranslation {
  /** The coding DNA: one codon per residue, `*` included (and the stop `addStop` appends). */
  dna: string;
  /** Fraction of G and C over the whole sequence, 0–1. */
  gcContent: number;
  /** Fraction of G and C at third codon positions, 0–1. */
  gc3Content: number;
  /**
   * Codon adaptation index against the host table (geometric mean of each codon's usage
   * relative to its amino acid's most used codon), over amino acids with more than one
   * codon; null when there are none.
   */
  cai: number | null;
}

/** A codon and its share among its amino acid's codons. */
export interface CodonChoice {
  codon: string;
  fraction: number;
}

type HostTable = { name: string; taxid: number; codons: Record<string, (string | number)[]> };

const RECODED: Readonly<Record<string, string>> = { U: "TGA", O: "TAG" };
const TABLES = new Map<string, Map<string, CodonChoice[]>>();

/**
 * The codons of each amino acid (`*` for stops) in a host, most used first.
 *
 * @throws {RangeError} For an unknown host.
 * @example
 * ```ts
 * import { hostCodons } from "./back_translate.ts";
 * hostCodons("human").get("K"); // [{ codon: "AAG", fraction: 0.57 }, { codon: "AAA", fraction: 0.43 }]
 * ```
 */
export function hostCodons(host: string): ReadonlyMap<string, readonly CodonChoice[]> {
  const cached = TABLES.get(host);
  if (cached) return cached;
  const table = (usage.hosts as Record<string, HostTable>)[host];
  if (table === undefined) {
    throw new RangeError(`unknown host "${host}"; hosts are ${Object.keys(HOSTS).join(", ")}`);
  }
  const byAmino = new Map<string, CodonChoice[]>();
  for (const [codon, [amino, fraction]] of Object.entries(table.codons)) {
    const list = byAmino.get(amino as string) ?? [];
    list.push({ codon, fraction: fraction as number });
    byAmino.set(amino as string, list);
  }
  for (const list of byAmino.values()) {
    list.sort((a, b) => b.fraction - a.fraction || (a.codon < b.codon ? -1 : 1));
  }
  TABLES.set(host, byAmino);
  return byAmino;
}

/**
 * Letters {@linkcode backTranslate} refuses, with their 1-based positions.
 *
 * @example
 * ```ts
 * import { backTranslationIssues } from "./back_translate.ts";
 * backTranslationIssues("MKXA")[0].message; // 'letter "X" at position 3 is ambiguous…'
 * ```
 */
export function backTranslationIssues(
  protein: string,
  options: { limit?: number } = {},
): { message: string; position?: number; letter?: string }[] {
  const limit = options.limit ?? Infinity;
  if (protein.length === 0) return [{ message: "the sequence is empty" }];
  const codons = hostCodons("e_coli");
  const issues: { message: string; position?: number; letter?: string }[] = [];
  for (let index = 0; index < protein.length && issues.length < limit; index++) {
    const letter = protein[index];
    const upper = letter.toUpperCase();
    if (codons.has(upper) || upper in RECODED) continue;
    const where = `${JSON.stringify(letter)} at position ${index + 1}`;
    issues.push({
      position: index + 1,
      letter,
      message: "XBZJ".includes(upper)
        ? `letter ${where} is ambiguous and has no single codon; replace it with a specific ` +
          `amino acid`
        : /[A-Z]/.test(upper)
        ? `letter ${where} is not an amino acid`
        : `character ${where} is not an amino acid`,
    });
  }
  return issues;
}

/**
 * Back-translate a protein.
 *
 * @throws {RangeError} For an unknown host or a letter {@linkcode backTranslationIssues} refuses.
 * @example
 * ```ts
 * import { backTranslate } from "./back_translate.ts";
 *
 * backTranslate("MAL*", { host: "yeast" }).dna; // "ATGGCTTTGTAA"
 * backTranslate("MAL", { host: "human", strategy: "weighted", seed: 7 }).dna.length; // 9
 * ```
 */
export function backTranslate(
  protein: string,
  options: BackTranslateOptions = {},
): BackTranslation {
  const host = options.host ?? "e_coli";
  const strategy = options.strategy ?? "most_frequent";
  const codons = hostCodons(host);
  const issue = backTranslationIssues(protein, { limit: 1 })[0];
  if (issue !== undefined) throw new RangeError(issue.message);
  const random = mulberry32(options.seed ?? 1);
  let residues = protein.toUpperCase();
  if (options.addStop && !residues.endsWith("*")) residues += "*";
  const parts: string[] = [];
  for (const residue of residues) {
    const recoded = RECODED[residue];
    if (recoded !== undefined) {
      parts.push(recoded);
      continue;
    }
    const choices = codons.get(residue)!;
    parts.push(strategy === "weighted" ? draw(choices, random()) : choices[0].codon);
  }
  const dna = parts.join("");
  return {
    dna,
    gcContent: gcFraction(dna),
    gc3Content: gcFraction(parts.map((codon) => codon[2]).join("")),
    cai: codonAdaptationIndex(dna, { host }),
  };
}

/**
 * Fraction of G and C (and S, which is G or C) among the bases of a DNA or RNA sequence,
 * 0–1; other ambiguity codes are left out of the count, like Biopython's
 * `gc_fraction(seq, ambiguous="remove")`. Empty input gives 0.
 *
 * @example
 * ```ts
 * import { gcFraction } from "./back_translate.ts";
 * gcFraction("ATGC"); // 0.5
 * gcFraction("GGNN"); // 1
 * ```
 */
export function gcFraction(sequence: string): number {
  let gc = 0;
  let counted = 0;
  for (const letter of sequence.toUpperCase()) {
    if (letter === "G" || letter === "C" || letter === "S") {
      gc++;
      counted++;
    } else if (letter === "A" || letter === "T" || letter === "U" || letter === "W") {
      counted++;
    }
  }
  return counted === 0 ? 0 : gc / counted;
}

/**
 * Codon adaptation index of a coding sequence against a host's codon usage (Sharp & Li 1987
 * with the host table as reference): the geometric mean, over codons of amino acids that have
 * more than one codon, of the codon's share divided by the largest share for that amino acid.
 * Stops, ATG, TGG and codons with ambiguity codes are left out; null when nothing is left.
 *
 * @example
 * ```ts
 * import { codonAdaptationIndex } from "./back_translate.ts";
 * codonAdaptationIndex("CTGCTA", { host: "e_coli" }); // √(1 × 0.04/0.50) ≈ 0.283
 * ```
 */
export function codonAdaptationIndex(dna: string, options: { host?: string } = {}): number | null {
  const codons = hostCodons(options.host ?? "e_coli");
  const weights = new Map<string, number>();
  for (const [amino, choices] of codons) {
    if (amino === "*" || choices.length < 2) continue;
    for (const choice of choices) weights.set(choice.codon, choice.fraction / choices[0].fraction);
  }
  const upper = dna.toUpperCase().replaceAll("U", "T");
  let logSum = 0;
  let count = 0;
  for (let index = 0; index + 3 <= upper.length; index += 3) {
    const weight = weights.get(upper.slice(index, index + 3));
    if (weight === undefined || weight === 0) continue;
    logSum += Math.log(weight);
    count++;
  }
  return count === 0 ? null : Math.exp(logSum / count);
}

function draw(choices: readonly CodonChoice[], unit: number): string {
  let total = 0;
  for (const choice of choices) total += choice.fraction;
  let target = unit * total;
  for (const choice of choices) {
    target -= choice.fraction;
    if (target < 0) return choice.codon;
  }
  return choices[choices.length - 1].codon;
}

/** A small, fast, seedable generator (Mulberry32); uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6D2B79F5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
