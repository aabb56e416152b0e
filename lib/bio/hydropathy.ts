/**
 * Sliding-window amino-acid scale profiles (hydropathy and friends), ported from Biopython 1.80
 * (`ProteinAnalysis.protein_scale`, the same algorithm as ExPASy ProtScale), and the
 * Kyte–Doolittle way of finding candidate transmembrane segments on such a profile.
 *
 * A window of `w` residues (odd) gives one value per window, `length − w + 1` in all, placed
 * at the window's centre residue. Residues towards the window's ends can weigh less (`edge`,
 * between 0 and 1; the centre always weighs 1). The value is the weighted mean.
 *
 * Letters without a scale value (U, O, X, B, Z…) are handled as Biopython does: when such a
 * letter is one of a symmetric pair of window positions, neither of the pair contributes; the
 * weights still count in the mean. {@linkcode scaleProfile} reports which letters were
 * missing so the caller can say so.
 *
 * @example
 * ```ts
 * import { scaleProfile, thresholdSegments } from "./hydropathy.ts";
 *
 * const profile = scaleProfile("MKTLLILAVVAAALARSSAQ", { window: 5 });
 * profile.values.length; // 16
 * profile.positions[0]; // 3 (1-based centre of the first window)
 * thresholdSegments(profile, 1.6); // [{ start: 3, end: 15, … }]
 * ```
 * @module
 */
import { SCALE_DATA } from "./_scale_data.ts";

/** Ids of the scales {@linkcode scaleProfile} knows. */
export const SCALE_IDS: readonly string[] = Object.keys(SCALE_DATA);

/** Options of {@linkcode scaleProfile}. */
export interface ScaleProfileOptions {
  /** Scale id, see {@linkcode SCALE_IDS}. Default `kyte_doolittle`. */
  scale?: string;
  /** Window size, odd, at least 3. Default 9. */
  window?: number;
  /** Relative weight of the window's ends, 0–1 (centre is 1, linear in between). Default 1. */
  edge?: number;
}

/** A profile along a sequence. */
export interface ScaleProfile {
  /** Id of the scale used, e.g. `kyte_doolittle`. */
  scale: string;
  /** The scale's full name, for labels. */
  scaleName: string;
  /** Window size used (residues). */
  window: number;
  /** Relative weight of the window's ends used, 0–1. */
  edge: number;
  /** 1-based position of the centre residue of each window. */
  positions: number[];
  /** The profile value of each window. */
  values: number[];
  /** Letters with no value on the scale, with their 1-based positions. */
  missing: { letter: string; position: number }[];
}

/** A stretch of windows at or above a threshold. */
export interface ProfileSegment {
  /** First residue covered by the segment's windows (1-based). */
  start: number;
  /** Last residue covered by the segment's windows (1-based). */
  end: number;
  /** Centre residue of the first window at or above the threshold (1-based). */
  firstCentre: number;
  /** Centre residue of the last window at or above the threshold (1-based). */
  lastCentre: number;
  /** Highest profile value in the segment. */
  peak: number;
  /** Centre residue of the window with the highest value (1-based). */
  peakPosition: number;
}

/**
 * The name and values of a scale.
 *
 * @throws {RangeError} For an unknown scale id.
 * @example
 * ```ts
 * import { scaleValues } from "./hydropathy.ts";
 * scaleValues("kyte_doolittle").values.I; // 4.5
 * ```
 */
export function scaleValues(
  scale: string,
): { name: string; values: Readonly<Record<string, number>> } {
  const data = SCALE_DATA[scale];
  if (data === undefined) {
    throw new RangeError(`unknown scale "${scale}"; scales are ${SCALE_IDS.join(", ")}`);
  }
  return data;
}

/**
 * The windowed profile of a protein on a scale (Biopython `protein_scale`). A sequence
 * shorter than the window gives an empty profile.
 *
 * @throws {RangeError} For an unknown scale, an even or too small window, or an edge outside 0–1.
 * @example
 * ```ts
 * import { scaleProfile } from "./hydropathy.ts";
 * scaleProfile("AAAAAKKKKK", { window: 3, edge: 0.5 }).values[0]; // 1.8
 * ```
 */
