/**
 * Job progress: a bundle for one job's state (status, bar, elapsed time, credits) and a live
 * display that updates in place in Jupyter — or a line in a terminal.
 *
 * The HTML is plain elements with inline styles (no `<style>`, `<script>` or `<svg>`), so a
 * saved notebook opened untrusted, on GitHub or in nbviewer still shows the bar.
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
import { escapeHtml, html, type SafeHtml } from "./_html.ts";
import { inJupyter, type MimeBundle, newDisplayId, sendDisplay, settle } from "./_jupyter.ts";

/** The job fields a progress display reads (ProteinIQ's job resource has them all). */
export interface ProgressState {
  id: string;
  name: string;
  tool: string;
  status: string;
  progress: number | null;
  credits_used?: number | null;
  created_at: string;
  started_at?: string | null;
  completed_at?: string | null;
  execution_time_seconds?: number | null;
  error?: string | null;
}

/** How each status looks and reads. */
export interface StatusStyle {
  label: string;
  /** What the state means, in the web app's words. */
  hint: string;
  color: string;
  symbol: string;
  terminal: boolean;
}

/** Colour and wording of the eight job states and BUDGET_EXCEEDED. */
export const STATUS_STYLES: Record<string, StatusStyle> = {
  PENDING: {
    label: "Pending",
    hint: "created, waiting to start",
    color: "#6b7280",
    symbol: "…",
    terminal: false,
  },
  QUEUED: {
    label: "Queued",
    hint: "waiting for execution capacity",
    color: "#64748b",
    symbol: "…",
    terminal: false,
  },
  PROCESSING: {
    label: "Processing",
    hint: "the tool is running",
    color: "#2563eb",
    symbol: "▶",
    terminal: false,
  },
  RETRY: {
    label: "Retry",
    hint: "re-running after a transient failure",
    color: "#d97706",
    symbol: "↻",
    terminal: false,
  },
  COMPLETED: {
    label: "Completed",
    hint: "results are ready",
    color: "#16a34a",
    symbol: "✓",
    terminal: true,
  },
  FAILED: {
    label: "Failed",
    hint: "the run hit an error; credits were refunded",
    color: "#dc2626",
    symbol: "✗",
    terminal: true,
  },
  CANCELLED: {
    label: "Cancelled",
    hint: "stopped before it ran",
    color: "#4b5563",
    symbol: "■",
    terminal: true,
  },
  TIMEOUT: {
    label: "Timeout",
    hint: "exceeded its time limit; credits were refunded",
    color: "#ea580c",
    symbol: "⏱",
    terminal: true,
  },
  BUDGET_EXCEEDED: {
    label: "Budget exceeded",
    hint: "stopped at its credit cap; partial results may exist",
    color: "#9333ea",
    symbol: "$",
    terminal: true,
  },
};

/** Style of a status, with a neutral fallback for statuses this module does not know. */
export function statusStyle(status: string): StatusStyle {
  return STATUS_STYLES[status.toUpperCase()] ?? {
    label: status,
    hint: "status not known to this client",
    color: "#6b7280",
    symbol: "?",
    terminal: false,
  };
}

/** `1.2 s`, `3 min 05 s`, `2 h 01 min`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.round(seconds % 60)).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** Seconds since submission (to completion when the job ended). */
export function elapsedSeconds(state: ProgressState, now = Date.now()): number {
  const start = Date.parse(state.created_at);
  const end = state.completed_at ? Date.parse(state.completed_at) : now;
  return Math.max(0, (end - start) / 1000);
}

function percentOf(state: ProgressState): number {
  const style = statusStyle(state.status);
  if (state.status === "COMPLETED") return 100;
  const value = state.progress ?? 0;
  return style.terminal ? Math.max(0, Math.min(100, value)) : Math.max(0, Math.min(99.9, value));
}

function credits(value: number | null | undefined): string {
  if (value === null || value === undefined) return "";
  return `${value} credit${value === 1 ? "" : "s"}`;
}

