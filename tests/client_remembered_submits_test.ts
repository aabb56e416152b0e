/**
 * Remembered submissions: a submission whose answer was lost (all attempts) is remembered with
 * its Idempotency-Key, so submitting the identical request again — in the same client, or in a
 * new client on the same on-disk store after a kernel restart — returns the original job. The
 * server holds one job and one charge, read through the API. Errors after a possible commit
 * carry the key and say so; a definitive refusal or a job seen to end clears the entry.
 */
import assert from "node:assert/strict";
import { clientRig, propertiesRequest, ROOMY_WORKSPACE } from "./_client_support.ts";
import { ProteinIQ } from "../lib/client/client.ts";
import {
  ConnectionError,
  InsufficientCreditsError,
  type ProteinIQError,
  ServerError,
} from "../lib/client/errors.ts";
import { SANDBOX_POLLING } from "../lib/client/_wait.ts";
import type { Job } from "../lib/client/job.ts";

const PARKED = { pendingMs: 3_600_000, queuedMs: 0, minProcessingMs: 0, retryDelayMs: 0 };
const DISPLAY = Symbol.for("Jupyter.display");

/** A new client on the same server and store: what a kernel restart leaves. */
function restartedClient(rig: { sandbox: { apiKey: string; url: string } }, directory: string) {
  return new ProteinIQ({
    apiKey: rig.sandbox.apiKey,
    baseUrl: rig.sandbox.url,
    polling: SANDBOX_POLLING,
    display: false,
    log: () => {},
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    rememberSubmits: { directory },
  });
}

/** Jobs and credits as the API reports them. */
async function serverView(piq: ProteinIQ): Promise<{ jobs: Job[]; credits: number }> {
  const jobs: Job[] = [];
  for await (const job of piq.jobs.list({ pageSize: 100 })) jobs.push(job);
  const account = await piq.account.get();
  return { jobs, credits: account.workspace.credits.available };
}

async function storeFiles(directory: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(directory)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.filter((name) => name.endsWith(".json"));
}

for (const mode of ["connection cut", "body reset"] as const) {
  Deno.test(`every answer lost (${mode}): the error says the job may exist; re-running the cell, and a new client on the same store, return that one job`, async () => {
    const directory = await Deno.makeTempDir({ prefix: "piq-submits-" });
    await using rig = await clientRig({
      sandbox: { pace: PARKED, ...(mode === "connection cut" ? { faults: null } : {}) },
      client: { rememberSubmits: { directory } },
    });
    const before = await serverView(rig.piq);
    rig.sandbox.setFaults({ dropAfterCommitRate: 1, routes: ["submitJob"] });
    const request = propertiesRequest("lost answers");

    const error = await rig.piq.jobs.submit(request).then(() => undefined, (e) => e);
    assert.ok(error instanceof ConnectionError, `${error}`);
    assert.equal(error.mayHaveCommitted, true);
    const posts = rig.requests(/\/api\/v1\/jobs$/, "POST");
    assert.equal(posts.length, 3, "three attempts, all lost");
    assert.equal(error.idempotencyKey, posts[0].headers.get("idempotency-key"));
    assert.ok(
      error.message.includes(
        `The job may have been created and charged (Idempotency-Key ${error.idempotencyKey}); ` +
          "re-running this cell is safe",
      ),
      error.message,
    );
    assert.equal(
      error.message.match(/re-running this cell is safe/g)?.length,
      1,
      "one sentence, not one per layer",
    );
    assert.ok(!error.message.includes(rig.sandbox.apiKey.split("_").pop()!), "no secret");
    assert.equal(rig.jobCount(), 1, "the lost submission did create the job");
    assert.deepEqual(await storeFiles(directory).then((f) => f.length), 1, "remembered on disk");

    // The same cell run again, once the network is back.
    rig.sandbox.setFaults(null);
    const again = await rig.piq.jobs.submit(request);
    assert.equal(again.reattached, true);
    assert.equal(
      rig.requests(/\/api\/v1\/jobs$/, "POST").at(-1)!.headers.get("idempotency-key"),
      error.idempotencyKey,
      "the re-run sends the remembered key",
    );

    // Kernel restart: a new client, nothing in memory, the same folder.
    const restarted = restartedClient(rig, directory);
    const afterRestart = await restarted.jobs.submit(request);
    assert.equal(afterRestart.id, again.id);
    assert.equal(afterRestart.reattached, true);

    const after = await serverView(rig.piq);
    assert.equal(after.jobs.length - before.jobs.length, 1, "one job on the server");
    assert.equal(after.jobs[0].id, again.id);
    assert.equal(before.credits - after.credits, 1, "one charge (one credit per sequence)");
    await Deno.remove(directory, { recursive: true });
  });
}

