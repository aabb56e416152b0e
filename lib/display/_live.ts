/**
 * The machinery behind every live display: one output with a stable display id, updated in
 * place at most once per `minIntervalMs` however fast states arrive, the latest state never
 * dropped, the terminal state always shown, elapsed time kept fresh by a slow tick, and a
 * short settle after the last update so the kernel's iopub queue drains before the cell ends.
 *
 * Updates go through `Deno.jupyter.broadcast`, which is delivered even from synchronous loops
 * (`Deno.jupyter.display` is not). Outside Jupyter the same states become text: one rewritten
 * line on a terminal, or a line per meaningful change when output is piped.
 * @module
 */
import { jupyter, type MimeBundle, newDisplayId, settle } from "./_jupyter.ts";

/** Sends one iopub message (the kernel's `Deno.jupyter.broadcast`, or a test's recorder). */
export type Broadcast = (type: string, content: Record<string, unknown>) => unknown;

/** How a live display turns its state into output. */
export interface LiveRenderer<S> {
  /** The MIME bundle of a state (Jupyter). */
  bundle(state: S, now: number): MimeBundle;
  /** Whether the state is final: it is sent at once and ends the display. */
  terminal(state: S): boolean;
  /** One line for a terminal that can rewrite it (no newline). */
  line(state: S, now: number): string;
  /** When piped: a line is printed whenever this key changes. */
  changeKey(state: S): string;
  /** Text printed once at the end (default: the line). */
  final?(state: S, now: number): string;
}

/** Options shared by the live displays. */
export interface LiveOptions {
  /** Minimum time between two updates; the terminal state always shows. Default 100 ms. */
  minIntervalMs?: number;
  /** Re-render the latest state this often while it is not final (elapsed time). Default 1000 ms; 0 disables. */
  tickMs?: number;
  /** Force Jupyter (true) or text (false) output. Default: detected. */
  jupyter?: boolean;
  /** Where text goes outside Jupyter. Default: standard output. */
  write?: (text: string) => void;
  /** Where Jupyter messages go. Default: `Deno.jupyter.broadcast`. */
  broadcast?: Broadcast;
}

/** A throttled, in-place updating output. */
export class LiveOutput<S> {
  /** The display id every update of this output carries. */
  readonly displayId: string = newDisplayId();
  /** Updates actually sent (benchmarks and tests read it). */
  sent = 0;
  /** Bytes of HTML and text sent, for settling and benchmarks. */
  bytesSent = 0;
  readonly #renderer: LiveRenderer<S>;
  readonly #minIntervalMs: number;
  readonly #tickMs: number;
  readonly #broadcast?: Broadcast;
  readonly #write: (text: string) => void;
  readonly #tty: boolean;
  #shown = false;
  #lastSentAt = -Infinity;
  #latest?: S;
  #pending?: ReturnType<typeof setTimeout>;
  #ticker?: ReturnType<typeof setInterval>;
  #lastKey?: string;
  #lastBytes = 0;
  #finished = false;
  /** Whether the latest state has not been shown yet. */
  #dirty = false;

  /** A live output; nothing shows until the first {@linkcode LiveOutput.update}. */
  constructor(renderer: LiveRenderer<S>, options: LiveOptions = {}) {
    this.#renderer = renderer;
    this.#minIntervalMs = options.minIntervalMs ?? 100;
    const kernel = options.broadcast ? undefined : jupyter();
    const useJupyter = options.jupyter ?? (options.broadcast !== undefined || kernel !== undefined);
    this.#broadcast = useJupyter
      ? options.broadcast ?? ((type, content) => kernel?.broadcast(type, content))
      : undefined;
    this.#tickMs = options.tickMs ?? (options.broadcast ? 0 : 1000);
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

  /** Whether the output goes to Jupyter. */
  get jupyter(): boolean {
    return this.#broadcast !== undefined;
  }

  /** The latest state given. */
  get latest(): S | undefined {
    return this.#latest;
  }

  /** Show a new state: now if the last update is old enough, else at the end of the interval. */
  update(state: S): void {
    if (this.#finished) return;
    this.#latest = state;
    this.#dirty = true;
    if (this.#renderer.terminal(state)) {
      this.#cancelPending();
      this.#flush();
      return;
    }
    const wait = this.#minIntervalMs - (performance.now() - this.#lastSentAt);
    if (wait <= 0) {
      this.#cancelPending();
      this.#flush();
    } else if (!this.#pending) {
      this.#pending = setTimeout(() => {
        this.#pending = undefined;
        this.#flush();
      }, wait);
    }
    this.#startTicker();
  }

  /**
   * Show the final state (or the latest, unless it is already showing), stop updating, and
   * let the output leave the kernel.
   */
  async finish(state?: S): Promise<void> {
    if (this.#finished) return;
    if (state !== undefined && state !== this.#latest) {
      this.#latest = state;
      this.#dirty = true;
    }
    this.#cancelPending();
    this.#stopTicker();
    if (this.#dirty || !this.#shown) this.#flush(true);
    this.#finished = true;
    if (this.jupyter) await settle(this.#lastBytes);
  }

  #cancelPending(): void {
    if (this.#pending !== undefined) clearTimeout(this.#pending);
    this.#pending = undefined;
  }

  #startTicker(): void {
    if (this.#ticker !== undefined || this.#tickMs <= 0 || !(this.jupyter || this.#tty)) return;
    this.#ticker = setInterval(() => {
      if (performance.now() - this.#lastSentAt >= this.#tickMs) this.#flush();
    }, this.#tickMs);
    // A display must never keep a script alive on its own.
    Deno.unrefTimer(this.#ticker);
  }

  #stopTicker(): void {
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  #flush(final = false): void {
    const state = this.#latest;
    if (state === undefined) return;
    const now = Date.now();
    const terminal = this.#renderer.terminal(state);
    if (terminal) this.#stopTicker();
    this.#lastSentAt = performance.now();
    this.#dirty = false;
    if (this.#broadcast) {
      const bundle = this.#renderer.bundle(state, now);
      this.#lastBytes = bundleBytes(bundle);
      this.bytesSent += this.#lastBytes;
      this.sent++;
      this.#broadcast(this.#shown ? "update_display_data" : "display_data", {
        data: bundle,
        metadata: {},
        transient: { display_id: this.displayId },
      });
      this.#shown = true;
      return;
    }
    const done = final || terminal;
    this.#shown = true;
    if (this.#tty) {
      this.sent++;
      if (done) {
        const text = (this.#renderer.final ?? this.#renderer.line)(state, now);
        this.#write(`\r\x1b[2K${text}\n`);
      } else {
        this.#write(`\r\x1b[2K${this.#renderer.line(state, now)}`);
      }
      return;
    }
    const key = this.#renderer.changeKey(state);
    if (done) {
      if (key === this.#lastKey && !this.#renderer.final) return;
      this.sent++;
      this.#write(`${(this.#renderer.final ?? this.#renderer.line)(state, now)}\n`);
    } else if (key !== this.#lastKey) {
      this.sent++;
      this.#write(`${this.#renderer.line(state, now)}\n`);
    }
    this.#lastKey = key;
  }
}

/** Approximate size of a bundle's text parts. */
export function bundleBytes(bundle: MimeBundle): number {
  let total = 0;
  for (const value of Object.values(bundle)) {
    total += typeof value === "string" ? value.length : JSON.stringify(value)?.length ?? 0;
  }
  return total;
}
