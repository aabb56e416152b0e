/**
 * Every display rendered in headless Chromium (Debian's), with no network: the esm.sh URLs
 * are served from the npm packages. Checks that structure viewers draw (canvas pixels), that
 * plots have the expected number of points, that there are no console errors, that the
 * static pictures show where scripts do not run, and that hostile text never runs. Writes a
 * screenshot of each display to tests/output/screenshots/ (and, with
 * PIQ_UPDATE_DOCS_IMAGES=1, the README's pictures to docs/images/).
 * @module
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { connect, fastaInput } from "../mod.ts";
import { renderJobProgress } from "../lib/display/progress.ts";
import { renderMultiJobProgress } from "../lib/display/multi_progress.ts";
import { renderQuote } from "../lib/display/quote.ts";
import { renderJobHistory } from "../lib/display/history.ts";
import { renderTable } from "../lib/display/table.ts";
import { structureView } from "../lib/display/structure.ts";
import { jobTimeline, propertyBars, residueProfile } from "../lib/display/charts.ts";
import {
  closePage,
  launchBrowser,
  openPage,
  type PageLog,
  screenshot,
  viewerInk,
  waitForDisplays,
} from "./_browser.ts";
import { bigStructure, hairpin, helicalBundle, toMmcif, toPdb } from "./_structures.ts";
import { HOSTILE } from "./_dom.ts";
import type { BrowserGlobals, BrowserImage } from "./_browser_globals.ts";

const NOW = Date.parse("2026-06-12T08:02:00Z");
const at = (seconds: number) =>
  new Date(Date.parse("2026-06-12T08:00:00Z") + seconds * 1000).toISOString();
const DOCS_IMAGES = Deno.env.get("PIQ_UPDATE_DOCS_IMAGES") === "1";
/** The screenshots the README shows (docs/images/<name>.png). */
const README_PICTURES = new Set([
  "progress",
  "multi-progress",
  "quote",
  "history",
  "result-table",
  "structure",
  "structure-plddt",
  "structure-static",
  "chart-profile",
  "chart-properties",
  "chart-timeline",
]);

let browser: Promise<Browser> | undefined;
function sharedBrowser(): Promise<Browser> {
  browser ??= launchBrowser();
  return browser;
}

function browserTest(name: string, fn: (browser: Browser) => Promise<void>) {
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => await fn(await sharedBrowser()),
  });
}

/** A screenshot for the test output, and for the README when asked. */
async function shoot(page: Page, name: string, selector?: string): Promise<void> {
  const path = await screenshot(page, name, selector);
  if (DOCS_IMAGES && README_PICTURES.has(name)) {
    await Deno.mkdir(new URL("../docs/images/", import.meta.url), { recursive: true });
    await Deno.copyFile(path, new URL(`../docs/images/${name}.png`, import.meta.url));
  }
}

function assertClean(log: PageLog, what: string) {
  assert.deepEqual(log.errors, [], `${what}: console errors`);
  assert.deepEqual(log.blocked, [], `${what}: requests that would have left the machine`);
}