Deno.test("kernel restart mid-wait: the re-run cell re-attaches to the first job and follows it to the end; a run after that is a new job", async () => {
  const directory = await Deno.makeTempDir({ prefix: "piq-submits-" });
  await using rig = await clientRig({
    sandbox: { pace: { pendingMs: 400, queuedMs: 100, minProcessingMs: 200, retryDelayMs: 0 } },
    client: { rememberSubmits: { directory } },
  });
  const before = await serverView(rig.piq);
  const request = propertiesRequest("restart mid-wait");
  const first = await rig.piq.jobs.submit(request);
  assert.equal(first.reattached, false);
  // The kernel dies here, while the job is PENDING and its wait has started.
  const waiting = first.wait({ timeoutMs: 50, display: false }).catch(() => undefined);
  await waiting;
  assert.equal(first.terminal, false);

  const restarted = restartedClient(rig, directory);
  const rerun = await restarted.jobs.submit(request);
  assert.equal(rerun.id, first.id, "Restart & Run All re-attaches to the first job");
  assert.equal(rerun.reattached, true);
  const seen: string[] = [];
  await rerun.wait({ display: false, onUpdate: (job) => seen.push(job.status) });
  assert.equal(rerun.status, "COMPLETED");
  assert.ok(seen.includes("PROCESSING"), `its progress is followed: ${seen.join(" → ")}`);
  assert.equal(rerun.request?.name, request.name, "the re-attached job can be retried/duplicated");

  const view = await serverView(restarted);
  assert.equal(view.jobs.length - before.jobs.length, 1, "one job");
  assert.equal(before.credits - view.credits, 1, "one charge");

  // The job was seen to end: the entry is gone, and running the cell again is a new run.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(await storeFiles(directory), []);
  const deliberate = await restarted.jobs.submit(request);
  assert.notEqual(deliberate.id, first.id);
  assert.equal(deliberate.reattached, false);
  await restarted.close();
  await Deno.remove(directory, { recursive: true });
});

Deno.test("a deliberate second run while the first is remembered: remember: false, an idempotencyKey, or duplicate()", async () => {
  await using rig = await clientRig({ sandbox: { pace: PARKED } });
  const request = propertiesRequest("twice on purpose");
  const first = await rig.piq.jobs.submit(request);
  const same = await rig.piq.jobs.submit(request);
  assert.equal(same.id, first.id);
  assert.equal(same.reattached, true);
  const fresh = await rig.piq.jobs.submit(request, { remember: false });
  const keyed = await rig.piq.jobs.submit(request, { idempotencyKey: "run-3" });
  assert.equal(new Set([first.id, fresh.id, keyed.id]).size, 3);
  assert.equal(rig.jobCount(), 3);
  // Concurrent identical submissions share one key: one job.
  const burst = await Promise.all(
    Array.from({ length: 4 }, () => rig.piq.jobs.submit(propertiesRequest("burst"))),
  );
  assert.equal(new Set(burst.map((job) => job.id)).size, 1);
  assert.equal(rig.jobCount(), 4);
});

Deno.test("duplicate() of a job named like its source is a new job, and a re-run of it returns the same copy", async () => {
  await using rig = await clientRig();
  const request = propertiesRequest("source");
  const source = await rig.piq.jobs.submit(request);
  await source.wait({ display: false });
  const copy = await source.duplicate({ name: "source" });
  assert.notEqual(copy.id, source.id, "not re-attached to the source");
  const rerun = await source.duplicate({ name: "source" });
  assert.equal(rerun.id, copy.id, "a re-run cell does not pay for a second copy");
  const another = await source.duplicate({ name: "source", idempotencyKey: "copy-2" });
  assert.notEqual(another.id, copy.id);
  assert.equal(rig.jobCount(), 3);
});

