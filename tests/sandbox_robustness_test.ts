/**
 * Robustness: a malformed-request sweep over every route of `ROUTES` — bad JSON, wrong
 * types, unknown fields, oversized and odd bodies, wrong content types, bad path ids, bad
 * cursors and huge query values, odd headers, wrong methods — plus unknown routes and
 * signed-download abuse. Every answer must be the error envelope with a 4xx status, never a
 * 500, and the server must keep serving.
 */
import assert from "node:assert/strict";
import { ErrorEnvelope } from "../lib/contract/errors.ts";
import { ROUTES, type RouteSpec } from "../lib/contract/routes.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { caller, expectError, expectOk, issuesOf, proteins, waitFor } from "./sandbox_helpers.ts";

interface Probe {
  label: string;
  method: string;
  path: string;
  body?: BodyInit;
  headers?: Record<string, string>;
  /** Statuses that are right for this probe (all 4xx). */
  expect?: number[];
  /** A harmless oddity: a 2xx is fine too (never a 5xx). */
  okAllowed?: boolean;
}

const MAX_JSON = 4096;

const BAD_BODIES: [string, string][] = [
  ["empty", ""],
  ["truncated", '{"tool": "protein-properties", "input": {'],
  ["not json", "tool=protein-properties"],
  ["trailing garbage", "{} x"],
  ["null", "null"],
  ["array", "[1, 2, 3]"],
  ["string", '"hello"'],
  ["number", "42"],
  ["wrong types", '{"tool": 5, "name": [], "input": "none", "settings": 3}'],
  [
    "unknown fields",
    '{"tool": "protein-properties", "name": "x", "input": {"inputs": []}, "extra": true}',
  ],
  ["proto pollution", '{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}'],
  ["deep nesting", "[".repeat(2000) + "]".repeat(2000)],
  ["deep object", '{"a":'.repeat(1000) + "1" + "}".repeat(1000)],
  [
    "huge number",
    '{"tool": "x", "name": "x", "input": {"inputs": []}, "max_quoted_credits": 1e400}',
  ],
  ["bad item", '{"tool": "protein-properties", "name": "x", "input": {"inputs": [{"id": 1}]}}'],
  [
    "bad source",
    '{"tool":"protein-properties","name":"x","input":{"inputs":[{"id":"a","slotId":"protein","kind":"protein","format":"fasta","source":{"type":"url","url":"http://x"}}]}}',
  ],
  ["null bytes", '{"tool": "protein\\u0000", "name": "\\u0000", "input": {"inputs": []}}'],
  ["lone surrogate", '{"tool": "\\ud800", "name": "x", "input": {"inputs": []}}'],
  [
    "unknown setting",
    '{"tool":"protein-properties","name":"x","input":{"inputs":[{"id":"a","slotId":"protein","kind":"protein","format":"fasta","content":">a\\nMKT","source":{"type":"text"}}]},"settings":{"constructor":1,"ph":"seven"}}',
  ],
  ["oversized", JSON.stringify({ tool: "x", name: "x".repeat(MAX_JSON), input: { inputs: [] } })],
];

const BAD_IDS = [
  "..",
  "%2e%2e",
  "x".repeat(300),
  "%E2%98%83",
  "%E0%A4%A",
  "%00",
  "a%20b",
  "job_123%2Fstatus",
  "'%20OR%201=1--",
];

/** Bad values for the query parameters a route knows (`[parameter, raw query]`). */
const BAD_QUERIES: [string, string][] = [
  ["limit", "limit=abc"],
  ["limit", "limit=0"],
  ["limit", "limit=101"],
  ["limit", "limit=-1"],
  ["limit", "limit=1.5"],
  ["limit", "limit=1e309"],
  ["limit", "limit=0x10"],
  ["limit", "limit="],
  ["starting_after", "starting_after=not_a_cursor"],
  ["starting_after", "starting_after="],
  ["starting_after", `starting_after=${"x".repeat(500)}`],
  ["starting_after", "starting_after=%E0%A4%A"],
  ["q", `q=${"x".repeat(8000)}`],
  ["status", "status=DONE"],
  ["status", "status=completed%00"],
  ["origin", "origin=SOMEWHERE"],
  ["mine", "mine=maybe"],
  ["tool", `tool=${"t".repeat(500)}`],
  ["category", `category=${"c".repeat(500)}`],
  ["format", `format=${"f".repeat(500)}`],
];

/** Queries no route knows: ignored, but they must never break anything. */
const ODD_QUERIES = [
  "%E0%A4%A=1",
  "q=%E0%A4%A",
  "a=" + "b".repeat(8000),
  "&&&==&",
  "limit=1&limit=x",
];

function fill(spec: RouteSpec, id: string): string {
  return spec.path.replace(/\{\w+\}/g, id);
}

