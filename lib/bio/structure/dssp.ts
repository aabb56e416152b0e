/**
 * Secondary structure from backbone hydrogen bonds — the DSSP algorithm (Kabsch & Sander 1983)
 * as the reference implementation `mkdssp` 4 computes it:
 *
 * 1. Each residue's amide H is placed 1 Å from N, opposite the previous residue's C=O.
 * 2. The electrostatic energy of every N–H···O=C pair whose Cα atoms are within 9 Å is
 *    `0.084 × 332 × (1/rON + 1/rCH − 1/rOH − 1/rCN)` kcal/mol; a residue keeps its two best
 *    acceptors and donors, and a pair is H-bonded below −0.5 kcal/mol.
 * 3. n-turns (H-bond from CO(i) to NH(i+n), n = 3, 4, 5) give 3₁₀ (G), α (H) and π (I)
 *    helices where two consecutive turns start; bridges between residues give β-ladders: E for
 *    ladders of two bridges or more, B for a lone bridge; T marks other turns, S bends (Cα
 *    angle over 70°), P polyproline II stretches of three residues (φ = −75 ± 29°,
 *    ψ = 145 ± 29°).
 *
 * Priorities follow mkdssp 4: H overwrites strands; G and I only fill loop residues (π-helices
 * take precedence over α, as mkdssp 4 prefers them); B/E never overwrite H. Coordinates are
 * processed in single precision and energies rounded to 0.001 kcal/mol like mkdssp, so
 * borderline H-bonds come out the same.
 *
 * The three-state reduction used here: H, G, I → H; E, B → E; everything else → C.
 *
 * Residues enter when they have N, CA, C and O; a C–N distance above 2.5 Å breaks the chain.
 *
 * @example
 * ```ts
 * import { assignSecondaryStructure } from "./dssp.ts";
 * // residues: [{ chain: "A", name: "ALA", n: {x,y,z}, ca: …, c: …, o: … }, …]
 * // assignSecondaryStructure(residues).map((r) => r.threeState).join("") → "CHHHHHHHHC…"
 * ```
 * @module
 */
import type { Vec3 } from "./geometry.ts";

/** Backbone of one residue, in chain order. */
export interface BackboneResidue {
  chain: string;
  name: string;
  n: Vec3;
  ca: Vec3;
  c: Vec3;
  o: Vec3;
}

/** DSSP's eight-state codes plus P (polyproline II); `-` is loop. */
export type DsspCode = "H" | "B" | "E" | "G" | "I" | "T" | "S" | "P" | "-";

/** The assignment of one residue. */
export interface SecondaryStructureAssignment {
  /** Eight-state DSSP code (with P); `-` for loop. */
  dssp: DsspCode;
  /** Three-state code: H (H, G, I), E (E, B) or C. */
  threeState: "H" | "E" | "C";
  /** Whether a chain break (C–N over 2.5 Å or a new chain) precedes this residue. */
  breakBefore: boolean;
  /** Best acceptor of this residue's N–H: index into the input and energy, or null. */
  hBondToO: { index: number; energy: number } | null;
}

const MIN_DISTANCE = 0.5;
const MIN_CA_DISTANCE_SQ = 81; // 9 Å, squared
const MIN_HBOND_ENERGY = Math.fround(-9.9);
const MAX_HBOND_ENERGY = -0.5;
const COUPLING = Math.fround(-27.888); // -332 × 0.42 × 0.2
const MAX_PEPTIDE_BOND = 2.5;

const enum Flag {
  None = 0,
  Start = 1,
  End = 2,
  StartAndEnd = 3,
  Middle = 4,
}

interface Point32 {
  x: number;
  y: number;
  z: number;
}

interface Work {
  chain: string;
  proline: boolean;
  n: Point32;
  ca: Point32;
  c: Point32;
  o: Point32;
  h: Point32;
  number: number;
  breakBefore: boolean;
  acceptors: [HBond, HBond];
  donors: [HBond, HBond];
  ss: DsspCode;
  helix: [Flag, Flag, Flag, Flag]; // 3-10, alpha, pi, pp
  bend: boolean;
  phi: number | null;
  psi: number | null;
  kappa: number | null;
}

