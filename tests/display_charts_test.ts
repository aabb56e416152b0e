/**
 * Charts: the plotly figure (with layout), the static picture drawn from the same numbers,
 * the bundle's MIME types, and escaping of untrusted names in plotly text, SVG and HTML.
 * @module
 */
import assert from "node:assert/strict";
import {
  jobTimeline,
  PLDDT_BANDS,
  propertyBars,
  residueProfile,
  sparkline,
} from "../lib/display/charts.ts";
import { CHART_THEMES, niceTicks, plotlyText, toPlotly } from "../lib/display/_chart_model.ts";
import {
  configureDisplays,
  libraryCacheUrl,
  librarySource,
  PLOTLY,
} from "../lib/display/assets.ts";
import { pipelineStatusStyle } from "../lib/display/progress.ts";
import { scaleProfile } from "../lib/bio/hydropathy.ts";
import { decodeBase64 } from "../lib/display/_base64.ts";
import { documentOf, HOSTILE, scriptsOf } from "./_dom.ts";

type Trace = Record<string, unknown> & { x: unknown[]; y: unknown[] };

Deno.test("a pLDDT profile: one line, AlphaFold's bands, the 0–100 axis", () => {
  const values = Array.from({ length: 120 }, (_, i) => 50 + 45 * Math.sin(i / 10));
  const chart = residueProfile(values, { kind: "plddt", start: 5 });
  const [trace] = chart.figure.data as Trace[];
  assert.equal(chart.figure.data.length, 1);
  assert.equal(trace.x.length, 120);
  assert.equal(trace.x[0], 5);
  const layout = chart.figure.layout as Record<string, Record<string, unknown>>;
  assert.deepEqual(layout.yaxis.range, [0, 100]);
  assert.equal((layout.shapes as unknown as unknown[]).length, PLDDT_BANDS.length);
  assert.match(String(chart), /120 residues/);
});

Deno.test("per-chain points become one series per chain; hydropathy gets its threshold line", () => {
  const points = [
    { residue: 1, value: 80, chain: "A", name: "MET" },
    { residue: 2, value: 85, chain: "A", name: "LYS" },
    { residue: 1, value: 60, chain: "B", name: "GLY" },
  ];
  const chart = residueProfile(points, { kind: "bfactor" });
  assert.deepEqual(chart.figure.data.map((trace) => trace.name), ["Chain A", "Chain B"]);
  assert.deepEqual((chart.figure.data[0] as Trace).text, ["A:MET1", "A:LYS2"]);

  const sequence = "MKTLLILAVVAAALARSSAQGDEKRSTLLVVAAILLG";
  const profile = scaleProfile(sequence, { window: 9 });
  const kd = residueProfile(profile, { kind: "hydropathy", sequence });
  assert.deepEqual((kd.figure.data[0] as Trace).x, profile.positions);
  const lines = (kd.figure.layout.shapes as { type: string; y0: number }[]).filter((shape) =>
    shape.type === "line"
  );
  assert.deepEqual(lines.map((line) => line.y0), [0, 1.6]);
});

Deno.test("a tool's per-residue records plot with { x, y }; unusable points say why", () => {
  const residues = [
    { chain: "A", number: 3, name: "SER", b_factor: 40.8 },
    { chain: "A", number: 4, name: "PRO", b_factor: 35.1 },
    { chain: "B", number: 50, name: "LYS", b_factor: 22.0 },
  ];
  const chart = residueProfile(residues, { x: "number", y: "b_factor", kind: "bfactor" });
  assert.deepEqual(chart.figure.data.map((trace) => (trace as Trace).x), [[3, 4], [50]]);
  assert.deepEqual((chart.figure.data[0] as Trace).y, [40.8, 35.1]);
  assert.throws(() => residueProfile(residues, { y: "plddt" }), /points need a residue number/);
});

