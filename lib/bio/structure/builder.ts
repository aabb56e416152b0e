/**
 * Peptide builder: 3D backbone (N, Cα, C, O), Cβ and the terminal OXT of a peptide from its
 * sequence and backbone dihedrals, with ideal bond lengths and angles (Engh & Huber 1991).
 * Atoms are placed one after the other from internal coordinates (NeRF); each residue's Cβ is
 * placed to meet both N–Cα–Cβ and C–Cα–Cβ ideal angles with L-chirality.
 *
 * Conventions: φ(i) = C(i−1)–N(i)–Cα(i)–C(i), ψ(i) = N(i)–Cα(i)–C(i)–N(i+1),
 * ω(i) = Cα(i)–C(i)–N(i+1)–Cα(i+1). The first residue's φ has no atoms to act on; the last
 * residue's ψ orients its O and OXT.
 *
 * @example
 * ```ts
 * import { buildPeptide, CONFORMATIONS } from "./builder.ts";
 *
 * const helix = buildPeptide("AAAAAAAAAA", { phi: CONFORMATIONS.alpha_helix.phi,
 *   psi: CONFORMATIONS.alpha_helix.psi });
 * helix.residues.length; // 10
 * helix.residues[0].atoms.map((atom) => atom.name); // ["N", "CA", "C", "O", "CB"]
 * ```
 * @module
 */
import { cross, dot, norm, normalize, placeAtom, subtract, type Vec3 } from "./geometry.ts";
import { THREE_LETTER } from "./model.ts";
import { formatPdbAtom } from "./pdb.ts";

/** Ideal bond lengths (Å) and angles (°) used by the builder (Engh & Huber 1991). */
export const IDEAL_GEOMETRY = {
  bonds: { N_CA: 1.458, CA_C: 1.525, C_N: 1.329, C_O: 1.231, CA_CB: 1.53, C_OXT: 1.231 },
  angles: {
    N_CA_C: 111.2,
    CA_C_N: 116.2,
    C_N_CA: 121.7,
    CA_C_O: 120.1,
    O_C_N: 123.7,
    N_CA_CB: 110.5,
    C_CA_CB: 110.1,
    CA_C_OXT: 116.2,
  },
} as const;

/**
 * Named backbone conformations and their (φ, ψ) in degrees.
 *
 * @example
 * ```ts
 * import { buildPeptide, CONFORMATIONS, peptideToPdb } from "../../../mod.ts";
 *
 * for (const [name, { label, phi, psi }] of Object.entries(CONFORMATIONS)) {
 *   console.log(name, label, phi, psi); // alpha_helix Right-handed α-helix -57 -47, …
 * }
 * const strand = peptideToPdb(buildPeptide("VKVTVKV", CONFORMATIONS.beta_strand));
 * ```
 */
export const CONFORMATIONS: Readonly<Record<string, { label: string; phi: number; psi: number }>> =
  {
    alpha_helix: { label: "Right-handed α-helix", phi: -57, psi: -47 },
    beta_strand: { label: "Antiparallel β-strand", phi: -139, psi: 135 },
    parallel_beta: { label: "Parallel β-strand", phi: -119, psi: 113 },
    helix_3_10: { label: "3₁₀-helix", phi: -49, psi: -26 },
    polyproline_ii: { label: "Polyproline II helix", phi: -75, psi: 145 },
    extended: { label: "Fully extended", phi: -180, psi: 180 },
  };

/** Options of {@linkcode buildPeptide}. */
export interface BuildOptions {
  /** φ for every residue, or one value per residue. */
  phi: number | readonly number[];
  /** ψ for every residue, or one value per residue. */
  psi: number | readonly number[];
  /** ω for every peptide bond (180 = trans). Default 180. */
  omega?: number | readonly number[];
  /** Add the C-terminal OXT oxygen. Default true. */
  terminalOxygen?: boolean;
}

