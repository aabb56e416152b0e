/**
 * Text contrast as WCAG 2 defines it (relative luminance of sRGB colours, ratio
 * (L1 + 0.05) / (L2 + 0.05)), and pages themed like JupyterLab's light and dark themes, built
 * from the theme files Debian's nbconvert ships (`--theme dark` uses the same files).
 * @module
 */

/** An sRGB colour, 0–255 per channel, with alpha 0–1. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** Parse `rgb(…)`/`rgba(…)` as `getComputedStyle` reports colours. */
export function parseRgb(value: string): Rgba {
  const match = value.match(
    /rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?/,
  );
  if (!match) throw new Error(`not an rgb() colour: ${value}`);
  const alpha = match[4] === undefined
    ? 1
    : match[4].endsWith("%")
    ? Number(match[4].slice(0, -1)) / 100
    : Number(match[4]);
  return { r: Number(match[1]), g: Number(match[2]), b: Number(match[3]), a: alpha };
}

/** `top` painted over the opaque `bottom`. */
export function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a;
  return {
    r: top.r * a + bottom.r * (1 - a),
    g: top.g * a + bottom.g * (1 - a),
    b: top.b * a + bottom.b * (1 - a),
    a: 1,
  };
}

/** WCAG relative luminance of an opaque colour. */
export function luminance({ r, g, b }: Rgba): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG contrast ratio of two opaque colours (1–21). */
export function contrastRatio(a: Rgba, b: Rgba): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

const STATIC = "/usr/share/jupyter/nbconvert/templates/lab/static/";

/** Whether JupyterLab's theme files are here (Debian's nbconvert). */
export function themesAvailable(): boolean {
  try {
    return Deno.statSync(`${STATIC}theme-dark.css`).isFile;
  } catch {
    return false;
  }
}

/**
 * A page's `<head>` styles for JupyterLab's light or dark theme: the theme's variables, the
 * Material colours they refer to, and the output area's background, text colour and font.
 */
export function themeCss(theme: "light" | "dark"): string {
  const variables = Deno.readTextFileSync(`${STATIC}theme-${theme}.css`);
  const index = Deno.readTextFileSync(`${STATIC}index.css`);
  const material = [...index.matchAll(/--md-[a-z0-9-]+:\s*[^;]+;/g)].map((m) => m[0]).join("\n");
  return `${variables}\n:root {\n${material}\n}\n` +
    `body { background: var(--jp-layout-color0); color: var(--jp-content-font-color1); ` +
    `font-family: var(--jp-ui-font-family); margin: 16px; }`;
}
