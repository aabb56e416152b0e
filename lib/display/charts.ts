/**
 * Charts for notebooks: per-residue profiles (pLDDT/B-factor, hydropathy), a property across
 * many sequences, and the timeline of a batch of jobs.
 *
 * Each chart is one MIME bundle with:
 * - `application/vnd.plotly.v1+json` — the figure, for front ends with a plotly renderer;
 * - `text/html` — a static PNG picture (drawn here as SVG, rasterised with resvg) that a
 *   module script replaces with the interactive plotly chart (plotly.js from esm.sh by
 *   default, or inlined with `offline: true`); where scripts do not run (untrusted notebook,
 *   GitHub, nbviewer) the picture stays;
 * - `image/png` — the same picture, for front ends that show no HTML;
 * - `text/plain` — a summary with a sparkline.
 *
 * @example
 * ```ts ignore
 * import { residueProfile } from "../../mod.ts";
 * residueProfile([91, 93, 88, 72, 55, 40], { kind: "plddt", title: "Model confidence" });
 * ```
 * @module
 */
import { nanoid } from "../_deps/nanoid.ts";
import { escapeHtml, html, jsonForScript, raw } from "./_html.ts";
import { $display, cellOutputAsync, type MimeBundle } from "./_jupyter.ts";
import {
  type AssetOptions,
  type LibraryLoader,
  libraryLoader,
  PAGE_THEME_JS,
  PLOTLY,
} from "./assets.ts";
import { encodeBase64, svgToPng } from "./_raster.ts";
import {
  CHART_THEMES,
  type ChartModel,
  type LineSeries,
  PALETTE,
  type PlotlyFigure,
  type RangeGroup,
  toPlotly,
  toSvg,
} from "./_chart_model.ts";
import { elapsedSeconds, formatDuration, statusStyle, type StatusStyleFn } from "./progress.ts";

export type { PlotlyFigure } from "./_chart_model.ts";

/** Options every chart takes. */
export interface ChartOptions extends AssetOptions {
  /** Heading of the chart. */
  title?: string;
  /**
   * Width in CSS pixels. Default: the live chart fills the output area's width (and follows
   * it); the static picture is drawn 720 px wide. Given, the live chart keeps this width.
   */
  width?: number;
  /** Height in CSS pixels. Default 360 (a timeline grows with its rows). */
  height?: number;
  /** Also put the picture under `image/png` (for front ends without HTML). Default true. */
  png?: boolean;
}

const SPARKS = "▁▂▃▄▅▆▇█";

/** A unicode sparkline of values (resampled to at most `width` characters). */
export function sparkline(values: readonly (number | null)[], width = 60): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return "";
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const buckets = Math.min(width, values.length);
  let out = "";
  for (let b = 0; b < buckets; b++) {
    const slice = values.slice(
      Math.floor((b * values.length) / buckets),
      Math.max(
        Math.floor(((b + 1) * values.length) / buckets),
        Math.floor((b * values.length) / buckets) + 1,
      ),
    ).filter((v): v is number => v !== null && Number.isFinite(v));
    if (slice.length === 0) {
      out += " ";
      continue;
    }
    const mean = slice.reduce((a, c) => a + c, 0) / slice.length;
    out += SPARKS[hi > lo ? Math.min(7, Math.floor(((mean - lo) / (hi - lo)) * 8)) : 3];
  }
  return out;
}

/**
 * A chart: a plotly figure and the static picture drawn from the same numbers. Shows itself
 * in a notebook; `toSVG()`, `toPNG()` and `figure` give the parts.
 *
 * @example
 * ```ts
 * import { residueProfile } from "../../mod.ts";
 *
 * const plddt = [91, 93, 88, 72, 55, 40, 38];
 * const chart = residueProfile(plddt, { kind: "plddt", title: "Confidence" });
 * console.log(String(chart)); // a summary with a sparkline
 * await Deno.writeFile("plddt.png", await chart.toPNG());
 * chart; // as a cell's last line: the interactive chart, with the picture where scripts do not run
 * ```
 */
export class Chart {
  /** The chart's description (series, colours, titles). */
  readonly model: ChartModel;
  /** The plotly figure (`data`, `layout`, `config`). */
  readonly figure: PlotlyFigure;
  readonly #summary: string;
  readonly #options: ChartOptions;

  /** A chart from its model; use {@linkcode residueProfile}, {@linkcode propertyBars} or {@linkcode jobTimeline}. */
  constructor(model: ChartModel, summary: string, options: ChartOptions = {}) {
    this.model = model;
    this.figure = toPlotly(model);
    this.#summary = summary;
    this.#options = options;
  }