interface HBond {
  index: number;
  energy: number;
}

interface Bridge {
  type: "parallel" | "antiparallel";
  i: number[];
  j: number[];
  chainI: string;
}

/**
 * Assign secondary structure to residues given in chain order (all chains together).
 *
 * @example
 * ```ts
 * import { assignSecondaryStructure } from "./dssp.ts";
 * assignSecondaryStructure([]); // []
 * ```
 */
export function assignSecondaryStructure(
  residues: readonly BackboneResidue[],
  options: { onProgress?: (fraction: number) => void } = {},
): SecondaryStructureAssignment[] {
  const work: Work[] = residues.map((residue) => ({
    chain: residue.chain,
    proline: residue.name === "PRO",
    n: toFloat(residue.n),
    ca: toFloat(residue.ca),
    c: toFloat(residue.c),
    o: toFloat(residue.o),
    h: toFloat(residue.n),
    number: 0,
    breakBefore: false,
    acceptors: [{ index: -1, energy: 0 }, { index: -1, energy: 0 }],
    donors: [{ index: -1, energy: 0 }, { index: -1, energy: 0 }],
    ss: "-",
    helix: [Flag.None, Flag.None, Flag.None, Flag.None],
    bend: false,
    phi: null,
    psi: null,
    kappa: null,
  }));
  const count = work.length;
  // Numbering with a gap at every break, so that "consecutive numbers" means "no break".
  let number = 0;
  for (let i = 0; i < count; i++) {
    number++;
    if (i === 0) work[i].breakBefore = true;
    else if (
      work[i].chain !== work[i - 1].chain || distance32(work[i - 1].c, work[i].n) > MAX_PEPTIDE_BOND
    ) {
      work[i].breakBefore = true;
      number++;
    }
    work[i].number = number;
  }
  const noBreak = (from: number, to: number): boolean => {
    if (work[from].chain !== work[to].chain) return false;
    for (let k = from; k < to; k++) {
      if (work[k + 1].number !== work[k].number + 1) return false;
    }
    return true;
  };
  // Geometry per residue: H position (from the previous residue in the list, as mkdssp
  // does), φ, ψ and the κ bend angle.
  for (let i = 0; i < count; i++) {
    const current = work[i];
    if (i >= 2 && i + 2 < count && noBreak(i - 2, i + 2)) {
      const kappa = kappaAngle(work[i - 2].ca, current.ca, work[i + 2].ca);
      if (!Number.isNaN(kappa)) current.kappa = kappa;
    }
    if (i + 1 < count) {
      const next = work[i + 1];
      assignHydrogen(next, current);
      if (noBreak(i, i + 1)) current.psi = dihedral32(current.n, current.ca, current.c, next.n);
    }
    if (i > 0 && noBreak(i - 1, i)) {
      current.phi = dihedral32(work[i - 1].c, current.n, current.ca, current.c);
    }
  }

  // Pairs of residues whose Cα atoms are within 9 Å.
  const near: [number, number][] = [];
  for (let i = 0; i + 1 < count; i++) {
    const a = work[i].ca;
    for (let j = i + 1; j < count; j++) {
      if (distanceSq32(a, work[j].ca) > MIN_CA_DISTANCE_SQ) continue;
      near.push([i, j]);
    }
    if (options.onProgress && i % 200 === 0) options.onProgress(0.5 * (i / count));
  }
  for (const [i, j] of near) {
    hBondEnergy(work, i, j);
    if (j !== i + 1) hBondEnergy(work, j, i);
  }
  options.onProgress?.(0.7);
  const bond = (donor: number, acceptor: number): boolean => {
    const list = work[donor].acceptors;
    return (list[0].index === acceptor && list[0].energy < MAX_HBOND_ENERGY) ||
      (list[1].index === acceptor && list[1].energy < MAX_HBOND_ENERGY);
  };

  assignBetaSheets(work, near, noBreak, bond);
  assignHelices(work, noBreak, bond);
  assignPolyproline(work);
  options.onProgress?.(1);

  return work.map((residue) => {
    const best = residue.acceptors[0];
    return {
      dssp: residue.ss,
      threeState: residue.ss === "H" || residue.ss === "G" || residue.ss === "I"
        ? "H"
        : residue.ss === "E" || residue.ss === "B"
        ? "E"
        : "C",
      breakBefore: residue.breakBefore,
      hBondToO: best.index >= 0 && best.energy < MAX_HBOND_ENERGY
        ? { index: best.index, energy: best.energy }
        : null,
    };
  });
}

