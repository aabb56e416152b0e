/**
 * Talking to the Deno Jupyter kernel: detecting it, sending display bundles with a stable
 * display id, updating them in place, and letting the last outputs reach the front end.
 *
 * Facts this relies on (measured, see the project's deno-jupyter reference): `broadcast` is
 * delivered even from synchronous loops, `display()` is not; the kernel may report a cell
 * idle before its last outputs, so the final update is followed by a short settle.
 * @module
 */
import { nanoid } from "../_deps/nanoid.ts";

/** A Jupyter MIME bundle. */
export type MimeBundle = Record<string, unknown>;

/**
 * The `Symbol.for("Jupyter.display")` protocol.
 *
 * @example
 * ```ts
 * import { $display, type MimeBundle, renderTable } from "../../mod.ts";
 *
 * // An object with this method shows as its bundle when it ends a notebook cell.
 * class Digest {
 *   readonly fragments: { fragment: string; mass: number }[];
 *   constructor(fragments: { fragment: string; mass: number }[]) {
 *     this.fragments = fragments;
 *   }
 *   [$display](): MimeBundle {
 *     return renderTable(this.fragments, { title: "Tryptic fragments" }); // escaped HTML
 *   }
 * }
 * new Digest([{ fragment: "KVFGR", mass: 606.72 }, { fragment: "CELAAAMK", mass: 836.02 }]);
 * ```
 */
export const $display: unique symbol = Symbol.for("Jupyter.display") as never;

/** Something the Deno kernel knows how to show. */
export interface Displayable {
  /** The MIME bundle the kernel shows for the value (always with `text/plain`). */
  [$display](): MimeBundle | Promise<MimeBundle>;
}

interface JupyterApi {
  broadcast(type: string, content: Record<string, unknown>): Promise<void> | void;
}

/** The kernel's `Deno.jupyter`, or undefined outside `deno jupyter`. */
export function jupyter(): JupyterApi | undefined {
  try {
    // Reading the property throws outside the kernel.
    return (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
  } catch {
    return undefined;
  }
}

/** Whether code runs in the Deno Jupyter kernel. */
export function inJupyter(): boolean {
  return jupyter() !== undefined;
}

/** A new display id. */
export function newDisplayId(): string {
  return `piq-${nanoid(12)}`;
}

/** Send a bundle; with `update` it replaces the output that has the same display id. */
export async function sendDisplay(
  bundle: MimeBundle,
  options: { displayId?: string; update?: boolean } = {},
): Promise<void> {
  const kernel = jupyter();
  if (!kernel) return;
  await kernel.broadcast(options.update ? "update_display_data" : "display_data", {
    data: bundle,
    metadata: {},
    transient: options.displayId ? { display_id: options.displayId } : {},
  });
}

/**
 * Wait long enough for queued outputs to leave the kernel before the cell ends.
 * Bigger outputs need longer; the kernel drains about 100 MB/s.
 */
export function settle(bytes = 0): Promise<void> {
  const ms = Math.min(1000, 120 + bytes / 100_000);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * What a `[$display]` method should return for `bundle`: the bundle itself, so the cell's
 * value is its one output (an empty bundle would leave an empty `Out[n]:` under it).
 *
 * The Deno kernel (2.8.2 … 2.9.x) can publish a cell's `execute_result` after the cell's
 * `idle` status; batch runners (nbconvert, papermill, nbclient) stop listening at `idle` and
 * lose it. When this object is the cell's value (the kernel's `broadcastResult` is on the
 * stack), the bundle notices when the kernel reads it to send it, and the next microtask holds
 * the cell's thread briefly (scaled by size): the kernel's iopub sender runs on another thread
 * and sends the result while the cell cannot yet report that it is done. With Deno 2.9.6 and
 * nbconvert, `bench/cell_output_bench.ts --cells 40 --runs 3` lost 8 of 120 200 KB results
 * without the hold and 0 of 120 with it. Everywhere else the bundle is returned unchanged.
 */
export function cellOutput(bundle: MimeBundle): MimeBundle {
  return isCellResult() ? holdUntilSent(bundle) : bundle;
}

/**
 * Whether the caller is being displayed as a cell's value (the Deno kernel's
 * `broadcastResult` is on the stack), as opposed to `Deno.jupyter.display()` or `format()`.
 */
export function isCellResult(): boolean {
  return inJupyter() && /\bbroadcastResult\b/.test(new Error().stack ?? "");
}

/**
 * {@linkcode cellOutput} for displays that need async work (rasterising a picture, reading a
 * file): whether the object is the cell's value is decided now, while the kernel's
 * `broadcastResult` is still on the stack.
 */
export function cellOutputAsync(render: () => Promise<MimeBundle>): Promise<MimeBundle> {
  const direct = isCellResult();
  return render().then((bundle) => direct ? holdUntilSent(bundle) : bundle);
}

/** Microtasks to wait for the kernel to read the bundle before giving up (never reached). */
const MAX_TICKS = 100_000;

function holdUntilSent(bundle: MimeBundle): MimeBundle {
  const copy: MimeBundle = { ...bundle };
  const plain = copy["text/plain"] ?? "";
  let read = false;
  // The kernel serialises the bundle synchronously inside its `broadcast` of the result.
  Object.defineProperty(copy, "text/plain", {
    enumerable: true,
    configurable: true,
    get: () => {
      read = true;
      return plain;
    },
  });
  const pause = Math.min(1000, 30 + bundleSize(bundle) / 50_000);
  let ticks = 0;
  const poll = () => {
    if (read) {
      // A synchronous wait: the cell's thread must not finish before the result is sent.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    } else if (++ticks < MAX_TICKS) {
      queueMicrotask(poll);
    }
  };
  queueMicrotask(poll);
  return copy;
}

function bundleSize(bundle: MimeBundle): number {
  let bytes = 0;
  for (const value of Object.values(bundle)) {
    bytes += typeof value === "string" ? value.length : 0;
  }
  return bytes;
}

/** Attach a display method to a plain object without making it enumerable. */
export function withDisplay<T extends object>(value: T, render: () => MimeBundle): T & Displayable {
  Object.defineProperty(value, $display, {
    value: () => cellOutput(render()),
    enumerable: false,
  });
  return value as T & Displayable;
}
