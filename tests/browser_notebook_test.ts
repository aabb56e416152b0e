/**
 * The looking-at-results notebook, executed by Jupyter (nbconvert, Deno kernel) against a
 * fresh embedded sandbox and exported to HTML, opened in headless Chromium as a reader would
 * open the exported file: with the template's require.js and MathJax in the page (served here
 * from npm's requirejs and a stub, since Debian's template points at local files). Every
 * structure and chart must render interactively, and show its static picture without scripts.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  closePage,
  launchBrowser,
  openPage,
  screenshot,
  stripScripts,
  viewerInk,
  waitForDisplays,
} from "./_browser.ts";
import type { BrowserGlobals, BrowserImage } from "./_browser_globals.ts";

const ROOT = join(import.meta.dirname!, "..");
const NOTEBOOK = "02-looking-at-results.ipynb";

async function exportNotebook(dir: string): Promise<string> {
  const { PROTEINIQ_API_KEY: _key, PROTEINIQ_BASE_URL: _url, ...inherited } = Deno.env.toObject();
  const { success, stderr } = await new Deno.Command("jupyter", {
    args: [
      "nbconvert",
      "--to",
      "html",
      "--execute",
      "--ExecutePreprocessor.timeout=300",
      "--ExecutePreprocessor.kernel_name=deno",
      "--output-dir",
      dir,
      NOTEBOOK,
    ],
    clearEnv: true,
    env: { ...inherited, PROTEINIQ_SANDBOX_DB: join(dir, "sandbox.sqlite"), NO_COLOR: "1" },
    cwd: join(ROOT, "notebooks"),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(success, `nbconvert failed:\n${new TextDecoder().decode(stderr).slice(-4000)}`);
  return await Deno.readTextFile(join(dir, NOTEBOOK.replace(".ipynb", ".html")));
}

/** Point the template's head scripts (local files on Debian, a CDN upstream) at our stand-ins. */
function withStandIns(exported: string): string {
  return exported
    .replace(/src="[^"]*require(\.min)?\.js"/g, 'src="https://cdn.test/requirejs/require.js"')
    .replace(/src="[^"]*MathJax\.js[^"]*"/g, 'src="https://cdn.test/mathjax/MathJax.js"');
}

Deno.test({
  name: "the exported notebook shows every structure and chart, with and without scripts",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "piq-nb02-" });
    const browser = await launchBrowser();
    try {
      const exported = await exportNotebook(dir);
      assert.match(exported, /require(\.min)?\.js/, "the template loads require.js");
      const { page, log } = await openPage(browser, withStandIns(exported), {
        mode: "document",
        width: 1200,
      });
      assert.equal(
        await page.evaluate(() =>
          typeof (globalThis as unknown as { define?: { amd?: unknown } }).define?.amd
        ),
        "object",
        "require.js is on the page",
      );
      const structures = await page.locator(".piq-structure").count();
      const charts = await page.locator(".piq-chart").count();
      assert.ok(structures >= 4, `${structures} structures`);
      assert.ok(charts >= 5, `${charts} charts`);
      const states = await waitForDisplays(page, 90_000);
      assert.deepEqual(states, states.map(() => "ready"));
      const ids = await page.evaluate(() => {
        const { document } = globalThis as unknown as BrowserGlobals;
        return Array.from(document.querySelectorAll(".piq-structure")).map((element) => element.id);
      });
      for (const id of ids) {
        const ink = await viewerInk(page, `#${id}`);
        assert.ok(ink > 0.005, `structure ${id} is drawn (${ink})`);
      }
      const plotted = await page.evaluate(() => {
        const { document } = globalThis as unknown as BrowserGlobals;
        return Array.from(document.querySelectorAll(".piq-chart [data-piq-plot]"))
          .filter((plot) => plot.querySelector("svg.main-svg .trace")).length;
      });
      assert.equal(plotted, charts);
      assert.deepEqual(log.errors, []);
      assert.deepEqual(log.blocked, []);
      await page.locator(".piq-structure").first().scrollIntoViewIfNeeded();
      await screenshot(page, "notebook-export");
      await closePage(page);

      // nbviewer / GitHub / untrusted: no scripts at all, the pictures remain.
      const still = await openPage(browser, stripScripts(exported), { mode: "document" });
      const pictures = await still.page.evaluate(() => {
        const { document } = globalThis as unknown as BrowserGlobals;
        return Array.from(document.querySelectorAll<BrowserImage>("img[data-piq-static]"))
          .map((img) => img.complete && img.naturalWidth > 0);
      });
      assert.equal(pictures.length, structures + charts);
      assert.ok(pictures.every(Boolean), "every static picture loads");
      await closePage(still.page);
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
