/**
 * Reading PDBx/mmCIF structure files: a CIF 1.1 tokenizer (data blocks, `loop_`, quoted
 * values, semicolon text fields, comments) and the categories a structure needs:
 *
 * - `_atom_site` — atoms, with the same conventions as Biopython's `MMCIFParser`: author chain
 *   ids and residue numbers (`auth_asym_id`, `auth_seq_id`), `label_atom_id` and
 *   `label_comp_id` names, `pdbx_PDB_ins_code`, `label_alt_id`, `pdbx_PDB_model_num`.
 * - `_pdbx_poly_seq_scheme` (or `_entity_poly_seq` + `_entity_poly`) — full chain sequences.
 * - `_entry.id`, `_struct.title`, `_entity.pdbx_description` — id, title, molecule names.
 *
 * @example
 * ```ts
 * import { parseCif } from "./mmcif.ts";
 *
 * const blocks = parseCif("data_demo\n_entry.id DEMO\nloop_\n_x.a\n_x.b\n1 'two words'\n");
 * blocks[0].categories.get("x")!.rows; // [["1", "two words"]]
 * ```
 * @module
 */
import { Assembler } from "./_assemble.ts";
import {
  type Atom,
  guessElement,
  isElement,
  type Structure,
  StructureFormatError,
} from "./model.ts";
import type { StructureScan } from "./pdb.ts";

/** A CIF category: column names (without the category prefix) and rows of values. */
export interface CifCategory {
  columns: string[];
  /** `null` for the CIF "unknown" (`?`) and "not applicable" (`.`) values. */
  rows: (string | null)[][];
}

/** One `data_` block. */
export interface CifBlock {
  name: string;
  categories: Map<string, CifCategory>;
}

interface Token {
  kind: "data" | "loop" | "tag" | "value" | "save" | "stop" | "global";
  text: string;
  line: number;
  quoted: boolean;
}

/**
 * Tokenize and group CIF text into data blocks and categories.
 *
 * @throws {StructureFormatError} For text that is not CIF (an unterminated text field, a
 * value without a tag, a loop whose values do not fill its rows…).
 * @example
 * ```ts
 * import { parseCif } from "./mmcif.ts";
 * parseCif("data_a\n_cell.length_a 10.0\n")[0].categories.get("cell")!.columns; // ["length_a"]
 * ```
 */
export function parseCif(text: string): CifBlock[] {
  const blocks: CifBlock[] = [];
  let block: CifBlock | undefined;
  const tokens = tokenize(text);
  let index = 0;
  const requireBlock = (token: Token): CifBlock => {
    if (block === undefined) {
      throw new StructureFormatError(`line ${token.line}: data before the first "data_" block`);
    }
    return block;
  };
  while (index < tokens.length) {
    const token = tokens[index];
    if (token.kind === "data") {
      block = { name: token.text.slice(5), categories: new Map() };
      blocks.push(block);
      index++;
    } else if (token.kind === "tag") {
      const target = requireBlock(token);
      const value = tokens[index + 1];
      if (value === undefined || value.kind !== "value") {
        throw new StructureFormatError(`line ${token.line}: tag ${token.text} has no value`);
      }
      const [category, column] = splitTag(token);
      const entry = target.categories.get(category) ?? { columns: [], rows: [[]] };
      if (entry.rows.length !== 1) {
        throw new StructureFormatError(
          `line ${token.line}: ${token.text} is a single value in a looped category`,
        );
      }
      entry.columns.push(column);
      entry.rows[0].push(valueOf(value));
      target.categories.set(category, entry);
      index += 2;
    } else if (token.kind === "loop") {
      const target = requireBlock(token);
      index++;
      const tags: Token[] = [];
      while (index < tokens.length && tokens[index].kind === "tag") tags.push(tokens[index++]);
      if (tags.length === 0) {
        throw new StructureFormatError(`line ${token.line}: loop_ without tags`);
      }
      const [category] = splitTag(tags[0]);
      const columns = tags.map((tag) => {
        const [tagCategory, column] = splitTag(tag);
        if (tagCategory !== category) {
          throw new StructureFormatError(
            `line ${tag.line}: loop mixes categories ${category} and ${tagCategory}`,
          );
        }
        return column;
      });
      const values: (string | null)[] = [];
      while (index < tokens.length && tokens[index].kind === "value") {
        values.push(valueOf(tokens[index++]));
      }
      if (values.length % columns.length !== 0) {
        throw new StructureFormatError(
          `line ${token.line}: the ${category} loop has ${values.length} values, not a ` +
            `multiple of its ${columns.length} columns`,
        );
      }
      const rows: (string | null)[][] = [];
      for (let start = 0; start < values.length; start += columns.length) {
        rows.push(values.slice(start, start + columns.length));
      }
      target.categories.set(category, { columns, rows });
    } else if (token.kind === "value") {
      throw new StructureFormatError(
        `line ${token.line}: value ${JSON.stringify(token.text.slice(0, 30))} without a tag`,
      );
    } else {
      index++; // save frames and global blocks carry nothing a structure needs
    }
  }
  return blocks;
}

