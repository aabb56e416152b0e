/**
 * The foundation flow end to end, client against the embedded sandbox over real HTTP on
 * loopback: connect, tools, quote, submit, wait, result, download — and what the sandbox
 * booked for it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connect, fastaInput, InvalidRequestError, ValidationError } from "../mod.ts";
import fixtures from "./fixtures/protparam.json" with { type: "json" };

const LYSOZYME =
  "KVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSRWWCNDGRTPGSRNLCNIPCSALLSSDITASVNCAKKIVSDGNGMNAWVAWRNRCKGTDVQAWIRGCRL";
const UBIQUITIN = "MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG";

async function sandboxClient() {
  return await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
    display: false,
  });
}

Deno.test("quote → submit → wait → result → download against the embedded sandbox", async () => {
  await using piq = await sandboxClient();
  const catalog = await piq.tools.list();
  assert.ok(catalog.some((tool) => tool.id === "protein-properties"));
  const tool = await piq.tools.get("protein-properties");
  assert.equal(tool.input.slots[0].id, "protein");

  const request = {
    tool: "protein-properties",
    name: "lysozyme and ubiquitin",
    input: fastaInput(`>lysozyme\n${LYSOZYME}\n>ubiquitin\n${UBIQUITIN}\n`),
  };
  const quote = await piq.jobs.quote(request);
  assert.equal(quote.object, "job_quote");
  assert.deepEqual(quote.blocking_errors, []);
  assert.equal(quote.billable_credits, 2, "1 credit per sequence");
  const creditsBefore = quote.available_credits;

  const job = await piq.jobs.submit(request);
  assert.equal(job.status, "PENDING");
  assert.equal(job.credits_used, 2);
  await job.wait({ timeoutMs: 30_000 });
  assert.equal(job.status, "COMPLETED");
  assert.equal(job.progress, 100);
  assert.ok(job.completed_at && job.started_at);

  const result = await job.result();
  assert.deepEqual(result.records.map((record) => record.id), ["lysozyme", "ubiquitin"]);
  const expected = fixtures.proteins.find((protein) => protein.sequence === LYSOZYME);
  assert.ok(expected, "lysozyme is among the Biopython fixtures");
  const lysozyme = result.records[0];
  assert.ok(
    Math.abs(Number(lysozyme.molecular_weight) - expected.biopython.molecular_weight!) < 0.01,
  );
  assert.ok(
    Math.abs(Number(lysozyme.isoelectric_point) - expected.biopython.isoelectric_point!) < 0.01,
  );

  const dir = await Deno.makeTempDir();
  try {
    const saved = await result.download("properties.csv", { dir });
    assert.equal(saved.path, join(dir, "properties.csv"));
    const csv = await Deno.readTextFile(saved.path);
    assert.equal(saved.bytes, new TextEncoder().encode(csv).byteLength);
    assert.match(csv, /^id,description,length,molecular_weight/);
    assert.match(csv, /\nlysozyme,/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }

  const after = await piq.jobs.quote(request);
  assert.equal(after.available_credits, creditsBefore - 2, "charged once, at submission");
});

Deno.test("invalid FASTA is refused before sending, and by the sandbox when sent", async () => {
  await using piq = await sandboxClient();
  assert.throws(() => fastaInput(""), InvalidRequestError);

  const request = {
    tool: "protein-properties",
    name: "bad letters",
    input: {
      inputs: [{
        id: "seqs_1",
        slotId: "protein",
        kind: "protein",
        format: "fasta",
        content: ">bad\nMKTJ*XXQ1\n",
        source: { type: "text" as const },
      }],
    },
  };
  // The client checks against the tool's contract first: nothing is sent.
  const local = await piq.jobs.submit(request).catch((error) => error);
  assert.ok(local instanceof InvalidRequestError, String(local));
  assert.match(local.message, /nothing was sent/);

  // Sent anyway, the sandbox refuses it the same way, at quote and at submission.
  const quote = await piq.jobs.quote(request, { validate: false });
  assert.ok(quote.blocking_errors.length > 0);
  assert.ok(quote.blocking_errors.every((error) => error.code === "validation_error"));
  const submitted = await piq.jobs.submit(request, { validate: false }).catch((error) => error);
  assert.ok(submitted instanceof ValidationError, String(submitted));
  assert.equal(submitted.status, 400);
  assert.equal(submitted.code, "validation_error");
  assert.ok(submitted.issues.length > 0 && submitted.issues[0].path.startsWith("input.inputs[0]"));
  const after = await piq.jobs.quote({ ...request, input: fastaInput(">ok\nMKT") });
  assert.equal(after.limits.daily_limit_used, 0, "the refused submission created no job");
});

Deno.test("the README's main command (examples/quickstart.ts) runs esmfold first, then a teaching tool", async () => {
  const dir = await Deno.makeTempDir({ prefix: "demo_" });
  try {
    const env = Deno.env.toObject();
    delete env.PROTEINIQ_API_KEY;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../examples/quickstart.ts", import.meta.url).pathname],
      cwd: dir,
      clearEnv: true,
      env: { ...env, PROTEINIQ_SANDBOX_DB: join(dir, "sandbox.sqlite"), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, `${stdout}\n${stderr}`);
    const fold = stdout.indexOf("Quote for esmfold");
    const properties = stdout.indexOf("Quote for protein-properties");
    assert.ok(fold >= 0 && properties > fold, stdout);
    assert.match(stdout, /estimated 50 · billable 50/);
    assert.match(stdout, /Note: Sandbox stand-in, not ESMFold/);
    assert.match(stdout, /ESMFold: mean pLDDT \d+\.\d over 129 residues/);
    const pdb = await Deno.readTextFile(join(dir, "downloads", "prediction.pdb"));
    assert.match(pdb, /^REMARK 250 PROTEINIQ SANDBOX STAND-IN FOR ESMFOLD/);
    assert.match(
      await Deno.readTextFile(join(dir, "downloads", "properties.csv")),
      /\nlysozyme,/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
