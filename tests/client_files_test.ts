/**
 * Files: streamed uploads from disk or memory, list/get/delete, referencing a saved file from
 * a job's inputs, and uploads that never store a file twice when an answer is lost.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { clientRig } from "./_client_support.ts";
import { mimeTypeOf } from "../lib/client/files.ts";
import { InvalidRequestError, NotFoundError, ValidationError } from "../lib/client/errors.ts";

const FASTA = ">lysozyme\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSR\n" +
  ">insulin_b\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT\n";

Deno.test("upload streams a file from disk with its metadata; get and list return it", async () => {
  await using rig = await clientRig();
  const dir = await Deno.makeTempDir();
  const path = join(dir, "two proteins.fasta");
  await Deno.writeTextFile(path, FASTA);
  const file = await rig.piq.files.upload(path, {
    description: "HEWL + insulin",
    tags: ["a", "b"],
  });
  assert.equal(file.object, "file");
  assert.equal(file.original_name, "two proteins.fasta");
  assert.equal(file.format, "FASTA");
  assert.equal(file.mime_type, "text/x-fasta");
  assert.equal(file.size_bytes, new TextEncoder().encode(FASTA).byteLength);
  assert.equal(file.description, "HEWL + insulin");
  assert.deepEqual(file.tags, ["a", "b"]);
  const upload = rig.requests(/\/api\/v1\/files$/, "POST")[0];
  assert.ok(upload.streamedBody, "the body is a stream, not a buffered copy of the file");
  assert.match(upload.headers.get("content-type") ?? "", /^multipart\/form-data; boundary=/);
  assert.ok(upload.headers.get("idempotency-key"));

  assert.deepEqual(await rig.piq.files.get(file.id), file);
  const listed = await rig.piq.files.list().take(10);
  assert.deepEqual(listed.map((f) => f.id), [file.id]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a large file (8 MB) streams from disk intact", async () => {
  await using rig = await clientRig({
    sandbox: { settings: { maxUploadBytes: 20 * 1024 * 1024 } },
  });
  const dir = await Deno.makeTempDir();
  const path = join(dir, "big.fasta");
  const line = "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQ\n";
  const record = `>seq\n${line.repeat(200)}`;
  {
    using handle = await Deno.open(path, { write: true, create: true });
    const chunk = new TextEncoder().encode(record);
    for (let written = 0; written < 8 * 1024 * 1024; written += chunk.byteLength) {
      await handle.write(chunk);
    }
  }
  const size = (await Deno.stat(path)).size;
  const file = await rig.piq.files.upload(path);
  assert.equal(file.size_bytes, size);
  const { createHash } = await import("node:crypto");
  const hash = createHash("sha256");
  for await (const chunk of (await Deno.open(path)).readable) hash.update(chunk);
  assert.equal(file.sha256, hash.digest("hex"), "the server stored exactly the file's bytes");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("upload from memory needs a name; content types follow the extension", async () => {
  await using rig = await clientRig();
  const before = rig.sent.length;
  await assert.rejects(
    rig.piq.files.upload(new TextEncoder().encode(FASTA)),
    (error: unknown) => error instanceof InvalidRequestError && /name/.test(error.message),
  );
  assert.equal(rig.sent.length, before, "refused before sending");
  const file = await rig.piq.files.upload({ content: "ATOM      1  N   MET A   1\nEND\n" }, {
    name: "tiny.pdb",
  });
  assert.equal(file.format, "PDB");
  assert.equal(file.mime_type, "chemical/x-pdb");
  assert.equal(mimeTypeOf("x.sdf"), "chemical/x-mdl-sdfile");
  assert.equal(mimeTypeOf("x.unknown"), "application/octet-stream");
  const blob = await rig.piq.files.upload(new File([FASTA], "blob.fa"));
  assert.equal(blob.format, "FASTA");
});

Deno.test("list follows cursors and filters by format and uploader", async () => {
  await using rig = await clientRig();
  for (let i = 0; i < 5; i++) {
    await rig.piq.files.upload({ content: `>s${i}\nMKT\n` }, { name: `s${i}.fasta` });
  }
  await rig.piq.files.upload({ content: "id,x\n1,2\n" }, { name: "table.csv" });
  const other = rig.sandbox.createApiKey(rig.sandbox.workspaceId);
  const { ProteinIQ } = await import("../lib/client/client.ts");
  const colleague = new ProteinIQ({ apiKey: other, baseUrl: rig.sandbox.url, display: false });
  await colleague.files.upload({ content: ">c\nMKT\n" }, { name: "colleague.fasta" });

  const pages: string[][] = [];
  for await (const page of rig.piq.files.list({ pageSize: 2 }).pages()) {
    pages.push(page.map((f) => f.original_name));
  }
  assert.deepEqual(pages.map((p) => p.length), [2, 2, 2, 1], "newest first, two per page");
  assert.equal(pages[0][0], "colleague.fasta");
  const fasta = await rig.piq.files.list({ format: "FASTA" }).take(100);
  assert.equal(fasta.length, 6);
  const mine = await rig.piq.files.list({ mine: true, format: "FASTA" }).take(100);
  assert.equal(mine.length, 5);
  assert.ok(mine.every((f) => f.original_name.startsWith("s")));
});

Deno.test("delete removes the file and its bytes; another workspace never sees it", async () => {
  await using rig = await clientRig();
  const file = await rig.piq.files.upload({ content: FASTA }, { name: "gone.fasta" });
  const { apiKey } = rig.sandbox.createWorkspace();
  const { ProteinIQ } = await import("../lib/client/client.ts");
  const stranger = new ProteinIQ({ apiKey, baseUrl: rig.sandbox.url, display: false });
  await assert.rejects(stranger.files.get(file.id), NotFoundError);
  await assert.rejects(stranger.files.delete(file.id), NotFoundError);

  const deletion = await rig.piq.files.delete(file.id);
  assert.deepEqual(deletion, { id: file.id, object: "file", deleted: true });
  await assert.rejects(rig.piq.files.get(file.id), NotFoundError);
  const blobs = rig.sandbox.context.db.get(
    "SELECT COUNT(*) AS n FROM blobs WHERE key LIKE ?",
    `files/%/${file.id}`,
  );
  assert.equal(Number(blobs?.n), 0, "the bytes are gone");
});

Deno.test("a saved file referenced from a job's inputs is what the job reads", async () => {
  await using rig = await clientRig();
  const file = await rig.piq.files.upload({ content: FASTA }, { name: "two.fasta" });
  const job = await rig.piq.jobs.submit({
    tool: "protein-properties",
    name: "from a saved file",
    input: {
      inputs: [{
        id: "saved",
        slotId: "protein",
        kind: "protein",
        format: "fasta",
        source: { type: "file", file_id: file.id },
      }],
    },
  });
  await job.wait();
  assert.equal(job.status, "COMPLETED", job.error ?? undefined);
  const result = await job.result();
  assert.deepEqual(result.records.map((r) => r.id), ["lysozyme", "insulin_b"]);
});

Deno.test("an upload whose answer is lost is found, not stored twice", async () => {
  for (const mode of ["connection cut", "body reset"] as const) {
    await using rig = await clientRig({
      sandbox: mode === "connection cut" ? { faults: null } : {},
      client: { maxRetries: 3 },
    });
    rig.sandbox.setFaults({ dropAfterCommitRate: 1, routes: ["uploadFile"] });
    const dir = await Deno.makeTempDir();
    const path = join(dir, "once.fasta");
    await Deno.writeTextFile(path, FASTA);
    const file = await rig.piq.files.upload(path);
    rig.sandbox.setFaults(null);
    assert.equal(file.original_name, "once.fasta");
    const stored = Number(rig.sandbox.context.db.get("SELECT COUNT(*) AS n FROM files")?.n);
    assert.equal(stored, 1, `${mode}: exactly one stored file`);
    assert.ok(rig.sandbox.faultStats.dropped >= 1);
    assert.ok(rig.log.some((line) => /found what the lost attempt created/.test(line)));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a file over the upload limit is refused with payload_too_large", async () => {
  await using rig = await clientRig({ sandbox: { settings: { maxUploadBytes: 1000 } } });
  const error = await rig.piq.files.upload({ content: ">a\n" + "M".repeat(5000) + "\n" }, {
    name: "big.fasta",
  }).then(() => undefined, (e) => e);
  assert.ok(error instanceof ValidationError, String(error));
  assert.equal(error.status, 413);
  assert.equal(error.code, "payload_too_large");
});
