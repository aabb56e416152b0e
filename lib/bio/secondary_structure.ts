/**
 * Secondary-structure prediction from sequence alone by the Chou–Fasman method
 * (P. Y. Chou & G. D. Fasman 1974, Biochemistry 13:222–245; parameters of 1978, Adv.
 * Enzymol. 47:45–148, in `_chou_fasman_data.ts`), with a per-residue confidence taken from
 * the prediction's own margin.
 *
 * The rules, as published:
 *
 * 1. **Helix nuclei**: 6 consecutive residues of which at least 4 are helix formers
 *    (Pα ≥ 1.03: the strong and ordinary formers E, M, A, L, K, F, Q, W, I, V), with
 *    ⟨Pα⟩ ≥ 1.03. A nucleus extends both ways while the tetrapeptide at its edge keeps
 *    ⟨Pα⟩ ≥ 1.00.
 * 2. **Strand nuclei**: 5 consecutive residues with at least 3 strand formers (Pβ ≥ 1.05:
 *    V, I, Y, F, W, L, C, T, Q, M), extended while the edge tetrapeptide keeps ⟨Pβ⟩ ≥ 1.00.
 * 3. A helix segment is kept when its ⟨Pα⟩ ≥ 1.03 and ⟨Pα⟩ > ⟨Pβ⟩; a strand when its
 *    ⟨Pβ⟩ ≥ 1.05 and ⟨Pβ⟩ > ⟨Pα⟩. Where kept helix and strand overlap, the state with the
 *    higher mean propensity over the overlap wins it.
 * 4. **β-turns**: a tetrapeptide i…i+3 with p(t) = f(i)·f(i+1)·f(i+2)·f(i+3) > 7.5 × 10⁻⁵,
 *    ⟨Pt⟩ > 1.00 and ⟨Pt⟩ above both ⟨Pα⟩ and ⟨Pβ⟩ is a turn; its residues are coil.
 * 5. Fragments left shorter than a helical turn (4 residues) or than 3 strand residues become
 *    coil.
 *
 * Confidence: each residue's three states are scored as a naive-Bayes posterior over a
 * 7-residue window (Chou–Fasman propensities are frequency ratios, so the product over the
 * window is a likelihood ratio; the turn propensity stands for coil; equal priors). The
 * confidence is `50 + 50 × (p(assigned state) − p(best other state))`, clipped to 0–100:
 * near 100 where the window agrees strongly with the assignment, 50 where two states tie,
 * below 50 where the rules assigned a state the residue's own window does not favour. It is a
 * margin, not a learned accuracy estimate: Chou–Fasman is right for about 50–60 % of
 * residues in three states.
 *
 * @example
 * ```ts
 * import { predictSecondaryStructure } from "./secondary_structure.ts";
 * const prediction = predictSecondaryStructure("MEELLKKAEELLKKAEELLKKGSPGVTVTVYVEV");
 * prediction.states.slice(0, 8); // "HHHHHHHH"
 * prediction.confidence.length; // 34
 * ```
 * @module
 */
import { CHOU_FASMAN } from "./_chou_fasman_data.ts";

/** A predicted state: α-helix, β-strand or coil. */
export type SecondaryState = "H" | "E" | "C";

/** The three states' posterior probabilities at one residue. */
export interface StateProbabilities {
  helix: number;
  strand: number;
  coil: number;
}

/** What {@linkcode predictSecondaryStructure} returns. */
export interface SecondaryStructurePrediction {
  /** The sequence predicted, upper case. */
  sequence: string;
  /** One state per residue: `H`, `E` or `C`. */
  states: string;
  /** 0-based starts of the β-turn tetrapeptides (their residues are `C`). */
  turns: number[];
  /** Window posterior of each state at each residue. */
  probabilities: StateProbabilities[];
  /** Per-residue confidence 0–100 from the margin of the assigned state (2 decimals). */
  confidence: number[];
}

/** The method, as results and files name it. */
export const SECONDARY_STRUCTURE_METHOD =
  "Chou-Fasman (Chou & Fasman 1974, Biochemistry 13:222; parameters of 1978, " +
  "Adv Enzymol 47:45)";

const HELIX_FORMER = 1.03;
const STRAND_FORMER = 1.05;
const TURN_THRESHOLD = 7.5e-5;
const WINDOW_HALF = 3;

/**
 * Predict helix, strand and coil for a protein sequence of the 20 standard amino acids.
 *
 * @throws {RangeError} For an empty sequence or a letter without Chou–Fasman parameters.
 * @example
 * ```ts
 * import { predictSecondaryStructure } from "./secondary_structure.ts";
 * predictSecondaryStructure("VKVIVTVEVNGKTYTVEV").states; // mostly "E", "C" at the NG turn
 * ```
 */
