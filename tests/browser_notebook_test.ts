/**
 * Notebooks in real Jupyter front ends, driven by headless Chromium:
 *
 * 1. The classic Notebook 6 front end (Debian's `jupyter-notebook`) on a free local port:
 *    the quickstart notebook is opened, run with "Run All", and its DOM sampled while the
 *    job's progress card updates in place through several states to Completed; then an
 *    executed copy is reopened untrusted (sanitized HTML, no scripts) and every display's
 *    readable fallback is checked: its text there, and its words apart.
 * 2. The looking-at-results notebook executed by nbconvert (Deno kernel) against a fresh
 *    embedded sandbox and exported to HTML, opened as a reader opens the exported file — with
 *    the template's require.js and MathJax in the page (stand-ins from npm, since Debian's
 *    template points at local files): every structure and chart renders interactively, and
 *    shows its static picture without scripts.
 *
 * Each test starts its own Jupyter (private kernel spec, config and data directories), waits
 * with bounds, and stops its server in `finally`.
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
import type { BrowserElement, BrowserGlobals, BrowserImage } from "./_browser_globals.ts";
import {
  type ClassicPage,
  jupyterHome,
  nbconvert,
  type Notebook,
  openClassic,
  portableNotebook,
  sourceOf,
  startNotebookServer,
  waitForRunAll,
} from "./_notebook_server.ts";

const QUICKSTART = "01-quickstart.ipynb";
const NOTEBOOK = "02-looking-at-results.ipynb";

type ClassicGlobals = ClassicPage & {
  piqSamples?: { at: number; outputs: number; texts: string[] }[];
  piqSampler?: number;
};

/** One display of a reopened (untrusted) notebook, as the reader sees it. */
interface Shown {
  cell: number;
  plain: string;
  html: boolean;
  text: string;
  pictures: number;
  picturesLoaded: number;
  /** Words that exist only because two elements' texts touch. */
  glued: string[];
}

const SEPARATORS = String.raw`\s·,:;()\[\]—–|/`;