function probesFor(
  name: string,
  spec: RouteSpec,
  ids: { job: string; file: string; tool: string },
) {
  const probes: Probe[] = [];
  const id = spec.path.includes("{fileId}")
    ? ids.file
    : spec.path.includes("{toolId}")
    ? ids.tool
    : ids.job;
  const path = fill(spec, id);
  const method = spec.method.toUpperCase();
  const json = { "Content-Type": "application/json" };
  if (method === "POST") {
    for (const [label, body] of BAD_BODIES) {
      if (name === "cancelJob") continue; // takes no body
      probes.push({ label: `${name} body ${label}`, method, path, body, headers: json });
    }
    if (name !== "cancelJob") {
      for (const type of ["text/plain", "application/xml", "application/jsonx", ""]) {
        probes.push({
          label: `${name} content-type "${type}"`,
          method,
          path,
          body: "{}",
          headers: type ? { "Content-Type": type } : {},
          expect: [400, 415],
        });
      }
      probes.push({
        label: `${name} charset`,
        method,
        path,
        body: "{}",
        headers: { "Content-Type": "application/json; charset=latin1" },
      });
      probes.push({
        label: `${name} invalid utf-8`,
        method,
        path,
        body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        headers: json,
      });
    }
    for (const key of ["", "k".repeat(300)]) {
      probes.push({
        label: `${name} idempotency key of ${key.length}`,
        method,
        path,
        body: "{}",
        headers: { ...json, "Idempotency-Key": key },
      });
    }
  }
  if (spec.params) {
    for (const bad of BAD_IDS) {
      probes.push({
        label: `${name} id ${bad.slice(0, 20)}`,
        method,
        path: fill(spec, bad),
        headers: json,
      });
    }
  }
  const known = spec.query ? Object.keys(spec.query.shape) : [];
  for (const [parameter, query] of BAD_QUERIES) {
    if (!known.includes(parameter)) continue;
    probes.push({
      label: `${name} query ${query.slice(0, 30)}`,
      method,
      path: `${path}?${query}`,
      expect: [400],
    });
  }
  if (method === "GET") {
    for (const query of ODD_QUERIES) {
      probes.push({
        label: `${name} odd query ${query.slice(0, 20)}`,
        method,
        path: `${path}?${query}`,
        okAllowed: true,
      });
    }
  }
  for (const wrong of ["PUT", "PATCH", "OPTIONS", method === "GET" ? "POST" : "GET", "DELETE"]) {
    if (wrong === method) continue;
    const allowed = Object.values(ROUTES).some((other) =>
      other.method.toUpperCase() === wrong &&
      new RegExp(`^${other.path.replace(/\{\w+\}/g, "[^/]+")}$`).test(path)
    );
    if (allowed) continue;
    probes.push({ label: `${name} method ${wrong}`, method: wrong, path, expect: [405] });
  }
  for (
    const auth of [
      "",
      "Bearer",
      "Bearer  ",
      "Token abc",
      "Bearer pq_live_x_y",
      "Bearer " + "a".repeat(5000),
    ]
  ) {
    probes.push({
      label: `${name} auth "${auth.slice(0, 12)}"`,
      method,
      path,
      headers: { Authorization: auth },
      expect: [401],
    });
  }
  if (name === "jobEvents") {
    for (const last of ["-5", "1e9", "x".repeat(1000), "999999999999999999999"]) {
      probes.push({
        label: `events Last-Event-ID ${last.slice(0, 10)}`,
        method,
        path: fill(spec, "job_nope"),
        headers: { "Last-Event-ID": last },
        expect: [404],
      });
    }
  }
  return probes;
}