/**
 * Parse an mmCIF structure (the first data block).
 *
 * @throws {StructureFormatError} When the text is not CIF or has no `_atom_site` atoms.
 * @example
 * ```ts
 * import { parseMmcif } from "./mmcif.ts";
 * const text = `data_X
 * loop_
 * _atom_site.group_PDB
 * _atom_site.id
 * _atom_site.type_symbol
 * _atom_site.label_atom_id
 * _atom_site.label_comp_id
 * _atom_site.auth_asym_id
 * _atom_site.auth_seq_id
 * _atom_site.Cartn_x
 * _atom_site.Cartn_y
 * _atom_site.Cartn_z
 * ATOM 1 C CA GLY A 1 0.0 0.0 0.0
 * `;
 * parseMmcif(text).models[0].chains[0].id; // "A"
 * ```
 */
export function parseMmcif(text: string): Structure {
  const blocks = parseCif(text);
  if (blocks.length === 0) throw new StructureFormatError('no "data_" block: this is not mmCIF');
  const block = blocks[0];
  const atomSite = block.categories.get("atom_site");
  if (atomSite === undefined || atomSite.rows.length === 0) {
    throw new StructureFormatError("the file has no _atom_site records (no atoms)");
  }
  const column = columnReader(atomSite, "atom_site");
  const x = column("Cartn_x", true);
  const y = column("Cartn_y", true);
  const z = column("Cartn_z", true);
  const atomName = column("label_atom_id", false) ?? column("auth_atom_id", true);
  const residueName = column("label_comp_id", false) ?? column("auth_comp_id", true);
  const chain = column("auth_asym_id", false) ?? column("label_asym_id", true);
  const number = column("auth_seq_id", false) ?? column("label_seq_id", true);
  const group = column("group_PDB", false);
  const element = column("type_symbol", false);
  const altloc = column("label_alt_id", false);
  const insertion = column("pdbx_PDB_ins_code", false);
  const occupancy = column("occupancy", false);
  const bFactor = column("B_iso_or_equiv", false);
  const model = column("pdbx_PDB_model_num", false);
  const serial = column("id", false);

  const assembler = new Assembler();
  let currentModel: string | null | undefined;
  atomSite.rows.forEach((row, rowIndex) => {
    const where = `_atom_site row ${rowIndex + 1}`;
    const modelValue = model ? model(row) : "1";
    if (modelValue !== currentModel) {
      currentModel = modelValue;
      const serialNumber = Number.parseInt(modelValue ?? "1", 10);
      assembler.startModel(Number.isFinite(serialNumber) ? serialNumber : 1);
    }
    const coordinates = [x!(row), y!(row), z!(row)].map(Number);
    if (coordinates.some((value) => !Number.isFinite(value))) {
      throw new StructureFormatError(
        `${where}: coordinates ${JSON.stringify([x!(row), y!(row), z!(row)])} are not numbers`,
      );
    }
    const numberText = number!(row) ?? "";
    const residueNumber = Number.parseInt(numberText, 10);
    if (!/^-?\d+$/.test(numberText)) {
      throw new StructureFormatError(
        `${where}: residue number ${JSON.stringify(numberText)} is not a whole number`,
      );
    }
    const name = atomName!(row) ?? "";
    const elementText = element?.(row) ?? "";
    const atom: Atom = {
      serial: Number.parseInt(serial?.(row) ?? "0", 10) || rowIndex + 1,
      name,
      altloc: altloc?.(row) ?? "",
      element: elementText !== "" && isElement(elementText)
        ? elementText.toUpperCase()
        : guessElement(` ${name}`.padEnd(4), name),
      x: coordinates[0],
      y: coordinates[1],
      z: coordinates[2],
      occupancy: numberOr(occupancy?.(row), 1.0),
      bFactor: numberOr(bFactor?.(row), 0.0),
    };
    assembler.add({
      hetero: group?.(row) === "HETATM",
      residueName: residueName!(row) ?? "",
      chain: chain!(row) ?? "",
      number: residueNumber,
      insertion: insertion?.(row) ?? "",
      atom,
    }, where);
  });

  return {
    id: single(block, "entry", "id") ?? "",
    title: (single(block, "struct", "title") ?? "").replace(/\s+/g, " ").trim(),
    format: "mmcif",
    models: assembler.models.filter((entry) => entry.chains.length > 0),
    seqres: readSequences(block),
    molecules: readMolecules(block),
    warnings: assembler.warnings,
  };
}

