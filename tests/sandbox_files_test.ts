/**
 * Files: multipart and JSON uploads, the size limit (413, declared length or not), content
 * type checks (415), safe names, real deletion of the bytes, listing and filters, and saved
 * files as job inputs.
 */
import assert from "node:assert/strict";
import { ErrorEnvelope } from "../lib/contract/errors.ts";
import { ROUTES } from "../lib/contract/routes.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import {
  caller,
  expectError,
  expectOk,
  issuesOf,
  textItem,
  waitFor,
  workload,
} from "./sandbox_helpers.ts";

const FASTA = ">lysozyme\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSR\n";

function form(name: string, content: BlobPart, type = "", fields: Record<string, string> = {}) {
  const data = new FormData();
  data.append("file", new File([content], name, { type }));
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}

function count(
  sandbox: { context: { db: { get(sql: string): Record<string, unknown> | undefined } } },
  table: string,
) {
  return Number(sandbox.context.db.get(`SELECT COUNT(*) AS n FROM ${table}`)?.n);
}

Deno.test("multipart and JSON uploads give the file resource", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const uploaded = await call("POST", "/api/v1/files", {
    raw: form("lysozyme.fasta", FASTA, "", { description: "hen egg-white", tags: "enzyme" }),
  });
  const file = expectOk(uploaded, ROUTES.uploadFile);
  assert.equal(uploaded.headers.get("location"), `/api/v1/files/${file.id}`);
  assert.equal(file.object, "file");
  assert.equal(file.filename, "lysozyme.fasta");
  assert.equal(file.format, "FASTA");
  assert.equal(file.mime_type, "text/x-fasta", "a generic type is replaced by the format's");
  assert.equal(file.size_bytes, new TextEncoder().encode(FASTA).length);
  assert.equal(file.origin, "UPLOAD");
  assert.equal(file.storage_owner, "FILE_LIBRARY");
  assert.equal(file.description, "hen egg-white");
  assert.deepEqual(file.tags, ["enzyme"]);
  for (const hidden of ["key", "blob_key", "workspace_id", "uploader_key_id"]) {
    assert.ok(!(hidden in file), `${hidden} is never exposed`);
  }
  assert.deepEqual((await call("GET", `/api/v1/files/${file.id}`)).body, uploaded.body);

  const json = expectOk(
    await call("POST", "/api/v1/files", {
      body: { filename: "structure.pdb", content: "ATOM      1  N   MET A   1\nEND\n" },
    }),
    ROUTES.uploadFile,
  );
  assert.equal(json.format, "PDB");
  assert.equal(json.mime_type, "chemical/x-pdb");
  const binary = expectOk(
    await call("POST", "/api/v1/files", {
      body: {
        filename: "blob.bin",
        content_base64: btoa("\u0000\u0001\u0002\u00ff"),
        mime_type: "application/x-thing",
      },
    }),
    ROUTES.uploadFile,
  );
  assert.equal(binary.size_bytes, 4);
  assert.equal(binary.mime_type, "application/x-thing");
  assert.equal(binary.format, null);
});

