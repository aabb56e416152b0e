/**
 * Tables of ExPASy ProtParam (Gasteiger et al. 2005, "Protein identification and analysis
 * tools on the ExPASy server", in The Proteomics Protocols Handbook, pp. 571–607) that
 * Biopython does not have: elemental formulas of the free amino acids (for the atomic
 * composition) and the N-end rule half-lives.
 * @module
 */

/** Elemental formula of each free amino acid: C, H, N, O, S, Se atoms. */
export const AMINO_ACID_FORMULAS: Readonly<
  Record<string, readonly [c: number, h: number, n: number, o: number, s: number, se: number]>
> = {
  A: [3, 7, 1, 2, 0, 0],
  R: [6, 14, 4, 2, 0, 0],
  N: [4, 8, 2, 3, 0, 0],
  D: [4, 7, 1, 4, 0, 0],
  C: [3, 7, 1, 2, 1, 0],
  Q: [5, 10, 2, 3, 0, 0],
  E: [5, 9, 1, 4, 0, 0],
  G: [2, 5, 1, 2, 0, 0],
  H: [6, 9, 3, 2, 0, 0],
  I: [6, 13, 1, 2, 0, 0],
  L: [6, 13, 1, 2, 0, 0],
  K: [6, 14, 2, 2, 0, 0],
  M: [5, 11, 1, 2, 1, 0],
  F: [9, 11, 1, 2, 0, 0],
  P: [5, 9, 1, 2, 0, 0],
  S: [3, 7, 1, 3, 0, 0],
  T: [4, 9, 1, 3, 0, 0],
  W: [11, 12, 2, 2, 0, 0],
  Y: [9, 11, 1, 3, 0, 0],
  V: [5, 11, 1, 2, 0, 0],
  // Selenocysteine and pyrrolysine.
  U: [3, 7, 1, 2, 0, 1],
  O: [12, 21, 3, 3, 0, 0],
};

/**
 * Estimated half-life by N-terminal residue (the N-end rule): mammalian reticulocytes in
 * vitro (Bachmair, Finley & Varshavsky 1986), yeast in vivo (Bachmair et al. 1986; Gonda et
 * al. 1989) and Escherichia coli in vivo (Tobias et al. 1991), as ProtParam gives them;
 * `null` where ProtParam has no value (Pro in E. coli).
 */
export const N_END_HALF_LIVES: Readonly<
  Record<string, readonly [mammalian: string, yeast: string, ecoli: string | null]>
> = {
  A: ["4.4 hours", ">20 hours", ">10 hours"],
  R: ["1 hour", "2 min", "2 min"],
  N: ["1.4 hours", "3 min", ">10 hours"],
  D: ["1.1 hours", "3 min", ">10 hours"],
  C: ["1.2 hours", ">20 hours", ">10 hours"],
  Q: ["0.8 hours", "10 min", ">10 hours"],
  E: ["1 hour", "30 min", ">10 hours"],
  G: ["30 hours", ">20 hours", ">10 hours"],
  H: ["3.5 hours", "10 min", ">10 hours"],
  I: ["20 hours", "30 min", ">10 hours"],
  L: ["5.5 hours", "3 min", "2 min"],
  K: ["1.3 hours", "3 min", "2 min"],
  M: ["30 hours", ">20 hours", ">10 hours"],
  F: ["1.1 hours", "3 min", "2 min"],
  P: [">20 hours", ">20 hours", null],
  S: ["1.9 hours", ">20 hours", ">10 hours"],
  T: ["7.2 hours", ">20 hours", ">10 hours"],
  W: ["2.8 hours", "3 min", "2 min"],
  Y: ["2.8 hours", "10 min", "2 min"],
  V: ["100 hours", ">20 hours", ">10 hours"],
};
