/**
 * Job progress: a bundle for one job's state (status, bar, elapsed time, credits) and a live
 * display that updates in place in Jupyter — or a line in a terminal.
 *
 * The HTML is plain elements with inline styles (no `<style>`, `<script>` or `<svg>`); colours
 * follow the front end's theme, and an untrusted notebook (styles stripped by the sanitizer)
 * still shows a native `<progress>` bar with the job id and state as separate words
 * (see `_theme.ts`).
 *
 * @example
 * ```ts
 * import { renderJobProgress } from "./progress.ts";
 * const bundle = renderJobProgress({
 *   id: "job_1", name: "Lysozyme", tool: "protein-properties", status: "PROCESSING",
 *   progress: 40, credits_used: 1, created_at: new Date().toISOString(), started_at: null,
 *   completed_at: null, execution_time_seconds: null, error: null,
 * });
 * console.log(bundle["text/plain"]);
 * ```
 * @module
 */
import { cssColor, escapeHtml, html, type SafeHtml } from "./_html.ts";
import { isPaint, THEME, themedStatusColor, tint } from "./_theme.ts";
import type { MimeBundle } from "./_jupyter.ts";
import { type LiveOptions, LiveOutput } from "./_live.ts";

/** The job fields a progress display reads (ProteinIQ's job resource has them all). */
export interface ProgressState {
  /** Job id. */
  id: string;
  /** Job name, the card's heading. */
  name: string;
  /** The tool that runs the job. */
  tool: string;
  /** Status as the API spells it; {@linkcode statusStyle} gives its label and colour. */
  status: string;
  /** Progress in percent, 0–100; `null` when unknown (the bar is then empty until done). */
  progress: number | null;
  /** Credits used, shown when known. */
  credits_used?: number | null;
  /** When the job was created (ISO-8601): the start of the elapsed time. */
  created_at: string;
  /** When it started running (ISO-8601). */
  started_at?: string | null;
  /** When it ended (ISO-8601): the end of the elapsed time; still counting while null. */
  completed_at?: string | null;
  /** How long it ran, in seconds, shown when known. */
  execution_time_seconds?: number | null;
  /** Why it failed, shown under the bar. */
  error?: string | null;
}

/** Where a status sits in a job's life; drives counts, ordering and the overall bar. */
export type StatusPhase = "waiting" | "running" | "succeeded" | "failed" | "stopped";

/** How each status looks and reads. */
export interface StatusStyle {
  /** The word a person reads ("Processing"). */
  label: string;
  /** What the state means, in the web app's words. */
  hint: string;
  /** A CSS colour. */
  color: string;
  /** One character for text output. */
  symbol: string;
  /** Whether the job has ended. */
  terminal: boolean;
  /** Where the status sits in a job's life. Default: from `terminal`. */
  phase?: StatusPhase;
}

/** Maps a status (any vendor's spelling) to its look. */
export type StatusStyleFn = (status: string) => StatusStyle;

/**
 * Colour and wording of the eight job states and BUDGET_EXCEEDED.
 *
 * @example
 * ```ts
 * import { STATUS_STYLES } from "../../mod.ts";
 *
 * const { label, color, terminal } = STATUS_STYLES.TIMEOUT;
 * console.log(label, color, terminal); // Timeout #ea580c true
 * ```
 */
export const STATUS_STYLES: Record<string, StatusStyle> = {
  PENDING: {
    label: "Pending",
    hint: "created, waiting to start",
    color: "#6b7280",
    symbol: "…",
    terminal: false,
    phase: "waiting",
  },
  QUEUED: {
    label: "Queued",
    hint: "waiting for execution capacity",
    color: "#64748b",
    symbol: "…",
    terminal: false,
    phase: "waiting",
  },
  PROCESSING: {
    label: "Processing",
    hint: "the tool is running",
    color: "#2563eb",
    symbol: "▶",
    terminal: false,
    phase: "running",
  },
  RETRY: {
    label: "Retry",
    hint: "re-running after a transient failure",
    color: "#d97706",
    symbol: "↻",
    terminal: false,
    phase: "running",
  },
  COMPLETED: {
    label: "Completed",
    hint: "results are ready",
    color: "#16a34a",
    symbol: "✓",
    terminal: true,
    phase: "succeeded",
  },
  FAILED: {
    label: "Failed",
    hint: "the run hit an error; credits were refunded",
    color: "#dc2626",
    symbol: "✗",
    terminal: true,
    phase: "failed",
  },
  CANCELLED: {
    label: "Cancelled",
    hint: "stopped before it finished",
    color: "#4b5563",
    symbol: "■",
    terminal: true,
    phase: "stopped",
  },
  TIMEOUT: {
    label: "Timeout",
    hint: "exceeded its time limit; credits were refunded",
    color: "#ea580c",
    symbol: "⏱",
    terminal: true,
    phase: "failed",
  },
  BUDGET_EXCEEDED: {
    label: "Budget exceeded",
    hint: "stopped at its credit cap; partial results may exist",
    color: "#9333ea",
    symbol: "$",
    terminal: true,
    phase: "stopped",
  },
};