export function scaleProfile(sequence: string, options: ScaleProfileOptions = {}): ScaleProfile {
  const scale = options.scale ?? "kyte_doolittle";
  const window = options.window ?? 9;
  const edge = options.edge ?? 1.0;
  const { name, values: table } = scaleValues(scale);
  if (!Number.isInteger(window) || window < 3 || window % 2 === 0) {
    throw new RangeError(`the window must be an odd whole number of at least 3, not ${window}`);
  }
  if (!(edge >= 0 && edge <= 1)) throw new RangeError(`the edge weight must be 0–1, not ${edge}`);
  const residues = sequence.toUpperCase();
  const half = Math.floor(window / 2);
  // Biopython's one-sided weight list, outermost first.
  const unit = 2 * (1.0 - edge) / (window - 1);
  const weights: number[] = [];
  for (let index = 0; index < half; index++) weights.push(edge + unit * index);
  let weightSum = 0;
  for (const weight of weights) weightSum += weight;
  const sumOfWeights = weightSum * 2 + 1;

  const positions: number[] = [];
  const values: number[] = [];
  for (let start = 0; start + window <= residues.length; start++) {
    let score = 0.0;
    for (let offset = 0; offset < half; offset++) {
      const front = table[residues[start + offset]];
      const back = table[residues[start + window - offset - 1]];
      if (front === undefined || back === undefined) continue;
      score += weights[offset] * front + weights[offset] * back;
    }
    const middle = table[residues[start + half]];
    if (middle !== undefined) score += middle;
    positions.push(start + half + 1);
    values.push(score / sumOfWeights);
  }
  const missing: { letter: string; position: number }[] = [];
  for (let index = 0; index < residues.length; index++) {
    if (table[residues[index]] === undefined) {
      missing.push({ letter: sequence[index], position: index + 1 });
    }
  }
  return { scale, scaleName: name, window, edge, positions, values, missing };
}

/**
 * Stretches of consecutive windows whose value is at or above `threshold`. With the
 * Kyte–Doolittle scale, a window of 19 and a threshold of 1.6, these are candidate
 * transmembrane helices (Kyte & Doolittle 1982). `start`/`end` span every residue the
 * windows cover; stretches whose residues overlap (a brief dip below the threshold inside one
 * hydrophobic region) are merged into one segment.
 *
 * @example
 * ```ts
 * import { scaleProfile, thresholdSegments } from "./hydropathy.ts";
 * const profile = scaleProfile("KKKKKLLLLLLLLLLKKKKK", { window: 5 });
 * thresholdSegments(profile, 1.6).map(({ start, end }) => [start, end]); // [[5, 16]]
 * ```
 */
export function thresholdSegments(profile: ScaleProfile, threshold: number): ProfileSegment[] {
  const half = Math.floor(profile.window / 2);
  const segments: ProfileSegment[] = [];
  let current: ProfileSegment | undefined;
  profile.values.forEach((value, index) => {
    const centre = profile.positions[index];
    if (value >= threshold) {
      if (current === undefined) {
        current = {
          start: centre - half,
          end: centre + half,
          firstCentre: centre,
          lastCentre: centre,
          peak: value,
          peakPosition: centre,
        };
        segments.push(current);
      } else {
        current.end = centre + half;
        current.lastCentre = centre;
        if (value > current.peak) {
          current.peak = value;
          current.peakPosition = centre;
        }
      }
    } else {
      current = undefined;
    }
  });
  const merged: ProfileSegment[] = [];
  for (const segment of segments) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && segment.start <= previous.end) {
      previous.end = Math.max(previous.end, segment.end);
      previous.lastCentre = segment.lastCentre;
      if (segment.peak > previous.peak) {
        previous.peak = segment.peak;
        previous.peakPosition = segment.peakPosition;
      }
    } else {
      merged.push(segment);
    }
  }
  return merged;
}
