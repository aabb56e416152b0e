/**
 * Parsing display HTML in unit tests (linkedom), and the hostile text they feed displays.
 * @module
 */
import { parseHTML } from "linkedom";

/** The parts of a parsed element the tests read (typed here: Deno checks without the DOM library). */
export interface ParsedElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): ParsedElement | null;
  querySelectorAll(selector: string): ParsedElement[] & { length: number };
}

/** A parsed document. */
export interface ParsedDocument extends ParsedElement {
  body: ParsedElement;
}

/** A document holding `markup` in its body. */
export function documentOf(markup: string): ParsedDocument {
  const window = parseHTML(`<!doctype html><html><head></head><body>${markup}</body></html>`);
  return (window as unknown as { document: ParsedDocument }).document;
}

/** Text that would run script if it reached HTML unescaped, in text, attribute or script. */
export const HOSTILE =
  `<img src=x onerror="window.__pwned=1"> "quoted' </script><script>window.__pwned=2</script><!--`;

/** The inline scripts of some markup. */
export function scriptsOf(markup: string): string[] {
  return [...documentOf(markup).querySelectorAll("script")].map((script) =>
    script.textContent ?? ""
  );
}