Deno.test("uploads past the size limit are 413 payload_too_large, whatever the framing", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    settings: { maxUploadBytes: 2048 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const big = "A".repeat(4096);
  const attempts: [string, BodyInit, Record<string, string>][] = [
    ["multipart", form("big.txt", big), {}],
    ["json", JSON.stringify({ filename: "big.txt", content: big }), {
      "Content-Type": "application/json",
    }],
    ["base64", JSON.stringify({ filename: "big.bin", content_base64: btoa(big) }), {
      "Content-Type": "application/json",
    }],
  ];
  for (const [label, raw, headers] of attempts) {
    const answer = await call("POST", "/api/v1/files", { raw, headers });
    const refused = expectError(answer, 413, { code: "payload_too_large", label });
    assert.equal(refused.error.details?.max_bytes, 2048);
  }
  // A streamed body without Content-Length is cut off as soon as it passes the limit.
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent > 1_000_000) return controller.close();
      sent += 65536;
      controller.enqueue(new Uint8Array(65536).fill(65));
    },
  });
  const response = await fetch(`${sandbox.url}/api/v1/files`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${sandbox.apiKey}`,
      "Content-Type": "application/json",
    },
    body: stream,
  });
  assert.equal(response.status, 413);
  assert.equal(ErrorEnvelope.parse(await response.json()).error.code, "payload_too_large");
  assert.equal(count(sandbox, "files"), 0);
  assert.equal(count(sandbox, "blobs"), 0);
  // Just under the limit is fine.
  assert.equal(
    (await call("POST", "/api/v1/files", { raw: form("ok.txt", "A".repeat(2048)) })).status,
    201,
  );
});

Deno.test("content types are checked: 415 for other media types and for binary named as text", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  for (
    const type of ["text/plain", "application/octet-stream", "application/x-www-form-urlencoded"]
  ) {
    const answer = await call("POST", "/api/v1/files", {
      raw: "hello",
      headers: { "Content-Type": type },
    });
    expectError(answer, 415, { code: "unsupported_media_type", label: type });
  }
  const untyped = await fetch(`${sandbox.url}/api/v1/files`, {
    method: "POST",
    headers: { Authorization: `Bearer ${sandbox.apiKey}` },
    body: new Uint8Array([1, 2, 3]),
  });
  assert.equal(untyped.status, 415);
  await untyped.body?.cancel();
  const binaryFasta = await call("POST", "/api/v1/files", {
    raw: form("fake.fasta", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff])),
  });
  assert.match(expectError(binaryFasta, 415).error.message, /not UTF-8 text/);
  const badMime = await call("POST", "/api/v1/files", {
    body: { filename: "a.txt", content: "a", mime_type: "not a mime type" },
  });
  assert.equal(issuesOf(expectError(badMime, 400))[0].path, "mime_type");
  const noFilePart = new FormData();
  noFilePart.append("filename", "a.txt");
  const missing = await call("POST", "/api/v1/files", { raw: noFilePart });
  assert.equal(issuesOf(expectError(missing, 400))[0].path, "file");
  const broken = await call("POST", "/api/v1/files", {
    raw: "--x\r\nnonsense",
    headers: { "Content-Type": "multipart/form-data; boundary=x" },
  });
  assert.equal(broken.status, 400);
  assert.equal(count(sandbox, "files"), 0);
});

Deno.test("names are stored safely: no directories, control or bidi characters, hidden dots", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const cases: [string, string][] = [
    ["../../etc/passwd", "passwd"],
    ["..\\..\\windows\\win.ini", "win.ini"],
    ["/abs/path/seq.fasta", "seq.fasta"],
    [".hidden.txt", "hidden.txt"],
    ["evil\u202egnp.exe.txt", "evilgnp.exe.txt"],
    ["tab\there\n.txt", "tabhere.txt"],
    ["<script>alert(1)</script>.txt", "script>.txt"],
    ["..", "upload"],
  ];
  for (const [given, stored] of cases) {
    const answer = await call("POST", "/api/v1/files", { body: { filename: given, content: "x" } });
    const file = expectOk(answer, ROUTES.uploadFile, { label: given });
    assert.equal(file.filename, stored, given);
    // deno-lint-ignore no-control-regex
    assert.ok(!/[\u0000-\u001f\u202e]/.test(file.original_name), "no control characters");
  }
  const keys = sandbox.context.db.all("SELECT key FROM blobs").map((row) => String(row.key));
  assert.ok(keys.every((key) => /^files\/team_\w+\/file_\w+$/.test(key)), keys.join(" "));
  const empty = await call("POST", "/api/v1/files", {
    body: { filename: "\u0000\u0001", content: "x" },
  });
  assert.equal(empty.status, 400);
});

Deno.test("delete removes the record and the bytes; jobs that used the file keep their results", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const file = expectOk(
    await call("POST", "/api/v1/files", { raw: form("data.txt", "some words") }),
    ROUTES.uploadFile,
  );
  const job = expectOk(
    await call("POST", "/api/v1/jobs", {
      body: workload({}, {
        input: {
          inputs: [{
            ...textItem(),
            content: undefined,
            source: { type: "file", file_id: file.id },
          }],
        },
      }),
    }),
    ROUTES.submitJob,
  );
  await waitFor(call, job.id);
  const blobKey = sandbox.context.db.get("SELECT blob_key FROM files WHERE id = ?", file.id)
    ?.blob_key;
  assert.ok(sandbox.context.db.get("SELECT key FROM blobs WHERE key = ?", String(blobKey)));

  const deleted = await call("DELETE", `/api/v1/files/${file.id}`);
  assert.equal(deleted.status, 200);
  assert.deepEqual(deleted.body, { id: file.id, object: "file", deleted: true });
  assert.equal(
    sandbox.context.db.get("SELECT key FROM blobs WHERE key = ?", String(blobKey)),
    undefined,
  );
  assert.equal((await call("GET", `/api/v1/files/${file.id}`)).status, 404);
  assert.equal((await call("DELETE", `/api/v1/files/${file.id}`)).status, 404);
  assert.equal((await call("GET", `/api/v1/results/${job.id}`)).status, 200);
  const reuse = await call("POST", "/api/v1/jobs/quote", {
    body: {
      tool: "workload-simulator",
      input: {
        inputs: [{ ...textItem(), content: undefined, source: { type: "file", file_id: file.id } }],
      },
    },
  });
  assert.equal(
    expectOk(reuse, ROUTES.quoteJob).blocking_errors[0].path,
    "input.inputs[0].source.file_id",
  );
});

Deno.test("the file list pages newest first and filters by q, format, origin and mine", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const other = caller(sandbox.url, sandbox.createApiKey(sandbox.workspaceId));
  const names = ["a.fasta", "b.pdb", "c.fasta", "notes.txt", "d.sdf"];
  for (const name of names) {
    await call("POST", "/api/v1/files", { body: { filename: name, content: "x" } });
  }
  await other("POST", "/api/v1/files", { body: { filename: "theirs.fasta", content: "x" } });
  const list = async (query: string) =>
    expectOk(await call("GET", `/api/v1/files?${query}`), ROUTES.listFiles, { label: query });
  const first = await list("limit=4");
  assert.deepEqual(first.data.map((f) => f.filename), [
    "theirs.fasta",
    "d.sdf",
    "notes.txt",
    "c.fasta",
  ]);
  assert.equal(first.has_more, true);
  const second = await list(`limit=4&starting_after=${first.next_cursor}`);
  assert.deepEqual(second.data.map((f) => f.filename), ["b.pdb", "a.fasta"]);
  assert.equal(second.next_cursor, null);
  const fasta = (await list("format=FASTA")).data;
  assert.equal(fasta.length, 3);
  assert.equal((await list("q=notes")).data.length, 1);
  assert.equal((await list("origin=UPLOAD")).data.length, 6);
  assert.equal((await list("origin=JOB_OUTPUT")).data.length, 0);
  assert.equal((await list("mine=true")).data.length, 5);
  assert.equal((await call("GET", "/api/v1/files?origin=ELSEWHERE")).status, 400);
});
