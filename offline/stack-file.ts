/**
 * Reads a `Pulumi.<stack>.yaml` file into the config map Pulumi would hand the program
 * (`"ns:key"` → string, objects JSON-encoded). Encrypted (`secure:`) values cannot be decrypted
 * offline: they become a placeholder, and their keys are reported as secret.
 *
 * The reader follows the Pulumi CLI's own (Go, yaml.v3): YAML 1.2 core schema, merge keys (`<<: *base`)
 * applied, anchors and aliases resolved, one document per file, keys unique, config keys of the form
 * `<namespace>:<name>`. Every problem in the YAML itself is a `StackFileError` listing
 * `<file>:<line>:<col>: <what is wrong>` — never a stack trace, never silently dropped data:
 * - a tag the reader does not turn into plain data (`!!binary`, `!!set`, `!!omap`, `!!timestamp`,
 *   custom `!tags`) is an error, not a value quietly read as something else;
 * - `.inf` / `.nan` are errors (the config map is JSON, which has neither);
 * - nesting deeper than MAX_DEPTH and alias expansion beyond MAX_NODES are errors (checked on the
 *   concrete syntax tree first, so a hostile file never reaches a recursive parser);
 * - keys are ordinary names: `__proto__`, `constructor` or `toString` are kept as data (every mapping
 *   is built on a prototype-free object).
 */
import * as fs from "fs";
import * as path from "path";
import { Alias, Composer, Document, LineCounter, Parser, Scalar, YAMLMap, YAMLSeq, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from "yaml";

/** What an encrypted value is replaced by offline. */
export const SECURE_PLACEHOLDER = "[secret]";

/** Deepest nesting of mappings and lists a stack file may have (the schema needs fewer than 10). */
export const MAX_DEPTH = 64;

/** Most values a stack file may expand to (aliases included): guards against alias bombs. */
export const MAX_NODES = 250_000;

/** Thrown inside the reader when the expansion budget is spent (caught in parseStackYaml). */
class TooLarge extends Error {}

export interface StackFile {
  /** The stack name: given, or from a file named `Pulumi.<stack>.yaml`. */
  stack: string;
  path: string;
  /** Config as Pulumi holds it. */
  raw: Record<string, string>;
  /** Keys whose value is (or contains) a `secure:` value. */
  secretKeys: string[];
}

/** One problem in a stack file, 1-based line and column. */
export interface YamlProblem {
  line: number;
  col: number;
  message: string;
}

/** The YAML of a stack file is not something Pulumi would read; `message` lists every problem. */
export class StackFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: YamlProblem[],
  ) {
    super(problems.map((p) => `${file}:${p.line}:${p.col}: ${p.message}`).join("\n"));
    this.name = "StackFileError";
  }

  /** One `<file>:<line>:<col>: <message>` line per problem. */
  lines(): string[] {
    return this.problems.map((p) => `${this.file}:${p.line}:${p.col}: ${p.message}`);
  }
}

/** A mapping read from YAML: no prototype, so every key (`__proto__` included) is plain data. */
export type YamlMapping = Record<string, unknown>;

function newMapping(): YamlMapping {
  return Object.create(null) as YamlMapping;
}

