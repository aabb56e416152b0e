/**
 * Durability: the standalone sandbox is killed with SIGKILL while jobs run and submissions
 * are in flight, then started again on the same database. Every job is still there and
 * reaches a terminal state, files and results survive, retried submissions with their
 * idempotency keys create nothing twice, and the ledger shows no credit booked twice.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { TERMINAL_STATUSES } from "../lib/contract/jobs.ts";
import { ROUTES } from "../lib/contract/routes.ts";
import {
  caller,
  expectOk,
  jobOf,
  proteins,
  readEvents,
  textItem,
  workload,
} from "./sandbox_helpers.ts";

const MAIN = new URL("../lib/sandbox/main.ts", import.meta.url).pathname;
const CREDITS = 1000;

interface Server {
  child: Deno.ChildProcess;
  url: string;
  apiKey: string;
  stderr: () => string;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Start `lib/sandbox/main.ts` and wait for its PROTEINIQ_* lines. */
async function startServer(port: number, database: string): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "--port",
      String(port),
      "--db",
      database,
      "--pace",
      "instant",
      "--per-job-poll-ms",
      "0",
      "--billing-minute-ms",
      "300",
      "--credits",
      String(CREDITS),
      "--max-concurrent",
      "2",
      "--rate-limit",
      "100000",
      "--quiet",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let errors = "";
  (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) errors += chunk;
  })();
  const values: Record<string, string> = {};
  let buffered = "";
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const deadline = Date.now() + 60_000;
  while (!values.PROTEINIQ_API_KEY) {
    if (Date.now() > deadline) throw new Error(`the sandbox did not start: ${errors}`);
    const { done, value } = await reader.read();
    if (done) throw new Error(`the sandbox exited: ${errors}`);
    buffered += value;
    for (const line of buffered.split("\n").slice(0, -1)) {
      const match = /^(PROTEINIQ_\w+)=(.*)$/.exec(line.trim());
      if (match) values[match[1]] = match[2];
    }
    buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return {
    child,
    url: values.PROTEINIQ_BASE_URL,
    apiKey: values.PROTEINIQ_API_KEY,
    stderr: () => errors,
  };
}

async function stop(server: Server, signal: Deno.Signal): Promise<Deno.CommandStatus> {
  server.child.kill(signal);
  return await server.child.status;
}

