/**
 * 3D structure preview: an interactive 3Dmol.js viewer (cartoon, coloured by chain, by
 * B-factor, by pLDDT with AlphaFold's classes, or N→C spectrum, with a legend; several chains
 * and models) plus a static picture in the same output — a projection of the Cα trace onto
 * the structure's two main axes, coloured the same way, drawn here as SVG and rasterised to
 * PNG — so the structure still shows where scripts do not run (untrusted notebooks, GitHub,
 * nbviewer). The live viewer replaces the picture once it has rendered.
 *
 * 3Dmol.js is imported as an ES module from esm.sh by default (configurable, or inlined with
 * `offline: true`). Big structures stay responsive: the picture shows at once, the viewer is
 * built when the output scrolls into view, and above 30 000 atoms only the backbone (plus
 * ligands) is sent — the structure text travels gzipped.
 *
 * @example
 * ```ts ignore
 * import { structureView } from "../../mod.ts";
 * await structureView("downloads/model.pdb", { color: "plddt" });
 * await structureView(result, { file: "prediction.cif" });
 * ```
 * @module
 */
import { nanoid } from "../_deps/nanoid.ts";
import { escapeHtml, html, jsonForScript, raw, type SafeHtml } from "./_html.ts";
import { $display, cellOutputAsync, type MimeBundle } from "./_jupyter.ts";
import {
  type AssetOptions,
  type LibraryLoader,
  libraryLoader,
  PAGE_THEME_JS,
  THREEDMOL,
} from "./assets.ts";
import { encodeBase64, FONT_FAMILY, svgToPng } from "./_raster.ts";
import { gzipText } from "./_base64.ts";
import {
  type Atom,
  isBackboneAtom,
  isTraceAtom,
  isWater,
  type ParsedStructure,
  parseStructure,
} from "./_structure_parse.ts";
import type { ResiduePoint } from "./charts.ts";
import { PALETTE } from "./_chart_model.ts";

export { type Atom, type ParsedStructure, parseStructure } from "./_structure_parse.ts";

/** How atoms are coloured. */
export type StructureColoring = "auto" | "chain" | "plddt" | "bfactor" | "spectrum";

/** Options of {@linkcode structureView}. */
export interface StructureViewOptions extends AssetOptions {
  /** Which file of a Result to show. Default: the first `.pdb`, `.cif`, `.mmcif` or `.ent`. */
  file?: string;
  /** Force the format instead of detecting it. */
  format?: "pdb" | "mmcif";
  /**
   * Colouring. `auto` (default): pLDDT for predicted models, by chain when there are several
   * chains, else an N→C spectrum.
   */
  color?: StructureColoring;
  /** B-factor range of the colour scale. Default: the structure's 5th–95th percentile. */
  range?: [number, number];
  /** Polymer style in the viewer. Default `cartoon`. */
  style?: "cartoon" | "trace" | "stick" | "sphere" | "line";
  /** Several models (NMR ensembles): overlay `all` (default), `first` only, or `animate`. */
  models?: "all" | "first" | "animate";
  /**
   * Atoms sent to the viewer: `full`, `backbone` (plus ligands), `trace` (Cα/P only), or `auto`
   * (default: full up to 30 000 atoms, backbone up to 120 000, trace beyond).
   */
  detail?: "auto" | "full" | "backbone" | "trace";
  /** Show water molecules. Default false. */
  water?: boolean;
  /** Heading; default: the file's title, id or name. */
  title?: string;
  /** Width in CSS pixels. Default 640. */
  width?: number;
  /** Height in CSS pixels. Default 420. */
  height?: number;
  /** Also put the picture under `image/png` (for front ends without HTML). Default true. */
  png?: boolean;
}

/** A downloaded file, a Result, or anything else that holds a structure. */
export type StructureSource =
  | string
  | URL
  | Uint8Array
  | { path: string }
  | { files: readonly { name: string }[]; text(name?: string): Promise<string> };

/** Colour parameters shared by the viewer (in the browser) and the static picture. */
export interface ColorParams {
  /** The colouring in force (`auto` resolved): by chain, pLDDT, B-factor, or N→C spectrum. */
  scheme: "chain" | "plddt" | "bfactor" | "spectrum";
  /** Chain (as the viewer sees it) → colour. */
  chains: Record<string, string>;
  /** Chain → first and last residue number (spectrum). */
  spans: Record<string, [number, number]>;
  /** B-factor range. */
  range: [number, number];
  /** Gradient stops, low → high. */
  stops: string[];
  /** pLDDT classes: lower bound and colour, highest first. */
  bands: [number, string][];
}

/**
 * The colour of an atom. Self-contained on purpose: its source is also sent to the browser,
 * so the viewer and the static picture colour alike.
 */
export function atomColor(p: ColorParams, chain: string, resi: number, b: number): string {
  const hex = (value: number) => Math.round(value).toString(16).padStart(2, "0");
  const mix = (stops: string[], t: number) => {
    const clamped = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0));
    const at = clamped * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(at));
    const f = at - i;
    const a = stops[i];
    const c = stops[i + 1];
    const channel = (k: number) =>
      parseInt(a.slice(1 + 2 * k, 3 + 2 * k), 16) * (1 - f) +
      parseInt(c.slice(1 + 2 * k, 3 + 2 * k), 16) * f;
    return `#${hex(channel(0))}${hex(channel(1))}${hex(channel(2))}`;
  };
  if (p.scheme === "chain") return p.chains[chain] ?? "#9ca3af";
  if (p.scheme === "plddt") {
    for (const [lower, color] of p.bands) if (b >= lower) return color;
    return p.bands[p.bands.length - 1][1];
  }
  if (p.scheme === "bfactor") {
    return mix(p.stops, (b - p.range[0]) / (p.range[1] - p.range[0] || 1));
  }
  const span = p.spans[chain] ?? [resi, resi];
  return mix(p.stops, (resi - span[0]) / (span[1] - span[0] || 1));
}