function isPlainMapping(v: unknown): v is YamlMapping {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function isSecure(v: unknown): v is { secure: string } {
  return isPlainMapping(v) && Object.keys(v).length === 1 && Object.prototype.hasOwnProperty.call(v, "secure") && typeof v.secure === "string";
}

function replaceSecure(v: unknown): { value: unknown; secret: boolean } {
  if (isSecure(v)) return { value: SECURE_PLACEHOLDER, secret: true };
  if (Array.isArray(v)) {
    const items = v.map(replaceSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (isPlainMapping(v)) {
    let secret = false;
    const out = newMapping();
    for (const k of Object.keys(v)) {
      const r = replaceSecure(v[k]);
      out[k] = r.value;
      secret = secret || r.secret;
    }
    return { value: out, secret };
  }
  return { value: v, secret: false };
}

/** The stack a file belongs to, from its name (`Pulumi.prod.yaml` → `prod`). */
export function stackFromFileName(file: string): string | undefined {
  return /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
}

/** Converts the `config:` mapping of a stack file to Pulumi's config map. */
export function configMap(config: Record<string, unknown>): { raw: Record<string, string>; secretKeys: string[] } {
  const raw = newMapping() as Record<string, string>;
  const secretKeys: string[] = [];
  for (const key of Object.keys(config)) {
    const r = replaceSecure(config[key]);
    if (r.secret) secretKeys.push(key);
    raw[key] = typeof r.value === "string" ? r.value : JSON.stringify(r.value);
  }
  return { raw, secretKeys };
}

// ---------------------------------------------------------------------------------------------
// The YAML reader
// ---------------------------------------------------------------------------------------------

/** Tags that are plain data in the YAML 1.2 core schema (what yaml.v3 decodes into config values). */
const DATA_TAGS = new Set(["tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"]);

function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}

/** First line of a YAML library message, without its position suffix. */
function cleanMessage(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "").trim();
}

/** Collections of the concrete syntax tree that hold further nodes. */
interface CstNode {
  type: string;
  offset: number;
  items?: { key?: CstNode | null; value?: CstNode | null; sep?: unknown; start?: unknown }[];
  value?: CstNode | null;
}

/**
 * The offset of the first collection nested deeper than MAX_DEPTH, or undefined. An iterative walk
 * of the CST (the parser itself is a state machine, not recursive), so depth cannot overflow a stack.
 */
export function tooDeepAt(src: string, tokens: Iterable<unknown> = new Parser().parse(src)): number | undefined {
  for (const token of tokens) {
    const stack: { node: CstNode; depth: number }[] = [];
    const root = token as unknown as CstNode;
    if (root.type === "document" && root.value) stack.push({ node: root.value, depth: 0 });
    while (stack.length > 0) {
      const { node, depth } = stack.pop()!;
      const collection = node.type === "block-map" || node.type === "block-seq" || node.type === "flow-collection";
      const d = collection ? depth + 1 : depth;
      if (d > MAX_DEPTH) return node.offset;
      for (const item of node.items ?? []) {
        if (item.key && typeof item.key === "object") stack.push({ node: item.key, depth: d });
        if (item.value && typeof item.value === "object") stack.push({ node: item.value, depth: d });
      }
    }
  }
  return undefined;
}

interface ReadContext {
  doc: Document;
  lines: LineCounter;
  problems: YamlProblem[];
  nodes: number;
  /** Aliases being expanded (a recursive alias is an error, not a hang). */
  expanding: Set<unknown>;
}

function at(ctx: ReadContext, offset: number | undefined, message: string): void {
  const { line, col } = ctx.lines.linePos(offset ?? 0);
  ctx.problems.push({ line, col, message });
}

function offsetOf(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[0];
}

/** Whether a pair's key is the merge key `<<`. */
function isMergeKey(key: unknown): boolean {
  // With `merge: true` the yaml library resolves a plain `<<` key to a symbol; a quoted "<<" stays a string key.
  return isScalar(key) && (typeof key.value === "symbol" || (key as Scalar).tag === "tag:yaml.org,2002:merge");
}

/** The text of a mapping key: a scalar's value as a string (yaml.v3 keys config by string). */
function keyText(ctx: ReadContext, key: unknown): string | undefined {
  if (isAlias(key)) key = resolveAlias(ctx, key);
  if (!isScalar(key)) {
    at(ctx, offsetOf(key), "a key must be a plain name, not a mapping or a list");
    return undefined;
  }
  if (key.value === null || key.value === undefined) {
    at(ctx, offsetOf(key), "a key must be a name, got an empty key");
    return undefined;
  }
  return String(key.value);
}

function resolveAlias(ctx: ReadContext, alias: Alias): unknown {
  const target = alias.resolve(ctx.doc);
  if (!target) at(ctx, offsetOf(alias), `alias *${alias.source} names no anchor defined before it`);
  return target;
}

/** Converts one node to plain data, reporting every problem; undefined where the node is unusable. */
function toData(ctx: ReadContext, node: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) {
    at(ctx, offsetOf(node), `nesting deeper than ${MAX_DEPTH} levels of mappings and lists (aliases included); a stack config needs far fewer`);
    return undefined;
  }
  if (++ctx.nodes > MAX_NODES) {
    at(ctx, offsetOf(node), `the file expands to more than ${MAX_NODES.toLocaleString("en-US")} values (aliases included); it cannot be a stack config`);
    throw new TooLarge();
  }
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = resolveAlias(ctx, node);
    if (!target) return undefined;
    if (ctx.expanding.has(target)) {
      at(ctx, offsetOf(node), `alias *${node.source} refers to a node that contains it`);
      return undefined;
    }
    ctx.expanding.add(target);
    try {
      return toData(ctx, target, depth);
    } finally {
      ctx.expanding.delete(target);
    }
  }
  const tag = (node as { tag?: string }).tag;
  if (tag !== undefined && !DATA_TAGS.has(tag)) {
    at(ctx, offsetOf(node), `tag ${shortTag(tag)} is not supported in a stack file (only plain strings, numbers, booleans, null, mappings and lists); remove the tag`);
    return undefined;
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === "number" && !Number.isFinite(v)) {
      at(ctx, offsetOf(node), `${node.source ?? String(v)} is not a finite number (config values are JSON); quote it for a string`);
      return undefined;
    }
    if (typeof v === "bigint") return Number(v);
    return v;
  }
  if (isSeq(node)) return (node as YAMLSeq).items.map((item) => toData(ctx, item, depth + 1));
  if (isMap(node)) return mapData(ctx, node as YAMLMap, depth + 1);
  at(ctx, offsetOf(node), "unexpected YAML node");
  return undefined;
}

