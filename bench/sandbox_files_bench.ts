/**
 * Files streamed both ways, with the sandbox as its own process (file database, blobs next to
 * it): its peak RSS growth (`VmHWM`, reset before each phase through `/proc/PID/clear_refs`)
 * while it receives a large multipart upload (sent by `curl -F`) and while it serves the
 * same bytes as a result file download; then the client's `result.download()` against
 * `curl -o` on the same signed URL, alternating, several rounds. Goals: growth ≤ 64 MB,
 * client ≥ 0.9× curl.
 *
 * Run: `deno run -A bench/sandbox_files_bench.ts` (about a minute at full size). Options:
 * `--mb N` size of the served and received file (default 1024), `--download-mb N` size for
 * the client-vs-curl comparison (default 500), `--rounds N` (default 7).
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { ProteinIQ } from "../lib/client/client.ts";
import { SANDBOX_POLLING } from "../lib/client/_wait.ts";
import { median, option, peakRssOf, rssOf } from "./_stats.ts";
import { LYSOZYME_FASTA, spawnSandbox } from "./_sandbox_process.ts";
import { propertiesRequest } from "../tests/_client_support.ts";

const MB = 1024 * 1024;
const SIZE_MB = option("mb", 1024);
const DOWNLOAD_MB = option("download-mb", 500);
const ROUNDS = option("rounds", 7);

const dir = await Deno.makeTempDir({ prefix: "sandbox-files-bench-" });
const database = join(dir, "sandbox.sqlite");

/** A file of `mb` MiB (a random MiB repeated: the server hashes and stores every byte anyway). */
async function makeFile(path: string, mb: number): Promise<void> {
  const block = new Uint8Array(MB);
  for (let i = 0; i < MB; i += 65536) crypto.getRandomValues(block.subarray(i, i + 65536));
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  for (let i = 0; i < mb; i++) {
    // A different first byte per MiB so no two MiB are alike.
    block[0] = i & 0xff;
    for (let offset = 0; offset < MB;) offset += await file.write(block.subarray(offset));
  }
}

/** Reset the peak RSS counter of `pid` (Linux `clear_refs` 5); false if not allowed. */
async function resetPeak(pid: number): Promise<boolean> {
  try {
    await Deno.writeTextFile(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Peak RSS growth of `pid` over `run`, in bytes. */
async function peakGrowth(pid: number, run: () => Promise<unknown>): Promise<number> {
  const reset = await resetPeak(pid);
  const base = reset ? await rssOf(pid) : await peakRssOf(pid);
  await run();
  return (await peakRssOf(pid)) - base;
}

await using server = await spawnSandbox([
  "--db",
  database,
  "--pace",
  "instant",
  "--per-job-poll-ms",
  "0",
  "--rate-limit",
  "1000000000",
  "--max-upload",
  `${Math.max(SIZE_MB, DOWNLOAD_MB) + 1}M`,
]);
const piq = new ProteinIQ({
  apiKey: server.apiKey,
  baseUrl: server.url,
  polling: SANDBOX_POLLING,
  display: false,
});

/** Upload a file and make it the output of a finished job, so it is served as a result file. */
async function asResult(
  path: string,
): Promise<{ jobId: string; grewBy: number; againGrewBy: number }> {
  let fileId = "";
  // Sent by curl: this measures the server receiving, at the speed the network allows.
  const upload = async () => {
    const sent = await new Deno.Command("curl", {
      args: [
        "-sS",
        "-f",
        "-H",
        `Authorization: Bearer ${server.apiKey}`,
        "-F",
        `file=@${path}`,
        `${server.url}/api/v1/files`,
      ],
    }).output();
    if (!sent.success) throw new Error(new TextDecoder().decode(sent.stderr));
    fileId = (JSON.parse(new TextDecoder().decode(sent.stdout)) as { id: string }).id;
  };
  // The first large body grows the heap once (V8 and the allocator keep what they took);
  // the second shows whether receiving costs memory per byte.
  const grewBy = await peakGrowth(server.pid, upload);
  const againGrewBy = await peakGrowth(server.pid, upload);
  const job = await piq.jobs.submit(propertiesRequest("files bench", LYSOZYME_FASTA));
  await job.wait({ display: false });
  // Point the job's first result file at the uploaded blob (both live in the same database).
  const db = new DatabaseSync(database);
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    const blob = db.prepare("SELECT blob_key FROM files WHERE id = ?").get(fileId);
    db.prepare(
      "UPDATE result_files SET blob_key = ?, name = 'big.bin' WHERE job_id = ? AND ordinal = 0",
    )
      .run(String(blob?.blob_key), job.id);
  } finally {
    db.close();
  }
  return { jobId: job.id, grewBy, againGrewBy };
}

try {
  const big = join(dir, "big.bin");
  await makeFile(big, SIZE_MB);
  const received = await asResult(big);
  const result = await piq.results.get(received.jobId);
  const served = await peakGrowth(server.pid, async () => {
    await result.download("big.bin", { path: join(dir, "served.bin") });
  });
  const copy = await Deno.stat(join(dir, "served.bin"));
  if (copy.size !== SIZE_MB * MB) throw new Error(`served ${copy.size} bytes`);
  await Deno.remove(join(dir, "served.bin"));

  // Client against curl on one signed URL.
  let url = "";
  let downloadJob = received.jobId;
  if (DOWNLOAD_MB !== SIZE_MB) {
    const small = join(dir, "download.bin");
    await makeFile(small, DOWNLOAD_MB);
    downloadJob = (await asResult(small)).jobId;
  }
  const clientTimes: number[] = [];
  const curlTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const fresh = await piq.results.get(downloadJob);
    url = fresh.files[0].url ?? "";
    const sides = round % 2 ? ["curl", "client"] : ["client", "curl"];
    for (const side of sides) {
      const target = join(dir, `${side}.bin`);
      const started = performance.now();
      if (side === "client") {
        await fresh.download("big.bin", { path: target });
      } else {
        const status = await new Deno.Command("curl", {
          args: ["-sS", "-f", "-o", target, url],
        }).output();
        if (!status.success) throw new Error(new TextDecoder().decode(status.stderr));
      }
      (side === "client" ? clientTimes : curlTimes).push(performance.now() - started);
      await Deno.remove(target);
    }
  }
  const mbps = (ms: number) => (DOWNLOAD_MB / (ms / 1000)).toFixed(0);
  console.log(`sandbox pid ${server.pid}; peak RSS growth (goal ≤ 64 MB):`);
  console.log(
    `  receiving a ${SIZE_MB} MB upload   ${(received.grewBy / MB).toFixed(1)} MB the first time, ${
      (received.againGrewBy / MB).toFixed(1)
    } MB the second`,
  );
  console.log(`  serving a ${SIZE_MB} MB download   ${(served / MB).toFixed(1)} MB`);
  console.log(
    `client download vs curl -o, ${DOWNLOAD_MB} MB, ${ROUNDS} rounds alternating: client ${
      mbps(median(clientTimes))
    } MB/s, curl ${mbps(median(curlTimes))} MB/s, ratio ${
      (median(curlTimes) / median(clientTimes)).toFixed(2)
    } (goal ≥ 0.9)`,
  );
} finally {
  await piq.close();
  await Deno.remove(dir, { recursive: true }).catch(() => undefined);
}