/** Chain colours: the chart palette, so a chain and its profile line share a colour. */
const CHAIN_COLORS = PALETTE;
const BFACTOR_STOPS = ["#1d4ed8", "#93c5fd", "#f8fafc", "#fca5a5", "#b91c1c"];
const SPECTRUM_STOPS = ["#1d4ed8", "#0891b2", "#16a34a", "#ca8a04", "#ea580c", "#dc2626"];
const PLDDT_CLASSES: [number, string, string][] = [
  [90, "#0053d6", "very high (pLDDT > 90)"],
  [70, "#65cbf3", "confident (70–90)"],
  [50, "#ffdb13", "low (50–70)"],
  [-Infinity, "#ff7d45", "very low (< 50)"],
];

const CHAIN_KEYS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A chain of the structure as shown. */
export interface ChainSummary {
  /** Chain id in the file. */
  id: string;
  /** The one-letter id the viewer uses (PDB text holds one character). */
  key: string;
  /** Polymer residues of the chain in the first model. */
  residues: number;
  /** Atoms of the chain in the first model. */
  atoms: number;
  /** CSS colour of the chain when coloured by chain. */
  color: string;
}

interface Prepared {
  parsed: ParsedStructure;
  /** Atoms sent to the viewer. */
  atoms: Atom[];
  /** Atoms of the first model (all, before detail reduction) for the picture. */
  trace: Atom[];
  ligands: Atom[];
  chains: ChainSummary[];
  keyOf: Map<string, string>;
  colors: ColorParams;
  detail: "full" | "backbone" | "trace";
  models: number[];
  /** The picture's frame: centre and axes (x, y in the picture plane, z towards the reader). */
  frame: { mean: number[]; axes: number[][] };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[index];
}

function prepare(parsed: ParsedStructure, options: StructureViewOptions): Prepared {
  const modelMode = options.models ?? "all";
  const wantedModels = modelMode === "first" ? parsed.models.slice(0, 1) : parsed.models;
  const firstModel = parsed.models[0];
  const kept = parsed.atoms.filter((atom) =>
    (options.water || !isWater(atom)) &&
    (atom.altLoc === "" || atom.altLoc === "A" || atom.altLoc === "1")
  );
  // Cap the models so an ensemble cannot blow the atom budget.
  const perModel = kept.filter((atom) => atom.model === firstModel).length || 1;
  const maxModels = Math.max(1, Math.floor(120_000 / perModel));
  const models = wantedModels.slice(0, maxModels);
  const modelSet = new Set(models);
  let atoms = kept.filter((atom) => modelSet.has(atom.model));
  let detail: Prepared["detail"] = options.detail === "auto" || options.detail === undefined
    ? "full"
    : options.detail;
  if (options.detail === undefined || options.detail === "auto") {
    if (atoms.length > 30_000) detail = "backbone";
    if (atoms.filter((atom) => isBackboneAtom(atom) || atom.hetero).length > 120_000) {
      detail = "trace";
    }
  }
  if (detail === "backbone") atoms = atoms.filter((atom) => isBackboneAtom(atom) || atom.hetero);
  if (detail === "trace") {
    atoms = atoms.filter((atom) => isTraceAtom(atom) || (atom.hetero && !isWater(atom)));
  }

  const first = kept.filter((atom) => atom.model === firstModel);
  const trace = first.filter(isTraceAtom);
  const ligands = first.filter((atom) => atom.hetero && !isWater(atom) && atom.resName !== "MSE");

  // Chains in file order, with the one-character key the PDB text can hold.
  const order: string[] = [];
  const residues = new Map<string, Set<string>>();
  const atomCounts = new Map<string, number>();
  for (const atom of first) {
    if (!residues.has(atom.chain)) {
      order.push(atom.chain);
      residues.set(atom.chain, new Set());
    }
    if (!atom.hetero || atom.resName === "MSE") {
      residues.get(atom.chain)!.add(`${atom.resSeq}${atom.iCode}`);
    }
    atomCounts.set(atom.chain, (atomCounts.get(atom.chain) ?? 0) + 1);
  }
  for (const atom of kept) {
    if (!residues.has(atom.chain)) {
      order.push(atom.chain);
      residues.set(atom.chain, new Set());
    }
  }
  const keyOf = new Map<string, string>();
  const used = new Set(order.filter((chain) => chain.length === 1));
  let next = 0;
  for (const chain of order) {
    if (chain.length <= 1) {
      keyOf.set(chain, chain);
      continue;
    }
    while (next < CHAIN_KEYS.length && used.has(CHAIN_KEYS[next])) next++;
    const key = CHAIN_KEYS[next % CHAIN_KEYS.length];
    used.add(key);
    keyOf.set(chain, key);
    next++;
  }
  const chains: ChainSummary[] = order.map((id, i) => ({
    id,
    key: keyOf.get(id)!,
    residues: residues.get(id)!.size,
    atoms: atomCounts.get(id) ?? 0,
    color: CHAIN_COLORS[i % CHAIN_COLORS.length],
  }));

  const polymerChains = chains.filter((chain) => chain.residues > 0);
  let scheme: ColorParams["scheme"];
  const requested = options.color ?? "auto";
  const bValues = (trace.length > 0 ? trace : first).map((atom) => atom.b);
  if (requested === "auto") {
    const inRange = bValues.length > 0 && bValues.every((b) => b >= 0 && b <= 100);
    scheme = parsed.predicted && inRange
      ? "plddt"
      : polymerChains.length > 1
      ? "chain"
      : "spectrum";
  } else scheme = requested;
  const sorted = [...bValues].sort((a, b) => a - b);
  const range: [number, number] = options.range ??
    [percentile(sorted, 0.05), percentile(sorted, 0.95)];
  if (range[1] <= range[0]) range[1] = range[0] + 1;
  const spans: Record<string, [number, number]> = {};
  for (const atom of trace) {
    const key = keyOf.get(atom.chain)!;
    const span = spans[key];
    if (!span) spans[key] = [atom.resSeq, atom.resSeq];
    else {
      span[0] = Math.min(span[0], atom.resSeq);
      span[1] = Math.max(span[1], atom.resSeq);
    }
  }
  const colors: ColorParams = {
    scheme,
    chains: Object.fromEntries(chains.map((chain) => [chain.key, chain.color])),
    spans,
    range,
    stops: scheme === "bfactor" ? BFACTOR_STOPS : SPECTRUM_STOPS,
    bands: PLDDT_CLASSES.map(([lower, color]) => [lower === -Infinity ? -1e9 : lower, color]),
  };
  const frame = frameOf(trace.length >= 3 ? trace : first);
  return { parsed, atoms, trace, ligands, chains, keyOf, colors, detail, models, frame };
}

