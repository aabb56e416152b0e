/**
 * Analyses of a parsed structure, each following Biopython 1.80's conventions so results can
 * be checked against it:
 *
 * - {@linkcode parseStructure}: PDB or mmCIF text → {@linkcode Structure}.
 * - {@linkcode chainSequences}: one sequence per chain from SEQRES (`Bio.SeqIO` "pdb-seqres" /
 *   "cif-seqres") or from the atoms of the first model ("pdb-atom" / "cif-atom": amino-acid
 *   residues only, numbering gaps filled with X).
 * - {@linkcode polypeptides}: runs of amino-acid residues joined by peptide bonds (C–N ≤ 1.8 Å,
 *   `PPBuilder`), with φ/ψ per residue.
 * - {@linkcode analyzeStructure}: chains, residue and atom counts, radius of gyration,
 *   per-residue B-factors, Cα contacts, φ/ψ and DSSP secondary structure of the first model.
 *
 * @example
 * ```ts
 * import { analyzeStructure, parseStructure } from "./analysis.ts";
 * import { buildPeptide, peptideToPdb } from "./builder.ts";
 *
 * const pdb = peptideToPdb(buildPeptide("AAAAAAAAAAAA", { phi: -57, psi: -47 }));
 * const analysis = analyzeStructure(parseStructure(pdb, "pdb"));
 * analysis.residues.map((r) => r.secondaryStructure).join(""); // "CHHHHHHHHHHC"
 * ```
 * @module
 */
import { assignSecondaryStructure, type DsspCode } from "./dssp.ts";
import { dihedral, distance, radiusOfGyration, type Vec3 } from "./geometry.ts";
import { parseMmcif } from "./mmcif.ts";
import {
  type Chain,
  elementMass,
  findAtom,
  type Model,
  oneLetterCode,
  type Residue,
  type Structure,
  StructureFormatError,
  WATER_NAMES,
} from "./model.ts";
import { parsePdb } from "./pdb.ts";

/**
 * Structure file formats the parsers read.
 *
 * @example
 * ```ts
 * import { STRUCTURE_FORMATS, type StructureFormat } from "../../../mod.ts";
 *
 * function formatOf(path: string): StructureFormat {
 *   const extension = path.split(".").pop()?.toLowerCase();
 *   return STRUCTURE_FORMATS.find((format) => format === extension) ?? "pdb";
 * }
 * formatOf("AF-P69905-F1-model_v4.cif"); // "cif": then readStructure(text, "cif")
 * ```
 */
export const STRUCTURE_FORMATS = ["pdb", "cif", "mmcif"] as const;

/** A structure file format. */
export type StructureFormat = typeof STRUCTURE_FORMATS[number];

/**
 * Parse PDB or mmCIF text (`cif` and `mmcif` are the same format).
 *
 * @throws {StructureFormatError} When the text cannot be read as that format.
 * @example
 * ```ts
 * import { parseStructure } from "./analysis.ts";
 * parseStructure("data_x\n_entry.id X\n", "cif"); // throws: no _atom_site records
 * ```
 */
export function parseStructure(text: string, format: StructureFormat): Structure {
  return format === "pdb" ? parsePdb(text) : parseMmcif(text);
}

/** A chain sequence. */
export interface ChainSequence {
  /** Chain id, e.g. `A`. */
  chain: string;
  /** One-letter sequence (X for residues without a one-letter code, and gaps when filled). */
  sequence: string;
  /** Molecule name from COMPND / `_entity`, empty when unknown. */
  molecule: string;
  /** First residue number (atom sequences only). */
  start?: number;
  /** Last residue number (atom sequences only). */
  end?: number;
}

/** Options of {@linkcode chainSequences}. */
export interface ChainSequenceOptions {
  /** `seqres` (the full sequence the authors deposited) or `atom` (residues with coordinates). */
  source: "seqres" | "atom";
  /** Atom sequences: fill numbering gaps with X (Biopython does). Default true. */
  fillGaps?: boolean;
}

