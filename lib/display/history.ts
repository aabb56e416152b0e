/**
 * The job history as the web app's jobs page shows it: name, status, duration, tool,
 * credits and creation time, newest first.
 *
 * @example
 * ```ts
 * import { renderJobHistory } from "./history.ts";
 * const bundle = renderJobHistory([]);
 * console.log(bundle["text/plain"]);
 * ```
 * @module
 */
import { html } from "./_html.ts";
import type { MimeBundle } from "./_jupyter.ts";
import { elapsedSeconds, formatDuration, type ProgressState, statusStyle } from "./progress.ts";

/** Options of {@linkcode renderJobHistory}. */
export interface HistoryOptions {
  title?: string;
}

function row(job: ProgressState) {
  return {
    name: job.name,
    status: statusStyle(job.status).label,
    duration: job.completed_at || job.started_at ? formatDuration(elapsedSeconds(job)) : "–",
    tool: job.tool,
    credits: job.credits_used ?? 0,
    created: job.created_at.replace("T", " ").slice(0, 19),
    id: job.id,
  };
}

/** The history as text. */
export function historyText(jobs: readonly ProgressState[], options: HistoryOptions = {}): string {
  const rows = jobs.map(row);
  const header = ["Name", "Status", "Duration", "Tool", "Credits", "Created (UTC)", "Id"];
  const cells = rows.map((
    r,
  ) => [r.name, r.status, r.duration, r.tool, String(r.credits), r.created, r.id]);
  const widths = header.map((h, i) =>
    Math.min(40, Math.max(h.length, ...cells.map((c) => c[i].length)))
  );
  const fit = (text: string, i: number) =>
    (text.length > widths[i] ? `${text.slice(0, widths[i] - 1)}…` : text).padEnd(widths[i]);
  return [
    `${options.title ?? "Jobs"} (${jobs.length})`,
    header.map(fit).join("  "),
    ...cells.map((c) => c.map(fit).join("  ")),
  ].join("\n");
}

/** The history as HTML. */
export function historyHtml(jobs: readonly ProgressState[], options: HistoryOptions = {}): string {
  const cell = "padding: 3px 8px; border-bottom: 1px solid #f3f4f6; text-align: left;";
  const rows = jobs.map((job) => {
    const r = row(job);
    const style = statusStyle(job.status);
    return html`
      <tr>
        <td style="${cell}" title="${job.id}">${r.name}</td>
        <td style="${cell} color: ${style.color}; font-weight: 600;"
          title="${job.error ?? style.hint}">${style.symbol} ${r.status}</td>
        <td style="${cell} text-align: right;">${r.duration}</td>
        <td style="${cell}">${r.tool}</td>
        <td style="${cell} text-align: right;">${r.credits}</td>
        <td style="${cell} color: #6b7280;">${r.created}</td>
      </tr>
    `;
  });
  const head = ["Name", "Status", "Duration", "Tool", "Credits", "Created (UTC)"].map((h) =>
    html`<th style="${cell} border-bottom: 1px solid #d1d5db;">${h}</th>`
  );
  return html`
    <div
      style="font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; font-size: 13px; overflow-x: auto;">
      <div style="font-weight: 600; margin-bottom: 4px;">${options.title ?? "Jobs"} (${jobs
        .length})</div>
      <table style="border-collapse: collapse;">
        <thead>
          <tr>${head}</tr>
        </thead>
        <tbody>${rows}</tbody>
      </table>
    </div>
  `
    .value;
}

/** The history bundle. */
export function renderJobHistory(
  jobs: readonly ProgressState[],
  options: HistoryOptions = {},
): MimeBundle {
  return { "text/plain": historyText(jobs, options), "text/html": historyHtml(jobs, options) };
}