/** Whether `word` stands apart in `text`: nothing but spaces or separators on either side. */
function standsApart(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[${SEPARATORS}])${escaped}($|[${SEPARATORS}.…])`, "u").test(text);
}

Deno.test({
  name:
    "classic Notebook 6: Run All updates the progress card in place; untrusted, every display stays readable",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const home = await jupyterHome("piq-nb6-");
    const notebook = await portableNotebook(QUICKSTART);
    // The cell that waits for a job with its live display (not `{ display: false }`).
    const waitCell = notebook.cells.findIndex((cell) =>
      cell.cell_type === "code" && /\.wait\(\s*\)/.test(sourceOf(cell))
    );
    assert.ok(waitCell >= 0, "the quickstart waits for a job with its live display");
    await Deno.writeTextFile(join(home.work, "quickstart.ipynb"), JSON.stringify(notebook));
    const server = await startNotebookServer(home);
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await openClassic(
        page,
        `${server.url}notebooks/quickstart.ipynb?token=${server.token}`,
        90_000,
      );

      // Sample the waiting cell's outputs every 20 ms while the notebook runs.
      await page.evaluate((index) => {
        const g = globalThis as unknown as ClassicGlobals;
        g.piqSamples = [];
        const cell = g.Jupyter.notebook.get_cells()[index];
        let last = "";
        g.piqSampler = g.setInterval(() => {
          const areas = Array.from(
            cell.output_area.element[0].querySelectorAll(".output_area"),
          ) as BrowserElement[];
          // The output itself, not its "Out[n]:" prompt.
          const texts = areas.map((area) =>
            (area.querySelector(".output_subarea")?.innerText ?? "").trim().replace(/\s+/g, " ")
          );
          const key = JSON.stringify(texts);
          if (key === last) return;
          last = key;
          g.piqSamples!.push({ at: Date.now(), outputs: areas.length, texts });
        }, 20);
        g.Jupyter.notebook.execute_all_cells();
      }, waitCell);
      await waitForRunAll(page, 240_000);
      const run = await page.evaluate(() => {
        const g = globalThis as unknown as ClassicGlobals;
        g.clearInterval(g.piqSampler!);
        return {
          samples: g.piqSamples!,
          errors: g.Jupyter.notebook.get_cells().flatMap((cell, i) =>
            cell.output_area?.outputs.filter((output) => output.output_type === "error")
              .map((output) => `cell ${i}: ${JSON.stringify(output).slice(0, 400)}`) ?? []
          ),
          outputs: g.Jupyter.notebook.get_cells().map((cell) =>
            cell.output_area?.outputs.length ?? 0
          ),
        };
      });
      await screenshot(page, "notebook6-run-all");
      assert.deepEqual(run.errors, [], "no cell failed");
      assert.deepEqual(errors, [], "no uncaught errors in the page");

      // The card updated in place: one output with text all along, through ≥ 3 states to
      // Completed (its words change: status, bar, elapsed time).
      const shown = run.samples.filter((sample) => sample.texts.some(Boolean));
      assert.ok(shown.length > 0, "the progress card showed");
      for (const sample of shown) {
        assert.equal(
          sample.texts.filter(Boolean).length,
          1,
          `one card, updated in place: ${JSON.stringify(sample.texts)}`,
        );
      }
      const states = [...new Set(shown.map((sample) => sample.texts.filter(Boolean)[0]))];
      assert.ok(
        states.length >= 3,
        `the card went through ${states.length} states: ${states.join(" | ")}`,
      );
      assert.match(states[states.length - 1], /Completed/, "it ends on Completed");
      assert.ok(!/Completed/.test(states[0]), `it started before completion: ${states[0]}`);

      // Save (the front end signs what it ran), then make an unsigned copy: opened, it is
      // untrusted — sanitized HTML, no scripts.
      await page.evaluate(async () => {
        const { Jupyter } = globalThis as unknown as ClassicGlobals;
        await Jupyter.notebook.save_notebook();
      });
      await page.waitForFunction(
        () => !(globalThis as unknown as ClassicGlobals).Jupyter.notebook.dirty,
        undefined,
        { timeout: 30_000, polling: 200 },
      );
      const executed = JSON.parse(
        await Deno.readTextFile(join(home.work, "quickstart.ipynb")),
      ) as Notebook;
      assert.ok(executed.cells[waitCell].outputs!.length > 0, "the saved notebook has the card");
      executed.metadata.piq_copy = "reopened untrusted";
      await Deno.writeTextFile(join(home.work, "untrusted.ipynb"), JSON.stringify(executed));
      await page.close();

      const reader = await context.newPage();
      const readerErrors: string[] = [];
      reader.on("pageerror", (error) => readerErrors.push(error.message));
      await openClassic(
        reader,
        `${server.url}notebooks/untrusted.ipynb?token=${server.token}`,
        90_000,
      );
      const displays = await reader.evaluate(() => {
        const { Jupyter } = globalThis as unknown as ClassicGlobals;
        const found: Shown[] = [];
        Jupyter.notebook.get_cells().forEach((cell, index) => {
          if (cell.cell_type !== "code") return;
          const areas = Array.from(
            cell.output_area.element[0].querySelectorAll(".output_area"),
          ) as BrowserElement[];
          cell.output_area.outputs.forEach((output, i) => {
            if (!output.data) return;
            const area = areas[i];
            const images = Array.from(
              area?.querySelectorAll<BrowserImage>("img[data-piq-static]") ?? [],
            );
            const plain = output.data["text/plain"];
            // Words the reader sees that no single text node holds: text from two elements
            // run together because only (stripped) styles kept them apart.
            const subarea = area?.querySelector(".output_subarea");
            const pieces: string[] = [];
            const walk = (
              node: {
                nodeType: number;
                textContent: string | null;
                childNodes: ArrayLike<unknown>;
              },
            ) => {
              if (node.nodeType === 3) pieces.push(node.textContent ?? "");
              for (const child of Array.from(node.childNodes)) walk(child as typeof node);
            };
            if (subarea) walk(subarea as unknown as Parameters<typeof walk>[0]);
            const glued = (subarea?.innerText ?? "").split(/\s+/)
              .map((word) => word.replace(/^[·,:;()[\]—–|/."'…]+|[·,:;()[\]—–|/."'…]+$/g, ""))
              .filter((word) => word && !pieces.some((piece) => piece.includes(word)));
            found.push({
              cell: index,
              plain: typeof plain === "string" ? plain : Array.isArray(plain) ? plain.join("") : "",
              html: "text/html" in output.data,
              text: area?.querySelector(".output_subarea")?.innerText ?? "",
              pictures: images.length,
              picturesLoaded: images.filter((img) => img.complete && img.naturalWidth > 0).length,
              glued: [...new Set(glued)],
            });
          });
        });
        return {
          trusted: Jupyter.notebook.trusted,
          scripts: Array.from(
            (globalThis as unknown as BrowserGlobals).document.querySelectorAll(
              ".output_area script",
            ),
          ).length,
          found,
        };
      });
      await screenshot(reader, "notebook6-untrusted");
      assert.equal(displays.trusted, false, "the copy opens untrusted");
      assert.equal(displays.scripts, 0, "no output script survives");
      const rich = displays.found.filter((display) => display.html);
      assert.ok(rich.length >= 4, `${rich.length} HTML displays`);
      for (const display of rich) {
        const what = `cell ${display.cell}: ${display.plain.split("\n")[0].slice(0, 80)}`;
        assert.ok(display.text.trim().length > 0, `${what}: shows text`);
        assert.equal(display.picturesLoaded, display.pictures, `${what}: its pictures load`);
        // Job ids never run into the status or the next word.
        for (const id of display.plain.match(/\bjob_[A-Za-z0-9]+/g) ?? []) {
          assert.ok(
            standsApart(display.text, id),
            `${what}: job id ${id} stands apart in\n${display.text}`,
          );
        }
        // Nothing runs together: every word the reader sees is one element's text.
        assert.deepEqual(
          display.glued,
          [],
          `${what}: words run together: ${display.glued.slice(0, 20).join(" | ")}\n${
            display.text.slice(0, 1500)
          }`,
        );
      }
      assert.deepEqual(readerErrors, [], "no uncaught errors in the reopened page");
      // No empty "Out[n]:" under the card: the wait shows exactly one output.
      assert.equal(run.outputs[waitCell], 1, "the waiting cell shows exactly one output");
    } catch (error) {
      throw new Error(
        `${error instanceof Error ? error.message : error}\n--- server log:\n${
          server.log().slice(-3000)
        }`,
        { cause: error },
      );
    } finally {
      await browser.close();
      await server.stop();
      await Deno.remove(home.dir, { recursive: true }).catch(() => {});
    }
  },
});

async function exportNotebook(): Promise<{ html: string; dir: string }> {
  const home = await jupyterHome("piq-nb02-");
  await Deno.writeTextFile(
    join(home.work, NOTEBOOK),
    JSON.stringify(await portableNotebook(NOTEBOOK)),
  );
  await nbconvert(home, [
    "--to",
    "html",
    "--execute",
    "--ExecutePreprocessor.timeout=300",
    "--ExecutePreprocessor.kernel_name=deno",
    NOTEBOOK,
  ]);
  return {
    html: await Deno.readTextFile(join(home.work, NOTEBOOK.replace(".ipynb", ".html"))),
    dir: home.dir,
  };
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
    let dir = "";
    const browser = await launchBrowser();
    try {
      const { html: exported, dir: home } = await exportNotebook();
      dir = home;
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
      if (dir) await Deno.remove(dir, { recursive: true });
    }
  },
});
