/**
 * OpenAPI: `/api/v1/openapi.json` is generated from the route table and zod schemas, is a
 * valid OpenAPI 3.1 document (checked with @seriousme/openapi-schema-validator, offline),
 * describes every route, and the sandbox's live answers match the schemas it publishes.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { Validator } from "@seriousme/openapi-schema-validator";
import { ROUTES, type RouteSpec } from "../lib/contract/routes.ts";
import { ErrorEnvelope } from "../lib/contract/errors.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { caller, expectOk, isRecord, proteins, waitFor } from "./sandbox_helpers.ts";

/** The parts of an OpenAPI operation object these tests read. */
const Operation = z.looseObject({
  operationId: z.string(),
  security: z.array(z.unknown()).optional(),
  responses: z.record(
    z.string(),
    z.looseObject({
      content: z.record(z.string(), z.looseObject({ schema: z.unknown() })).optional(),
    }),
  ),
  parameters: z.array(z.looseObject({ name: z.unknown(), in: z.unknown() })).optional(),
  requestBody: z.looseObject({ content: z.record(z.string(), z.unknown()) }).optional(),
});
type Operation = z.infer<typeof Operation>;

/** The value under `keys` in a parsed JSON document; `undefined` when a step is missing. */
function at(document: unknown, ...keys: string[]): unknown {
  let node = document;
  for (const key of keys) {
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}

Deno.test("openapi.json validates as OpenAPI 3.1 and describes every route", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const anonymous = await fetch(`${sandbox.url}/api/v1/openapi.json`);
  assert.equal(anonymous.status, 200, "served without a key");
  assert.match(anonymous.headers.get("content-type") ?? "", /^application\/json/);
  const doc: unknown = await anonymous.json();
  const withKey = await caller(sandbox.url, sandbox.apiKey)("GET", "/api/v1/openapi.json");
  assert.deepEqual(withKey.body, doc, "and the same with one");

  assert.ok(isRecord(doc), "the document is a JSON object");
  const validator = new Validator();
  const result = await validator.validate(doc);
  assert.deepEqual(result, { valid: true });
  assert.equal(validator.version, "3.1");

  for (const [name, spec] of Object.entries(ROUTES) as [string, RouteSpec][]) {
    const documented = at(doc, "paths", spec.path, spec.method);
    assert.ok(documented, `${spec.method.toUpperCase()} ${spec.path} is documented`);
    const parsed = Operation.safeParse(documented);
    assert.ok(parsed.success, `${name}: ${parsed.error && z.prettifyError(parsed.error)}`);
    const operation = parsed.data;
    assert.equal(operation.operationId, name);
    assert.ok(operation.responses[String(spec.status)], `${name} documents ${spec.status}`);
    for (const status of spec.errors) {
      const error: Operation["responses"][string] | undefined = operation.responses[String(status)];
      assert.ok(error, `${name} documents ${status}`);
      assert.deepEqual(error.content?.["application/json"]?.schema, {
        $ref: "#/components/schemas/Error",
      });
    }
    assert.deepEqual(operation.security, spec.scope ? [{ bearer: [] }] : []);
    for (const param of Object.keys(spec.params?.shape ?? {})) {
      assert.ok(
        operation.parameters?.some((p) => p.name === param && p.in === "path"),
        `${name} ${param}`,
      );
    }
    for (const param of Object.keys(spec.query?.shape ?? {})) {
      assert.ok(
        operation.parameters?.some((p) => p.name === param && p.in === "query"),
        `${name} ?${param}`,
      );
    }
    if (spec.body) assert.ok(operation.requestBody?.content["application/json"], `${name} body`);
  }
  assert.ok(
    at(doc, "paths", "/api/v1/files", "post", "requestBody", "content", "multipart/form-data"),
  );
  assert.ok(
    at(
      doc,
      "paths",
      "/api/v1/jobs/{jobId}/events",
      "get",
      "responses",
      "200",
      "content",
      "text/event-stream",
    ),
  );
  assert.equal(at(doc, "components", "securitySchemes", "bearer", "scheme"), "bearer");

  // Every $ref points at something that exists.
  const refs = new Set<string>();
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        if (key === "$ref" && typeof inner === "string") refs.add(inner);
        else walk(inner);
      }
    }
  };
  walk(doc);
  assert.ok(refs.size > 10);
  for (const ref of refs) {
    assert.ok(at(doc, ...ref.replace(/^#\//, "").split("/")), `${ref} resolves`);
  }
});

Deno.test("live answers of every route match the schemas the document publishes", async () => {
  await using sandbox = await startSandbox({
    database: ":memory:",
    pace: "instant",
    workspace: { maxConcurrentJobs: 1 },
  });
  const call = caller(sandbox.url, sandbox.apiKey);
  const job = expectOk(await call("POST", "/api/v1/jobs", { body: proteins() }), ROUTES.submitJob);
  await waitFor(call, job.id);
  const blocker = expectOk(
    await call("POST", "/api/v1/jobs", {
      body: {
        ...proteins("blocker"),
        tool: "workload-simulator",
        input: {
          inputs: [{
            id: "a",
            slotId: "data",
            kind: "text",
            format: "txt",
            content: "x",
            source: { type: "text" },
          }],
        },
        settings: { seconds: 1 },
      },
    }),
    ROUTES.submitJob,
  );
  const queued = expectOk(
    await call("POST", "/api/v1/jobs", { body: proteins("to cancel") }),
    ROUTES.submitJob,
  );
  const file = expectOk(
    await call("POST", "/api/v1/files", { body: { filename: "a.fasta", content: ">a\nMKT" } }),
    ROUTES.uploadFile,
  );
  const { name: _name, ...quote } = proteins();
  const answers: [keyof typeof ROUTES, Awaited<ReturnType<typeof call>>][] = [
    ["account", await call("GET", "/api/v1/account")],
    ["listTools", await call("GET", "/api/v1/tools")],
    ["getTool", await call("GET", "/api/v1/tools/protein-properties")],
    ["getTool", await call("GET", "/api/v1/tools/workload-simulator")],
    ["quoteJob", await call("POST", "/api/v1/jobs/quote", { body: quote })],
    ["submitJob", await call("POST", "/api/v1/jobs", { body: proteins("another") })],
    ["listJobs", await call("GET", "/api/v1/jobs")],
    ["jobStatus", await call("GET", `/api/v1/jobs/${job.id}/status`)],
    ["cancelJob", await call("POST", `/api/v1/jobs/${queued.id}/cancel`)],
    ["getResult", await call("GET", `/api/v1/results/${job.id}`)],
    ["listFiles", await call("GET", "/api/v1/files")],
    [
      "uploadFile",
      await call("POST", "/api/v1/files", { body: { filename: "b.txt", content: "b" } }),
    ],
    ["getFile", await call("GET", `/api/v1/files/${file.id}`)],
    ["deleteFile", await call("DELETE", `/api/v1/files/${file.id}`)],
  ];
  for (const [name, answer] of answers) {
    const spec: RouteSpec = ROUTES[name];
    assert.equal(
      answer.status,
      spec.status,
      `${name}: ${JSON.stringify(answer.body).slice(0, 200)}`,
    );
    const parsed = spec.response.safeParse(answer.body);
    assert.ok(parsed.success, `${name}: ${parsed.error?.message}`);
  }
  // Events carry job resources.
  const events = await fetch(`${sandbox.url}/api/v1/jobs/${job.id}/events`, {
    headers: { Authorization: `Bearer ${sandbox.apiKey}` },
  });
  const text = await events.text();
  for (const line of text.split("\n").filter((l) => l.startsWith("data: "))) {
    const data: unknown = JSON.parse(line.slice(6));
    assert.ok(ROUTES.jobEvents.response.safeParse(data).success);
  }
  // Errors carry the envelope.
  for (const path of ["/api/v1/jobs/job_nope/status", "/api/v1/nope"]) {
    assert.ok(ErrorEnvelope.safeParse((await call("GET", path)).body).success);
  }
  await waitFor(call, blocker.id);
});
