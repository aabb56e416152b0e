/**
 * Where the browser libraries of the interactive displays (3Dmol.js, plotly.js) come from,
 * and the JavaScript that loads them inside an output.
 *
 * By default each output imports the library as an ES module from esm.sh (the reader's
 * browser has the internet; the kernel never fetches it). The base is configurable (any CDN
 * that serves npm packages by `name@version/path`, e.g. jsDelivr's `/npm`).
 *
 * **Offline** (`configureDisplays({ offline: true })`) inlines each library **once per kernel
 * session**, not once per output: the first display that needs 3Dmol.js or plotly.js carries
 * the bundle (gzipped, base64: plotly's 4.8 MB travel as 2 MB) and defines it in a page-wide
 * registry, `globalThis.__proteiniqAssets`; every later output carries only a few hundred
 * bytes that ask the registry for it. This is plotly's `init_notebook_mode(connected=False)`
 * pattern, made to survive "Clear outputs":
 * - the registry waits a few seconds for a defining output that runs late (front ends that
 *   insert outputs out of order);
 * - the first time a library is loaded from an inlined copy, the browser also stores it in its
 *   Cache Storage (keyed by name and version), so a notebook reopened in the same browser
 *   still draws every display after the defining output was cleared — even with no network;
 * - the kernel process remembers what it has inlined: a restarted kernel (a new session)
 *   inlines again in its first display, and calling `configureDisplays({ offline: true })`
 *   again — the first cell of a "Run All" — starts over too, so a re-run notebook always holds
 *   one copy in its first display;
 * - failing all of these (the defining output cleared, opened in another browser), the
 *   output imports the library from the CDN, and without a network it keeps its static
 *   picture and says how to bring the live view back.
 *
 * Everything is `import()`: no `<script src>` (which JupyterLab and VS Code would load
 * asynchronously after our inline code ran) and no UMD (which require.js, present in classic
 * Notebook and nbconvert pages, would hijack).
 * @module
 */
import { jsonForScript } from "./_html.ts";
import { encodeBase64, gzipText } from "./_base64.ts";