/** A built atom. */
export interface BuiltAtom {
  /** Atom name: `N`, `CA`, `C`, `O`, `CB` (not in glycine) or `OXT`. */
  name: string;
  /** Element symbol, e.g. `C`. */
  element: string;
  /** Coordinates in Å (the first N at the origin). */
  position: Vec3;
}

/** A built residue. */
export interface BuiltResidue {
  /** One-letter code as given (upper case). */
  letter: string;
  /** Three-letter name (SEC for U, PYL for O). */
  name: string;
  /** Residue number, 1-based. */
  number: number;
  /** Backbone dihedral φ in degrees, as requested. */
  phi: number;
  /** Backbone dihedral ψ in degrees, as requested. */
  psi: number;
  /** Peptide-bond dihedral ω in degrees (to the next residue), as requested. */
  omega: number;
  /** The residue's backbone and Cβ atoms (and OXT on the last residue, by default). */
  atoms: BuiltAtom[];
}

/** A built peptide. */
export interface BuiltPeptide {
  /** The sequence built, upper case. */
  sequence: string;
  /** Each residue, in order. */
  residues: BuiltResidue[];
}

/** Options of {@linkcode peptideToPdb}. */
export interface PeptidePdbOptions {
  /** Chain identifier. Default `A`. */
  chain?: string;
  /** Lines added as REMARK 250 (free text about how the model was made). */
  remarks?: readonly string[];
  /**
   * HELIX/SHEET records so viewers draw the intended cartoon: for the whole chain, or one
   * record per segment (1-based residue numbers, inclusive).
   */
  secondaryStructure?: "helix" | "strand" | "none" | readonly SecondarySegment[];
  /** B-factor column, one value per residue (e.g. a per-residue confidence). Default 0. */
  bFactors?: readonly number[];
}

/** A helix or strand of {@linkcode PeptidePdbOptions.secondaryStructure}. */
export interface SecondarySegment {
  /** Helix (HELIX record) or strand (SHEET record). */
  kind: "helix" | "strand";
  /** First residue number, 1-based. */
  start: number;
  /** Last residue number, inclusive. */
  end: number;
}

/**
 * Build a peptide. Letters: the 20 standard amino acids plus U (SEC) and O (PYL), any case;
 * glycine has no Cβ.
 *
 * @throws {RangeError} For an empty sequence, an unknown letter, or per-residue angle lists
 * whose length is not the sequence length.
 * @example
 * ```ts
 * import { buildPeptide } from "./builder.ts";
 * const strand = buildPeptide("GVKV", { phi: -139, psi: 135 });
 * strand.residues[3].atoms.at(-1)!.name; // "OXT"
 * ```
 */
