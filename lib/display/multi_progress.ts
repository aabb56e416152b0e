/**
 * Many jobs at once: one compact live table with a bar per job, counts per state, credits and
 * an overall bar — updated in place like the single-job display (≤ 10 updates a second, the
 * final state always shown). It reads any job shape with `id`, `status` and optionally
 * `name`, `progress`, `credits_used`, `created_at`, `completed_at` and `error`/`error_message`,
 * and maps statuses through a pluggable style function, so a second vendor's lowercase
 * `pending/running/completed/failed` work as well as ProteinIQ's eight states.
 *
 * Plain HTML with inline styles in the front end's theme colours; in untrusted notebooks,
 * nbviewer and GitHub it degrades to a table with native `<progress>` bars (see `_theme.ts`).
 *
 * @example
 * ```ts
 * import { MultiJobProgress } from "./multi_progress.ts";
 * const board = new MultiJobProgress({ title: "Batch", write: () => {} });
 * board.update([
 *   { id: "j1", name: "a", status: "PROCESSING", progress: 40 },
 *   { id: "j2", name: "b", status: "QUEUED", progress: 0 },
 * ]);
 * await board.finish([
 *   { id: "j1", name: "a", status: "COMPLETED", progress: 100 },
 *   { id: "j2", name: "b", status: "FAILED", progress: 10, error: "bad input" },
 * ]);
 * ```
 * @module
 */
import { cssColor, html, type SafeHtml } from "./_html.ts";
import { $display, cellOutput, type MimeBundle } from "./_jupyter.ts";
import { type LiveOptions, LiveOutput } from "./_live.ts";
import { THEME, themedStatusColor, tint } from "./_theme.ts";
import {
  elapsedSeconds,
  formatCredits,
  formatDuration,
  htmlBar,
  paceOf,
  paceText,
  percentOf,
  phaseOf,
  type StatusPhase,
  type StatusStyle,
  statusStyle,
  type StatusStyleFn,
  textBar,
} from "./progress.ts";

/** The job fields the board reads; anything else is ignored. */
export interface MultiJobState {
  /** Job id. */
  id: string;
  /** Job name, shown on its row (else the job type, tool or id). */
  name?: string | null;
  /** Status as the API spells it; the board's `style` gives its label, colour and phase. */
  status: string;
  /** Progress in percent, 0–100, when the API reports it. */
  progress?: number | null;
  /** Credits used, summed in the board's total. */
  credits_used?: number | null;
  /** When the job was created (ISO-8601). */
  created_at?: string | null;
  /** When it started running (ISO-8601). */
  started_at?: string | null;
  /** When it ended (ISO-8601). */
  completed_at?: string | null;
  /** Why it failed, shown on its row. */
  error?: string | null;
  /** The pipeline vendor's spelling of `error`. */
  error_message?: string | null;
  /** The tool that runs the job, used as a name when there is none. */
  tool?: string | null;
  /** The pipeline vendor's kind of job, used as a name when there is none. */
  job_type?: string | null;
}

/** Options of {@linkcode MultiJobProgress} and {@linkcode renderMultiJobProgress}. */
export interface MultiJobProgressOptions extends LiveOptions {
  /** Heading of the board. Default "Jobs". */
  title?: string;
  /** Look of a status. Default: ProteinIQ's ({@linkcode statusStyle}). */
  style?: StatusStyleFn;
  /** Most job rows shown; the rest are counted. Running and failed jobs are shown first. Default 25. */
  maxRows?: number;
  /** How many jobs the batch will have, when more are still to be submitted. */
  expected?: number;
  /** When the batch started (ms since epoch), for the overall elapsed time. Default: now. */
  startedAt?: number;
}

const PHASE_ORDER: readonly StatusPhase[] = [
  "running",
  "failed",
  "waiting",
  "stopped",
  "succeeded",
];