/** A mapping: explicit keys first, then merged mappings (`<<`) for the keys not given explicitly. */
function mapData(ctx: ReadContext, map: YAMLMap, depth: number): YamlMapping {
  const out = newMapping();
  const merges: unknown[] = [];
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    if (isMergeKey(pair.key)) {
      merges.push(pair.value);
      continue;
    }
    const key = keyText(ctx, pair.key);
    if (key === undefined) continue;
    // yaml.v3 rejects a key set twice in one mapping ("mapping key already defined"). Checked here
    // with a hash lookup: the yaml library's own uniqueKeys check is quadratic in the mapping size.
    if (Object.prototype.hasOwnProperty.call(out, key)) {
      at(ctx, offsetOf(pair.key), "duplicate key: this key is already set in the same mapping (Pulumi rejects the file)");
      continue;
    }
    out[key] = toData(ctx, pair.value, depth);
  }
  for (const value of merges) {
    const sources = isSeq(value) ? (value as YAMLSeq).items : [value];
    for (const source of sources) {
      const data = toData(ctx, source, depth - 1);
      if (!isPlainMapping(data)) {
        at(ctx, offsetOf(source), "a merge key (<<) takes a mapping or a list of mappings, e.g. <<: *base");
        continue;
      }
      for (const k of Object.keys(data)) if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = data[k];
    }
  }
  return out;
}

/**
 * Parses the text of a stack file into its top-level mapping. Throws `StackFileError` listing every
 * problem; never any other error for any input.
 */
export function parseStackYaml(text: string, file: string): YamlMapping {
  const lines = new LineCounter();
  // One pass of the (non-recursive) parser: its tokens are checked for depth, then composed.
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const deep = tooDeepAt(text, tokens);
  if (deep !== undefined) {
    const { line, col } = lines.linePos(deep);
    throw new StackFileError(file, [{ line, col, message: `nesting deeper than ${MAX_DEPTH} levels of mappings and lists; a stack config needs far fewer` }]);
  }
  const docs = [...new Composer({ uniqueKeys: false, merge: true, prettyErrors: false }).compose(tokens as never, true, text.length)] as Document.Parsed[];
  const problems: YamlProblem[] = [];
  const pos = (offset: number | undefined) => lines.linePos(offset ?? 0);
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    for (const e of doc.errors) {
      const { line, col } = pos(e.pos?.[0]);
      const message =
        e.code === "DUPLICATE_KEY"
          ? "duplicate key: this key is already set in the same mapping (Pulumi rejects the file)"
          : e.code === "TAB_AS_INDENT"
            ? "tab used for indentation; YAML indents with spaces only"
            : e.code === "RESOURCE_EXHAUSTION"
              ? "the file is too deeply nested or too large to read"
              : cleanMessage(e.message);
      problems.push({ line, col, message });
    }
    for (const w of doc.warnings) {
      if (w.code === "TAG_RESOLVE_FAILED") continue; // reported below, with what to do
      const { line, col } = pos(w.pos?.[0]);
      problems.push({ line, col, message: cleanMessage(w.message) });
    }
  }
  const syntax = problems.length > 0;
  if (list.length > 1) {
    const { line, col } = pos(list[1].range?.[0]);
    problems.push({ line, col, message: `a stack file holds one YAML document, found ${list.length}; remove the --- separator (or split the file)` });
  }
  // Syntax errors stop here; otherwise the first document is read too, so its problems (duplicate
  // keys, tags) come in the same run as "several documents".
  if (syntax) throw new StackFileError(file, dedupe(problems));
  const doc = list[0];
  if (!doc || doc.contents === null || doc.contents === undefined) {
    if (problems.length > 0) throw new StackFileError(file, dedupe(problems));
    return newMapping();
  }
  const ctx: ReadContext = { doc, lines, problems, nodes: 0, expanding: new Set() };
  let data: unknown;
  try {
    data = toData(ctx, doc.contents);
  } catch (err) {
    if (!(err instanceof TooLarge)) throw err;
    throw new StackFileError(file, problems);
  }
  if (data !== null && data !== undefined && !isPlainMapping(data)) {
    at(ctx, offsetOf(doc.contents), `a stack file is a mapping with a config: key, got ${Array.isArray(data) ? "a list" : `the ${typeof data} ${JSON.stringify(data)}`.slice(0, 80)}`);
  }
  if (problems.length > 0) throw new StackFileError(file, dedupe(problems));
  return data === null ? newMapping() : (data as YamlMapping);
}

