/**
 * Display figures, measured in one run:
 *
 * 1. A 100 000-row result table: render time and HTML size (cap 300 KB), next to a
 *    1 000-row one.
 * 2. A 50 000-atom structure: parse, static picture (SVG + PNG), and whole-bundle times,
 *    HTML and PNG sizes and atoms sent to the viewer — next to a 1 000-atom one; and, when
 *    Chromium is installed, in headless Chromium (SwiftShader, software WebGL): time until
 *    the viewer is ready and the longest main-thread task.
 * 3. 1 000 progress events: how many updates reach the kernel and how long the calls take,
 *    as a burst (a synchronous loop) and spread over 2 s (one event every 2 ms), for one job
 *    and for a 50-job board.
 * 4. Charts: bundle time and size of a 1 000-residue profile; offline (inlined plotly.js)
 *    HTML size.
 * 5. A notebook with 10 charts and 5 structures, offline, executed by Jupyter (nbconvert,
 *    Deno kernel): its size next to one copy of each library plus the data (goal ≤ 1.2×),
 *    and, in Chromium, the time to render its nbconvert HTML until every display is live,
 *    with the longest main-thread task (a frozen tab shows as one long task).
 *
 * 6. notebooks/02-looking-at-results.ipynb with offline on, "Run All" in the classic Notebook 6
 *    front end: run time, longest main-thread task and longest heartbeat gap (the tab freeze),
 *    saved size — next to a copy in every output.
 *
 * Run: `deno run -A bench/display_bench.ts` (a few minutes; `--no-browser` skips Chromium,
 * `--no-notebook` skips 5 and 6, `--only-notebook` runs only 5 and 6, `--only-classic` only 6).
 * @module
 */
import { renderTable } from "../lib/display/table.ts";
import { structureView } from "../lib/display/structure.ts";
import { parseStructure } from "../lib/display/_structure_parse.ts";
import { LiveProgress, type ProgressState } from "../lib/display/progress.ts";
import { MultiJobProgress } from "../lib/display/multi_progress.ts";
import { residueProfile } from "../lib/display/charts.ts";
import { configureDisplays, librarySource, PLOTLY, THREEDMOL } from "../lib/display/assets.ts";
import { join } from "node:path";
import { bigStructure, toPdb } from "../tests/_structures.ts";
import type { BrowserGlobals } from "../tests/_browser_globals.ts";

const BROWSER = !Deno.args.includes("--no-browser");
const NOTEBOOK = !Deno.args.includes("--no-notebook");
const ONLY_CLASSIC = Deno.args.includes("--only-classic");
const ONLY_NOTEBOOK = Deno.args.includes("--only-notebook") || ONLY_CLASSIC;
const rows: [string, string][] = [];
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

function report(name: string, value: string) {
  rows.push([name, value]);
  console.log(`${name.padEnd(58)} ${value}`);
}

async function time<T>(fn: () => T | Promise<T>, repeat = 1): Promise<{ value: T; ms: number }> {
  let value = await fn();
  const start = performance.now();
  for (let i = 0; i < repeat; i++) value = await fn();
  return { value, ms: (performance.now() - start) / repeat };
}

// ---------------------------------------------------------------- tables
if (!ONLY_NOTEBOOK) {
  const columns = [
    { id: "id", label: "ID" },
    { id: "length", label: "Length", unit: "aa", digits: 0 },
    { id: "molecular_weight", label: "Molecular weight", unit: "Da", digits: 2 },
    { id: "isoelectric_point", label: "Isoelectric point", digits: 2 },
    { id: "gravy", label: "GRAVY", digits: 3 },
    { id: "description", label: "Description" },
  ];
  const make = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: `protein_${i}`,
      length: 100 + (i % 900),
      molecular_weight: 11_000 + i * 1.37,
      isoelectric_point: 4 + (i % 80) / 10,
      gravy: Math.sin(i) / 2,
      description: `Sequence number ${i} of the benchmark set`,
    }));
  for (const n of [1_000, 100_000]) {
    const records = make(n);
    const { value, ms: took } = await time(() => renderTable(records, { columns }), 20);
    const html = new TextEncoder().encode(value["text/html"] as string).length;
    report(`table ${n.toLocaleString("en-US")} rows: render`, ms(took));
    report(`table ${n.toLocaleString("en-US")} rows: HTML size (cap 300 KB)`, kb(html));
  }
}

