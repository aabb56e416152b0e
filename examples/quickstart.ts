/**
 * The quickstart flow from a terminal: connect (the embedded sandbox when no key is set),
 * quote, submit, wait with live progress, read the result and download its CSV.
 *
 * Run: `deno task demo` (writes `downloads/properties.csv`).
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

const piq = await connect();
const tools = await piq.tools.list();
console.log(`${tools.length} tool(s): ${tools.map((tool) => tool.id).join(", ")}`);

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
  `\nSummary: job ${job.id} ${job.status} in ${job.execution_time_seconds} s, ${job.credits_used} credit(s); ` +
    `${result.records.length} proteins; saved ${saved.path} (${saved.bytes} bytes).`,
);
await piq.close();
