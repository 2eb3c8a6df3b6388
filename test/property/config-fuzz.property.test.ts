/**
 * The fuzz test of issue 12: the shipped stack configs, mutated at every leaf and node — type swaps,
 * deletions, unknown and misspelled keys, numeric edge cases, empty and whitespace strings, unicode
 * and very long names, YAML specials — and the invariant for every case: never a crash, never a
 * hang; either issues that each name a key path existing in the input (or a missing key of a mapping
 * that exists), in words a person can read; or a config that plans.
 *
 * Fixed seed and run counts keep it deterministic and bounded inside `npm test`. A failing case
 * belongs in test/fixtures/regressions/ once fixed.
 */
import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { StackFileError, configMap, parseStackConfig, readStackFile } from "../../offline/stack-file";
import { ConfigIssue, formatIssue, formatPath, parseConfigValue, validateConfig } from "../../stacks/validate";
import { planFleet } from "../../stacks/plan";
import { runProgram } from "../../offline/run-plan";
import { recorder } from "../setup";
import { CTX } from "../config-fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const SEED = 20261201;

type Tree = Record<string, unknown>;
type Segment = string | number;

/** A shipped stack's config map as one tree: `{ "aws:region": "...", "ecs-fleet:regions": {...} }`. */
function shipped(stack: string): Tree {
  const { raw } = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), stack);
  const tree: Tree = {};
  for (const key of Object.keys(raw)) tree[key] = key.startsWith("ecs-fleet:") ? parseConfigValue(raw[key]) : raw[key];
  return tree;
}
const BASES = [shipped("dev"), shipped("prod")];

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/** Every node's path (the root excluded). */
function pathsOf(v: unknown, prefix: Segment[] = [], out: Segment[][] = []): Segment[][] {
  const visit = (seg: Segment, x: unknown) => {
    out.push([...prefix, seg]);
    pathsOf(x, [...prefix, seg], out);
  };
  if (Array.isArray(v)) v.forEach((x, i) => visit(i, x));
  else if (isObject(v)) for (const k of Object.keys(v)) visit(k, v[k]);
  return out;
}
const PATHS = BASES.map((b) => pathsOf(b));

const SPECIAL_STRINGS = [
  "", " ", "\t", "  x  ", "1e3", "0x10", "0o17", "-0", "1_000", ".inf", "NaN", "null", "~", "yes", "no", "on", "off", "true", "false",
  "&a", "*a", "!!binary aGk=", "<<", "- x", ": x", "#c", "'", "\"", "{", "[", "%", "@", "`", "\\", "\n", "a\nb", "---", "...",
  "__proto__", "constructor", "toString", "hasOwnProperty", "EU-WEST-1", "eu-west1", "Europe/dublin", "cron(0 7 * * *)",
  "rate(0 minutes)", "at(2026-02-30T00:00:00)", "010.0.0.0/16", " 10.10.0.0/16 ", "127.0.0.0/16", "10.10.0.0/33", "/*", "/a?b",
  "é", "日本", "🙂", "\u0000", "\u200b", "x".repeat(300), "a".repeat(5000), "nginx latest", "Nginx",
];
const SPECIAL_NUMBERS = [-0, 0, 1, -1, 0.5, 1.5, 255, 256, 512, 65535, 65536, 5000, 5001, 2 ** 31 - 1, 2 ** 31, 2 ** 53 + 2, 1e21, 1e308, -1e308, Number.MIN_VALUE];

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<unknown>(...SPECIAL_STRINGS, ...SPECIAL_NUMBERS, null, true, false, [], {}, [""], { "": 1 }, { __proto__: null, a: 1 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 10 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** A key: a misspelling of one nearby, or a special name. */
function keyFor(existing: string | undefined, pick: number, choice: number): string {
  const specials = ["__proto__", "constructor", "toString", "", " ", "x".repeat(200), "ключ", "🙂", "a.b", "a[0]", "Image", "CIDR", "eu-west1", "lab_dc"];
  if (existing === undefined || choice % 3 === 0) return specials[pick % specials.length];
  const i = pick % Math.max(1, existing.length);
  switch (choice % 3) {
    case 1:
      return existing.slice(0, i) + existing.slice(i + 1) || "_"; // a dropped letter
    default:
      return existing.toUpperCase() === existing ? existing.toLowerCase() : existing.toUpperCase(); // case
  }
}

interface Mutation {
  at: number;
  kind: "replace" | "delete" | "add" | "rename" | "wrap";
  value: unknown;
  pick: number;
  choice: number;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("replace", "replace", "delete", "add", "rename", "wrap"),
  value,
  pick: fc.nat(1000),
  choice: fc.nat(1000),
});

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Applies one mutation; silently skips a path the earlier mutations removed. */
function apply(tree: Tree, p: Segment[], m: Mutation): void {
  let parent: unknown = tree;
  for (const seg of p.slice(0, -1)) {
    if (!parent || typeof parent !== "object" || !Object.prototype.hasOwnProperty.call(parent, seg)) return;
    parent = (parent as Record<string, unknown>)[seg as string];
  }
  if (!parent || typeof parent !== "object") return;
  const last = p[p.length - 1];
  const obj = parent as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(obj, last)) return;
  const define = (o: Record<string, unknown>, k: string, v: unknown) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  switch (m.kind) {
    case "replace":
      if (Array.isArray(obj)) obj[last as number] = m.value;
      else define(obj, last as string, m.value);
      return;
    case "wrap":
      define(obj, last as string, m.choice % 2 ? [obj[last]] : { value: obj[last] });
      return;
    case "delete":
      if (Array.isArray(obj)) obj.splice(last as number, 1);
      else delete obj[last];
      return;
    case "add": {
      const target = obj[last];
      if (isObject(target)) define(target, keyFor(Object.keys(target)[m.pick % Math.max(1, Object.keys(target).length)], m.pick, m.choice), m.value);
      else if (Array.isArray(target)) target.push(m.value);
      return;
    }
    case "rename":
      if (!Array.isArray(obj) && typeof last === "string") {
        const v = obj[last];
        delete obj[last];
        define(obj, keyFor(last, m.pick, m.choice), v);
      }
      return;
  }
}