function job(name: string, status: string, progress: number, extra: Record<string, unknown> = {}) {
  return {
    id: `job_${name.replace(/\W/g, "").toLowerCase()}`,
    name,
    tool: "protein-properties",
    status,
    progress,
    credits_used: 2,
    created_at: at(0),
    started_at: status === "QUEUED" || status === "PENDING" ? null : at(3),
    completed_at:
      ["COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "BUDGET_EXCEEDED"].includes(status)
        ? at(41)
        : null,
    execution_time_seconds: null,
    error: null,
    ...extra,
  };
}

const BATCH = [
  job("Lysozyme", "COMPLETED", 100),
  job("Ubiquitin", "COMPLETED", 100),
  job("Insulin B chain", "PROCESSING", 64),
  job("Myoglobin", "PROCESSING", 22),
  job("GFP", "FAILED", 35, {
    error: "Sequence contains letters that are not amino acids: J at 17",
  }),
  job("Cytochrome c", "QUEUED", 0),
  job("Calmodulin", "RETRY", 10),
  job("Barnase", "BUDGET_EXCEEDED", 80, { credits_used: 10 }),
];

browserTest(
  "progress card, multi-job board, quote card and history render as plain HTML",
  async (b) => {
    const cards = [
      job("Lysozyme", "PROCESSING", 64),
      job("Ubiquitin", "COMPLETED", 100),
      job("GFP", "FAILED", 35, {
        error: "Sequence contains letters that are not amino acids: J at 17",
      }),
      job("Barnase", "BUDGET_EXCEEDED", 80),
    ].map((state) => renderJobProgress(state, NOW)["text/html"]).join(
      `<div style="height: 8px"></div>`,
    );
    const board = renderMultiJobProgress(
      BATCH,
      { title: "Batch of 8", startedAt: Date.parse(at(0)) },
      NOW,
    )["text/html"];
    const quote = renderQuote({
      tool: "protein-properties",
      estimated_credits: 3,
      billable_credits: 3,
      available_credits: 497,
      blocking_errors: [],
      limits: {
        active_concurrent_jobs: 1,
        max_concurrent_jobs: 5,
        daily_limit_used: 12,
        daily_limit_max: 500,
      },
      billing: { mode: "fixed" },
    })["text/html"];
    const blocked = renderQuote({
      tool: "protein-properties",
      estimated_credits: 3,
      billable_credits: 3,
      available_credits: 2,
      blocking_errors: [
        { code: "insufficient_credits", message: "This run needs 3 credits; 2 are available." },
        {
          code: "invalid_sequence",
          message: "Letter J is not an amino acid",
          path: "input.inputs[0].content",
        },
      ],
      limits: {
        active_concurrent_jobs: 5,
        max_concurrent_jobs: 5,
        daily_limit_used: 12,
        daily_limit_max: 500,
      },
      billing: { mode: "fixed" },
    })["text/html"];
    const history = renderJobHistory(BATCH, { title: "Jobs", now: NOW })["text/html"];
    for (
      const [name, markup] of [
        ["progress", cards],
        ["multi-progress", board],
        ["quote", `${quote}<div style="height: 8px"></div>${blocked}`],
        ["history", history],
      ] as const
    ) {
      for (const mode of ["jupyterlab", "untrusted"] as const) {
        const { page, log } = await openPage(
          b,
          `<div id="shot" style="display: inline-block; padding: 8px;">${markup}</div>`,
          { mode, width: 900 },
        );
        // Bars are native <progress> elements: drawn with or without styles.
        const bars = await page.locator("progress").evaluateAll((elements) =>
          elements.filter((element) =>
            (element as unknown as { getBoundingClientRect(): { width: number } })
              .getBoundingClientRect().width > 50
          ).length
        );
        if (name === "progress" || name === "multi-progress") {
          assert.ok(bars >= 4, `${name}: bars are drawn <progress> elements (${bars})`);
        }
        assertClean(log, name);
        if (mode === "jupyterlab") await shoot(page, name, "#shot");
        await closePage(page);
      }
    }
  },
);

browserTest("a sandbox result table renders with right-aligned numbers", async (b) => {
  const piq = await connect({ sandbox: { database: ":memory:", pace: "instant" }, quiet: true });
  try {
    const job = await piq.jobs.submit({
      tool: "protein-properties",
      name: "Four small proteins",
      input: fastaInput(
        ">lysozyme Hen egg-white lysozyme\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSRWWCNDGRTPGSRNLCNIPCSALLSSDITASVNCAKKIVSDGNGMNAWVAWRNRCKGTDVQAWIRGCRL\n" +
          ">ubiquitin Human ubiquitin\nMQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHL\n" +
          ">insulin_b Insulin B chain\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT\n" +
          ">melittin Bee venom melittin\nGIGAVLKVLTTGLPALISWIKRKRQQ\n",
      ),
    });
    await job.wait({ display: false });
    const result = await job.result();
    const shown =
      await (result as unknown as { [k: symbol]: () => Promise<Record<string, string>> })[
        Symbol.for("Jupyter.display")
      ]();
    const { page, log } = await openPage(
      b,
      `<div id="shot" style="display: inline-block; padding: 8px;">${shown["text/html"]}</div>`,
      { mode: "jupyterlab", width: 1400 },
    );
    const align = await page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as unknown as BrowserGlobals;
      const cells = Array.from(document.querySelectorAll("tbody tr:first-child td"));
      return cells.map((cell) => getComputedStyle(cell).textAlign);
    });
    assert.equal(align[0], "left");
    assert.ok(align.includes("right"));
    assertClean(log, "result table");
    await shoot(page, "result-table", "#shot");
    await closePage(page);
  } finally {
    await piq.close();
  }
});