// ---------------------------------------------------------------- structures
let bigHtml = "";
if (!ONLY_NOTEBOOK) {
  for (const atoms of [1_000, 50_000]) {
    const pdb = toPdb(bigStructure(atoms));
    const label = `structure ${atoms.toLocaleString("en-US")} atoms`;
    const parsed = await time(() => parseStructure(pdb), 3);
    report(`${label}: parse PDB (${kb(pdb.length)})`, ms(parsed.ms));
    const view = await structureView(pdb);
    const svg = await time(() => view.toSVG(), 3);
    report(`${label}: static picture SVG`, `${ms(svg.ms)} (${kb(svg.value.length)})`);
    const png = await time(() => view.toPNG(), 3);
    report(`${label}: static picture PNG (resvg)`, `${ms(png.ms)} (${kb(png.value.length)})`);
    const bundle = await time(async () => await (await structureView(pdb)).bundle(), 3);
    const html = bundle.value["text/html"] as string;
    report(`${label}: whole bundle (parse → HTML + PNG)`, ms(bundle.ms));
    report(`${label}: HTML size`, kb(html.length));
    report(
      `${label}: atoms sent to the viewer`,
      view.description.includes("backbone") ? "backbone only" : "all",
    );
    if (atoms === 50_000) bigHtml = html;
  }
}

if (BROWSER && !ONLY_NOTEBOOK) {
  const { chromiumAvailable, closePage, launchBrowser, openPage } = await import(
    "../tests/_browser.ts"
  );
  if (chromiumAvailable()) {
    const browser = await launchBrowser();
    try {
      for (let run = 0; run < 2; run++) {
        const { page } = await openPage(browser, bigHtml, { mode: "jupyterlab" });
        const started = performance.now();
        await page.evaluate(() => {
          const store = globalThis as unknown as { longTasks: number[] };
          store.longTasks = [];
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) store.longTasks.push(entry.duration);
          }).observe({ type: "longtask", buffered: true });
        });
        await page.waitForFunction(
          () => {
            const { document } = globalThis as unknown as BrowserGlobals;
            return document.querySelector(".piq-structure")?.dataset.piqState === "ready";
          },
          undefined,
          {
            timeout: 180_000,
            polling: 50,
          },
        );
        const ready = performance.now() - started;
        const longest = await page.evaluate(() =>
          Math.max(0, ...(globalThis as unknown as { longTasks: number[] }).longTasks)
        );
        report(`structure 50,000 atoms: Chromium viewer ready (run ${run + 1})`, ms(ready));
        report(`structure 50,000 atoms: longest main-thread task (run ${run + 1})`, ms(longest));
        await closePage(page);
      }
    } finally {
      await browser.close();
    }
  } else {
    report("structure 50,000 atoms in Chromium", "skipped (no /usr/bin/chromium)");
  }
}

// ---------------------------------------------------------------- progress
function state(i: number, total: number): ProgressState {
  return {
    id: "job_bench",
    name: "Benchmark job",
    tool: "protein-properties",
    status: i === total - 1 ? "COMPLETED" : "PROCESSING",
    progress: (i / total) * 100,
    credits_used: 3,
    created_at: new Date().toISOString(),
  };
}

