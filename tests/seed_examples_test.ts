/**
 * Every `curl` example of the vendor pages in `../shared/seeds/*.txt` runs as written against
 * the sandbox: the commands are extracted from the pages, only the host, the key (the pages'
 * own `$PROTEINIQ_API_KEY` variable, or `<token>`) and the pages' placeholder ids (`job_123`,
 * the example variant UUID) are replaced, and each runs with the real `curl` and `jq` under
 * bash in a temporary directory (so `-o result.json` and the `$(jq … result.json)` download
 * work). Every response is checked against what the page shows: its status and its body
 * parsed with the contract's zod schema for that route. An example that cannot be classified
 * or run fails the test; nothing is skipped.
 *
 * The status code and headers come from a `.curlrc` (`CURL_HOME`) with `write-out` and
 * `dump-header`, so the commands themselves stay verbatim.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { startPipelineSandbox } from "../lib/pipeline/sandbox.ts";
import { ROUTES } from "../lib/contract/routes.ts";
import { ErrorEnvelope } from "../lib/contract/errors.ts";
import { PipelineJob } from "../lib/pipeline/contract.ts";
import { parsePdb } from "../lib/display/_structure_parse.ts";
import { caller, proteinItem, textItem, waitFor } from "./sandbox_helpers.ts";

/**
 * The vendor's pages, copied into the repository so a fresh CI checkout has them; when the
 * workplace's `../shared/seeds/` is next to the checkout, the copy must equal it.
 */
const SEEDS = new URL("./fixtures/seeds/", import.meta.url);
const SHARED_SEEDS = new URL("../../shared/seeds/", import.meta.url);
const DOC_HOST = "https://proteiniq.io";
const PIPELINE_HOST = "https://api.example.com";
const DOC_JOB = "job_123";
const DOC_VARIANT = "11112222-3333-4444-5555-666677778888";
const STATUS_MARK = "@@http_code=";

/** One `curl` example of a page. */
interface Example {
  file: string;
  command: string;
  kind: Kind;
}

type Kind =
  | "quote"
  | "submit"
  | "list"
  | "status"
  | "cancel"
  | "result"
  | "result-to-file"
  | "download"
  | "pipeline-submit";

/**
 * The `curl` commands of a page: a line starting with `curl`, continued while it ends with a
 * backslash or a single-quoted argument is still open.
 */
function extractCurls(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const commands: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!/^curl\s/.test(lines[index])) continue;
    let command = lines[index];
    const open = () =>
      (command.match(/'/g)?.length ?? 0) % 2 === 1 || command.trimEnd().endsWith("\\");
    while (open() && index + 1 < lines.length) command += "\n" + lines[++index];
    assert.ok(!open(), `an unterminated curl command in the page:\n${command}`);
    commands.push(command);
  }
  return commands;
}

function classify(command: string): Kind | undefined {
  if (command.includes(`${PIPELINE_HOST}/v1/jobs`)) return "pipeline-submit";
  if (/jq -r '\.files\[0\]\.url' result\.json/.test(command)) return "download";
  if (command.includes(`/api/v1/jobs/quote"`)) return "quote";
  if (command.includes(`/api/v1/jobs/${DOC_JOB}/status"`)) return "status";
  if (command.includes(`/api/v1/jobs/${DOC_JOB}/cancel"`)) return "cancel";
  if (command.includes(`/api/v1/results/${DOC_JOB}"`)) {
    return /-o result\.json/.test(command) ? "result-to-file" : "result";
  }
  if (/-X POST/.test(command) && command.includes(`/api/v1/jobs"`)) return "submit";
  if (command.includes(`/api/v1/jobs?limit=`)) return "list";
  return undefined;
}

async function readExamples(): Promise<Example[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(SEEDS)) {
    if (entry.isFile && entry.name.endsWith(".txt")) files.push(entry.name);
  }
  files.sort();
  assert.ok(files.length >= 4, `the seed pages are in ${SEEDS.pathname}`);
  const examples: Example[] = [];
  for (const file of files) {
    for (const command of extractCurls(await Deno.readTextFile(new URL(file, SEEDS)))) {
      const kind = classify(command);
      assert.ok(kind, `${file}: an example this test does not know how to check:\n${command}`);
      examples.push({ file, command, kind });
    }
  }
  return examples;
}

/** What one run of an example gave. */
interface Ran {
  status: number;
  body: string;
  headers: string;
  json: unknown;
}

