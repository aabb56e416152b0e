/**
 * Shapes of the generated reference tables (`_*_data.ts`, written by
 * `scripts/gen_bio_tables.py`).
 * @module
 */

/** One NCBI genetic code. */
export interface GeneticCodeData {
  id: number;
  names: readonly string[];
  /** 64 letters, the amino acid of each codon in TCAG order; `*` for a stop. */
  aminoAcids: string;
  starts: readonly string[];
  /** Stop codons; in tables 27, 28 and 31 some of them also code for an amino acid. */
  stops: readonly string[];
}

/** A substitution matrix: `scores[i][j]` for `alphabet[i]` against `alphabet[j]`. */
export interface SubstitutionMatrixData {
  alphabet: string;
  scores: readonly (readonly number[])[];
}

/** An amino-acid scale. */
export interface ScaleData {
  name: string;
  values: Readonly<Record<string, number>>;
}
