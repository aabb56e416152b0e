/**
 * Chou–Fasman conformational parameters: for each amino acid its propensity for the α-helix
 * (Pα), the β-strand (Pβ) and the β-turn (Pt) — its frequency in that state over its
 * frequency overall, so 1.00 is indifferent — and the positional bend frequencies f(i),
 * f(i+1), f(i+2), f(i+3) of the β-turn tetrapeptide.
 *
 * Source: P. Y. Chou and G. D. Fasman (1978), "Empirical predictions of protein
 * conformation", Annu. Rev. Biochem. 47:251–276, and "Prediction of the secondary structure
 * of proteins from their amino acid sequence", Adv. Enzymol. Relat. Areas Mol. Biol.
 * 47:45–148 (29 proteins). Widely re-tabulated copies swap the Asn and Asp rows; these are
 * the right way round (Asp: Pα 1.01, Pt 1.46; Asn: Pα 0.67, Pt 1.56).
 * @module
 */

/** One amino acid's Chou–Fasman parameters. */
export interface ChouFasmanParameters {
  /** α-helix propensity Pα. */
  helix: number;
  /** β-strand propensity Pβ. */
  strand: number;
  /** β-turn propensity Pt. */
  turn: number;
  /** Bend frequencies at positions i, i+1, i+2, i+3 of a β-turn. */
  bend: readonly [number, number, number, number];
}

/** Chou–Fasman parameters of the 20 standard amino acids, by one-letter code. */
export const CHOU_FASMAN: Readonly<Record<string, ChouFasmanParameters>> = {
  A: { helix: 1.42, strand: 0.83, turn: 0.66, bend: [0.060, 0.076, 0.035, 0.058] },
  R: { helix: 0.98, strand: 0.93, turn: 0.95, bend: [0.070, 0.106, 0.099, 0.085] },
  N: { helix: 0.67, strand: 0.89, turn: 1.56, bend: [0.161, 0.083, 0.191, 0.091] },
  D: { helix: 1.01, strand: 0.54, turn: 1.46, bend: [0.147, 0.110, 0.179, 0.081] },
  C: { helix: 0.70, strand: 1.19, turn: 1.19, bend: [0.149, 0.050, 0.117, 0.128] },
  Q: { helix: 1.11, strand: 1.10, turn: 0.98, bend: [0.074, 0.098, 0.037, 0.098] },
  E: { helix: 1.51, strand: 0.37, turn: 0.74, bend: [0.056, 0.060, 0.077, 0.064] },
  G: { helix: 0.57, strand: 0.75, turn: 1.56, bend: [0.102, 0.085, 0.190, 0.152] },
  H: { helix: 1.00, strand: 0.87, turn: 0.95, bend: [0.140, 0.047, 0.093, 0.054] },
  I: { helix: 1.08, strand: 1.60, turn: 0.47, bend: [0.043, 0.034, 0.013, 0.056] },
  L: { helix: 1.21, strand: 1.30, turn: 0.59, bend: [0.061, 0.025, 0.036, 0.070] },
  K: { helix: 1.16, strand: 0.74, turn: 1.01, bend: [0.055, 0.115, 0.072, 0.095] },
  M: { helix: 1.45, strand: 1.05, turn: 0.60, bend: [0.068, 0.082, 0.014, 0.055] },
  F: { helix: 1.13, strand: 1.38, turn: 0.60, bend: [0.059, 0.041, 0.065, 0.065] },
  P: { helix: 0.57, strand: 0.55, turn: 1.52, bend: [0.102, 0.301, 0.034, 0.068] },
  S: { helix: 0.77, strand: 0.75, turn: 1.43, bend: [0.120, 0.139, 0.125, 0.106] },
  T: { helix: 0.83, strand: 1.19, turn: 0.96, bend: [0.086, 0.108, 0.065, 0.079] },
  W: { helix: 1.08, strand: 1.37, turn: 0.96, bend: [0.077, 0.013, 0.064, 0.167] },
  Y: { helix: 0.69, strand: 1.47, turn: 1.14, bend: [0.082, 0.065, 0.114, 0.125] },
  V: { helix: 1.06, strand: 1.70, turn: 0.50, bend: [0.062, 0.048, 0.028, 0.053] },
};