/**
 * A quick check for validation: the text has a data block and an `_atom_site` loop with
 * coordinates; atoms and Cα atoms are counted from the loop's rows by a light line scan (no
 * full tokenization), so it stays fast on large files.
 *
 * @example
 * ```ts
 * import { scanMmcif } from "./mmcif.ts";
 * scanMmcif("data_x\n").problems; // ["no _atom_site loop: the file has no atoms"]
 * ```
 */
export function scanMmcif(text: string): StructureScan {
  const scan: StructureScan = { atoms: 0, models: 0, chains: 0, alphaCarbons: 0, problems: [] };
  if (!/^\s*data_/m.test(text)) {
    scan.problems.push('no "data_" block: this is not mmCIF');
    return scan;
  }
  const lines = text.split(/\r\n|\r|\n/);
  let index = lines.findIndex((line) => line.startsWith("_atom_site."));
  if (index === -1) {
    scan.problems.push("no _atom_site loop: the file has no atoms");
    return scan;
  }
  const columns: string[] = [];
  while (index < lines.length && lines[index].startsWith("_atom_site.")) {
    columns.push(lines[index].trim().split(/\s+/)[0].slice("_atom_site.".length));
    index++;
  }
  for (const required of ["Cartn_x", "Cartn_y", "Cartn_z"]) {
    if (!columns.includes(required)) scan.problems.push(`_atom_site has no ${required} column`);
  }
  const atomColumn = columns.indexOf("label_atom_id");
  const chainColumn = columns.indexOf("auth_asym_id");
  const modelColumn = columns.indexOf("pdbx_PDB_model_num");
  const altColumn = columns.indexOf("label_alt_id");
  const chains = new Set<string>();
  const models = new Set<string>();
  for (; index < lines.length; index++) {
    const line = lines[index];
    if (
      line.startsWith("#") || line.startsWith("loop_") || line.startsWith("_") ||
      line.startsWith("data_")
    ) break;
    if (line.trim() === "") continue;
    // Rows are one line each in practice; quoted names with spaces are rare in _atom_site.
    const fields = line.trim().split(/\s+/);
    scan.atoms++;
    const modelValue = modelColumn >= 0 ? fields[modelColumn] : "1";
    models.add(modelValue);
    if (models.size > 1) continue;
    if (chainColumn >= 0) chains.add(fields[chainColumn]);
    const alt = altColumn >= 0 ? fields[altColumn] : ".";
    if (atomColumn >= 0 && fields[atomColumn] === "CA" && (alt === "." || alt === "A")) {
      scan.alphaCarbons++;
    }
  }
  scan.models = models.size;
  scan.chains = chains.size;
  if (scan.atoms === 0) scan.problems.push("the _atom_site loop has no rows (no atoms)");
  return scan;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const source = text.replace(/^\uFEFF/, "");
  const length = source.length;
  let position = 0;
  let line = 1;
  let lineStart = true;
  while (position < length) {
    const character = source[position];
    if (character === "\n") {
      line++;
      position++;
      lineStart = true;
      continue;
    }
    if (character === " " || character === "\t" || character === "\r") {
      position++;
      lineStart = lineStart && character === "\r";
      continue;
    }
    if (character === "#") {
      while (position < length && source[position] !== "\n") position++;
      continue;
    }
    const tokenLine = line;
    if (character === ";" && lineStart) {
      // Text field: up to a line that starts with ';'.
      const close = source.indexOf("\n;", position);
      if (close === -1) {
        throw new StructureFormatError(
          `line ${tokenLine}: text field starting with ";" never ends`,
        );
      }
      const value = source.slice(position + 1, close).replace(/\r$/, "");
      for (let k = position; k < close + 2; k++) if (source[k] === "\n") line++;
      position = close + 2;
      tokens.push({
        kind: "value",
        text: value.replace(/^\r?\n/, ""),
        line: tokenLine,
        quoted: true,
      });
      lineStart = false;
      continue;
    }
    lineStart = false;
    if (character === "'" || character === '"') {
      // A quote closes only when followed by whitespace or the end of the line.
      let end = position + 1;
      while (end < length) {
        if (source[end] === "\n") {
          throw new StructureFormatError(`line ${tokenLine}: quoted value never closes`);
        }
        if (source[end] === character && (end + 1 >= length || /\s/.test(source[end + 1]))) break;
        end++;
      }
      if (end >= length) {
        throw new StructureFormatError(`line ${tokenLine}: quoted value never closes`);
      }
      tokens.push({
        kind: "value",
        text: source.slice(position + 1, end),
        line: tokenLine,
        quoted: true,
      });
      position = end + 1;
      continue;
    }
    let end = position;
    while (end < length && !/\s/.test(source[end])) end++;
    const word = source.slice(position, end);
    position = end;
    const lower = word.toLowerCase();
    if (word.startsWith("_")) {
      tokens.push({ kind: "tag", text: word, line: tokenLine, quoted: false });
    } else if (lower.startsWith("data_")) {
      tokens.push({ kind: "data", text: word, line: tokenLine, quoted: false });
    } else if (lower === "loop_") {
      tokens.push({ kind: "loop", text: word, line: tokenLine, quoted: false });
    } else if (lower.startsWith("save_")) {
      tokens.push({ kind: "save", text: word, line: tokenLine, quoted: false });
    } else if (lower === "stop_") {
      tokens.push({ kind: "stop", text: word, line: tokenLine, quoted: false });
    } else if (lower === "global_") {
      tokens.push({ kind: "global", text: word, line: tokenLine, quoted: false });
    } else tokens.push({ kind: "value", text: word, line: tokenLine, quoted: false });
  }
  return tokens;
}

