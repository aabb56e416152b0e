/**
 * SVG → PNG for the static pictures that stand in for interactive displays where scripts do
 * not run (untrusted notebooks, GitHub, nbviewer). Uses resvg (`@resvg/resvg-wasm`) with the
 * DejaVu Sans fonts of the `dejavu-fonts-ttf` package; the wasm and fonts are read from the
 * installed npm packages (no CDN), once per process.
 *
 * The PNG is made in the kernel, not the browser: inline `<svg>` is stripped from untrusted
 * outputs, while an `<img>` with a PNG data URL survives every sanitizer we target.
 * @module
 */
import { encodeBase64 } from "./_base64.ts";

/** The rasteriser's fonts: regular and bold DejaVu Sans. */
export const FONT_FAMILY = "DejaVu Sans";

interface Rasteriser {
  render(svg: string, scale: number): Uint8Array;
}

let rasteriser: Promise<Rasteriser> | undefined;

/** Bytes of a file inside an installed npm package. */
async function packageFile(specifier: string): Promise<Uint8Array> {
  const url = import.meta.resolve(specifier);
  if (url.startsWith("file:")) return await Deno.readFile(new URL(url));
  // Without a node_modules folder the file is only reachable as a bytes import, which needs
  // Deno's `--unstable-raw-imports` (or `"unstable": ["raw-imports"]` in deno.json).
  const dynamicSpecifier = specifier;
  try {
    const module = await import(dynamicSpecifier, { with: { type: "bytes" } });
    return module.default as Uint8Array;
  } catch (error) {
    throw new Error(
      `Cannot read ${specifier} from the npm package: set "nodeModulesDir": "auto" in deno.json ` +
        `or enable raw imports (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

async function load(): Promise<Rasteriser> {
  const [resvg, wasm, regular, bold] = await Promise.all([
    import("@resvg/resvg-wasm"),
    packageFile("@resvg/resvg-wasm/index_bg.wasm"),
    packageFile("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
    packageFile("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
  ]);
  try {
    await resvg.initWasm(wasm);
  } catch (error) {
    // Another copy of this module (e.g. imported twice by URL) initialised it already.
    if (!String(error).includes("Already initialized")) throw error;
  }
  return {
    render(svg, scale) {
      const renderer = new resvg.Resvg(svg, {
        fitTo: { mode: "zoom", value: scale },
        font: {
          fontBuffers: [regular, bold],
          defaultFontFamily: FONT_FAMILY,
          sansSerifFamily: FONT_FAMILY,
          loadSystemFonts: false,
        },
        background: "#ffffff",
      });
      try {
        const image = renderer.render();
        try {
          return image.asPng();
        } finally {
          image.free();
        }
      } finally {
        renderer.free();
      }
    },
  };
}

/**
 * Rasterise SVG markup to PNG bytes (`scale` 2 gives a crisp picture on high-DPI screens).
 *
 * @example
 * ```ts ignore
 * const png = await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
 * ```
 */
export async function svgToPng(svg: string, options: { scale?: number } = {}): Promise<Uint8Array> {
  rasteriser ??= load();
  rasteriser.catch(() => (rasteriser = undefined));
  return (await rasteriser).render(svg, options.scale ?? 2);
}

/** A `data:` URL of PNG bytes. */
export function pngDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${encodeBase64(png)}`;
}

export { encodeBase64 };