/** Where the interactive displays load their browser libraries from. */
export interface AssetOptions {
  /** Base URL serving npm packages as `<base>/<name>@<version>/<path>`. Default `https://esm.sh`. */
  assetBase?: string;
  /**
   * Inline the libraries from the npm packages: works without internet (and in exported HTML
   * opened offline). Each library travels once per kernel session, in the first display that
   * needs it (3Dmol.js ≈ 0.16 MB, plotly.js ≈ 2 MB gzipped); later displays reuse it.
   * Default false.
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
/** Libraries this kernel process has inlined into an output (`name@version`). */
const inlined = new Set<string>();
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
  // Turning offline on (again) starts over: the next display carries the libraries, so a
  // notebook re-run from its first cell holds a copy however its outputs were cleared.
  if (options.offline) inlined.clear();
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

const gzipped = new Map<string, Promise<string>>();

/** The library's bundle, gzipped and base64-encoded (computed once per process). */
function packedSource(library: BrowserLibrary): Promise<string> {
  const key = `${library.name}@${library.version}`;
  let packed = gzipped.get(key);
  if (!packed) {
    packed = librarySource(library).then(async (text) => encodeBase64(await gzipText(text)));
    gzipped.set(key, packed);
    packed.catch(() => gzipped.delete(key));
  }
  return packed;
}

/**
 * The page-wide registry every output installs (once per page): libraries defined by inlined
 * copies, loaded once, kept in Cache Storage, or imported from a URL. Browser code, as text.
 */
const REGISTRY = `const piqAssets = (globalThis.__proteiniqAssets ??= (() => {
  const sources = {}, loaded = {}, waiters = {};
  const CACHE = "proteiniq-assets-v1";
  const gunzip = async (packed) => {
    const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return await new Response(stream).text();
  };
  const cached = async (url) => {
    try {
      if (!url || !globalThis.caches) return null;
      const hit = await (await caches.open(CACHE)).match(url);
      return hit ? await hit.text() : null;
    } catch { return null; }
  };
  const keep = async (url, text) => {
    try {
      if (!url || !globalThis.caches) return;
      const cache = await caches.open(CACHE);
      if (!(await cache.match(url))) {
        await cache.put(url, new Response(text, { headers: { "content-type": "text/javascript" } }));
      }
    } catch { /* no Cache Storage here (file: pages, private windows): inline copies only */ }
  };
  const run = async (text) => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
    try { return await import(url); } finally { URL.revokeObjectURL(url); }
  };
  const defined = (key, ms) => sources[key] || ms <= 0 ? Promise.resolve() : new Promise((resolve) => {
    (waiters[key] ??= []).push(resolve);
    setTimeout(resolve, ms);
  });
  return {
    version: 1,
    define(key, packed) {
      if (sources[key]) return;
      sources[key] = packed;
      for (const wake of waiters[key] || []) wake();
      delete waiters[key];
    },
    source(key) { return sources[key] || null; },
    load(key, how) {
      return loaded[key] ??= (async () => {
        let text = null;
        let inline = false;
        if (!sources[key]) text = await cached(how.cacheUrl);
        if (text === null) {
          await defined(key, how.wait || 0);
          if (sources[key]) { text = await gunzip(sources[key]); inline = true; }
        }
        if (text !== null) {
          const namespace = await run(text);
          if (inline) void keep(how.cacheUrl, text);
          return namespace;
        }
        if (how.url) return await import(how.url);
        throw new Error(key + " is not on this page (the output that carried it was cleared)");
      })().catch((error) => {
        delete loaded[key];
        throw error;
      });
    },
  };
})());`;

/** How an output's module script gets a library. */
export interface LibraryLoader {
  /** Statements for the top of the script (the registry, and the library itself when inlined). */
  setup: string;
  /** An expression: a Promise of the library's module namespace. */
  load: string;
  /** Whether this output carries the library's code. */
  inlined: boolean;
}

/** The key a library is cached under in the browser's Cache Storage. */
export function libraryCacheUrl(library: BrowserLibrary): string {
  return `https://assets.proteiniq.invalid/${library.name}@${library.version}/${library.path}`;
}

/**
 * How an output loads a library: offline, the first output of the kernel session inlines it
 * (once), later ones find it in the page, in the browser's cache, or (last resort) the CDN.
 *
 * @example
 * ```ts
 * import { libraryLoader, PLOTLY } from "./assets.ts";
 * const { setup, load } = await libraryLoader(PLOTLY);
 * const script = `${setup}\nconst Plotly = (await ${load}).default;`;
 * ```
 */
export async function libraryLoader(
  library: BrowserLibrary,
  options: AssetOptions = {},
): Promise<LibraryLoader> {
  const key = `${library.name}@${library.version}`;
  const resolved = assetOptions(options);
  const url = libraryUrl(library, resolved);
  let setup = REGISTRY;
  let carries = false;
  if (resolved.offline && !inlined.has(key)) {
    const packed = await packedSource(library);
    inlined.add(key);
    carries = true;
    setup += `\npiqAssets.define(${jsonForScript(key)}, ${jsonForScript(packed)});`;
  }
  const how = resolved.offline
    ? { cacheUrl: libraryCacheUrl(library), url, wait: 3000 }
    : { cacheUrl: null, url, wait: 0 };
  return {
    setup,
    load: `piqAssets.load(${jsonForScript(key)}, ${jsonForScript(how)})`,
    inlined: carries,
  };
}

/**
 * Browser code, as text: a function of an element telling whether the page behind it is dark,
 * and its background colour (`{ dark, background }`, background as `#rrggbb`). It looks at the
 * nearest painted background, then the front end's theme variable (`--jp-layout-color0`),
 * VS Code's theme class, and the page's colour scheme.
 */
export const PAGE_THEME_JS = `((element) => {
  const probe = document.createElement("span");
  const rgba = (css) => {
    if (!css) return null;
    probe.style.color = "";
    probe.style.color = css;
    if (!probe.style.color) return null;
    document.body.appendChild(probe);
    const m = getComputedStyle(probe).color.match(/[\\d.]+/g);
    probe.remove();
    return m && m.length >= 3 ? m.map(Number).concat(m.length < 4 ? [1] : []) : null;
  };
  const hex = (c) => "#" + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const verdict = (c) => ({ dark: luminance(c) < 0.2, background: hex(c) });
  for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
    const c = rgba(getComputedStyle(node).backgroundColor);
    if (c && c[3] > 0.5) return verdict(c);
  }
  const root = getComputedStyle(document.documentElement);
  const themed = rgba(root.getPropertyValue("--jp-layout-color0").trim()) ||
    rgba(getComputedStyle(document.body).getPropertyValue("--jp-layout-color0").trim()) ||
    rgba(root.getPropertyValue("--vscode-editor-background").trim());
  if (themed) return verdict(themed);
  if (document.body.classList.contains("vscode-dark") || document.body.classList.contains("vscode-high-contrast")) {
    return { dark: true, background: "#1e1e1e" };
  }
  const scheme = root.colorScheme || "";
  if (scheme.includes("dark") && globalThis.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches) {
    return { dark: true, background: "#121212" };
  }
  return { dark: false, background: "#ffffff" };
})`;
