/**
 * Talking to the Deno Jupyter kernel: detecting it, sending display bundles with a stable
 * display id, updating them in place, and letting the last outputs reach the front end.
 *
 * Facts this relies on (measured, see the project's deno-jupyter reference): `broadcast` is
 * delivered even from synchronous loops, `display()` is not; the kernel may report a cell
 * idle before its last outputs, so the final update is followed by a short settle.
 * @module
 */
import { nanoid } from "nanoid";

/** A Jupyter MIME bundle. */
export type MimeBundle = Record<string, unknown>;

/** The `Symbol.for("Jupyter.display")` protocol. */
export const $display: unique symbol = Symbol.for("Jupyter.display") as never;

/** Something the Deno kernel knows how to show. */
export interface Displayable {
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

/** Attach a display method to a plain object without making it enumerable. */
export function withDisplay<T extends object>(value: T, render: () => MimeBundle): T & Displayable {
  Object.defineProperty(value, $display, { value: render, enumerable: false });
  return value as T & Displayable;
}
