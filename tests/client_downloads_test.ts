/**
 * Result downloads: streamed to a `.part` file and renamed when complete; a transfer broken
 * half-way resumes with `Range`; an expired signed URL is renewed by fetching the result
 * again — against the sandbox's real signed URLs with a short lifetime.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { clientRig, propertiesRequest } from "./_client_support.ts";
import { DownloadError } from "../lib/client/errors.ts";

/** Many sequences, so the result CSV is large enough to break half-way. */
function manyProteins(count: number): string {
  const residues = "ACDEFGHIKLMNPQRSTVWY";
  let fasta = "";
  for (let i = 0; i < count; i++) {
    let sequence = "";
    for (let j = 0; j < 60 + (i % 40); j++) sequence += residues[(i * 7 + j * 13) % 20];
    fasta += `>protein_${i} synthetic test sequence number ${i}\n${sequence}\n`;
  }
  return fasta;
}

/**
 * Breaks the first download after `keepBytes` bytes, after holding the connection for
 * `holdMs` (so the signed URL expires meanwhile). The server's responses are real. The
 * broken body is a byte stream (read with a BYOB reader, as fetch bodies are) or not.
 */
function breakFirstDownload(keepBytes: number, holdMs: number, byteStream: boolean) {
  let broken = false;
  return (inner: typeof fetch): typeof fetch => async (input, init) => {
    const response = await inner(input, init);
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    if (broken || !path.startsWith("/_sandbox/download/") || !response.body) return response;
    broken = true;
    const reader = response.body.getReader();
    let sent = 0;
    const source = {
      async pull(controller: {
        enqueue(chunk: Uint8Array): void;
        close(): void;
        error(reason: unknown): void;
      }) {
        if (sent >= keepBytes) {
          await new Promise((resolve) => setTimeout(resolve, holdMs));
          await reader.cancel();
          controller.error(new TypeError("connection reset by peer"));
          return;
        }
        const { value, done } = await reader.read();
        if (done) return controller.close();
        const part = value.subarray(0, keepBytes - sent);
        sent += part.byteLength;
        controller.enqueue(part);
      },
    };
    const body = byteStream
      ? new ReadableStream({ type: "bytes", ...source })
      : new ReadableStream<Uint8Array>(source);
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

for (const byteStream of [true, false]) {
  Deno.test(
    `a broken download resumes with Range after renewing its expired signed URL (${
      byteStream ? "byte stream" : "plain stream"
    })`,
    async () => {
      const rig = await clientRig({
        // The sandbox signs to whole seconds: a 2 s lifetime lasts 1–2 s, so a 2.2 s stall expires it.
        sandbox: { settings: { signedUrlTtlSeconds: 2 } },
        wrapFetch: breakFirstDownload(10_000, 2200, byteStream),
      });
      await using _ = rig;
      const job = await rig.piq.jobs.submit(propertiesRequest("many", manyProteins(400)));
      await job.wait();
      assert.equal(job.status, "COMPLETED", job.error ?? undefined);
      const result = await job.result();
      const dir = await Deno.makeTempDir();
      const saved = await result.download("properties.csv", { dir });
      const bytes = await Deno.readFile(saved.path);
      assert.equal(saved.bytes, bytes.byteLength);
      assert.equal(bytes.byteLength, result.data.files[0].size_bytes);
      assert.ok(bytes.byteLength > 20_000);
      const text = new TextDecoder().decode(bytes);
      assert.equal(
        text.trim().split("\n").length,
        401,
        "header + one row per protein, nothing doubled",
      );

      const downloads = rig.requests(/^\/_sandbox\/download\//);
      assert.deepEqual(downloads.map((d) => d.outcome), [200, 403, 206]);
      assert.equal(downloads[0].headers.get("range"), null);
      assert.equal(downloads[1].headers.get("range"), "bytes=10000-");
      assert.equal(downloads[2].headers.get("range"), "bytes=10000-", "resumed, not restarted");
      assert.equal(
        rig.requests(/\/results\//).length,
        2,
        "the result was fetched again for a fresh URL",
      );
      assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["properties.csv"]);
      await Deno.remove(dir, { recursive: true });
    },
  );
}

Deno.test("an expired URL is renewed before the first byte; a URL refused after renewing is a DownloadError", async () => {
  // Signed to whole seconds: a 2 s lifetime lasts 1–2 s, so 2.1 s later it has expired and a
  // fresh URL still has at least a second to live.
  await using rig = await clientRig({ sandbox: { settings: { signedUrlTtlSeconds: 2 } } });
  const job = await rig.piq.jobs.submit(propertiesRequest());
  await job.wait();
  const result = await job.result();
  await new Promise((resolve) => setTimeout(resolve, 2100));
  const dir = await Deno.makeTempDir();
  const saved = await result.download(undefined, { dir });
  assert.equal(saved.name, "properties.csv");
  assert.deepEqual(
    rig.requests(/^\/_sandbox\/download\//).map((d) => d.outcome),
    [403, 200],
  );

  // A server whose URLs never work: the client gives up with a clear error and no stray file.
  rig.sandbox.context.settings.signedUrlTtlSeconds = -10;
  await new Promise((resolve) => setTimeout(resolve, 2100)); // the last good URL expires too
  const error = await result.download("properties.csv", { path: join(dir, "again.csv") }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(error instanceof DownloadError, String(error));
  assert.match(error.message, /refused \(403\) even after re-signing/);
  assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["properties.csv"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an aborted download stops with AbortError and leaves no partial file", async () => {
  await using rig = await clientRig();
  const job = await rig.piq.jobs.submit(propertiesRequest());
  await job.wait();
  const result = await job.result();
  rig.sandbox.setFaults({ latencyMs: 2000, routes: ["download"] });
  const dir = await Deno.makeTempDir();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const { AbortError } = await import("../lib/client/errors.ts");
  await assert.rejects(result.download(undefined, { dir, signal: controller.signal }), AbortError);
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  rig.sandbox.setFaults(null);
  await Deno.remove(dir, { recursive: true });
});
