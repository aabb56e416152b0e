/**
 * What front ends leave of an untrusted HTML output, using their real sanitizers:
 * - JupyterLab 4 and Notebook 7: `@jupyterlab/apputils`' `Sanitizer` (sanitize-html with
 *   JupyterLab's allow-list). It keeps literal style values from its CSS allow-list and drops
 *   every declaration holding `var(…)`.
 * - Classic Notebook 6: its own bundled sanitizer (Debian's `python3-notebook`,
 *   `static/components/sanitizer/index.js`), called as its output area does
 *   (`security.sanitize_html` passes `allowedStyles: {}`): every declaration becomes
 *   `undefined:undefined`, so no style applies. Where that file is missing, the same effect
 *   is had by dropping every `style` attribute from JupyterLab's result.
 * @module
 */
import { Sanitizer } from "@jupyterlab/apputils/lib/sanitizer.js";

const sanitizer = new Sanitizer();

/** An untrusted output as JupyterLab 4 / Notebook 7 show it. */
export function sanitizeJupyterLab(markup: string): string {
  return sanitizer.sanitize(markup);
}

/** Where Debian's classic Notebook keeps its sanitizer bundle. */
const NOTEBOOK6_SANITIZER =
  "/usr/lib/python3/dist-packages/notebook/static/components/sanitizer/index.js";

interface BundledSanitizer {
  sanitize(markup: string, options?: Record<string, unknown>): string;
}

/** Load Notebook 6's sanitizer: an AMD module `define(() => exports)`. */
function loadNotebook6(): BundledSanitizer | undefined {
  let source: string;
  try {
    source = Deno.readTextFileSync(NOTEBOOK6_SANITIZER);
  } catch {
    return undefined;
  }
  let exports: { defaultSanitizer: BundledSanitizer } | undefined;
  const define = (factory: () => typeof exports) => {
    exports = factory();
  };
  new Function("define", source)(define);
  return exports?.defaultSanitizer;
}

const notebook6 = loadNotebook6();

/** Whether the real Notebook 6 sanitizer is used (else its effect is emulated). */
export const NOTEBOOK6_IS_REAL: boolean = notebook6 !== undefined;

/** An untrusted output as classic Notebook 6 shows it (no style applies). */
export function sanitizeNotebook6(markup: string): string {
  if (notebook6) return notebook6.sanitize(markup, { allowedStyles: {} });
  return sanitizer.sanitize(markup).replace(/\sstyle="[^"]*"/g, "");
}

/** Both sanitized views, by name. */
export const SANITIZERS: Record<string, (markup: string) => string> = {
  jupyterlab: sanitizeJupyterLab,
  notebook6: sanitizeNotebook6,
};
