/**
 * One description of a chart, drawn two ways: as a plotly figure (interactive, in the
 * browser) and as SVG drawn here (rasterised to the static PNG that stands in where scripts
 * do not run). Both come from the same numbers and colours, so the picture matches the plot.
 * @module
 */
import { escapeHtml } from "./_html.ts";
import { FONT_FAMILY } from "./_raster.ts";

/** Colours of series, in order (readable on white, distinct for most colour vision). */
export const PALETTE = [
  "#2563eb",
  "#dc2626",
  "#16a34a",
  "#d97706",
  "#9333ea",
  "#0891b2",
  "#db2777",
  "#65a30d",
  "#4b5563",
  "#ea580c",
];

/**
 * Line dashes and point symbols, one per series in order, so series that overlap exactly (two
 * identical chains) stay apart: a dashed line over a solid one shows both colours.
 */
export const SERIES_STYLES = [
  { dash: "solid", svgDash: "", symbol: "circle" },
  { dash: "dash", svgDash: "7 4", symbol: "square" },
  { dash: "dot", svgDash: "2 3", symbol: "diamond" },
  { dash: "dashdot", svgDash: "7 3 2 3", symbol: "triangle-up" },
  { dash: "longdash", svgDash: "12 4", symbol: "circle-open" },
  { dash: "longdashdot", svgDash: "12 3 2 3", symbol: "square-open" },
] as const;

/** Line width of the `index`-th series: earlier ones wider, so later ones on top leave them visible. */
export function seriesWidth(index: number, count: number): number {
  return count > 1 ? Math.max(1.5, 3.2 - 0.5 * index) : 2;
}

/** Colours of a chart's text, axes and grid on a light and on a dark page. */
export const CHART_THEMES = {
  light: {
    background: "#ffffff",
    text: "#111827",
    muted: "#374151",
    band: "#4b5563",
    grid: "#e5e7eb",
    gridMinor: "#f3f4f6",
    axis: "#9ca3af",
    /** The single pLDDT line (dark on light). */
    ink: "#1f2937",
  },
  dark: {
    background: "#111111",
    text: "#f3f4f6",
    muted: "#d1d5db",
    band: "#d1d5db",
    grid: "#374151",
    gridMinor: "#1f2937",
    axis: "#6b7280",
    ink: "#e5e7eb",
  },
} as const;

/** One of {@linkcode CHART_THEMES}. */
export type ChartTheme = keyof typeof CHART_THEMES;

/** A line series. */
export interface LineSeries {
  /** Legend name. */
  name: string;
  /** x value of each point. */
  x: number[];
  /** y value of each point; `null` leaves a gap in the line. */
  y: (number | null)[];
  /** CSS colour of the line. */
  color: string;
  /** Hover text per point (plain text; `\n` breaks lines). */
  text?: string[];
}

/** A bar series over the categories. */
export interface BarSeries {
  /** Legend name. */
  name: string;
  /** One value per category; `null` draws no bar. */
  values: (number | null)[];
  /** CSS colour of the bars. */
  color: string;
  /** Text per bar (plain text), kept with the figure's data. */
  text?: string[];
}

/** Ranges on rows (a timeline): one group per legend entry. */
export interface RangeGroup {
  /** Legend name. */
  name: string;
  /** CSS colour of the group's ranges. */
  color: string;
  /** The ranges: row index (into `rows`), start and end on the x axis, hover text. */
  items: { row: number; start: number; end: number; text: string }[];
}

/** What a chart shows. */
export interface ChartModel {
  /** Line series (`lines`), bars over categories (`bars`) or ranges on rows (`ranges`). */
  kind: "line" | "bar" | "range";
  /** Heading of the chart. */
  title: string;
  /** Title of the x axis. */
  xTitle: string;
  /** Title of the y axis. */
  yTitle: string;
  /** Width in CSS pixels (of the static picture; the live chart follows its output area). */
  width: number;
  /** Keep the live chart at `width` instead of following the output area's width. */
  fixedWidth?: boolean;
  /** Height in CSS pixels. */
  height: number;
  /** The series of a `line` chart. */
  lines?: LineSeries[];
  /** Shaded horizontal bands (e.g. pLDDT confidence classes). */
  bands?: { y0: number; y1: number; color: string; label: string }[];
  /** Horizontal reference lines. */
  hlines?: { y: number; color: string; label: string }[];
  /** Fixed y-axis range, lowest and highest; automatic when left out. */
  yRange?: [number, number];
  /** The categories (x axis) of a `bar` chart. */
  categories?: string[];
  /** The series of a `bar` chart, one value per category. */
  bars?: BarSeries[];
  /** Row labels of a `range` chart, top to bottom. */
  rows?: string[];
  /** The ranges of a `range` chart, one group per legend entry. */
  ranges?: RangeGroup[];
}

