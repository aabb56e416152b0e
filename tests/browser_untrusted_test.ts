/**
 * Untrusted notebooks in a real browser: each HTML card, as JupyterLab 4 / Notebook 7's
 * sanitizer and classic Notebook 6's leave it (see `_sanitize.ts`), and as trusted output,
 * laid out by headless Chromium. The bar must be drawn (a visible native `<progress>` with a
 * real box) and the rendered text (`innerText`, which follows layout) must keep the job id,
 * the state and the figures apart. Screenshots go to tests/output/screenshots/.
 * @module
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { chromiumAvailable, closePage, launchBrowser, openPage, screenshot } from "./_browser.ts";
import { allCards } from "./_cards.ts";
import { NOTEBOOK6_IS_REAL, SANITIZERS } from "./_sanitize.ts";
import type { BrowserElement, BrowserGlobals } from "./_browser_globals.ts";

const cards = await allCards();
const VIEWS: Record<string, (markup: string) => string> = {
  trusted: (markup) => markup,
  ...SANITIZERS,
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface BarBox {
  width: number;
  height: number;
  display: string;
  visibility: string;
}

let shared: Promise<Browser> | undefined;

Deno.test({
  name: "every card keeps a drawn bar and separate words, trusted and untrusted",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    shared ??= launchBrowser();
    const browser = await shared;
    try {
      for (const [view, render] of Object.entries(VIEWS)) {
        for (const card of cards) {
          await t.step(`${card.name} (${view})`, async () => {
            const markup = render(card.html);
            const { page, log } = await openPage(browser, `<div id="card">${markup}</div>`, {
              width: 900,
              height: 1200,
            });
            try {
              await screenshot(page, `untrusted-${view}-${card.name}`, "#card");
              const text = await page.locator("#card").innerText();
              for (const word of card.words) {
                const apart = new RegExp(
                  `(^|[\\s(·—,:\\[])${escapeRegExp(word)}(?=$|[\\s)·—,:\\]])`,
                  "iu", // innerText applies text-transform (uppercase labels)
                );
                assert.match(text, apart, `${view}: "${word}" stands apart in\n${text}`);
              }
              if (card.name.startsWith("progress-")) {
                assert.match(text, /job_7OYx3kP2 — […▶✓✗] [A-Z]/u, `${view}: ${text}`);
              }
              if (card.bar !== undefined) {
                const bars: BarBox[] = await page.evaluate(() => {
                  const { document, getComputedStyle } = globalThis as unknown as {
                    document: BrowserGlobals["document"];
                    getComputedStyle(
                      element: BrowserElement,
                    ): { display: string; visibility: string };
                  };
                  return Array.from(document.querySelectorAll("progress")).map((bar) => {
                    const box = (bar as unknown as {
                      getBoundingClientRect(): { width: number; height: number };
                    }).getBoundingClientRect();
                    const style = getComputedStyle(bar);
                    return {
                      width: box.width,
                      height: box.height,
                      display: style.display,
                      visibility: style.visibility,
                    };
                  });
                });
                assert.ok(bars.length >= 1, `${view}: a bar`);
                const [first] = bars;
                assert.notEqual(first.display, "none", `${view}: the bar shows`);
                assert.equal(first.visibility, "visible");
                assert.ok(first.width > 100, `${view}: the bar is ${first.width}px wide`);
                assert.ok(first.height >= 6, `${view}: the bar is ${first.height}px high`);
                const value = await page.locator("progress").first().getAttribute("value");
                assert.equal(Number(value), card.bar);
              }
              assert.deepEqual(log.errors, []);
              assert.deepEqual(log.blocked, [], "nothing is fetched");
            } finally {
              await closePage(page);
            }
          });
        }
      }
    } finally {
      await browser.close();
      shared = undefined;
    }
  },
});

Deno.test("the Notebook 6 view uses Debian's real Notebook 6 sanitizer where it is installed", () => {
  let installed = false;
  try {
    installed = Deno.statSync(
      "/usr/lib/python3/dist-packages/notebook/static/components/sanitizer/index.js",
    ).isFile;
  } catch {
    installed = false;
  }
  assert.equal(NOTEBOOK6_IS_REAL, installed);
});