function assignBetaSheets(
  work: Work[],
  near: readonly [number, number][],
  noBreak: (a: number, b: number) => boolean,
  bond: (donor: number, acceptor: number) => boolean,
): void {
  const count = work.length;
  const bridges: Bridge[] = [];
  for (const [i, j] of near) {
    const type = testBridge(i, j);
    if (type === undefined) continue;
    let found = false;
    for (const bridge of bridges) {
      if (type !== bridge.type || i !== bridge.i[bridge.i.length - 1] + 1) continue;
      if (type === "parallel" && bridge.j[bridge.j.length - 1] + 1 === j) {
        bridge.i.push(i);
        bridge.j.push(j);
        found = true;
        break;
      }
      if (type === "antiparallel" && bridge.j[0] - 1 === j) {
        bridge.i.push(i);
        bridge.j.unshift(j);
        found = true;
        break;
      }
    }
    if (!found) bridges.push({ type, i: [i], j: [j], chainI: work[i].chain });
  }

  // Ladders: join bridges across β-bulges. The C++ original uses unsigned arithmetic;
  // `gap` reproduces its wrap-around (a negative difference is huge).
  const gap = (a: number, b: number) => (a - b >= 0 ? a - b : Number.MAX_SAFE_INTEGER);
  bridges.sort((a, b) => a.chainI < b.chainI ? -1 : a.chainI > b.chainI ? 1 : a.i[0] - b.i[0]);
  for (let a = 0; a < bridges.length; a++) {
    for (let b = a + 1; b < bridges.length; b++) {
      const first = bridges[a];
      const second = bridges[b];
      const ibi = first.i[0];
      const iei = first.i[first.i.length - 1];
      const jbi = first.j[0];
      const jei = first.j[first.j.length - 1];
      const ibj = second.i[0];
      const iej = second.i[second.i.length - 1];
      const jbj = second.j[0];
      const jej = second.j[second.j.length - 1];
      if (
        first.type !== second.type ||
        !noBreak(Math.min(ibi, ibj), Math.max(iei, iej)) ||
        !noBreak(Math.min(jbi, jbj), Math.max(jei, jej)) ||
        gap(ibj, iei) >= 6 ||
        (iei >= ibj && ibi <= iej)
      ) continue;
      const bulge = first.type === "parallel"
        ? (gap(jbj, jei) < 6 && gap(ibj, iei) < 3) || gap(jbj, jei) < 3
        : (gap(jbi, jej) < 6 && gap(ibj, iei) < 3) || gap(jbi, jej) < 3;
      if (!bulge) continue;
      first.i.push(...second.i);
      if (first.type === "parallel") first.j.push(...second.j);
      else first.j.unshift(...second.j);
      bridges.splice(b, 1);
      b--;
    }
  }
  for (const bridge of bridges) {
    const code: DsspCode = bridge.i.length > 1 ? "E" : "B";
    for (const range of [bridge.i, bridge.j]) {
      const from = range[0];
      const to = range[range.length - 1];
      for (let k = from; k <= to && k < count; k++) {
        if (work[k].ss !== "E") work[k].ss = code;
      }
    }
  }

  function testBridge(i: number, j: number): Bridge["type"] | undefined {
    const a = i - 1;
    const b = i;
    const c = i + 1;
    const d = j - 1;
    const e = j;
    const f = j + 1;
    if (a < 0 || c >= count || d < 0 || f >= count) return undefined;
    if (!noBreak(a, c) || !noBreak(d, f)) return undefined;
    if ((bond(c, e) && bond(e, a)) || (bond(f, b) && bond(b, d))) return "parallel";
    if ((bond(c, d) && bond(f, a)) || (bond(e, b) && bond(b, e))) return "antiparallel";
    return undefined;
  }
}

