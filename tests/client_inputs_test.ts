/**
 * Input builders and the pre-flight contract check: `inputs[]` entries from FASTA text, local
 * files, saved files and previous jobs' outputs, and clear errors — before anything is sent —
 * for wrong slots, kinds, formats, counts, content and settings.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { clientRig, propertiesRequest } from "./_client_support.ts";
import { InvalidRequestError } from "../lib/client/errors.ts";
import { checkJobRequest } from "../lib/contract/check.ts";
import { formatsOfName } from "../lib/inputs/builder.ts";

const HEWL = ">lysozyme\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSR\n";

/** What was sent to the routes that can spend credits. */
function spendingCalls(rig: Awaited<ReturnType<typeof clientRig>>) {
  return rig.requests(/\/api\/v1\/jobs(\/quote)?$/, "POST").length;
}

/** The InvalidRequestError `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<InvalidRequestError> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof InvalidRequestError, `expected InvalidRequestError, got ${error}`);
  assert.match(error.message, /nothing was sent, no credits spent/);
  return error;
}

Deno.test("fasta() builds a checked item for the tool's slot; the job runs", async () => {
  await using rig = await clientRig();
  const input = await rig.piq.inputs("protein-properties");
  input.fasta(HEWL).fasta("FVNQHLCGSHLVEALYLVCGERGFFYTPKT", { label: "bare insulin B" });
  const built = input.build();
  assert.deepEqual(built.inputs.map((item) => [item.id, item.slotId, item.kind, item.format]), [
    ["protein_1", "protein", "protein", "fasta"],
    ["protein_2", "protein", "protein", "fasta"],
  ]);
  assert.equal(built.inputs[1].label, "bare insulin B");
  const job = await rig.piq.jobs.submit({
    tool: "protein-properties",
    name: "built",
    input: built,
  });
  await job.wait();
  assert.equal(job.status, "COMPLETED", job.error ?? undefined);
  assert.equal((await job.result()).records.length, 2);
});

Deno.test("the builder refuses wrong slots, formats, content and counts as items are added", async () => {
  await using rig = await clientRig();
  const input = await rig.piq.inputs("protein-properties");
  const before = rig.sent.length;
  const slot = await refusal(Promise.resolve().then(() => input.fasta(HEWL, { slot: "ligand" })));
  assert.match(slot.message, /no input slot "ligand"; its slots are: protein/);
  const format = await refusal(
    Promise.resolve().then(() => input.text("HEADER x", { format: "pdb" })),
  );
  assert.match(format.message, /takes protein \(fasta\), not pdb/);
  const content = await refusal(Promise.resolve().then(() => input.fasta(">a\n>b\nMKT")));
  assert.equal(content.issues[0].path, "input.inputs[0].content");
  assert.match(content.issues[0].message, /no sequence/);
  for (let i = 0; i < 10; i++) input.fasta(`>s${i}\nMKT`);
  const tooMany = await refusal(Promise.resolve().then(() => input.fasta(">s10\nMKT")));
  assert.match(tooMany.message, /at most 10/);
  const empty = await rig.piq.inputs("protein-properties");
  const none = await refusal(Promise.resolve().then(() => empty.build()));
  assert.match(none.message, /no inputs were added/);
  assert.equal(rig.sent.length, before, "none of this sent a request");
});

Deno.test("submit and quote check the request against the tool's contract before sending", async () => {
  await using rig = await clientRig();
  const cases: [Record<string, unknown>, RegExp, string][] = [
    [{ settings: { ph: 20 } }, /at most 14, not 20/, "settings.ph"],
    [{ settings: { ph: "seven" } }, /must be a number/, "settings.ph"],
    [{ settings: { temperature: 25 } }, /unknown setting "temperature"/, "settings.temperature"],
  ];
  for (const [change, message, path] of cases) {
    const error = await refusal(rig.piq.jobs.submit({ ...propertiesRequest(), ...change }));
    assert.match(error.message, message);
    assert.equal(error.issues[0].path, path);
    await refusal(rig.piq.jobs.quote({ ...propertiesRequest(), ...change }));
  }
  const request = propertiesRequest();
  request.input.inputs[0].slotId = "structure";
  const slot = await refusal(rig.piq.jobs.submit(request));
  assert.equal(slot.issues[0].path, "input.inputs[0].slotId");
  assert.ok(slot.issues.some((issue) => /slot "protein".*needs at least 1/.test(issue.message)));
  const unknown = await refusal(
    rig.piq.jobs.submit({ ...propertiesRequest(), tool: "alphafold-9" }),
  );
  assert.match(unknown.message, /no tool "alphafold-9"; available tools: .*protein-properties/);
  assert.equal(spendingCalls(rig), 0, "no quote or submission reached the API");
  assert.equal(rig.requests(/\/tools\/protein-properties$/).length, 1, "the contract is cached");

  // The server still checks what a client lets through when asked not to check.
  const server = await rig.piq.jobs.quote({ ...propertiesRequest(), settings: { ph: 20 } }, {
    validate: false,
  });
  assert.ok(server.blocking_errors.some((e) => e.path === "settings.ph"));
});

Deno.test("a local file is sent inline, or uploaded and referenced", async () => {
  await using rig = await clientRig();
  const dir = await Deno.makeTempDir();
  const path = join(dir, "hewl.fa");
  await Deno.writeTextFile(path, HEWL);
  const input = await rig.piq.inputs("protein-properties");
  await input.file(path);
  await input.file(path, { upload: true, id: "uploaded" });
  const [inline, referenced] = input.inputs;
  assert.equal(inline.content, HEWL);
  assert.deepEqual(inline.source, { type: "text" });
  assert.equal(inline.label, "hewl.fa");
  assert.equal(referenced.content, undefined);
  assert.equal(referenced.source.type, "file");
  const fileId = (referenced.source as { file_id: string }).file_id;
  assert.equal((await rig.piq.files.get(fileId)).original_name, "hewl.fa");
  const job = await rig.piq.jobs.submit({
    tool: "protein-properties",
    name: "files",
    input: input.build(),
  });
  await job.wait();
  assert.equal(job.status, "COMPLETED", job.error ?? undefined);
  assert.equal((await job.result()).records.length, 2);
  await assert.rejects(input.file(join(dir, "missing.fasta")), InvalidRequestError);
  const wrong = join(dir, "model.pdb");
  await Deno.writeTextFile(wrong, "END\n");
  const error = await refusal(input.file(wrong));
  assert.match(error.message, /protein \(fasta\).*not pdb/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a saved file is referenced by id, its format taken from the Files API", async () => {
  await using rig = await clientRig();
  const saved = await rig.piq.files.upload({ content: HEWL }, { name: "hewl.fasta" });
  const table = await rig.piq.files.upload({ content: "a,b\n1,2\n" }, { name: "t.csv" });
  const input = await rig.piq.inputs("protein-properties");
  await input.savedFile(saved.id);
  assert.deepEqual(input.inputs[0], {
    id: "protein_1",
    slotId: "protein",
    kind: "protein",
    format: "fasta",
    source: { type: "file", file_id: saved.id },
    label: "hewl.fasta",
  });
  const error = await refusal(input.savedFile(table));
  assert.match(error.message, /not csv/);
});

Deno.test("a previous job's output file becomes the next job's input, re-signed when its URL expired", async () => {
  // Signed to whole seconds: a 2 s lifetime lasts 1–2 s; 2.1 s later it has expired, and a
  // fresh URL has at least a second to live.
  await using rig = await clientRig({ sandbox: { settings: { signedUrlTtlSeconds: 2 } } });
  const first = await rig.piq.jobs.submit(propertiesRequest("properties"));
  await first.wait();
  const result = await first.result();
  await new Promise((resolve) => setTimeout(resolve, 2100)); // the signed URL expires
  const input = await rig.piq.inputs("workload-simulator");
  await input.jobOutput(result);
  const item = input.inputs[0];
  assert.equal(item.slotId, "data");
  assert.equal(item.format, "csv");
  assert.match(item.content ?? "", /^id,description,length,molecular_weight/);
  assert.equal(rig.requests(/\/results\//).length, 2, "fetched again for a fresh URL");
  const downloads = rig.requests(/^\/_sandbox\/download\//);
  assert.equal(downloads[0].outcome, 403, "the expired URL was refused");
  assert.equal(downloads.at(-1)?.outcome, 200);

  const next = await rig.piq.jobs.submit({
    tool: "workload-simulator",
    name: "hash the properties",
    input: input.build(),
    settings: { seconds: 0.1 },
  });
  await next.wait();
  assert.equal(next.status, "COMPLETED", next.error ?? undefined);

  // From a Job handle, picking the file by name; a tool that cannot take it is refused.
  const again = await rig.piq.inputs("workload-simulator");
  await again.jobOutput(first, { file: "properties.csv", id: "csv" });
  assert.equal(again.inputs[0].id, "csv");
  const properties = await rig.piq.inputs("protein-properties");
  const error = await refusal(properties.jobOutput(first));
  assert.match(
    error.message,
    /no output file of job .* fits "protein-properties"; its files are: properties.csv/,
  );
});

Deno.test("checkJobRequest names every problem with its path", async () => {
  await using rig = await clientRig();
  const tool = await rig.piq.tools.get("protein-properties");
  const issues = checkJobRequest(tool, {
    tool: "protein-properties",
    input: {
      inputs: [
        {
          id: "x",
          slotId: "protein",
          kind: "dna",
          format: "pdb",
          content: "MKT",
          source: { type: "text" },
        },
        {
          id: "x",
          slotId: "protein",
          kind: "protein",
          format: "fasta",
          content: ">a\n",
          source: { type: "text" },
        },
      ],
    },
    settings: { ph: -1 },
  });
  assert.deepEqual(issues.map((issue) => issue.path), [
    "input.inputs[0].kind",
    "input.inputs[0].format",
    "input.inputs[1].id",
    "input.inputs[1].content",
    "settings.ph",
  ]);
  assert.deepEqual(formatsOfName("model.CIF"), ["cif", "mmcif"]);
});