/** Run a command with bash in `dir`, the key in the environment, curl's output recorded. */
async function run(command: string, dir: string, env: Record<string, string>): Promise<Ran> {
  await Deno.writeTextFile(
    `${dir}/.curlrc`,
    `write-out = "\\n${STATUS_MARK}%{http_code}\\n"\ndump-header = "${dir}/headers.txt"\n`,
  );
  await Deno.remove(`${dir}/headers.txt`).catch(() => {});
  const output = await new Deno.Command("bash", {
    args: ["-c", command],
    cwd: dir,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", CURL_HOME: dir, ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, `bash exited ${output.code}: ${stderr}\n${command}`);
  const at = stdout.lastIndexOf(STATUS_MARK);
  assert.ok(at >= 0, `no status from curl: ${stdout}${stderr}`);
  const status = Number(stdout.slice(at + STATUS_MARK.length).trim());
  const body = stdout.slice(0, at).replace(/\n$/, "");
  let json: unknown = undefined;
  try {
    json = body === "" ? undefined : JSON.parse(body);
  } catch {
    // not JSON (a download written to a file prints nothing)
  }
  const headers = await Deno.readTextFile(`${dir}/headers.txt`).catch(() => "");
  return { status, body, headers, json };
}

function parsed<Schema extends z.ZodType>(
  ran: Ran,
  status: number,
  schema: Schema,
  label: string,
): z.output<Schema> {
  assert.equal(ran.status, status, `${label}: ${ran.status} ${ran.body.slice(0, 300)}`);
  const result = schema.safeParse(ran.json);
  if (!result.success) {
    assert.fail(`${label}: outside the contract: ${z.prettifyError(result.error)}\n${ran.body}`);
  }
  return result.data;
}

function header(ran: Ran, name: string): string | undefined {
  const line = ran.headers.split(/\r?\n/).find((text) =>
    text.toLowerCase().startsWith(`${name.toLowerCase()}:`)
  );
  return line?.slice(name.length + 1).trim();
}

Deno.test("every curl example of the seed pages runs verbatim on the sandbox", async () => {
  const examples = await readExamples();
  const kinds = new Set(examples.map((example) => example.kind));
  for (
    const kind of [
      "quote",
      "submit",
      "list",
      "status",
      "cancel",
      "result",
      "result-to-file",
      "download",
      "pipeline-submit",
    ] as const
  ) {
    assert.ok(kinds.has(kind), `the pages have a ${kind} example`);
  }
  const of = (kind: Kind) => examples.filter((example) => example.kind === kind);

  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  await using pipeline = await startPipelineSandbox({ pace: "quick" });
  const dir = await Deno.makeTempDir({ prefix: "seed_examples_" });
  const env = { PROTEINIQ_API_KEY: sandbox.apiKey };
  const call = caller(sandbox.url, sandbox.apiKey);
  const exec = (example: Example, jobId = DOC_JOB) =>
    run(
      example.command.replaceAll(DOC_HOST, sandbox.url).replaceAll(DOC_JOB, jobId),
      dir,
      env,
    );
  const checked = new Set<Example>();
  try {
    for (const example of of("quote")) {
      const quote = parsed(await exec(example), 200, ROUTES.quoteJob.response, example.file);
      assert.equal(quote.object, "job_quote");
      assert.equal(quote.tool, "esmfold");
      assert.equal(quote.estimated_credits, 50, "the documented quote");
      assert.equal(quote.billable_credits, 50);
      assert.equal(quote.billing.mode, "fixed");
      assert.equal(quote.available_credits, 500);
      // The page's content is the placeholder ">seq\nMKT...": the sandbox prices it and says,
      // rather than pretending, that "..." is not a sequence.
      assert.deepEqual(quote.blocking_errors.map((error) => error.message), [
        'line 2, column 4: "." is not a sequence character',
      ]);
      checked.add(example);
    }

    let jobId = "";
    for (const example of of("submit")) {
      const first = await exec(example);
      const job = parsed(first, 202, ROUTES.submitJob.response, example.file);
      assert.equal(job.object, "job");
      assert.equal(job.tool, "esmfold");
      assert.equal(job.name, "Lysozyme ESMFold run");
      assert.equal(job.credits_used, 50);
      assert.equal(job.billing?.mode, "fixed");
      // The same command again (same Idempotency-Key): the stored response, status included.
      const again = await exec(example);
      const replay = parsed(again, 202, ROUTES.submitJob.response, `${example.file} replay`);
      assert.equal(replay.id, job.id);
      assert.equal(header(again, "Idempotent-Replayed"), "true");
      jobId = job.id;
      checked.add(example);
    }
    assert.ok(jobId, "a job was submitted");

    for (const example of of("list")) {
      const list = parsed(await exec(example), 200, ROUTES.listJobs.response, example.file);
      assert.equal(list.object, "list");
      assert.deepEqual(list.data.map((job) => job.id), [jobId], "one job, newest first");
      assert.equal(list.has_more, false);
      assert.equal(list.next_cursor, null);
      checked.add(example);
    }

    for (const example of of("status")) {
      const job = parsed(await exec(example, jobId), 200, ROUTES.jobStatus.response, example.file);
      assert.equal(job.id, jobId);
      assert.equal(job.tool, "esmfold");
      checked.add(example);
    }
    assert.equal((await waitFor(call, jobId)).status, "COMPLETED");

    let plddt: number[] = [];
    for (const example of [...of("result"), ...of("result-to-file")]) {
      const ran = await exec(example, jobId);
      const json = example.kind === "result-to-file"
        ? JSON.parse(await Deno.readTextFile(`${dir}/result.json`))
        : ran.json;
      const result = parsed({ ...ran, json }, 200, ROUTES.getResult.response, example.file);
      assert.equal(result.object, "job_result");
      assert.equal(result.job_id, jobId);
      assert.equal(result.status, "COMPLETED");
      assert.equal(result.files[0].name, "prediction.pdb");
      assert.equal(result.files[0].content_type, "chemical/x-pdb");
      assert.equal(result.files[0].key, `outputs/${jobId}/prediction.pdb`);
      assert.match(String(result.files[0].url), /^http:\/\/127\.0\.0\.1:\d+\//);
      const results = result.results as Record<string, unknown>;
      assert.equal(results.length, 61, "the page's lysozyme fragment");
      assert.match(String(results.note), /^Sandbox stand-in, not ESMFold/);
      plddt = results.plddt as number[];
      checked.add(example);
    }

    for (const example of of("download")) {
      const ran = await exec(example, jobId);
      assert.equal(ran.status, 200, `${example.file}: ${ran.body}`);
      const pdb = await Deno.readTextFile(`${dir}/result-file`);
      assert.match(pdb, /^REMARK 250 PROTEINIQ SANDBOX STAND-IN FOR ESMFOLD/);
      const structure = parsePdb(pdb);
      assert.ok(structure.predicted, "viewers read the B-factors as pLDDT");
      const alphas = structure.atoms.filter((atom) => atom.name === "CA");
      assert.equal(alphas.length, 61);
      assert.deepEqual(alphas.map((atom) => atom.b), plddt, "pLDDT in the B-factor column");
      checked.add(example);
    }

    // Cancel: a job is cancellable while it waits, so hold the only slot with a long job.
    sandbox.updateWorkspace(sandbox.workspaceId, { maxConcurrentJobs: 1 });
    const busy = await call("POST", "/api/v1/jobs", {
      body: {
        tool: "workload-simulator",
        name: "holds the slot",
        input: { inputs: [textItem("x")] },
        settings: { seconds: 600 },
      },
    });
    assert.equal(busy.status, 202);
    await waitFor(call, (busy.body as { id: string }).id, ["PROCESSING"]);
    const waiting = await call("POST", "/api/v1/jobs", {
      body: {
        tool: "esmfold",
        name: "waits",
        input: { inputs: [proteinItem(">p\nMKTAYIAKQRQISFVKSHFSRQ")] },
      },
    });
    const queuedId = (waiting.body as { id: string }).id;
    await waitFor(call, queuedId, ["QUEUED"]);
    // The Results page's "Result availability": 409 job_not_completed with Retry-After: 5.
    for (const example of of("result")) {
      const early = await exec(example, queuedId);
      const envelope = parsed(early, 409, ErrorEnvelope, `${example.file} before completion`);
      assert.equal(envelope.error.code, "job_not_completed");
      assert.equal(envelope.error.message, "Job is not yet completed");
      assert.equal(envelope.error.details?.current_status, "QUEUED");
      assert.equal(header(early, "Retry-After"), "5");
    }
    for (const example of of("cancel")) {
      const cancellation = parsed(
        await exec(example, queuedId),
        200,
        ROUTES.cancelJob.response,
        example.file,
      );
      assert.equal(cancellation.object, "job_cancellation");
      assert.equal(cancellation.refunded, true);
      assert.equal(cancellation.job.id, queuedId);
      assert.equal(cancellation.job.status, "CANCELLED");
      checked.add(example);
    }

    // The second vendor's page: its host, its token, and its placeholder variant id.
    const [variant] = pipeline.variants();
    for (const example of of("pipeline-submit")) {
      const command = example.command.replaceAll(PIPELINE_HOST, pipeline.url)
        .replaceAll("<token>", pipeline.token).replaceAll(DOC_VARIANT, variant.id);
      const job = parsed(await run(command, dir, {}), 202, PipelineJob, example.file);
      assert.equal(job.job_type, "humanization");
      assert.equal(job.variant_id, variant.id);
      assert.equal(job.status, "pending");
      assert.equal(job.started_at, null);
      checked.add(example);
    }
    assert.equal(checked.size, examples.length, "every example was run and checked");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the copied seed pages equal the vendor's, where those are next to the checkout", async () => {
  const shared = await Array.fromAsync(Deno.readDir(SHARED_SEEDS)).catch(() => null);
  if (shared === null) return; // a checkout on its own: the copy is all there is
  const names = shared.filter((entry) => entry.isFile).map((entry) => entry.name).sort();
  const copied = (await Array.fromAsync(Deno.readDir(SEEDS))).map((entry) => entry.name).sort();
  assert.deepEqual(copied, names);
  for (const name of names) {
    assert.equal(
      await Deno.readTextFile(new URL(name, SEEDS)),
      await Deno.readTextFile(new URL(name, SHARED_SEEDS)),
      `tests/fixtures/seeds/${name} is stale`,
    );
  }
});
