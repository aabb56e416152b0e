/**
 * The ExPASy ProtParam values Biopython does not compute: atomic composition and formula,
 * estimated half-life by the N-end rule, aliphatic index, and the charged-residue counts.
 * With `protparam.ts` (molecular weight, pI, extinction coefficients, instability index and
 * GRAVY, matching Biopython) this gives every field of ProtParam's report.
 *
 * @example
 * ```ts
 * import { aliphaticIndex, atomicComposition, halfLife } from "./protparam_expasy.ts";
 * atomicComposition("GG").formula; // "C4H8N2O3"
 * halfLife("MKT").mammalian; // "30 hours"
 * aliphaticIndex("AVIL"); // 25 + 2.9 × 25 + 3.9 × 50 = 292.5
 * ```
 * @module
 */
import { AMINO_ACID_FORMULAS, N_END_HALF_LIVES } from "./_expasy_protparam_data.ts";

/** Atom counts of a protein and its formula. */
export interface AtomicComposition {
  carbon: number;
  hydrogen: number;
  nitrogen: number;
  oxygen: number;
  sulfur: number;
  /** Selenium (selenocysteine, U). */
  selenium: number;
  /** All atoms. */
  total: number;
  /** Hill-order formula as ProtParam writes it, e.g. `C378H629N105O118S1`. */
  formula: string;
}

/** Estimated half-lives of {@linkcode halfLife}. */
export interface HalfLife {
  /** The N-terminal residue the estimate rests on. */
  nTerminal: string;
  /** Mammalian reticulocytes, in vitro; null when the residue has no value. */
  mammalian: string | null;
  /** Yeast, in vivo. */
  yeast: string | null;
  /** Escherichia coli, in vivo (null for proline, as in ProtParam). */
  ecoli: string | null;
}

/**
 * Atomic composition of the chain: the free amino acids' atoms minus one water per peptide
 * bond (ProtParam; the chain is uncharged, N-terminal NH2 and C-terminal COOH).
 *
 * @throws {RangeError} For an empty sequence or a letter without a formula.
 * @example
 * ```ts
 * import { atomicComposition } from "./protparam_expasy.ts";
 * atomicComposition("C").formula; // "C3H7N1O2S1"
 * ```
 */
export function atomicComposition(sequence: string): AtomicComposition {
  const residues = sequence.toUpperCase();
  if (residues.length === 0) throw new RangeError("the sequence is empty");
  const sums = [0, 0, 0, 0, 0, 0];
  for (let index = 0; index < residues.length; index++) {
    const formula = AMINO_ACID_FORMULAS[residues[index]];
    if (formula === undefined) {
      throw new RangeError(
        `${JSON.stringify(sequence[index])} at position ${index + 1} has no elemental formula`,
      );
    }
    for (let k = 0; k < 6; k++) sums[k] += formula[k];
  }
  const bonds = residues.length - 1;
  const [carbon, , nitrogen, , sulfur, selenium] = sums;
  const hydrogen = sums[1] - 2 * bonds;
  const oxygen = sums[3] - bonds;
  // ProtParam writes the count after every element it lists, 1 included, and lists S always.
  const formula = `C${carbon}H${hydrogen}N${nitrogen}O${oxygen}S${sulfur}` +
    (selenium > 0 ? `Se${selenium}` : "");
  return {
    carbon,
    hydrogen,
    nitrogen,
    oxygen,
    sulfur,
    selenium,
    total: carbon + hydrogen + nitrogen + oxygen + sulfur + selenium,
    formula,
  };
}

/**
 * Estimated half-life from the N-terminal residue (N-end rule), in ProtParam's words.
 *
 * @example
 * ```ts
 * import { halfLife } from "./protparam_expasy.ts";
 * halfLife("PEPTIDE"); // { nTerminal: "P", mammalian: ">20 hours", yeast: ">20 hours", ecoli: null }
 * ```
 */
export function halfLife(sequence: string): HalfLife {
  const nTerminal = sequence.slice(0, 1).toUpperCase();
  const values = N_END_HALF_LIVES[nTerminal];
  return {
    nTerminal,
    mammalian: values?.[0] ?? null,
    yeast: values?.[1] ?? null,
    ecoli: values?.[2] ?? null,
  };
}

/**
 * Aliphatic index (Ikai 1980, J. Biochem. 88:1895): X(Ala) + 2.9 × X(Val) + 3.9 × (X(Ile) +
 * X(Leu)), with X the mole percent of each residue — the relative volume of aliphatic side
 * chains.
 *
 * @example
 * ```ts
 * import { aliphaticIndex } from "./protparam_expasy.ts";
 * aliphaticIndex("GGGG"); // 0
 * ```
 */
export function aliphaticIndex(sequence: string): number {
  const residues = sequence.toUpperCase();
  if (residues.length === 0) throw new RangeError("the sequence is empty");
  const percent = (letter: string) =>
    100 * [...residues].filter((residue) => residue === letter).length / residues.length;
  return percent("A") + 2.9 * percent("V") + 3.9 * (percent("I") + percent("L"));
}

/**
 * ProtParam's charged-residue counts: negative (Asp + Glu) and positive (Arg + Lys).
 *
 * @example
 * ```ts
 * import { chargedResidues } from "./protparam_expasy.ts";
 * chargedResidues("DEKRH"); // { negative: 2, positive: 2 }
 * ```
 */
export function chargedResidues(sequence: string): { negative: number; positive: number } {
  let negative = 0;
  let positive = 0;
  for (const residue of sequence.toUpperCase()) {
    if (residue === "D" || residue === "E") negative++;
    else if (residue === "R" || residue === "K") positive++;
  }
  return { negative, positive };
}
