/**
 * Every HTML card on a page themed like JupyterLab's dark theme (and its light theme), in
 * headless Chromium: the theme's real variables from the files `nbconvert --theme dark`
 * uses. Each piece of text is measured against the background painted behind it — the most
 * common pixel of its box in a screenshot — and must reach WCAG AA (4.5:1) with its
 * computed colour; its most contrasting pixel must stand out too (text that is drawn, not
 * only declared). Screenshots go to tests/output/screenshots/.
 * @module
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { chromiumAvailable, closePage, launchBrowser, openPage, screenshot } from "./_browser.ts";
import {
  contrastRatio,
  over,
  parseRgb,
  type Rgba,
  themeCss,
  themesAvailable,
} from "./_contrast.ts";
import { allCards, type Card } from "./_cards.ts";
import type { BrowserGlobals } from "./_browser_globals.ts";

/** One piece of text as laid out on the page. */
interface TextBox {
  text: string;
  color: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

interface DomNode {
  nodeType: number;
  textContent: string | null;
  parentElement: DomElement | null;
}
interface DomElement {
  closest(selector: string): DomElement | null;
}

/** The text boxes of the card on the page (text inside `<progress>` is not drawn). */
async function textBoxes(page: Page): Promise<TextBox[]> {
  return await page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as {
      document: BrowserGlobals["document"];
      getComputedStyle(element: unknown): { color: string };
    };
    const doc = document as unknown as {
      createTreeWalker(root: unknown, filter: number): { nextNode(): DomNode | null };
      createRange(): {
        selectNodeContents(node: unknown): void;
        getClientRects(): ArrayLike<{ x: number; y: number; width: number; height: number }>;
      };
      querySelector(selector: string): unknown;
    };
    const walker = doc.createTreeWalker(doc.querySelector("#card"), 4 /* SHOW_TEXT */);
    const boxes: TextBox[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node.textContent ?? "").trim();
      const parent = node.parentElement;
      if (!text || !parent || parent.closest("progress")) continue;
      const range = doc.createRange();
      range.selectNodeContents(node);
      for (const rect of Array.from(range.getClientRects())) {
        if (rect.width < 2 || rect.height < 2) continue;
        boxes.push({
          text,
          color: getComputedStyle(parent).color,
          x: rect.x,
          y: rect.y,
          width: rect.width,
          height: rect.height,
        });
      }
    }
    return boxes;
  });
}

/** For each box: the background (most common pixel) and the pixel that differs most from it. */
async function sampleBoxes(
  page: Page,
  png: Uint8Array,
  boxes: TextBox[],
): Promise<{ background: Rgba; extreme: Rgba }[]> {
  const base64 = btoa(Array.from(png, (byte) => String.fromCharCode(byte)).join(""));
  return await page.evaluate(async ([data, rects]) => {
    const { document, Image } = globalThis as unknown as BrowserGlobals;
    const image = new Image();
    image.src = `data:image/png;base64,${data}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d")!;
    context.drawImage(image, 0, 0);
    const lum = (r: number, g: number, b: number) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
    return rects.map((box) => {
      const x = Math.max(0, Math.floor(box.x));
      const y = Math.max(0, Math.floor(box.y));
      const w = Math.max(1, Math.min(canvas.width - x, Math.ceil(box.width)));
      const h = Math.max(1, Math.min(canvas.height - y, Math.ceil(box.height)));
      const { data: pixels } = context.getImageData(x, y, w, h);
      const counts = new Map<number, number>();
      for (let i = 0; i < pixels.length; i += 4) {
        const key = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const mode = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
      const background = { r: mode >> 16, g: (mode >> 8) & 255, b: mode & 255, a: 1 };
      const base = lum(background.r, background.g, background.b);
      let extreme = background;
      let best = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        const distance = Math.abs(lum(pixels[i], pixels[i + 1], pixels[i + 2]) - base);
        if (distance > best) {
          best = distance;
          extreme = { r: pixels[i], g: pixels[i + 1], b: pixels[i + 2], a: 1 };
        }
      }
      return { background, extreme };
    });
  }, [base64, boxes] as const);
}

/** Contrast of every piece of text of a card on a themed page. */
async function measure(browser: Browser, card: Card, theme: "light" | "dark") {
  const markup = `<style>${themeCss(theme)}</style><div id="card">${card.html}</div>`;
  const { page, log } = await openPage(browser, markup, { width: 900, height: 1400 });
  try {
    const boxes = await textBoxes(page);
    assert.ok(boxes.length > 3, `${card.name}: text found`);
    const png = new Uint8Array(await page.screenshot({ fullPage: true }));
    await screenshot(page, `theme-${theme}-${card.name}`, "#card");
    const samples = await sampleBoxes(page, png, boxes);
    assert.deepEqual(log.errors, []);
    return boxes.map((box, i) => {
      const { background, extreme } = samples[i];
      const color = over(parseRgb(box.color), background);
      return {
        text: box.text,
        computed: contrastRatio(color, background),
        drawn: contrastRatio(extreme, background),
        background,
      };
    });
  } finally {
    await closePage(page);
  }
}

const cards = await allCards();
let shared: Promise<Browser> | undefined;

for (const theme of ["dark", "light"] as const) {
  Deno.test({
    name: `every card's text reaches 4.5:1 on JupyterLab's ${theme} theme`,
    ignore: !chromiumAvailable() || !themesAvailable(),
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      shared ??= launchBrowser();
      const browser = await shared;
      const failures: string[] = [];
      let measured = 0;
      for (const card of cards) {
        for (const item of await measure(browser, card, theme)) {
          measured++;
          const background =
            `rgb(${item.background.r}, ${item.background.g}, ${item.background.b})`;
          if (item.computed < 4.5) {
            failures.push(
              `${card.name}: "${item.text}" ${item.computed.toFixed(2)}:1 on ${background}`,
            );
          }
          // Anti-aliased glyphs rarely reach their full colour; a drawn pixel at 3:1 shows the
          // text is painted in a readable colour at all.
          if (item.drawn < 3) {
            failures.push(
              `${card.name}: "${item.text}" drawn at ${item.drawn.toFixed(2)}:1 on ${background}`,
            );
          }
        }
      }
      assert.ok(measured > 100, `measured ${measured} pieces of text`);
      assert.deepEqual(failures, []);
    },
  });
}

Deno.test({
  name: "the dark page is dark behind the cards (the theme really applies)",
  ignore: !chromiumAvailable() || !themesAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    shared ??= launchBrowser();
    const browser = await shared;
    const items = await measure(browser, cards.find((card) => card.name === "quote")!, "dark");
    const figure = items.find((item) => item.text === "2")!;
    assert.ok(figure.background.r < 60, "dark background behind the quote's figures");
    await (await shared).close();
    shared = undefined;
  },
});