Deno.test({
  name: "every route answers malformed requests with the error envelope and a 4xx, never a 500",
  sanitizeResources: false,
  async fn() {
    await using sandbox = await startSandbox({
      database: ":memory:",
      pace: "instant",
      workspace: { rateLimit: 1_000_000 },
      settings: { maxJsonBytes: MAX_JSON, maxUploadBytes: MAX_JSON },
    });
    const call = caller(sandbox.url, sandbox.apiKey);
    const job = expectOk(
      await call("POST", "/api/v1/jobs", { body: proteins() }),
      ROUTES.submitJob,
    );
    await waitFor(call, job.id);
    const file = expectOk(
      await call("POST", "/api/v1/files", { body: { filename: "f.txt", content: "x" } }),
      ROUTES.uploadFile,
    );
    const ids = { job: job.id, file: file.id, tool: "protein-properties" };

    const probes = Object.entries(ROUTES).flatMap(([name, spec]) => probesFor(name, spec, ids));
    probes.push(
      { label: "unknown route", method: "GET", path: "/api/v1/nope", expect: [404] },
      { label: "unknown version", method: "GET", path: "/api/v2/jobs", expect: [404] },
      { label: "root", method: "GET", path: "/", expect: [404] },
      {
        label: "deep unknown",
        method: "GET",
        path: `/api/v1/jobs/${job.id}/status/extra`,
        expect: [404],
      },
      { label: "double slash", method: "GET", path: "//api/v1/jobs", expect: [404] },
      { label: "encoded slash", method: "GET", path: "/api%2Fv1%2Fjobs", expect: [404] },
      { label: "bad percent path", method: "GET", path: "/api/v1/%E0%A4%A", expect: [404] },
      {
        label: "download unsigned",
        method: "GET",
        path: "/_sandbox/download/outputs/x",
        expect: [403],
      },
      {
        label: "download bad percent",
        method: "GET",
        path: "/_sandbox/download/%E0%A4%A?expires=1&signature=" + "0".repeat(64),
        expect: [403, 404],
      },
      {
        label: "download traversal",
        method: "GET",
        path: "/_sandbox/download/../../etc/passwd?expires=99999999999&signature=" + "a".repeat(64),
        expect: [403, 404],
      },
      {
        label: "download huge expiry",
        method: "GET",
        path: "/_sandbox/download/x?expires=1e400&signature=zz",
        expect: [403],
      },
    );

    const failures: string[] = [];
    for (const probe of probes) {
      const headers = { Authorization: `Bearer ${sandbox.apiKey}`, ...probe.headers };
      if (probe.headers && "Authorization" in probe.headers && probe.headers.Authorization === "") {
        delete (headers as Record<string, string>).Authorization;
      }
      let response: Response;
      try {
        response = await fetch(`${sandbox.url}${probe.path}`, {
          method: probe.method,
          headers,
          body: probe.body,
        });
      } catch (error) {
        failures.push(`${probe.label}: request failed: ${error}`);
        continue;
      }
      const text = await response.text();
      const expected = probe.expect ?? [];
      if (probe.okAllowed && response.status < 300) continue;
      if (response.status < 400 || response.status >= 500) {
        failures.push(`${probe.label}: status ${response.status} ${text.slice(0, 200)}`);
        continue;
      }
      if (expected.length > 0 && !expected.includes(response.status)) {
        failures.push(
          `${probe.label}: status ${response.status}, expected ${expected.join("/")}: ${
            text.slice(0, 200)
          }`,
        );
        continue;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        failures.push(`${probe.label}: not JSON: ${text.slice(0, 200)}`);
        continue;
      }
      if (!ErrorEnvelope.safeParse(body).success) {
        failures.push(`${probe.label}: not the envelope: ${text.slice(0, 200)}`);
      }
      if (response.headers.get("content-type")?.startsWith("application/json") !== true) {
        failures.push(`${probe.label}: content-type ${response.headers.get("content-type")}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${probes.length} probes failed`);
    assert.ok(probes.length > 300, `${probes.length} probes`);
    // Still serving, and nothing was created or charged by the sweep.
    assert.equal((await call("GET", "/api/v1/account")).status, 200);
    assert.equal(Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM jobs")?.n), 1);
    assert.equal(Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM files")?.n), 1);
  },
});

Deno.test("validation errors name every problem and where it is", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const answer = await call("POST", "/api/v1/jobs", {
    body: { tool: 5, name: "", input: { inputs: [] }, colour: "blue" },
  });
  const issues = issuesOf(expectError(answer, 400, { code: "validation_error" }));
  const paths = issues.map((issue) => issue.path);
  for (const path of ["tool", "name", "input.inputs", "(body)"]) {
    assert.ok(paths.includes(path), `${path} in ${paths.join(", ")}`);
  }
  assert.ok(
    issues.some((issue) => /colour/.test(issue.message)),
    "the unknown field is named",
  );
  const json = await call("POST", "/api/v1/jobs", {
    raw: "{oops",
    headers: { "Content-Type": "application/json" },
  });
  const invalid = ErrorEnvelope.safeParse(json.body);
  assert.ok(invalid.success, `not the envelope: ${JSON.stringify(json.body)}`);
  assert.equal(invalid.data.error.code, "invalid_json");
  const wrongMethod = await call("PUT", "/api/v1/jobs");
  expectError(wrongMethod, 405, { code: "method_not_allowed" });
  assert.equal(wrongMethod.headers.get("allow"), "POST, GET");
});

Deno.test("a client that hangs up mid-body or mid-stream does not hurt the server", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const port = Number(new URL(sandbox.url).port);
  for (let i = 0; i < 5; i++) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode(
      `POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${sandbox.apiKey}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"tool": "prot`,
    ));
    conn.close();
  }
  const call = caller(sandbox.url, sandbox.apiKey);
  const job = expectOk(await call("POST", "/api/v1/jobs", { body: proteins() }), ROUTES.submitJob);
  const controller = new AbortController();
  const stream = await fetch(`${sandbox.url}/api/v1/jobs/${job.id}/events`, {
    headers: { Authorization: `Bearer ${sandbox.apiKey}` },
    signal: controller.signal,
  });
  assert.equal(stream.status, 200);
  controller.abort();
  await stream.body?.cancel().catch(() => {});
  await waitFor(call, job.id);
  assert.equal((await call("GET", "/api/v1/account")).status, 200);
  assert.equal(Number(sandbox.context.db.get("SELECT COUNT(*) AS n FROM jobs")?.n), 1);
});
