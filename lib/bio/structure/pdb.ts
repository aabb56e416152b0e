/**
 * Reading and writing PDB-format structure files (fixed columns, wwPDB format 3.3).
 *
 * Read: HEADER (id), TITLE, COMPND (molecule names per chain), SEQRES, MODEL/ENDMDL,
 * ATOM/HETATM (alternate locations, insertion codes, element and charge columns), TER and END;
 * other records are skipped. A missing element column is guessed from the atom name as
 * Biopython does. Problems that make the file unusable throw a
 * {@linkcode StructureFormatError} naming the line.
 *
 * @example
 * ```ts
 * import { parsePdb } from "./pdb.ts";
 *
 * const structure = parsePdb(
 *   "ATOM      1  CA  GLY A   1       0.000   0.000   0.000  1.00 10.00           C\nEND\n",
 * );
 * structure.models[0].chains[0].residues[0].name; // "GLY"
 * ```
 * @module
 */
import { Assembler } from "./_assemble.ts";
import {
  type Atom,
  guessElement,
  isElement,
  type Structure,
  StructureFormatError,
} from "./model.ts";

/** What {@linkcode scanPdb} finds without building the structure. */
export interface StructureScan {
  atoms: number;
  models: number;
  /** Distinct chain ids of the first model. */
  chains: number;
  /** Cα atoms of the first model: the residues an analysis will look at. */
  alphaCarbons: number;
  /** Problems, each naming its line; empty means the file looks usable. */
  problems: string[];
}

const MAX_PROBLEMS = 10;

/**
 * Parse PDB text.
 *
 * @throws {StructureFormatError} When there are no atoms or an atom record cannot be read.
 * @example
 * ```ts
 * import { parsePdb } from "./pdb.ts";
 * parsePdb("HEADER    PEPTIDE                                 01-JAN-24   1ABC\n" +
 *   "ATOM      1  N   ALA A   1      11.104   6.134  -6.504  1.00  0.00           N\n").id;
 * // "1ABC"
 * ```
 */
export function parsePdb(text: string): Structure {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const assembler = new Assembler();
  const seqres = new Map<string, string[]>();
  const molecules = new Map<string, string>();
  let id = "";
  const titleParts: string[] = [];
  const compnd: string[] = [];
  let modelsSeen = 0;
  let inModel = false;

  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    const record = line.slice(0, 6).trimEnd();
    switch (record) {
      case "HEADER":
        id = line.slice(62, 66).trim();
        break;
      case "TITLE":
        titleParts.push(line.slice(10, 80).trim());
        break;
      case "COMPND":
        compnd.push(line.slice(10, 80).trim());
        break;
      case "SEQRES": {
        const chain = line[11] ?? " ";
        const names = line.slice(19).trim().split(/\s+/).filter((name) => name !== "");
        const list = seqres.get(chain.trim()) ?? [];
        list.push(...names);
        seqres.set(chain.trim(), list);
        break;
      }
      case "MODEL": {
        const serial = Number.parseInt(line.slice(10, 14), 10);
        modelsSeen++;
        inModel = true;
        assembler.startModel(Number.isFinite(serial) ? serial : modelsSeen);
        break;
      }
      case "ENDMDL":
        inModel = false;
        break;
      case "ATOM":
      case "HETATM": {
        if (!inModel && modelsSeen > 0) {
          // Atoms after ENDMDL without a new MODEL: keep them in the last model.
          assembler.warnings.push(`line ${lineNumber}: atom outside a MODEL/ENDMDL block`);
        }
        const parsed = readAtomLine(line, lineNumber);
        if (typeof parsed === "string") throw new StructureFormatError(parsed);
        assembler.add(parsed, `line ${lineNumber}`);
        break;
      }
    }
  });
  if (assembler.models.length === 0 || assembler.models.every((m) => m.chains.length === 0)) {
    throw new StructureFormatError("the file has no ATOM or HETATM records");
  }
  parseCompnd(compnd.join(" "), molecules);
  return {
    id,
    title: titleParts.join(" ").replace(/\s+/g, " ").trim(),
    format: "pdb",
    models: assembler.models.filter((model) => model.chains.length > 0),
    seqres,
    molecules,
    warnings: assembler.warnings,
  };
}

/**
 * A quick line scan for validation: counts atoms, models, chains and Cα atoms, and checks
 * that atom records have numeric coordinates, without building the structure.
 *
 * @example
 * ```ts
 * import { scanPdb } from "./pdb.ts";
 * scanPdb("ATOM      1  CA  GLY A   1       0.000   0.000   abc    1.00 10.00           C\n")
 *   .problems[0]; // 'line 1: the z coordinate "abc" (columns 47–54) is not a number'
 * ```
 */
export function scanPdb(text: string): StructureScan {
  const scan: StructureScan = { atoms: 0, models: 0, chains: 0, alphaCarbons: 0, problems: [] };
  const chains = new Set<string>();
  let modelNumber = 0;
  let start = 0;
  let lineNumber = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    lineNumber++;
    const line = text.slice(start, end).replace(/\r$/, "");
    start = end + 1;
    if (line.startsWith("MODEL")) {
      modelNumber++;
      scan.models++;
      continue;
    }
    if (!line.startsWith("ATOM") && !line.startsWith("HETATM")) continue;
    scan.atoms++;
    if (scan.problems.length < MAX_PROBLEMS) {
      const problem = coordinateProblem(line, lineNumber);
      if (problem) scan.problems.push(problem);
    }
    if (modelNumber <= 1) {
      chains.add(line[21] ?? " ");
      // Cα is written " CA " (calcium is "CA  "); count one altloc only.
      const altloc = line[16] ?? " ";
      if (line.slice(12, 16) === " CA " && (altloc === " " || altloc === "A")) {
        scan.alphaCarbons++;
      }
    }
  }
  scan.models = Math.max(scan.models, scan.atoms > 0 ? 1 : 0);
  scan.chains = chains.size;
  if (scan.atoms === 0) scan.problems.push("the file has no ATOM or HETATM records");
  return scan;
}