/** A plotly figure: `data`, `layout` and `config`, as the plotly MIME type and `newPlot` take. */
export interface PlotlyFigure {
  /** The traces. */
  data: Record<string, unknown>[];
  /** Axes, titles, shapes, size. */
  layout: Record<string, unknown>;
  /** Plot options (mode bar, responsiveness…). */
  config: Record<string, unknown>;
}

const FONT_STACK = `${FONT_FAMILY}, system-ui, sans-serif`;

/**
 * Text for plotly: plotly reads a few HTML-like tags (`<b>`, `<a href>`, `<br>`) in titles,
 * names, tick labels and hover text, so untrusted text is entity-escaped (plotly shows the
 * entities as the characters) and line breaks become `<br>`.
 */
export function plotlyText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /\n/g,
    "<br>",
  );
}

const texts = (values: string[] | undefined) => values?.map(plotlyText);

/**
 * Y ticks where gridlines may be drawn. With bands (pLDDT classes) the ticks are the bands'
 * edges, so no gridline runs through a band's label (labels sit in the middle of the band).
 */
export function bandTicks(model: ChartModel): number[] | undefined {
  if (!model.bands?.length) return undefined;
  const edges = new Set<number>();
  for (const band of model.bands) {
    edges.add(band.y0);
    edges.add(band.y1);
  }
  return [...edges].sort((a, b) => a - b);
}

/**
 * The value range of a bar chart, with headroom above the tallest bar (and below the lowest
 * negative one) so no bar touches the frame.
 */
export function barRange(model: ChartModel): [number, number] {
  const [lo, hi] = extent((model.bars ?? []).flatMap((s) => s.values));
  const low = Math.min(0, lo);
  const high = Math.max(0, hi);
  const pad = (high - low || 1) * 0.08;
  return [low < 0 ? low - pad : 0, high > 0 ? high + pad : pad];
}

/** Colour a line takes on a theme (the dark ink of a lone pLDDT line turns light on dark). */
function themedColor(color: string, theme: ChartTheme): string {
  return color === CHART_THEMES.light.ink ? CHART_THEMES[theme].ink : color;
}

