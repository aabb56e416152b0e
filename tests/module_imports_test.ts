/**
 * What the published and imported module may depend on: relative imports, `node:` built-ins
 * and full `npm:` specifiers pinned once each in `lib/_deps/` (plus the browser libraries'
 * text imports), never this repository's import map — and JSR's own checks (`deno publish
 * --dry-run` without `--allow-slow-types`, `deno doc --lint`).
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { deno, ROOT } from "./_deno_cli.ts";

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sources(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** Every static and literal dynamic import/export specifier of a source file. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']/g,
    /new URL\(\s*["']([^"']+\.ts)["']\s*,\s*import\.meta\.url/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) found.push(match[1]);
  }
  return found;
}

/** `npm:name@version` → [name, version]. */
function npmPackage(specifier: string): [string, string] {
  const match = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)@([^/]+)/.exec(specifier);
  assert.ok(match, `unpinned npm specifier ${specifier}`);
  return [match[1], match[2]];
}

const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))) as {
  imports: Record<string, string>;
};
const pinned = new Map(
  Object.values(config.imports).filter((value) => value.startsWith("npm:")).map(npmPackage),
);

/** Text imports of the browser libraries and the fonts' registration: see their modules. */
const LITERAL_NPM_OUTSIDE_DEPS = new Set(["lib/display/assets.ts", "lib/display/_raster.ts"]);

Deno.test("the module imports only relative files, node: built-ins and lib/_deps' npm pins", async () => {
  const problems: string[] = [];
  const seenPackages = new Map<string, string>();
  for (const root of ["mod.ts", "lib"]) {
    const files = root.endsWith(".ts") ? [join(ROOT, root)] : await Array.fromAsync(
      sources(join(ROOT, root)),
    );
    for (const file of files) {
      const name = relative(ROOT, file);
      const text = await Deno.readTextFile(file);
      if (/import\.meta\.resolve\(/.test(text.replace(/^\s*(?:\/\/|\*).*$/gm, ""))) {
        problems.push(`${name}: import.meta.resolve does not survive publishing`);
      }
      for (const specifier of specifiers(text)) {
        if (specifier.startsWith("./") || specifier.startsWith("../")) continue;
        if (specifier.startsWith("node:")) continue;
        if (specifier.startsWith("npm:")) {
          const [pkg, version] = npmPackage(specifier);
          if (!name.startsWith("lib/_deps/") && !LITERAL_NPM_OUTSIDE_DEPS.has(name)) {
            problems.push(`${name}: ${specifier} belongs in lib/_deps/`);
          }
          const other = seenPackages.get(pkg);
          if (other && other !== version) problems.push(`${pkg} pinned as ${other} and ${version}`);
          seenPackages.set(pkg, version);
          if (pinned.get(pkg) !== version) {
            problems.push(`${name}: ${pkg}@${version} but deno.json has ${pinned.get(pkg)}`);
          }
          continue;
        }
        problems.push(`${name}: "${specifier}" resolves only through an import map`);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(seenPackages.has("zod") && seenPackages.has("hono"), "the scan sees the pins");
});

Deno.test("JSR: deno publish --dry-run passes without --allow-slow-types", async () => {
  // --allow-dirty only because a test run may leave ignored or generated files around; the
  // slow-type, license and triple-slash checks are all on.
  const { code, output } = await deno(["publish", "--dry-run", "--allow-dirty"]);
  assert.equal(code, 0, output.slice(-4000));
  assert.match(output, /Success/);
  for (const excluded of ["tests/", "notebooks/", "bench/", "scripts/", "examples/"]) {
    assert.ok(!output.includes(`/${excluded}`), `${excluded} stays out of the package`);
  }
});

Deno.test("JSR: deno doc --lint mod.ts is clean", async () => {
  const { code, output } = await deno(["doc", "--lint", "mod.ts"]);
  assert.equal(code, 0, output.slice(-4000));
});