Deno.test({
  name: "kill -9 mid-run, restart on the same database: nothing lost, nothing charged twice",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "sandbox-durability-" });
    const database = `${dir}/sandbox.sqlite`;
    const port = freePort();
    let server = await startServer(port, database);
    try {
      const call = caller(server.url, server.apiKey);
      // Files that jobs will read.
      const file = expectOk(
        await call("POST", "/api/v1/files", {
          body: { filename: "input.txt", content: "durable input\n" },
          headers: { "Idempotency-Key": "file-1" },
        }),
        ROUTES.uploadFile,
      );
      assert.ok(file.id, JSON.stringify(file));

      // Jobs: long ones that will be running when the process dies, a capped minute-billed
      // one, one reading the saved file, and quick fixed-price ones queued behind them.
      const bodies: [string, unknown][] = [
        ["long-1", workload({ seconds: 1.5 }, { name: "long-1" })],
        ["long-2", workload({ seconds: 1.5 }, { name: "long-2" })],
        [
          "capped",
          workload({ seconds: 10 }, { name: "capped", billing: { max_reserved_credits: 6 } }),
        ],
        [
          "by-file",
          workload({ seconds: 0.2 }, {
            name: "by-file",
            input: {
              inputs: [{
                ...textItem(),
                content: undefined,
                source: { type: "file", file_id: file.id },
              }],
            },
          }),
        ],
        ...Array.from(
          { length: 4 },
          (_, i) => [`fixed-${i}`, proteins(`fixed-${i}`, 2)] as [string, unknown],
        ),
      ];
      const ids = new Map<string, string>();
      for (const [key, body] of bodies) {
        const answer = await call("POST", "/api/v1/jobs", {
          body,
          headers: { "Idempotency-Key": key },
        });
        ids.set(key, expectOk(answer, ROUTES.submitJob, { label: key }).id);
      }
      // Wait until two jobs run and the minute meter has taken its first minutes.
      const deadline = Date.now() + 20_000;
      while (true) {
        const list = expectOk(await call("GET", "/api/v1/jobs?status=PROCESSING"), ROUTES.listJobs);
        if (list.data.length >= 2) break;
        assert.ok(Date.now() < deadline, "no job started");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 400));

      // A burst of submissions in flight when the process dies.
      const burst = Array.from({ length: 12 }, (_, i) =>
        call("POST", "/api/v1/jobs", {
          body: proteins(`burst-${i}`),
          headers: { "Idempotency-Key": `burst-${i}` },
        }).catch(() => null));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const killed = await stop(server, "SIGKILL");
      assert.equal(killed.signal, "SIGKILL");
      await Promise.all(burst);

      server = await startServer(port, database);
      const again = caller(server.url, server.apiKey);
      // The client retries every submission whose answer it may not have seen.
      for (let i = 0; i < 12; i++) {
        const answer = await again("POST", "/api/v1/jobs", {
          body: proteins(`burst-${i}`),
          headers: { "Idempotency-Key": `burst-${i}` },
        });
        ids.set(`burst-${i}`, expectOk(answer, ROUTES.submitJob).id);
      }
      for (const [key, body] of bodies) {
        const replay = await again("POST", "/api/v1/jobs", {
          body,
          headers: { "Idempotency-Key": key },
        });
        assert.equal(
          expectOk(replay, ROUTES.submitJob).id,
          ids.get(key),
          `${key} replays the original job`,
        );
        assert.equal(replay.headers.get("idempotent-replayed"), "true");
      }

      // Every job reaches a terminal state.
      const finals = new Map<string, { status: string; credits_used: number }>();
      const until = Date.now() + 60_000;
      for (const [key, id] of ids) {
        while (true) {
          const job = expectOk(await again("GET", `/api/v1/jobs/${id}/status`), ROUTES.jobStatus);
          if (TERMINAL_STATUSES.has(job.status)) {
            finals.set(key, job);
            break;
          }
          assert.ok(Date.now() < until, `${key} stuck in ${job.status}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      assert.equal(finals.get("long-1")?.status, "COMPLETED");
      assert.equal(finals.get("long-2")?.status, "COMPLETED");
      assert.equal(finals.get("capped")?.status, "BUDGET_EXCEEDED");
      assert.equal(finals.get("by-file")?.status, "COMPLETED");
      for (const [key, job] of finals) {
        if (key.startsWith("fixed") || key.startsWith("burst")) {
          assert.equal(job.status, "COMPLETED");
        }
      }
      // Exactly one job per idempotency key.
      const all = expectOk(await again("GET", "/api/v1/jobs?limit=100"), ROUTES.listJobs).data;
      assert.equal(all.length, ids.size, "no duplicate from the burst or the retries");

      // The jobs that were running went through RETRY; their event ids never restart.
      const longEvents = (await readEvents(server.url, server.apiKey, ids.get("long-1")!)).events;
      const statuses = longEvents.map((event) => jobOf(event).status);
      assert.ok(statuses.includes("RETRY"), statuses.join(" "));
      assert.deepEqual(longEvents.map((e) => Number(e.id)), longEvents.map((_, i) => i + 1));

      // Files and results survive, and signed URLs still verify after the restart.
      const kept = expectOk(await again("GET", `/api/v1/files/${file.id}`), ROUTES.getFile);
      assert.equal(kept.sha256, file.sha256);
      for (const key of ["long-1", "by-file", "fixed-0", "capped"]) {
        const result = expectOk(
          await again("GET", `/api/v1/results/${ids.get(key)}`),
          ROUTES.getResult,
          { label: key },
        );
        assert.equal(result.object, "job_result", key);
        const url = result.files[0].url;
        assert.ok(url, `${key} has a signed URL`);
        const download = await fetch(url);
        assert.equal(download.status, 200, key);
        await download.body?.cancel();
      }
    } finally {
      if (
        (await Promise.race([server.child.status.then(() => true), Promise.resolve(false)])) ===
          false
      ) {
        const status = await stop(server, "SIGTERM");
        assert.equal(status.code, 0, `graceful shutdown: ${server.stderr()}`);
      }
    }

    // The ledger, read from the file: each (job, reason) once, and it adds up.
    const db = new DatabaseSync(database, { readOnly: true });
    try {
      const duplicates = db.prepare(
        "SELECT job_id, reason, COUNT(*) AS n FROM ledger GROUP BY job_id, reason HAVING n > 1",
      ).all();
      assert.deepEqual(duplicates, []);
      const jobs = db.prepare("SELECT id, status, credits_used FROM jobs").all() as {
        id: string;
        status: string;
        credits_used: number;
      }[];
      for (const job of jobs) {
        const spent = db.prepare(
          "SELECT COALESCE(-SUM(delta), 0) AS spent FROM ledger WHERE job_id = ?",
        )
          .get(job.id) as { spent: number };
        assert.equal(spent.spent, job.credits_used, `${job.id} ${job.status}`);
      }
      const total = db.prepare("SELECT COALESCE(SUM(delta), 0) AS total FROM ledger").get() as {
        total: number;
      };
      const credits = db.prepare("SELECT credits FROM workspaces").get() as { credits: number };
      assert.equal(credits.credits, CREDITS + total.total);
      const capped = jobs.find((job) => job.status === "BUDGET_EXCEEDED");
      assert.equal(capped?.credits_used, 6);
      const orphans = db.prepare(
        "SELECT COUNT(*) AS n FROM result_files WHERE blob_key NOT IN (SELECT key FROM blobs)",
      ).get() as { n: number };
      assert.equal(orphans.n, 0, "every result file has its bytes");
    } finally {
      db.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