function assignHelices(
  work: Work[],
  noBreak: (a: number, b: number) => boolean,
  bond: (donor: number, acceptor: number) => boolean,
): void {
  const count = work.length;
  for (let type = 0; type < 3; type++) {
    const stride = type + 3;
    for (let i = 0; i + stride < count; i++) {
      if (!noBreak(i, i + stride) || !bond(i + stride, i)) continue;
      work[i + stride].helix[type] = Flag.End;
      for (let j = i + 1; j < i + stride; j++) {
        if (work[j].helix[type] === Flag.None) work[j].helix[type] = Flag.Middle;
      }
      work[i].helix[type] = work[i].helix[type] === Flag.End ? Flag.StartAndEnd : Flag.Start;
    }
  }
  for (const residue of work) {
    if (residue.kappa !== null) residue.bend = residue.kappa > 70;
  }
  const isStart = (index: number, type: number) =>
    work[index].helix[type] === Flag.Start || work[index].helix[type] === Flag.StartAndEnd;
  for (let i = 1; i + 4 < count; i++) {
    if (isStart(i, 1) && isStart(i - 1, 1)) {
      for (let j = i; j <= i + 3; j++) work[j].ss = "H";
    }
  }
  for (let i = 1; i + 3 < count; i++) {
    if (isStart(i, 0) && isStart(i - 1, 0)) {
      let empty = true;
      for (let j = i; empty && j <= i + 2; j++) empty = work[j].ss === "-" || work[j].ss === "G";
      if (empty) { for (let j = i; j <= i + 2; j++) work[j].ss = "G"; }
    }
  }
  for (let i = 1; i + 5 < count; i++) {
    if (isStart(i, 2) && isStart(i - 1, 2)) {
      let empty = true;
      for (let j = i; empty && j <= i + 4; j++) {
        empty = work[j].ss === "-" || work[j].ss === "I" || work[j].ss === "H";
      }
      if (empty) { for (let j = i; j <= i + 4; j++) work[j].ss = "I"; }
    }
  }
  for (let i = 1; i + 1 < count; i++) {
    if (work[i].ss !== "-") continue;
    let isTurn = false;
    for (let type = 0; type < 3 && !isTurn; type++) {
      const stride = type + 3;
      for (let k = 1; k < stride && !isTurn; k++) isTurn = i >= k && isStart(i - k, type);
    }
    if (isTurn) work[i].ss = "T";
    else if (work[i].bend) work[i].ss = "S";
  }
}

function assignPolyproline(work: Work[]): void {
  const count = work.length;
  const phiMin = -75 - 29;
  const phiMax = -75 + 29;
  const psiMin = 145 - 29;
  const psiMax = 145 + 29;
  const phi = new Array<number>(count).fill(0);
  const psi = new Array<number>(count).fill(0);
  for (let i = 1; i + 1 < count; i++) {
    phi[i] = work[i].phi ?? 360;
    psi[i] = work[i].psi ?? 360;
  }
  for (let i = 1; i + 3 < count; i++) {
    let inRange = true;
    for (let k = 0; k < 3 && inRange; k++) {
      inRange = phi[i + k] >= phiMin && phi[i + k] <= phiMax && psi[i + k] >= psiMin &&
        psi[i + k] <= psiMax;
    }
    if (!inRange) continue;
    if (work[i].helix[3] === Flag.None) work[i].helix[3] = Flag.Start;
    else if (work[i].helix[3] === Flag.End) work[i].helix[3] = Flag.StartAndEnd;
    work[i + 1].helix[3] = Flag.Middle;
    work[i + 2].helix[3] = Flag.End;
    for (let k = 0; k < 3; k++) if (work[i + k].ss === "-") work[i + k].ss = "P";
  }
}