function splitTag(token: Token): [string, string] {
  const dot = token.text.indexOf(".");
  if (dot === -1) return [token.text.slice(1), ""];
  return [token.text.slice(1, dot), token.text.slice(dot + 1)];
}

function valueOf(token: Token): string | null {
  if (!token.quoted && (token.text === "?" || token.text === ".")) return null;
  return token.text;
}

type ColumnReader = (row: (string | null)[]) => string | null;

function columnReader(category: CifCategory, name: string) {
  function read(column: string, required: true): ColumnReader;
  function read(column: string, required: false): ColumnReader | undefined;
  function read(column: string, required: boolean): ColumnReader | undefined {
    const index = category.columns.indexOf(column);
    if (index === -1) {
      if (required) throw new StructureFormatError(`_${name} has no ${column} column`);
      return undefined;
    }
    return (row) => row[index];
  }
  return read;
}

function single(block: CifBlock, category: string, column: string): string | null {
  const entry = block.categories.get(category);
  if (entry === undefined) return null;
  const index = entry.columns.indexOf(column);
  return index === -1 ? null : entry.rows[0]?.[index] ?? null;
}

function numberOr(text: string | null | undefined, fallback: number): number {
  if (text === null || text === undefined) return fallback;
  const value = Number(text);
  return Number.isFinite(value) ? value : fallback;
}