  /** The static picture as SVG markup. */
  toSVG(): string {
    return toSvg(this.model);
  }

  /** The static picture as PNG bytes (`scale` 2 by default). */
  async toPNG(options: { scale?: number } = {}): Promise<Uint8Array> {
    return await svgToPng(this.toSVG(), options);
  }

  /** A few lines of text about the chart. */
  toString(): string {
    return this.#summary;
  }

  /** The HTML output: picture first, replaced by the interactive chart where scripts run. */
  async html(png?: Uint8Array): Promise<string> {
    const picture = png ?? await this.toPNG().catch(() => undefined);
    return chartHtml(this, picture, await libraryLoader(PLOTLY, this.#options));
  }

  /** The MIME bundle. */
  async bundle(): Promise<MimeBundle> {
    const png = await this.toPNG().catch((error) => {
      console.warn(
        `Static chart picture unavailable: ${error instanceof Error ? error.message : error}`,
      );
      return undefined;
    });
    const bundle: MimeBundle = {
      "text/plain": this.#summary,
      "text/html": await this.html(png),
      "application/vnd.plotly.v1+json": this.figure,
    };
    if (png && this.#options.png !== false) bundle["image/png"] = encodeBase64(png);
    return bundle;
  }

  /** Jupyter display. */
  [$display](): Promise<MimeBundle> {
    return cellOutputAsync(() => this.bundle());
  }
}

/** What a dark page changes in the figure: the layout, and each trace's colours. */
function darkPatch(chart: Chart): { layout: Record<string, unknown>; traces: unknown[] } {
  const dark = toPlotly(chart.model, "dark");
  return {
    layout: dark.layout,
    traces: dark.data.map((trace) => ({ line: trace.line, marker: trace.marker })),
  };
}

function chartHtml(chart: Chart, png: Uint8Array | undefined, loader: LibraryLoader): string {
  const id = `piq-chart-${nanoid(10)}`;
  const { width, height, title, fixedWidth } = chart.model;
  // The live chart fills the output area (unless a width was asked for); the picture keeps
  // its drawn size at most.
  const box = fixedWidth ? `max-width: ${width}px;` : "width: 100%;";
  const picture = png
    ? html`
      <img data-piq-static="" alt="${title} (static picture)" src="data:image/png;base64,${raw(
        encodeBase64(png),
      )}"
        width="${width}" height="${height}"
        style="display: block; width: 100%; max-width: ${width}px; height: auto;">
    `
    : html`<pre data-piq-static="" style="margin: 0;">${chart.toString()}</pre>`;
  const script = `${loader.setup}
(async () => {
  const root = document.getElementById(${jsonForScript(id)});
  if (!root || root.dataset.piqState) return;
  root.dataset.piqState = "loading";
  const plot = root.querySelector("[data-piq-plot]");
  const still = root.querySelector("[data-piq-static]");
  const note = root.querySelector("[data-piq-note]");
  try {
    const lib = await ${loader.load};
    const Plotly = lib && lib.default && lib.default.newPlot ? lib.default
      : lib && lib.newPlot ? lib : globalThis.Plotly;
    if (!Plotly || !Plotly.newPlot) throw new Error("plotly.js did not load");
    const figure = ${jsonForScript(chart.figure)};
    // A dark page gets a dark chart (its own background, light text and grid).
    const page = ${PAGE_THEME_JS}(root);
    if (page.dark) {
      const patch = ${jsonForScript(darkPatch(chart))};
      figure.layout = { ...patch.layout, paper_bgcolor: page.background, plot_bgcolor: page.background };
      figure.data.forEach((trace, i) => Object.assign(trace, patch.traces[i]));
      root.dataset.piqTheme = "dark";
    }
    plot.style.display = "block";
    await Plotly.newPlot(plot, figure.data, figure.layout, figure.config);
    if (still) still.style.display = "none";
    if (note) note.remove();
    root.piqPlot = plot;
    root.dataset.piqState = "ready";
  } catch (error) {
    plot.style.display = "none";
    root.dataset.piqState = "error";
    if (note) note.textContent = "Interactive chart unavailable (" + (error && error.message || error) + "); showing the static picture. Re-run the notebook from the top to bring it back.";
    console.warn("proteiniq chart:", error);
  }
})();`;
  return html`
    <div id="${id}" class="piq-chart" ${loader.inlined
      ? html`
        data-piq-assets="plotly"
      `
      : ""}
      style="${box} font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; font-size: 12px; text-align: left;">${picture}<div data-piq-plot="" style="display: none; width: 100%; height: ${height}px;"></div><div data-piq-note="" style="color: var(--jp-ui-font-color2, ${CHART_THEMES
        .light
        .muted}); margin-top: 2px;">Static picture — run the cell (or trust the notebook) for the interactive chart.</div></div>
    <script type="module">${raw(script)}</script>
  `.value;
}

// ---------------------------------------------------------------- residue profiles

/** One residue's value. */
export interface ResiduePoint {
  /** Residue number (author numbering for structures). */
  residue: number;
  /** The value at the residue; `null` leaves a gap in the line. */
  value: number | null;
  /** Chain id: points of different chains become different series. */
  chain?: string;
  /** Residue name (e.g. `LYS`), shown on hover. */
  name?: string;
}

/** What {@linkcode residueProfile} takes. */
export type ProfileInput =
  | readonly (number | null)[]
  | readonly ResiduePoint[]
  | readonly Record<string, unknown>[]
  | { positions: readonly number[]; values: readonly (number | null)[] }
  | Record<
    string,
    | readonly (number | null)[]
    | readonly ResiduePoint[]
    | readonly Record<string, unknown>[]
    | { positions: readonly number[]; values: readonly (number | null)[] }
  >;

/** Options of {@linkcode residueProfile}. */
export interface ResidueProfileOptions extends ChartOptions {
  /**
   * What the values are: `plddt` (0–100 confidence, AlphaFold colour bands), `bfactor`,
   * `hydropathy` (Kyte–Doolittle-like, with a zero line and the threshold), or `value`.
   * Default `value`.
   */
  kind?: "plddt" | "bfactor" | "hydropathy" | "value";
  /** Residue number of the first value, for plain arrays. Default 1. */
  start?: number;
  /** The sequence, for residue letters on hover (plain arrays). */
  sequence?: string;
  /** Axis title of the values. */
  yTitle?: string;
  /** For records: the field holding the residue number. Default residue, position, number… */
  x?: string;
  /** For records: the field holding the value. Default `value`. */
  y?: string;
  /** A dashed reference line (hydropathy default 1.6, the Kyte–Doolittle membrane threshold). */
  threshold?: number | null;
}

/**
 * pLDDT confidence classes, as AlphaFold colours them.
 *
 * @example
 * ```ts
 * import { PLDDT_BANDS } from "../../mod.ts";
 *
 * const band = (plddt: number) => PLDDT_BANDS.find((entry) => plddt >= entry.y0)!;
 * band(82).label; // "confident (70–90)"
 * band(42).color; // "#ff7d45"
 * ```
 */
export const PLDDT_BANDS = [
  { y0: 90, y1: 100, color: "#0053d6", label: "very high (>90)" },
  { y0: 70, y1: 90, color: "#65cbf3", label: "confident (70–90)" },
  { y0: 50, y1: 70, color: "#ffdb13", label: "low (50–70)" },
  { y0: 0, y1: 50, color: "#ff7d45", label: "very low (<50)" },
];

type Series = { name: string; x: number[]; y: (number | null)[]; text: string[] };
type ProfileLike = { positions: readonly number[]; values: readonly (number | null)[] };

const X_KEYS = ["residue", "position", "number", "resi", "resSeq"];

function isProfile(value: unknown): value is ProfileLike & { sequence?: string } {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    Array.isArray((value as ProfileLike).positions) && Array.isArray((value as ProfileLike).values);
}

function fromProfile(
  name: string,
  profile: ProfileLike & { sequence?: unknown },
  options: ResidueProfileOptions,
): Series {
  const sequence = typeof profile.sequence === "string" ? profile.sequence : options.sequence;
  return {
    name,
    x: [...profile.positions],
    y: profile.values.map((v) => (v === null ? null : Number(v))),
    text: profile.positions.map((p) => `${sequence?.[p - 1] ?? ""}${p}`),
  };
}

function seriesOf(
  name: string,
  input: readonly unknown[] | ProfileLike,
  options: ResidueProfileOptions,
): Series[] {
  if (isProfile(input)) return [fromProfile(name, input, options)];
  const list = input as readonly unknown[];
  const first = list[0];
  if (typeof first === "object" && first !== null) {
    const record = first as Record<string, unknown>;
    const xKey = options.x ?? X_KEYS.find((key) => key in record);
    const yKey = options.y ?? "value";
    if (!xKey || !(yKey in record)) {
      throw new TypeError(
        `residueProfile: points need a residue number (${
          X_KEYS.join("/")
        }, or { x }) and a value (value, or { y }); got ${
          Object.keys(record).slice(0, 10).join(", ")
        }`,
      );
    }
    const byChain = new Map<string, Omit<Series, "name">>();
    for (const item of list as readonly Record<string, unknown>[]) {
      const chain = item.chain === undefined || item.chain === null ? "" : String(item.chain);
      const entry = byChain.get(chain) ?? { x: [], y: [], text: [] };
      const residue = Number(item[xKey]);
      const value = item[yKey];
      entry.x.push(residue);
      entry.y.push(value === null || value === undefined ? null : Number(value));
      const residueName = typeof item.name === "string" ? item.name : "";
      entry.text.push(`${chain ? `${chain}:` : ""}${residueName}${residue}`);
      byChain.set(chain, entry);
    }
    return [...byChain.entries()].map(([chain, entry]) => ({
      name: chain ? (name ? `${name} · chain ${chain}` : `Chain ${chain}`) : name,
      ...entry,
    }));
  }
  const start = options.start ?? 1;
  const values = list as readonly (number | null)[];
  return [{
    name,
    x: values.map((_, i) => start + i),
    y: values.map((v) => (v === null ? null : Number(v))),
    text: values.map((_, i) => `${options.sequence?.[i] ?? ""}${start + i}`),
  }];
}

/**
 * Per-residue values as a line chart: pLDDT or B-factor along a structure, a hydropathy
 * profile along a sequence, or anything else per residue. Several chains or named series
 * become several lines.
 *
 * @example
 * ```ts ignore
 * import { residueProfile, residueBFactors } from "../../mod.ts";
 * residueProfile(residueBFactors(pdbText), { kind: "plddt" });
 * residueProfile({ "window 9": kd9, "window 19": kd19 }, { kind: "hydropathy", start: 5 });
 * // Records of a tool's output, e.g. structure-analysis residues:
 * residueProfile(result.results.residues, { y: "b_factor", kind: "bfactor" });
 * ```
 */
export function residueProfile(values: ProfileInput, options: ResidueProfileOptions = {}): Chart {
  const kind = options.kind ?? "value";
  const raw: Series[] = Array.isArray(values) || isProfile(values)
    ? seriesOf("", values as readonly unknown[] | ProfileLike, options)
    : Object.entries(values as Record<string, readonly unknown[] | ProfileLike>).flatMap((
      [name, series],
    ) => seriesOf(name, series, options));
  const defaults = {
    plddt: { title: "Predicted confidence per residue", y: "pLDDT" },
    bfactor: { title: "B-factor per residue", y: "B-factor (Å²)" },
    hydropathy: { title: "Hydropathy profile", y: "Hydropathy (Kyte–Doolittle)" },
    value: { title: "Per-residue profile", y: "Value" },
  }[kind];
  const lines: LineSeries[] = raw.map((series, i) => ({
    name: series.name || defaults.y,
    x: series.x,
    y: series.y,
    text: series.text,
    color: kind === "plddt" && raw.length === 1
      ? CHART_THEMES.light.ink
      : PALETTE[i % PALETTE.length],
  }));
  const threshold = options.threshold !== undefined
    ? options.threshold
    : kind === "hydropathy"
    ? 1.6
    : null;
  const hlines = [
    ...(kind === "hydropathy" ? [{ y: 0, color: "#9ca3af", label: "" }] : []),
    ...(threshold !== null
      ? [{ y: threshold, color: "#dc2626", label: `threshold ${threshold}` }]
      : []),
  ];
  const model: ChartModel = {
    kind: "line",
    title: options.title ?? defaults.title,
    xTitle: "Residue",
    yTitle: options.yTitle ?? defaults.y,
    width: options.width ?? 720,
    fixedWidth: options.width !== undefined,
    height: options.height ?? 360,
    lines,
    bands: kind === "plddt" ? PLDDT_BANDS : undefined,
    hlines,
    yRange: kind === "plddt" ? [0, 100] : undefined,
  };
  const summary = [
    `${model.title} — ${lines.reduce((n, s) => n + s.x.length, 0)} residues`,
    ...lines.map((series) => {
      const finite = series.y.filter((v): v is number => v !== null && Number.isFinite(v));
      if (finite.length === 0) return `  ${series.name}: no values`;
      const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
      const minIndex = series.y.indexOf(Math.min(...finite));
      const maxIndex = series.y.indexOf(Math.max(...finite));
      return `  ${series.name}: mean ${mean.toFixed(2)}, min ${
        finite.length ? Math.min(...finite).toFixed(2) : ""
      } at ${series.text?.[minIndex] ?? series.x[minIndex]}, max ${
        Math.max(...finite).toFixed(2)
      } at ${series.text?.[maxIndex] ?? series.x[maxIndex]}\n  ${sparkline(series.y)}`;
    }),
  ].join("\n");
  return new Chart(model, summary, options);
}

// ---------------------------------------------------------------- property bars

/** Options of {@linkcode propertyBars}. */
export interface PropertyBarsOptions extends ChartOptions {
  /** Field naming each bar (e.g. `id`). Default: the first text field. */
  x?: string;
  /** Field(s) plotted. Default: the first numeric field. */
  y?: string | string[];
  /** Order of the bars. Default `none` (record order). */
  sort?: "none" | "ascending" | "descending";
}

/** Records, or anything with `records` and optionally `fields` (a Result). */
export type RecordsInput =
  | readonly Record<string, unknown>[]
  | {
    records: readonly Record<string, unknown>[];
    fields?: readonly { id: string; label: string; unit?: string }[];
  };

/**
 * A property across many sequences as bars: one bar per record (grouped bars for several
 * properties), labelled with the tool's field labels and units when given a Result.
 *
 * @example
 * ```ts ignore
 * import { propertyBars } from "../../mod.ts";
 * propertyBars(result, { x: "id", y: "isoelectric_point", sort: "descending" });
 * ```
 */
export function propertyBars(records: RecordsInput, options: PropertyBarsOptions = {}): Chart {
  const rows = Array.isArray(records)
    ? records as readonly Record<string, unknown>[]
    : (records as { records: readonly Record<string, unknown>[] }).records;
  const fields = Array.isArray(records)
    ? []
    : (records as { fields?: readonly { id: string; label: string; unit?: string }[] }).fields ??
      [];
  const keys = rows.length > 0 ? Object.keys(rows[0]) : [];
  const x = options.x ?? keys.find((key) => typeof rows[0][key] === "string") ?? keys[0];
  const ys = options.y === undefined
    ? [keys.find((key) => typeof rows[0][key] === "number")].filter((k): k is string => !!k)
    : Array.isArray(options.y)
    ? options.y
    : [options.y];
  if (ys.length === 0) {
    throw new TypeError('propertyBars: no numeric field to plot; pass { y: "field" }');
  }
  for (const field of [x, ...ys]) {
    if (field !== undefined && rows.length > 0 && !rows.some((row) => field in row)) {
      throw new TypeError(
        `propertyBars: no record has a field "${field}"; fields: ${keys.join(", ")}`,
      );
    }
  }
  const label = (id: string) => {
    const field = fields.find((f) => f.id === id);
    return field ? (field.unit ? `${field.label} (${field.unit})` : field.label) : id;
  };
  let order = rows.map((_, i) => i);
  if (options.sort && options.sort !== "none") {
    const sign = options.sort === "ascending" ? 1 : -1;
    const key = ys[0];
    order = order.sort((a, b) => {
      const va = Number(rows[a][key]);
      const vb = Number(rows[b][key]);
      if (!Number.isFinite(va)) return 1;
      if (!Number.isFinite(vb)) return -1;
      return sign * (va - vb);
    });
  }
  const categories = order.map((i) => String(rows[i][x] ?? `#${i + 1}`));
  // Plotly merges equal category names: keep repeated names apart.
  const seen = new Map<string, number>();
  const unique = categories.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n > 1 ? `${name} (${n})` : name;
  });
  const model: ChartModel = {
    kind: "bar",
    title: options.title ??
      (ys.length === 1 ? `${label(ys[0])} by ${label(x)}` : `Properties by ${label(x)}`),
    xTitle: label(x),
    yTitle: ys.length === 1 ? label(ys[0]) : "Value",
    width: options.width ?? 720,
    fixedWidth: options.width !== undefined,
    height: options.height ?? 360,
    categories: unique,
    bars: ys.map((key, i) => ({
      name: label(key),
      values: order.map((index) => {
        const value = rows[index][key];
        return typeof value === "number" && Number.isFinite(value) ? value : null;
      }),
      color: PALETTE[i % PALETTE.length],
    })),
  };
  const summary = [
    `${model.title} — ${rows.length} records`,
    ...(model.bars ?? []).map((series) => `  ${series.name}: ${sparkline(series.values)}`),
  ].join("\n");
  return new Chart(model, summary, options);
}

// ---------------------------------------------------------------- job timeline

/** The job fields a timeline reads. */
export interface TimelineJob {
  /** Job id, the row's label when there is no name. */
  id: string;
  /** Job name, the row's label. */
  name?: string | null;
  /** Status as the API spells it; the timeline's `style` gives its label and colour. */
  status: string;
  /** When the job was created (ISO-8601); jobs without it are left out. */
  created_at?: string | null;
  /** When it started running (ISO-8601); until then it is waiting. */
  started_at?: string | null;
  /** When it ended (ISO-8601); a running job's bar reaches now. */
  completed_at?: string | null;
  /** The pipeline vendor's kind of job, the row's label when there is no name. */
  job_type?: string | null;
}

/** Options of {@linkcode jobTimeline}. */
export interface JobTimelineOptions extends ChartOptions {
  /** Look of a status. Default: ProteinIQ's. */
  style?: StatusStyleFn;
  /** The time running jobs are drawn up to (ms since epoch). Default: now. */
  now?: number;
}

/**
 * The timeline of a batch of jobs: for each job, the time it waited (created → started) and
 * the time it ran (started → completed, or now), coloured by its status.
 *
 * @example
 * ```ts ignore
 * import { jobTimeline } from "../../mod.ts";
 * jobTimeline(await piq.jobs.list().take(20));
 * ```
 */
export function jobTimeline(
  jobs: Iterable<TimelineJob>,
  options: JobTimelineOptions = {},
): Chart {
  const style = options.style ?? statusStyle;
  const now = options.now ?? Date.now();
  const list = [...jobs].filter((job) => job.created_at);
  // Oldest first, like a Gantt chart.
  list.sort((a, b) => Date.parse(a.created_at!) - Date.parse(b.created_at!));
  const origin = list.length > 0 ? Date.parse(list[0].created_at!) : now;
  const seconds = (iso: string | null | undefined, fallback: number) =>
    iso ? (Date.parse(iso) - origin) / 1000 : (fallback - origin) / 1000;
  const waiting: RangeGroup = { name: "Waiting", color: "#cbd5e1", items: [] };
  const groups = new Map<string, RangeGroup>();
  list.forEach((job, row) => {
    const look = style(job.status);
    const created = seconds(job.created_at, now);
    const end = seconds(job.completed_at, now);
    const started = job.started_at ? seconds(job.started_at, now) : look.terminal ? end : end;
    const name = job.name || job.job_type || job.id;
    const ranTill = job.completed_at ? "" : " (still running)";
    if (started > created || !job.started_at) {
      waiting.items.push({
        row,
        start: created,
        end: job.started_at ? started : end,
        text: `${name}\nwaited ${formatDuration((job.started_at ? started : end) - created)}`,
      });
    }
    if (job.started_at) {
      const group = groups.get(look.label) ??
        { name: look.label, color: look.color, items: [] };
      group.items.push({
        row,
        start: started,
        end,
        text: `${name}\n${look.label}: ran ${formatDuration(end - started)}${ranTill}`,
      });
      groups.set(look.label, group);
    }
  });
  const rows = list.map((job) => job.name || job.job_type || job.id);
  const model: ChartModel = {
    kind: "range",
    title: options.title ?? `Timeline of ${list.length} job${list.length === 1 ? "" : "s"}`,
    xTitle: "Seconds since the first job was created",
    yTitle: "",
    width: options.width ?? 720,
    fixedWidth: options.width !== undefined,
    height: options.height ?? Math.min(900, Math.max(220, 110 + rows.length * 22)),
    rows,
    ranges: [waiting, ...groups.values()].filter((group) => group.items.length > 0),
  };
  const span = list.length > 0 ? Math.max(...list.map((job) => seconds(job.completed_at, now))) : 0;
  const summary = [
    `${model.title} over ${formatDuration(span)}`,
    ...list.slice(0, 30).map((job) => {
      const look = style(job.status);
      const total = elapsedSeconds(job, now);
      return `  ${look.symbol} ${(job.name || job.job_type || job.id).slice(0, 30).padEnd(30)} ${
        look.label.padEnd(15)
      } ${formatDuration(total)}`;
    }),
    ...(list.length > 30 ? [`  … ${list.length - 30} more`] : []),
  ].join("\n");
  return new Chart(model, summary, options);
}

export { escapeHtml };