/**
 * Sequences of the protein chains, sorted by chain id as Biopython does. Residue names map
 * to one-letter codes through Biopython's table of standard and modified amino acids, plus
 * SEC → U and PYL → O; SEQRES residues that are not amino acids (nucleotides, UNK) become X,
 * and chains with no amino acid at all are left out.
 *
 * @throws {StructureFormatError} For `seqres` when the file has no SEQRES /
 * `_pdbx_poly_seq_scheme` records.
 * @example
 * ```ts
 * import { chainSequences, parseStructure } from "./analysis.ts";
 * const structure = parseStructure(
 *   "ATOM      1  CA  ALA A   1       0.000   0.000   0.000  1.00  0.00           C\n" +
 *   "ATOM      2  CA  GLY A   4       3.800   0.000   0.000  1.00  0.00           C\n", "pdb");
 * chainSequences(structure, { source: "atom" })[0].sequence; // "AXXG"
 * ```
 */
export function chainSequences(
  structure: Structure,
  options: ChainSequenceOptions,
): ChainSequence[] {
  const molecule = (chain: string) => structure.molecules.get(chain) ?? "";
  if (options.source === "seqres") {
    if (structure.seqres.size === 0) {
      throw new StructureFormatError(
        structure.format === "pdb"
          ? "the file has no SEQRES records; choose the ATOM records as the sequence source"
          : "the file has no _pdbx_poly_seq_scheme or _entity_poly_seq records; choose the " +
            "atom records as the sequence source",
      );
    }
    return [...structure.seqres.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([chain, names]) => ({
        chain,
        sequence: names.map((name) => oneLetterCode(name) ?? "X").join(""),
        molecule: molecule(chain),
      }))
      .filter((entry) => /[^X]/.test(entry.sequence));
  }
  const model = structure.models[0];
  const fill = options.fillGaps ?? true;
  const result: ChainSequence[] = [];
  for (const chain of [...model.chains].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const residues = chain.residues.filter((residue) => oneLetterCode(residue.name) !== undefined);
    if (residues.length === 0) continue;
    const letters: string[] = [];
    let kept = residues.length;
    for (let index = 0; index < residues.length; index++) {
      letters.push(oneLetterCode(residues[index].name)!);
      const next = residues[index + 1];
      if (next === undefined) break;
      const step = next.number - residues[index].number;
      if (step === 0 || step === 1) continue;
      if (step < 0) {
        // Biopython keeps the ordered part and drops residues numbered backwards after a gap.
        kept = index + 1;
        break;
      }
      if (fill) letters.push("X".repeat(step - 1));
    }
    result.push({
      chain: chain.id,
      sequence: letters.join(""),
      molecule: molecule(chain.id),
      start: residues[0].number,
      end: residues[kept - 1].number,
    });
  }
  return result;
}

/** A residue in a polypeptide, with its backbone dihedrals (null at the ends). */
export interface PolypeptideResidue {
  residue: Residue;
  chain: string;
  phi: number | null;
  psi: number | null;
}

/**
 * Polypeptides of a model: runs of consecutive residues that are amino acids (standard or
 * modified, or anything with a CA atom) joined by a C–N bond of at most 1.8 Å, and the φ/ψ
 * of each residue, as Biopython's `PPBuilder(radius=1.8).build_peptides(model, aa_only=False)`
 * and `get_phi_psi_list()` give them.
 *
 * @example
 * ```ts
 * import { parseStructure, polypeptides } from "./analysis.ts";
 * import { buildPeptide, peptideToPdb } from "./builder.ts";
 * const model = parseStructure(peptideToPdb(buildPeptide("GAG", { phi: -60, psi: -45 })), "pdb")
 *   .models[0];
 * polypeptides(model)[0][1].phi; // -60 (to rounding of the coordinates)
 * ```
 */
export function polypeptides(model: Model): PolypeptideResidue[][] {
  const peptides: PolypeptideResidue[][] = [];
  const accept = (residue: Residue) =>
    oneLetterCode(residue.name) !== undefined || findAtom(residue, "CA") !== undefined;
  for (const chain of model.chains) {
    let current: Residue[] | undefined;
    const runs: Residue[][] = [];
    for (let index = 1; index < chain.residues.length; index++) {
      const previous = chain.residues[index - 1];
      const next = chain.residues[index];
      if (accept(previous) && accept(next) && connected(previous, next)) {
        if (current === undefined) {
          current = [previous];
          runs.push(current);
        }
        current.push(next);
      } else {
        current = undefined;
      }
    }
    for (const run of runs) {
      peptides.push(run.map((residue, index) => {
        const n = findAtom(residue, "N");
        const ca = findAtom(residue, "CA");
        const c = findAtom(residue, "C");
        let phi: number | null = null;
        let psi: number | null = null;
        if (n && ca && c) {
          const previousC = index > 0 ? findAtom(run[index - 1], "C") : undefined;
          const nextN = index < run.length - 1 ? findAtom(run[index + 1], "N") : undefined;
          if (previousC) phi = dihedral(previousC, n, ca, c);
          if (nextN) psi = dihedral(n, ca, c, nextN);
        }
        return { residue, chain: chain.id, phi, psi };
      }));
    }
  }
  return peptides;
}