function hBondEnergy(work: Work[], donorIndex: number, acceptorIndex: number): void {
  const donor = work[donorIndex];
  const acceptor = work[acceptorIndex];
  let result = 0;
  if (!donor.proline) {
    const distanceHO = distance32(donor.h, acceptor.o);
    const distanceHC = distance32(donor.h, acceptor.c);
    const distanceNC = distance32(donor.n, acceptor.c);
    const distanceNO = distance32(donor.n, acceptor.o);
    if (
      distanceHO < MIN_DISTANCE || distanceHC < MIN_DISTANCE || distanceNC < MIN_DISTANCE ||
      distanceNO < MIN_DISTANCE
    ) {
      result = MIN_HBOND_ENERGY;
    } else {
      result = COUPLING / distanceHO - COUPLING / distanceHC + COUPLING / distanceNC -
        COUPLING / distanceNO;
    }
    result = roundHalfAway(result * 1000) / 1000;
    if (result < MIN_HBOND_ENERGY) result = MIN_HBOND_ENERGY;
  }
  keepBest(donor.acceptors, acceptorIndex, result);
  keepBest(acceptor.donors, donorIndex, result);
}

function keepBest(list: [HBond, HBond], index: number, energy: number): void {
  if (energy < list[0].energy) {
    list[1] = list[0];
    list[0] = { index, energy };
  } else if (energy < list[1].energy) {
    list[1] = { index, energy };
  }
}

/** C's `round`: halves go away from zero. */
function roundHalfAway(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}

function assignHydrogen(residue: Work, previous: Work): void {
  residue.h = { ...residue.n };
  if (residue.proline) return;
  const co = distance32(previous.c, previous.o);
  const f = Math.fround;
  residue.h = {
    x: f(residue.n.x + f(f(previous.c.x - previous.o.x) / co)),
    y: f(residue.n.y + f(f(previous.c.y - previous.o.y) / co)),
    z: f(residue.n.z + f(f(previous.c.z - previous.o.z) / co)),
  };
}

function toFloat(point: Vec3): Point32 {
  return { x: Math.fround(point.x), y: Math.fround(point.y), z: Math.fround(point.z) };
}

function distanceSq32(a: Point32, b: Point32): number {
  const f = Math.fround;
  const dx = f(a.x - b.x);
  const dy = f(a.y - b.y);
  const dz = f(a.z - b.z);
  return f(f(f(dx * dx) + f(dy * dy)) + f(dz * dz));
}

function distance32(a: Point32, b: Point32): number {
  return Math.fround(Math.sqrt(distanceSq32(a, b)));
}

function kappaAngle(before: Point32, at: Point32, after: Point32): number {
  const u = { x: at.x - before.x, y: at.y - before.y, z: at.z - before.z };
  const v = { x: after.x - at.x, y: after.y - at.y, z: after.z - at.z };
  const product = (u.x * u.x + u.y * u.y + u.z * u.z) * (v.x * v.x + v.y * v.y + v.z * v.z);
  const cosine = product > 0 ? (u.x * v.x + u.y * v.y + u.z * v.z) / Math.sqrt(product) : 0;
  const sine = Math.sqrt(1 - cosine * cosine);
  return Math.atan2(sine, cosine) * 180 / Math.PI;
}

function dihedral32(p1: Point32, p2: Point32, p3: Point32, p4: Point32): number {
  const v12 = { x: p1.x - p2.x, y: p1.y - p2.y, z: p1.z - p2.z };
  const v43 = { x: p4.x - p3.x, y: p4.y - p3.y, z: p4.z - p3.z };
  const z = { x: p2.x - p3.x, y: p2.y - p3.y, z: p2.z - p3.z };
  const crossed = (a: Point32, b: Point32) => ({
    x: a.y * b.z - b.y * a.z,
    y: a.z * b.x - b.z * a.x,
    z: a.x * b.y - b.x * a.y,
  });
  const dot = (a: Point32, b: Point32) => a.x * b.x + a.y * b.y + a.z * b.z;
  const p = crossed(z, v12);
  const x = crossed(z, v43);
  const y = crossed(z, x);
  let u = dot(x, x);
  let v = dot(y, y);
  if (u <= 0 || v <= 0) return 360;
  u = dot(p, x) / Math.sqrt(u);
  v = dot(p, y) / Math.sqrt(v);
  if (u === 0 && v === 0) return 360;
  return Math.atan2(v, u) * 180 / Math.PI;
}
