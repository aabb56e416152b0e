/**
 * Colours shared by the HTML cards, chosen so one output reads well in every front end and
 * every trust state:
 *
 * - **Trusted output** (the user ran the cell; nbconvert/nbviewer HTML; VS Code): colours come
 *   from the front end's CSS variables — JupyterLab's `--jp-*`, then VS Code's `--vscode-*` —
 *   with light fallbacks for front ends that define neither (classic Notebook, nbconvert's
 *   classic template). A dark theme therefore gets light text.
 * - **Untrusted JupyterLab 4 / Notebook 7**: the sanitizer checks each declaration against its
 *   allow-list. Whether a `var(…)` value passes depends on quirks of those regular expressions
 *   (their alternatives are not grouped, so `rgba(…)` or `none` anywhere in a value can pass).
 *   So the cards never depend on it: a colour that survives is the theme's, one that is
 *   dropped leaves the theme's inherited text colour, and nothing is shown or hidden by a
 *   `var()` (no "trusted-only" toggles).
 * - **Classic Notebook 6**: its sanitizer turns every declaration into `undefined:undefined`,
 *   i.e. no style at all. Structure carries the meaning: native `<progress>` bars (coloured
 *   with `accent-color` where styles apply), table rows, `<br>`, separators written as text.
 * @module
 */

/** A CSS colour that follows JupyterLab's theme, then VS Code's, then a light default. */
function chain(jupyterlab: string, vscode: string | undefined, light: string): string {
  return vscode
    ? `var(--jp-${jupyterlab}, var(--vscode-${vscode}, ${light}))`
    : `var(--jp-${jupyterlab}, ${light})`;
}

/** The palette of the cards (every value a `var()` chain with a light fallback). */
export const THEME = {
  /** Body text. */
  text: chain("ui-font-color1", "foreground", "rgba(0, 0, 0, 0.87)"),
  /** Secondary text (ids, hints); ≥ 4.5:1 on the theme's background in light and dark. */
  muted: chain("ui-font-color2", "descriptionForeground", "rgba(0, 0, 0, 0.6)"),
  /** Card and row borders. */
  border: chain("border-color2", "panel-border", "#e0e0e0"),
  /** The empty part of a bar, and code chips. */
  track: chain("layout-color2", "editorWidget-background", "#eeeeee"),
  /** Completed. */
  success: chain("success-color1", "testing-iconPassed", "#16a34a"),
  /** Failed. */
  error: chain("error-color1", "errorForeground", "#dc2626"),
  /** Retry, timeout. */
  warn: chain("warn-color1", "editorWarning-foreground", "#d97706"),
  /** Running. */
  info: chain("brand-color1", "focusBorder", "#2563eb"),
  /** Waiting or stopped. */
  neutral: chain("ui-font-color3", "disabledForeground", "#9ca3af"),
  /** Behind an error message (text on it stays {@linkcode THEME.text}). */
  errorBackground: chain("rendermime-error-background", "inputValidation-errorBackground", "#fdd"),
  /** The font of the front end's UI. */
  font: "var(--jp-ui-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif)",
} as const;

/** Name of a {@linkcode THEME} entry. */
export type ThemeColor = keyof typeof THEME;

/** A tint of a theme colour for backgrounds (chips), still a `var()` chain. */
export function tint(color: string, percent = 18): string {
  return `color-mix(in srgb, ${color} ${percent}%, transparent)`;
}

/** The built-in status colours and the theme variables each one follows. */
const THEMED: Record<string, [string, string]> = {
  "#16a34a": ["success-color1", "testing-iconPassed"],
  "#dc2626": ["error-color1", "errorForeground"],
  "#ea580c": ["warn-color1", "editorWarning-foreground"],
  "#d97706": ["warn-color1", "editorWarning-foreground"],
  "#2563eb": ["brand-color1", "focusBorder"],
  "#6b7280": ["ui-font-color3", "disabledForeground"],
  "#64748b": ["ui-font-color3", "disabledForeground"],
  "#4b5563": ["ui-font-color3", "disabledForeground"],
};

/**
 * The colour to paint for a status colour (already validated): this module's built-in status
 * colours follow the theme, with the colour itself as the light fallback; anyone else's
 * colour is used as given.
 */
export function themedStatusColor(color: string): string {
  const names = THEMED[color.toLowerCase()];
  return names ? chain(names[0], names[1], color) : color;
}

/** Whether `value` is a colour this module built: a literal colour or a `var()` chain of them. */
export function isPaint(value: string): boolean {
  return /^(var\(--[a-z0-9-]+, )*(#[0-9a-f]{3,8}|(rgb|hsl)a?\([0-9., %]+\)|[a-z]{3,20})\)*$/i.test(
    value,
  );
}
