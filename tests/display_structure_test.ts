/**
 * The 3D structure display: PDB and mmCIF reading, chains and models, colouring, the static
 * picture, big structures, library loading (esm.sh, another base, offline inline) and the
 * escaping of everything a structure file or a file name can carry.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  atomColor,
  residueBFactors,
  type StructureView,
  structureView,
} from "../lib/display/structure.ts";
import { parseMmcif, parsePdb } from "../lib/display/_structure_parse.ts";
import { configureDisplays, libraryCacheUrl, THREEDMOL } from "../lib/display/assets.ts";
import { decodeBase64 } from "../lib/display/_base64.ts";
import { bigStructure, buildChain, bundle, hairpin, toMmcif, toPdb } from "./_structures.ts";
import { documentOf, HOSTILE, scriptsOf } from "./_dom.ts";

/** The JSON the viewer script carries (`const spec = …;`). */
function specOf(markup: string): Record<string, unknown> {
  const script = scriptsOf(markup)[0];
  const match = script.match(/const spec = (\{.*?\});\n/s);
  assert.ok(match, "the script carries the viewer spec");
  return JSON.parse(match[1]);
}

function pngSize(png: Uint8Array): [number, number] {
  assert.deepEqual([...png.slice(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "PNG signature");
  const view = new DataView(png.buffer, png.byteOffset);
  return [view.getUint32(16), view.getUint32(20)];
}

async function htmlOf(view: StructureView): Promise<string> {
  return (await view.bundle())["text/html"] as string;
}

Deno.test("PDB and mmCIF of the same atoms read alike", () => {
  const atoms = bundle(2, 30);
  const pdb = parsePdb(toPdb(atoms));
  const cif = parseMmcif(toMmcif(atoms, "Two hairpins"));
  assert.equal(pdb.atoms.length, atoms.length);
  assert.equal(cif.atoms.length, atoms.length);
  assert.equal(cif.title, "Two hairpins");
  for (const i of [0, 17, atoms.length - 1]) {
    for (const key of ["name", "resName", "chain", "resSeq", "element", "hetero"] as const) {
      assert.equal(cif.atoms[i][key], pdb.atoms[i][key], `${key} of atom ${i}`);
    }
    assert.ok(Math.abs(cif.atoms[i].x - pdb.atoms[i].x) < 1e-3);
    assert.ok(Math.abs(cif.atoms[i].b - pdb.atoms[i].b) < 1e-2);
  }
});

Deno.test("chains, models and the colouring chosen by default", async () => {
  const two = await structureView(toPdb(bundle(2, 40)));
  assert.deepEqual(two.chains.map((chain) => [chain.id, chain.residues]), [["A", 40], ["B", 40]]);
  assert.equal(two.coloring, "chain");

  const one = await structureView(toPdb(hairpin(40)));
  assert.equal(one.coloring, "spectrum");

  const predicted = await structureView(
    toPdb(hairpin(40, "A", { b: (i) => 40 + i }), [
      "REMARK   1 PREDICTED BY ALPHAFOLD (PLDDT IN B-FACTOR)",
    ]),
  );
  assert.equal(predicted.coloring, "plddt");

  // An NMR-like ensemble: three models; "all" overlays them, "first" keeps one.
  const ensemble = [1, 2, 3].flatMap((model) =>
    buildChain(20, { phi: () => -57 - model * 5 }).map((atom) => ({ ...atom, model }))
  );
  const all = await structureView(toPdb(ensemble));
  assert.equal(all.structure.models.length, 3);
  assert.equal(all.viewerText().match(/^MODEL/gm)?.length, 3);
  assert.match(all.description, /3 models/);
  const first = await structureView(toPdb(ensemble), { models: "first" });
  assert.equal(first.viewerText().match(/^MODEL/gm), null);
  assert.equal(specOf(await htmlOf(first)).models, "first");
});

Deno.test("multi-letter mmCIF chains get one-letter viewer keys and keep their names", async () => {
  const atoms = [...hairpin(20, "AAA"), ...hairpin(20, "BB", { offset: [20, 0, 0] })];
  const view = await structureView(toMmcif(atoms));
  assert.deepEqual(view.chains.map((chain) => chain.id), ["AAA", "BB"]);
  const keys = view.chains.map((chain) => chain.key);
  assert.equal(new Set(keys).size, 2);
  assert.ok(keys.every((key) => key.length === 1));
  const spec = specOf(await htmlOf(view));
  assert.deepEqual(
    spec.names,
    Object.fromEntries(view.chains.map((chain) => [chain.key, chain.id])),
  );
  const text = view.viewerText();
  assert.equal(text.split("\n")[0].slice(21, 22), keys[0]);
});

Deno.test("the viewer and the picture colour atoms with the same function", () => {
  const params = {
    scheme: "bfactor" as const,
    chains: {},
    spans: {},
    range: [10, 90] as [number, number],
    stops: ["#000000", "#ffffff"],
    bands: [] as [number, string][],
  };
  const shipped = new Function(`return (${atomColor.toString()})`)() as typeof atomColor;
  for (const b of [0, 10, 50, 90, 120]) {
    assert.equal(shipped(params, "A", 1, b), atomColor(params, "A", 1, b));
  }
  assert.equal(atomColor(params, "A", 1, 50), "#808080");
  const plddt = {
    ...params,
    scheme: "plddt" as const,
    bands: [[90, "#0053d6"], [70, "#65cbf3"], [-1e9, "#ff7d45"]] as [number, string][],
  };
  assert.equal(atomColor(plddt, "A", 1, 95), "#0053d6");
  assert.equal(atomColor(plddt, "A", 1, 75), "#65cbf3");
  assert.equal(atomColor(plddt, "A", 1, 20), "#ff7d45");
});

Deno.test("the output carries a static PNG picture, a legend and one module script", async () => {
  const view = await structureView(toPdb(bundle(3, 40)), { width: 500, height: 300 });
  const output = await view.bundle();
  const png = decodeBase64(output["image/png"] as string);
  assert.deepEqual(pngSize(png), [750, 450]);
  const markup = output["text/html"] as string;
  const document = documentOf(markup);
  const img = document.querySelector("img[data-piq-static]")!;
  assert.ok(img.getAttribute("src")!.startsWith("data:image/png;base64,"));
  assert.equal(document.querySelectorAll("script").length, 1);
  assert.equal(document.querySelector("script")!.getAttribute("type"), "module");
  assert.ok(!/<script[^>]*\bsrc=/i.test(markup), "no <script src>");
  const legend = document.body.textContent!;
  for (const chain of ["A · 40 res", "B · 40 res", "C · 40 res"]) assert.ok(legend.includes(chain));
  assert.match(output["text/plain"] as string, /3 chains · 120 residues/);
  const root = document.querySelector(".piq-structure")!;
  assert.match(root.getAttribute("id")!, /^piq-structure-[\w-]{10}$/);
  // Each output gets its own element id.
  const again = documentOf(await htmlOf(view)).querySelector(".piq-structure")!;
  assert.notEqual(again.getAttribute("id"), root.getAttribute("id"));
});

Deno.test("hostile HEADER, TITLE, REMARK lines, residue names and file names never become markup", async () => {
  const atoms = hairpin(30).map((atom, i) => (i === 5 ? { ...atom, resName: "<b>" } : atom));
  const pdb = toPdb(atoms, [
    `HEADER    ${HOSTILE}`,
    `TITLE     ${HOSTILE}`,
    `REMARK 999 ${HOSTILE}`,
  ]);
  const dir = await Deno.makeTempDir();
  try {
    const name = `"><img src=x onerror=alert(1)>.pdb`;
    const path = join(dir, name);
    await Deno.writeTextFile(path, pdb);
    for (const view of [await structureView(pdb), await structureView(path, { title: HOSTILE })]) {
      const markup = await htmlOf(view);
      const document = documentOf(markup);
      assert.equal(document.querySelectorAll("script").length, 1);
      assert.equal(document.querySelectorAll("img").length, 1, "only the picture");
      assert.equal(document.querySelectorAll("[onerror]").length, 0);
      assert.ok(document.body.textContent!.includes(HOSTILE.slice(0, 40)));
      const script = scriptsOf(markup)[0];
      assert.ok(!/<\/script/i.test(script));
      assert.ok(!script.includes("<!--"));
      // The structure text is data inside the script, with `<` escaped.
      assert.ok(!script.includes("<b>"));
      assert.ok((specOf(markup).data as string).includes("<b>"));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a 50 000-atom structure sends the backbone, gzipped, and stays a bounded output", async () => {
  const pdb = toPdb(bigStructure(50_000));
  const view = await structureView(pdb);
  assert.match(view.description, /viewer shows the backbone/);
  const markup = await htmlOf(view);
  const spec = specOf(markup);
  assert.equal(spec.gzip, true);
  assert.ok((spec.atoms as number) < 50_000);
  assert.ok(
    markup.length < pdb.length / 2,
    `${markup.length} bytes of HTML for ${pdb.length} of PDB`,
  );
  const full = await structureView(pdb, { detail: "full" });
  assert.ok(!/backbone/.test(full.description));
});

Deno.test("library loading: esm.sh by default, another base, or inlined once offline", async () => {
  const view = await structureView(toPdb(hairpin(20)));
  const script = () => view.html().then((markup) => scriptsOf(markup)[0]);
  const urlOf = (source: string) => source.match(/piqAssets\.load\("3dmol@2\.5\.5", (\{.*?\})\)/)!;
  assert.equal(
    JSON.parse(urlOf(await script())[1]).url,
    "https://esm.sh/3dmol@2.5.5/build/3Dmol.es6-min.js",
  );
  try {
    configureDisplays({ assetBase: "https://cdn.jsdelivr.net/npm/" });
    assert.equal(
      JSON.parse(urlOf(await script())[1]).url,
      "https://cdn.jsdelivr.net/npm/3dmol@2.5.5/build/3Dmol.es6-min.js",
    );
    configureDisplays({ offline: true });
    const first = scriptsOf(await view.html())[0];
    const later = scriptsOf(await view.html())[0];
    assert.match(first, /piqAssets\.define\("3dmol@2\.5\.5", "[A-Za-z0-9+/=]{100000,}"\)/);
    assert.ok(!/import\("https?:/.test(first), "no import of a library URL");
    assert.ok(!/<\/script/i.test(first));
    // Once per kernel session: the next structure reuses the page's copy (or the cache).
    assert.ok(!later.includes("piqAssets.define("));
    assert.ok(later.length < first.length - 100_000);
    const how = JSON.parse(urlOf(later)[1]);
    assert.equal(how.cacheUrl, libraryCacheUrl(THREEDMOL));
    assert.ok(how.wait > 0, "waits for a defining output that runs late");
    assert.throws(() => configureDisplays({ assetBase: "javascript:alert(1)" }), /assetBase/);
  } finally {
    configureDisplays({ assetBase: "https://esm.sh", offline: false });
  }
});

Deno.test("the legend stays readable without styles: its entries are separated by text", async () => {
  const spectrum = documentOf(await htmlOf(await structureView(toPdb(hairpin(20)))));
  const text = (document: typeof spectrum) =>
    document.querySelector(".piq-structure")!.textContent!.replace(/\s+/g, " ");
  assert.match(text(spectrum), /Residue position: N-terminus → C-terminus/);
  const chains = documentOf(await htmlOf(await structureView(toPdb(bundle(3, 40)))));
  assert.match(text(chains), /Chains: A · 40 res · B · 40 res · C · 40 res/);
});

Deno.test("sources: text, path, bytes, a Result-like object; clear errors otherwise", async () => {
  const pdb = toPdb(hairpin(20));
  const fromBytes = await structureView(new TextEncoder().encode(pdb));
  assert.equal(fromBytes.structure.atoms.length, parsePdb(pdb).atoms.length);
  const result = {
    files: [{ name: "properties.csv" }, { name: "model.pdb" }],
    text: (name?: string) => Promise.resolve(name === "model.pdb" ? pdb : "id,x\n"),
  };
  const fromResult = await structureView(result);
  assert.equal(fromResult.title, "model.pdb");
  await assert.rejects(
    () => structureView({ files: [{ name: "a.csv" }], text: () => Promise.resolve("") }),
    /no structure file/,
  );
  await assert.rejects(
    () => structureView("no/such/file.pdb"),
    /neither PDB\/mmCIF text nor a file/,
  );
  await assert.rejects(() => structureView("HEADER    EMPTY\nEND\n"), /no atoms/);
});

Deno.test("per-residue B-factors read at Cα, per chain", () => {
  const points = residueBFactors(toPdb(bundle(2, 10, (chain, i) => chain * 100 + i)));
  assert.equal(points.length, 20);
  assert.deepEqual(points[0], { residue: 1, value: 0, chain: "A", name: "ALA" });
  assert.equal(points[19].value, 109);
  assert.equal(points[19].chain, "B");
});