/** One problem once (an aliased node is walked at every alias), in file order. */
function dedupe(problems: YamlProblem[]): YamlProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.line}:${p.col}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Locates a top-level `config:` key, for positions. */
function configNode(text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, merge: true, prettyErrors: false }) as Document[];
  return { doc: doc[0], lines };
}

/**
 * The config mapping of a stack file, checked as Pulumi checks it: `config:` a mapping (or absent),
 * every key `<namespace>:<name>`.
 */
export function parseStackConfig(text: string, file: string): YamlMapping {
  const top = parseStackYaml(text, file);
  const config = Object.prototype.hasOwnProperty.call(top, "config") ? top.config : undefined;
  const problems: YamlProblem[] = [];
  let located: { lines: LineCounter; pair?: { key: unknown; value: unknown }; keys: Map<string, number> } | undefined;
  const where = (key?: string): { line: number; col: number } => {
    if (!located) {
      const { doc, lines } = configNode(text);
      const contents = doc?.contents;
      const pair = isMap(contents) ? contents.items.find((p) => isScalar(p.key) && p.key.value === "config") : undefined;
      const keys = new Map<string, number>();
      if (pair && isMap(pair.value)) for (const p of pair.value.items) if (isScalar(p.key)) keys.set(String(p.key.value), offsetOf(p.key) ?? 0);
      located = { lines, pair, keys };
    }
    const { lines, pair, keys } = located;
    if (!pair) return { line: 1, col: 1 };
    if (key === undefined) return lines.linePos(offsetOf(pair.value) ?? offsetOf(pair.key) ?? 0);
    const offset = keys.get(key);
    return lines.linePos(offset ?? offsetOf(pair.key) ?? 0);
  };
  if (config === undefined || config === null) return newMapping();
  if (!isPlainMapping(config)) {
    const p = where();
    throw new StackFileError(file, [{ ...p, message: `config: must be a mapping of <namespace>:<name> keys, got ${Array.isArray(config) ? "a list" : `a ${typeof config}`}` }]);
  }
  for (const key of Object.keys(config)) {
    const i = key.indexOf(":");
    if (i <= 0 || i === key.length - 1) {
      problems.push({ ...where(key), message: `config key ${JSON.stringify(key)} is not of the form <namespace>:<name>, e.g. ecs-fleet:${key.replace(/:/g, "") || "regions"}` });
    }
  }
  if (problems.length > 0) throw new StackFileError(file, problems);
  return config;
}

/** Reads a stack file. Throws `StackFileError` for any problem in its YAML. */
export function readStackFile(file: string, stack?: string): StackFile {
  const name = stack ?? stackFromFileName(file);
  if (!name) throw new Error(`cannot tell the stack of ${file}: name it Pulumi.<stack>.yaml or pass --stack`);
  const config = parseStackConfig(fs.readFileSync(file, "utf8"), file);
  return { stack: name, path: file, ...configMap(config) };
}