/** Options of {@linkcode analyzeStructure}. */
export interface AnalyzeOptions {
  /** Cα–Cα distance at or below which two residues are in contact, Å. Default 8. */
  contactCutoff?: number;
  /** Residues of the same chain closer in sequence than this are not counted. Default 3. */
  minSeparation?: number;
  /** Called with the fraction done. */
  onProgress?: (fraction: number) => void;
}

/** Per-residue results. */
export interface ResidueAnalysis {
  /** Chain id. */
  chain: string;
  /** Author residue number. */
  number: number;
  /** Insertion code, empty when none. */
  insertion: string;
  /** Residue name, e.g. `ALA`. */
  name: string;
  /** One-letter code; X for a residue with a CA but no known code. */
  letter: string;
  /** Mean B-factor of the residue's atoms, Å². */
  bFactor: number;
  /** B-factor of the Cα atom, null when missing. */
  caBFactor: number | null;
  /** Backbone dihedral φ in degrees; null at a chain start or break. */
  phi: number | null;
  /** Backbone dihedral ψ in degrees; null at a chain end or break. */
  psi: number | null;
  /** DSSP eight-state code (with P for polyproline II), `-` loop; null without a full backbone. */
  dssp: DsspCode | null;
  /** H (helix: H, G, I), E (strand: E, B) or C; null without a full backbone. */
  secondaryStructure: "H" | "E" | "C" | null;
  /** Residues in Cα contact. */
  contacts: number;
  /** Atoms of the residue. */
  atoms: number;
}

/** Per-chain results. */
export interface ChainAnalysis {
  /** Chain id. */
  chain: string;
  /** Molecule name from COMPND / `_entity`, empty when unknown. */
  molecule: string;
  /** Amino-acid residues with coordinates. */
  residues: number;
  /** Ligand residues (HETATM groups that are neither water nor amino acids). */
  ligands: number;
  /** Water molecules. */
  waters: number;
  /** Atoms of the chain: amino acids, ligands and waters. */
  atoms: number;
  /** One-letter sequence of the residues with coordinates. */
  sequence: string;
  /** Three-state secondary structure string, one letter per residue (`-` without backbone). */
  secondaryStructure: string;
  /** Mass-weighted radius of gyration of the chain's amino-acid atoms, Å; null without any. */
  radiusOfGyration: number | null;
  /** Mean B-factor of the chain's amino-acid atoms, Å²; null without any. */
  meanBFactor: number | null;
  /** Share of residues with a full backbone that are helix (H), 0–1; null without any. */
  helixFraction: number | null;
  /** Share of residues with a full backbone that are strand (E), 0–1; null without any. */
  strandFraction: number | null;
}

/** What {@linkcode analyzeStructure} returns. */
export interface StructureAnalysis {
  /** PDB id from HEADER / `_entry.id`, empty when absent. */
  id: string;
  /** The structure's title, empty when absent. */
  title: string;
  /** Models in the file (only the first is analysed). */
  models: number;
  /** Each chain of the first model. */
  chains: ChainAnalysis[];
  /** Each amino-acid residue of the first model, chain by chain. */
  residues: ResidueAnalysis[];
  /** Atoms of the first model. */
  atoms: number;
  /** Mass-weighted radius of gyration of the amino-acid residues' atoms, Å. */
  radiusOfGyration: number | null;
  /** Radius of gyration of the Cα atoms, Å. */
  radiusOfGyrationCa: number | null;
  /** Cα contacts: indices into `residues` (i < j) and distance in Å. */
  contacts: [number, number, number][];
  /** The contact cutoff used, Å. */
  contactCutoff: number;
  /** The minimum sequence separation of a contact within a chain used. */
  minSeparation: number;
  /** Things the parser tolerated, e.g. records it could not read. */
  warnings: string[];
}

