/**
 * Secrets: the API key never appears in an error (message, cause, stack, inspection), a log
 * line, a display or `Deno.inspect`/`JSON.stringify` output — including errors thrown by a
 * `fetch` that echoes the request headers — and a malformed key is refused before any request
 * with a message that does not echo it.
 */
import assert from "node:assert/strict";
import { clientRig, propertiesRequest, recordingFetch, type Sent } from "./_client_support.ts";
import { ProteinIQ } from "../lib/client/client.ts";
import { connect } from "../lib/client/connect.ts";
import { ConfigurationError, ConnectionError } from "../lib/client/errors.ts";

/** Every way a value can be shown. */
function renderings(value: unknown): string[] {
  const shown = [
    Deno.inspect(value, { depth: 12, showHidden: true, getters: true }),
    String(value),
  ];
  try {
    shown.push(JSON.stringify(value) ?? "");
  } catch {
    // circular values cannot be stringified at all
  }
  const display = (value as Record<symbol, unknown> | null)?.[Symbol.for("Jupyter.display")];
  if (typeof display === "function") shown.push(JSON.stringify(display.call(value)));
  if (value instanceof Error) {
    shown.push(value.message, value.stack ?? "");
    let cause: unknown = value.cause;
    while (cause) {
      shown.push(Deno.inspect(cause, { depth: 12 }), String((cause as Error).stack ?? cause));
      cause = (cause as Error).cause;
    }
  }
  return shown;
}

function assertHidden(secrets: string[], value: unknown, what: string): void {
  for (const text of renderings(value)) {
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `${what} shows the key: ${text.slice(0, 300)}`);
    }
  }
}

Deno.test("the key is not in the client, its core, handles, results, logs or displays", async () => {
  await using rig = await clientRig();
  const key = rig.sandbox.apiKey;
  const secret = key.split("_").slice(3).join("_");
  assert.ok(secret.length >= 6);
  const job = await rig.piq.jobs.submit(propertiesRequest());
  await job.wait();
  const result = await job.result();
  const history = rig.piq.jobs.list();
  const jobs = await history.take(5);
  const file = await rig.piq.files.upload({ content: ">a\nMKT\n" }, { name: "a.fasta" });
  const input = await rig.piq.inputs("protein-properties");
  for (
    const [what, value] of Object.entries({
      client: rig.piq,
      core: rig.piq.core,
      job,
      result,
      history,
      jobs,
      file,
      input,
      account: await rig.piq.account.get(),
      files: rig.piq.files,
    })
  ) {
    assertHidden([key, secret], value, what);
  }
  assert.match(String(rig.piq), /key pq_live_\w+_…\)$/);
  assert.ok(rig.log.length > 0);
  assertHidden([key, secret], rig.log, "log lines");
  assert.ok(
    rig.sent.every((entry) =>
      entry.path.startsWith("/_sandbox/download/")
        ? entry.headers.get("authorization") === null
        : true
    ),
    "signed downloads never carry the key",
  );
});

Deno.test("errors from every family keep the key out", async () => {
  await using rig = await clientRig({ client: { maxRetries: 0 } });
  const key = rig.sandbox.apiKey;
  const errors: unknown[] = [];
  const collect = (promise: Promise<unknown>) =>
    promise.then(() => undefined, (e) => errors.push(e));
  await collect(rig.piq.jobs.get("job_missing"));
  await collect(
    rig.piq.jobs.submit({ ...propertiesRequest(), settings: { ph: 99 } }, { validate: false }),
  );
  await collect(rig.piq.jobs.submit({ ...propertiesRequest(), settings: { ph: 99 } }));
  rig.sandbox.setFaults({ errorRate: 1, errorStatuses: [429, 500, 503] });
  await collect(rig.piq.account.get());
  await collect(rig.piq.account.get());
  rig.sandbox.setFaults({ latencyMs: 200 });
  await collect(rig.piq.account.get({ timeoutMs: 20 }));
  rig.sandbox.setFaults(null);
  rig.sandbox.revokeApiKey(key);
  await collect(rig.piq.account.get());
  assert.equal(errors.length, 7);
  for (const error of errors) assertHidden([key], error, (error as Error).name);
});

Deno.test("a fetch failure that echoes the request headers is redacted, cause and stack too", async () => {
  const key = "pq_live_leakcheck_sup3rs3cretvalue";
  const sent: Sent[] = [];
  const echoing: typeof fetch = (_input, init) => {
    const headers = JSON.stringify(Object.fromEntries(new Headers(init?.headers)));
    return Promise.reject(new TypeError(`connection refused while sending ${headers}`));
  };
  const piq = new ProteinIQ({
    apiKey: key,
    baseUrl: "http://127.0.0.1:9",
    maxRetries: 1,
    retry: { baseDelayMs: 1 },
    fetch: recordingFetch(sent, echoing),
    display: false,
  });
  const error = await piq.account.get().then(() => undefined, (e) => e);
  assert.ok(error instanceof ConnectionError, String(error));
  assert.match(error.message, /Bearer \*\*\*/, "the message still explains, without the key");
  assertHidden([key, "sup3rs3cretvalue"], error, "ConnectionError");
  assert.equal(sent.length, 2);
});

Deno.test("an error body that quotes the key is redacted", async () => {
  const key = "pq_live_quoted_s3cretquoted";
  const quoting: typeof fetch = (_input, init) => {
    const auth = new Headers(init?.headers).get("authorization");
    return Promise.resolve(
      Response.json(
        { error: { code: "unauthorized", message: `Key rejected: ${auth}` } },
        { status: 401 },
      ),
    );
  };
  const piq = new ProteinIQ({
    apiKey: key,
    baseUrl: "http://127.0.0.1:9",
    fetch: quoting,
    display: false,
  });
  const error = await piq.account.get().then(() => undefined, (e) => e);
  assert.match(String(error), /Key rejected: Bearer \*\*\*/);
  assertHidden([key, "s3cretquoted"], error, "AuthenticationError");
});

Deno.test("a malformed key is refused before any request, without echoing it", async () => {
  for (
    const bad of [
      "sk-live-abcdef123456",
      "pq_live_abc",
      "pq_test_abc123_secret",
      " ",
      "pq_live_abc123_sec\nret",
    ]
  ) {
    const sent: Sent[] = [];
    const error = (() => {
      try {
        new ProteinIQ({ apiKey: bad, baseUrl: "http://127.0.0.1:9", fetch: recordingFetch(sent) });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof ConfigurationError, `refused ${JSON.stringify(bad)}`);
    assert.match(error.message, /pq_live_<keyId>_<secret>/);
    if (bad.trim()) assertHidden([bad], error, "ConfigurationError");
    assert.equal(sent.length, 0);
  }
  const error = await connect({ apiKey: "not-a-key", baseUrl: "https://example.invalid" }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(error instanceof ConfigurationError);
  assert.ok(!error.message.includes("not-a-key"));
});