/**
 * The frame the structure is shown in: centred, its longest extent along x and the next along
 * y (principal axes), right-handed. Both the picture and the viewer use it, so the live view
 * opens exactly as the picture shows it.
 */
function frameOf(atoms: Atom[]): Prepared["frame"] {
  const n = atoms.length || 1;
  const mean = [0, 0, 0];
  for (const atom of atoms) {
    mean[0] += atom.x / n;
    mean[1] += atom.y / n;
    mean[2] += atom.z / n;
  }
  const cov = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (const atom of atoms) {
    const d = [atom.x - mean[0], atom.y - mean[1], atom.z - mean[2]];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cov[i][j] += (d[i] * d[j]) / n;
  }
  const [e1, e2] = principalAxes(cov);
  const e3 = [
    e1[1] * e2[2] - e1[2] * e2[1],
    e1[2] * e2[0] - e1[0] * e2[2],
    e1[0] * e2[1] - e1[1] * e2[0],
  ];
  return { mean, axes: [e1, e2, e3] };
}

/** Coordinates of an atom in the frame. */
function inFrame(frame: Prepared["frame"], atom: Atom): [number, number, number] {
  const d = [atom.x - frame.mean[0], atom.y - frame.mean[1], atom.z - frame.mean[2]];
  const [a, b, c] = frame.axes;
  return [
    d[0] * a[0] + d[1] * a[1] + d[2] * a[2],
    d[0] * b[0] + d[1] * b[1] + d[2] * b[2],
    d[0] * c[0] + d[1] * c[1] + d[2] * c[2],
  ];
}

function fixed(value: number, width: number, digits: number): string {
  const text = value.toFixed(digits);
  return (text.length > width ? value.toExponential(1) : text).padStart(width).slice(-width);
}

/**
 * PDB text of the atoms the viewer gets: our own writing (fixed columns, one-letter chains),
 * coordinates in the picture's frame.
 */
