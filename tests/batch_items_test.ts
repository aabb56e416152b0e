/**
 * Batch inputs: a multi-record FASTA split per record, lists, keyed texts and files, each
 * with a stable key; bad input refused before anything is sent; unusable items become
 * invalid rows instead of requests.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fastaTexts, inputTexts } from "../lib/batch/items.ts";
import { InvalidRequestError } from "../lib/client/errors.ts";
import { ProteinIQ } from "../lib/client/client.ts";
import { SANDBOX_POLLING } from "../lib/client/_wait.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { runToolBatch } from "../lib/batch/proteiniq.ts";

Deno.test("a multi-record FASTA becomes one item per record, keyed by identifier (repeats numbered)", () => {
  const items = fastaTexts(">a first one\nMKTAY\nIAKQR\n\n>b\nGSHM*\n>a\nWWW\n");
  assert.deepEqual(items.map((item) => item.key), ["a", "b", "a#2"]);
  assert.equal(items[0].fasta, ">a first one\nMKTAYIAKQR\n");
  assert.equal(items[1].fasta, ">b\nGSHM\n");
});

Deno.test("text that is not FASTA is refused with the line, before anything is sent", () => {
  assert.throws(
    () => fastaTexts(">a\nMKT1AY\n"),
    (error: InvalidRequestError) =>
      error instanceof InvalidRequestError && error.issues[0].path === "line 2" &&
      /nothing was sent/.test(error.message),
  );
  assert.throws(() => fastaTexts("   \n"), InvalidRequestError);
});

Deno.test("lists, keyed texts and files", async () => {
  assert.deepEqual(
    (await inputTexts([">x\nMKT\n", "GSHM", "WWPP", ">x\nAAA"])).map((item) => item.key),
    ["x", "item_2", "item_3", "x#2"],
  );
  assert.deepEqual(await inputTexts({ wt: "MKT", mutant: "MKA" }), [
    { key: "wt", fasta: "MKT" },
    { key: "mutant", fasta: "MKA" },
  ]);
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    join(dir, "hen.fasta"),
    ">hen\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSR\n",
  );
  await Deno.writeTextFile(join(dir, "pair.fasta"), ">p1\nMKTAYIAKQR\n>p2\nGSHMLEDPV\n");
  const files = await inputTexts({ files: [join(dir, "hen.fasta"), join(dir, "pair.fasta")] });
  assert.deepEqual(files.map((item) => item.key), ["hen.fasta", "pair.fasta"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a list of files runs one job per file; an item that is not FASTA is an invalid row, not a request", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { credits: 100, dailyJobLimit: 100, rateLimit: 10_000 },
  });
  const piq = new ProteinIQ({
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    polling: SANDBOX_POLLING,
    display: false,
  });
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "pair.fasta"), ">p1\nMKTAYIAKQR\n>p2\nGSHMLEDPV\n");
  await Deno.writeTextFile(join(dir, "notes.txt"), "12345 not a sequence\n");
  const batch = await runToolBatch(piq, {
    name: "files",
    tool: "protein-properties",
    inputs: { files: [join(dir, "pair.fasta"), join(dir, "notes.txt")] },
    manifest: false,
    quiet: true,
    onInvalid: "skip",
  });
  await batch.wait({ display: false });
  assert.equal(batch.summary.completed, 1);
  assert.equal(batch.summary.invalid, 1);
  assert.equal(Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM jobs")!.n), 1);
  const rows = await batch.results();
  assert.deepEqual(rows.map((row) => [row.key, row.status, row.id ?? null]), [
    ["pair.fasta", "COMPLETED", "p1"],
    ["pair.fasta", "COMPLETED", "p2"],
    ["notes.txt", "invalid", null],
  ]);
  assert.match(String(rows[2].error), /line 1/);
  await Deno.remove(dir, { recursive: true });
});
