/**
 * Exports of a result, as the web app's job menu offers them: CSV with columns built from the
 * tool's output fields, and JSON wrapped in an envelope with the job name, tool, settings and
 * a timestamp.
 *
 * @example
 * ```ts
 * import { recordsToCSV } from "./export.ts";
 * recordsToCSV([{ id: "a", mass: 1234.5678 }], { columns: [{ id: "id" }, { id: "mass" }] });
 * // "id,mass\r\na,1234.5678\r\n"
 * ```
 * @module
 */
import { type Column, inferColumns } from "./table.ts";

/** Options of {@linkcode recordsToCSV}. */
export interface CsvOptions {
  /** Columns in order; default: the records' keys. Extra record keys are not exported. */
  columns?: readonly Column[];
  /** Header row: field ids (as the tool's own CSV files) or labels with units. Default "id". */
  header?: "id" | "label";
  /** Field separator. Default ",". */
  delimiter?: string;
  /**
   * Prefix text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR
   * at the start) with `'`. Numbers are never changed. Default true.
   */
  escapeFormulas?: boolean;
}

function headerOf(column: Column, mode: "id" | "label"): string {
  if (mode === "id") return column.id;
  const label = column.label ?? column.id;
  return column.unit ? `${label} (${column.unit})` : label;
}

/** One CSV field: RFC 4180 quoting, full-precision numbers, empty for null. */
export function csvField(value: unknown, options: CsvOptions = {}): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (typeof value === "number") text = Number.isFinite(value) ? String(value) : "";
  else if (typeof value === "string") {
    text = value;
    if ((options.escapeFormulas ?? true) && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  } else if (typeof value === "object") text = JSON.stringify(value);
  else text = String(value);
  const delimiter = options.delimiter ?? ",";
  return text.includes(delimiter) || /["\r\n]/.test(text) || text.trim() !== text
    ? `"${text.replaceAll('"', '""')}"`
    : text;
}

/**
 * Records as CSV text (CRLF line ends, a header row, one row per record).
 *
 * @example
 * ```ts
 * import { recordsToCSV } from "../../mod.ts";
 *
 * const csv = recordsToCSV([{ id: "lysozyme", molecular_weight: 14313.14, note: "=1+1" }], {
 *   columns: [{ id: "id" }, { id: "molecular_weight", label: "Mass", unit: "Da" }, { id: "note" }],
 *   header: "label",
 * });
 * // "id,Mass (Da),note\r\nlysozyme,14313.14,'=1+1\r\n": no spreadsheet runs the formula
 * ```
 */
export function recordsToCSV(
  records: readonly Record<string, unknown>[],
  options: CsvOptions = {},
): string {
  const columns = options.columns ?? inferColumns(records);
  const delimiter = options.delimiter ?? ",";
  const mode = options.header ?? "id";
  const lines = [
    columns.map((column) => csvField(headerOf(column, mode), options)).join(delimiter),
  ];
  for (const record of records) {
    lines.push(columns.map((column) => csvField(record[column.id], options)).join(delimiter));
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** The JSON export of a result. */
export interface ResultExport {
  /** Always `"job_result_export"`. */
  object: "job_result_export";
  /** When the export was made (ISO 8601). */
  exported_at: string;
  /** The job: id, name, status, timestamps and credits (null where unknown). */
  job: {
    id: string;
    name: string | null;
    status: string;
    created_at: string | null;
    completed_at: string | null;
    credits_used: number | null;
  };
  /** The tool: id, and name and version when its contract is known (else null). */
  tool: { id: string; name: string | null; version: string | null };
  /** The settings the job ran with (defaults filled in), or null when this client cannot know them. */
  settings: Record<string, unknown> | null;
  /** The output fields, in column order. */
  fields: { id: string; label: string; type: string; unit?: string }[];
  /** The structured output, exactly as the API returned it. */
  results: Record<string, unknown>;
  /** The result files (names and types; signed URLs expire, so they are left out). */
  files: { name: string; content_type: string; size_bytes?: number }[];
}
