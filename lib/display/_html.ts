/**
 * Escaping for every context a value can reach in our HTML: text, attributes, and JSON
 * inside an inline `<script>` (where `</script>` and `<!--` would end or confuse the script).
 * @module
 */

const TEXT_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** Escape for HTML text and double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"'`]/g, (c) => TEXT_ESCAPES[c]);
}

/**
 * JSON safe to embed inside `<script>…</script>`: `<`, `>`, `&`, U+2028 and U+2029 become
 * `\uXXXX` escapes, so no `</script>` or `<!--` can appear in the output.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Template tag that escapes every interpolated value unless it is {@linkcode raw} HTML. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, index) => {
    out += htmlOf(value) + strings[index + 1];
  });
  return new SafeHtml(out);
}

/** HTML that is already safe (built by {@linkcode html} or escaped on purpose). */
export class SafeHtml {
  /** The markup. */
  readonly value: string;
  /** Wrap markup known to be safe. */
  constructor(value: string) {
    this.value = value;
  }
  /** The markup. */
  toString(): string {
    return this.value;
  }
}

/** Mark trusted markup as safe (only for strings this module built). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function htmlOf(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(htmlOf).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(value);
}

/**
 * JavaScript source safe to place inside an inline `<script>`: neither `</script` (which
 * would end the element) nor `<!--` (which makes a later `<script` change the parser's state)
 * can appear in the result. Only for code this module controls; data goes through
 * {@linkcode jsonForScript}.
 */
export function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** A CSS colour we accept in a `style` attribute (hex, rgb()/hsl() or a plain name). */
export function cssColor(value: string, fallback = "#6b7280"): string {
  return /^(#[0-9a-f]{3,8}|(rgb|hsl)a?\([0-9.,% ]+\)|[a-z]{3,20})$/i.test(value) ? value : fallback;
}