export function viewerPdb(prepared: Prepared): string {
  const lines: string[] = [];
  const multi = prepared.models.length > 1;
  let model: number | undefined;
  let serial = 0;
  for (const atom of prepared.atoms) {
    if (multi && atom.model !== model) {
      if (model !== undefined) lines.push("ENDMDL");
      model = atom.model;
      lines.push(`MODEL     ${String(model).padStart(4)}`);
    }
    serial = serial % 99_999 + 1;
    const name = atom.name.length >= 4 ? atom.name.slice(0, 4) : ` ${atom.name.padEnd(3)}`;
    const resSeq = ((atom.resSeq % 10_000) + 10_000) % 10_000;
    const [x, y, z] = inFrame(prepared.frame, atom);
    lines.push(
      `${atom.hetero ? "HETATM" : "ATOM  "}${String(serial).padStart(5)} ${name}${" "}${
        atom.resName.slice(0, 3).padStart(3)
      } ${prepared.keyOf.get(atom.chain) ?? " "}${String(resSeq).padStart(4)}${
        (atom.iCode || " ").slice(0, 1)
      }   ${fixed(x, 8, 3)}${fixed(y, 8, 3)}${fixed(z, 8, 3)}${fixed(atom.occupancy, 6, 2)}${
        fixed(Math.max(-99, Math.min(999, atom.b)), 6, 2)
      }          ${atom.element.slice(0, 2).toUpperCase().padStart(2)}`,
    );
  }
  if (multi) lines.push("ENDMDL");
  lines.push("END");
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------- static picture

/** Eigenvectors of a symmetric 3×3 matrix, largest eigenvalue first (Jacobi rotations). */
function principalAxes(m: number[][]): number[][] {
  const a = m.map((row) => [...row]);
  const v = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < 3; p++) for (let q = p + 1; q < 3; q++) off += a[p][q] ** 2;
    if (off < 1e-12) break;
    for (let p = 0; p < 3; p++) {
      for (let q = p + 1; q < 3; q++) {
        if (Math.abs(a[p][q]) < 1e-15) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 3; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < 3; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 3; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = [0, 1, 2].sort((i, j) => a[j][j] - a[i][i]);
  return order.map((i) => [v[0][i], v[1][i], v[2][i]]);
}

function mixWithWhite(color: string, amount: number): string {
  const channel = (k: number) => {
    const value = parseInt(color.slice(1 + 2 * k, 3 + 2 * k), 16);
    return Math.round(value + (255 - value) * amount).toString(16).padStart(2, "0");
  };
  return /^#[0-9a-f]{6}$/i.test(color) ? `#${channel(0)}${channel(1)}${channel(2)}` : color;
}

/** The static picture: the Cα (or P) trace projected on the two main axes, as SVG. */
function structureSvg(prepared: Prepared, width: number, height: number, caption: string): string {
  const points = prepared.trace.length >= 2
    ? prepared.trace
    : [...prepared.trace, ...prepared.ligands];
  const all = [...points, ...(prepared.trace.length >= 2 ? prepared.ligands : [])];
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#ffffff"/>`];
  if (all.length === 0) {
    parts.push(
      `<text x="${width / 2}" y="${
        height / 2
      }" text-anchor="middle" font-size="13" fill="#6b7280">no atoms</text>`,
    );
  } else {
    const project = (atom: Atom) => {
      const [u, v, w] = inFrame(prepared.frame, atom);
      return { u, v, w };
    };
    const projected = all.map(project);
    let [uMin, uMax, vMin, vMax, wMin, wMax] = [
      Infinity,
      -Infinity,
      Infinity,
      -Infinity,
      Infinity,
      -Infinity,
    ];
    for (const p of projected) {
      uMin = Math.min(uMin, p.u);
      uMax = Math.max(uMax, p.u);
      vMin = Math.min(vMin, p.v);
      vMax = Math.max(vMax, p.v);
      wMin = Math.min(wMin, p.w);
      wMax = Math.max(wMax, p.w);
    }
    const pad = 24;
    const bottom = 22;
    const scale = Math.min(
      (width - 2 * pad) / (uMax - uMin || 1),
      (height - pad - bottom - pad) / (vMax - vMin || 1),
    );
    const cx = width / 2 - ((uMin + uMax) / 2) * scale;
    const cy = (height - bottom) / 2 + ((vMin + vMax) / 2) * scale;
    const depth = (w: number) => (w - wMin) / (wMax - wMin || 1);
    const xy = (p: { u: number; v: number }) => [cx + p.u * scale, cy - p.v * scale];
    const colorOf = (atom: Atom) =>
      atomColor(prepared.colors, prepared.keyOf.get(atom.chain) ?? "", atom.resSeq, atom.b);
    const r2 = (value: number) => Math.round(value * 10) / 10;
    const lineWidth = Math.max(1.2, Math.min(5, scale * 1.1));
    type Piece = { depth: number; svg: string };
    const pieces: Piece[] = [];
    const tracePoints = prepared.trace.length >= 2
      ? prepared.trace.map((atom, i) => ({ atom, p: projected[i] }))
      : [];
    const lean = tracePoints.length > 4000;
    for (let i = 1; i < tracePoints.length; i++) {
      const a = tracePoints[i - 1];
      const b = tracePoints[i];
      if (a.atom.chain !== b.atom.chain) continue;
      const gap = a.atom.name === "P" && b.atom.name === "P" ? 8.5 : 4.6;
      const distance = Math.hypot(a.atom.x - b.atom.x, a.atom.y - b.atom.y, a.atom.z - b.atom.z);
      if (distance > gap) continue;
      const d = (depth(a.p.w) + depth(b.p.w)) / 2;
      const [x1, y1] = xy(a.p);
      const [x2, y2] = xy(b.p);
      const mx = (x1 + x2) / 2;
      const my = (y1 + y2) / 2;
      const width = r2(lineWidth * (0.75 + 0.5 * d));
      const fog = (1 - d) * 0.45;
      if (lean) {
        // Big structures: one stroke per segment keeps the picture quick to rasterise.
        pieces.push({
          depth: d,
          svg: `<path d="M${r2(x1)} ${r2(y1)}L${r2(x2)} ${r2(y2)}" stroke="${
            mixWithWhite(colorOf(a.atom), fog)
          }" stroke-width="${width}" stroke-linecap="round"/>`,
        });
        continue;
      }
      // Each half takes the colour of its own residue; a dark outline underneath gives depth.
      const halves: [number, number, number, number, string][] = [
        [x1, y1, mx, my, mixWithWhite(colorOf(a.atom), fog)],
        [mx, my, x2, y2, mixWithWhite(colorOf(b.atom), fog)],
      ];
      pieces.push({
        depth: d,
        svg: `<path d="M${r2(x1)} ${r2(y1)}L${r2(x2)} ${r2(y2)}" stroke="#1f2937" stroke-opacity="${
          r2(0.2 + 0.3 * d)
        }" stroke-width="${r2(width + 1.2)}" stroke-linecap="round"/>${
          halves.map(([ax, ay, bx, by, color]) =>
            `<path d="M${r2(ax)} ${r2(ay)}L${r2(bx)} ${
              r2(by)
            }" stroke="${color}" stroke-width="${width}" stroke-linecap="round"/>`
          ).join("")
        }`,
      });
    }
    const dots = prepared.trace.length >= 2
      ? prepared.ligands.slice(0, 4000)
      : all.slice(0, 20_000);
    const offset = prepared.trace.length >= 2 ? prepared.trace.length : 0;
    dots.forEach((atom, i) => {
      const p = projected[offset + i];
      const d = depth(p.w);
      const [x, y] = xy(p);
      const color = atom.hetero ? elementColor(atom.element) : colorOf(atom);
      pieces.push({
        depth: d,
        svg: `<circle cx="${r2(x)}" cy="${r2(y)}" r="${
          r2(Math.max(1.2, Math.min(4, scale * 0.6)))
        }" fill="${
          mixWithWhite(color, (1 - d) * 0.4)
        }" stroke="#1f2937" stroke-opacity="0.4" stroke-width="0.6"/>`,
      });
    });
    pieces.sort((a, b) => a.depth - b.depth);
    parts.push(...pieces.map((piece) => piece.svg));
  }
  const room = Math.floor((width - 20) / 6.6);
  const fitted = caption.length > room ? `${caption.slice(0, room - 1)}…` : caption;
  parts.push(
    `<text x="10" y="${height - 8}" font-size="11" fill="#6b7280">${escapeHtml(fitted)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">${
    parts.join("")
  }</svg>`;
}