/**
 * Style of a ProteinIQ status, with a neutral fallback for statuses this module does not know.
 *
 * @example
 * ```ts
 * import { statusStyle } from "../../mod.ts";
 *
 * statusStyle("COMPLETED").symbol; // "✓"
 * statusStyle("ARCHIVED").label; // "ARCHIVED", grey, not terminal
 * ```
 */
export function statusStyle(status: string): StatusStyle {
  return STATUS_STYLES[String(status).toUpperCase()] ?? {
    label: String(status),
    hint: "status not known to this client",
    color: "#6b7280",
    symbol: "?",
    terminal: false,
    phase: "waiting",
  };
}

const PIPELINE_STYLES: Record<string, StatusStyle> = {
  pending: { ...STATUS_STYLES.PENDING, hint: "accepted, waiting to run" },
  running: { ...STATUS_STYLES.PROCESSING, label: "Running", hint: "the pipeline is running" },
  completed: { ...STATUS_STYLES.COMPLETED, hint: "the pipeline finished" },
  failed: { ...STATUS_STYLES.FAILED, hint: "the pipeline failed; see error_message" },
};

/**
 * Style of a pipeline vendor's lowercase status (`pending`, `running`, `completed`, `failed`);
 * anything else falls back to {@linkcode statusStyle}.
 *
 * @example
 * ```ts
 * import { pipelineStatusStyle } from "./progress.ts";
 * pipelineStatusStyle("running").label; // "Running"
 * ```
 */
export function pipelineStatusStyle(status: string): StatusStyle {
  return PIPELINE_STYLES[String(status)] ?? statusStyle(status);
}

/** The phase of a style (explicit, or derived from `terminal`). */
export function phaseOf(style: StatusStyle): StatusPhase {
  return style.phase ?? (style.terminal ? "succeeded" : "running");
}

/**
 * `1.2 s`, `3 min 05 s`, `2 h 01 min`.
 *
 * @example
 * ```ts
 * import { formatDuration } from "../../mod.ts";
 *
 * formatDuration(1.23); // "1.2 s"
 * formatDuration(185); // "3 min 05 s"
 * formatDuration(7265); // "2 h 01 min"
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.round(seconds % 60)).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** Seconds since submission (to completion when the job ended); NaN when unknown. */
export function elapsedSeconds(
  state: { created_at?: string | null; completed_at?: string | null },
  now: number = Date.now(),
): number {
  if (!state.created_at) return NaN;
  const start = Date.parse(state.created_at);
  const end = state.completed_at ? Date.parse(state.completed_at) : now;
  return Math.max(0, (end - start) / 1000);
}

/** The bar's fill for a state: 100 when completed, the reported progress otherwise. */
export function percentOf(
  state: { status: string; progress?: number | null },
  style: StatusStyle = statusStyle(state.status),
): number {
  if (phaseOf(style) === "succeeded") return 100;
  const value = Number(state.progress ?? 0);
  if (!Number.isFinite(value)) return 0;
  return style.terminal ? Math.max(0, Math.min(100, value)) : Math.max(0, Math.min(99.9, value));
}

/** `1 credit`, `12 credits`, or nothing when unknown. */
export function formatCredits(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "";
  return `${Number(value.toFixed(4))} credit${value === 1 ? "" : "s"}`;
}

/** A 20-cell text bar. */
export function textBar(percent: number, width = 20): string {
  const filled = Math.max(0, Math.min(width, Math.round((percent / 100) * width)));
  return "█".repeat(filled) + "░".repeat(width - filled);
}

