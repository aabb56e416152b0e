/**
 * Large files on disk: an upload past the inline size streams into the content-addressed
 * blob store next to the database (the bytes on disk hash to their name), is served back
 * from there whole and by single ranges (`a-b`, `a-`, `-n`; `416` outside), is refused with
 * `413` past `maxUploadBytes` leaving nothing behind, and disappears from disk when the last
 * file using it is deleted. The CLI's `--max-upload` sets the cap.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { optionsFromArgs } from "../lib/sandbox/main.ts";
import { readMultipart } from "../lib/sandbox/_multipart.ts";
import { ROUTES } from "../lib/contract/routes.ts";
import { caller, expectOk, proteins } from "./sandbox_helpers.ts";

const MB = 1024 * 1024;

function multipart(bytes: Uint8Array, name: string): FormData {
  const form = new FormData();
  form.append("file", new File([bytes as Uint8Array<ArrayBuffer>], name));
  return form;
}

async function filesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory && entry.name !== "tmp") {
      for await (const inner of Deno.readDir(join(dir, entry.name))) names.push(inner.name);
    }
  }
  return names;
}

Deno.test("a large upload lands on disk under its hash and is served back whole and by ranges", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sandbox-blobs-" });
  const database = join(dir, "sandbox.sqlite");
  const sandbox = await startSandbox({
    database,
    pace: "instant",
    settings: { maxUploadBytes: 8 * MB },
  });
  try {
    const call = caller(sandbox.url, sandbox.apiKey);
    const bytes = new Uint8Array(3 * MB + 17);
    for (let i = 0; i < bytes.length; i += 65536) {
      crypto.getRandomValues(bytes.subarray(i, Math.min(bytes.length, i + 65536)));
    }
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const file = expectOk(
      await call("POST", "/api/v1/files", { raw: multipart(bytes, "big.bin") }),
      ROUTES.uploadFile,
    );
    assert.equal(file.sha256, sha256);
    assert.equal(file.size_bytes, bytes.length);
    // On disk next to the database, named by content, not inline in SQLite.
    const onDisk = join(`${database}.blobs`, sha256.slice(0, 2), sha256);
    assert.deepEqual(await Deno.readFile(onDisk), bytes);
    const row = sandbox.context.db.get(
      "SELECT on_disk, length(data) AS inline FROM blobs WHERE sha256 = ?",
      sha256,
    );
    assert.deepEqual({ onDisk: Number(row?.on_disk), inline: Number(row?.inline) }, {
      onDisk: 1,
      inline: 0,
    });
    assert.deepEqual(
      await Array.fromAsync(Deno.readDir(join(`${database}.blobs`, "tmp"))),
      [],
      "no temporary file left",
    );

    // Served as a result file: point a finished job's output at the stored blob.
    const job = expectOk(
      await call("POST", "/api/v1/jobs", { body: proteins() }),
      ROUTES.submitJob,
    );
    await sandbox.settle();
    sandbox.context.db.run(
      "UPDATE result_files SET blob_key = ? WHERE job_id = ? AND ordinal = 0",
      `files/${sandbox.workspaceId}/${file.id}`,
      job.id,
    );
    const result = expectOk(await call("GET", `/api/v1/results/${job.id}`), ROUTES.getResult);
    const url = result.files[0].url!;
    const whole = await fetch(url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("content-length"), String(bytes.length));
    assert.deepEqual(new Uint8Array(await whole.arrayBuffer()), bytes);
    const ranged = async (range: string) => {
      const response = await fetch(url, { headers: { Range: range } });
      return {
        status: response.status,
        contentRange: response.headers.get("content-range"),
        body: new Uint8Array(await response.arrayBuffer()),
      };
    };
    const middle = await ranged(`bytes=${MB}-${MB + 99}`);
    assert.equal(middle.status, 206);
    assert.equal(middle.contentRange, `bytes ${MB}-${MB + 99}/${bytes.length}`);
    assert.deepEqual(middle.body, bytes.subarray(MB, MB + 100));
    const rest = await ranged(`bytes=${2 * MB}-`);
    assert.deepEqual(rest.body, bytes.subarray(2 * MB));
    const tail = await ranged("bytes=-10");
    assert.equal(
      tail.contentRange,
      `bytes ${bytes.length - 10}-${bytes.length - 1}/${bytes.length}`,
    );
    assert.deepEqual(tail.body, bytes.subarray(bytes.length - 10));
    const outside = await ranged(`bytes=${bytes.length}-`);
    assert.equal(outside.status, 416);
    assert.equal(outside.contentRange, `bytes */${bytes.length}`);

    // Deleting the file removes the bytes from disk (the result still points at the key, but
    // nothing else shares the content).
    sandbox.context.db.run("DELETE FROM result_files WHERE job_id = ?", job.id);
    await call("DELETE", `/api/v1/files/${file.id}`);
    await assert.rejects(Deno.stat(onDisk), Deno.errors.NotFound);
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an upload past maxUploadBytes is 413 and leaves nothing on disk", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sandbox-blobs-" });
  const database = join(dir, "sandbox.sqlite");
  const sandbox = await startSandbox({
    database,
    pace: "instant",
    settings: { maxUploadBytes: MB },
  });
  try {
    const call = caller(sandbox.url, sandbox.apiKey);
    // Streamed without a Content-Length: refused as it passes the cap, not after.
    const big = new Uint8Array(2 * MB).fill(7);
    const answer = await call("POST", "/api/v1/files", { raw: multipart(big, "big.bin") });
    assert.equal(answer.status, 413);
    assert.deepEqual(await filesIn(`${database}.blobs`), []);
    assert.equal(Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM blobs")?.n), 0);
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--max-upload sets the cap, in bytes or with a K, M or G suffix", () => {
  assert.equal(
    optionsFromArgs(["--max-upload", "2G"]).options.settings?.maxUploadBytes,
    2 * 1024 * MB,
  );
  assert.equal(
    optionsFromArgs(["--max-upload", "500M"]).options.settings?.maxUploadBytes,
    500 * MB,
  );
  assert.equal(optionsFromArgs(["--max-upload", "4096"]).options.settings?.maxUploadBytes, 4096);
  assert.throws(() => optionsFromArgs(["--max-upload", "lots"]), /--max-upload/);
});

Deno.test("the streaming multipart reader finds every boundary, however the body is split", async () => {
  const boundary = "piq-0123456789abcdef";
  const content = new Uint8Array(200_000);
  for (let i = 0; i < content.length; i++) content[i] = (i * 7919) % 251;
  // A near miss of the delimiter inside the content must stay content.
  content.set(new TextEncoder().encode(`\r\n--${boundary.slice(0, -1)}X`), 1000);
  const encoder = new TextEncoder();
  const body = new Uint8Array([
    ...encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nhello\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n`,
    ),
    ...content,
    ...encoder.encode(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="tags"\r\n\r\nt1\r\n--${boundary}--\r\n`,
    ),
  ]);
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    // Chunks of 1 to ~3 000 bytes, so boundaries fall at every kind of position; odd seeds
    // send a byte stream (read with a BYOB reader, as request bodies are), even ones not.
    let state = seed;
    const next = () =>
      (state = (state * 1103515245 + 12345) % 2 ** 31) % (seed % 4 < 2 ? 40 : 3000) + 1;
    let offset = 0;
    const pull = (controller: { enqueue(chunk: Uint8Array): void; close(): void }) => {
      if (offset >= body.length) return controller.close();
      const size = next();
      controller.enqueue(body.slice(offset, offset + size));
      offset += size;
    };
    const stream = seed % 2
      ? new ReadableStream({ type: "bytes", pull })
      : new ReadableStream<Uint8Array>({ pull });
    let received = new Uint8Array(0);
    const { fields } = await readMultipart(stream, boundary, {
      maxFieldBytes: 1024,
      onFile: async (part, file) => {
        assert.equal(part.filename, "x.bin");
        const chunks: Uint8Array[] = [];
        // As the blob store reads: the newest chunk is used while the next one is read.
        const reader = file.getReader();
        let previous: Uint8Array | undefined;
        let previousCopy: Uint8Array | undefined;
        for (;;) {
          const { value, done } = await reader.read();
          if (previous) {
            assert.deepEqual(previous, previousCopy, "a chunk is intact while the next is read");
          }
          if (done) break;
          previous = value;
          previousCopy = value.slice();
          chunks.push(previousCopy);
        }
        received = new Uint8Array(
          await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer(),
        );
      },
    });
    assert.deepEqual(received, content, `seed ${seed}`);
    assert.deepEqual(fields.get("description"), ["hello"]);
    assert.deepEqual(fields.get("tags"), ["t1"]);
  }
});

/** A multipart body of one file part, sent in two pieces: `release()` sends the closing delimiter. */
function heldMultipart(bytes: Uint8Array, name: string) {
  const boundary = `piq-held-${crypto.randomUUID()}`;
  const encoder = new TextEncoder();
  let release = () => {};
  const released = new Promise<void>((resolve) => release = resolve);
  let sentFile = () => {};
  const fileSent = new Promise<void>((resolve) => sentFile = resolve);
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
          `Content-Type: application/octet-stream\r\n\r\n`,
      ));
      controller.enqueue(bytes);
      // The separator ends the file part (so the server places the blob), then a field.
      controller.enqueue(encoder.encode(`\r\n--${boundary}\r\n`));
      sentFile();
      await released;
      controller.enqueue(encoder.encode(
        `Content-Disposition: form-data; name="description"\r\n\r\nheld\r\n--${boundary}--\r\n`,
      ));
      controller.close();
    },
  });
  return { body, boundary, release, fileSent };
}

Deno.test("identical uploads at once: one refused does not remove the bytes the other keeps", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sandbox-blobs-" });
  const database = join(dir, "sandbox.sqlite");
  const sandbox = await startSandbox({ database, pace: "instant" });
  try {
    const call = caller(sandbox.url, sandbox.apiKey);
    const bytes = new Uint8Array(MB);
    for (let i = 0; i < bytes.length; i += 65536) {
      crypto.getRandomValues(bytes.subarray(i, i + 65536));
    }
    // The kept upload has its blob on disk and waits before its last field; meanwhile the
    // same bytes arrive named as FASTA (binary: refused with 415).
    const kept = heldMultipart(bytes, "kept.bin");
    const keptAnswer = fetch(`${sandbox.url}/api/v1/files`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${sandbox.apiKey}`,
        "Content-Type": `multipart/form-data; boundary=${kept.boundary}`,
      },
      body: kept.body,
    });
    await kept.fileSent;
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const onDisk = join(`${database}.blobs`, sha256.slice(0, 2), sha256);
    for (let i = 0; i < 200 && !await Deno.stat(onDisk).then(() => true, () => false); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const refused = await call("POST", "/api/v1/files", { raw: multipart(bytes, "x.fasta") });
    assert.equal(refused.status, 415);
    kept.release();
    const response = await keptAnswer;
    const file = expectOk(
      { status: response.status, headers: response.headers, body: await response.json() },
      ROUTES.uploadFile,
    );
    assert.equal(file.sha256, sha256);
    assert.deepEqual(await Deno.readFile(onDisk), bytes, "the kept upload's bytes are on disk");
    // Deleting the file, the last user of the bytes, removes them.
    assert.equal((await call("DELETE", `/api/v1/files/${file.id}`)).status, 200);
    assert.equal(await Deno.stat(onDisk).then(() => true, () => false), false);
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("when the blob store cannot write, an upload is 500 internal_error, not the sender's mistake", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sandbox-blobs-" });
  const database = join(dir, "sandbox.sqlite");
  const sandbox = await startSandbox({ database, pace: "instant" });
  try {
    const call = caller(sandbox.url, sandbox.apiKey);
    // The store's working directory vanishes (an operator's cleanup, a lost mount).
    await Deno.remove(join(`${database}.blobs`, "tmp"), { recursive: true });
    const answer = await call("POST", "/api/v1/files", {
      raw: multipart(new Uint8Array(MB).fill(1), "big.bin"),
    });
    assert.equal(answer.status, 500);
    const body = answer.body as { error: { code: string; message: string } };
    assert.equal(body.error.code, "internal_error");
    assert.match(body.error.message, /could not store the upload/);
    assert.equal(Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM files")?.n), 0);
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});