/** Counts and totals of a set of jobs. */
export interface BoardSummary {
  /** Jobs on the board, or the expected count when more are still to come. */
  total: number;
  /** Jobs in a terminal status. */
  finished: number;
  /** Mean bar fill, 0–100. */
  percent: number;
  /** Credits used by all jobs together. */
  credits: number;
  /** One entry per distinct status label, in life order (running, failed, waiting, …). */
  counts: { label: string; count: number; style: StatusStyle; phase: StatusPhase }[];
  /** Fill of the overall bar per status label (percent of the whole bar). */
  segments: { label: string; percent: number; color: string }[];
}

/**
 * Summarise jobs for the board's header.
 *
 * @example
 * ```ts
 * import { summarizeJobs } from "../../mod.ts";
 *
 * const summary = summarizeJobs([
 *   { id: "j1", status: "COMPLETED", credits_used: 2 },
 *   { id: "j2", status: "PROCESSING", progress: 50 },
 *   { id: "j3", status: "FAILED", error: "no sequences found" },
 * ]);
 * console.log(summary.finished, summary.total, summary.credits); // 2 3 2
 * ```
 */
export function summarizeJobs(
  jobs: readonly MultiJobState[],
  style: StatusStyleFn = statusStyle,
  expected?: number,
): BoardSummary {
  const total = Math.max(jobs.length, expected ?? 0);
  const counts = new Map<string, BoardSummary["counts"][number]>();
  const segments = new Map<string, { label: string; percent: number; color: string }>();
  let finished = 0;
  let fill = 0;
  let credits = 0;
  for (const job of jobs) {
    const look = style(job.status);
    const phase = phaseOf(look);
    if (look.terminal) finished++;
    const percent = percentOf(job, look);
    fill += percent;
    credits += Number.isFinite(job.credits_used) ? Number(job.credits_used) : 0;
    const entry = counts.get(look.label) ?? { label: look.label, count: 0, style: look, phase };
    entry.count++;
    counts.set(look.label, entry);
    const segment = segments.get(look.label) ??
      { label: look.label, percent: 0, color: themedStatusColor(cssColor(look.color)) };
    segment.percent += total > 0 ? percent / total : 0;
    segments.set(look.label, segment);
  }
  const order = (phase: StatusPhase) => PHASE_ORDER.indexOf(phase);
  const sortedCounts = [...counts.values()].sort((a, b) => order(a.phase) - order(b.phase));
  // Finished work first in the bar, so it grows from the left like a single bar.
  const barOrder: StatusPhase[] = ["succeeded", "failed", "stopped", "running", "waiting"];
  const sortedSegments = [...segments.values()].sort((a, b) =>
    barOrder.indexOf(counts.get(a.label)!.phase) - barOrder.indexOf(counts.get(b.label)!.phase)
  );
  return {
    total,
    finished,
    percent: total > 0 ? fill / total : 0,
    credits,
    counts: sortedCounts,
    segments: sortedSegments,
  };
}

function nameOf(job: MultiJobState): string {
  return job.name || job.job_type || job.tool || job.id;
}

function errorOf(job: MultiJobState): string {
  return job.error || job.error_message || "";
}

function pickRows(
  jobs: readonly MultiJobState[],
  style: StatusStyleFn,
  maxRows: number,
): MultiJobState[] {
  if (jobs.length <= maxRows) return [...jobs];
  const ranked = jobs.map((job, index) => ({
    job,
    index,
    rank: PHASE_ORDER.indexOf(phaseOf(style(job.status))),
  }));
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.slice(0, maxRows).sort((a, b) => a.index - b.index).map((entry) => entry.job);
}

function countsText(summary: BoardSummary): string {
  return summary.counts.map((entry) => `${entry.count} ${entry.label.toLowerCase()}`).join(", ");
}

/**
 * The board's pace as tqdm shows it: `[00:05<00:11, 2.3 jobs/s]` (after `12/40 finished`). Time left comes from
 * the overall bar (so it is known before the first job ends); the rate counts finished jobs.
 *
 * @example
 * ```ts
 * import { boardPaceText, summarizeJobs } from "./multi_progress.ts";
 * const summary = summarizeJobs([
 *   { id: "a", status: "COMPLETED", progress: 100 },
 *   { id: "b", status: "PROCESSING", progress: 0 },
 * ]);
 * boardPaceText(summary, 10); // "[00:10<00:10, 10.0 s/job]"
 * ```
 */