export function predictSecondaryStructure(sequence: string): SecondaryStructurePrediction {
  const letters = sequence.toUpperCase();
  const n = letters.length;
  if (n === 0) throw new RangeError("the sequence is empty");
  const params = [...letters].map((letter, index) => {
    const entry = CHOU_FASMAN[letter];
    if (entry === undefined) {
      throw new RangeError(
        `${JSON.stringify(sequence[index])} at position ${index + 1} has no Chou-Fasman ` +
          `parameters (the 20 standard amino acids only)`,
      );
    }
    return entry;
  });
  const pa = params.map((p) => p.helix);
  const pb = params.map((p) => p.strand);
  const pt = params.map((p) => p.turn);
  const meanA = windowMean(pa);
  const meanB = windowMean(pb);
  const meanT = windowMean(pt);

  const helix = nucleate(pa, { size: 6, formers: 4, former: HELIX_FORMER, mean: meanA });
  const strand = nucleate(pb, { size: 5, formers: 3, former: STRAND_FORMER, mean: meanB });
  keepSegments(helix, (s, e) => meanA(s, e) >= HELIX_FORMER && meanA(s, e) > meanB(s, e));
  keepSegments(strand, (s, e) => meanB(s, e) >= STRAND_FORMER && meanB(s, e) > meanA(s, e));
  // Overlaps go to the state with the higher mean propensity over the overlapping run.
  for (const [s, e] of runs((i) => helix[i] && strand[i], n)) {
    const toHelix = meanA(s, e) >= meanB(s, e);
    for (let i = s; i < e; i++) (toHelix ? strand : helix)[i] = false;
  }
  const turns: number[] = [];
  for (let i = 0; i + 4 <= n; i++) {
    const bend = params[i].bend[0] * params[i + 1].bend[1] * params[i + 2].bend[2] *
      params[i + 3].bend[3];
    const t = meanT(i, i + 4);
    if (bend > TURN_THRESHOLD && t > 1.0 && t > meanA(i, i + 4) && t > meanB(i, i + 4)) {
      turns.push(i);
      for (let k = i; k < i + 4; k++) helix[k] = strand[k] = false;
    }
  }
  for (const [s, e] of runs((i) => helix[i], n)) {
    if (e - s < 4) { for (let i = s; i < e; i++) helix[i] = false; }
  }
  for (const [s, e] of runs((i) => strand[i], n)) {
    if (e - s < 3) { for (let i = s; i < e; i++) strand[i] = false; }
  }
  let states = "";
  for (let i = 0; i < n; i++) states += helix[i] ? "H" : strand[i] ? "E" : "C";

  const probabilities = posteriors(pa, pb, pt);
  const confidence = probabilities.map((p, i) => {
    const values = { H: p.helix, E: p.strand, C: p.coil };
    const state = states[i] as SecondaryState;
    const others = (["H", "E", "C"] as const).filter((s) => s !== state).map((s) => values[s]);
    const margin = values[state] - Math.max(...others);
    return Math.round(100 * Math.min(100, Math.max(0, 50 + 50 * margin))) / 100;
  });
  return { sequence: letters, states, turns, probabilities, confidence };
}

/** Mean of `values[start..end)` in O(1), from prefix sums. */
function windowMean(values: number[]): (start: number, end: number) => number {
  const prefix = new Float64Array(values.length + 1);
  values.forEach((value, i) => (prefix[i + 1] = prefix[i] + value));
  return (start, end) => (prefix[end] - prefix[start]) / (end - start);
}

/** Nuclei of `size` residues with enough formers, extended while edge tetrapeptides stay ≥ 1. */
function nucleate(
  values: number[],
  rule: {
    size: number;
    formers: number;
    former: number;
    mean: (start: number, end: number) => number;
  },
): boolean[] {
  const n = values.length;
  const marked = new Array<boolean>(n).fill(false);
  for (let s = 0; s + rule.size <= n; s++) {
    let count = 0;
    for (let i = s; i < s + rule.size; i++) if (values[i] >= rule.former) count++;
    if (count < rule.formers || rule.mean(s, s + rule.size) < rule.former) continue;
    let start = s;
    let end = s + rule.size;
    while (start > 0 && (start + 3 > n || rule.mean(start - 1, start + 3) >= 1.0)) start--;
    while (end < n && (end - 3 < 0 || rule.mean(end - 3, end + 1) >= 1.0)) end++;
    for (let i = start; i < end; i++) marked[i] = true;
  }
  return marked;
}

/** Unmark every maximal run of marked residues that fails `keep`. */
function keepSegments(marked: boolean[], keep: (start: number, end: number) => boolean): void {
  for (const [s, e] of runs((i) => marked[i], marked.length)) {
    if (!keep(s, e)) { for (let i = s; i < e; i++) marked[i] = false; }
  }
}

/** Maximal runs `[start, end)` of indices where `test` holds. */
function runs(test: (index: number) => boolean, n: number): [number, number][] {
  const found: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const inside = i < n && test(i);
    if (inside && start < 0) start = i;
    if (!inside && start >= 0) {
      found.push([start, i]);
      start = -1;
    }
  }
  return found;
}

/** Naive-Bayes posteriors over a ±3 window: the product of each state's propensities. */
function posteriors(pa: number[], pb: number[], pt: number[]): StateProbabilities[] {
  const logPrefix = (values: number[]) => {
    const prefix = new Float64Array(values.length + 1);
    values.forEach((value, i) => (prefix[i + 1] = prefix[i] + Math.log(value)));
    return prefix;
  };
  const la = logPrefix(pa);
  const lb = logPrefix(pb);
  const lt = logPrefix(pt);
  const n = pa.length;
  return pa.map((_, i) => {
    const s = Math.max(0, i - WINDOW_HALF);
    const e = Math.min(n, i + WINDOW_HALF + 1);
    const h = la[e] - la[s];
    const b = lb[e] - lb[s];
    const c = lt[e] - lt[s];
    const top = Math.max(h, b, c);
    const eh = Math.exp(h - top);
    const eb = Math.exp(b - top);
    const ec = Math.exp(c - top);
    const total = eh + eb + ec;
    return { helix: eh / total, strand: eb / total, coil: ec / total };
  });
}
