/**
 * The module as a user outside this repository gets it: a script and a notebook in an
 * unrelated temporary folder with no `deno.json`, importing `mod.ts` by absolute path, and
 * the same script importing it over HTTP from a static server of the checkout. Each runs
 * quote → submit → wait → result on the embedded sandbox, a PNG picture (resvg + fonts), an
 * offline structure (3Dmol.js inlined) and an offline chart (plotly inlined).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { serveFolder } from "./_static_server.ts";
import { denoNotebook, executeNotebook } from "./_notebook_json.ts";

const ROOT = join(import.meta.dirname!, "..");

/** A script that exercises everything that finds files relative to the module. */
function flowScript(specifier: string): string {
  return `import {
  configureDisplays,
  connect,
  fastaInput,
  residueProfile,
  structureView,
} from ${JSON.stringify(specifier)};

const piq = await connect();
const request = {
  tool: "protein-properties",
  name: "From a folder of my own",
  input: fastaInput(">ubiquitin\\nMQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG"),
};
const quote = await piq.jobs.quote(request);
const job = await piq.jobs.submit(request);
await job.wait();
const result = await job.result();
const chart = residueProfile([1, 3, 2, 5, 4], { kind: "hydropathy" });
const png = await chart.toPNG();
configureDisplays({ offline: true });
const pdb = [
  "ATOM      1  N   GLY A   1      11.104   6.134  -6.504  1.00 90.00           N",
  "ATOM      2  CA  GLY A   1      11.639   6.071  -5.147  1.00 90.00           C",
  "ATOM      3  C   GLY A   1      12.000   7.400  -4.500  1.00 90.00           C",
  "END",
].join("\\n");
const view = await structureView(pdb);
const structureHtml = (await view.bundle())["text/html"];
const chartHtml = await chart.html();
console.log(JSON.stringify({
  sandbox: piq.baseUrl.startsWith("http://127.0.0.1:"),
  quoted: quote.estimated_credits,
  status: job.status,
  records: result.records.length,
  pngSignature: Array.from(png.slice(1, 4)).map((c) => String.fromCharCode(c)).join(""),
  structureHtmlBytes: structureHtml.length,
  structureInlines3Dmol: structureHtml.includes("createViewer"),
  chartInlinesPlotly: chartHtml.includes("plotly.js v") || chartHtml.length > 1_000_000,
}));
await piq.close();
`;
}

interface FlowReport {
  sandbox: boolean;
  quoted: number;
  status: string;
  records: number;
  pngSignature: string;
  structureHtmlBytes: number;
  structureInlines3Dmol: boolean;
  chartInlinesPlotly: boolean;
}

/** Environment of a user with no key, and nothing of this repository's own settings. */
function userEnv(folder: string): Record<string, string> {
  const { PROTEINIQ_API_KEY: _key, PROTEINIQ_BASE_URL: _url, ...inherited } = Deno.env.toObject();
  return { ...inherited, NO_COLOR: "1", PROTEINIQ_SANDBOX_DB: join(folder, "sandbox.sqlite") };
}

async function runFlow(specifier: string): Promise<FlowReport> {
  const folder = await Deno.makeTempDir({ prefix: "piq-user-" });
  try {
    assert.ok(!folder.startsWith(ROOT), "the user's folder is outside the checkout");
    await Deno.writeTextFile(join(folder, "flow.ts"), flowScript(specifier));
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", "flow.ts"],
      cwd: folder,
      clearEnv: true,
      env: userEnv(folder),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(stdout);
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 0, `the flow failed:\n${err.slice(-4000)}\n${out.slice(-2000)}`);
    return JSON.parse(out.trim().split("\n").at(-1)!) as FlowReport;
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

function assertFlow(report: FlowReport): void {
  assert.equal(report.sandbox, true);
  assert.ok(report.quoted >= 0);
  assert.equal(report.status, "COMPLETED");
  assert.equal(report.records, 1);
  assert.equal(report.pngSignature, "PNG", "resvg and its fonts were found");
  assert.equal(report.structureInlines3Dmol, true, "3Dmol.js was inlined offline");
  assert.equal(report.chartInlinesPlotly, true, "plotly was inlined offline");
}

Deno.test("by absolute path from an unrelated folder: the whole flow, assets and raster", async () => {
  assertFlow(await runFlow(join(ROOT, "mod.ts")));
});

Deno.test("by URL from a static file server: the same flow", async () => {
  const server = serveFolder(ROOT);
  try {
    assertFlow(await runFlow(`http://127.0.0.1:${server.addr.port}/mod.ts`));
  } finally {
    await server.shutdown();
  }
});

async function jupyterAvailable(): Promise<boolean> {
  try {
    return (await new Deno.Command("jupyter", { args: ["nbconvert", "--version"] }).output())
      .success;
  } catch {
    return false;
  }
}

interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

Deno.test({
  name: "a one-cell notebook in its own folder imports by path, waits live, no error output",
  ignore: !(await jupyterAvailable()),
  async fn() {
    const folder = await Deno.makeTempDir({ prefix: "piq-notebook-" });
    try {
      const source = [
        `import { connect, fastaInput } from ${JSON.stringify(join(ROOT, "mod.ts"))};`,
        "const piq = await connect();",
        "const job = await piq.jobs.submit({",
        '  tool: "protein-properties",',
        '  name: "Notebook of my own",',
        '  input: fastaInput(">insulin_b\\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT"),',
        "});",
        "await job.wait();",
      ].join("\n");
      await Deno.writeTextFile(join(folder, "mine.ipynb"), denoNotebook([source]));
      const executed = await executeNotebook<NotebookOutput>("mine.ipynb", {
        cwd: folder,
        env: userEnv(folder),
      });
      const outputs = executed.cells[0].outputs;
      const text = (value: unknown) => Array.isArray(value) ? value.join("") : String(value ?? "");
      assert.ok(!outputs.some((output) => output.output_type === "error"), JSON.stringify(outputs));
      assert.ok(
        !outputs.some((output) => output.name === "stderr" && /error/i.test(text(output.text))),
        JSON.stringify(outputs),
      );
      const html = outputs.map((output) => text(output.data?.["text/html"])).join("\n");
      assert.match(html, /job_[A-Za-z0-9_-]+/, "the live progress card shows the job");
      assert.match(html, /Completed/, "and ends Completed");
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
});
