/**
 * Tables of records: columns from the tool's output fields (as the web app's CSV export
 * builds them), numbers right-aligned and rounded for reading while the data keeps full
 * precision, and a cap on rows so a huge result stays a light output.
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
import { html } from "./_html.ts";
import type { MimeBundle } from "./_jupyter.ts";

/** A column of a table. */
export interface Column {
  id: string;
  label?: string;
  unit?: string;
  /** Decimal places shown for numbers. */
  digits?: number;
}

/** Options of {@linkcode renderTable}. */
export interface TableOptions {
  /** Columns in order; default: every key of the first record. */
  columns?: Column[];
  /** Most rows rendered; the rest are counted. Default 50. */
  maxRows?: number;
  /** A title above the table. */
  title?: string;
  /** A sentence after the table, e.g. how to get every row. */
  footer?: string;
}

/** Columns inferred from records (union of keys, first-seen order). */
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
    return value.toLocaleString("en-US", { maximumSignificantDigits: 4 });
  }
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function header(column: Column): string {
  const label = column.label ?? column.id;
  return column.unit ? `${label} (${column.unit})` : label;
}

function isNumericColumn(records: readonly Record<string, unknown>[], column: Column): boolean {
  return records.some((record) => typeof record[column.id] === "number");
}

/** The table as aligned text. */
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
  const headers = columns.map(header);
  const widths = headers.map((h, i) =>
    Math.min(40, Math.max(h.length, ...cells.map((row) => row[i].length)))
  );
  const numeric = columns.map((column) => isNumericColumn(shown, column));
  const fit = (text: string, i: number) => {
    const clipped = text.length > widths[i] ? `${text.slice(0, widths[i] - 1)}…` : text;
    return numeric[i] ? clipped.padStart(widths[i]) : clipped.padEnd(widths[i]);
  };
  const lines = [
    ...(options.title ? [options.title] : []),
    headers.map(fit).join("  "),
    widths.map((w) => "─".repeat(w)).join("  "),
    ...cells.map((row) => row.map(fit).join("  ")),
  ];
  if (records.length > shown.length) {
    lines.push(`… ${records.length - shown.length} more rows (${records.length} in all)`);
  }
  if (options.footer) lines.push(options.footer);
  return lines.join("\n");
}

/** The table as inline-styled HTML. */
export function tableHtml(
  records: readonly Record<string, unknown>[],
  options: TableOptions = {},
): string {
  const columns = options.columns ?? inferColumns(records);
  const maxRows = options.maxRows ?? 50;
  const shown = records.slice(0, maxRows);
  const numeric = columns.map((column) => isNumericColumn(shown, column));
  const cell = "padding: 3px 8px; border-bottom: 1px solid #f3f4f6;";
  const head = columns.map((column, i) =>
    html`
      <th
        style="${cell} border-bottom: 1px solid #d1d5db; text-align: ${numeric[i]
          ? "right"
          : "left"}; font-weight: 600;">${header(column)}</th>
    `
  );
  const body = shown.map((record) =>
    html`<tr>${
      columns.map((column, i) => {
        const value = record[column.id];
        const full = typeof value === "number" ? String(value) : "";
        return html`
          <td style="${cell} text-align: ${numeric[i] ? "right" : "left"}; ${numeric[i]
            ? "font-variant-numeric: tabular-nums;"
            : ""}" ${full
            ? html`
              title="${full}"
            `
            : ""}>${formatCell(value, column)}</td>
        `;
      })
    }</tr>`
  );
  const more = records.length > shown.length
    ? html`<div style="color: #6b7280; margin-top: 4px;">Showing ${shown.length} of ${records.length} rows.</div>`
    : "";
  return html`
    <div
      style="font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; font-size: 13px; overflow-x: auto;">${options
          .title
        ? html`<div style="font-weight: 600; margin-bottom: 4px;">${options.title}</div>`
        : ""}<table style="border-collapse: collapse;"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}${options
          .footer
        ? html`<div style="color: #6b7280; margin-top: 4px;">${options.footer}</div>`
        : ""}</div>
  `.value;
}

/** The table bundle. */
export function renderTable(
  records: readonly Record<string, unknown>[],
  options: TableOptions = {},
): MimeBundle {
  return { "text/plain": tableText(records, options), "text/html": tableHtml(records, options) };
}