/** Options of {@linkcode formatPdbAtom}. */
export interface PdbAtomFields {
  hetero?: boolean;
  serial: number;
  name: string;
  altloc?: string;
  residueName: string;
  chain: string;
  residueNumber: number;
  insertion?: string;
  x: number;
  y: number;
  z: number;
  occupancy?: number;
  bFactor?: number;
  element: string;
  charge?: string;
}

/**
 * One ATOM/HETATM line in wwPDB format (80 columns). Atom names shorter than four characters
 * start in column 14 unless their element has two letters, as the format wants.
 *
 * @example
 * ```ts
 * import { formatPdbAtom } from "./pdb.ts";
 * formatPdbAtom({ serial: 1, name: "CA", residueName: "GLY", chain: "A", residueNumber: 1,
 *   x: 1, y: 2, z: 3, element: "C" });
 * // "ATOM      1  CA  GLY A   1       1.000   2.000   3.000  1.00  0.00           C  "
 * ```
 */
export function formatPdbAtom(fields: PdbAtomFields): string {
  const name = fields.name.length < 4 && fields.element.length < 2
    ? ` ${fields.name}`.padEnd(4)
    : fields.name.padEnd(4);
  return (fields.hetero ? "HETATM" : "ATOM  ") +
    String(fields.serial % 100000).padStart(5) + " " +
    name +
    (fields.altloc ?? " ").padEnd(1) +
    fields.residueName.padStart(3) + " " +
    fields.chain.padEnd(1).slice(0, 1) +
    String(fields.residueNumber).padStart(4) +
    (fields.insertion ?? " ").padEnd(1) + "   " +
    coordinate(fields.x) + coordinate(fields.y) + coordinate(fields.z) +
    (fields.occupancy ?? 1).toFixed(2).padStart(6) +
    (fields.bFactor ?? 0).toFixed(2).padStart(6) + "          " +
    fields.element.toUpperCase().padStart(2) +
    (fields.charge ?? "").padEnd(2);
}

function coordinate(value: number): string {
  const text = value.toFixed(3);
  if (text.length > 8) throw new RangeError(`coordinate ${value} does not fit the PDB format`);
  return text.padStart(8);
}

function readAtomLine(line: string, lineNumber: number) {
  const problem = coordinateProblem(line, lineNumber);
  if (problem) return problem;
  const fullName = line.slice(12, 16).padEnd(4);
  const name = fullName.trim();
  if (name === "") return `line ${lineNumber}: atom record without an atom name (columns 13–16)`;
  const residueName = line.slice(17, 20).trim();
  const numberText = line.slice(22, 26).trim();
  const number = Number.parseInt(numberText, 10);
  if (!/^-?\d+$/.test(numberText)) {
    return `line ${lineNumber}: residue number ${JSON.stringify(numberText)} (columns 23–26) ` +
      `is not a whole number`;
  }
  const occupancyText = line.slice(54, 60).trim();
  const bText = line.slice(60, 66).trim();
  const occupancy = occupancyText === "" ? 1.0 : Number(occupancyText);
  const bFactor = bText === "" ? 0.0 : Number(bText);
  if (!Number.isFinite(occupancy)) {
    return `line ${lineNumber}: occupancy ${JSON.stringify(occupancyText)} is not a number`;
  }
  if (!Number.isFinite(bFactor)) {
    return `line ${lineNumber}: B-factor ${JSON.stringify(bText)} is not a number`;
  }
  const elementText = line.slice(76, 78).trim();
  const element = elementText !== "" && isElement(elementText)
    ? elementText.toUpperCase()
    : guessElement(fullName, name);
  const atom: Atom = {
    serial: Number.parseInt(line.slice(6, 11), 10) || 0,
    name,
    altloc: (line[16] ?? " ").trim(),
    element,
    x: Number(line.slice(30, 38)),
    y: Number(line.slice(38, 46)),
    z: Number(line.slice(46, 54)),
    occupancy,
    bFactor,
  };
  return {
    hetero: line.startsWith("HETATM"),
    residueName,
    chain: (line[21] ?? " ").trim(),
    number,
    insertion: (line[26] ?? " ").trim(),
    atom,
  };
}

function coordinateProblem(line: string, lineNumber: number): string | undefined {
  const columns: [string, number, number, string][] = [
    ["x", 30, 38, "31–38"],
    ["y", 38, 46, "39–46"],
    ["z", 46, 54, "47–54"],
  ];
  for (const [axis, from, to, label] of columns) {
    const text = line.slice(from, to).trim();
    if (text === "" || !Number.isFinite(Number(text))) {
      return `line ${lineNumber}: the ${axis} coordinate ${JSON.stringify(text)} (columns ` +
        `${label}) is not a number`;
    }
  }
  return undefined;
}

/** COMPND "MOL_ID: 1; MOLECULE: LYSOZYME; CHAIN: A, B;" → molecule name per chain. */
function parseCompnd(text: string, molecules: Map<string, string>): void {
  let molecule = "";
  for (const part of text.split(";")) {
    const [key, ...rest] = part.split(":");
    const value = rest.join(":").trim();
    const name = key.trim().toUpperCase();
    if (name === "MOL_ID") molecule = "";
    else if (name === "MOLECULE") molecule = value;
    else if (name === "CHAIN" && molecule !== "") {
      for (const chain of value.split(",")) molecules.set(chain.trim(), molecule);
    }
  }
}
