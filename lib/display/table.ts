/**
 * Tables of records: columns from the tool's output fields (as the web app's CSV export
 * builds them), numbers right-aligned and rounded for reading while the data keeps full
 * precision (shown on hover), long text clipped, and a row and byte budget so a huge result
 * stays a light output: the first rows, a count of the rest and how to get all of them.
 *
 * Plain HTML with inline styles, so it renders the same in untrusted notebooks, nbviewer and
 * GitHub (JupyterLab's own table CSS right-aligns every cell, hence the explicit alignment).
 *
 * @example
 * ```ts
 * import { renderTable } from "./table.ts";
 * const bundle = renderTable([{ id: "a", mass: 1234.5678 }], {
 *   columns: [{ id: "id", label: "ID" }, { id: "mass", label: "Mass", unit: "Da", digits: 1 }],
 * });
 * console.log(bundle["text/plain"]);
 * ```
 * @module
 */
import { html, raw } from "./_html.ts";
import type { MimeBundle } from "./_jupyter.ts";

/** A column of a table. */
export interface Column {
  /** The record key the column shows. */
  id: string;
  /** Header text. Default: the id. */
  label?: string;
  /** Unit, shown in the header after the label, e.g. `Da`. */
  unit?: string;
  /** Decimal places shown for numbers. */
  digits?: number;
  /** Shown when hovering the header. */
  description?: string;
}

/** Options of {@linkcode renderTable}. */
export interface TableOptions {
  /** Columns in order; default: every key of the first records. */
  columns?: Column[];
  /** Most rows rendered; the rest are counted. Default 50. */
  maxRows?: number;
  /** Most characters of HTML; rows stop before it is reached. Default 250 000. */
  maxBytes?: number;
  /** Most characters shown in a text cell (the full text is kept in the data). Default 80. */
  maxCellChars?: number;
  /** A title above the table. */
  title?: string;
  /** A sentence after the table, e.g. where the files are. */
  footer?: string;
  /** How to get every row, shown when rows were left out. */
  moreHint?: string;
}

/** Columns inferred from records (union of keys of the first 100, first-seen order). */
export function inferColumns(records: readonly Record<string, unknown>[]): Column[] {
  const seen = new Set<string>();
  for (const record of records.slice(0, 100)) {
    for (const key of Object.keys(record)) seen.add(key);
  }
  return [...seen].map((id) => ({ id }));
}

/** A cell for reading: numbers rounded to `digits` (or to 4 significant places), others as text. */
export function formatCell(value: unknown, column: Column): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    if (column.digits !== undefined) {
      return value.toLocaleString("en-US", {
        minimumFractionDigits: column.digits,
        maximumFractionDigits: column.digits,
      });
    }
    if (Number.isInteger(value)) return value.toLocaleString("en-US");
    const magnitude = Math.abs(value);
    if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e9)) {
      return value.toExponential(3);
    }
    return value.toLocaleString("en-US", { maximumSignificantDigits: 4 });
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "object") {
    if (Array.isArray(value)) {
      const preview = value.slice(0, 6).map((item) =>
        typeof item === "number" ? formatCell(item, { id: "" }) : JSON.stringify(item)
      ).join(", ");
      return `[${preview}${value.length > 6 ? `, … ${value.length} items` : ""}]`;
    }
    return JSON.stringify(value);
  }
  return String(value);
}

/** The header text of a column: label and unit. */
export function columnHeader(column: Column): string {
  const label = column.label ?? column.id;
  return column.unit ? `${label} (${column.unit})` : label;
}

function isNumericColumn(records: readonly Record<string, unknown>[], column: Column): boolean {
  let numbers = 0;
  for (const record of records) {
    const value = record[column.id];
    if (typeof value === "number") numbers++;
    else if (value !== null && value !== undefined && value !== "") return false;
  }
  return numbers > 0;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

function moreLine(total: number, shown: number, hint?: string): string {
  const rest = total - shown;
  return `Showing the first ${shown.toLocaleString("en-US")} of ${
    total.toLocaleString("en-US")
  } rows (${rest.toLocaleString("en-US")} more).${hint ? ` ${hint}` : ""}`;
}

/** The table as aligned text (at most `maxRows` rows). */
export function tableText(
  records: readonly Record<string, unknown>[],
  options: TableOptions = {},
): string {
  const columns = options.columns ?? inferColumns(records);
  const maxRows = options.maxRows ?? 50;
  const shown = records.slice(0, maxRows);
  const cells = shown.map((record) =>
    columns.map((column) => formatCell(record[column.id], column))
  );
  const headers = columns.map(columnHeader);
  const widths = headers.map((h, i) =>
    Math.min(40, Math.max(h.length, ...cells.map((row) => row[i].length)))
  );
  const numeric = columns.map((column) => isNumericColumn(shown, column));
  const fit = (text: string, i: number) => {
    const clipped = clip(text, widths[i]);
    return numeric[i] ? clipped.padStart(widths[i]) : clipped.padEnd(widths[i]);
  };
  const lines = [
    ...(options.title ? [options.title] : []),
    headers.map(fit).join("  "),
    widths.map((w) => "─".repeat(w)).join("  "),
    ...cells.map((row) => row.map(fit).join("  ")),
  ];
  if (records.length > shown.length) {
    lines.push(moreLine(records.length, shown.length, options.moreHint));
  }
  if (options.footer) lines.push(options.footer);
  return lines.join("\n");
}

const FONT = "font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; font-size: 13px;";
// Colours come from the front end's theme variables (JupyterLab, Notebook 7), with light
// fallbacks; where a sanitizer drops them the text inherits the page's colour.
const TEXT = "color: var(--jp-ui-font-color1, #111827);";
const MUTED = "color: var(--jp-ui-font-color2, #4b5563);";
const RULE = "var(--jp-border-color2, #e5e7eb)";
const CELL = `padding: 3px 8px; border-bottom: 1px solid ${RULE};`;
/** Tables wider than this (estimated) say that they scroll sideways. */
const WIDE_PX = 780;
/** Tables with more rows than this scroll inside a box, under a header that stays. */
const TALL_ROWS = 20;

/**
 * The value a hover shows: the number without binary float noise (`14313.003999999983` →
 * `14313.004`), twelve significant digits being more than any tool's output means.
 */
export function cleanNumber(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(12))) : String(value);
}

