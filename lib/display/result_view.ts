/**
 * How a job's result looks in a notebook: its records as a table (columns from the tool's
 * output fields), a short description of any other structured output (series, matrices,
 * objects), and the result files with their sizes.
 *
 * @example
 * ```ts
 * import { renderResultView } from "./result_view.ts";
 * const bundle = renderResultView({
 *   title: "demo — protein-properties · COMPLETED", records: [{ id: "a", length: 10 }],
 *   results: { records: [{ id: "a", length: 10 }] }, files: [],
 * });
 * console.log(bundle["text/plain"]);
 * ```
 * @module
 */
import { html, raw, type SafeHtml } from "./_html.ts";
import { THEME } from "./_theme.ts";
import type { MimeBundle } from "./_jupyter.ts";
import { type Column, tableHtml, tableText } from "./table.ts";

/** What {@linkcode renderResultView} shows. */
export interface ResultView {
  title: string;
  records: readonly Record<string, unknown>[];
  columns?: Column[];
  /** The whole `results` object; keys other than `records` are described under the table. */
  results: Record<string, unknown>;
  files: readonly { name: string; content_type: string; size_bytes?: number }[];
  /** How to get every row when the table is cut. */
  moreHint?: string;
  /** Most rows shown. Default 50. */
  maxRows?: number;
}

/** `12 B`, `3.4 KB`, `1.2 MB`. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return "";
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} KB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/** A few words about a value of the structured output. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(Array.isArray)) {
      return `${value.length}×${(value[0] as unknown[]).length} matrix`;
    }
    if (value.length > 0 && value.every((item) => typeof item === "number")) {
      const numbers = value as number[];
      const min = Math.min(...numbers.slice(0, 100_000));
      const max = Math.max(...numbers.slice(0, 100_000));
      return `${value.length} numbers (${Number(min.toPrecision(4))} … ${
        Number(max.toPrecision(4))
      })`;
    }
    const first = value[0];
    if (first && typeof first === "object" && !Array.isArray(first)) {
      const keys = Object.keys(first).slice(0, 8);
      return `${value.length} items with ${keys.join(", ")}${
        Object.keys(first).length > 8 ? ", …" : ""
      }`;
    }
    return `${value.length} items`;
  }
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return `object with ${keys.slice(0, 8).join(", ")}${keys.length > 8 ? ", …" : ""}`;
  }
  const text = String(value);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

function extras(results: Record<string, unknown>): [string, string][] {
  return Object.entries(results).filter(([key]) => key !== "records").map((
    [key, value],
  ) => [key, describeValue(value)]);
}

/** The result as text. */
export function resultViewText(view: ResultView): string {
  const lines = [
    view.records.length > 0 || extras(view.results).length === 0
      ? tableText(view.records, {
        columns: view.columns,
        title: view.title,
        maxRows: Math.min(view.maxRows ?? 50, 20),
        moreHint: view.moreHint,
      })
      : view.title,
  ];
  for (const [key, description] of extras(view.results)) {
    lines.push(`results.${key}: ${description}`);
  }
  if (view.files.length > 0) {
    lines.push(
      `Files: ${
        view.files.map((file) =>
          `${file.name} (${
            [file.content_type, formatBytes(file.size_bytes)].filter(Boolean).join(", ")
          })`
        ).join(", ")
      } — result.download(name) saves one to disk.`,
    );
  }
  return lines.join("\n");
}

/** The result as inline-styled HTML. */
export function resultViewHtml(view: ResultView): string {
  const more = extras(view.results);
  const table: SafeHtml = view.records.length > 0 || more.length === 0
    ? raw(tableHtml(view.records, {
      columns: view.columns,
      title: view.title,
      maxRows: view.maxRows,
      moreHint: view.moreHint,
    }))
    : html`<div style="font-weight: 600; margin-bottom: 4px;">${view.title}</div>`;
  const extraList = more.length > 0
    ? html`<div style="margin-top: 6px;">${
      more.map(([key, description]) =>
        html`<div><code style="background-color: ${THEME.track}; color: ${THEME.text}; padding: 0 4px; border-radius: 3px;">results.${key}</code> <span style="color: ${THEME.muted};">— ${description}</span></div>`
      )
    }</div>`
    : "";
  const files = view.files.length > 0
    ? html`
      <div
        style="margin-top: 6px;">Files: ${view.files.map((file, i) =>
          html`
            ${i > 0 ? ", " : ""}<code
              style="background-color: ${THEME.track}; color: ${THEME
                .text}; padding: 0 4px; border-radius: 3px;">${file
                .name}</code> <span
              style="color: ${THEME.muted};">(${[file.content_type, formatBytes(file.size_bytes)]
                .filter(
                  Boolean,
                ).join(", ")})</span>
          `
        )} <span style="color: ${THEME
          .muted};">— <code>result.download(name)</code> saves one to disk.</span></div>
    `
    : "";
  return html`
    <div
      style="font-family: ${THEME.font}; font-size: 13px; color: ${THEME
        .text}; text-align: left;">${table}${extraList}${files}</div>
  `
    .value;
}

/** The result's MIME bundle. */
export function renderResultView(view: ResultView): MimeBundle {
  return { "text/plain": resultViewText(view), "text/html": resultViewHtml(view) };
}