Deno.test("property bars follow the records, sort on request and use the fields' labels", () => {
  const records = [
    { id: "lysozyme", isoelectric_point: 9.32, molecular_weight: 14313.1 },
    { id: "ubiquitin", isoelectric_point: 6.56, molecular_weight: 8564.8 },
    { id: "insulin", isoelectric_point: 6.9, molecular_weight: 3429.9 },
  ];
  const fields = [
    { id: "id", label: "ID" },
    { id: "isoelectric_point", label: "Isoelectric point" },
    { id: "molecular_weight", label: "Molecular weight", unit: "Da" },
  ];
  const chart = propertyBars({ records, fields }, {
    x: "id",
    y: "isoelectric_point",
    sort: "descending",
  });
  const [trace] = chart.figure.data as Trace[];
  assert.deepEqual(trace.x, ["lysozyme", "insulin", "ubiquitin"]);
  assert.deepEqual(trace.y, [9.32, 6.9, 6.56]);
  assert.equal(chart.model.yTitle, "Isoelectric point");
  const grouped = propertyBars(records, { y: ["isoelectric_point", "molecular_weight"] });
  assert.equal(grouped.figure.data.length, 2);
  assert.throws(() => propertyBars(records, { y: "charge" }), /no record has a field "charge"/);
});

Deno.test("a job timeline: waiting and running spans, coloured by status, any vendor's statuses", () => {
  const base = Date.parse("2026-06-12T08:00:00Z");
  const at = (s: number) => new Date(base + s * 1000).toISOString();
  const jobs = [
    {
      id: "a",
      name: "first",
      status: "COMPLETED",
      created_at: at(0),
      started_at: at(2),
      completed_at: at(10),
    },
    {
      id: "b",
      name: "second",
      status: "FAILED",
      created_at: at(1),
      started_at: at(5),
      completed_at: at(7),
    },
    {
      id: "c",
      name: "third",
      status: "QUEUED",
      created_at: at(3),
      started_at: null,
      completed_at: null,
    },
  ];
  const chart = jobTimeline(jobs, { now: base + 20_000 });
  const names = chart.figure.data.map((trace) => trace.name);
  assert.deepEqual(names, ["Waiting", "Completed", "Failed"]);
  const waiting = chart.figure.data[0] as Trace & { base: number[] };
  assert.deepEqual(waiting.base, [0, 1, 3]);
  assert.deepEqual(waiting.x, [2, 4, 17]);
  const completed = chart.figure.data[1] as Trace & { base: number[] };
  assert.deepEqual(completed.base, [2]);
  assert.deepEqual(completed.x, [8]);

  const pipeline = jobTimeline([
    { id: "p", job_type: "structure", status: "running", created_at: at(0), started_at: at(1) },
  ], { style: pipelineStatusStyle, now: base + 5_000 });
  assert.deepEqual(pipeline.figure.data.map((trace) => trace.name), ["Waiting", "Running"]);
});

Deno.test("untrusted names are escaped for plotly, for the SVG picture and for the HTML", async () => {
  const records = [{ id: HOSTILE, value: 3 }, { id: "ok", value: 4 }];
  const chart = propertyBars(records, { y: "value", title: HOSTILE });
  const trace = chart.figure.data[0] as Trace;
  assert.equal(trace.x[0], plotlyText(HOSTILE));
  assert.ok(!String(trace.x[0]).includes("<"));
  assert.ok(!JSON.stringify(chart.figure).includes("<img"));
  const svg = chart.toSVG();
  const svgDocument = documentOf(svg);
  assert.equal(svgDocument.querySelectorAll("script, img").length, 0);
  assert.ok(svgDocument.querySelector("text")!.textContent!.includes("<img"));

  const output = await chart.bundle();
  const markup = output["text/html"] as string;
  const document = documentOf(markup);
  assert.equal(document.querySelectorAll("script").length, 1);
  assert.equal(document.querySelectorAll("img").length, 1);
  const script = scriptsOf(markup)[0];
  assert.ok(!/<\/script/i.test(script) && !script.includes("<!--"));
  assert.equal(document.querySelector("img")!.getAttribute("alt"), `${HOSTILE} (static picture)`);
});