Deno.test("a definitive refusal (402) clears the entry; a 5xx after sending keeps it and the next submit reuses the key", async () => {
  const directory = await Deno.makeTempDir({ prefix: "piq-submits-" });
  await using rig = await clientRig({
    sandbox: { pace: PARKED, workspace: { ...ROOMY_WORKSPACE, credits: 0 } },
    client: { rememberSubmits: { directory }, maxRetries: 1 },
  });
  const request = propertiesRequest("refused");
  const refused = await rig.piq.jobs.submit(request).then(() => undefined, (e) => e);
  assert.ok(refused instanceof InsufficientCreditsError, `${refused}`);
  assert.equal(refused.mayHaveCommitted, false);
  assert.equal(refused.idempotencyKey, undefined);
  assert.doesNotMatch(refused.message, /may have been created/);
  assert.deepEqual(await storeFiles(directory), [], "a refusal is not remembered");
  const refusedKey = rig.requests(/\/api\/v1\/jobs$/, "POST")[0].headers.get("idempotency-key");

  rig.sandbox.updateWorkspace(rig.sandbox.workspaceId, { credits: 100 });
  rig.sandbox.setFaults({ errorRate: 1, errorStatuses: [500], routes: ["submitJob"] });
  const failed = await rig.piq.jobs.submit(request).then(() => undefined, (e) => e);
  assert.ok(failed instanceof ServerError, `${failed}`);
  assert.equal(failed.mayHaveCommitted, true);
  const posts = rig.requests(/\/api\/v1\/jobs$/, "POST");
  const serverErrorKey = posts.at(-1)!.headers.get("idempotency-key");
  assert.notEqual(serverErrorKey, refusedKey, "after a refusal the next submission is new");
  assert.equal(failed.idempotencyKey, serverErrorKey);
  assert.deepEqual((await storeFiles(directory)).length, 1);

  rig.sandbox.setFaults(null);
  const job = await rig.piq.jobs.submit(request);
  assert.equal(
    rig.requests(/\/api\/v1\/jobs$/, "POST").at(-1)!.headers.get("idempotency-key"),
    serverErrorKey,
  );
  assert.equal(rig.jobCount(), 1);
  assert.equal(job.status, "PENDING");
  await Deno.remove(directory, { recursive: true });
});

Deno.test("entries past the window are not reused; a refused connection is not 'may have committed'", async () => {
  const directory = await Deno.makeTempDir({ prefix: "piq-submits-" });
  await using rig = await clientRig({
    sandbox: { pace: PARKED },
    client: { rememberSubmits: { directory, windowMs: 30 } },
  });
  const request = propertiesRequest("window");
  const first = await rig.piq.jobs.submit(request);
  await new Promise((resolve) => setTimeout(resolve, 60));
  const later = await rig.piq.jobs.submit(request);
  assert.notEqual(later.id, first.id, "the window passed: a new key, a new job");

  // Nothing listens on this port: the request reached no server.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const offline = new ProteinIQ({
    apiKey: rig.sandbox.apiKey,
    baseUrl: `http://127.0.0.1:${port}`,
    display: false,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    rememberSubmits: { directory },
  });
  const error = await offline.jobs.submit(request, { validate: false }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(error instanceof ConnectionError, `${error}`);
  assert.equal(error.mayHaveCommitted, false, error.message);
  await Deno.remove(directory, { recursive: true });
});

Deno.test("the error's text/plain and HTML say the job may exist and re-running is safe, escaped, without the key", async () => {
  await using rig = await clientRig({ sandbox: { pace: PARKED, faults: null } });
  rig.sandbox.setFaults({ dropAfterCommitRate: 1, routes: ["submitJob"] });
  const error = await rig.piq.jobs.submit(propertiesRequest("<b>shown</b>")).then(
    () => undefined,
    (e) => e,
  ) as ProteinIQError;
  assert.ok(error instanceof ConnectionError);
  const bundle = await (error as unknown as Record<symbol, () => Promise<Record<string, string>>>)
    [DISPLAY]();
  const text = bundle["text/plain"];
  const html = bundle["text/html"];
  assert.equal(text, `ConnectionError: ${error.message}`);
  for (const shown of [text, html]) {
    assert.match(shown, /The job may have been created and charged/);
    assert.match(shown, /re-running this cell is safe/);
    assert.ok(shown.includes(error.idempotencyKey!));
    assert.ok(!shown.includes(rig.sandbox.apiKey), "never the API key");
    assert.ok(!shown.includes(rig.sandbox.apiKey.split("_").pop()!), "never its secret");
  }
  assert.doesNotMatch(html, /<script|<b>/);

  // The caller's own key: the advice names it instead of the cell.
  const own = await rig.piq.jobs.submit(propertiesRequest("own"), { idempotencyKey: "mine-1" })
    .then(() => undefined, (e) => e) as ProteinIQError;
  assert.equal(own.idempotencyKey, "mine-1");
  assert.match(own.message, /submitting again with the same idempotencyKey is safe/);
});