if (!ONLY_NOTEBOOK) {
  for (const spread of [false, true]) {
    let sent = 0;
    let bytes = 0;
    const live = new LiveProgress({
      broadcast: (_type, content) => {
        sent++;
        bytes += JSON.stringify(content).length;
      },
    });
    const start = performance.now();
    let calls = 0;
    for (let i = 0; i < 1000; i++) {
      const t0 = performance.now();
      live.update(state(i, 1000));
      calls += performance.now() - t0;
      if (spread) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await live.finish();
    const wall = performance.now() - start;
    const label = spread ? "1 000 progress events over ~2 s" : "1 000 progress events in a burst";
    report(
      `${label}: updates sent`,
      `${sent} (${(sent / (wall / 1000)).toFixed(1)}/s over ${ms(wall)})`,
    );
    report(`${label}: time in update() per event`, `${((calls / 1000) * 1000).toFixed(1)} µs`);
    report(`${label}: bytes per update`, `${(bytes / Math.max(1, sent)).toFixed(0)} B`);
  }
}

if (!ONLY_NOTEBOOK) {
  let sent = 0;
  let bytes = 0;
  const board = new MultiJobProgress({
    broadcast: (_type, content) => {
      sent++;
      bytes += JSON.stringify(content).length;
    },
  });
  const start = performance.now();
  for (let i = 0; i < 1000; i++) {
    const job = i % 50;
    board.update({
      id: `job_${job}`,
      name: `Job ${job}`,
      status: i >= 950 ? "COMPLETED" : "PROCESSING",
      progress: i / 10,
      credits_used: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await board.finish();
  const wall = performance.now() - start;
  report(
    "50-job board, 1 000 events over ~2 s: updates sent",
    `${sent} (${(sent / (wall / 1000)).toFixed(1)}/s), ${kb(bytes / Math.max(1, sent))} each`,
  );
}

// ---------------------------------------------------------------- charts
if (!ONLY_NOTEBOOK) {
  const values = Array.from(
    { length: 1000 },
    (_, i) => 50 + 40 * Math.sin(i / 25),
  );
  const bundle = await time(() => residueProfile(values, { kind: "plddt" }).bundle(), 5);
  report("chart 1 000-residue profile: bundle (figure + PNG + HTML)", ms(bundle.ms));
  report(
    "chart 1 000-residue profile: HTML size",
    kb((bundle.value["text/html"] as string).length),
  );
  configureDisplays({ offline: true });
  const offline = await residueProfile(values, { kind: "plddt" }).html();
  const later = await residueProfile(values, { kind: "plddt" }).html();
  configureDisplays({ offline: false });
  report("chart offline, first of the session (carries plotly.js): HTML", kb(offline.length));
  report("chart offline, later ones: HTML size", kb(later.length));
}

// ---------------------------------------------------------------- offline notebook
/**
 * The offline notebook, executed and exported, measured. `everyOutput` re-arms the inlining
 * before each display, so every output carries its own (gzipped) copy: the cost of inlining
 * per output, though smaller than the raw per-output copies this design replaced.
 */
async function offlineNotebook(label: string, everyOutput: boolean) {
  const { jupyterHome, nbconvert, ROOT } = await import("../tests/_notebook_server.ts");
  const home = await jupyterHome("piq-bench-nb-");
  const rearm = everyOutput ? "configureDisplays({ offline: true });\n" : "";
  try {
    const code = (source: string) => ({
      cell_type: "code",
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    });
    const structures = ["complex.pdb", "complex.cif", "helix.pdb", "nmr.pdb", "complex.pdb"];
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: "deno", display_name: "Deno", language: "typescript" },
        language_info: { name: "typescript" },
      },
      cells: [
        code(
          `import { configureDisplays, residueProfile, structureView } from "${ROOT}/mod.ts";\nconfigureDisplays({ offline: true });`,
        ),
        ...Array.from({ length: 10 }, (_, k) =>
          code(
            `${rearm}residueProfile(Array.from({ length: 300 }, (_, i) => 55 + 40 * Math.sin(i / ${
              7 + k
            })), { kind: "plddt", title: "Chart ${k + 1}" })`,
          )),
        ...structures.map((file, k) =>
          code(
            `${rearm}await structureView("${ROOT}/tests/fixtures/structures/${file}", { title: "Structure ${
              k + 1
            }" })`,
          )
        ),
      ],
    };
    await Deno.writeTextFile(join(home.work, "offline.ipynb"), JSON.stringify(notebook));
    const started = performance.now();
    await nbconvert(home, [
      "--to",
      "notebook",
      "--execute",
      "--ExecutePreprocessor.timeout=300",
      "--ExecutePreprocessor.kernel_name=deno",
      "--output",
      "executed.ipynb",
      "offline.ipynb",
    ]);
    report(`${label} (10 charts, 5 structures): execute`, ms(performance.now() - started));
    const executed = await Deno.readTextFile(join(home.work, "executed.ipynb"));
    const size = new TextEncoder().encode(executed).length;
    // The inlined copies, as they sit in the .ipynb (base64: no JSON escaping).
    const copies = [
      ...executed.matchAll(/piqAssets\.define\(\\"([^\\"]+)\\", \\"([A-Za-z0-9+/=]+)\\"\)/g),
    ];
    const inlined = copies.reduce((sum, match) => sum + match[2].length, 0);
    const libraries = (await librarySource(PLOTLY)).length +
      (await librarySource(THREEDMOL)).length;
    const data = size - inlined;
    report(
      `${label}: library copies inlined`,
      `${copies.length} (${[...new Set(copies.map((match) => match[1]))].join(", ") || "none"})`,
    );
    report(`${label}: .ipynb size`, kb(size));
    report(`${label}: one copy of each library (raw) + data`, kb(libraries + data));
    report(
      `${label}: size ÷ (one copy each + data), goal ≤ 1.2`,
      `${(size / (libraries + data)).toFixed(2)}×`,
    );
    await nbconvert(home, ["--to", "html", "executed.ipynb"]);
    const exported = await Deno.readTextFile(join(home.work, "executed.html"));
    report(`${label}: nbconvert HTML size`, kb(new TextEncoder().encode(exported).length));
    if (BROWSER) {
      const { chromiumAvailable, closePage, launchBrowser, openPage, waitForDisplays } =
        await import("../tests/_browser.ts");
      if (chromiumAvailable()) {
        const browser = await launchBrowser();
        try {
          // The template's head scripts point at local files on Debian: our stand-ins.
          const page = exported
            .replace(
              /src="[^"]*require(\.min)?\.js"/g,
              'src="https://cdn.test/requirejs/require.js"',
            )
            .replace(/src="[^"]*MathJax\.js[^"]*"/g, 'src="https://cdn.test/mathjax/MathJax.js"');
          for (let run = 0; run < (everyOutput ? 1 : 2); run++) {
            const t0 = performance.now();
            const opened = await openPage(browser, page, { mode: "document", width: 1200 });
            const loaded = performance.now() - t0;
            await opened.page.evaluate(() => {
              const store = globalThis as unknown as { longTasks: number[] };
              store.longTasks = [];
              new PerformanceObserver((list) => {
                for (const entry of list.getEntries()) store.longTasks.push(entry.duration);
              }).observe({ type: "longtask", buffered: true });
            });
            const states = await waitForDisplays(opened.page, 180_000);
            const live = performance.now() - t0;
            const longest = await opened.page.evaluate(() =>
              Math.max(0, ...(globalThis as unknown as { longTasks: number[] }).longTasks)
            );
            const ready = states.filter((state) => state === "ready").length;
            report(`${label} in Chromium (run ${run + 1}): page loaded`, ms(loaded));
            report(
              `${label} in Chromium (run ${run + 1}): all ${states.length} displays live`,
              `${ms(live)} (${ready} ready, ${opened.log.served.length} fetched)`,
            );
            report(
              `${label} in Chromium (run ${run + 1}): longest main-thread task`,
              ms(longest),
            );
            await closePage(opened.page);
          }
        } finally {
          await browser.close();
        }
      }
    }
  } finally {
    await Deno.remove(home.dir, { recursive: true }).catch(() => {});
  }
}