Deno.test("the bundle: plotly JSON with a layout, HTML with the picture, PNG, and text", async () => {
  const chart = residueProfile([1, 2, 3, 2, 1], { title: "Small" });
  const output = await chart.bundle();
  assert.deepEqual(Object.keys(output).sort(), [
    "application/vnd.plotly.v1+json",
    "image/png",
    "text/html",
    "text/plain",
  ]);
  const figure = output["application/vnd.plotly.v1+json"] as { layout: unknown; data: unknown[] };
  assert.ok(figure.layout && typeof figure.layout === "object");
  assert.equal(figure.data.length, 1);
  const png = decodeBase64(output["image/png"] as string);
  assert.deepEqual([...png.slice(1, 4)], [80, 78, 71]);
  const markup = output["text/html"] as string;
  assert.ok(
    markup.includes('"url":"https://esm.sh/plotly.js-dist-min@4.1.2/plotly.min.js"'),
    "plotly is imported from esm.sh",
  );
  assert.ok(!markup.includes("piqAssets.define("), "online outputs carry no library");
  assert.ok(!/<script[^>]*\bsrc=/i.test(markup));
  assert.match(output["text/plain"] as string, /Small — 5 residues/);
  const noPng = await residueProfile([1, 2], { png: false }).bundle();
  assert.equal(noPng["image/png"], undefined);
});

