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
 *
 * Run: `deno run -A bench/display_bench.ts` (about a minute; `--no-browser` skips Chromium).
 * @module
 */
import { renderTable } from "../lib/display/table.ts";
import { structureView } from "../lib/display/structure.ts";
import { parseStructure } from "../lib/display/_structure_parse.ts";
import { LiveProgress, type ProgressState } from "../lib/display/progress.ts";
import { MultiJobProgress } from "../lib/display/multi_progress.ts";
import { residueProfile } from "../lib/display/charts.ts";
import { bigStructure, toPdb } from "../tests/_structures.ts";
import type { BrowserGlobals } from "../tests/_browser_globals.ts";

const BROWSER = !Deno.args.includes("--no-browser");
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
{
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

if (BROWSER) {
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

{
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
{
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
  const offline = await residueProfile(values, { kind: "plddt", offline: true }).html();
  report("chart offline (plotly.js inlined): HTML size", kb(offline.length));
}

console.log(`\n${rows.length} figures`);