/** The plotly figure of a chart, for a light (default) or dark page. */
export function toPlotly(model: ChartModel, theme: ChartTheme = "light"): PlotlyFigure {
  const colors = CHART_THEMES[theme];
  const data: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: {
      text: plotlyText(model.title),
      x: 0.02,
      xanchor: "left",
      font: { size: 15, color: colors.text },
    },
    // Without a width plotly fills its container (the output area) and follows resizes.
    ...(model.fixedWidth ? { width: model.width } : { autosize: true }),
    height: model.height,
    margin: { l: 64, r: 20, t: 56, b: 56 },
    font: { family: FONT_STACK, size: 12, color: colors.text },
    paper_bgcolor: colors.background,
    plot_bgcolor: colors.background,
    hovermode: "closest",
    showlegend: false,
    legend: { orientation: "h", x: 0, xanchor: "left", y: 1.0, yanchor: "bottom" },
    xaxis: {
      title: { text: plotlyText(model.xTitle) },
      zeroline: false,
      gridcolor: colors.gridMinor,
      linecolor: colors.axis,
      ticks: "outside",
    },
    yaxis: {
      title: { text: plotlyText(model.yTitle) },
      zeroline: false,
      gridcolor: colors.grid,
      linecolor: colors.axis,
      ticks: "outside",
    },
    shapes,
  };
  if (model.kind === "line") {
    const count = (model.lines ?? []).length;
    (model.lines ?? []).forEach((series, i) => {
      const style = SERIES_STYLES[i % SERIES_STYLES.length];
      const color = themedColor(series.color, theme);
      data.push({
        type: "scatter",
        mode: series.x.length <= 60 ? "lines+markers" : "lines",
        name: plotlyText(series.name),
        x: series.x,
        y: series.y,
        text: texts(series.text),
        hovertemplate: series.text
          ? "%{text}<br>%{y:.3~f}<extra>%{fullData.name}</extra>"
          : undefined,
        line: { color, width: seriesWidth(i, count), dash: count > 1 ? style.dash : "solid" },
        marker: { color, size: count > 1 ? 6 : 5, symbol: count > 1 ? style.symbol : "circle" },
        connectgaps: false,
      });
    });
    const ticks = bandTicks(model);
    if (ticks) {
      Object.assign(layout.yaxis as Record<string, unknown>, {
        tickmode: "array",
        tickvals: ticks,
      });
      // The bands draw the horizontal structure; vertical gridlines would cut their labels.
      (layout.xaxis as Record<string, unknown>).showgrid = false;
    }
    layout.showlegend = (model.lines ?? []).length > 1;
  } else if (model.kind === "bar") {
    for (const series of model.bars ?? []) {
      data.push({
        type: "bar",
        name: plotlyText(series.name),
        x: texts(model.categories),
        y: series.values,
        text: texts(series.text),
        hovertemplate: "%{x}<br>%{y:.4~f}<extra>%{fullData.name}</extra>",
        textposition: "none",
        marker: { color: series.color },
      });
    }
    layout.barmode = "group";
    layout.showlegend = (model.bars ?? []).length > 1;
    if (!model.yRange) (layout.yaxis as Record<string, unknown>).range = barRange(model);
    (layout.xaxis as Record<string, unknown>).type = "category";
    (layout.xaxis as Record<string, unknown>).automargin = true;
  } else {
    for (const group of model.ranges ?? []) {
      data.push({
        type: "bar",
        orientation: "h",
        name: plotlyText(group.name),
        y: group.items.map((item) => item.row),
        base: group.items.map((item) => item.start),
        x: group.items.map((item) => Math.max(item.end - item.start, 0)),
        text: group.items.map((item) => plotlyText(item.text)),
        hovertemplate: "%{text}<extra>%{fullData.name}</extra>",
        textposition: "none",
        marker: { color: group.color },
        width: 0.6,
      });
    }
    layout.barmode = "overlay";
    layout.showlegend = true;
    const rows = model.rows ?? [];
    layout.yaxis = {
      ...(layout.yaxis as Record<string, unknown>),
      tickmode: "array",
      tickvals: rows.map((_, i) => i),
      ticktext: rows.map((row) => plotlyText(clipLabel(row, 28))),
      autorange: "reversed",
      automargin: true,
      gridcolor: colors.gridMinor,
    };
  }
  for (const band of model.bands ?? []) {
    shapes.push({
      type: "rect",
      xref: "paper",
      x0: 0,
      x1: 1,
      yref: "y",
      y0: band.y0,
      y1: band.y1,
      fillcolor: band.color,
      opacity: 0.18,
      line: { width: 0 },
      layer: "below",
      label: {
        text: plotlyText(band.label),
        textposition: "middle right",
        font: { size: 10, color: colors.band },
      },
    });
  }
  for (const line of model.hlines ?? []) {
    shapes.push({
      type: "line",
      xref: "paper",
      x0: 0,
      x1: 1,
      yref: "y",
      y0: line.y,
      y1: line.y,
      line: { color: line.color, width: 1, dash: "dash" },
      label: {
        text: plotlyText(line.label),
        textposition: "end",
        font: { size: 10, color: line.color },
      },
    });
  }
  if (model.yRange) (layout.yaxis as Record<string, unknown>).range = model.yRange;
  if (layout.showlegend) {
    // Title on top, the legend under it, then the plot: nothing overlaps.
    const perRow = Math.max(1, Math.floor(model.width / 190));
    const rows = Math.ceil(data.length / perRow);
    (layout.margin as Record<string, number>).t = 48 + rows * 20;
    layout.title = {
      ...(layout.title as Record<string, unknown>),
      y: 1,
      yref: "container",
      yanchor: "top",
      pad: { t: 10 },
    };
    layout.legend = {
      orientation: "h",
      x: 0,
      xanchor: "left",
      y: 1,
      yanchor: "bottom",
      font: { size: 11, color: colors.text },
    };
  }
  return {
    data,
    layout,
    config: { responsive: true, displaylogo: false, scrollZoom: false },
  };
}

/** "Nice" tick values covering [min, max]. */
export function niceTicks(min: number, max: number, target = 6): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  // The round step giving about `target` intervals (ties: the larger step).
  const count = (s: number) => Math.floor(max / s + 1e-9) - Math.ceil(min / s - 1e-9) + 1;
  const step = [0.5, 1, 2, 2.5, 5, 10].map((m) => m * power).reduce((best, s) =>
    Math.abs(count(s) - 1 - target) <= Math.abs(count(best) - 1 - target) ? s : best
  );
  const first = Math.ceil(min / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let value = first; value <= max + step * 1e-9; value += step) {
    ticks.push(Number(value.toPrecision(12)));
    if (ticks.length > 50) break;
  }
  return ticks;
}