const ELEMENT_COLORS: Record<string, string> = {
  C: "#909090",
  N: "#3050f8",
  O: "#ff0d0d",
  S: "#d4a017",
  P: "#ff8000",
  Fe: "#e06633",
  Zn: "#7d80b0",
  Mg: "#8aff00",
  Ca: "#3dff00",
};

function elementColor(element: string): string {
  return ELEMENT_COLORS[element] ?? "#ff1493";
}

// ---------------------------------------------------------------- the view

/**
 * The colour key. Every entry is separated by text (" · ", ": ", spaces), not only by margins,
 * so it stays readable where a sanitizer strips the styles (untrusted notebooks).
 */
function legendHtml(prepared: Prepared): SafeHtml {
  const swatch = (color: string, width = 10) =>
    html`
      <span
        style="display: inline-block; width: ${width}px; height: 10px; border-radius: 2px; background-color: ${color}; vertical-align: -1px;"></span>
    `;
  const chip = (color: string, label: string, title = "") =>
    html`
      <span style="display: inline-block; margin: 0 4px 2px 0; white-space: nowrap;"
        title="${title}">${swatch(color)} ${label}</span>
    `;
  const list = (chips: SafeHtml[]) =>
    chips.flatMap((item, i) => (i === 0 ? [item] : [raw(" · "), item]));
  const muted = "color: var(--jp-ui-font-color2, #4b5563);";
  const { colors } = prepared;
  if (colors.scheme === "chain") {
    const chains = prepared.chains.filter((chain) => chain.residues > 0).slice(0, 40);
    return html`<div><span style="${muted}">Chains: </span>${
      list(chains.map((chain) =>
        chip(chain.color, `${chain.id || "(blank)"} · ${chain.residues} res`, `chain ${chain.id}`)
      ))
    }${prepared.chains.length > 40 ? ` … ${prepared.chains.length - 40} more chains` : ""}</div>`;
  }
  if (colors.scheme === "plddt") {
    return html`<div><span style="${muted}">pLDDT: </span>${
      list(PLDDT_CLASSES.map(([, color, label]) => chip(color, label)))
    }</div>`;
  }
  const [lo, hi] = colors.range;
  const steps = 9;
  const blocks = Array.from({ length: steps }, (_, i) => {
    const t = i / (steps - 1);
    const color = colors.scheme === "bfactor"
      ? atomColor(colors, "", 0, lo + t * (hi - lo))
      : atomColor({ ...colors, spans: { "": [0, steps - 1] } }, "", i, 0);
    return html`
      <span
        style="display: inline-block; width: 16px; height: 10px; background-color: ${color};"></span>
    `;
  });
  const [left, right, name] = colors.scheme === "bfactor"
    ? [lo.toFixed(1), hi.toFixed(1), "B-factor"]
    : ["N-terminus", "C-terminus", "Residue position"];
  return html`<div><span style="${muted}">${name}: </span><span>${left}</span> <span
      style="display: inline-block; vertical-align: -1px; line-height: 0;">${blocks}</span> → <span>${right}</span></div>`;
}

const SCHEME_WORDS: Record<ColorParams["scheme"], string> = {
  chain: "coloured by chain",
  plddt: "coloured by pLDDT",
  bfactor: "coloured by B-factor",
  spectrum: "coloured N→C",
};

/**
 * A structure ready to show: the interactive viewer and its static picture.
 *
 * @example
 * ```ts
 * import { buildPeptide, CONFORMATIONS, peptideToPdb, structureView } from "../../mod.ts";
 *
 * const pdb = peptideToPdb(buildPeptide("AEAAAKEAAAKA", CONFORMATIONS.alpha_helix));
 * const view = await structureView(pdb, { color: "spectrum", title: "Designed helix" });
 * console.log(view.description); // 1 chain · 12 residues · 61 atoms · coloured N→C
 * await Deno.writeTextFile("helix.svg", view.toSVG());
 * view; // as a cell's last line: the viewer, with the picture where scripts do not run
 * ```
 */
export class StructureView {
  /** Heading of the view. */
  readonly title: string;
  /** The parsed file. */
  readonly structure: ParsedStructure;
  /** Chains (of the first model). */
  readonly chains: readonly ChainSummary[];
  /** The colouring in use. */
  readonly coloring: ColorParams["scheme"];
  readonly #prepared: Prepared;
  readonly #options: StructureViewOptions;
  readonly #width: number;
  readonly #height: number;

  /** A view of a parsed structure; use {@linkcode structureView}. */
  constructor(structure: ParsedStructure, options: StructureViewOptions = {}, name = "") {
    this.structure = structure;
    this.#options = options;
    this.#prepared = prepare(structure, options);
    this.chains = this.#prepared.chains;
    this.coloring = this.#prepared.colors.scheme;
    this.title = options.title ?? (structure.title || structure.id || name || "Structure");
    this.#width = options.width ?? 640;
    this.#height = options.height ?? 420;
  }