/**
 * A duration as tqdm shows it: `00:05`, `12:40`, `1:02:03`.
 *
 * @example
 * ```ts
 * import { formatClock } from "./progress.ts";
 * formatClock(3723); // "1:02:03"
 * ```
 */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${String(m).padStart(2, "0")}:${s}`;
}

/** How fast work goes and how long is left, from the share done after `seconds`. */
export interface Pace {
  /** Seconds spent so far. */
  elapsed: number;
  /** Estimated seconds left; NaN while nothing is done yet; 0 once finished. */
  remaining: number;
  /** Share done per second (0–1 per second); NaN while unknown. */
  rate: number;
}

/**
 * The pace of work that is `fraction` (0–1) done after `seconds`.
 *
 * @example
 * ```ts
 * import { paceOf } from "./progress.ts";
 * paceOf(0.4, 20).remaining; // 30
 * ```
 */
export function paceOf(fraction: number, seconds: number, finished = false): Pace {
  const elapsed = Number.isFinite(seconds) ? Math.max(0, seconds) : NaN;
  const done = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const rate = elapsed > 0 && done > 0 ? done / elapsed : NaN;
  const remaining = finished ? 0 : done > 0 && elapsed > 0 ? (elapsed * (1 - done)) / done : NaN;
  return { elapsed, remaining, rate };
}

/** A rate with a sensible number of digits. */
function rateNumber(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/**
 * tqdm's bracket: `[elapsed<remaining, rate]`, e.g. `[00:05<00:11, 2.3 jobs/s]`. Slow rates
 * turn round (`12.5 s/job`), as tqdm does. The rate counts `unit`s of a whole of `total`
 * (default `%` of 100, for a single job).
 *
 * @example
 * ```ts
 * import { paceOf, paceText } from "./progress.ts";
 * paceText(paceOf(0.5, 20)); // "[00:20<00:20, 2.50%/s]"
 * ```
 */
export function paceText(
  pace: Pace,
  options: { unit?: string; total?: number; finished?: boolean } = {},
): string {
  const unit = options.unit ?? "%";
  const total = options.total ?? 100;
  const perSecond = pace.rate * total;
  const separator = unit === "%" ? "" : " ";
  let rate: string;
  if (!Number.isFinite(perSecond) || perSecond <= 0) rate = `?${separator}${unit}/s`;
  else if (perSecond < 1 && unit !== "%") rate = `${rateNumber(1 / perSecond)} s/${singular(unit)}`;
  else rate = `${rateNumber(perSecond)}${separator}${unit}/s`;
  const left = options.finished ? "" : `<${formatClock(pace.remaining)}`;
  return `[${formatClock(pace.elapsed)}${left}, ${rate}]`;
}

function singular(unit: string): string {
  return unit.endsWith("s") ? unit.slice(0, -1) : unit;
}

/**
 * Seconds a job has been running (since it started, else since it was created).
 *
 * @example
 * ```ts
 * import { runningSeconds } from "./progress.ts";
 * runningSeconds({ created_at: "2026-01-01T00:00:00Z", started_at: "2026-01-01T00:00:05Z" },
 *   Date.parse("2026-01-01T00:00:25Z")); // 20
 * ```
 */
export function runningSeconds(
  state: { created_at?: string | null; started_at?: string | null; completed_at?: string | null },
  now: number = Date.now(),
): number {
  return elapsedSeconds({ ...state, created_at: state.started_at || state.created_at }, now);
}

/**
 * The pace bracket of one job: `[00:05<00:07, 8.0%/s]` (empty when its times are unknown).
 *
 * @example
 * ```ts
 * import { jobPaceText } from "./progress.ts";
 * const job = {
 *   id: "job_1", name: "demo", tool: "protein-properties", status: "PROCESSING", progress: 40,
 *   created_at: "2026-01-01T00:00:00Z", started_at: "2026-01-01T00:00:10Z",
 * };
 * jobPaceText(job, Date.parse("2026-01-01T00:00:30Z")); // "[00:20<00:30, 2.00%/s]"
 * ```
 */
export function jobPaceText(state: ProgressState, now: number = Date.now()): string {
  const style = statusStyle(state.status);
  const seconds = runningSeconds(state, now);
  if (Number.isNaN(seconds)) return "";
  const finished = style.terminal;
  const percent = percentOf(state, style);
  // A failed or stopped job has no rate worth showing: only how long it ran.
  if (finished && phaseOf(style) !== "succeeded") return `[${formatClock(seconds)}]`;
  return paceText(paceOf(percent / 100, seconds, finished), { finished });
}

/** One line of text for a job's state (a second line carries the error, if any). */
export function progressLine(state: ProgressState, now: number = Date.now()): string {
  const style = statusStyle(state.status);
  const percent = percentOf(state, style);
  const parts = [
    `${style.symbol} ${style.label.padEnd(10)}`,
    `${textBar(percent)} ${String(Math.round(percent)).padStart(3)}%`,
    jobPaceText(state, now),
    formatCredits(state.credits_used),
    `${state.id} "${state.name}"`,
  ].filter((part) => part && part !== "–");
  const line = parts.join("  ");
  return state.error ? `${line}\n  error: ${state.error}` : line;
}

/**
 * The bar alone: a native `<progress>`, coloured with `accent-color` where styles apply. A
 * sanitizer that drops styles (untrusted JupyterLab and Notebook 7, classic Notebook 6,
 * GitHub) leaves a working bar in the browser's own colours; its text content is a text bar
 * for any reader that does not draw `<progress>`.
 */
export function htmlBar(
  percent: number,
  color: string,
  options: { height?: number } = {},
): SafeHtml {
  const height = options.height ?? 10;
  const value = Math.max(0, Math.min(100, Number.isFinite(percent) ? percent : 0));
  const paint = isPaint(color) ? color : cssColor(color);
  return html`
    <progress value="${value.toFixed(
      1,
    )}" max="100"
      style="width: 100%; height: ${height}px; vertical-align: middle; accent-color: ${paint};">${textBar(
        value,
        12,
      )} ${Math.round(value)}%</progress>
  `;
}

/** The HTML card of one job. */
export function progressHtml(state: ProgressState, now: number = Date.now()): string {
  const style = statusStyle(state.status);
  const color = themedStatusColor(cssColor(style.color));
  const percent = percentOf(state, style);
  const details = [
    `${Math.round(percent)}%`,
    jobPaceText(state, now),
    state.execution_time_seconds !== null && state.execution_time_seconds !== undefined
      ? `ran ${formatDuration(state.execution_time_seconds)}`
      : "",
    formatCredits(state.credits_used),
  ].filter(Boolean).join(" · ");
  const error = state.error
    ? html`
      <div
        style="color: ${THEME.text}; background-color: ${THEME
          .errorBackground}; border-radius: 4px; padding: 4px 6px; margin-top: 6px; white-space: pre-wrap;"><b>Error:</b> ${state
          .error}</div>
    `
    : "";
  // Separators are text ("·", "—") so that, with every style stripped, the job id, the
  // state and the details still read as separate words on their lines.
  return html`
    <div
      style="font-family: ${THEME.font}; font-size: 13px; max-width: 560px; color: ${THEME
        .text}; border: 1px solid ${THEME
        .border}; border-left: 4px solid ${color}; border-radius: 6px; padding: 8px 10px; line-height: 1.4; text-align: left;">
        <div><b>${state.name}</b> <span style="color: ${THEME.muted};">${state.tool} · ${state
          .id}</span> — <span
            style="font-weight: 600; white-space: nowrap; padding: 0 6px; border-radius: 4px; background-color: ${tint(
              color,
            )};" title="${style.hint}">${style.symbol} ${style.label}</span></div>
        <div style="margin: 6px 0 4px 0;">${htmlBar(percent, color)}</div>
        <div style="color: ${THEME.muted};">${details} — ${style.hint}</div>${error}
        </div>
  `.value;
}

/**
 * The MIME bundle of one job's state.
 *
 * @example
 * ```ts
 * import { renderJobProgress } from "../../mod.ts";
 *
 * const bundle = renderJobProgress({
 *   id: "job_7Qx2",
 *   name: "Lysozyme",
 *   tool: "protein-properties",
 *   status: "COMPLETED",
 *   progress: 100,
 *   credits_used: 2,
 *   created_at: "2024-06-01T09:00:00Z",
 *   completed_at: "2024-06-01T09:00:04Z",
 * });
 * console.log(bundle["text/plain"]);
 * // ✓ Completed   ████████████████████ 100%  4.0 s  2 credits  job_7Qx2 "Lysozyme"
 * ```
 */
export function renderJobProgress(state: ProgressState, now: number = Date.now()): MimeBundle {
  return { "text/plain": progressLine(state, now), "text/html": progressHtml(state, now) };
}

/** Options of {@linkcode LiveProgress}. */
export type LiveProgressOptions = LiveOptions;

/**
 * A display of one job that updates in place: in Jupyter through a stable display id, in a
 * terminal as one rewritten line (or one line per status change when output is piped).
 * At most one update per `minIntervalMs` (default 100 ms, so ≤ 10 a second); the latest state
 * is never dropped and the terminal state always shows.
 *
 * @example
 * ```ts
 * import { LiveProgress } from "./progress.ts";
 * const live = new LiveProgress({ write: (text) => console.log(text.trim()) });
 * const job = {
 *   id: "job_1", name: "demo", tool: "protein-properties", status: "PROCESSING", progress: 10,
 *   created_at: new Date().toISOString(),
 * };
 * live.update(job);
 * await live.finish({ ...job, status: "COMPLETED", progress: 100 });
 * ```
 */
export class LiveProgress {
  readonly #output: LiveOutput<ProgressState>;

  /** A live display; nothing shows until the first {@linkcode LiveProgress.update}. */
  constructor(options: LiveProgressOptions = {}) {
    this.#output = new LiveOutput<ProgressState>({
      bundle: (state, now) => renderJobProgress(state, now),
      terminal: (state) => statusStyle(state.status).terminal,
      line: (state, now) => progressLine(state, now).split("\n")[0],
      changeKey: (state) => state.status,
      final: (state, now) => progressLine(state, now),
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

  /** Show a new state (throttled). */
  update(state: ProgressState): void {
    this.#output.update(state);
  }

  /** Show the final state, then let the output leave the kernel before returning. */
  async finish(state?: ProgressState): Promise<void> {
    await this.#output.finish(state);
  }
}

export { escapeHtml };