/**
 * notebooks/02-looking-at-results.ipynb with offline on, run with "Run All" in the classic
 * Notebook 6 front end in Chromium: how long the run takes, the longest main-thread task and
 * the longest gap of a 100 ms heartbeat (a frozen tab shows as one long gap), and the saved
 * notebook's size.
 */
async function classicOffline(label: string, everyOutput: boolean) {
  const { chromiumAvailable, launchBrowser } = await import("../tests/_browser.ts");
  if (!chromiumAvailable()) return report(label, "skipped (no /usr/bin/chromium)");
  const server = await import("../tests/_notebook_server.ts");
  const home = await server.jupyterHome("piq-bench-nb6-");
  const notebook = await server.portableNotebook("02-looking-at-results.ipynb");
  const first = notebook.cells.findIndex((cell) => cell.cell_type === "code");
  if (everyOutput) {
    for (const cell of notebook.cells.slice(first + 1)) {
      if (cell.cell_type === "code") {
        cell.source = `configureDisplays({ offline: true });\n${server.sourceOf(cell)}`;
      }
    }
  }
  notebook.cells.splice(first + 1, 0, {
    cell_type: "code",
    metadata: {},
    execution_count: null,
    outputs: [],
    source:
      `import { configureDisplays } from "${server.ROOT}/mod.ts";\nconfigureDisplays({ offline: true });`,
  });
  await Deno.writeTextFile(join(home.work, "results.ipynb"), JSON.stringify(notebook));
  const jupyter = await server.startNotebookServer(home);
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } }))
      .newPage();
    await server.openClassic(
      page,
      `${jupyter.url}notebooks/results.ipynb?token=${jupyter.token}`,
      120_000,
    );
    await page.evaluate(() => {
      const store = globalThis as unknown as {
        longTasks: number[];
        gap: number;
        setInterval(fn: () => void, ms: number): number;
      };
      store.longTasks = [];
      store.gap = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) store.longTasks.push(entry.duration);
      }).observe({ type: "longtask", buffered: true });
      let last = performance.now();
      store.setInterval(() => {
        const now = performance.now();
        store.gap = Math.max(store.gap, now - last);
        last = now;
      }, 100);
      (globalThis as unknown as import("../tests/_notebook_server.ts").ClassicPage).Jupyter
        .notebook.execute_all_cells();
    });
    const started = performance.now();
    let finished = true;
    await server.waitForRunAll(page, 600_000).catch(() => finished = false);
    const wall = performance.now() - started;
    const { longest, gap } = await page.evaluate(() => {
      const store = globalThis as unknown as { longTasks: number[]; gap: number };
      return { longest: Math.max(0, ...store.longTasks), gap: store.gap };
    }, undefined);
    report(`${label}: Run All`, finished ? ms(wall) : `not finished after ${ms(wall)}`);
    report(`${label}: longest main-thread task`, ms(longest));
    report(`${label}: longest gap of a 100 ms heartbeat`, ms(gap));
    await page.evaluate(async () => {
      await (globalThis as unknown as import("../tests/_notebook_server.ts").ClassicPage).Jupyter
        .notebook.save_notebook();
    });
    const saved = await Deno.stat(join(home.work, "results.ipynb"));
    report(`${label}: saved notebook`, kb(saved.size));
  } finally {
    await browser.close();
    await jupyter.stop();
    await Deno.remove(home.dir, { recursive: true }).catch(() => {});
  }
}

if (NOTEBOOK) {
  if (!ONLY_CLASSIC) {
    await offlineNotebook("offline notebook", false);
    await offlineNotebook("offline notebook, a gzipped copy in every output", true);
  }
  if (BROWSER) {
    await classicOffline("02-looking-at-results offline, Notebook 6", false);
    await classicOffline(
      "02-looking-at-results offline, Notebook 6, a gzipped copy in every output",
      true,
    );
  }
}

console.log(`\n${rows.length} figures`);