  /** Residues, atoms, models and what the viewer gets, in one line. */
  get description(): string {
    const p = this.#prepared;
    const residues = p.chains.reduce((sum, chain) => sum + chain.residues, 0);
    const polymer = p.chains.filter((chain) => chain.residues > 0);
    const atoms =
      this.structure.atoms.filter((atom) => atom.model === this.structure.models[0]).length;
    return [
      `${polymer.length} chain${polymer.length === 1 ? "" : "s"}`,
      `${residues.toLocaleString("en-US")} residues`,
      `${atoms.toLocaleString("en-US")} atoms`,
      this.structure.models.length > 1
        ? `${this.structure.models.length} models${
          p.models.length < this.structure.models.length ? ` (${p.models.length} shown)` : ""
        }`
        : "",
      p.detail !== "full" ? `viewer shows the ${p.detail}` : "",
      SCHEME_WORDS[p.colors.scheme],
    ].filter(Boolean).join(" · ");
  }

  /** The PDB text sent to the viewer. */
  viewerText(): string {
    return viewerPdb(this.#prepared);
  }

  /** The static picture as SVG. */
  toSVG(): string {
    return structureSvg(
      this.#prepared,
      this.#width,
      this.#height,
      `${this.title.slice(0, 80)} — ${this.description}`,
    );
  }

  /** The static picture as PNG bytes. */
  async toPNG(options: { scale?: number } = {}): Promise<Uint8Array> {
    return await svgToPng(this.toSVG(), { scale: options.scale ?? 1.5 });
  }

  /** Text for terminals. */
  toString(): string {
    const chains = this.chains.filter((chain) => chain.residues > 0).map((chain) =>
      `${chain.id || "(blank)"}: ${chain.residues} residues`
    );
    const listed = chains.length > 12
      ? `${chains.slice(0, 12).join(", ")}, … ${chains.length - 12} more`
      : chains.join(", ");
    return [
      `${this.title} — ${this.description}`,
      chains.length > 0 ? `  chains ${listed}` : "",
      "  (the interactive 3D view shows in a notebook)",
    ].filter(Boolean).join("\n");
  }

  /** The HTML output: picture and legend, with the viewer that replaces the picture. */
  async html(png?: Uint8Array): Promise<string> {
    const picture = png ?? await this.toPNG().catch(() => undefined);
    const text = this.viewerText();
    const payload = text.length > 64_000
      ? { gzip: true, data: encodeBase64(await gzipText(text)) }
      : { gzip: false, data: text };
    const loader = await libraryLoader(THREEDMOL, this.#options);
    return structureHtml(
      this,
      picture,
      {
        atoms: this.#prepared.atoms.length,
        chunkAtoms: 6000,
        ...payload,
        colors: this.#prepared.colors,
        names: Object.fromEntries(this.#prepared.chains.map((chain) => [chain.key, chain.id])),
        models: this.#prepared.models.length > 1 ? (this.#options.models ?? "all") : "first",
        style: this.#options.style ?? (this.#prepared.detail === "trace" ? "trace" : "cartoon"),
      },
      loader,
      this.#width,
      this.#height,
      legendHtml(this.#prepared),
    );
  }

  /** The MIME bundle. */
  async bundle(): Promise<MimeBundle> {
    const png = await this.toPNG().catch((error) => {
      console.warn(
        `Static structure picture unavailable: ${error instanceof Error ? error.message : error}`,
      );
      return undefined;
    });
    const bundle: MimeBundle = { "text/plain": this.toString(), "text/html": await this.html(png) };
    if (png && this.#options.png !== false) bundle["image/png"] = encodeBase64(png);
    return bundle;
  }

  /** Jupyter display. */
  [$display](): Promise<MimeBundle> {
    return cellOutputAsync(() => this.bundle());
  }
}

interface ViewerSpec {
  /** Atoms sent to the viewer. */
  atoms: number;
  /** Atoms per chunk when a big structure is built in steps. */
  chunkAtoms: number;
  gzip: boolean;
  data: string;
  colors: ColorParams;
  names: Record<string, string>;
  models: "all" | "first" | "animate";
  style: string;
}

function structureHtml(
  view: StructureView,
  png: Uint8Array | undefined,
  spec: ViewerSpec,
  loader: LibraryLoader,
  width: number,
  height: number,
  legend: SafeHtml,
): string {
  const id = `piq-structure-${nanoid(10)}`;
  const picture = png
    ? html`
      <img data-piq-static="" alt="${view.title} — Cα trace (static picture)"
        src="data:image/png;base64,${raw(encodeBase64(png))}" width="${width}" height="${height}"
        style="display: block; width: 100%; height: 100%; object-fit: contain;">
    `
    : html`<pre data-piq-static="" style="margin: 8px;">${view.toString()}</pre>`;
  const script = `${loader.setup}
(async () => {
  const root = document.getElementById(${jsonForScript(id)});
  if (!root || root.dataset.piqState) return;
  root.dataset.piqState = "waiting";
  const stage = root.querySelector("[data-piq-stage]");
  const host = root.querySelector("[data-piq-viewer]");
  const still = root.querySelector("[data-piq-static]");
  const note = root.querySelector("[data-piq-note]");
  try {
    // Build the viewer only when it is (nearly) on screen, after the picture has painted.
    await new Promise((resolve) => {
      if (!("IntersectionObserver" in globalThis)) return resolve();
      const watcher = new IntersectionObserver((entries) => {
        if (entries.some((entry) => entry.isIntersecting)) { watcher.disconnect(); resolve(); }
      }, { rootMargin: "300px" });
      watcher.observe(stage);
    });
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    root.dataset.piqState = "loading";
    const $3Dmol = await ${loader.load};
    const spec = ${jsonForScript(spec)};
    let text = spec.data;
    if (spec.gzip) {
      const bytes = Uint8Array.from(atob(spec.data), (c) => c.charCodeAt(0));
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      text = await new Response(stream).text();
    }
    const colorOf = ${atomColor.toString()};
    const colorfunc = (atom) => colorOf(spec.colors, atom.chain, atom.resi, atom.b);
    // Big structures: lighter geometry, and the page gets a turn between the heavy steps.
    // Big structures: lighter geometry, built chunk by chunk (a few chains at a time, one
    // model each) with a turn for the page in between, so it never freezes for long; the
    // picture stays in view until the whole structure is drawn.
    const big = spec.atoms > 20000;
    const pause = () => new Promise((resolve) => setTimeout(resolve, 0));
    // A dark page gets a dark viewer, in the page's own background colour.
    const page = ${PAGE_THEME_JS}(root);
    const background = page.dark ? page.background : "#ffffff";
    if (page.dark) {
      stage.style.backgroundColor = background;
      root.dataset.piqTheme = "dark";
    }
    const viewer = $3Dmol.createViewer(host, {
      backgroundColor: background, antialias: !big, ...(big ? { cartoonQuality: 5 } : {}),
    });
    const styles = {
      cartoon: { cartoon: { colorfunc, arrows: true } },
      trace: { cartoon: { colorfunc, style: "trace", thickness: 0.6 } },
      stick: { stick: { colorfunc, radius: 0.2 } },
      sphere: { sphere: { colorfunc } },
      line: { line: { colorfunc } },
    };
    const polymerStyle = styles[spec.style] || styles.cartoon;
    const hoverOn = (atom, v) => {
      if (atom.piqLabel) return;
      const chain = spec.names[atom.chain] ?? atom.chain;
      atom.piqLabel = v.addLabel(chain + ":" + atom.resn + atom.resi + " " + atom.atom + " · B " + atom.b.toFixed(1), {
        position: atom, backgroundColor: "#111827", backgroundOpacity: 0.85, fontColor: "white", fontSize: 12,
      });
    };
    const hoverOff = (atom, v) => {
      if (atom.piqLabel) { v.removeLabel(atom.piqLabel); delete atom.piqLabel; }
    };
    // Styles and hover are set per model before it is first drawn: setting them on the whole
    // viewer afterwards would rebuild every model's geometry in one long task.
    const styleModel = (model) => {
      model.setStyle({ hetflag: false }, polymerStyle);
      model.setStyle({ hetflag: true }, { stick: { radius: 0.2 } });
      model.setStyle({ hetflag: true, resn: "MSE" }, polymerStyle);
      viewer.setHoverable({ model }, true, hoverOn, hoverOff);
    };
    if (spec.models === "animate") {
      viewer.addModelsAsFrames(text, "pdb");
      styleModel(viewer.getModel());
    } else if (spec.models === "all") {
      for (const model of viewer.addModels(text, "pdb")) styleModel(model);
    } else {
      const chunks = [];
      if (big) {
        let current = [];
        let chain = null;
        for (const line of text.split("\\n")) {
          if (!/^(ATOM|HETATM)/.test(line)) continue;
          if (line[21] !== chain && current.length >= spec.chunkAtoms) {
            chunks.push(current.join("\\n"));
            current = [];
          }
          chain = line[21];
          current.push(line);
        }
        if (current.length) chunks.push(current.join("\\n"));
      } else chunks.push(text);
      for (const chunk of chunks) {
        styleModel(viewer.addModel(chunk, "pdb"));
        if (chunks.length > 1) {
          viewer.render();
          await pause();
        }
      }
    }
    viewer.zoomTo();
    // zoomTo centres on the atoms' mean and fits the sphere around it into the frame's height,
    // which leaves an elongated or lopsided molecule small and off-centre. The coordinates come
    // in the structure's main axes (longest along x, the view's horizontal): centre on the
    // bounding box instead, and zoom until the box fills the frame's width or height.
    {
      const atoms = viewer.selectedAtoms({});
      if (atoms.length > 0) {
        const box = [[Infinity, Infinity, Infinity], [-Infinity, -Infinity, -Infinity]];
        const mean = [0, 0, 0];
        for (const atom of atoms) {
          const p = [atom.x, atom.y, atom.z];
          for (let k = 0; k < 3; k++) {
            if (p[k] < box[0][k]) box[0][k] = p[k];
            if (p[k] > box[1][k]) box[1][k] = p[k];
            mean[k] += p[k] / atoms.length;
          }
        }
        // What zoomTo shows top to bottom: twice the farthest atom's distance from the mean.
        let far = 25;
        for (const atom of atoms) {
          const d = (atom.x - mean[0]) ** 2 + (atom.y - mean[1]) ** 2 + (atom.z - mean[2]) ** 2;
          if (d > far) far = d;
        }
        const shown = 2 * Math.sqrt(far);
        const view = viewer.getView();
        for (let k = 0; k < 3; k++) view[k] = -(box[0][k] + box[1][k]) / 2;
        viewer.setView(view);
        const aspect = (host.clientWidth || 1) / (host.clientHeight || 1);
        // The cartoon's thickness (≈ 1 Å each side) and a little air; atoms nearer the camera
        // look a few percent bigger in perspective.
        const margin = 1.1;
        const wide = (box[1][0] - box[0][0] + 2) * margin;
        const tall = (box[1][1] - box[0][1] + 2) * margin;
        const factor = Math.min((shown * aspect) / wide, shown / tall);
        if (Number.isFinite(factor) && factor > 1.02) viewer.zoom(Math.min(factor, 4));
        root.piqFit = factor;
      }
    }
    await pause();
    viewer.render();
    if (spec.models === "animate") viewer.animate({ loop: "forward", reps: 0, interval: 400 });
    host.style.visibility = "visible";
    if (still) still.style.visibility = "hidden";
    if (note) note.textContent = "Drag to rotate, scroll to zoom, hover an atom for its residue.";
    root.piqViewer = viewer;
    root.dataset.piqState = "ready";
  } catch (error) {
    host.style.visibility = "hidden";
    if (still) still.style.visibility = "visible";
    root.dataset.piqState = "error";
    if (note) note.textContent = "Interactive view unavailable (" + (error && error.message || error) + "); showing the static picture. Re-run the notebook from the top to bring it back.";
    console.warn("proteiniq structure:", error);
  }
})();`;
  return html`
    <div id="${id}" class="piq-structure"
      style="font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; font-size: 12px; max-width: ${width}px; text-align: left; color: var(--jp-ui-font-color1, #111827);"
      ${loader
          .inlined
        ? html`
          data-piq-assets="3dmol"
        `
        : ""}>
      <div
        style="margin-bottom: 4px;"><b style="font-size: 13px;">${view
          .title}</b> — <span style="color: var(--jp-ui-font-color2, #4b5563);">${view
          .description}</span></div>
      <div data-piq-stage=""
        style="position: relative; width: 100%; max-width: ${width}px; height: ${height}px; border: 1px solid var(--jp-border-color2, #e5e7eb); border-radius: 6px; overflow: hidden; background-color: #ffffff;">${picture}<div data-piq-viewer="" style="position: absolute; top: 0; left: 0; width: 100%; height: 100%; visibility: hidden;"></div></div>
      <div style="margin-top: 4px;">${legend}</div>
      <div data-piq-note=""
        style="color: var(--jp-ui-font-color2, #4b5563);">Static picture (Cα trace) — run the cell (or trust the notebook) for the interactive 3D view.</div>
    </div>
    <script type="module">${raw(script)}</script>
  `.value;
}

// ---------------------------------------------------------------- entry points

const STRUCTURE_FILE = /\.(pdb|ent|cif|mmcif|pdbx)(\.txt)?$/i;

function looksLikeStructureText(text: string): boolean {
  return /^(ATOM {2}|HETATM|HEADER|MODEL |REMARK|CRYST1|data_)/m.test(text.slice(0, 100_000)) &&
    text.includes("\n");
}

async function readSource(
  source: StructureSource,
  options: StructureViewOptions,
): Promise<{ text: string; name: string }> {
  if (source instanceof Uint8Array) return { text: new TextDecoder().decode(source), name: "" };
  if (source instanceof URL) {
    if (source.protocol !== "file:") {
      throw new TypeError(
        "structureView reads local files; fetch remote files first and pass the text",
      );
    }
    return { text: await Deno.readTextFile(source), name: source.pathname.split("/").pop() ?? "" };
  }
  if (typeof source === "string") {
    if (looksLikeStructureText(source)) return { text: source, name: "" };
    try {
      return { text: await Deno.readTextFile(source), name: source.split(/[\\/]/).pop() ?? source };
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new TypeError(
          `structureView: ${
            JSON.stringify(source.slice(0, 80))
          } is neither PDB/mmCIF text nor a file that exists`,
        );
      }
      throw error;
    }
  }
  if ("path" in source && typeof source.path === "string") {
    return {
      text: await Deno.readTextFile(source.path),
      name: source.path.split(/[\\/]/).pop() ?? "",
    };
  }
  if ("files" in source && typeof source.text === "function") {
    const names = source.files.map((file) => file.name);
    const name = options.file ?? names.find((file) => STRUCTURE_FILE.test(file));
    if (!name) {
      throw new TypeError(
        `structureView: the result has no structure file (its files: ${
          names.join(", ") || "none"
        }); pass { file }`,
      );
    }
    return { text: await source.text(name), name };
  }
  throw new TypeError("structureView: give PDB/mmCIF text, a file path, bytes, or a Result");
}

/**
 * Show a structure: PDB or mmCIF text, a file path (e.g. a downloaded result file), bytes,
 * or a Result (its first structure file, or `options.file`).
 *
 * @example
 * ```ts ignore
 * import { structureView } from "../../mod.ts";
 * const view = await structureView(pdbText, { color: "chain" });
 * view; // in a notebook: the interactive viewer (static picture where scripts do not run)
 * ```
 */
export async function structureView(
  source: StructureSource,
  options: StructureViewOptions = {},
): Promise<StructureView> {
  const { text, name } = await readSource(source, options);
  const parsed = parseStructure(text, options.format);
  if (parsed.atoms.length === 0) {
    throw new TypeError(
      `structureView: no atoms found in ${
        name ? JSON.stringify(name) : "the text"
      } (read as ${parsed.format})`,
    );
  }
  return new StructureView(parsed, options, name);
}

/**
 * Per-residue B-factors (pLDDT in predicted models) of a structure's first model, read at Cα
 * (or P): the input {@linkcode residueProfile} takes.
 *
 * @example
 * ```ts ignore
 * import { residueBFactors, residueProfile } from "../../mod.ts";
 * residueProfile(residueBFactors(pdbText), { kind: "plddt" });
 * ```
 */
export function residueBFactors(structure: string | ParsedStructure): ResiduePoint[] {
  const parsed = typeof structure === "string" ? parseStructure(structure) : structure;
  const first = parsed.models[0];
  return parsed.atoms.filter((atom) =>
    atom.model === first && isTraceAtom(atom) && (atom.altLoc === "" || atom.altLoc === "A")
  ).map((atom) => ({ residue: atom.resSeq, value: atom.b, chain: atom.chain, name: atom.resName }));
}
