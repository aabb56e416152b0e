/**
 * Small 3D geometry helpers for structures: distances, bond angles, dihedral angles
 * (IUPAC sign convention, as Biopython's `calc_dihedral`) and placing an atom from three
 * others by bond length, angle and dihedral (the NeRF construction).
 *
 * @example
 * ```ts
 * import { dihedral, placeAtom } from "./geometry.ts";
 *
 * const a = { x: 1, y: 0, z: 0 }, b = { x: 0, y: 0, z: 0 }, c = { x: 0, y: 1, z: 0 };
 * const d = placeAtom(a, b, c, { length: 1, angle: 90, dihedral: 60 });
 * dihedral(a, b, c, d); // 60 (within rounding)
 * ```
 * @module
 */

/** A point or vector. */
export interface Vec3 {
  /** x coordinate (Å for atom positions). */
  x: number;
  /** y coordinate (Å for atom positions). */
  y: number;
  /** z coordinate (Å for atom positions). */
  z: number;
}

const DEGREES = 180 / Math.PI;

/** a − b. */
export function subtract(a: Vec3, b: Vec3): Vec3 {
  return { x: a.x - b.x, y: a.y - b.y, z: a.z - b.z };
}

/** a + b. */
export function add(a: Vec3, b: Vec3): Vec3 {
  return { x: a.x + b.x, y: a.y + b.y, z: a.z + b.z };
}

/** v × factor. */
export function scale(v: Vec3, factor: number): Vec3 {
  return { x: v.x * factor, y: v.y * factor, z: v.z * factor };
}

/** Dot product. */
export function dot(a: Vec3, b: Vec3): number {
  return a.x * b.x + a.y * b.y + a.z * b.z;
}

/** Cross product. */
export function cross(a: Vec3, b: Vec3): Vec3 {
  return { x: a.y * b.z - a.z * b.y, y: a.z * b.x - a.x * b.z, z: a.x * b.y - a.y * b.x };
}

/** Length of a vector. */
export function norm(v: Vec3): number {
  return Math.sqrt(dot(v, v));
}

/** The unit vector along v. */
export function normalize(v: Vec3): Vec3 {
  return scale(v, 1 / norm(v));
}

/**
 * Distance between two points.
 *
 * @example
 * ```ts
 * import { distance } from "./geometry.ts";
 * distance({ x: 0, y: 0, z: 0 }, { x: 3, y: 4, z: 0 }); // 5
 * ```
 */
export function distance(a: Vec3, b: Vec3): number {
  const dx = a.x - b.x;
  const dy = a.y - b.y;
  const dz = a.z - b.z;
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

/**
 * The angle a–b–c at b, in degrees.
 *
 * @example
 * ```ts
 * import { angle } from "./geometry.ts";
 * angle({ x: 1, y: 0, z: 0 }, { x: 0, y: 0, z: 0 }, { x: 0, y: 1, z: 0 }); // 90
 * ```
 */
export function angle(a: Vec3, b: Vec3, c: Vec3): number {
  const u = subtract(a, b);
  const v = subtract(c, b);
  const cosine = dot(u, v) / (norm(u) * norm(v));
  return Math.acos(Math.max(-1, Math.min(1, cosine))) * DEGREES;
}

/**
 * The dihedral angle a–b–c–d in degrees, in (−180, 180]; positive is clockwise looking
 * along b→c (IUPAC; the convention of φ/ψ in Biopython and DSSP).
 *
 * @example
 * ```ts
 * import { dihedral } from "./geometry.ts";
 * dihedral({ x: 1, y: 0, z: 0 }, { x: 0, y: 0, z: 0 }, { x: 0, y: 0, z: 1 }, { x: 0, y: 1, z: 1 });
 * // 90
 * ```
 */
export function dihedral(a: Vec3, b: Vec3, c: Vec3, d: Vec3): number {
  const b0 = subtract(a, b);
  const b1 = normalize(subtract(c, b));
  const b2 = subtract(d, c);
  const v = subtract(b0, scale(b1, dot(b0, b1)));
  const w = subtract(b2, scale(b1, dot(b2, b1)));
  const x = dot(v, w);
  const y = dot(cross(b1, v), w);
  return Math.atan2(y, x) * DEGREES;
}

/** Internal coordinates of a placed atom. */
export interface InternalCoordinates {
  /** Bond length c–d in Å. */
  length: number;
  /** Bond angle b–c–d in degrees. */
  angle: number;
  /** Dihedral a–b–c–d in degrees. */
  dihedral: number;
}

/**
 * Place atom d bonded to c so that |cd| = length, angle(b, c, d) = angle and
 * dihedral(a, b, c, d) = dihedral (Parsons et al. 2005, "NeRF").
 *
 * @example
 * ```ts
 * import { distance, placeAtom } from "./geometry.ts";
 * const d = placeAtom({ x: 0, y: 1, z: 0 }, { x: 0, y: 0, z: 0 }, { x: 1, y: 0, z: 0 },
 *   { length: 1.5, angle: 110, dihedral: 180 });
 * distance({ x: 1, y: 0, z: 0 }, d); // 1.5
 * ```
 */
export function placeAtom(a: Vec3, b: Vec3, c: Vec3, internal: InternalCoordinates): Vec3 {
  const theta = internal.angle / DEGREES;
  const phi = internal.dihedral / DEGREES;
  const bc = normalize(subtract(c, b));
  const n = normalize(cross(subtract(b, a), bc));
  const m = cross(n, bc);
  const local = {
    x: -internal.length * Math.cos(theta),
    y: internal.length * Math.sin(theta) * Math.cos(phi),
    z: internal.length * Math.sin(theta) * Math.sin(phi),
  };
  return add(c, {
    x: bc.x * local.x + m.x * local.y + n.x * local.z,
    y: bc.y * local.x + m.y * local.y + n.y * local.z,
    z: bc.z * local.x + m.z * local.y + n.z * local.z,
  });
}

/**
 * Radius of gyration of points, optionally weighted (by mass for the usual definition).
 *
 * @example
 * ```ts
 * import { radiusOfGyration } from "./geometry.ts";
 * radiusOfGyration([{ x: -1, y: 0, z: 0 }, { x: 1, y: 0, z: 0 }]); // 1
 * ```
 */
export function radiusOfGyration(points: readonly Vec3[], weights?: readonly number[]): number {
  let total = 0;
  let cx = 0;
  let cy = 0;
  let cz = 0;
  points.forEach((point, index) => {
    const weight = weights ? weights[index] : 1;
    total += weight;
    cx += weight * point.x;
    cy += weight * point.y;
    cz += weight * point.z;
  });
  if (total === 0) return NaN;
  cx /= total;
  cy /= total;
  cz /= total;
  let sum = 0;
  points.forEach((point, index) => {
    const weight = weights ? weights[index] : 1;
    sum += weight * ((point.x - cx) ** 2 + (point.y - cy) ** 2 + (point.z - cz) ** 2);
  });
  return Math.sqrt(sum / total);
}
