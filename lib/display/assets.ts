/**
 * Where the browser libraries of the interactive displays (3Dmol.js, plotly.js) come from,
 * and the JavaScript that loads them inside an output.
 *
 * By default each output imports the library as an ES module from esm.sh (the reader's
 * browser has the internet; the kernel never fetches it). The base is configurable (any CDN
 * that serves npm packages by `name@version/path`, e.g. jsDelivr's `/npm`), and `offline`
 * inlines the bundle from the npm package into the output (Deno text import, cached with the
 * package), imported through a Blob URL — no network at view time.
 *
 * Loaded libraries are cached per page under `globalThis.__piqLibs`, so the second viewer on a
 * page does not load the library again. Everything is `import()`: no `<script src>` (which
 * JupyterLab and VS Code would load asynchronously after our inline code ran) and no UMD
 * (which require.js, present in classic Notebook and nbconvert pages, would hijack).
 * @module
 */
import { jsonForScript } from "./_html.ts";

/** Where the interactive displays load their browser libraries from. */
export interface AssetOptions {
  /** Base URL serving npm packages as `<base>/<name>@<version>/<path>`. Default `https://esm.sh`. */
  assetBase?: string;
  /**
   * Inline the library from the npm package into each output: works without internet (and in
   * exported HTML opened offline) at the cost of size (3Dmol.js ≈ 0.54 MB, plotly.js ≈ 4.8 MB
   * per output). Default false.
   */
  offline?: boolean;
}

/** A browser library the displays use. */
export interface BrowserLibrary {
  /** npm package name. */
  name: string;
  version: string;
  /** File inside the package that is an ES module (or sets a global when run as one). */
  path: string;
}

/** 3Dmol.js: the real ES module build (`export { createViewer, … }`). */
export const THREEDMOL: BrowserLibrary = {
  name: "3dmol",
  version: "2.5.5",
  path: "build/3Dmol.es6-min.js",
};

/** plotly.js: the minified dist; as a module it sets `window.Plotly` (esm.sh also exports it as default). */
export const PLOTLY: BrowserLibrary = {
  name: "plotly.js-dist-min",
  version: "4.1.2",
  path: "plotly.min.js",
};

const DEFAULT_BASE = "https://esm.sh";
let defaults: Required<AssetOptions> = { assetBase: DEFAULT_BASE, offline: false };

/**
 * Set where every later display loads its browser libraries from.
 *
 * @example
 * ```ts
 * import { configureDisplays } from "../../mod.ts";
 * configureDisplays({ assetBase: "https://cdn.jsdelivr.net/npm" });
 * configureDisplays({ offline: true }); // inline the bundles: no internet needed to view
 * configureDisplays({ assetBase: "https://esm.sh", offline: false }); // back to the defaults
 * ```
 */
export function configureDisplays(options: AssetOptions): Required<AssetOptions> {
  if (options.assetBase !== undefined) {
    const base = options.assetBase.replace(/\/+$/, "");
    if (!/^https?:\/\/[^\s"'<>]+$/.test(base) && !/^\/[^\s"'<>]*$/.test(base) && base !== "") {
      throw new TypeError(
        `assetBase must be an http(s) URL or an absolute path, not ${
          JSON.stringify(options.assetBase)
        }`,
      );
    }
    defaults = { ...defaults, assetBase: base };
  }
  if (options.offline !== undefined) defaults = { ...defaults, offline: options.offline };
  return { ...defaults };
}

/** The options in force for one display. */
export function assetOptions(options: AssetOptions = {}): Required<AssetOptions> {
  const merged = { ...defaults };
  if (options.assetBase !== undefined) merged.assetBase = options.assetBase.replace(/\/+$/, "");
  if (options.offline !== undefined) merged.offline = options.offline;
  return merged;
}

/** The URL a library is imported from. */
export function libraryUrl(library: BrowserLibrary, options: AssetOptions = {}): string {
  const { assetBase } = assetOptions(options);
  return `${assetBase}/${library.name}@${library.version}/${library.path}`;
}

const sources = new Map<string, Promise<string>>();

/** The library's bundle text, from the npm package (downloaded once by Deno, then cached). */
export function librarySource(library: BrowserLibrary): Promise<string> {
  const key = `${library.name}@${library.version}`;
  let source = sources.get(key);
  if (!source) {
    // Literal specifiers, so Deno knows the files ahead of time (and `deno cache` fetches them).
    source = library === THREEDMOL
      // deno-lint-ignore no-import-prefix
      ? import("npm:3dmol@2.5.5/build/3Dmol.es6-min.js", { with: { type: "text" } }).then((m) =>
        m.default
      )
      : library === PLOTLY
      // deno-lint-ignore no-import-prefix
      ? import("npm:plotly.js-dist-min@4.1.2/plotly.min.js", { with: { type: "text" } }).then((m) =>
        m.default
      )
      : Promise.reject(new Error(`No bundled copy of ${key}`));
    sources.set(key, source);
    source.catch(() => sources.delete(key));
  }
  return source;
}

/**
 * A JavaScript expression (for an inline module script) that evaluates to a Promise of the
 * library's module namespace, loaded once per page.
 */
export async function libraryImportExpression(
  library: BrowserLibrary,
  options: AssetOptions = {},
): Promise<string> {
  const key = jsonForScript(`${library.name}@${library.version}`);
  const resolved = assetOptions(options);
  const target = resolved.offline
    ? `URL.createObjectURL(new Blob([${
      jsonForScript(await librarySource(library))
    }], { type: "text/javascript" }))`
    : jsonForScript(libraryUrl(library, resolved));
  // A failed load is forgotten, so the next output (or a re-run) tries again.
  return `((globalThis.__piqLibs ??= {})[${key}] ??= import(${target}).catch((error) => {
    delete globalThis.__piqLibs[${key}];
    throw error;
  }))`;
}
