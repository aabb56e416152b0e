/**
 * Offline libraries in headless Chromium: with `configureDisplays({ offline: true })` a page of
 * several charts and structures holds one copy of plotly.js and of 3Dmol.js (in the first
 * display needing each), every display draws with nothing fetched, a page whose defining
 * output was cleared still draws from the browser's Cache Storage, and without either (another
 * browser, no network) the static picture stays with a note saying how to get the live view.
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { withBrowser } from "./_browser_test.ts";
import { configureDisplays } from "../lib/display/assets.ts";
import { residueProfile } from "../lib/display/charts.ts";
import { structureView } from "../lib/display/structure.ts";
import { closePage, openPage, viewerInk, waitForDisplays } from "./_browser.ts";
import { hairpin, helicalBundle, toPdb } from "./_structures.ts";
import type { BrowserGlobals, BrowserImage } from "./_browser_globals.ts";

/** Four outputs as a notebook run makes them: chart, structure, chart, structure. */
async function outputs(): Promise<string[]> {
  try {
    configureDisplays({ offline: true });
    const values = Array.from({ length: 40 }, (_, i) => 50 + 40 * Math.sin(i / 6));
    return [
      await residueProfile(values, { kind: "plddt", title: "first chart" }).html(),
      await (await structureView(toPdb(helicalBundle(2, 16)))).html(),
      await residueProfile(values.map((v) => v / 2), { title: "second chart" }).html(),
      await (await structureView(toPdb(hairpin(20)))).html(),
    ];
  } finally {
    configureDisplays({ offline: false });
  }
}

/** Another page in the same browser profile (same Cache Storage), on the same origin. */
async function samePage(first: Page, markup: string): Promise<Page> {
  const page = await first.context().newPage();
  await page.goto("https://piq.test/");
  await page.setContent(
    `<!doctype html><html><head><meta charset="utf-8"></head><body>${markup}</body></html>`,
  );
  return page;
}

withBrowser(
  "offline: one copy of each library per notebook, every display draws, nothing fetched",
  async (browser) => {
    const markup = await outputs();
    const carriers = markup.map((html) => html.includes("piqAssets.define("));
    assert.deepEqual(carriers, [true, true, false, false], "only the first of each kind carries");
    // Later outputs: their data and picture only (a chart here ≈ 80 KB, mostly its PNG).
    assert.ok(markup[2].length < 150_000 && markup[3].length < 150_000, "later outputs are light");
    for (const mode of ["page", "jupyterlab"] as const) {
      const { page, log } = await openPage(browser, markup.join("\n"), { mode, width: 1100 });
      assert.deepEqual(await waitForDisplays(page, 90_000), ["ready", "ready", "ready", "ready"]);
      assert.ok(await viewerInk(page, ".piq-structure:last-of-type") > 0.005);
      assert.deepEqual(log.served, [], `${mode}: nothing fetched`);
      assert.deepEqual(log.blocked, [], `${mode}: nothing requested`);
      assert.deepEqual(log.errors, [], `${mode}: no errors`);
      await closePage(page);
    }
  },
);

withBrowser(
  "offline: with the defining output cleared, later displays draw from the browser's cache",
  async (browser) => {
    const markup = await outputs();
    // The notebook as first shown: the first chart and structure define the libraries, and
    // loading them keeps a copy in Cache Storage.
    const { page, log } = await openPage(browser, markup.slice(0, 2).join("\n"), { mode: "page" });
    assert.deepEqual(await waitForDisplays(page, 90_000), ["ready", "ready"]);
    const kept = await page.waitForFunction(
      async () => {
        const { caches } = globalThis as unknown as { caches: { keys(): Promise<string[]> } };
        const cache = await (caches as unknown as {
          open(name: string): Promise<{ keys(): Promise<{ url: string }[]> }>;
        }).open("proteiniq-assets-v1");
        const urls = (await cache.keys()).map((request) => request.url);
        return urls.length >= 2 ? urls : false;
      },
      undefined,
      { timeout: 30_000, polling: 200 },
    );
    const urls = (await kept.jsonValue()) as string[];
    assert.ok(urls.some((url) => url.includes("plotly.js-dist-min@4.1.2")), urls.join(", "));
    assert.ok(urls.some((url) => url.includes("3dmol@2.5.5")), urls.join(", "));
    // Reopened after "Clear outputs" on the first cells: only the later outputs remain.
    const reopened = await samePage(page, markup.slice(2).join("\n"));
    // No network either: the CDN fallback must not be what saves it.
    await reopened.route(/esm\.sh/, (route) => route.abort("internetdisconnected"));
    assert.deepEqual(await waitForDisplays(reopened, 90_000), ["ready", "ready"]);
    assert.ok(await viewerInk(reopened, ".piq-structure") > 0.005);
    assert.deepEqual(log.served, [], "nothing fetched");
    assert.deepEqual(log.errors, []);
    await closePage(page);
  },
);

withBrowser(
  "offline: no copy anywhere and no network — the static pictures stay, with a way back",
  async (browser) => {
    const markup = await outputs();
    const { page, log } = await openPage(browser, markup.slice(2).join("\n"), { mode: "page" });
    await page.route(/esm\.sh/, (route) => route.abort("internetdisconnected"));
    const started = performance.now();
    assert.deepEqual(await waitForDisplays(page, 60_000), ["error", "error"]);
    assert.ok(performance.now() - started >= 2500, "it waited for a late defining output");
    const still = await page.evaluate(() => {
      const { document } = globalThis as unknown as BrowserGlobals;
      return Array.from(document.querySelectorAll<BrowserImage>("img[data-piq-static]")).map((
        img,
      ) => ({ loaded: img.complete && img.naturalWidth > 0, visible: img.width > 0 }));
    });
    assert.deepEqual(still, [{ loaded: true, visible: true }, { loaded: true, visible: true }]);
    const notes = await page.locator("[data-piq-note]").allInnerTexts();
    for (const note of notes) assert.match(note, /Re-run the notebook from the top/);
    assert.deepEqual(log.served, []);
    await closePage(page);
  },
);
