/**
 * Result tables and exports: columns from output fields, numbers right-aligned and rounded
 * with full precision kept, the size cap for huge results, escaping, and the CSV and JSON
 * exports of a real sandbox result.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connect, fastaInput } from "../mod.ts";
import { cleanNumber, renderTable, tableHtml } from "../lib/display/table.ts";
import { csvField, recordsToCSV } from "../lib/display/export.ts";
import { renderResultView } from "../lib/display/result_view.ts";
import { documentOf, HOSTILE } from "./_dom.ts";

const COLUMNS = [
  { id: "id", label: "ID" },
  { id: "mass", label: "Molecular weight", unit: "Da", digits: 2 },
  { id: "ratio", label: "Ratio" },
];

Deno.test("numbers are right-aligned, rounded for reading, full precision on hover", () => {
  const markup = tableHtml([{ id: "a", mass: 14313.14612, ratio: 0.123456789 }], {
    columns: COLUMNS,
  });
  const document = documentOf(markup);
  const headers = [...document.querySelectorAll("th")].map((th) => th.textContent);
  assert.deepEqual(headers, ["ID", "Molecular weight (Da)", "Ratio"]);
  const cells = [...document.querySelectorAll("tbody td")];
  assert.equal(cells[0].textContent, "a");
  assert.match(cells[0].getAttribute("style")!, /text-align: left/);
  assert.equal(cells[1].textContent, "14,313.15");
  assert.equal(cells[1].getAttribute("title"), "14313.14612");
  assert.match(cells[1].getAttribute("style")!, /text-align: right/);
  assert.equal(cells[2].textContent, "0.1235");
  assert.equal(cells[2].getAttribute("title"), "0.123456789");
  assert.equal(document.querySelectorAll("script, style").length, 0);
});

Deno.test("hover titles show clean numbers, never binary float noise", () => {
  assert.equal(cleanNumber(14313.003999999983), "14313.004");
  assert.equal(cleanNumber(0.1 + 0.2), "0.3");
  assert.equal(cleanNumber(1e-12 / 3), "3.33333333333e-13");
  assert.equal(cleanNumber(Number.NaN), "NaN");
  const markup = tableHtml([{ id: "a", mass: 14313.003999999983, ratio: 0.1 + 0.2 }], {
    columns: COLUMNS,
  });
  const cells = [...documentOf(markup).querySelectorAll("tbody td")];
  assert.equal(cells[1].getAttribute("title"), "14313.004");
  // 0.30000000000000004 shows as 0.3: nothing hidden, so no hover at all.
  assert.equal(cells[2].textContent, "0.3");
  assert.equal(cells[2].getAttribute("title"), null);
});

Deno.test("wide tables say they scroll sideways; long ones keep their header in view", () => {
  const columns = Array.from({ length: 16 }, (_, i) => ({
    id: `c${i}`,
    label: `A rather long column label ${i}`,
  }));
  const record = Object.fromEntries(columns.map((column, i) => [column.id, 1000.5 + i]));
  const wide = documentOf(tableHtml(Array(40).fill(record), { columns }));
  assert.match(wide.body.textContent!, /16 columns — scroll sideways/);
  const box = wide.querySelector("[data-piq-scroll]")!.getAttribute("style")!;
  assert.match(box, /overflow-x: scroll/);
  assert.match(box, /max-height: 32em; overflow-y: auto/, "40 rows scroll under the header");
  for (const th of wide.querySelectorAll("th")) {
    const style = th.getAttribute("style")!;
    assert.match(style, /position: sticky; top: 0/);
    assert.match(style, /white-space: normal/, "long labels wrap");
    assert.match(style, /background-color: var\(--jp-layout-color1, #ffffff\)/);
  }
  const narrow = documentOf(tableHtml([{ id: "a", mass: 1, ratio: 2 }], { columns: COLUMNS }));
  assert.ok(!/scroll sideways/.test(narrow.body.textContent!));
  const small = narrow.querySelector("[data-piq-scroll]")!.getAttribute("style")!;
  assert.match(small, /overflow-x: auto/);
  assert.ok(!/max-height/.test(small), "a short table does not scroll");
});

Deno.test("a 100 000-row result renders as at most 300 KB, with the count of the rest and how to get them", () => {
  const records = Array.from({ length: 100_000 }, (_, i) => ({
    id: `protein_${i}`,
    mass: 10_000 + i * 1.2345678,
    ratio: i / 7,
  }));
  const bundle = renderTable(records, {
    columns: COLUMNS,
    moreHint: "Every row: result.records or result.toCSV().",
  });
  const markup = bundle["text/html"] as string;
  assert.ok(new TextEncoder().encode(markup).length <= 300_000, `${markup.length} bytes`);
  const document = documentOf(markup);
  const rows = document.querySelectorAll("tbody tr").length;
  assert.ok(rows >= 20 && rows <= 50, `${rows} rows`);
  assert.ok(
    document.body.textContent!.includes(
      `of 100,000 rows (${(100_000 - rows).toLocaleString("en-US")} more)`,
    ),
  );
  assert.ok(document.body.textContent!.includes("result.toCSV()"));
  assert.ok((bundle["text/plain"] as string).length < 10_000);
});

Deno.test("wide or long cells are clipped but stay within the byte budget", () => {
  const records = Array.from(
    { length: 200 },
    (_, i) => ({ id: `s${i}`, sequence: "M".repeat(50_000) }),
  );
  const markup = tableHtml(records, { maxRows: 200 });
  assert.ok(markup.length <= 260_000, `${markup.length}`);
  const cell = documentOf(markup).querySelector("tbody td:nth-child(2)")!;
  assert.ok(cell.textContent!.length <= 80);
  assert.ok(cell.getAttribute("title")!.length <= 1000);
});

Deno.test("hostile tool output and titles are escaped in table HTML", () => {
  const markup = renderResultView({
    title: HOSTILE,
    records: [{ [HOSTILE]: HOSTILE, n: 1 }],
    results: { records: [], [HOSTILE]: HOSTILE },
    files: [{ name: HOSTILE, content_type: "text/plain", size_bytes: 10 }],
  })["text/html"] as string;
  const document = documentOf(markup);
  assert.equal(document.querySelectorAll("script, img").length, 0);
  assert.ok(document.body.textContent!.includes(HOSTILE));
});

Deno.test("CSV fields: RFC 4180 quoting, full precision, formulas neutralised", () => {
  assert.equal(csvField(1234.56789012345), "1234.56789012345");
  assert.equal(csvField(null), "");
  assert.equal(csvField('say "hi", then go'), '"say ""hi"", then go"');
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField("-5"), "'-5");
  assert.equal(csvField(-5), "-5");
  assert.equal(csvField("=1", { escapeFormulas: false }), "=1");
  assert.equal(
    recordsToCSV([{ a: 1, b: "x\ny" }], { columns: [{ id: "a" }, { id: "b" }] }),
    'a,b\r\n1,"x\ny"\r\n',
  );
});

Deno.test("a sandbox result shows as a table from its output fields and exports CSV and JSON", async () => {
  const piq = await connect({ sandbox: { database: ":memory:", pace: "instant" }, quiet: true });
  try {
    const request = {
      tool: "protein-properties",
      name: `Two proteins ${HOSTILE}`,
      input: fastaInput(
        ">lysozyme Hen egg-white lysozyme\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSRWWCNDGRTPGSRNLCNIPCSALLSSDITASVNCAKKIVSDGNGMNAWVAWRNRCKGTDVQAWIRGCRL\n>ubiquitin\nMQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHL\n",
      ),
      settings: { ph: 7.4 },
    };
    const job = await piq.jobs.submit(request);
    await job.wait({ display: false });
    const result = await job.result();
    const contract = await piq.tools.get("protein-properties");

    // Columns: the output fields present in the records, in the contract's order.
    const fieldIds = contract.output.fields.map((field) => field.id);
    assert.deepEqual(
      result.columns.map((column) => column.id),
      fieldIds.filter((id) => id in result.records[0]),
    );

    const display = await (result as unknown as {
      [key: symbol]: () => Promise<Record<string, string>> | Record<string, string>;
    })[Symbol.for("Jupyter.display")]();
    const document = documentOf(display["text/html"]);
    assert.equal(document.querySelectorAll("script, img").length, 0);
    assert.ok(document.body.textContent!.includes(HOSTILE), "the job name is shown as text");
    const headers = [...document.querySelectorAll("th")].map((th) => th.textContent);
    assert.ok(headers.includes("Molecular weight (Da)"));
    const weightColumn = headers.indexOf("Molecular weight (Da)");
    const firstWeight =
      document.querySelectorAll("tbody tr")[0].querySelectorAll("td")[weightColumn];
    // The hover shows the value without float noise; the data keeps every digit.
    const weight = result.records[0].molecular_weight as number;
    assert.equal(firstWeight.getAttribute("title"), cleanNumber(weight));
    assert.ok(!/\d{13,}/.test(firstWeight.getAttribute("title")!), "no float noise on hover");
    assert.equal(Number(firstWeight.getAttribute("title")), Number(weight.toPrecision(12)));
    assert.match(firstWeight.getAttribute("style")!, /text-align: right/);
    assert.ok(document.body.textContent!.includes("properties.csv"));

    // CSV export: same header and values as the tool's own CSV file.
    const csv = result.toCSV();
    const fileCsv = await result.text("properties.csv");
    const [header, ...rows] = csv.trimEnd().split("\r\n");
    const [fileHeader, ...fileRows] = fileCsv.trimEnd().split("\r\n");
    assert.equal(header, fileHeader);
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0].split(",").slice(2, 6), fileRows[0].split(",").slice(2, 6));

    // JSON export: envelope with job name, tool, settings and a timestamp.
    const envelope = result.toJSON();
    assert.equal(envelope.job.name, request.name);
    assert.equal(envelope.tool.id, "protein-properties");
    assert.equal(envelope.settings?.ph, 7.4);
    assert.ok(Date.now() - Date.parse(envelope.exported_at) < 60_000);
    assert.deepEqual(envelope.results, result.results);
    assert.equal(JSON.parse(JSON.stringify(result)).job.id, job.id);
    assert.ok(!JSON.stringify(envelope).includes("signature"), "no signed URLs in the export");

    const dir = await Deno.makeTempDir();
    try {
      const jsonPath = await result.exportTo(join(dir, "out", "result.json"));
      assert.equal(JSON.parse(await Deno.readTextFile(jsonPath)).tool.id, "protein-properties");
      const tsv = await Deno.readTextFile(await result.exportTo(join(dir, "result.tsv")));
      assert.ok(tsv.startsWith("id\tdescription\t"));
      await assert.rejects(() => result.exportTo(join(dir, "result.xlsx")), /export format/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  } finally {
    await piq.close();
  }
});