/** A 20-cell text bar. */
export function textBar(percent: number, width = 20): string {
  const filled = Math.round((percent / 100) * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}

/** One line of text for a job's state. */
export function progressLine(state: ProgressState, now = Date.now()): string {
  const style = statusStyle(state.status);
  const percent = percentOf(state);
  const parts = [
    `${style.symbol} ${style.label.padEnd(10)}`,
    `${textBar(percent)} ${String(Math.round(percent)).padStart(3)}%`,
    formatDuration(elapsedSeconds(state, now)),
    credits(state.credits_used),
    `${state.id} "${state.name}"`,
  ].filter(Boolean);
  const line = parts.join("  ");
  return state.error ? `${line}\n  error: ${state.error}` : line;
}

/** The bar alone, as inline-styled HTML. */
export function htmlBar(
  percent: number,
  color: string,
  options: { height?: number } = {},
): SafeHtml {
  const height = options.height ?? 10;
  return html`
    <div
      style="background-color: #e5e7eb; border-radius: 4px; height: ${height}px; width: 100%; overflow: hidden;">
      <div
        style="background-color: ${color}; height: ${height}px; width: ${percent.toFixed(
          1,
        )}%; border-radius: 4px;"></div>
    </div>
  `;
}

/** The HTML card of one job. */
export function progressHtml(state: ProgressState, now = Date.now()): string {
  const style = statusStyle(state.status);
  const percent = percentOf(state);
  const details = [
    `${Math.round(percent)}%`,
    `elapsed ${formatDuration(elapsedSeconds(state, now))}`,
    state.execution_time_seconds !== null && state.execution_time_seconds !== undefined
      ? `run ${formatDuration(state.execution_time_seconds)}`
      : "",
    credits(state.credits_used),
  ].filter(Boolean).join(" · ");
  const error = state.error
    ? html`<div style="color: #b91c1c; margin-top: 4px; white-space: pre-wrap;">${state.error}</div>`
    : "";
  return html`
    <div
      style="font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; font-size: 13px; max-width: 560px; border: 1px solid #e5e7eb; border-left: 4px solid ${style
        .color}; border-radius: 6px; padding: 8px 10px; line-height: 1.4;">
    <div style="display: flex; justify-content: space-between; gap: 8px;"><span><b>${state
      .name}</b> <span style="color: #6b7280;">${state.tool} · ${state
      .id}</span></span><span style="color: ${style
      .color}; font-weight: 600; white-space: nowrap;" title="${style.hint}">${style.symbol} ${style
      .label}</span></div>
    <div style="margin: 6px 0 4px 0;">${htmlBar(percent, style.color)}</div>
    <div style="color: #4b5563;">${details} <span style="color: #9ca3af;">— ${style
      .hint}</span></div>${error}
    </div>
  `.value;
}

/** The MIME bundle of one job's state. */
export function renderJobProgress(state: ProgressState, now = Date.now()): MimeBundle {
  return { "text/plain": progressLine(state, now), "text/html": progressHtml(state, now) };
}

/** Options of {@linkcode LiveProgress}. */
export interface LiveProgressOptions {
  /** Minimum time between two updates (the terminal state always shows). Default 100 ms. */
  minIntervalMs?: number;
  /** Where text goes outside Jupyter. Default: standard output. */
  write?: (text: string) => void;
  /** Force Jupyter (true) or text (false) output. */
  jupyter?: boolean;
}

/**
 * A display of one job that updates in place: in Jupyter through a stable display id, in a
 * terminal as one rewritten line (or one line per status change when output is not a TTY).
 * At most one update per `minIntervalMs`; the latest state is never dropped.
 */
export class LiveProgress {
  readonly displayId: string = newDisplayId();
  readonly #minIntervalMs: number;
  readonly #jupyter: boolean;
  readonly #write: (text: string) => void;
  readonly #tty: boolean;
  #shown = false;
  #lastSentAt = 0;
  #latest?: ProgressState;
  #pending?: ReturnType<typeof setTimeout>;
  #lastStatus?: string;
  #finished = false;
  /** Updates actually sent (benchmarks read it). */
  sent = 0;

  /** A live display; nothing shows until the first {@linkcode update}. */
  constructor(options: LiveProgressOptions = {}) {
    this.#minIntervalMs = options.minIntervalMs ?? 100;
    this.#jupyter = options.jupyter ?? inJupyter();
    const encoder = new TextEncoder();
    this.#write = options.write ?? ((text) => Deno.stdout.writeSync(encoder.encode(text)));
    let tty = false;
    try {
      tty = !options.write && Deno.stdout.isTerminal();
    } catch {
      tty = false;
    }
    this.#tty = tty;
  }

  /** Show a new state (throttled). */
  update(state: ProgressState): void {
    if (this.#finished) return;
    this.#latest = state;
    const wait = this.#minIntervalMs - (performance.now() - this.#lastSentAt);
    if (wait <= 0 || statusStyle(state.status).terminal) {
      clearTimeout(this.#pending);
      this.#pending = undefined;
      this.#flush();
    } else if (!this.#pending) {
      this.#pending = setTimeout(() => {
        this.#pending = undefined;
        this.#flush();
      }, wait);
    }
  }

  /** Show the final state, then let the output leave the kernel before returning. */
  async finish(state: ProgressState): Promise<void> {
    if (this.#finished) return;
    clearTimeout(this.#pending);
    this.#pending = undefined;
    this.#latest = state;
    this.#flush();
    this.#finished = true;
    if (this.#jupyter) await settle();
  }

  #flush(): void {
    const state = this.#latest;
    if (!state) return;
    this.#lastSentAt = performance.now();
    this.sent++;
    if (this.#jupyter) {
      void sendDisplay(renderJobProgress(state), {
        displayId: this.displayId,
        update: this.#shown,
      });
      this.#shown = true;
      return;
    }
    const terminal = statusStyle(state.status).terminal;
    if (this.#tty) {
      this.#write(`\r\x1b[2K${progressLine(state).split("\n")[0]}${terminal ? "\n" : ""}`);
      if (terminal && state.error) this.#write(`  error: ${state.error}\n`);
    } else if (state.status !== this.#lastStatus) {
      this.#write(`${progressLine(state)}\n`);
    }
    this.#lastStatus = state.status;
  }
}

export { escapeHtml };
