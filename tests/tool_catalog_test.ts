/**
 * The sandbox tool catalog: every tool describes itself completely (slots, settings with
 * types/defaults/ranges/descriptions, output fields with labels/units/digits, files with
 * content types, limits, time class, credit model), is served by `GET /api/v1/tools` and
 * `GET /api/v1/tools/{toolId}` as the contract says, and is priced by its credit model.
 */
import assert from "node:assert/strict";
import { connect, NotFoundError } from "../mod.ts";
import { ToolDetail, ToolList } from "../lib/contract/tools.ts";
import { findTool, TOOLS } from "../lib/sandbox/tools/mod.ts";
import { priceRequest } from "../lib/sandbox/_pricing.ts";

const CATALOG_IDS = [
  "esmfold",
  "protein-parameters",
  "protein-properties",
  "hydropathy-profile",
  "translate-dna",
  "back-translate",
  "pairwise-alignment",
  "pdb-to-fasta",
  "fastq-to-fasta",
  "peptide-builder",
  "structure-analysis",
];

/** A small valid input for every tool, so defaults can be quoted. */
const HELIX_PDB = await Deno.readTextFile(
  new URL("./fixtures/structures/helix.pdb", import.meta.url),
);
const SAMPLE_INPUTS: Record<
  string,
  { slotId: string; kind: string; format: string; content: string }[]
> = {
  esmfold: [{ slotId: "protein", kind: "protein", format: "fasta", content: ">p\nMKTAYIAKQR\n" }],
  "protein-parameters": [{
    slotId: "protein",
    kind: "protein",
    format: "fasta",
    content: ">p\nMKTAYIAKQR\n",
  }],
  "protein-properties": [{
    slotId: "protein",
    kind: "protein",
    format: "fasta",
    content: ">p\nMKTAYIAKQR\n",
  }],
  "hydropathy-profile": [{
    slotId: "protein",
    kind: "protein",
    format: "fasta",
    content: ">p\nMKTAYIAKQRQISFVK\n",
  }],
  "translate-dna": [{
    slotId: "dna",
    kind: "dna",
    format: "fasta",
    content: ">d\nATGGCCATTGTAATGGGCCGCTGA\n",
  }],
  "back-translate": [{ slotId: "protein", kind: "protein", format: "fasta", content: ">p\nMKW\n" }],
  "pairwise-alignment": [
    { slotId: "query", kind: "sequence", format: "fasta", content: ">q\nHEAGAWGHEE\n" },
    { slotId: "targets", kind: "sequence", format: "fasta", content: ">t\nPAWHEAE\n" },
  ],
  "pdb-to-fasta": [{ slotId: "structure", kind: "structure", format: "pdb", content: HELIX_PDB }],
  "fastq-to-fasta": [{
    slotId: "reads",
    kind: "dna",
    format: "fastq",
    content: "@r\nACGT\n+\nIIII\n",
  }],
  "peptide-builder": [{
    slotId: "protein",
    kind: "protein",
    format: "fasta",
    content: ">p\nAAAAAA\n",
  }],
  "structure-analysis": [{
    slotId: "structure",
    kind: "structure",
    format: "pdb",
    content: HELIX_PDB,
  }],
};

function inputOf(toolId: string) {
  return {
    inputs: SAMPLE_INPUTS[toolId].map((item, index) => ({
      id: `in${index + 1}`,
      ...item,
      source: { type: "text" as const },
    })),
  };
}

Deno.test("every catalog tool declares a complete contract", () => {
  const ids = TOOLS.map((tool) => tool.definition.id);
  for (const id of CATALOG_IDS) assert.ok(ids.includes(id), `${id} is registered`);
  assert.equal(new Set(ids).size, ids.length, "tool ids are unique");
  for (const id of CATALOG_IDS) {
    const tool = findTool(id)!;
    const detail = ToolDetail.parse({ ...tool.definition, object: "tool" });
    assert.ok(detail.description.length > 40, `${id}: a description a scientist can read`);
    assert.ok(["seconds", "minutes", "hours"].includes(detail.processing.time_class), id);
    assert.ok(detail.limits.time_limit_seconds, `${id}: a time limit`);
    assert.ok(
      detail.limits.max_input_bytes !== undefined,
      `${id}: a maximum input size`,
    );
    assert.ok(detail.credit_model.type, `${id}: a credit model type`);
    assert.ok(detail.credit_model.description, `${id}: a credit model description`);
    for (const slot of detail.input.slots) {
      assert.ok(slot.description, `${id}.${slot.id}: slot description`);
      assert.ok(
        slot.formats.every((format) => format === format.toLowerCase()),
        `${id}: lowercase formats`,
      );
      assert.ok(slot.max_items >= slot.min_items, `${id}.${slot.id}: cardinality`);
    }
    for (const setting of detail.input.settings) {
      const where = `${id}.settings.${setting.id}`;
      assert.ok(setting.description.length > 10, `${where}: description`);
      assert.ok(setting.label, `${where}: label`);
      if (setting.type === "integer" || setting.type === "number") {
        assert.equal(typeof setting.default, "number", `${where}: numeric default`);
        assert.equal(typeof setting.minimum, "number", `${where}: minimum`);
        assert.equal(typeof setting.maximum, "number", `${where}: maximum`);
        assert.ok(
          (setting.default as number) >= setting.minimum! &&
            (setting.default as number) <= setting.maximum!,
          `${where}: default within range`,
        );
      }
      if (setting.type === "enum") {
        const values = (setting.options ?? []).map((option) => option.value);
        assert.ok(values.length >= 2, `${where}: options`);
        assert.ok(
          values.includes(setting.default as string | number),
          `${where}: default is an option`,
        );
        assert.ok(
          (setting.options ?? []).every((option) => option.label),
          `${where}: option labels`,
        );
      }
      if (setting.type === "boolean") assert.equal(typeof setting.default, "boolean", where);
      if (setting.type === "string") assert.equal(typeof setting.default, "string", where);
    }
    assert.ok(detail.output.fields.length > 0, `${id}: output fields`);
    for (const field of detail.output.fields) {
      assert.ok(field.label, `${id}.${field.id}: label`);
      if (field.type === "number") {
        assert.equal(typeof field.digits, "number", `${id}.${field.id}: display digits`);
      }
    }
    assert.ok(detail.output.files.length > 0, `${id}: output files`);
    for (const file of detail.output.files) {
      assert.match(file.content_type, /^[a-z]+\/[a-z0-9.+-]+$/, `${id}.${file.name}: content type`);
      assert.ok(file.description, `${id}.${file.name}: description`);
    }
  }
});

