/**
 * Resumable batches: a re-run after a stop, after a real SIGKILL of the process running the
 * batch, after a death between a submission and the manifest write, with one item changed,
 * in another account, and in the same process — never a duplicate job, never a second charge.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ProteinIQ } from "../lib/client/client.ts";
import { SANDBOX_POLLING } from "../lib/client/_wait.ts";
import { AbortError } from "../lib/client/errors.ts";
import { type Pace, type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import { runToolBatch } from "../lib/batch/proteiniq.ts";
import { fastaTexts } from "../lib/batch/items.ts";
import { idempotencyKeyFor, payloadHash } from "../lib/batch/_keys.ts";
import { ManifestError } from "../lib/batch/_manifest.ts";
import { fastaItem } from "../lib/inputs/fasta.ts";
import { DEMO_BATCH, demoLibrary, demoSandbox } from "../examples/batch_kill_demo.ts";

const PACE: Pace = { pendingMs: 0, queuedMs: 0, minProcessingMs: 150, retryDelayMs: 0 };
const WORKSPACE = { maxConcurrentJobs: 3, dailyJobLimit: 1000, credits: 1000, rateLimit: 100_000 };

function library(count: number): string {
  const letters = "ACDEFGHIKLMNPQRSTVWY";
  let text = "";
  for (let index = 0; index < count; index++) {
    let sequence = "M";
    for (let position = 0; position < 30 + index; position++) {
      sequence += letters[(index * 3 + position * 7) % 20];
    }
    text += `>s${index}\n${sequence}\n`;
  }
  return text;
}

function clientOf(sandbox: Sandbox): ProteinIQ {
  return new ProteinIQ({
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    polling: SANDBOX_POLLING,
    display: false,
  });
}

function ledger(sandbox: Sandbox) {
  const db = sandbox.context.db;
  const n = (sql: string) => Number(db.get(sql)?.n ?? 0);
  return {
    jobs: n("SELECT COUNT(*) AS n FROM jobs"),
    distinctNames: n("SELECT COUNT(DISTINCT name) AS n FROM jobs"),
    charges: n("SELECT COUNT(*) AS n FROM ledger WHERE reason = 'charge'"),
    charged: -Number(
      db.get("SELECT COALESCE(SUM(delta), 0) AS n FROM ledger WHERE reason = 'charge'")?.n ?? 0,
    ),
    completed: n("SELECT COUNT(*) AS n FROM jobs WHERE status = 'COMPLETED'"),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("a stopped batch resumes: reattaches submitted jobs and submits only the rest", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: PACE,
    workspace: WORKSPACE,
  });
  const dir = await Deno.makeTempDir();
  const options = {
    name: "stop and go",
    tool: "protein-properties",
    inputs: library(12),
    manifest: join(dir, "m.json"),
    quiet: true,
  };
  const first = await runToolBatch(clientOf(sandbox), options);
  while (first.summary.completed < 4) await sleep(20);
  await first.stop();
  const atStop = ledger(sandbox);
  assert.ok(atStop.jobs < 12, `stopped with ${atStop.jobs} jobs`);
  const notes: string[] = [];
  const second = await runToolBatch(clientOf(sandbox), {
    ...options,
    quiet: false,
    log: (line) => notes.push(line),
  });
  assert.match(notes[0], /12 items — \d+ already finished, \d+ to reattach, \d+ to submit/);
  await second.wait({ display: false });
  assert.equal(second.summary.completed, 12);
  const after = ledger(sandbox);
  assert.deepEqual(after, { jobs: 12, distinctNames: 12, charges: 12, charged: 12, completed: 12 });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a process killed between submitting and writing the manifest does not pay twice on the re-run", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: PACE,
    workspace: WORKSPACE,
  });
  const piq = clientOf(sandbox);
  const name = "died mid-write";
  const inputs = library(5);
  // What the dead process sent for item s2 before it could record the job id.
  const { key, fasta } = fastaTexts(inputs)[2];
  const payload = {
    tool: "protein-properties",
    name: `${name} · ${key}`,
    input: { inputs: [fastaItem(fasta, { slotId: "protein", kind: "protein" })] },
  };
  const orphan = await piq.jobs.submit(payload, {
    idempotencyKey: idempotencyKeyFor(name, {
      key,
      payloadSha256: payloadHash(payload),
      attempt: 1,
    }),
  });
  const batch = await runToolBatch(piq, {
    name,
    tool: "protein-properties",
    inputs,
    manifest: false,
    quiet: true,
  });
  await batch.wait({ display: false });
  assert.equal(
    batch.items.find((item) => item.key === "s2")!.jobId,
    orphan.id,
    "the resubmission was a replay",
  );
  assert.deepEqual(ledger(sandbox), {
    jobs: 5,
    distinctNames: 5,
    charges: 5,
    charged: 5,
    completed: 5,
  });
});

Deno.test("changing one item's input submits only that item; its old job is kept in the history", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: PACE,
    workspace: WORKSPACE,
  });
  const dir = await Deno.makeTempDir();
  const manifest = join(dir, "m.json");
  const inputs = library(6);
  const first = await runToolBatch(clientOf(sandbox), {
    name: "edit one",
    tool: "protein-properties",
    inputs,
    manifest,
    quiet: true,
  });
  await first.wait({ display: false });
  const oldJob = first.items.find((item) => item.key === "s3")!.jobId;
  const edited = inputs.replace(/(>s3\n)M/, "$1W");
  const second = await runToolBatch(clientOf(sandbox), {
    name: "edit one",
    tool: "protein-properties",
    inputs: edited,
    manifest,
    quiet: true,
  });
  await second.wait({ display: false });
  assert.equal(ledger(sandbox).jobs, 7, "one new job");
  const item = second.items.find((entry) => entry.key === "s3")!;
  assert.notEqual(item.jobId, oldJob);
  const saved = JSON.parse(await Deno.readTextFile(manifest));
  const entry = saved.items.find((candidate: { key: string }) => candidate.key === "s3");
  assert.equal(entry.history[0].job_id, oldJob);
  const third = await runToolBatch(clientOf(sandbox), {
    name: "edit one",
    tool: "protein-properties",
    inputs: edited,
    manifest,
    quiet: true,
  });
  await third.wait({ display: false });
  assert.equal(ledger(sandbox).jobs, 7, "an unchanged re-run submits nothing");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("killed with SIGKILL at half, the batch resumes in another process: no duplicate, no double charge", async () => {
  const dir = await Deno.makeTempDir();
  const database = join(dir, "sandbox.sqlite");
  const manifest = join(dir, "demo.json");
  const count = 40;
  // This process's sandbox runs the jobs (it holds the runner lease); the child's serves it too.
  await using sandbox = await startSandbox({ ...demoSandbox(), database });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(import.meta.dirname!, "..", "examples", "batch_kill_demo.ts")],
    env: {
      BATCH_DEMO_DB: database,
      BATCH_DEMO_COUNT: String(count),
      BATCH_DEMO_MANIFEST: manifest,
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const deadline = Date.now() + 120_000;
  while (ledger(sandbox).completed < count / 2) {
    assert.ok(Date.now() < deadline, "the child made progress");
    await sleep(10);
  }
  child.kill("SIGKILL");
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL");
  const atKill = ledger(sandbox);
  assert.ok(atKill.jobs < count, `killed with ${atKill.jobs} of ${count} submitted`);
  const batch = await runToolBatch(clientOf(sandbox), {
    name: DEMO_BATCH,
    tool: "protein-properties",
    inputs: demoLibrary(count),
    manifest,
    quiet: true,
  });
  await batch.wait({ display: false });
  assert.equal(batch.summary.completed, count);
  assert.deepEqual(ledger(sandbox), {
    jobs: count,
    distinctNames: count,
    charges: count,
    charged: count,
    completed: count,
  });
  const credits = Number(
    sandbox.context.db.get("SELECT credits FROM workspaces WHERE id = ?", sandbox.workspaceId)!
      .credits,
  );
  assert.equal(credits, 1000 - count);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a manifest written for another account is set aside; a foreign or broken one is refused clearly", async () => {
  const dir = await Deno.makeTempDir();
  const manifest = join(dir, "m.json");
  const options = {
    name: "two sandboxes",
    tool: "protein-properties",
    inputs: library(3),
    manifest,
    quiet: true,
  };
  {
    await using first = await startSandbox({
      database: ":memory:",
      pace: PACE,
      workspace: WORKSPACE,
    });
    await (await runToolBatch(clientOf(first), options)).wait({ display: false });
  }
  await using second = await startSandbox({
    database: ":memory:",
    pace: PACE,
    workspace: WORKSPACE,
  });
  const notes: string[] = [];
  const batch = await runToolBatch(clientOf(second), {
    ...options,
    quiet: false,
    log: (line) => notes.push(line),
  });
  await batch.wait({ display: false });
  assert.ok(notes.some((line) => /written for another account/.test(line)));
  assert.equal(ledger(second).jobs, 3, "everything ran in the new account");
  await Deno.stat(join(dir, "m.other-account.json"));

  await assert.rejects(
    runToolBatch(clientOf(second), { ...options, name: "another name" }),
    (error: ManifestError) =>
      error instanceof ManifestError && /belongs to batch "two sandboxes"/.test(error.message),
  );
  await Deno.writeTextFile(join(dir, "broken.json"), "{ half a manifest");
  await assert.rejects(
    runToolBatch(clientOf(second), { ...options, manifest: join(dir, "broken.json") }),
    (error: ManifestError) =>
      error instanceof ManifestError && /is not a manifest/.test(error.message),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("re-running the cell while the first run is still going takes over without duplicates", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: PACE,
    workspace: WORKSPACE,
  });
  const dir = await Deno.makeTempDir();
  const options = {
    name: "twice",
    tool: "protein-properties",
    inputs: library(9),
    manifest: join(dir, "m.json"),
    quiet: true,
  };
  const first = await runToolBatch(clientOf(sandbox), options);
  const firstWait = first.wait({ display: false }).then(() => undefined, (error: unknown) => error);
  await sleep(200);
  const second = await runToolBatch(clientOf(sandbox), options);
  const stopped = await firstWait;
  assert.ok(stopped instanceof AbortError && /taken over/.test(stopped.message), String(stopped));
  await second.wait({ display: false });
  assert.equal(second.summary.completed, 9);
  assert.deepEqual(ledger(sandbox), {
    jobs: 9,
    distinctNames: 9,
    charges: 9,
    charged: 9,
    completed: 9,
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the manifest on disk is always whole while the batch writes it", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: { ...PACE, minProcessingMs: 30 },
    workspace: WORKSPACE,
  });
  const dir = await Deno.makeTempDir();
  const manifest = join(dir, "m.json");
  const batch = await runToolBatch(clientOf(sandbox), {
    name: "atomic",
    tool: "protein-properties",
    inputs: library(15),
    manifest,
    quiet: true,
  });
  const done = batch.wait({ display: false });
  let reads = 0;
  let finished = false;
  done.then(() => finished = true);
  while (!finished) {
    const text = await Deno.readTextFile(manifest);
    const parsed = JSON.parse(text);
    assert.equal(parsed.items.length, 15);
    reads++;
  }
  await done;
  assert.ok(reads > 5);
  const final = JSON.parse(await Deno.readTextFile(manifest));
  assert.ok(
    final.items.every((item: { state: string; job_id: string }) =>
      item.state === "completed" && item.job_id
    ),
  );
  const leftovers = [...Deno.readDirSync(dir)].filter((entry) => entry.name.endsWith(".tmp"));
  assert.equal(leftovers.length, 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("idempotency keys depend on the batch, the item, the payload and the attempt — and nothing else", () => {
  const hash = payloadHash({ tool: "t", input: { b: 1, a: 2 } });
  assert.equal(
    hash,
    payloadHash({ input: { a: 2, b: 1 }, tool: "t" }),
    "key order does not matter",
  );
  const key = idempotencyKeyFor("screen", { key: "s1", payloadSha256: hash, attempt: 1 });
  assert.equal(key, idempotencyKeyFor("screen", { key: "s1", payloadSha256: hash, attempt: 1 }));
  assert.ok(key.length <= 255 && /^[\x21-\x7e]+$/.test(key));
  for (
    const other of [
      idempotencyKeyFor("screen 2", { key: "s1", payloadSha256: hash, attempt: 1 }),
      idempotencyKeyFor("screen", { key: "s2", payloadSha256: hash, attempt: 1 }),
      idempotencyKeyFor("screen", {
        key: "s1",
        payloadSha256: payloadHash({ tool: "t" }),
        attempt: 1,
      }),
      idempotencyKeyFor("screen", { key: "s1", payloadSha256: hash, attempt: 2 }),
    ]
  ) {
    assert.notEqual(other, key);
  }
});
