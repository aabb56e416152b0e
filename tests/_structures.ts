/**
 * Test structures built from ideal backbone geometry (NeRF placement from φ/ψ angles): helices,
 * strands and bundles of any size, in PDB or mmCIF, with chosen B-factors and hostile text.
 * @module
 */

type Vec = [number, number, number];

const sub = (a: Vec, b: Vec): Vec => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const add = (a: Vec, b: Vec): Vec => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: Vec, s: number): Vec => [a[0] * s, a[1] * s, a[2] * s];
const cross = (a: Vec, b: Vec): Vec => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const unit = (a: Vec): Vec => scale(a, 1 / Math.hypot(...a));
const RAD = Math.PI / 180;

/** Place atom D from A, B, C with bond C–D, angle B–C–D and torsion A–B–C–D (degrees). */
function place(a: Vec, b: Vec, c: Vec, bond: number, angle: number, torsion: number): Vec {
  const bc = unit(sub(c, b));
  const n = unit(cross(sub(b, a), bc));
  const m = cross(n, bc);
  const d: Vec = [
    -bond * Math.cos(angle * RAD),
    bond * Math.sin(angle * RAD) * Math.cos(torsion * RAD),
    bond * Math.sin(angle * RAD) * Math.sin(torsion * RAD),
  ];
  return add(c, add(add(scale(bc, d[0]), scale(m, d[1])), scale(n, d[2])));
}

/** One built atom. */
export interface BuiltAtom {
  name: string;
  element: string;
  resName: string;
  resSeq: number;
  chain: string;
  pos: Vec;
  b: number;
  hetero?: boolean;
  model?: number;
}

const THREE = ["ALA", "GLY", "LEU", "LYS", "GLU", "SER", "VAL", "ASP", "ARG", "PHE"];

/** Backbone (N, CA, C, O, CB) of a chain with the given φ/ψ per residue. */
export function buildChain(
  length: number,
  options: {
    chain?: string;
    phi?: (i: number) => number;
    psi?: (i: number) => number;
    b?: (i: number) => number;
    offset?: Vec;
    rotate?: number;
    startResidue?: number;
  } = {},
): BuiltAtom[] {
  const phi = options.phi ?? (() => -57);
  const psi = options.psi ?? (() => -47);
  const chain = options.chain ?? "A";
  const atoms: BuiltAtom[] = [];
  let n: Vec = [0, 0, 0];
  let ca: Vec = [1.458, 0, 0];
  let c: Vec = place([0, 1, 0], n, ca, 1.525, 111.2, -60);
  const offset = options.offset ?? [0, 0, 0];
  const angle = (options.rotate ?? 0) * RAD;
  const move = (p: Vec): Vec =>
    add([
      p[0] * Math.cos(angle) - p[1] * Math.sin(angle),
      p[0] * Math.sin(angle) + p[1] * Math.cos(angle),
      p[2],
    ], offset);
  for (let i = 0; i < length; i++) {
    if (i > 0) {
      const [pn, pca, pc] = [n, ca, c];
      n = place(pn, pca, pc, 1.329, 116.2, psi(i - 1));
      ca = place(pca, pc, n, 1.458, 121.7, 180);
      c = place(pc, n, ca, 1.525, 111.2, phi(i));
    }
    const nextN = place(n, ca, c, 1.329, 116.2, psi(i));
    const o = place(nextN, ca, c, 1.231, 120.5, 180);
    const cb = place(c, n, ca, 1.53, 110.5, -122.5);
    const resName = THREE[i % THREE.length];
    const b = options.b ? options.b(i) : 20 + (i % 10);
    const resSeq = (options.startResidue ?? 1) + i;
    const base = { resName, resSeq, chain, b };
    atoms.push(
      { ...base, name: "N", element: "N", pos: move(n) },
      { ...base, name: "CA", element: "C", pos: move(ca) },
      { ...base, name: "C", element: "C", pos: move(c) },
      { ...base, name: "O", element: "O", pos: move(o) },
    );
    if (resName !== "GLY") atoms.push({ ...base, name: "CB", element: "C", pos: move(cb) });
  }
  return atoms;
}

/** A helix–turn–helix hairpin (two antiparallel helices joined by a loop). */
export function hairpin(
  length: number,
  chain = "A",
  options: { offset?: Vec; rotate?: number; b?: (i: number) => number } = {},
): BuiltAtom[] {
  const helix = Math.floor((length - 4) / 2);
  const loopPhi = [-60, -90, 60, -120];
  const loopPsi = [140, 0, 30, 150];
  return buildChain(length, {
    chain,
    ...options,
    phi: (i) => (i >= helix && i < helix + 4 ? loopPhi[i - helix] : -57),
    psi: (i) => (i >= helix && i < helix + 4 ? loopPsi[i - helix] : -47),
  });
}