Deno.test("GET /tools lists the catalog and GET /tools/{id} serves each contract", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  // Both go over loopback HTTP and are parsed with the shared contract schemas.
  const list = await piq.tools.list();
  ToolList.shape.data.parse([...list]);
  const byId = new Map(list.map((tool) => [tool.id, tool]));
  for (const id of CATALOG_IDS) {
    const summary = byId.get(id);
    assert.ok(summary, `${id} listed`);
    assert.equal(summary.object, "tool");
    assert.ok(summary.name && summary.category, id);
    assert.deepEqual(summary.credit_model, findTool(id)!.definition.credit_model);
    const detail = ToolDetail.parse(await piq.tools.get(id));
    assert.equal(detail.id, id);
    assert.deepEqual(detail.input.slots, findTool(id)!.definition.input.slots);
    assert.deepEqual(detail.input.settings, findTool(id)!.definition.input.settings);
    assert.deepEqual(detail.output.files, findTool(id)!.definition.output.files);
  }
  await assert.rejects(() => piq.tools.get("no-such-tool"), NotFoundError);
});

Deno.test("quotes price every tool by its credit model and accept the defaults", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  for (const id of CATALOG_IDS) {
    const quote = await piq.jobs.quote({ tool: id, input: inputOf(id) });
    assert.deepEqual(quote.blocking_errors, [], `${id}: defaults with a small input are valid`);
    const tool = findTool(id)!;
    const items = inputOf(id).inputs.map((item, index) => ({ ...item, index, label: undefined }));
    const expected = priceRequest(tool, tool.units(items, defaultsOf(id)));
    assert.equal(quote.estimated_credits, expected.estimated, `${id}: price`);
  }
  // Spot checks of each model with numbers a reader can verify.
  const perResidue = await piq.jobs.quote({
    tool: "translate-dna",
    input: {
      inputs: [{
        id: "d",
        slotId: "dna",
        kind: "dna",
        format: "fasta",
        content: `>d\n${"ACGT".repeat(751)}\n`,
        source: { type: "text" },
      }],
    },
  });
  assert.equal(perResidue.estimated_credits, 4, "3,004 nt at 1 credit per 1,000 nt, rounded up");
  const fixed = await piq.jobs.quote({
    tool: "peptide-builder",
    input: {
      inputs: [{
        id: "p",
        slotId: "protein",
        kind: "protein",
        format: "fasta",
        content: `>a\n${"A".repeat(200)}\n>b\nGG\n`,
        source: { type: "text" },
      }],
    },
  });
  assert.equal(fixed.estimated_credits, 2, "fixed price whatever the input");
  // ESMFold's documented example quote.
  const fold = await piq.jobs.quote({ tool: "esmfold", input: inputOf("esmfold") });
  assert.equal(fold.estimated_credits, 50);
  const free = await piq.jobs.quote({ tool: "pdb-to-fasta", input: inputOf("pdb-to-fasta") });
  assert.equal(free.estimated_credits, 0);
  const perInput = await piq.jobs.quote({
    tool: "hydropathy-profile",
    input: {
      inputs: [{
        id: "p",
        slotId: "protein",
        kind: "protein",
        format: "fasta",
        content: ">a\nMKT\n>b\nMKV\n>c\nMKL\n",
        source: { type: "text" },
      }],
    },
  });
  assert.equal(perInput.estimated_credits, 3, "1 credit per sequence");
  const structure = await piq.jobs.quote({
    tool: "structure-analysis",
    input: inputOf("structure-analysis"),
  });
  assert.equal(structure.estimated_credits, 2, "1 + 20 residues × 0.01, rounded up");
});

function defaultsOf(id: string): Record<string, string | number | boolean | null> {
  return Object.fromEntries(
    findTool(id)!.definition.input.settings.map((setting) => [setting.id, setting.default]),
  );
}

Deno.test("every tool reports progress that rises to 1 over multi-record inputs", async () => {
  for (const id of CATALOG_IDS) {
    const tool = findTool(id)!;
    const items = inputOf(id).inputs.map((item, index) => ({ ...item, index, label: undefined }));
    if (items[0].format === "fasta" && (tool.definition.limits.max_records ?? 3) >= 3) {
      // Three records in the last slot, so there is something to count.
      const last = items[items.length - 1];
      const body = last.content.replace(/^>[^\n]*\n/, "");
      last.content = [1, 2, 3].map((n) => `>r${n}\n${body}`).join("");
    }
    assert.deepEqual(tool.validate(items, defaultsOf(id)), [], id);
    const seen: number[] = [];
    await tool.run(items, defaultsOf(id), { progress: (fraction) => seen.push(fraction) });
    assert.ok(seen.length > 0, `${id} reports progress`);
    assert.ok(seen.every((value, k) => k === 0 || value >= seen[k - 1]), `${id}: never goes back`);
    assert.equal(seen.at(-1), 1, `${id} ends at 1`);
  }
});
