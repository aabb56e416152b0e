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
import { createRequire } from "node:module";
import { encodeBase64 } from "./_base64.ts";

/** The rasteriser's fonts: regular and bold DejaVu Sans. */
export const FONT_FAMILY = "DejaVu Sans";

interface Rasteriser {
  render(svg: string, scale: number): Uint8Array;
}

let rasteriser: Promise<Rasteriser> | undefined;

/**
 * Bytes of a file inside an npm package.
 *
 * Deno has no stable bytes import, so the package is first put in the module graph through
 * its `package.json` (`registered`: a JSON import by full `npm:` specifier, stable and cached
 * like any npm download, literal so that `deno cache` and JSR see it); Node's
 * resolver then knows where the file is on disk, whether Deno keeps packages in its global
 * cache or in a `node_modules` folder. Resolving from this module's own location would fail
 * when the module itself was imported over HTTP or from JSR, so the referrer is a file path.
 */
async function packageFile(
  packageName: string,
  file: string,
  registered: Promise<unknown>,
): Promise<Uint8Array> {
  await registered;
  const referrers = [
    ...(import.meta.url.startsWith("file:") ? [import.meta.url] : []),
    `${Deno.cwd()}/_proteiniq_resolve.js`,
  ];
  let lastError: unknown;
  for (const referrer of referrers) {
    try {
      return await Deno.readFile(createRequire(referrer).resolve(`${packageName}/${file}`));
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(
    `Cannot read ${file} from the npm package ${packageName}: ${
      lastError instanceof Error ? lastError.message.split("\n")[0] : String(lastError)
    }`,
  );
}

async function load(): Promise<Rasteriser> {
  // Its JS module puts resvg in the graph (its `exports` do not include package.json).
  const resvgModule = import("../_deps/resvg.ts");
  // deno-lint-ignore no-import-prefix
  const fontPackage = import("npm:dejavu-fonts-ttf@2.37.3/package.json", {
    with: { type: "json" },
  });
  const [resvg, wasm, regular, bold] = await Promise.all([
    resvgModule,
    packageFile("@resvg/resvg-wasm", "index_bg.wasm", resvgModule),
    packageFile("dejavu-fonts-ttf", "ttf/DejaVuSans.ttf", fontPackage),
    packageFile("dejavu-fonts-ttf", "ttf/DejaVuSans-Bold.ttf", fontPackage),
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