/** The config map Pulumi would hand the program for a tree. */
function toRaw(tree: Tree): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(tree)) {
    const v = tree[key];
    Object.defineProperty(raw, key, { value: typeof v === "string" ? v : JSON.stringify(v) ?? "null", enumerable: true, writable: true, configurable: true });
  }
  return raw;
}

/** Formatted paths of every node of the input, as the validator writes them. */
function inputPaths(tree: Tree): Set<string> {
  const out = new Set<string>(Object.keys(tree));
  for (const key of Object.keys(tree)) {
    if (!key.startsWith("ecs-fleet:")) continue;
    const section = key.slice("ecs-fleet:".length);
    out.add(formatPath([section]));
    for (const p of pathsOf(tree[key])) out.add(formatPath([section, ...p]));
  }
  return out;
}

/** An issue names a key path that exists, or a missing (schema) key of a mapping that exists. */
function namesInput(issue: ConfigIssue, paths: Set<string>): boolean {
  if (paths.has(issue.path) || issue.path === "aws:region" || issue.path === "ecs-fleet:regions") return true;
  const m = /^(.*)\.([A-Za-z]+)$/.exec(issue.path);
  return !!m && paths.has(m[1]);
}

/** A message without the user's own values (quoted), for the internals check. */
function words(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

const INTERNALS = /\[object |\bundefined\b|\bNaN\b|Infinity|TypeError|RangeError|Symbol\(|function |=>|\bat .*:\d+:\d+/;

interface Case {
  base: number;
  mutations: Mutation[];
  viaYaml: boolean;
}

const cases: fc.Arbitrary<Case> = fc.record({ base: fc.nat(1), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }), viaYaml: fc.boolean() });

function build(c: Case): Tree {
  const tree = clone(BASES[c.base]);
  for (const m of c.mutations) apply(tree, PATHS[c.base][m.at % PATHS[c.base].length], m);
  return tree;
}

/** Runs one case through the reader (when via YAML), validation and the planner; returns the issues or "planned". */
function check(c: Case): { planned: boolean; issues: ConfigIssue[] } {
  const tree = build(c);
  let raw = toRaw(tree);
  if (c.viaYaml) {
    const text = stringify({ config: tree });
    try {
      raw = configMap(parseStackConfig(text, "Pulumi.fuzz.yaml")).raw;
    } catch (err) {
      expect(err, String(err)).to.be.instanceOf(StackFileError);
      for (const line of (err as StackFileError).lines()) expect(line).to.match(/^Pulumi\.fuzz\.yaml:\d+:\d+: \S/);
      return { planned: false, issues: [] };
    }
  }
  const r = validateConfig(raw, CTX);
  if (r.ok) {
    planFleet(r.config, { project: "ecs-fleet", stack: "fuzz", now: CTX.now });
    return { planned: true, issues: [] };
  }
  const paths = inputPaths(tree);
  expect(r.issues.length).to.be.greaterThan(0);
  for (const issue of r.issues) {
    expect(namesInput(issue, paths), `${formatIssue(issue)}\n  is not a key path of the input`).to.equal(true);
    expect(words(issue.message), formatIssue(issue)).to.not.match(INTERNALS);
    expect(issue.message.length, formatIssue(issue)).to.be.within(5, 2000);
  }
  return { planned: false, issues: r.issues };
}

describe("config fuzz: mutated shipped configs (fast-check, fixed seed)", function () {
  this.timeout(120000);

  it("never crashes or hangs: issues naming input key paths, or a plan", () => {
    let planned = 0;
    let rejected = 0;
    const t = Date.now();
    fc.assert(
      fc.property(cases, (c) => {
        const r = check(c);
        if (r.planned) planned++;
        else rejected++;
      }),
      { seed: SEED, numRuns: 250, endOnFailure: true },
    );
    // Both outcomes occur: the mutations are neither all harmless nor all fatal.
    expect(planned).to.be.greaterThan(10);
    expect(rejected).to.be.greaterThan(100);
    expect(Date.now() - t).to.be.below(60000);
  });

  it("every single-node mutation of every node of both shipped configs (exhaustive, one kind per node)", () => {
    const kinds: Mutation["kind"][] = ["replace", "delete", "add", "rename", "wrap"];
    const values: unknown[] = ["", " ", "1e3", "0x10", -0, 2 ** 31, 1.5, null, [], {}, "__proto__", "x".repeat(300), "🙂"];
    let n = 0;
    BASES.forEach((_, base) => {
      PATHS[base].forEach((__, at) => {
        const m: Mutation = { at, kind: kinds[at % kinds.length], value: values[(at * 7 + base) % values.length], pick: at, choice: at };
        check({ base, mutations: [m], viaYaml: at % 4 === 0 });
        n++;
      });
    });
    expect(n).to.be.greaterThan(200);
  });

  it("mangled YAML text: a StackFileError with <file>:<line>:<col>, or a config that validates without crashing", () => {
    const texts = ["dev", "prod"].map((s) => fs.readFileSync(path.join(ROOT, `Pulumi.${s}.yaml`), "utf8"));
    const snippets = ["\t", "---\n", "&a ", "*a", "*nope", "!!binary ", "!!set ", "!!omap ", "<<: *a\n", "[", "{", "]", ": ", "- ", "? ", "'", '"', "#", "%YAML 1.1\n", "|", ">", " ", "\n", "x: 1\n", "__proto__: 1\n", ".inf", "~", "\u00a0", "\r\n"];
    fc.assert(
      fc.property(fc.nat(1), fc.nat(), fc.constantFrom(...snippets), fc.boolean(), (which, at, snippet, replace) => {
        const text = texts[which];
        const i = at % text.length;
        const mangled = text.slice(0, i) + snippet + text.slice(replace ? i + 1 : i);
        let raw: Record<string, string>;
        try {
          raw = configMap(parseStackConfig(mangled, "Pulumi.fuzz.yaml")).raw;
        } catch (err) {
          expect(err, String((err as Error).stack)).to.be.instanceOf(StackFileError);
          for (const line of (err as StackFileError).lines()) expect(line).to.match(/^Pulumi\.fuzz\.yaml:\d+:\d+: \S/);
          return;
        }
        const r = validateConfig(raw, CTX);
        if (r.ok) planFleet(r.config, { project: "ecs-fleet", stack: "fuzz", now: CTX.now });
        else for (const issue of r.issues) expect(words(issue.message), formatIssue(issue)).to.not.match(INTERNALS);
      }),
      { seed: SEED, numRuns: 150, endOnFailure: true },
    );
  });

  it("a mutated config that validates also runs as the whole program under mocks", async () => {
    const valid = fc
      .sample(cases, { seed: SEED, numRuns: 200 })
      .map((c) => toRaw(build({ ...c, viaYaml: false })))
      .filter((raw) => validateConfig(raw, CTX).ok)
      .slice(0, 1);
    expect(valid).to.have.length(1);
    for (const raw of valid) {
      const run = await runProgram(recorder, { stack: "dev", raw, now: CTX.now });
      expect(run.ok).to.equal(true);
      if (run.ok) expect(run.resources.length).to.be.greaterThan(10);
    }
  });
});
