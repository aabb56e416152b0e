/**
 * The in-memory model of a macromolecular structure read from PDB or mmCIF, shared by the
 * parsers, the analyses and the peptide builder, with the residue and element tables.
 *
 * The hierarchy follows Biopython's `Bio.PDB` (structure → models → chains → residues →
 * atoms), including its conventions: a residue is identified by its hetero flag, number and
 * insertion code, so a HETATM ligand numbered like an amino acid is a separate residue; of
 * the alternate locations of an atom, the one with the highest occupancy is kept (the first
 * one on ties).
 *
 * @example
 * ```ts
 * import { oneLetterCode } from "./model.ts";
 * oneLetterCode("MSE"); // "M" (selenomethionine)
 * oneLetterCode("HOH"); // undefined
 * ```
 * @module
 */
import { ELEMENT_MASSES, RESIDUE_CODES_PACKED } from "../_structure_data.ts";

/** One atom (the selected alternate location when there are several). */
export interface Atom {
  /** Atom serial number as written in the file. */
  serial: number;
  /** Atom name without padding, e.g. `CA`, `OXT`. */
  name: string;
  /** Alternate location indicator, empty when none. */
  altloc: string;
  /** Upper-case element symbol, e.g. `C`, `SE`; `X` when unknown. */
  element: string;
  /** x coordinate, Å. */
  x: number;
  /** y coordinate, Å. */
  y: number;
  /** z coordinate, Å. */
  z: number;
  /** Occupancy, 0–1. */
  occupancy: number;
  /** B-factor (temperature factor), Å²; pLDDT in predicted models. */
  bFactor: number;
}

/** One residue, ligand or water molecule. */
export interface Residue {
  /** Residue name, e.g. `ALA`, `MSE`, `HOH`. */
  name: string;
  /** Author residue number. */
  number: number;
  /** Insertion code, empty when none. */
  insertion: string;
  /** From HETATM records. */
  hetero: boolean;
  /** The residue's atoms, in file order. */
  atoms: Atom[];
}

/** One chain of one model. */
export interface Chain {
  /** Chain id, e.g. `A`. */
  id: string;
  /** Its residues, ligands and waters, in file order. */
  residues: Residue[];
}

/** One model (NMR structures have several). */
export interface Model {
  /** Model serial number as written (1 when the file has no MODEL records). */
  serial: number;
  /** Its chains, in file order. */
  chains: Chain[];
}

/** A parsed structure file. */
export interface Structure {
  /** PDB id from HEADER / `_entry.id`, empty when absent. */
  id: string;
  /** Title from TITLE / `_struct.title`, empty when absent. */
  title: string;
  /** The format the file was read as. */
  format: "pdb" | "mmcif";
  /** Its models, in file order (at least one). */
  models: Model[];
  /** Residue names of each chain's full sequence (SEQRES / `_pdbx_poly_seq_scheme`). */
  seqres: Map<string, string[]>;
  /** Molecule name per chain, from COMPND / `_entity.pdbx_description`, when given. */
  molecules: Map<string, string>;
  /** Things the parser tolerated, e.g. records it could not read. */
  warnings: string[];
}

/** A problem that makes a structure file unusable. */
export class StructureFormatError extends Error {
  /**
   * @example
   * ```ts
   * import { StructureFormatError } from "./model.ts";
   * throw new StructureFormatError("line 3: no ATOM or HETATM records");
   * ```
   */
  constructor(message: string) {
    super(message);
    this.name = "StructureFormatError";
  }
}

/** Water residue names. */
export const WATER_NAMES: ReadonlySet<string> = new Set([
  "HOH",
  "WAT",
  "DOD",
  "H2O",
  "TIP",
  "TIP3",
]);

// Biopython's tables have no entries for selenocysteine and pyrrolysine; a scientist expects
// U and O for them, so they are added here.
const RESIDUE_CODES: ReadonlyMap<string, string> = new Map([
  ...RESIDUE_CODES_PACKED.split(" ").map((pair) => pair.split(":") as [string, string]),
  ["SEC", "U"],
  ["PYL", "O"],
]);

/** The 20 standard three-letter amino acid names. */
export const STANDARD_RESIDUES: ReadonlySet<string> = new Set([
  "ALA",
  "ARG",
  "ASN",
  "ASP",
  "CYS",
  "GLN",
  "GLU",
  "GLY",
  "HIS",
  "ILE",
  "LEU",
  "LYS",
  "MET",
  "PHE",
  "PRO",
  "SER",
  "THR",
  "TRP",
  "TYR",
  "VAL",
]);

/** One-letter names of the three-letter codes of standard amino acids plus SEC and PYL. */
export const THREE_LETTER: Readonly<Record<string, string>> = {
  A: "ALA",
  R: "ARG",
  N: "ASN",
  D: "ASP",
  C: "CYS",
  Q: "GLN",
  E: "GLU",
  G: "GLY",
  H: "HIS",
  I: "ILE",
  L: "LEU",
  K: "LYS",
  M: "MET",
  F: "PHE",
  P: "PRO",
  S: "SER",
  T: "THR",
  W: "TRP",
  Y: "TYR",
  V: "VAL",
  U: "SEC",
  O: "PYL",
};

/**
 * The one-letter code of an amino-acid residue name, standard or modified (MSE → M, SEP → S…),
 * or undefined for anything else (water, ligands, nucleotides, UNK).
 *
 * @example
 * ```ts
 * import { oneLetterCode } from "./model.ts";
 * oneLetterCode("SEC"); // "U"
 * ```
 */
export function oneLetterCode(residueName: string): string | undefined {
  return RESIDUE_CODES.get(residueName.toUpperCase());
}

/**
 * Mass of an element in Da (IUPAC atomic weights, as Biopython uses); NaN when unknown.
 *
 * @example
 * ```ts
 * import { elementMass } from "./model.ts";
 * elementMass("C"); // 12.0107
 * ```
 */
export function elementMass(element: string): number {
  return ELEMENT_MASSES[element.toUpperCase()] ?? NaN;
}

/** Whether an element symbol is known. */
export function isElement(symbol: string): boolean {
  return symbol.toUpperCase() in ELEMENT_MASSES;
}

/** `A:ALA12` or `A:ALA12B` — how residues are named in messages and outputs. */
export function residueLabel(chain: string, residue: Residue): string {
  return `${chain}:${residue.name}${residue.number}${residue.insertion}`;
}

/** The atom with this name, if the residue has it. */
export function findAtom(residue: Residue, name: string): Atom | undefined {
  return residue.atoms.find((atom) => atom.name === name);
}

/**
 * Biopython's element guess for an atom without a usable element column: the first letter of
 * a padded name (` CA ` is carbon), or the whole name for inorganic atoms written flush left
 * (`CA  ` is calcium), a digit-led hydrogen name giving H.
 *
 * @example
 * ```ts
 * import { guessElement } from "./model.ts";
 * guessElement(" CA ", "CA"); // "C"
 * guessElement("CA  ", "CA"); // "CA"
 * ```
 */
export function guessElement(fullName: string, name: string): string {
  let putative: string;
  if (/^[A-Za-z]/.test(fullName) && !/^\d+$/.test(fullName.slice(2))) {
    putative = name.trim();
  } else {
    putative = /^\d/.test(name) ? name[1] ?? "" : name[0] ?? "";
  }
  return isElement(putative) ? putative.toUpperCase() : "X";
}