browserTest(
  "the structure viewer draws in a static page, JupyterLab-style and under require.js",
  async (b) => {
    const view = await structureView(
      toPdb([
        ...helicalBundle(3, 22, { chain: "A" }),
        ...helicalBundle(4, 18, { chain: "B", offset: [30, 0, 0] }),
        ...helicalBundle(2, 26, { chain: "C", offset: [12, 26, 0] }),
      ], [
        "HEADER    DE NOVO PROTEIN                         12-JUN-26   9XYZ",
        "TITLE     THREE HELICAL BUNDLES",
      ]),
    );
    const markup = await view.html();
    for (
      const options of [{ mode: "page" as const }, { mode: "jupyterlab" as const }, {
        mode: "page" as const,
        requireJs: true,
      }]
    ) {
      const { page, log } = await openPage(b, markup, options);
      assert.deepEqual(await waitForDisplays(page, 60_000), ["ready"]);
      const ink = await viewerInk(page);
      assert.ok(
        ink > 0.01,
        `the canvas is drawn (${(ink * 100).toFixed(1)}% ink, ${JSON.stringify(options)})`,
      );
      const hidden = await page.evaluate(() => {
        const { document, getComputedStyle } = globalThis as unknown as BrowserGlobals;
        return getComputedStyle(document.querySelector("[data-piq-static]")!).visibility;
      });
      assert.equal(hidden, "hidden", "the live viewer replaced the picture");
      assertClean(log, `structure ${JSON.stringify(options)}`);
      assert.equal(log.served.length, 1);
      if (options.mode === "jupyterlab") await shoot(page, "structure", ".piq-structure");
      await closePage(page);
    }
    // Where scripts do not run, the static picture shows.
    const { page, log } = await openPage(b, markup, { mode: "untrusted" });
    const picture = await page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as unknown as BrowserGlobals;
      const img = document.querySelector<BrowserImage>("img[data-piq-static]")!;
      return {
        loaded: img.complete && img.naturalWidth > 0,
        visible: getComputedStyle(img).visibility,
      };
    });
    assert.deepEqual(picture, { loaded: true, visible: "visible" });
    assertClean(log, "structure untrusted");
    await shoot(page, "structure-static", ".piq-structure");
    await closePage(page);
  },
);

browserTest(
  "pLDDT colouring from mmCIF, offline inlining, and a 50 000-atom structure",
  async (b) => {
    const predicted = toMmcif(
      [
        ...helicalBundle(4, 20, {
          chain: "A",
          b: (i) => Math.max(25, 97 - Math.abs(45 - i) * 1.1),
        }),
        ...helicalBundle(2, 16, { chain: "B", offset: [26, 4, 0], b: (i) => 45 + (i % 20) * 2 }),
      ],
      "Predicted dimer (ALPHAFOLD-style pLDDT)",
    );
    const plddt = await structureView(predicted, { offline: true });
    assert.equal(plddt.coloring, "plddt");
    {
      const { page, log } = await openPage(b, await plddt.html(), { mode: "jupyterlab" });
      assert.deepEqual(await waitForDisplays(page, 60_000), ["ready"]);
      assert.ok(await viewerInk(page) > 0.01);
      assert.deepEqual(log.served, [], "offline: nothing fetched");
      assertClean(log, "offline pLDDT structure");
      await shoot(page, "structure-plddt", ".piq-structure");
      await closePage(page);
    }
    const big = await structureView(toPdb(bigStructure(50_000)));
    const { page, log } = await openPage(b, await big.html(), { mode: "jupyterlab" });
    await page.evaluate(() => {
      (globalThis as unknown as { longTasks: number[] }).longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          (globalThis as unknown as { longTasks: number[] }).longTasks.push(entry.duration);
        }
      }).observe({ type: "longtask", buffered: true });
    });
    // The picture is there at once; the viewer follows.
    const pictureFirst = await page.evaluate(() => {
      const { document } = globalThis as unknown as BrowserGlobals;
      return document.querySelector<BrowserImage>("img[data-piq-static]")!.complete;
    });
    assert.ok(pictureFirst);
    assert.deepEqual(await waitForDisplays(page, 120_000), ["ready"]);
    assert.ok(await viewerInk(page) > 0.01);
    assertClean(log, "big structure");
    await shoot(page, "structure-big", ".piq-structure");
    await closePage(page);
  },
);

/** Plot points drawn by plotly in the chart on the page. */
function plotPoints(page: Page) {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as BrowserGlobals;
    const plot = document.querySelector(".piq-chart [data-piq-plot]")!;
    const line = plot.querySelector(".scatterlayer .js-line");
    return {
      markers: plot.querySelectorAll(".scatterlayer .point").length,
      bars: plot.querySelectorAll(".barlayer .point").length,
      lineVertices: line ? (line.getAttribute("d")!.match(/[ML]/g) ?? []).length : 0,
      svg: plot.querySelectorAll("svg.main-svg").length,
    };
  });
}