export function boardPaceText(summary: BoardSummary, seconds: number): string {
  if (!Number.isFinite(seconds)) return "";
  const finished = summary.total > 0 && summary.finished >= summary.total;
  const pace = paceOf(summary.percent / 100, seconds, finished);
  const jobsPerSecond = seconds > 0 && summary.finished > 0 ? summary.finished / seconds : NaN;
  const text = paceText(
    { ...pace, rate: summary.total > 0 ? jobsPerSecond / summary.total : NaN },
    { unit: "jobs", total: summary.total, finished },
  );
  return text;
}

/** The board's one-line text summary. */
export function multiProgressLine(
  jobs: readonly MultiJobState[],
  options: MultiJobProgressOptions = {},
  now: number = Date.now(),
): string {
  const summary = summarizeJobs(jobs, options.style, options.expected);
  const seconds = options.startedAt ? (now - options.startedAt) / 1000 : NaN;
  const parts = [
    `${options.title ?? "Jobs"}: ${textBar(summary.percent)} ${Math.round(summary.percent)}%`,
    `${summary.finished}/${summary.total} finished ${boardPaceText(summary, seconds)}`.trim(),
    countsText(summary),
    formatCredits(summary.credits),
  ];
  return parts.filter(Boolean).join(" · ");
}

/** The board as text: the summary line and one line per job. */
export function multiProgressText(
  jobs: readonly MultiJobState[],
  options: MultiJobProgressOptions = {},
  now: number = Date.now(),
): string {
  const style = options.style ?? statusStyle;
  const rows = pickRows(jobs, style, options.maxRows ?? 25);
  const width = Math.min(32, Math.max(4, ...rows.map((job) => nameOf(job).length)));
  const lines = [multiProgressLine(jobs, options, now)];
  for (const job of rows) {
    const look = style(job.status);
    const percent = percentOf(job, look);
    const name = nameOf(job);
    const fitted = name.length > width ? `${name.slice(0, width - 1)}…` : name.padEnd(width);
    const elapsed = elapsedSeconds(job, now);
    lines.push(
      [
        `  ${look.symbol} ${fitted}`,
        look.label.padEnd(15),
        `${textBar(percent, 12)} ${String(Math.round(percent)).padStart(3)}%`,
        Number.isNaN(elapsed) ? "" : formatDuration(elapsed),
        formatCredits(job.credits_used),
      ].filter(Boolean).join("  "),
    );
    if (errorOf(job)) lines.push(`      error: ${errorOf(job)}`);
  }
  if (jobs.length > rows.length) {
    lines.push(`  … ${jobs.length - rows.length} more jobs not listed`);
  }
  return lines.join("\n");
}

/**
 * The overall bar (a native `<progress>`, see {@linkcode htmlBar}): the theme's error colour
 * once a job failed, success when all are done, else the running colour.
 */
function overallBar(summary: BoardSummary): SafeHtml {
  const failed = summary.counts.some((entry) => entry.phase === "failed");
  const done = summary.total > 0 && summary.finished >= summary.total;
  const color = failed ? THEME.error : done ? THEME.success : THEME.info;
  return htmlBar(summary.percent, color, { height: 12 });
}