/** The table as inline-styled HTML, within the row and byte budgets. */
export function tableHtml(
  records: readonly Record<string, unknown>[],
  options: TableOptions = {},
): string {
  const columns = options.columns ?? inferColumns(records);
  const maxRows = options.maxRows ?? 50;
  const maxBytes = options.maxBytes ?? 250_000;
  const maxCell = options.maxCellChars ?? 80;
  const candidates = records.slice(0, maxRows);
  const numeric = columns.map((column) => isNumericColumn(candidates, column));
  const align = numeric.map((isNumber) =>
    isNumber
      ? `${CELL} text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap;`
      : `${CELL} text-align: left; white-space: nowrap;`
  );
  // The header sticks to the top of the box while the rows scroll; long labels wrap rather
  // than widen the table.
  const headStyle =
    `position: sticky; top: 0; z-index: 1; background-color: var(--jp-layout-color1, #ffffff); border-bottom: 1px solid var(--jp-border-color1, #9ca3af); font-weight: 600; white-space: normal; max-width: 14em; vertical-align: bottom;`;
  const head = columns.map((column, i) =>
    html`
      <th style="${align[i].replace("white-space: nowrap;", "")} ${headStyle}"
        ${column.description
          ? html`
            title="${column.description}"
          `
          : ""}>${columnHeader(column)}</th>
    `.value
  ).join("");
  const rows: string[] = [];
  let bytes = head.length + 1000;
  for (const record of candidates) {
    const row = html`<tr>${
      columns.map((column, i) => {
        const value = record[column.id];
        const text = formatCell(value, column);
        const shown = clip(text, maxCell);
        // Full precision (or the full text, up to a point) on hover; the data keeps all of it.
        const full = typeof value === "number" && cleanNumber(value) !== shown
          ? cleanNumber(value)
          : shown !== text
          ? clip(text, 1000)
          : "";
        return html`
          <td style="${align[i]}" ${full
            ? html`
              title="${full}"
            `
            : ""}>${shown}</td>
        `;
      })
    }</tr>`.value;
    if (bytes + row.length > maxBytes && rows.length > 0) break;
    bytes += row.length;
    rows.push(row);
  }
  // Estimated width: the widest of header (wrapped at 14em) and cells, about 7 px a character.
  const sample = candidates.slice(0, rows.length);
  const widthPx = columns.reduce((sum, column) => {
    const header = Math.min(columnHeader(column).length, 24);
    const cells = Math.max(
      0,
      ...sample.map((record) => Math.min(formatCell(record[column.id], column).length, maxCell)),
    );
    return sum + 16 + 7 * Math.max(header, cells);
  }, 0);
  const wide = widthPx > WIDE_PX;
  const tall = rows.length > TALL_ROWS;
  const hint = wide
    ? html`
      <div
        style="${MUTED} margin-bottom: 2px;">${columns
          .length} columns — scroll sideways for the rest →</div>
    `
    : "";
  const box = [
    wide ? "overflow-x: scroll;" : "overflow-x: auto;",
    tall ? "max-height: 32em; overflow-y: auto;" : "",
    `border: 1px solid ${RULE};`,
  ].join(" ");
  const more = records.length > rows.length
    ? html`<div style="${MUTED} margin-top: 4px;">${
      moreLine(records.length, rows.length, options.moreHint)
    }</div>`
    : "";
  return html`
    <div class="piq-table"
      style="${FONT} ${TEXT} text-align: left; max-width: 100%;">${options
          .title
        ? html`<div style="font-weight: 600; margin-bottom: 4px;">${options.title}</div>`
        : ""}${hint}<div data-piq-scroll="" style="${box}"><table
          style="border-collapse: separate; border-spacing: 0;"><thead><tr>${raw(
            head,
          )}</tr></thead><tbody>${raw(
            rows.join(""),
          )}</tbody></table></div>${more}${options.footer
            ? html`<div style="${MUTED} margin-top: 4px;">${options.footer}</div>`
            : ""}</div>
  `.value;
}

/**
 * The table bundle.
 *
 * @example
 * ```ts
 * import { renderTable } from "../../mod.ts";
 *
 * const records = [
 *   { id: "lysozyme", length: 129, molecular_weight: 14313.14 },
 *   { id: "ubiquitin", length: 76, molecular_weight: 8564.84 },
 * ];
 * const bundle = renderTable(records, {
 *   title: "Properties",
 *   columns: [{ id: "id" }, { id: "molecular_weight", label: "Mass", unit: "Da", digits: 0 }],
 * });
 * console.log(bundle["text/plain"]);
 * ```
 */
export function renderTable(
  records: readonly Record<string, unknown>[],
  options: TableOptions = {},
): MimeBundle {
  return {
    "text/plain": tableText(records, { ...options, maxRows: Math.min(options.maxRows ?? 50, 30) }),
    "text/html": tableHtml(records, options),
  };
}