/**
 * Analyse the first model of a structure.
 *
 * @example
 * ```ts
 * import { analyzeStructure, parseStructure } from "./analysis.ts";
 * import { buildPeptide, peptideToPdb } from "./builder.ts";
 * const helix = parseStructure(peptideToPdb(buildPeptide("A".repeat(20), { phi: -57, psi: -47 })), "pdb");
 * analyzeStructure(helix).radiusOfGyrationCa; // ≈ 8.9 Å
 * ```
 */
export function analyzeStructure(
  structure: Structure,
  options: AnalyzeOptions = {},
): StructureAnalysis {
  const cutoff = options.contactCutoff ?? 8;
  const minSeparation = options.minSeparation ?? 3;
  const progress = options.onProgress ?? (() => {});
  const model = structure.models[0];
  const aminoResidues: { chain: Chain; residue: Residue }[] = [];
  for (const chain of model.chains) {
    for (const residue of chain.residues) {
      if (isAminoAcid(residue)) aminoResidues.push({ chain, residue });
    }
  }
  // φ/ψ from polypeptides.
  const dihedrals = new Map<Residue, { phi: number | null; psi: number | null }>();
  for (const peptide of polypeptides(model)) {
    for (const entry of peptide) dihedrals.set(entry.residue, { phi: entry.phi, psi: entry.psi });
  }
  progress(0.1);

  // DSSP on residues with a complete backbone.
  const backboneIndex: number[] = [];
  const backbone = aminoResidues.flatMap(({ chain, residue }, index) => {
    const n = findAtom(residue, "N");
    const ca = findAtom(residue, "CA");
    const c = findAtom(residue, "C");
    const o = findAtom(residue, "O");
    if (!n || !ca || !c || !o) return [];
    backboneIndex.push(index);
    return [{ chain: chain.id, name: residue.name, n, ca, c, o }];
  });
  const assignments = assignSecondaryStructure(backbone, {
    onProgress: (fraction) => progress(0.1 + 0.5 * fraction),
  });
  const dssp = new Map<number, (typeof assignments)[number]>();
  assignments.forEach((assignment, k) => dssp.set(backboneIndex[k], assignment));

  // Cα contacts (grid hashing keeps this linear for compact structures).
  const alphas: { index: number; chain: string; position: Vec3 }[] = [];
  aminoResidues.forEach(({ chain, residue }, index) => {
    const ca = findAtom(residue, "CA");
    if (ca) alphas.push({ index, chain: chain.id, position: ca });
  });
  const contacts = findContacts(alphas, cutoff, minSeparation);
  const contactCounts = new Array<number>(aminoResidues.length).fill(0);
  for (const [i, j] of contacts) {
    contactCounts[i]++;
    contactCounts[j]++;
  }
  progress(0.8);

  const residues: ResidueAnalysis[] = aminoResidues.map(({ chain, residue }, index) => {
    const ca = findAtom(residue, "CA");
    const assignment = dssp.get(index);
    const angles = dihedrals.get(residue);
    return {
      chain: chain.id,
      number: residue.number,
      insertion: residue.insertion,
      name: residue.name,
      letter: oneLetterCode(residue.name) ?? "X",
      bFactor: mean(residue.atoms.map((atom) => atom.bFactor)) ?? 0,
      caBFactor: ca ? ca.bFactor : null,
      phi: angles?.phi ?? null,
      psi: angles?.psi ?? null,
      dssp: assignment ? assignment.dssp : null,
      secondaryStructure: assignment ? assignment.threeState : null,
      contacts: contactCounts[index],
      atoms: residue.atoms.length,
    };
  });

  const chains: ChainAnalysis[] = model.chains.map((chain) => {
    const chainResidues = residues.filter((residue) => residue.chain === chain.id);
    const amino = chain.residues.filter(isAminoAcid);
    const atoms = amino.flatMap((residue) => residue.atoms);
    const assigned = chainResidues.filter((residue) => residue.secondaryStructure !== null);
    const waters = chain.residues.filter((residue) => WATER_NAMES.has(residue.name)).length;
    return {
      chain: chain.id,
      molecule: structure.molecules.get(chain.id) ?? "",
      residues: amino.length,
      ligands: chain.residues.length - amino.length - waters,
      waters,
      atoms: chain.residues.reduce((sum, residue) => sum + residue.atoms.length, 0),
      sequence: chainResidues.map((residue) => residue.letter).join(""),
      secondaryStructure: chainResidues.map((residue) => residue.secondaryStructure ?? "-")
        .join(""),
      radiusOfGyration: atoms.length === 0 ? null : massWeightedRg(atoms),
      meanBFactor: mean(atoms.map((atom) => atom.bFactor)),
      helixFraction: assigned.length === 0
        ? null
        : assigned.filter((residue) => residue.secondaryStructure === "H").length /
          assigned.length,
      strandFraction: assigned.length === 0
        ? null
        : assigned.filter((residue) => residue.secondaryStructure === "E").length /
          assigned.length,
    };
  });
  const proteinAtoms = aminoResidues.flatMap(({ residue }) => residue.atoms);
  progress(1);
  return {
    id: structure.id,
    title: structure.title,
    models: structure.models.length,
    chains,
    residues,
    atoms: model.chains.reduce(
      (sum, chain) => sum + chain.residues.reduce((total, r) => total + r.atoms.length, 0),
      0,
    ),
    radiusOfGyration: proteinAtoms.length === 0 ? null : massWeightedRg(proteinAtoms),
    radiusOfGyrationCa: alphas.length === 0
      ? null
      : radiusOfGyration(alphas.map((alpha) => alpha.position)),
    contacts,
    contactCutoff: cutoff,
    minSeparation,
    warnings: structure.warnings,
  };
}