export function buildPeptide(sequence: string, options: BuildOptions): BuiltPeptide {
  const letters = sequence.toUpperCase();
  if (letters.length === 0) throw new RangeError("the sequence is empty");
  for (let index = 0; index < letters.length; index++) {
    if (THREE_LETTER[letters[index]] === undefined) {
      throw new RangeError(
        `${JSON.stringify(sequence[index])} at position ${index + 1} is not an amino acid the ` +
          `builder knows (the 20 standard ones, U and O)`,
      );
    }
  }
  const phi = perResidue(options.phi, letters.length, "φ");
  const psi = perResidue(options.psi, letters.length, "ψ");
  const omega = perResidue(options.omega ?? 180, letters.length, "ω");
  const bonds = IDEAL_GEOMETRY.bonds;
  const angles = IDEAL_GEOMETRY.angles;

  const backbone: { n: Vec3; ca: Vec3; c: Vec3 }[] = [];
  const n0 = { x: 0, y: 0, z: 0 };
  const ca0 = { x: bonds.N_CA, y: 0, z: 0 };
  const theta = (180 - angles.N_CA_C) * Math.PI / 180;
  const c0 = {
    x: ca0.x + bonds.CA_C * Math.cos(theta),
    y: bonds.CA_C * Math.sin(theta),
    z: 0,
  };
  backbone.push({ n: n0, ca: ca0, c: c0 });
  for (let i = 1; i < letters.length; i++) {
    const previous = backbone[i - 1];
    const n = placeAtom(previous.n, previous.ca, previous.c, {
      length: bonds.C_N,
      angle: angles.CA_C_N,
      dihedral: psi[i - 1],
    });
    const ca = placeAtom(previous.ca, previous.c, n, {
      length: bonds.N_CA,
      angle: angles.C_N_CA,
      dihedral: omega[i - 1],
    });
    const c = placeAtom(previous.c, n, ca, {
      length: bonds.CA_C,
      angle: angles.N_CA_C,
      dihedral: phi[i],
    });
    backbone.push({ n, ca, c });
  }

  const residues: BuiltResidue[] = backbone.map(({ n, ca, c }, i) => {
    const last = i === letters.length - 1;
    // O lies in the peptide plane, trans to the next N (ψ + 180° about Cα–C).
    const o = placeAtom(n, ca, c, {
      length: bonds.C_O,
      angle: angles.CA_C_O,
      dihedral: psi[i] + 180,
    });
    const atoms: BuiltAtom[] = [
      { name: "N", element: "N", position: n },
      { name: "CA", element: "C", position: ca },
      { name: "C", element: "C", position: c },
      { name: "O", element: "O", position: o },
    ];
    if (letters[i] !== "G") {
      atoms.push({ name: "CB", element: "C", position: placeBeta(n, ca, c) });
    }
    if (last && (options.terminalOxygen ?? true)) {
      atoms.push({
        name: "OXT",
        element: "O",
        position: placeAtom(n, ca, c, {
          length: bonds.C_OXT,
          angle: angles.CA_C_OXT,
          dihedral: psi[i],
        }),
      });
    }
    return {
      letter: letters[i],
      name: THREE_LETTER[letters[i]],
      number: i + 1,
      phi: phi[i],
      psi: psi[i],
      omega: omega[i],
      atoms,
    };
  });
  return { sequence: letters, residues };
}

/**
 * The peptide as PDB text: REMARK 250 lines, SEQRES, optional HELIX/SHEET, ATOM records, TER
 * and END.
 *
 * @example
 * ```ts
 * import { buildPeptide, peptideToPdb } from "./builder.ts";
 * const text = peptideToPdb(buildPeptide("GA", { phi: -57, psi: -47 }));
 * text.split("\n").find((line) => line.startsWith("ATOM"));
 * // "ATOM      1  N   GLY A   1       0.000   0.000   0.000  1.00  0.00           N  "
 * ```
 */
export function peptideToPdb(peptide: BuiltPeptide, options: PeptidePdbOptions = {}): string {
  const chain = options.chain ?? "A";
  const lines: string[] = [];
  for (const remark of options.remarks ?? []) {
    for (const piece of wrapText(remark, 59)) lines.push(`REMARK 250 ${piece}`.padEnd(80));
  }
  const names = peptide.residues.map((residue) => residue.name);
  for (let start = 0, serial = 1; start < names.length; start += 13, serial++) {
    lines.push(
      `SEQRES ${String(serial).padStart(3)} ${chain} ${String(names.length).padStart(4)}  ` +
        names.slice(start, start + 13).join(" ").padEnd(51),
    );
  }
  const count = peptide.residues.length;
  const last = peptide.residues[count - 1];
  const segments: readonly SecondarySegment[] = typeof options.secondaryStructure === "object"
    ? options.secondaryStructure
    : options.secondaryStructure === "helix" && count >= 4
    ? [{ kind: "helix", start: 1, end: count }]
    : options.secondaryStructure === "strand" && count >= 2
    ? [{ kind: "strand", start: 1, end: count }]
    : [];
  let helices = 0;
  let strands = 0;
  for (const segment of segments) {
    const first = peptide.residues[segment.start - 1];
    const end = peptide.residues[segment.end - 1];
    if (first === undefined || end === undefined || segment.end < segment.start) {
      throw new RangeError(`segment ${segment.start}–${segment.end} is outside the chain`);
    }
    const from = `${first.name} ${chain}`;
    const to = `${end.name} ${chain}`;
    if (segment.kind === "helix") {
      helices++;
      lines.push(
        `HELIX  ${String(helices).padStart(3)} ${String(helices).padStart(3)} ${from} ` +
          `${String(first.number).padStart(4)}  ${to} ${String(end.number).padStart(4)}  1` +
          String(segment.end - segment.start + 1).padStart(36),
      );
    } else {
      // Unpaired strands: each is its own one-strand sheet.
      strands++;
      const sheet = strands <= 26 ? String.fromCharCode(64 + strands) : String(strands);
      lines.push(
        `SHEET  ${String(1).padStart(3)} ${sheet.padStart(3)} 1 ${from}` +
          `${String(first.number).padStart(4)}  ${to}${String(end.number).padStart(4)}  0`,
      );
    }
  }
  let serial = 0;
  for (const residue of peptide.residues) {
    for (const atom of residue.atoms) {
      serial++;
      lines.push(formatPdbAtom({
        serial,
        name: atom.name,
        residueName: residue.name,
        chain,
        residueNumber: residue.number,
        x: atom.position.x,
        y: atom.position.y,
        z: atom.position.z,
        bFactor: options.bFactors?.[residue.number - 1],
        element: atom.element,
      }));
    }
  }
  serial++;
  lines.push(
    `TER   ${String(serial).padStart(5)}      ${last.name} ${chain}${
      String(last.number).padStart(4)
    }`
      .padEnd(80),
  );
  lines.push("END".padEnd(80));
  return lines.map((line) => line.trimEnd()).join("\n") + "\n";
}

