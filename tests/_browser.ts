/**
 * Headless Chromium for display tests: Debian's `/usr/bin/chromium` driven by
 * `playwright-core`, WebGL through SwiftShader, no network at all — the esm.sh URLs the
 * displays import are answered from the npm packages' files through request routing, and
 * every other request is refused (and recorded, so a test can fail on it).
 *
 * Pages are rendered three ways, as readers meet them:
 * - `page`: the output HTML as a static page (like nbconvert's export);
 * - `jupyterlab`: inserted with `innerHTML` and every `<script>` re-created, which is what
 *   JupyterLab and VS Code do with trusted HTML outputs;
 * - `untrusted`: scripts stripped (what a sanitizer leaves of an untrusted output).
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";
import assert from "node:assert/strict";
import type { BrowserElement, BrowserGlobals } from "./_browser_globals.ts";

/** Flags that give headless Chromium a working WebGL (SwiftShader) and no background traffic. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

/** Where Chromium is (Debian's package). */
export const CHROMIUM_PATH = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

/** Whether the browser tests can run here. */
export function chromiumAvailable(): boolean {
  try {
    return Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    return false;
  }
}

/** Start Chromium. */
export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

async function packageFile(specifier: string): Promise<string> {
  return await Deno.readTextFile(new URL(import.meta.resolve(specifier)));
}

let libraries: Promise<Record<string, string>> | undefined;

/** The library files the displays import, by URL path on the CDN. */
export function libraryFiles(): Promise<Record<string, string>> {
  libraries ??= (async () => ({
    "/3dmol@2.5.5/build/3Dmol.es6-min.js": await packageFile("3dmol/build/3Dmol.es6-min.js"),
    "/plotly.js-dist-min@4.1.2/plotly.min.js": await packageFile(
      "plotly.js-dist-min/plotly.min.js",
    ),
    // Stand-ins for what nbconvert's HTML template loads in <head>.
    "/requirejs/require.js": await packageFile("requirejs/require.js"),
    "/mathjax/MathJax.js": "window.MathJax = { Hub: { Queue() {}, Config() {} } };",
  }))();
  return libraries;
}

/** What happened on a page. */
export interface PageLog {
  /** `console.error` messages and uncaught exceptions. */
  errors: string[];
  /** Every console message, `type: text`. */
  console: string[];
  /** Requests refused because they would have left the machine. */
  blocked: string[];
  /** CDN requests answered from the npm packages. */
  served: string[];
}

/** Options of {@linkcode openPage}. */
export interface OpenPageOptions {
  /** How the HTML reaches the page (`document`: a whole HTML file as it is). Default `page`. */
  mode?: "page" | "jupyterlab" | "untrusted" | "document";
  /** Viewport. Default 1000 × 800. */
  width?: number;
  height?: number;
  /** Put require.js-like `define.amd` on the page first (classic Notebook, nbconvert). */
  requireJs?: boolean;
  /** Emulate esm.sh's CommonJS conversion of plotly (default export) instead of the raw file. */
  esmShConversion?: boolean;
}

