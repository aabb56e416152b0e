/**
 * A "fold sketch": a 3D backbone model of a protein from its sequence alone, made of its
 * predicted secondary structure and nothing more. It is what the sandbox's `esmfold`
 * stand-in returns, and it is NOT a structure prediction in the ESMFold/AlphaFold sense:
 * there is no tertiary packing, helices and strands are not placed against each other.
 *
 * 1. Secondary structure per residue by Chou–Fasman ({@linkcode predictSecondaryStructure}).
 * 2. Backbone dihedrals from the states: α-helix (φ −57°, ψ −47°), antiparallel β-strand
 *    (−139°, 135°); the middle residues of each predicted β-turn tetrapeptide take the type I
 *    turn angles (i+1: −60°, −30°; i+2: −90°, 0°; Venkatachalam 1968); other coil residues
 *    take the basin their own window propensities favour — αR (−65°, −40°) when the helix
 *    posterior beats the strand posterior, polyproline II (−75°, 145°) otherwise — with
 *    proline always PPII and glycine in its left-handed basin (80°, 10°) when it leans to
 *    neither.
 * 3. Atoms from ideal geometry with the peptide builder, centred on the origin; the B-factor
 *    column holds the per-residue confidence (0–100, as ESMFold writes pLDDT), and HELIX /
 *    SHEET records give the predicted segments.
 *
 * @example
 * ```ts
 * import { sketchFold } from "./fold_sketch.ts";
 * const model = sketchFold("MEELLKKAEELLKKAEELLKKGSPGVTVTVYVEV");
 * model.prediction.states; // "HHHHHHHHHHHHHHHHHHCCCCCCCCEEEEEEEE"
 * model.pdb.startsWith("REMARK"); // true
 * ```
 * @module
 */
import {
  predictSecondaryStructure,
  type SecondaryStructurePrediction,
} from "../secondary_structure.ts";
import {
  buildPeptide,
  type BuiltPeptide,
  CONFORMATIONS,
  peptideToPdb,
  type SecondarySegment,
} from "./builder.ts";

/** Options of {@linkcode sketchFold}. */
export interface SketchFoldOptions {
  /** REMARK 250 lines written first (what made the model, and how). */
  remarks?: readonly string[];
  /** Chain id. Default `A`. */
  chain?: string;
}

/** A sketched model. */
export interface FoldSketch {
  /** The secondary-structure prediction the model is built from. */
  prediction: SecondaryStructurePrediction;
  /** φ and ψ used for each residue, in degrees. */
  phi: number[];
  psi: number[];
  /** Predicted helices and strands, 1-based inclusive. */
  segments: SecondarySegment[];
  /** The built peptide, centred on the origin. */
  peptide: BuiltPeptide;
  /** PDB text with the confidence in the B-factor column. */
  pdb: string;
}

const HELIX = CONFORMATIONS.alpha_helix;
const STRAND = CONFORMATIONS.beta_strand;
const TURN_I: readonly [[number, number], [number, number]] = [[-60, -30], [-90, 0]];
const COIL_ALPHA: [number, number] = [-65, -40];
const COIL_PPII: [number, number] = [
  CONFORMATIONS.polyproline_ii.phi,
  CONFORMATIONS.polyproline_ii.psi,
];
const GLY_LEFT: [number, number] = [80, 10];
// PDB coordinates are 8 columns with 3 decimals: −999.999 is the widest negative value.
const MAX_COORDINATE = 999.999;

/**
 * Sketch a protein's backbone from its sequence (20 standard amino acids).
 *
 * @throws {RangeError} For letters without parameters, or a model too large for PDB columns.
 * @example
 * ```ts
 * import { sketchFold } from "./fold_sketch.ts";
 * sketchFold("GSHMKVIVTVEV").pdb.includes("SHEET"); // true
 * ```
 */
export function sketchFold(sequence: string, options: SketchFoldOptions = {}): FoldSketch {
  const prediction = predictSecondaryStructure(sequence);
  const { states, probabilities } = prediction;
  const letters = prediction.sequence;
  const n = letters.length;
  const angles: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    if (states[i] === "H") angles.push([HELIX.phi, HELIX.psi]);
    else if (states[i] === "E") angles.push([STRAND.phi, STRAND.psi]);
    else if (letters[i] === "P") angles.push(COIL_PPII);
    else {
      const p = probabilities[i];
      if (letters[i] === "G" && p.coil > p.helix && p.coil > p.strand) angles.push(GLY_LEFT);
      else angles.push(p.helix >= p.strand ? COIL_ALPHA : COIL_PPII);
    }
  }
  for (const start of prediction.turns) {
    // Proline at i+1 suits a type I turn; the angles apply whatever the residue.
    angles[start + 1] = TURN_I[0];
    angles[start + 2] = TURN_I[1];
  }
  const phi = angles.map(([value]) => value);
  const psi = angles.map(([, value]) => value);
  const peptide = buildPeptide(letters, { phi, psi });
  centre(peptide);
  const segments: SecondarySegment[] = [];
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && states[j] === states[i]) j++;
    if (states[i] === "H") segments.push({ kind: "helix", start: i + 1, end: j });
    if (states[i] === "E") segments.push({ kind: "strand", start: i + 1, end: j });
    i = j;
  }
  const pdb = peptideToPdb(peptide, {
    chain: options.chain,
    remarks: options.remarks,
    secondaryStructure: segments,
    bFactors: prediction.confidence,
  });
  return { prediction, phi, psi, segments, peptide, pdb };
}

/** Move the peptide's centroid to the origin, and check it fits PDB coordinate columns. */
function centre(peptide: BuiltPeptide): void {
  let x = 0;
  let y = 0;
  let z = 0;
  let count = 0;
  for (const residue of peptide.residues) {
    for (const atom of residue.atoms) {
      x += atom.position.x;
      y += atom.position.y;
      z += atom.position.z;
      count++;
    }
  }
  x /= count;
  y /= count;
  z /= count;
  let extent = 0;
  for (const residue of peptide.residues) {
    for (const atom of residue.atoms) {
      const p = atom.position;
      atom.position = { x: p.x - x, y: p.y - y, z: p.z - z };
      extent = Math.max(
        extent,
        Math.abs(atom.position.x),
        Math.abs(atom.position.y),
        Math.abs(atom.position.z),
      );
    }
  }
  if (extent > MAX_COORDINATE) {
    throw new RangeError(
      `the sketched model reaches ${extent.toFixed(0)} Å from its centre, more than PDB ` +
        `coordinates hold (±999.999 Å): its predicted strands and helices run on without turns`,
    );
  }
}