/** The board as inline-styled HTML. */
export function multiProgressHtml(
  jobs: readonly MultiJobState[],
  options: MultiJobProgressOptions = {},
  now: number = Date.now(),
): string {
  const style = options.style ?? statusStyle;
  const summary = summarizeJobs(jobs, style, options.expected);
  const rows = pickRows(jobs, style, options.maxRows ?? 25);
  const line = `border-bottom: 1px solid ${THEME.border};`;
  const cell = `padding: 2px 8px; ${line} text-align: left; vertical-align: top;`;
  const num =
    `padding: 2px 8px; ${line} text-align: right; vertical-align: top; white-space: nowrap;`;
  // Chips are separated by text so they stay apart when the styles are stripped.
  const chips = summary.counts.map((entry, index) =>
    html`
      ${index > 0 ? " · " : ""}<span title="${entry.style.hint}"
        style="white-space: nowrap;"><span style="display: inline-block; width: 9px; height: 9px; border-radius: 2px; background-color: ${themedStatusColor(
          cssColor(entry.style.color),
        )};"></span> <b>${entry.count}</b> ${entry.label.toLowerCase()}</span>
    `
  );
  const body = rows.map((job) => {
    const look = style(job.status);
    const color = themedStatusColor(cssColor(look.color));
    const percent = percentOf(job, look);
    const error = errorOf(job);
    const elapsed = elapsedSeconds(job, now);
    // The error gets a row of its own across the table, so the Job column keeps its width.
    const errorRow = error
      ? html`
        <tr>
          <td colspan="6"
            style="${cell} padding-left: 20px; color: ${THEME.text}; background-color: ${THEME
              .errorBackground}; font-size: 12px; white-space: pre-wrap;"><b>Error:</b> ${error
                .length > 300
              ? `${error.slice(0, 299)}…`
              : error}</td>
        </tr>
      `
      : "";
    return html`
      <tr>
        <td style="${cell} ${error ? "border-bottom: none;" : ""}" title="${job.id}">${nameOf(
          job,
        )}</td>
        <td style="${cell} font-weight: 600; white-space: nowrap;" title="${look.hint}"><span
                  style="padding: 0 6px; border-radius: 4px; background-color: ${tint(
                    color,
                  )};">${look.symbol} ${look.label}</span></td>
        <td style="${cell} width: 140px; min-width: 100px; padding-top: 6px;">${htmlBar(
          percent,
          color,
          { height: 8 },
        )}</td>
        <td style="${num}">${Math.round(percent)}%</td>
        <td style="${num}">${Number.isNaN(elapsed) ? "" : formatDuration(elapsed)}</td>
        <td style="${num}">${Number.isFinite(job.credits_used)
          ? String(Number(Number(job.credits_used).toFixed(4)))
          : ""}</td>
      </tr>${errorRow}
    `;
  });
  const hidden = jobs.length - rows.length;
  const head = ["Job", "Status", "Progress", "%", "Elapsed", "Credits"].map((label, i) =>
    html`<th style="${
      i >= 3 ? num : cell
    } border-bottom: 1px solid ${THEME.muted}; font-weight: 600;">${label}</th>`
  );
  const pending = summary.total - jobs.length;
  const seconds = options.startedAt ? (now - options.startedAt) / 1000 : NaN;
  const totals = [
    `${summary.finished}/${summary.total} finished`,
    `${Math.round(summary.percent)}%`,
    boardPaceText(summary, seconds),
    summary.credits ? formatCredits(summary.credits) : "",
  ].filter(Boolean).join(" · ");
  return html`
    <div
      style="font-family: ${THEME.font}; font-size: 13px; max-width: 760px; color: ${THEME
        .text}; border: 1px solid ${THEME
        .border}; border-radius: 6px; padding: 8px 10px; line-height: 1.4; text-align: left;">
        <div style="margin-bottom: 4px;"><b>${options.title ?? "Jobs"}</b> — <span
            style="white-space: nowrap;">${totals}</span></div>
        ${overallBar(summary)}
        <div style="margin: 6px 0;">${chips}${pending > 0
          ? html`${
            summary.counts.length > 0 ? " · " : ""
          }<span style="color: ${THEME.muted};">${pending} not submitted yet</span>`
          : ""}</div>
        <table style="border-collapse: collapse; width: 100%;"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${hidden >
            0
          ? html`
            <div
              style="color: ${THEME.muted}; margin-top: 4px;">… ${hidden} more job${hidden === 1
                ? ""
                : "s"} not listed (running and failed jobs are listed first).</div>
          `
          : ""}
        </div>
  `.value;
}