/** Amino-acid residues: a known one-letter code, or (as PPBuilder accepts) a non-water with CA. */
function isAminoAcid(residue: Residue): boolean {
  if (WATER_NAMES.has(residue.name)) return false;
  if (oneLetterCode(residue.name) !== undefined) return true;
  return findAtom(residue, "CA") !== undefined && findAtom(residue, "N") !== undefined &&
    findAtom(residue, "C") !== undefined;
}

function connected(previous: Residue, next: Residue): boolean {
  if (!findAtom(previous, "CA") || !findAtom(next, "CA")) return false;
  const c = findAtom(previous, "C");
  const n = findAtom(next, "N");
  return c !== undefined && n !== undefined && distance(c, n) <= 1.8;
}

function massWeightedRg(atoms: readonly { x: number; y: number; z: number; element: string }[]) {
  const weights = atoms.map((atom) => elementMass(atom.element));
  if (weights.some((weight) => Number.isNaN(weight))) return radiusOfGyration(atoms);
  return radiusOfGyration(atoms, weights);
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function findContacts(
  alphas: readonly { index: number; chain: string; position: Vec3 }[],
  cutoff: number,
  minSeparation: number,
): [number, number, number][] {
  const cells = new Map<string, number[]>();
  const key = (x: number, y: number, z: number) => `${x},${y},${z}`;
  const cellOf = (position: Vec3) => [
    Math.floor(position.x / cutoff),
    Math.floor(position.y / cutoff),
    Math.floor(position.z / cutoff),
  ];
  alphas.forEach((alpha, k) => {
    const [x, y, z] = cellOf(alpha.position);
    const list = cells.get(key(x, y, z)) ?? [];
    list.push(k);
    cells.set(key(x, y, z), list);
  });
  const contacts: [number, number, number][] = [];
  alphas.forEach((alpha, k) => {
    const [x, y, z] = cellOf(alpha.position);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dz = -1; dz <= 1; dz++) {
          for (const other of cells.get(key(x + dx, y + dy, z + dz)) ?? []) {
            if (other <= k) continue;
            const partner = alphas[other];
            if (
              partner.chain === alpha.chain && Math.abs(partner.index - alpha.index) < minSeparation
            ) continue;
            const d = distance(alpha.position, partner.position);
            if (d <= cutoff) {
              const [i, j] = alpha.index < partner.index
                ? [alpha.index, partner.index]
                : [partner.index, alpha.index];
              contacts.push([i, j, d]);
            }
          }
        }
      }
    }
  });
  contacts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return contacts;
}