function readSequences(block: CifBlock): Map<string, string[]> {
  const sequences = new Map<string, string[]>();
  const scheme = block.categories.get("pdbx_poly_seq_scheme");
  if (scheme !== undefined) {
    const strand = scheme.columns.indexOf("pdb_strand_id");
    const asym = scheme.columns.indexOf("asym_id");
    const monomer = scheme.columns.indexOf("mon_id");
    const chainColumn = strand !== -1 ? strand : asym;
    if (chainColumn !== -1 && monomer !== -1) {
      for (const row of scheme.rows) {
        const chain = row[chainColumn] ?? "";
        const list = sequences.get(chain) ?? [];
        list.push(row[monomer] ?? "UNK");
        sequences.set(chain, list);
      }
      return sequences;
    }
  }
  // Fallback: entity sequences, copied to every chain of the entity.
  const polySeq = block.categories.get("entity_poly_seq");
  const poly = block.categories.get("entity_poly");
  if (polySeq === undefined || poly === undefined) return sequences;
  const entityColumn = polySeq.columns.indexOf("entity_id");
  const monomerColumn = polySeq.columns.indexOf("mon_id");
  const polyEntity = poly.columns.indexOf("entity_id");
  const strands = poly.columns.indexOf("pdbx_strand_id");
  if ([entityColumn, monomerColumn, polyEntity, strands].includes(-1)) return sequences;
  const byEntity = new Map<string, string[]>();
  for (const row of polySeq.rows) {
    const list = byEntity.get(row[entityColumn] ?? "") ?? [];
    list.push(row[monomerColumn] ?? "UNK");
    byEntity.set(row[entityColumn] ?? "", list);
  }
  for (const row of poly.rows) {
    const residues = byEntity.get(row[polyEntity] ?? "") ?? [];
    for (const chain of (row[strands] ?? "").split(",")) {
      if (chain.trim() !== "") sequences.set(chain.trim(), [...residues]);
    }
  }
  return sequences;
}

function readMolecules(block: CifBlock): Map<string, string> {
  const molecules = new Map<string, string>();
  const entity = block.categories.get("entity");
  const poly = block.categories.get("entity_poly");
  if (entity === undefined || poly === undefined) return molecules;
  const idColumn = entity.columns.indexOf("id");
  const description = entity.columns.indexOf("pdbx_description");
  const polyEntity = poly.columns.indexOf("entity_id");
  const strands = poly.columns.indexOf("pdbx_strand_id");
  if ([idColumn, description, polyEntity, strands].includes(-1)) return molecules;
  const names = new Map(entity.rows.map((row) => [row[idColumn] ?? "", row[description] ?? ""]));
  for (const row of poly.rows) {
    const name = names.get(row[polyEntity] ?? "") ?? "";
    if (name === "") continue;
    for (const chain of (row[strands] ?? "").split(",")) {
      if (chain.trim() !== "") molecules.set(chain.trim(), name);
    }
  }
  return molecules;
}