/**
 * Cβ from N, Cα and C: the unit direction d from Cα with d·(N−Cα)/|N−Cα| = cos(N–Cα–Cβ) and
 * d·(C−Cα)/|C−Cα| = cos(C–Cα–Cβ), on the side that makes an L-amino acid.
 */
function placeBeta(n: Vec3, ca: Vec3, c: Vec3): Vec3 {
  const u = normalize(subtract(n, ca));
  const v = normalize(subtract(c, ca));
  const w = normalize(cross(u, v));
  const cosUV = dot(u, v);
  const cosU = Math.cos(IDEAL_GEOMETRY.angles.N_CA_CB * Math.PI / 180);
  const cosV = Math.cos(IDEAL_GEOMETRY.angles.C_CA_CB * Math.PI / 180);
  // d = a·u + b·v + c·w with a + b·cosUV = cosU and a·cosUV + b = cosV.
  const determinant = 1 - cosUV * cosUV;
  const a = (cosU - cosV * cosUV) / determinant;
  const b = (cosV - cosU * cosUV) / determinant;
  const inPlane = { x: a * u.x + b * v.x, y: a * u.y + b * v.y, z: a * u.z + b * v.z };
  const out = Math.sqrt(Math.max(0, 1 - norm(inPlane) ** 2));
  // L-amino acids: Cβ lies on the (u × v) side, so that (N−Cα)·((C−Cα) × (Cβ−Cα)) > 0 (the
  // "CORN" rule) and the N–C–Cα–Cβ dihedral is about +123°.
  const direction = {
    x: inPlane.x + w.x * out,
    y: inPlane.y + w.y * out,
    z: inPlane.z + w.z * out,
  };
  return {
    x: ca.x + IDEAL_GEOMETRY.bonds.CA_CB * direction.x,
    y: ca.y + IDEAL_GEOMETRY.bonds.CA_CB * direction.y,
    z: ca.z + IDEAL_GEOMETRY.bonds.CA_CB * direction.z,
  };
}

function perResidue(value: number | readonly number[], length: number, name: string): number[] {
  if (typeof value === "number") return new Array(length).fill(value);
  if (value.length !== length) {
    throw new RangeError(
      `${value.length} ${name} angles for ${length} residues; give one per residue`,
    );
  }
  return [...value];
}

function wrapText(text: string, width: number): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let current = "";
  for (const word of words) {
    if (current !== "" && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current === "" ? word : `${current} ${word}`;
  }
  if (current !== "") lines.push(current);
  return lines;
}