/** Open the HTML of an output (or of a whole exported notebook) in a new page. */
export async function openPage(
  browser: Browser,
  markup: string,
  options: OpenPageOptions = {},
): Promise<{ page: Page; log: PageLog }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1000, height: options.height ?? 800 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const log: PageLog = { errors: [], console: [], blocked: [], served: [] };
  page.on("console", (message) => {
    log.console.push(`${message.type()}: ${message.text()}`);
    if (message.type() === "error") log.errors.push(message.text());
  });
  page.on("pageerror", (error) => log.errors.push(`uncaught: ${error.message}`));
  const files = await libraryFiles();
  await context.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "blob:") return await route.continue();
    if (url.hostname === "esm.sh" || url.hostname === "cdn.test") {
      const body = files[url.pathname];
      if (body !== undefined) {
        log.served.push(url.href);
        const converted = options.esmShConversion && url.pathname.includes("plotly")
          ? `const module = { exports: {} }; const exports = module.exports;\n${body}\nexport default module.exports;`
          : body;
        return await route.fulfill({
          status: 200,
          contentType: "application/javascript; charset=utf-8",
          headers: { "access-control-allow-origin": "*" },
          body: converted,
        });
      }
    }
    if (url.hostname === "piq.test") {
      return await route.fulfill({ status: 200, contentType: "text/html", body: "" });
    }
    log.blocked.push(url.href);
    return await route.abort("blockedbyclient");
  });
  // A real origin (not about:blank), so module scripts and Blob URLs behave as in a notebook.
  await page.goto("https://piq.test/");
  const amd = options.requireJs
    ? "<script>window.define = function () {}; window.define.amd = { jQuery: true }; window.require = function () {};</script>"
    : "";
  const mode = options.mode ?? "page";
  if (mode === "document") {
    await page.setContent(markup, { waitUntil: "load", timeout: 120_000 });
  } else if (mode === "page") {
    await page.setContent(
      `<!doctype html><html><head><meta charset="utf-8">${amd}</head><body>${markup}</body></html>`,
    );
  } else {
    const clean = mode === "untrusted" ? stripScripts(markup) : markup;
    await page.setContent(
      `<!doctype html><html><head><meta charset="utf-8">${amd}</head><body><div id="output"></div></body></html>`,
    );
    await page.evaluate(([html, run]) => {
      const { document } = globalThis as unknown as BrowserGlobals;
      const output = document.getElementById("output")!;
      output.innerHTML = html;
      if (!run) return;
      // JupyterLab's evalInnerHTMLScriptTags: replace each script by a fresh copy.
      for (const old of Array.from(output.querySelectorAll("script"))) {
        const fresh = document.createElement("script");
        for (const attribute of Array.from(old.attributes)) {
          fresh.setAttribute(attribute.name, attribute.value);
        }
        fresh.textContent = old.textContent;
        old.parentNode!.replaceChild(fresh, old);
      }
    }, [clean, mode === "jupyterlab"] as const);
  }
  return { page, log };
}

/** The HTML with every `<script>` element and inline event handler removed (a sanitizer's view). */
export function stripScripts(markup: string): string {
  return markup.replace(/<script\b[\s\S]*?<\/script>/gi, "").replace(/\son[a-z]+="[^"]*"/gi, "");
}

/** Wait until every display root on the page has settled (`ready` or `error`). */
export async function waitForDisplays(page: Page, timeoutMs = 30_000): Promise<string[]> {
  const roots = await page.locator(".piq-structure, .piq-chart").all();
  assert.ok(roots.length > 0, "no structure or chart on the page");
  const states: string[] = [];
  // Structure viewers start when scrolled into view: visit each output in turn, as a reader.
  for (const root of roots) {
    await root.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      (element: BrowserElement) => ["ready", "error"].includes(element.dataset.piqState ?? ""),
      await root.elementHandle(),
      { timeout: timeoutMs, polling: 100 },
    );
    states.push(await root.getAttribute("data-piq-state") ?? "");
  }
  return states;
}

/** A structure display's root, with the 3Dmol viewer its script hangs on it once started. */
interface StructureRoot extends BrowserElement {
  piqViewer?: { pngURI(): string };
}

/**
 * Fraction of a structure viewer's pixels that differ from its white background, read from a
 * fresh render of its WebGL canvas.
 */
export async function viewerInk(page: Page, selector = ".piq-structure"): Promise<number> {
  return await page.evaluate(async (sel) => {
    const { document, Image } = globalThis as unknown as BrowserGlobals;
    const root = document.querySelector<StructureRoot>(sel);
    if (!root?.piqViewer) return -1;
    const image = new Image();
    image.src = root.piqViewer.pngURI();
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d")!;
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235)) ink++;
    }
    return ink / (data.length / 4);
  }, selector);
}

/** Write a screenshot under tests/output/screenshots/ (and return its path). */
export async function screenshot(
  page: Page,
  name: string,
  selector?: string,
): Promise<string> {
  const dir = new URL("./output/screenshots/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const path = new URL(`${name}.png`, dir).pathname;
  if (selector) await page.locator(selector).first().screenshot({ path });
  else await page.screenshot({ path });
  return path;
}

/** Close a page and its context. */
export async function closePage(page: Page): Promise<void> {
  await page.context().close();
}
