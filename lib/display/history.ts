/**
 * The job history as the web app's jobs page shows it — name, status, duration, tool,
 * credits and creation time, newest first — for all tools or one tool, with counts per state
 * and the credits spent above it, and each failure's message under its job.
 *
 * @example
 * ```ts
 * import { renderJobHistory } from "./history.ts";
 * const bundle = renderJobHistory([], { title: "Jobs of protein-properties" });
 * console.log(bundle["text/plain"]);
 * ```
 * @module
 */
import { cssColor, html } from "./_html.ts";
import { THEME, themedStatusColor, tint } from "./_theme.ts";
import type { MimeBundle } from "./_jupyter.ts";
import {
  elapsedSeconds,
  formatCredits,
  formatDuration,
  type ProgressState,
  statusStyle,
} from "./progress.ts";
import { summarizeJobs } from "./multi_progress.ts";

/** Options of {@linkcode renderJobHistory}. */
export interface HistoryOptions {
  /** Heading. Default "Jobs". */
  title?: string;
  /** Most rows shown. Default 200. */
  maxRows?: number;
  /** The time running durations count to (ms since epoch). Default: now. */
  now?: number;
}

/** How long a job ran (or has been running, marked with "…"). */
export function jobDuration(job: ProgressState, now = Date.now()): string {
  if (job.execution_time_seconds !== null && job.execution_time_seconds !== undefined) {
    return formatDuration(job.execution_time_seconds);
  }
  if (job.started_at) {
    const end = job.completed_at ? Date.parse(job.completed_at) : now;
    const seconds = Math.max(0, (end - Date.parse(job.started_at)) / 1000);
    return `${formatDuration(seconds)}${job.completed_at ? "" : " …"}`;
  }
  if (job.completed_at) return formatDuration(elapsedSeconds(job, now));
  return "–";
}

function created(job: ProgressState): string {
  return job.created_at.replace("T", " ").slice(0, 16);
}

function headline(jobs: readonly ProgressState[], options: HistoryOptions): string {
  const summary = summarizeJobs(jobs);
  const counts = summary.counts.map((entry) => `${entry.count} ${entry.label.toLowerCase()}`);
  return `${options.title ?? "Jobs"} (${jobs.length})${
    counts.length ? ` · ${counts.join(", ")}` : ""
  }${summary.credits ? ` · ${formatCredits(summary.credits)}` : ""}`;
}

/** The history as text. */
export function historyText(jobs: readonly ProgressState[], options: HistoryOptions = {}): string {
  const shown = jobs.slice(0, options.maxRows ?? 200);
  const header = ["Name", "Status", "Duration", "Tool", "Credits", "Created (UTC)", "Id"];
  const cells = shown.map((job) => [
    job.name,
    statusStyle(job.status).label,
    jobDuration(job, options.now),
    job.tool,
    String(job.credits_used ?? 0),
    created(job),
    job.id,
  ]);
  const widths = header.map((h, i) =>
    Math.min(40, Math.max(h.length, ...cells.map((c) => c[i].length)))
  );
  const fit = (text: string, i: number) =>
    (text.length > widths[i] ? `${text.slice(0, widths[i] - 1)}…` : text).padEnd(widths[i]);
  const lines = [headline(jobs, options), header.map(fit).join("  ")];
  shown.forEach((job, index) => {
    lines.push(cells[index].map(fit).join("  "));
    if (job.error) lines.push(`    error: ${job.error}`);
  });
  if (jobs.length > shown.length) lines.push(`… ${jobs.length - shown.length} more jobs`);
  return lines.join("\n");
}

/** The history as inline-styled HTML (theme colours; a plain table when styles are stripped). */
export function historyHtml(jobs: readonly ProgressState[], options: HistoryOptions = {}): string {
  const shown = jobs.slice(0, options.maxRows ?? 200);
  const cell =
    `padding: 3px 8px; border-bottom: 1px solid ${THEME.border}; text-align: left; vertical-align: top;`;
  const right = `${cell} text-align: right; white-space: nowrap;`;
  const rows = shown.map((job) => {
    const style = statusStyle(job.status);
    // A failure's message gets a row of its own, so the Name column keeps its width.
    const error = job.error
      ? html`
        <tr>
          <td colspan="6"
            style="${cell} padding-left: 20px; background-color: ${THEME
              .errorBackground}; font-size: 12px; white-space: pre-wrap;"><b>Error:</b> ${job.error
                .length > 300
              ? `${job.error.slice(0, 299)}…`
              : job.error}</td>
        </tr>
      `
      : "";
    return html`
      <tr>
        <td style="${cell} max-width: 320px;${job.error ? " border-bottom: none;" : ""}"
          title="${job.id}">${job.name}</td>
        <td style="${cell} font-weight: 600; white-space: nowrap;" title="${style.hint}"><span
                  style="padding: 0 6px; border-radius: 4px; background-color: ${tint(
                    themedStatusColor(cssColor(style.color)),
                  )};">${style.symbol} ${style.label}</span></td>
        <td style="${right}">${jobDuration(job, options.now)}</td>
        <td style="${cell} white-space: nowrap;">${job.tool}</td>
        <td style="${right}">${job.credits_used ?? 0}</td>
        <td style="${cell} color: ${THEME.muted}; white-space: nowrap;">${created(job)}</td>
      </tr>${error}
    `;
  });
  const head = ["Name", "Status", "Duration", "Tool", "Credits", "Created (UTC)"].map((h, i) =>
    html`<th style="${
      i === 2 || i === 4 ? right : cell
    } border-bottom: 1px solid ${THEME.muted}; font-weight: 600;">${h}</th>`
  );
  const more = jobs.length > shown.length
    ? html`<div style="color: ${THEME.muted}; margin-top: 4px;">… ${
      jobs.length - shown.length
    } more jobs not shown.</div>`
    : "";
  return html`
    <div
      style="font-family: ${THEME.font}; font-size: 13px; color: ${THEME
        .text}; overflow-x: auto; text-align: left;"><div style="font-weight: 600; margin-bottom: 4px;">${headline(
          jobs,
          options,
        )}</div><table style="border-collapse: collapse;"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>${more}</div>
  `
    .value;
}

/**
 * The history bundle.
 *
 * @example
 * ```ts
 * import { renderJobHistory } from "../../mod.ts";
 *
 * const bundle = renderJobHistory([
 *   {
 *     id: "job_2", name: "TM scan", tool: "hydropathy-profile", status: "FAILED", progress: 20,
 *     created_at: "2024-06-01T09:05:00Z", completed_at: "2024-06-01T09:05:02Z",
 *     error: "no sequences found",
 *   },
 *   {
 *     id: "job_1", name: "Lysozyme", tool: "protein-properties", status: "COMPLETED",
 *     progress: 100, credits_used: 2,
 *     created_at: "2024-06-01T09:00:00Z", completed_at: "2024-06-01T09:00:04Z",
 *   },
 * ], { title: "Today's jobs" });
 * console.log(bundle["text/plain"]);
 * ```
 */
export function renderJobHistory(
  jobs: readonly ProgressState[],
  options: HistoryOptions = {},
): MimeBundle {
  return { "text/plain": historyText(jobs, options), "text/html": historyHtml(jobs, options) };
}