/** PDB text of atoms, with optional header lines (written verbatim: tests put hostile text there). */
export function toPdb(atoms: BuiltAtom[], header: string[] = []): string {
  const lines = [...header];
  const models = [...new Set(atoms.map((atom) => atom.model ?? 1))];
  let serial = 0;
  for (const model of models) {
    if (models.length > 1) lines.push(`MODEL     ${String(model).padStart(4)}`);
    for (const atom of atoms.filter((a) => (a.model ?? 1) === model)) {
      serial = (serial % 99_999) + 1;
      const name = atom.name.length >= 4 ? atom.name : ` ${atom.name.padEnd(3)}`;
      lines.push(
        `${atom.hetero ? "HETATM" : "ATOM  "}${String(serial).padStart(5)} ${name} ${
          atom.resName.padStart(3)
        } ${atom.chain}${String(atom.resSeq).padStart(4)}    ${
          atom.pos.map((v) => v.toFixed(3).padStart(8)).join("")
        }  1.00${atom.b.toFixed(2).padStart(6)}          ${atom.element.padStart(2)}`,
      );
    }
    if (models.length > 1) lines.push("ENDMDL");
  }
  lines.push("END");
  return `${lines.join("\n")}\n`;
}

/** mmCIF text of atoms (`_atom_site` loop), with a title. */
export function toMmcif(atoms: BuiltAtom[], title = "test structure"): string {
  const tags = [
    "group_PDB",
    "id",
    "type_symbol",
    "label_atom_id",
    "label_comp_id",
    "label_asym_id",
    "label_seq_id",
    "Cartn_x",
    "Cartn_y",
    "Cartn_z",
    "occupancy",
    "B_iso_or_equiv",
    "auth_seq_id",
    "auth_asym_id",
    "pdbx_PDB_model_num",
  ];
  const rows = atoms.map((atom, i) =>
    [
      atom.hetero ? "HETATM" : "ATOM",
      i + 1,
      atom.element,
      atom.name,
      atom.resName,
      atom.chain,
      atom.resSeq,
      ...atom.pos.map((v) => v.toFixed(3)),
      "1.00",
      atom.b.toFixed(2),
      atom.resSeq,
      atom.chain,
      atom.model ?? 1,
    ].join(" ")
  );
  return [
    "data_test",
    "_entry.id TEST",
    `_struct.title '${title.replaceAll("'", "")}'`,
    "#",
    "loop_",
    ...tags.map((tag) => `_atom_site.${tag}`),
    ...rows,
    "#",
    "",
  ].join("\n");
}

/** A bundle of hairpins, `chains` chains of `length` residues each, about 5 atoms per residue. */
export function bundle(
  chains: number,
  length: number,
  b?: (chain: number, i: number) => number,
): BuiltAtom[] {
  const atoms: BuiltAtom[] = [];
  const ids = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const ring = Math.max(1, chains);
  for (let k = 0; k < chains; k++) {
    const angle = (360 / ring) * k;
    const radius = chains > 1 ? 9 + chains * 1.6 : 0;
    atoms.push(
      ...hairpin(length, ids[k % 26], {
        offset: [
          radius * Math.cos(angle * RAD),
          radius * Math.sin(angle * RAD),
          (Math.floor(k / 26)) * 60,
        ],
        rotate: angle,
        b: b ? (i) => b(k, i) : undefined,
      }),
    );
  }
  return atoms;
}

/** A structure of about `atoms` atoms (for benchmarks): many 200-residue hairpins in a grid. */
export function bigStructure(atoms: number): BuiltAtom[] {
  const perChain = 200 * 4.9;
  const chains = Math.max(1, Math.round(atoms / perChain));
  const out: BuiltAtom[] = [];
  const ids = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (let k = 0; k < chains; k++) {
    const gx = (k % 8) * 28;
    const gy = Math.floor(k / 8) * 28;
    out.push(
      ...hairpin(200, ids[k % ids.length], {
        offset: [gx, gy, 0],
        rotate: k * 17,
        b: (i) => 30 + 60 * Math.abs(Math.sin(i / 15)),
      }),
    );
  }
  return out;
}