Deno.test("offline: plotly.js is inlined once per kernel session, later charts reuse it", async () => {
  try {
    configureDisplays({ offline: true });
    const first = await residueProfile([1, 2, 3], { title: "first" }).html();
    const second = await residueProfile([3, 2, 1], { title: "second" }).html();
    const [carrier] = scriptsOf(first);
    const define = carrier.match(/piqAssets\.define\("plotly\.js-dist-min@4\.1\.2", "([^"]+)"\);/);
    assert.ok(define, "the first chart defines the library");
    // Gzipped: the copy is well under the 4.8 MB bundle, and unpacks to exactly the bundle.
    assert.ok(define[1].length < 2_200_000, `${define[1].length} characters`);
    const bytes = decodeBase64(define[1]);
    const unpacked = await new Response(
      new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
        new DecompressionStream("gzip"),
      ),
    ).text();
    assert.equal(unpacked, await librarySource(PLOTLY));
    assert.ok(!/import\("https?:/.test(carrier) && !/<\/script/i.test(carrier));
    assert.match(first, /data-piq-assets="plotly"/);
    // The second chart only asks the page (or the browser's cache) for it.
    assert.ok(!second.includes("piqAssets.define("));
    assert.ok(second.length < 100_000, `${second.length} characters`);
    assert.ok(second.includes(JSON.stringify(libraryCacheUrl(PLOTLY))));
    // "Run All" from the top calls configureDisplays again: the next chart carries it again.
    configureDisplays({ offline: true });
    assert.ok((await residueProfile([1]).html()).includes("piqAssets.define("));
  } finally {
    configureDisplays({ offline: false });
  }
});

Deno.test("overlapping series differ by dash and marker, in plotly and in the picture", () => {
  const points = [1, 2, 3, 4].flatMap((residue) =>
    ["C", "D"].map((chain) => ({ residue, value: 20 + residue, chain }))
  );
  const chart = residueProfile(points, { kind: "bfactor" });
  const traces = chart.figure.data as {
    line: Record<string, unknown>;
    marker: Record<string, unknown>;
  }[];
  assert.notEqual(traces[0].line.dash, traces[1].line.dash);
  assert.notEqual(traces[0].marker.symbol, traces[1].marker.symbol);
  assert.ok(
    (traces[0].line.width as number) > (traces[1].line.width as number),
    "the line underneath is wider, so the one on top leaves it visible",
  );
  const svg = documentOf(chart.toSVG());
  const paths = [...svg.querySelectorAll("path[stroke-dasharray]")];
  assert.ok(paths.length >= 2, "the second series (line and legend) is dashed");
  assert.ok(svg.querySelectorAll("rect[width='6']").length >= 4, "square markers for chain D");
});

Deno.test("pLDDT gridlines sit on the band edges, never through a band's label", () => {
  const chart = residueProfile(Array.from({ length: 80 }, (_, i) => 40 + i * 0.7), {
    kind: "plddt",
  });
  const yaxis = chart.figure.layout.yaxis as Record<string, unknown>;
  assert.deepEqual(yaxis.tickvals, [0, 50, 70, 90, 100]);
  assert.equal((chart.figure.layout.xaxis as Record<string, unknown>).showgrid, false);
  const svg = documentOf(chart.toSVG());
  const lines = [...svg.querySelectorAll("line")];
  assert.ok(
    lines.every((line) => line.getAttribute("y1") === line.getAttribute("y2")),
    "no vertical gridline crosses the bands' labels",
  );
  const grid = lines.map((line) => Number(line.getAttribute("y1")));
  const labels = [...svg.querySelectorAll("text")].filter((text) =>
    PLDDT_BANDS.some((band) => band.label === text.textContent)
  );
  assert.equal(labels.length, PLDDT_BANDS.length);
  for (const label of labels) {
    const baseline = Number(label.getAttribute("y"));
    // 10 px text: from about 8 px above its baseline to 2 px below.
    for (const y of grid) {
      assert.ok(
        y < baseline - 9 || y > baseline + 3,
        `gridline at ${y} crosses "${label.textContent}"`,
      );
    }
  }
});

Deno.test("the bar chart leaves headroom above its tallest bar", () => {
  const chart = propertyBars([{ id: "a", v: 9.3 }, { id: "b", v: 10 }, { id: "c", v: 4 }]);
  const range = (chart.figure.layout.yaxis as { range: [number, number] }).range;
  assert.equal(range[0], 0);
  assert.ok(range[1] >= 10.5, `plotly range ${range}`);
  const svg = documentOf(chart.toSVG());
  const bars = [...svg.querySelectorAll("rect")].filter((rect) =>
    rect.getAttribute("fill") === "#2563eb"
  );
  const frame = svg.querySelector("path[d^='M64 ']")!.getAttribute("d")!;
  const plotTop = Number(frame.split(" ")[1].replace(/V.*/, ""));
  const tallest = Math.min(...bars.map((rect) => Number(rect.getAttribute("y"))));
  assert.ok(tallest - plotTop >= 10, `tallest bar ${tallest - plotTop} px below the frame's top`);
});

Deno.test("the live chart follows the output area's width unless a width is given", async () => {
  const fluid = residueProfile([1, 2, 3]);
  assert.equal(fluid.figure.layout.width, undefined);
  assert.equal(fluid.figure.layout.autosize, true);
  assert.match(
    documentOf(await fluid.html()).querySelector(".piq-chart")!.getAttribute("style")!,
    /width: 100%/,
  );
  const fixed = residueProfile([1, 2, 3], { width: 500 });
  assert.equal(fixed.figure.layout.width, 500);
  assert.match(
    documentOf(await fixed.html()).querySelector(".piq-chart")!.getAttribute("style")!,
    /max-width: 500px/,
  );
});

Deno.test("a dark page gets the dark figure: light text, dark grid, a light lone pLDDT line", async () => {
  const chart = residueProfile([50, 60, 70], { kind: "plddt" });
  const dark = toPlotly(chart.model, "dark");
  const font = dark.layout.font as { color: string };
  assert.equal(font.color, CHART_THEMES.dark.text);
  assert.equal((dark.data[0].line as { color: string }).color, CHART_THEMES.dark.ink);
  assert.equal((chart.figure.data[0].line as { color: string }).color, CHART_THEMES.light.ink);
  const script = scriptsOf(await chart.html())[0];
  assert.match(script, /--jp-layout-color0/);
  assert.ok(
    script.includes(JSON.stringify(CHART_THEMES.dark.text)),
    "the dark patch travels along",
  );
});

Deno.test("ticks and sparklines", () => {
  assert.deepEqual(niceTicks(0, 100, 5), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(-2.1, 3.3, 5), [-2, -1, 0, 1, 2, 3]);
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), "▁▂▃▄▅▆▇█");
  assert.equal(sparkline([]), "");
});