/** A tick label: short and without float noise. */
export function tickLabel(value: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(1);
  return String(Number(value.toPrecision(6)));
}

function clipLabel(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function textWidth(text: string, size: number): number {
  return text.length * size * 0.6;
}

function extent(values: Iterable<number | null>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) continue;
    if (value < lo) lo = value;
    if (value > hi) hi = value;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

const num = (value: number) => Number(value.toFixed(2));

function text(
  x: number,
  y: number,
  content: string,
  attributes: Record<string, string | number> = {},
): string {
  const attrs = Object.entries({ "font-size": 11, fill: "#374151", ...attributes }).map((
    [key, value],
  ) => `${key}="${escapeHtml(value)}"`).join(" ");
  return `<text x="${num(x)}" y="${num(y)}" ${attrs}>${escapeHtml(content)}</text>`;
}

/** A point symbol of a series in SVG (plotly's symbol names). */
function marker(symbol: string, x: number, y: number, r: number, color: string): string {
  const fill = escapeHtml(color);
  const open = symbol.endsWith("-open");
  const paint = open ? `fill="#ffffff" stroke="${fill}" stroke-width="1.5"` : `fill="${fill}"`;
  if (symbol.startsWith("square")) {
    return `<rect x="${num(x - r)}" y="${num(y - r)}" width="${num(2 * r)}" height="${
      num(2 * r)
    }" ${paint}/>`;
  }
  if (symbol === "diamond") {
    return `<path d="M${num(x)} ${num(y - r * 1.3)}L${num(x + r * 1.3)} ${num(y)}L${num(x)} ${
      num(y + r * 1.3)
    }L${num(x - r * 1.3)} ${num(y)}Z" ${paint}/>`;
  }
  if (symbol === "triangle-up") {
    return `<path d="M${num(x)} ${num(y - r * 1.3)}L${num(x + r * 1.2)} ${num(y + r)}L${
      num(x - r * 1.2)
    } ${num(y + r)}Z" ${paint}/>`;
  }
  return `<circle cx="${num(x)}" cy="${num(y)}" r="${num(r)}" ${paint}/>`;
}

/** The chart as standalone SVG markup (what the static PNG shows). */
export function toSvg(model: ChartModel): string {
  const { width, height } = model;
  const parts: string[] = [];
  const lineCount = (model.lines ?? []).length;
  const legendEntries: [string, string, number][] = model.kind === "line"
    ? lineCount > 1 ? (model.lines ?? []).map((s, i) => [s.name, s.color, i]) : []
    : model.kind === "bar"
    ? (model.bars ?? []).length > 1 ? (model.bars ?? []).map((s) => [s.name, s.color, -1]) : []
    : (model.ranges ?? []).map((g) => [g.name, g.color, -1]);
  // Legend entries flow in rows under the title; a line's entry shows its dash and symbol.
  const legendSlots: { name: string; color: string; x: number; row: number; line: number }[] = [];
  {
    let x = 12;
    let row = 0;
    for (const [name, color, line] of legendEntries) {
      const label = clipLabel(name, 24);
      const span = (line >= 0 ? 40 : 26) + textWidth(label, 11);
      if (x > 12 && x + span > width - 12) {
        row++;
        x = 12;
      }
      legendSlots.push({ name: label, color, x, row, line });
      x += span;
    }
  }
  const legendRows = legendSlots.length ? legendSlots[legendSlots.length - 1].row + 1 : 0;
  const top = 56 + Math.max(0, legendRows - 1) * 16;
  let left = 64;
  let bottom = 56;
  const right = 20;
  // Category and row labels decide the margins.
  let rotate = false;
  if (model.kind === "bar") {
    const categories = model.categories ?? [];
    const slot = (width - left - right) / Math.max(1, categories.length);
    const longest = Math.max(0, ...categories.map((c) => textWidth(clipLabel(c, 18), 11)));
    rotate = longest > slot - 4;
    if (rotate) bottom = Math.min(140, 40 + longest * 0.72);
  }
  if (model.kind === "range") {
    const longest = Math.max(0, ...(model.rows ?? []).map((r) => textWidth(clipLabel(r, 28), 11)));
    left = Math.min(220, Math.max(64, longest + 16));
  }
  const plotW = width - left - right;
  const plotH = height - top - bottom;

  // Scales.
  let xMin = 0;
  let xMax = 1;
  let yMin = 0;
  let yMax = 1;
  if (model.kind === "line") {
    [xMin, xMax] = extent((model.lines ?? []).flatMap((s) => s.x));
    [yMin, yMax] = model.yRange ?? extent((model.lines ?? []).flatMap((s) => s.y));
  } else if (model.kind === "bar") {
    [yMin, yMax] = model.yRange ?? barRange(model);
  } else {
    const items = (model.ranges ?? []).flatMap((g) => g.items);
    [xMin, xMax] = extent(items.flatMap((item) => [item.start, item.end]));
    xMin = Math.min(0, xMin);
  }
  const yTicks = model.kind === "range" ? [] : bandTicks(model) ?? niceTicks(yMin, yMax, 5);
  if (model.kind !== "range" && !model.yRange && yTicks.length > 0) {
    yMin = Math.min(yMin, yTicks[0]);
    yMax = Math.max(yMax, yTicks[yTicks.length - 1]);
  }
  const xTicks = model.kind === "bar"
    ? []
    : niceTicks(xMin, xMax, Math.max(3, Math.round(plotW / 90)));
  if (model.kind === "range" && xTicks.length > 0) xMax = Math.max(xMax, xTicks[xTicks.length - 1]);
  const sx = (x: number) => left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  const sy = (y: number) => top + plotH - ((y - yMin) / (yMax - yMin || 1)) * plotH;

  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(
    text(12, 22, model.title, { "font-size": 15, "font-weight": "bold", fill: "#111827" }),
  );
  // Legend under the title.
  for (const slot of legendSlots) {
    const y = 31 + slot.row * 16;
    if (slot.line >= 0) {
      const style = SERIES_STYLES[slot.line % SERIES_STYLES.length];
      parts.push(
        `<path d="M${num(slot.x)} ${y + 5}h24" fill="none" stroke="${
          escapeHtml(slot.color)
        }" stroke-width="${seriesWidth(slot.line, lineCount)}"${
          style.svgDash ? ` stroke-dasharray="${style.svgDash}"` : ""
        }/>`,
        marker(style.symbol, slot.x + 12, y + 5, 3.5, slot.color),
      );
      parts.push(text(slot.x + 28, y + 9, slot.name));
      continue;
    }
    parts.push(
      `<rect x="${num(slot.x)}" y="${y}" width="10" height="10" rx="2" fill="${
        escapeHtml(slot.color)
      }"/>`,
    );
    parts.push(text(slot.x + 14, y + 9, slot.name));
  }
  // Bands and grid.
  for (const band of model.bands ?? []) {
    const y0 = sy(Math.min(Math.max(band.y0, yMin), yMax));
    const y1 = sy(Math.min(Math.max(band.y1, yMin), yMax));
    parts.push(
      `<rect x="${left}" y="${num(Math.min(y0, y1))}" width="${num(plotW)}" height="${
        num(Math.abs(y1 - y0))
      }" fill="${escapeHtml(band.color)}" fill-opacity="0.18"/>`,
    );
  }
  for (const tick of yTicks) {
    if (tick < yMin - 1e-9 || tick > yMax + 1e-9) continue;
    const y = sy(tick);
    parts.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${num(y)}" y2="${
        num(y)
      }" stroke="${CHART_THEMES.light.grid}"/>`,
    );
    parts.push(text(left - 6, y + 4, tickLabel(tick), { "text-anchor": "end" }));
  }
  for (const tick of xTicks) {
    if (tick < xMin - 1e-9 || tick > xMax + 1e-9) continue;
    const x = sx(tick);
    if (!model.bands?.length) {
      parts.push(
        `<line x1="${num(x)}" x2="${num(x)}" y1="${top}" y2="${
          top + plotH
        }" stroke="${CHART_THEMES.light.gridMinor}"/>`,
      );
    }
    parts.push(text(x, top + plotH + 16, tickLabel(tick), { "text-anchor": "middle" }));
  }

  if (model.kind === "line") {
    for (const [index, series] of (model.lines ?? []).entries()) {
      const style = SERIES_STYLES[index % SERIES_STYLES.length];
      const many = lineCount > 1;
      let path = "";
      let pen = false;
      series.x.forEach((x, i) => {
        const y = series.y[i];
        if (y === null || !Number.isFinite(y)) {
          pen = false;
          return;
        }
        path += `${pen ? "L" : "M"}${num(sx(x))} ${num(sy(y))}`;
        pen = true;
      });
      parts.push(
        `<path d="${path}" fill="none" stroke="${escapeHtml(series.color)}" stroke-width="${
          seriesWidth(index, lineCount)
        }" stroke-linejoin="round"${
          many && style.svgDash ? ` stroke-dasharray="${style.svgDash}"` : ""
        }/>`,
      );
      if (series.x.length <= 60) {
        series.x.forEach((x, i) => {
          const y = series.y[i];
          if (y === null || !Number.isFinite(y)) return;
          parts.push(
            marker(many ? style.symbol : "circle", sx(x), sy(y), many ? 3 : 2.5, series.color),
          );
        });
      }
    }
  } else if (model.kind === "bar") {
    const categories = model.categories ?? [];
    const groups = model.bars ?? [];
    const slot = plotW / Math.max(1, categories.length);
    const barW = Math.max(1, (slot * 0.8) / Math.max(1, groups.length));
    const zero = sy(Math.min(Math.max(0, yMin), yMax));
    groups.forEach((series, g) => {
      series.values.forEach((value, i) => {
        if (value === null || !Number.isFinite(value)) return;
        const x = left + i * slot + slot * 0.1 + g * barW;
        const y = sy(value);
        parts.push(
          `<rect x="${num(x)}" y="${num(Math.min(y, zero))}" width="${
            num(Math.max(barW - 1, 0.6))
          }" height="${num(Math.max(Math.abs(zero - y), 0.5))}" fill="${
            escapeHtml(series.color)
          }"/>`,
        );
      });
    });
    const every = Math.max(1, Math.ceil(categories.length / Math.max(1, plotW / 14)));
    categories.forEach((category, i) => {
      if (i % every !== 0) return;
      const x = left + (i + 0.5) * slot;
      const label = clipLabel(category, 18);
      parts.push(
        rotate
          ? text(x, top + plotH + 12, label, {
            "text-anchor": "end",
            transform: `rotate(-45 ${num(x)} ${num(top + plotH + 12)})`,
          })
          : text(x, top + plotH + 16, label, { "text-anchor": "middle" }),
      );
    });
  } else {
    const rows = model.rows ?? [];
    const rowH = plotH / Math.max(1, rows.length);
    const every = Math.max(1, Math.ceil(rows.length / Math.max(1, plotH / 13)));
    rows.forEach((row, i) => {
      if (i % every !== 0) return;
      parts.push(
        text(left - 6, top + (i + 0.5) * rowH + 4, clipLabel(row, 28), { "text-anchor": "end" }),
      );
    });
    for (const group of model.ranges ?? []) {
      for (const item of group.items) {
        const x0 = sx(item.start);
        const x1 = sx(item.end);
        parts.push(
          `<rect x="${num(x0)}" y="${num(top + item.row * rowH + rowH * 0.2)}" width="${
            num(Math.max(x1 - x0, 1))
          }" height="${num(Math.max(rowH * 0.6, 1))}" fill="${escapeHtml(group.color)}"/>`,
        );
      }
    }
  }
  for (const line of model.hlines ?? []) {
    if (line.y < yMin || line.y > yMax) continue;
    const y = sy(line.y);
    parts.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${num(y)}" y2="${num(y)}" stroke="${
        escapeHtml(line.color)
      }" stroke-dasharray="5 4"/>`,
    );
    parts.push(
      text(left + plotW - 4, y - 4, line.label, {
        "text-anchor": "end",
        fill: line.color,
        "font-size": 10,
      }),
    );
  }
  for (const band of model.bands ?? []) {
    const mid = (Math.max(band.y0, yMin) + Math.min(band.y1, yMax)) / 2;
    if (mid < yMin || mid > yMax) continue;
    parts.push(
      text(left + plotW - 4, sy(mid) + 4, band.label, {
        "text-anchor": "end",
        fill: CHART_THEMES.light.band,
        "font-size": 10,
      }),
    );
  }
  // Axes and titles.
  parts.push(
    `<path d="M${left} ${top}V${top + plotH}H${left + plotW}" fill="none" stroke="#9ca3af"/>`,
  );
  parts.push(
    text(left + plotW / 2, height - 10, model.xTitle, { "text-anchor": "middle", "font-size": 12 }),
  );
  parts.push(
    text(16, top + plotH / 2, model.yTitle, {
      "text-anchor": "middle",
      "font-size": 12,
      transform: `rotate(-90 16 ${num(top + plotH / 2)})`,
    }),
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${
    escapeHtml(FONT_STACK)
  }">${parts.join("")}</svg>`;
}