/** A small transform helper: rotate around z by `angle` degrees, then move. */
function turnAndMove(p: Vec, angle: number, move: Vec, flip: boolean): Vec {
  const q: Vec = flip ? [p[0], -p[1], -p[2]] : p;
  const a = angle * RAD;
  return add([
    q[0] * Math.cos(a) - q[1] * Math.sin(a),
    q[0] * Math.sin(a) + q[1] * Math.cos(a),
    q[2],
  ], move);
}

/**
 * A helical bundle in one chain: `helices` α-helices of `helixLength` residues standing on a
 * circle, alternately up and down, joined by short loops — a compact, protein-like fold.
 */
export function helicalBundle(
  helices: number,
  helixLength: number,
  options: { chain?: string; offset?: Vec; b?: (i: number) => number; startResidue?: number } = {},
): BuiltAtom[] {
  const chain = options.chain ?? "A";
  // One ideal helix, put in a frame with its axis along z and its centre at the origin.
  const base = buildChain(helixLength, { chain });
  const cas = base.filter((atom) => atom.name === "CA").map((atom) => atom.pos);
  const centre = scale(cas.reduce((sum, p) => add(sum, p), [0, 0, 0] as Vec), 1 / cas.length);
  const axis = unit(sub(
    scale(cas.slice(-4).reduce((sum, p) => add(sum, p), [0, 0, 0] as Vec), 1 / 4),
    scale(cas.slice(0, 4).reduce((sum, p) => add(sum, p), [0, 0, 0] as Vec), 1 / 4),
  ));
  const helper: Vec = Math.abs(axis[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const ex = unit(cross(helper, axis));
  const ey = cross(axis, ex);
  const local = (p: Vec): Vec => {
    const d = sub(p, centre);
    return [
      d[0] * ex[0] + d[1] * ex[1] + d[2] * ex[2],
      d[0] * ey[0] + d[1] * ey[1] + d[2] * ey[2],
      d[0] * axis[0] + d[1] * axis[1] + d[2] * axis[2],
    ];
  };
  const radius = helices === 1 ? 0 : 5.2 / Math.sin(Math.PI / helices);
  const out: BuiltAtom[] = [];
  let residue = options.startResidue ?? 1;
  let index = 0;
  const shift = options.offset ?? [0, 0, 0];
  const perResidue = (i: number) => options.b ? options.b(i) : 20 + (i % 10);
  let previous: Vec | undefined;
  for (let h = 0; h < helices; h++) {
    const angle = (360 / Math.max(1, helices)) * h;
    const at: Vec = add([radius * Math.cos(angle * RAD), radius * Math.sin(angle * RAD), 0], shift);
    const helix = base.map((atom) => ({
      ...atom,
      pos: turnAndMove(local(atom.pos), angle, at, h % 2 === 1),
    }));
    const firstCa = helix.find((atom) => atom.name === "CA")!.pos;
    if (previous) {
      // A loop of four residues arching between the helices' ends.
      const loop = 4;
      for (let k = 1; k <= loop; k++) {
        const t = k / (loop + 1);
        const mid = add(scale(previous, 1 - t), scale(firstCa, t));
        const lift = Math.sin(t * Math.PI) * 4 * Math.sign(previous[2] || 1);
        const ca: Vec = [mid[0], mid[1], mid[2] + lift];
        const b = perResidue(index++);
        const resSeq = residue++;
        out.push(
          {
            name: "N",
            element: "N",
            resName: "GLY",
            resSeq,
            chain,
            b,
            pos: add(ca, [-0.8, 0.6, -0.6]),
          },
          { name: "CA", element: "C", resName: "GLY", resSeq, chain, b, pos: ca },
          {
            name: "C",
            element: "C",
            resName: "GLY",
            resSeq,
            chain,
            b,
            pos: add(ca, [0.9, 0.5, 0.6]),
          },
          {
            name: "O",
            element: "O",
            resName: "GLY",
            resSeq,
            chain,
            b,
            pos: add(ca, [1.1, 1.6, 0.9]),
          },
        );
      }
    }
    const byResidue = new Map<number, BuiltAtom[]>();
    for (const atom of helix) {
      byResidue.set(atom.resSeq, [...(byResidue.get(atom.resSeq) ?? []), atom]);
    }
    for (const atoms of byResidue.values()) {
      const b = perResidue(index++);
      const resSeq = residue++;
      for (const atom of atoms) out.push({ ...atom, resSeq, b });
    }
    previous = helix.filter((atom) => atom.name === "CA").at(-1)!.pos;
  }
  return out;
}
