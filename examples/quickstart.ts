/**
 * The quickstart flow from a terminal: connect (the embedded sandbox when no key is set),
 * then the documented ESMFold request — quote, submit, wait with live progress, read the
 * per-residue confidence, download `prediction.pdb` — and a teaching tool, protein
 * properties, whose CSV is downloaded too. In the sandbox `esmfold` is a stand-in (Chou–Fasman
 * secondary structure built into a backbone), and the summary says so.
 *
 * Run: `deno task demo` (writes `downloads/prediction.pdb` and `downloads/properties.csv`).
 * @module
 */
import { connect, fastaInput } from "../mod.ts";
import { tableText } from "../lib/display/table.ts";
import { quoteText } from "../lib/display/quote.ts";

const PROTEINS = `>lysozyme Hen egg-white lysozyme (P00698, mature chain)
KVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSRWWCNDGRTPGSRNLCNIPCSALLSSDITASVNCAKKIVSDGNGMNAWVAWRNRCKGTDVQAWIRGCRL
>ubiquitin Human ubiquitin
MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG
>insulin_b Human insulin B chain
FVNQHLCGSHLVEALYLVCGERGFFYTPKT
`;

const LYSOZYME = PROTEINS.split("\n")[1];

const piq = await connect();
const tools = await piq.tools.list();
console.log(`${tools.length} tool(s): ${tools.map((tool) => tool.id).join(", ")}`);

// 1. Structure prediction, exactly the request of the vendor's Jobs page.
const fold = {
  tool: "esmfold",
  name: "Lysozyme ESMFold run",
  input: fastaInput(`>lysozyme\n${LYSOZYME}`),
  settings: {},
};
const foldQuote = await piq.jobs.quote(fold);
console.log(quoteText(foldQuote));
if (foldQuote.blocking_errors.length > 0) Deno.exit(1);
const foldJob = await piq.jobs.submit(fold);
await foldJob.wait({ display: true });
if (foldJob.status !== "COMPLETED") {
  console.error(`Job ended ${foldJob.status}: ${foldJob.error ?? "no error message"}`);
  Deno.exit(1);
}
const prediction = await foldJob.result();
const summary = prediction.results as {
  mean_plddt?: number;
  plddt?: number[];
  secondary_structure?: string;
  note?: string;
};
if (summary.note) console.log(`Note: ${summary.note}`);
if (summary.secondary_structure) console.log(`Secondary structure: ${summary.secondary_structure}`);
const pdb = await prediction.download("prediction.pdb", { dir: "downloads" });
console.log(
  `ESMFold: mean pLDDT ${summary.mean_plddt?.toFixed(1) ?? "?"} over ` +
    `${summary.plddt?.length ?? "?"} residues; saved ${pdb.path} (${pdb.bytes} bytes).\n`,
);

// 2. A teaching tool: ProtParam-style properties of three classic proteins.
const request = {
  tool: "protein-properties",
  name: "Quickstart: three classic proteins",
  input: fastaInput(PROTEINS),
  settings: { ph: 7.4 },
};
const quote = await piq.jobs.quote(request);
console.log(quoteText(quote));
if (quote.blocking_errors.length > 0) Deno.exit(1);

const job = await piq.jobs.submit(request);
await job.wait({ display: true });
if (job.status !== "COMPLETED") {
  console.error(`Job ended ${job.status}: ${job.error ?? "no error message"}`);
  Deno.exit(1);
}
const result = await job.result();
console.log(tableText(result.records, { columns: result.fields.slice(0, 9) }));
const saved = await result.download("properties.csv", { dir: "downloads" });
console.log(
  `\nSummary: ${foldJob.id} (esmfold) ${foldJob.status}, ${foldJob.credits_used} credits, ` +
    `${pdb.path}; ${job.id} (protein-properties) ${job.status} in ${job.execution_time_seconds} s, ` +
    `${job.credits_used} credit(s), ${result.records.length} proteins; saved ${saved.path} ` +
    `(${saved.bytes} bytes).`,
);
await piq.close();