/**
 * The board's MIME bundle for a set of jobs.
 *
 * @example
 * ```ts
 * import { pipelineStatusStyle, renderMultiJobProgress } from "../../mod.ts";
 *
 * const bundle = renderMultiJobProgress([
 *   { id: "d1", job_type: "humanization", status: "completed" },
 *   { id: "d2", job_type: "structure", status: "running" },
 * ], { title: "trastuzumab VH", style: pipelineStatusStyle });
 * console.log(bundle["text/plain"]);
 * ```
 */
export function renderMultiJobProgress(
  jobs: readonly MultiJobState[],
  options: MultiJobProgressOptions = {},
  now: number = Date.now(),
): MimeBundle {
  return {
    "text/plain": multiProgressText(jobs, options, now),
    "text/html": multiProgressHtml(jobs, options, now),
  };
}

/**
 * A live board of many jobs. Give it job snapshots as they change (one job or many; they
 * are matched by `id`), then `finish()` when the batch is over.
 *
 * @example
 * ```ts
 * import { MultiJobProgress, pipelineStatusStyle } from "../../mod.ts";
 * const board = new MultiJobProgress({ title: "Pipeline", style: pipelineStatusStyle, write: () => {} });
 * board.update({ id: "d1", job_type: "structure", status: "running" });
 * await board.finish({ id: "d1", job_type: "structure", status: "completed" });
 * ```
 */
export class MultiJobProgress {
  readonly #jobs = new Map<string, MultiJobState>();
  readonly #options: MultiJobProgressOptions & { startedAt: number };
  readonly #output: LiveOutput<Map<string, MultiJobState>>;

  /** A board; nothing shows until the first {@linkcode MultiJobProgress.update}. */
  constructor(options: MultiJobProgressOptions = {}) {
    this.#options = { ...options, startedAt: options.startedAt ?? Date.now() };
    const style = options.style ?? statusStyle;
    this.#output = new LiveOutput<Map<string, MultiJobState>>({
      bundle: (jobs, now) => renderMultiJobProgress([...jobs.values()], this.#options, now),
      terminal: (jobs) =>
        jobs.size > 0 && jobs.size >= (options.expected ?? 0) &&
        [...jobs.values()].every((job) => style(job.status).terminal),
      line: (jobs, now) => multiProgressLine([...jobs.values()], this.#options, now),
      changeKey: (jobs) => countsText(summarizeJobs([...jobs.values()], style, options.expected)),
      final: (jobs, now) => multiProgressText([...jobs.values()], this.#options, now),
    }, options);
  }

  /** The display id of the output. */
  get displayId(): string {
    return this.#output.displayId;
  }

  /** Updates actually sent. */
  get sent(): number {
    return this.#output.sent;
  }

  /** The jobs on the board, in the order they first appeared. */
  get jobs(): MultiJobState[] {
    return [...this.#jobs.values()];
  }

  /** Counts and totals of the board's jobs. */
  summary(): BoardSummary {
    return summarizeJobs(this.jobs, this.#options.style, this.#options.expected);
  }

  /** Add or replace jobs (matched by `id`) and refresh the board (throttled). */
  update(jobs: MultiJobState | Iterable<MultiJobState>): void {
    this.#merge(jobs);
    this.#output.update(this.#jobs);
  }

  /** Show the final board, then let the output leave the kernel before returning. */
  async finish(jobs?: MultiJobState | Iterable<MultiJobState>): Promise<void> {
    if (jobs !== undefined) this.update(jobs);
    await this.#output.finish();
  }

  /** Jupyter display: the board as it is now. */
  [$display](): MimeBundle | Promise<MimeBundle> {
    return cellOutput(renderMultiJobProgress(this.jobs, this.#options));
  }

  #merge(jobs: MultiJobState | Iterable<MultiJobState>): void {
    const list = isJob(jobs) ? [jobs] : jobs;
    for (const job of list) {
      // Handles (e.g. Job) expose their fields as own properties; copy them as a snapshot.
      this.#jobs.set(job.id, { ...job });
    }
  }
}

function isJob(value: MultiJobState | Iterable<MultiJobState>): value is MultiJobState {
  return typeof (value as MultiJobState).id === "string" &&
    typeof (value as MultiJobState).status === "string";
}
