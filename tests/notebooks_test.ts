/**
 * Executes every notebook in `notebooks/` through real Jupyter (`jupyter nbconvert
 * --execute` with the Deno kernel) against a fresh embedded sandbox, and fails on any error
 * output. Notebooks with known content get further checks of what their saved outputs show.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = join(import.meta.dirname!, "..");
const NOTEBOOKS = join(ROOT, "notebooks");

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[] | unknown>;
  ename?: string;
  evalue?: string;
}

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

/** An executed notebook. */
export interface ExecutedNotebook {
  path: string;
  cells: Cell[];
  /** Every output of every code cell, in order. */
  outputs: Output[];
}

function joined(value: unknown): string {
  return Array.isArray(value) ? value.join("") : typeof value === "string" ? value : "";
}

/** Text of an output in one MIME type. */
export function mime(output: Output, type: string): string {
  return joined(output.data?.[type]);
}

async function jupyterAvailable(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("jupyter", { args: ["nbconvert", "--version"] })
      .output();
    return success;
  } catch {
    return false;
  }
}

/** Execute one notebook with nbconvert; returns the executed copy. */
async function execute(notebook: string, workDir: string): Promise<ExecutedNotebook> {
  // A configured key would point the notebooks at a real workspace: never in tests.
  const { PROTEINIQ_API_KEY: _key, PROTEINIQ_BASE_URL: _url, ...inherited } = Deno.env.toObject();
  const { success, stderr } = await new Deno.Command("jupyter", {
    args: [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--ExecutePreprocessor.timeout=600",
      "--ExecutePreprocessor.kernel_name=deno",
      "--output-dir",
      workDir,
      notebook,
    ],
    clearEnv: true,
    env: { ...inherited, PROTEINIQ_SANDBOX_DB: join(workDir, "sandbox.sqlite"), NO_COLOR: "1" },
    cwd: NOTEBOOKS,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const log = new TextDecoder().decode(stderr);
  assert.ok(success, `nbconvert failed for ${notebook}:\n${log.slice(-4000)}`);
  const name = notebook.split("/").pop()!;
  const executed = JSON.parse(await Deno.readTextFile(join(workDir, name)));
  const cells: Cell[] = executed.cells;
  return {
    path: notebook,
    cells,
    outputs: cells.flatMap((cell) => cell.cell_type === "code" ? cell.outputs ?? [] : []),
  };
}

/** Assertions every notebook must pass: no error outputs, no uncaught errors on stderr. */
export function assertNoErrors(notebook: ExecutedNotebook): void {
  for (const output of notebook.outputs) {
    assert.notEqual(
      output.output_type,
      "error",
      `${notebook.path}: error output ${output.ename}: ${output.evalue}`,
    );
    if (output.output_type === "stream" && output.name === "stderr") {
      assert.doesNotMatch(
        joined(output.text),
        /\b(Uncaught|Error:|error:)/,
        `${notebook.path}: stderr`,
      );
    }
  }
}

/** Checks of what particular notebooks must show. */
const EXPECTATIONS: Record<string, (notebook: ExecutedNotebook) => Promise<void> | void> = {
  "01-quickstart.ipynb": async (notebook) => {
    const html = notebook.outputs.map((output) => mime(output, "text/html"));
    const plain = notebook.outputs.map((output) => mime(output, "text/plain"));
    // The live progress display was updated in place to its final state.
    assert.ok(
      plain.some((text) => /Completed\s+█{20}\s+100%/.test(text)),
      "the progress display ends at COMPLETED 100%",
    );
    assert.ok(
      !plain.some((text) => /Processing|Queued|Pending/.test(text)),
      "no stale progress state",
    );
    assert.ok(
      html.some((text) => text.includes("Quote") && text.includes("ready to run")),
      "quote card",
    );
    assert.ok(
      html.some((text) =>
        text.includes("<table") && text.includes("lysozyme") && text.includes("Molecular weight")
      ),
      "result table",
    );
    // ESMFold first: its quote (the documented 50 credits) and its model in 3D by pLDDT.
    assert.ok(
      html.some((text) => text.includes("esmfold") && text.includes("ready to run")),
      "the esmfold quote card",
    );
    const esmfoldAt = plain.findIndex((text) => /Quote for esmfold/.test(text));
    const propertiesAt = plain.findIndex((text) => /Quote for protein-properties/.test(text));
    assert.ok(esmfoldAt >= 0 && propertiesAt > esmfoldAt, "esmfold is quoted first");
    assert.match(plain[esmfoldAt], /estimated 50/);
    const structures = notebook.outputs.filter((output) =>
      /coloured by pLDDT/.test(mime(output, "text/plain")) && output.data?.["image/png"]
    );
    assert.equal(structures.length, 1, "the model in 3D, coloured by pLDDT, with its picture");
    const viewer = mime(structures[0], "text/html");
    assert.ok(viewer.toLowerCase().includes("3dmol"), "the interactive viewer");
    assert.ok(viewer.includes("very high (pLDDT &gt; 90)"), "the pLDDT legend");
    assert.ok(
      html.some((text) => text.includes("prediction.pdb") && text.includes("stand-in")),
      "the result names its file and says it is a sandbox stand-in",
    );
    const csv = await Deno.readTextFile(join(NOTEBOOKS, "downloads", "properties.csv"));
    assert.match(csv, /^id,description,length,molecular_weight/);
    assert.equal(csv.trim().split(/\r?\n/).length, 4, "header and three proteins");
  },
};

/** Outputs whose `text/plain` matches `pattern`. */
function plainMatching(notebook: ExecutedNotebook, pattern: RegExp): Output[] {
  return notebook.outputs.filter((output) => pattern.test(mime(output, "text/plain")));
}

/** Outputs carrying a plotly figure. */
function plots(notebook: ExecutedNotebook): Output[] {
  return notebook.outputs.filter((output) => output.data?.["application/vnd.plotly.v1+json"]);
}

// Only outputs of this module's displays are checked: the Deno kernel (≤ 2.9) can publish a
// cell's last plain output (a string value, a final console.log) after the cell's `idle`, and
// nbconvert then drops it; the module's displays are published so that they always arrive.
Object.assign(EXPECTATIONS, {
  "02-looking-at-results.ipynb": (notebook: ExecutedNotebook) => {
    assert.ok(plots(notebook).length >= 3, "charts: property bars, profile, timeline");
    const structures = notebook.outputs.filter((output) =>
      mime(output, "text/html").toLowerCase().includes("3dmol") && output.data?.["image/png"]
    );
    assert.ok(structures.length >= 2, "structure viewers with their static pictures");
    assert.ok(
      plainMatching(notebook, /Six small proteins — protein-properties · COMPLETED/).length,
    );
    assert.ok(plainMatching(notebook, /^Jobs of workload-simulator/).length, "per-tool history");
  },
  "03-protein-properties.ipynb": (notebook: ExecutedNotebook) => {
    assert.ok(plainMatching(notebook, /^M13 coat protein — Kyte–Doolittle/).length, "hydropathy");
    assert.ok(plainMatching(notebook, /^Ideal α-helix, 22 residues/).length, "built helix in 3D");
    assert.ok(plainMatching(notebook, /Six well-known proteins — protein-properties/).length);
  },
  "04-batch.ipynb": (notebook: ExecutedNotebook) => {
    assert.ok(plainMatching(notebook, /200\/200 completed, 0 failed/).length, "resumed batch done");
  },
  "05-pipeline-jobs.ipynb": (notebook: ExecutedNotebook) => {
    assert.ok(
      plainMatching(notebook, /4\/4 finished (\[[^\]]*\] )?· 4 completed/).length,
      "four job types",
    );
  },
  "06-files-and-events.ipynb": (notebook: ExecutedNotebook) => {
    assert.ok(
      plainMatching(notebook, /Saved file \+ insulin B — protein-properties · COMPLETED/).length,
    );
    assert.ok(plainMatching(notebook, /Cancelled/).length, "the cancelled job in the history");
  },
});

const notebooks = [...Deno.readDirSync(NOTEBOOKS)]
  .filter((entry) => entry.isFile && entry.name.endsWith(".ipynb"))
  .map((entry) => entry.name)
  .sort();
const haveJupyter = await jupyterAvailable();

for (const name of notebooks) {
  Deno.test({
    name: `notebook ${name} executes in Jupyter without errors`,
    ignore: !haveJupyter,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      await Deno.remove(join(NOTEBOOKS, "downloads"), { recursive: true }).catch(() => undefined);
      const workDir = await Deno.makeTempDir({ prefix: "piq-notebook-" });
      try {
        const notebook = await execute(join(NOTEBOOKS, name), workDir);
        assertNoErrors(notebook);
        await EXPECTATIONS[name]?.(notebook);
      } finally {
        await Deno.remove(workDir, { recursive: true }).catch(() => undefined);
      }
    },
  });
}