browserTest(
  "charts draw with plotly: the expected number of points, static picture otherwise",
  async (b) => {
    const profile = residueProfile(
      Array.from(
        { length: 50 },
        (_, i) => 55 + 40 * Math.sin(i / 6),
      ),
      { kind: "plddt", title: "Predicted confidence, chain A" },
    );
    const records = [
      { id: "lysozyme", isoelectric_point: 9.32 },
      { id: "ubiquitin", isoelectric_point: 6.56 },
      { id: "insulin_b", isoelectric_point: 6.9 },
      { id: "melittin", isoelectric_point: 12.02 },
      { id: "myoglobin", isoelectric_point: 7.36 },
    ];
    const bars = propertyBars({
      records,
      fields: [{ id: "id", label: "Protein" }, {
        id: "isoelectric_point",
        label: "Isoelectric point",
      }],
    }, {
      x: "id",
      y: "isoelectric_point",
      sort: "descending",
    });
    const timeline = jobTimeline(BATCH, { now: NOW });
    const cases = [
      {
        name: "chart-profile",
        chart: profile,
        check: (p: Awaited<ReturnType<typeof plotPoints>>) => assert.equal(p.markers, 50),
      },
      {
        name: "chart-properties",
        chart: bars,
        check: (p: Awaited<ReturnType<typeof plotPoints>>) => assert.equal(p.bars, 5),
      },
      {
        name: "chart-timeline",
        chart: timeline,
        check: (p: Awaited<ReturnType<typeof plotPoints>>) =>
          assert.equal(
            p.bars,
            timeline.model.ranges!.reduce((n, group) => n + group.items.length, 0),
          ),
      },
    ];
    for (const { name, chart, check } of cases) {
      const markup = await chart.html();
      for (
        const options of [{ mode: "jupyterlab" as const }, {
          mode: "page" as const,
          requireJs: true,
          esmShConversion: true,
        }]
      ) {
        const { page, log } = await openPage(b, markup, options);
        assert.deepEqual(
          await waitForDisplays(page, 60_000),
          ["ready"],
          `${name} ${JSON.stringify(options)}`,
        );
        const points = await plotPoints(page);
        assert.ok(points.svg >= 1, "plotly drew its SVG");
        check(points);
        assertClean(log, name);
        if (options.mode === "jupyterlab") await shoot(page, name, ".piq-chart");
        await closePage(page);
      }
      const { page, log } = await openPage(b, markup, { mode: "untrusted" });
      const loaded = await page.evaluate(() => {
        const { document } = globalThis as unknown as BrowserGlobals;
        const img = document.querySelector<BrowserImage>(".piq-chart img")!;
        return img.complete && img.naturalWidth > 0;
      });
      assert.ok(loaded, `${name}: static picture`);
      assertClean(log, `${name} untrusted`);
      if (name === "chart-profile") await shoot(page, "chart-static", ".piq-chart");
      await closePage(page);
    }
  },
);

browserTest("hostile names, tool output, PDB lines and file names never run", async (b) => {
  const hostileJob = job(HOSTILE, "FAILED", 10, { error: HOSTILE, tool: HOSTILE, id: HOSTILE });
  const structure = await structureView(
    toPdb(hairpin(30).map((atom, i) => (i < 6 ? { ...atom, resName: "<i>" } : atom)), [
      `HEADER    ${HOSTILE}`,
      `TITLE     ${HOSTILE}`,
      `REMARK 350 ${HOSTILE}`,
    ]),
    { title: HOSTILE },
  );
  const chart = propertyBars([{ id: HOSTILE, v: 1 }, {
    id: `'" onmouseover="window.__pwned=3`,
    v: 2,
  }], {
    y: "v",
    title: HOSTILE,
  });
  const timeline = jobTimeline([{
    ...hostileJob,
    created_at: at(0),
    started_at: at(1),
    completed_at: at(3),
  }], { now: NOW });
  const markup = [
    renderJobProgress(hostileJob, NOW)["text/html"],
    renderMultiJobProgress([hostileJob], { title: HOSTILE }, NOW)["text/html"],
    renderJobHistory([hostileJob], { title: HOSTILE })["text/html"],
    renderTable([{ [HOSTILE]: HOSTILE, n: 1 }], { title: HOSTILE })["text/html"],
    await structure.html(),
    await chart.html(),
    await timeline.html(),
  ].join("\n");
  for (const mode of ["page", "jupyterlab"] as const) {
    const { page, log } = await openPage(b, markup, { mode });
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    assert.deepEqual(await waitForDisplays(page, 60_000), ["ready", "ready", "ready"]);
    // Hover every bar: an injected handler would fire now.
    for (const point of await page.locator(".barlayer .point").all()) {
      await point.hover({ force: true });
    }
    const pwned = await page.evaluate(() =>
      (globalThis as unknown as { __pwned?: unknown }).__pwned
    );
    assert.equal(pwned, undefined, `${mode}: injected script ran`);
    assert.deepEqual(dialogs, []);
    const text = await page.evaluate(() =>
      (globalThis as unknown as BrowserGlobals).document.body.innerText
    );
    assert.ok(text.includes("onerror="), "the hostile text is shown as text");
    assertClean(log, `hostile ${mode}`);
    await closePage(page);
  }
});