Deno.test("the store: whole files only, a damaged file is ignored, nothing left behind", async () => {
  const directory = await Deno.makeTempDir({ prefix: "piq-submits-" });
  await using rig = await clientRig({
    sandbox: { pace: PARKED, faults: null },
    client: { rememberSubmits: { directory } },
  });
  rig.sandbox.setFaults({ dropAfterCommitRate: 1, routes: ["submitJob"] });
  const request = propertiesRequest("store");
  const lost = await rig.piq.jobs.submit(request).then(() => undefined, (e) => e);
  assert.ok(lost instanceof ConnectionError);
  rig.sandbox.setFaults(null);
  const names = [];
  for await (const entry of Deno.readDir(directory)) names.push(entry.name);
  assert.equal(names.length, 1, `no temporary files: ${names}`);
  const stored = JSON.parse(await Deno.readTextFile(`${directory}/${names[0]}`));
  assert.equal(stored.object, "remembered_submit");
  assert.equal(stored.idempotency_key, lost.idempotencyKey);
  assert.match(stored.request_sha256, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(stored).includes(rig.sandbox.apiKey.split("_").pop()!), "no secret");

  // A half-written or foreign file is not trusted: the submission gets a new key.
  await Deno.writeTextFile(`${directory}/${names[0]}`, '{"object": "remembered_sub');
  const restarted = restartedClient(rig, directory);
  const job = await restarted.jobs.submit(request);
  assert.equal(job.reattached, false);
  assert.equal(rig.jobCount(), 2, "a damaged entry cannot be used, so this is a new job");
  await Deno.remove(directory, { recursive: true });
});

Deno.test("any POST that may have been applied carries its key and says so (an upload answered 503)", async () => {
  await using rig = await clientRig({ client: { maxRetries: 1 } });
  rig.sandbox.setFaults({ errorRate: 1, errorStatuses: [503], routes: ["uploadFile"] });
  const error = await rig.piq.files.upload({ content: ">a\nMKT\n" }, { name: "a.fasta" }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(error instanceof ServerError, `${error}`);
  assert.equal(error.mayHaveCommitted, true);
  const posts = rig.requests(/\/api\/v1\/files$/, "POST");
  assert.equal(error.idempotencyKey, posts[0].headers.get("idempotency-key"));
  assert.match(error.message, /may have been applied on the server/);
  // A GET cannot have applied anything.
  rig.sandbox.setFaults({ errorRate: 1, errorStatuses: [503], routes: ["account"] });
  const read = await rig.piq.account.get().then(() => undefined, (e) => e);
  assert.ok(read instanceof ServerError);
  assert.equal(read.mayHaveCommitted, false);
  assert.equal(read.idempotencyKey, undefined);
});

/** A notebook kernel in its own process: submits the request, prints the job, waits. */
const KERNEL = `
import { ProteinIQ } from ${
  JSON.stringify(new URL("../lib/client/client.ts", import.meta.url).href)
};
const [baseUrl, apiKey, directory, name] = Deno.args;
const piq = new ProteinIQ({ apiKey, baseUrl, display: false, rememberSubmits: { directory } });
const job = await piq.jobs.submit({
  tool: "protein-properties", name,
  input: { inputs: [{ id: "seqs_1", slotId: "protein", kind: "protein", format: "fasta",
    content: ">a\\nMKTAYIAKQRQISFVKSHFSRQ\\n", source: { type: "text" } }] },
});
console.log(JSON.stringify({ id: job.id, reattached: job.reattached, status: job.status }));
await job.wait({ display: false });
console.log(JSON.stringify({ id: job.id, status: job.status }));
`;

Deno.test("a kernel killed (SIGKILL) mid-wait: the re-run in a new process re-attaches to the first job", async () => {
  const directory = await Deno.makeTempDir({ prefix: "piq-submits-" });
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(script, KERNEL);
  await using rig = await clientRig({
    sandbox: { pace: { pendingMs: 1500, queuedMs: 100, minProcessingMs: 200, retryDelayMs: 0 } },
  });
  const before = await serverView(rig.piq);
  const kernel = () =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, rig.sandbox.url, rig.sandbox.apiKey, directory, "kernel"],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
  const firstLines = async (child: Deno.ChildProcess, count: number) => {
    const lines: Record<string, unknown>[] = [];
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    while (lines.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0 && lines.length < count) {
        lines.push(JSON.parse(buffer.slice(0, newline)));
        buffer = buffer.slice(newline + 1);
      }
    }
    reader.releaseLock();
    return lines;
  };

  const first = kernel();
  const [submitted] = await firstLines(first, 1);
  assert.equal(submitted.reattached, false);
  first.kill("SIGKILL"); // Restart the kernel while the job is PENDING.
  await first.status;
  await first.stdout.cancel().catch(() => undefined);

  const second = kernel();
  const [reattached, ended] = await firstLines(second, 2);
  await second.status;
  assert.equal(reattached.id, submitted.id, "Restart & Run All re-attaches to the first job");
  assert.equal(reattached.reattached, true);
  assert.equal(ended.status, "COMPLETED");

  const after = await serverView(rig.piq);
  assert.equal(after.jobs.length - before.jobs.length, 1, "one job");
  assert.equal(before.credits - after.credits, 1, "one charge");
  assert.deepEqual(await storeFiles(directory), [], "seen to end: the entry is gone");
  await Deno.remove(directory, { recursive: true });
  await Deno.remove(script);
});
