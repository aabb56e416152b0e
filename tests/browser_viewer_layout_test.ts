/**
 * Everyday comfort of the interactive displays, in headless Chromium: on a dark page (the
 * front end's `--jp-layout-color0` dark, as JupyterLab's dark theme and `nbconvert --theme
 * dark` set it) plotly charts and 3Dmol viewers take the page's dark background and their
 * text reads at WCAG AA contrast (4.5:1); the structure viewer is fitted so the molecule fills
 * its frame; and a chart's width follows its output area.
 * @module
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { withBrowser } from "./_browser_test.ts";
import { residueProfile } from "../lib/display/charts.ts";
import { structureView } from "../lib/display/structure.ts";
import { renderTable } from "../lib/display/table.ts";
import { closePage, openPage, screenshot, waitForDisplays } from "./_browser.ts";
import { bundle, hairpin, toPdb } from "./_structures.ts";
import type { BrowserElement, BrowserGlobals } from "./_browser_globals.ts";

const DARK_PAGE =
  `<style>:root { --jp-layout-color0: #111111; --jp-layout-color1: #1a1a1a; --jp-ui-font-color1: rgba(255, 255, 255, 0.87); --jp-ui-font-color2: rgba(255, 255, 255, 0.7); --jp-border-color2: #333333; } body { background: var(--jp-layout-color0); color: var(--jp-ui-font-color1); }</style>`;

/** WCAG contrast of two CSS colours (`rgb()`/`rgba()`, alpha composed over the second). */
function contrast(foreground: string, background: string): number {
  const parse = (css: string) => {
    const hex = css.match(/^#([0-9a-f]{6})$/i);
    if (hex) return [0, 2, 4].map((i) => parseInt(hex[1].slice(i, i + 2), 16)).concat(1);
    const parts = css.match(/[\d.]+/g)!.map(Number);
    return parts.length === 3 ? [...parts, 1] : parts;
  };
  const [br, bg, bb] = parse(background);
  const [fr, fg, fb, fa] = parse(foreground);
  const mixed = [fr * fa + br * (1 - fa), fg * fa + bg * (1 - fa), fb * fa + bb * (1 - fa)];
  const luminance = (rgb: number[]) => {
    const [r, g, b] = rgb.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(mixed), luminance([br, bg, bb])].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}

/** The dark page: the displays' markup after the theme variables and a dark body. */
async function darkPage(browser: Browser, markup: string): Promise<Page> {
  const { page } = await openPage(browser, markup, { mode: "jupyterlab", width: 1100 });
  await page.evaluate((css) => {
    const { document } = globalThis as unknown as BrowserGlobals;
    const holder = document.createElement("div");
    holder.innerHTML = css;
    (document as unknown as { head: { appendChild(node: unknown): void } }).head.appendChild(
      (holder as unknown as { firstChild: unknown }).firstChild,
    );
  }, DARK_PAGE);
  return page;
}

/** A 3Dmol viewer's picture: background colour at a corner, and the inked box's share. */
async function viewerPicture(page: Page, selector: string) {
  return await page.evaluate(async (sel) => {
    const { document, Image } = globalThis as unknown as BrowserGlobals;
    const root = document.querySelector<BrowserElement & { piqViewer?: { pngURI(): string } }>(
      sel,
    )!;
    const image = new Image();
    image.src = root.piqViewer!.pngURI();
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d")!;
    context.drawImage(image, 0, 0);
    const { width, height } = canvas;
    const { data } = context.getImageData(0, 0, width, height);
    const corner = [data[0], data[1], data[2]];
    let [x0, y0, x1, y1] = [width, height, -1, -1];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        const d = Math.abs(data[i] - corner[0]) + Math.abs(data[i + 1] - corner[1]) +
          Math.abs(data[i + 2] - corner[2]);
        if (d > 60) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    return {
      corner,
      fillX: x1 >= x0 ? (x1 - x0 + 1) / width : 0,
      fillY: y1 >= y0 ? (y1 - y0 + 1) / height : 0,
    };
  }, selector);
}

withBrowser("the structure viewer is fitted: the molecule fills its frame", async (browser) => {
  for (const [name, pdb] of [["hairpin", toPdb(hairpin(30))], ["bundle", toPdb(bundle(3, 30))]]) {
    const view = await structureView(pdb, { width: 640, height: 420 });
    const { page, log } = await openPage(browser, await view.html(), { mode: "page" });
    assert.deepEqual(await waitForDisplays(page, 60_000), ["ready"]);
    const picture = await viewerPicture(page, ".piq-structure");
    assert.ok(
      Math.max(picture.fillX, picture.fillY) >= 0.75,
      `${name}: the molecule spans ${(picture.fillX * 100).toFixed(0)}% × ${
        (picture.fillY * 100).toFixed(0)
      }% of the frame`,
    );
    assert.ok(picture.fillX <= 0.995 && picture.fillY <= 0.995, `${name}: nothing is cut off`);
    assert.deepEqual(log.errors, []);
    await screenshot(page, `structure-fitted-${name}`, ".piq-structure");
    await closePage(page);
  }
});

withBrowser(
  "on a dark page charts and viewers are dark, and their text reads at 4.5:1",
  async (browser) => {
    const chart = residueProfile(
      { "Chain C": [20, 25, 30, 28, 22], "Chain D": [20, 25, 30, 28, 22] },
      { kind: "bfactor" },
    );
    const view = await structureView(toPdb(bundle(3, 30)));
    const table = renderTable([{ id: "lysozyme", mass: 14313.003999999983 }])["text/html"];
    const page = await darkPage(
      browser,
      [await chart.html(), await view.html(), table].join("\n"),
    );
    assert.deepEqual(await waitForDisplays(page, 60_000), ["ready", "ready"]);
    const themes = await page.evaluate(() => {
      const { document } = globalThis as unknown as BrowserGlobals;
      return Array.from(document.querySelectorAll(".piq-chart, .piq-structure")).map((root) =>
        root.dataset.piqTheme ?? "light"
      );
    });
    assert.deepEqual(themes, ["dark", "dark"]);
    // The viewer's own background is the page's.
    const picture = await viewerPicture(page, ".piq-structure");
    assert.deepEqual(picture.corner, [17, 17, 17]);
    // Every text of the chart (SVG text, its fill) and of the HTML parts, against the page.
    const samples = await page.evaluate(() => {
      const { document } = globalThis as unknown as BrowserGlobals;
      const style = (element: unknown) =>
        (globalThis as unknown as {
          getComputedStyle(e: unknown): { fill: string; color: string; opacity: string };
        }).getComputedStyle(element);
      const svgText = Array.from(document.querySelectorAll(".piq-chart svg text")).filter((
        text,
      ) => (text.textContent ?? "").trim()).map((text) => ({
        what: `chart text "${text.textContent}"`,
        color: style(text).fill,
      }));
      const htmlText = Array.from(
        document.querySelectorAll(".piq-structure *, .piq-table td, .piq-table th"),
      ).filter((element) =>
        Array.from(
          (element as unknown as {
            childNodes: ArrayLike<{ nodeType: number; textContent: string }>;
          })
            .childNodes,
        ).some((node) => node.nodeType === 3 && node.textContent.trim())
      ).map((element) => ({
        what: `${(element.textContent ?? "").trim().slice(0, 40)}`,
        color: style(element).color,
      }));
      return [...svgText, ...htmlText];
    });
    assert.ok(samples.length > 10, `${samples.length} texts sampled`);
    for (const sample of samples) {
      if (sample.color === "none" || sample.color.startsWith("url")) continue;
      const ratio = contrast(sample.color, "#111111");
      assert.ok(
        ratio >= 4.5,
        `${sample.what}: ${sample.color} on #111111 is ${ratio.toFixed(2)}:1`,
      );
    }
    await screenshot(page, "displays-dark");
    await closePage(page);
  },
);

withBrowser("a chart's live width follows its output area", async (browser) => {
  const chart = residueProfile([1, 3, 2, 5, 4]);
  for (const width of [600, 1300]) {
    const { page } = await openPage(browser, await chart.html(), { mode: "page", width });
    assert.deepEqual(await waitForDisplays(page, 60_000), ["ready"]);
    const drawn = await page.evaluate(() => {
      const { document } = globalThis as unknown as BrowserGlobals;
      const svg = document.querySelector(".piq-chart svg.main-svg")!;
      return Number(svg.getAttribute("width"));
    });
    // The page's body margin aside, the chart spans the area.
    assert.ok(Math.abs(drawn - (width - 16)) <= 24, `page ${width}: chart ${drawn} px wide`);
    await closePage(page);
  }
});
