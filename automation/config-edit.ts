/**
 * Config changes as data. A change names a config key (`ecs-fleet:services`) and, for structured
 * values, a path inside it (`["web", "overrides", "eu-west-1", "image"]`). The same change is
 *  - applied in memory to the raw config map, so the whole resulting config can be validated
 *    before anything is written, and
 *  - written with `pulumi config set/rm --path`, which edits only that leaf of Pulumi.<stack>.yaml
 *    and keeps the file's structure.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** A leaf value. */
export type ConfigScalar = string | number | boolean;

/** One change to a stack's configuration. */
export type ConfigChange =
  | {
      op: "set";
      /** Config key; `services` means `<project>:services`. */
      key: string;
      /** Path inside the key's structured value; omitted for a plain key. */
      path?: readonly string[];
      value: ConfigScalar;
      /** Store encrypted. Default false. */
      secret?: boolean;
    }
  | {
      op: "remove";
      key: string;
      path?: readonly string[];
    };

/** The raw config map as Pulumi holds it: `"ns:key"` -> string, objects JSON-encoded. */
export type RawConfig = Record<string, string>;

/** What the plan and `--dry-run` print in place of a secret. */
export const SECRET_MASK = "[secret]";

/** `services` -> `ecs-fleet:services`; keys that name a namespace are kept. */
export function qualifyKey(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The key as `pulumi config set --path` reads it: identifier segments dotted, others quoted,
 * e.g. `ecs-fleet:services.web.overrides["eu-west-1"].image`.
 */
export function pulumiConfigPath(key: string, segments: readonly string[] = []): string {
  let out = key;
  for (const s of segments) out += IDENT.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  return out;
}

/** Human form of a change, for logs and `--dry-run`. */
export function describeChange(c: ConfigChange, project: string): string {
  const where = [qualifyKey(c.key, project), ...(c.path ?? [])].join(".");
  if (c.op === "remove") return `remove ${where}`;
  return `set ${where} = ${c.secret ? SECRET_MASK : JSON.stringify(c.value)}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Throws when `pulumi config set --path` would store the value with another type than given
 * (it reads "true"/"false" as booleans and integers as numbers, everything else as a string).
 */
export function assertWritable(c: ConfigChange): void {
  if (c.op !== "set" || !c.path || c.path.length === 0) return;
  if (typeof c.value === "string" && /^(true|false|-?\d+)$/.test(c.value)) {
    throw new Error(`cannot write the string ${JSON.stringify(c.value)} at ${c.key}.${c.path.join(".")}: pulumi would store it as a ${/\d/.test(c.value) ? "number" : "boolean"}`);
  }
  if (typeof c.value === "number" && !Number.isInteger(c.value)) {
    throw new Error(`cannot write ${c.value} at ${c.key}.${c.path.join(".")}: pulumi stores only integers as numbers`);
  }
}

/** Whether the change's target exists (a remove of a missing path is a no-op). */
export function hasPath(raw: RawConfig, key: string, segments: readonly string[] = []): boolean {
  if (!(key in raw)) return false;
  if (segments.length === 0) return true;
  let node: unknown;
  try {
    node = JSON.parse(raw[key]);
  } catch {
    return false;
  }
  for (const s of segments) {
    if (!isRecord(node) || !(s in node)) return false;
    node = node[s];
  }
  return true;
}

/** The raw config after the changes (the input is not modified). */
export function applyConfigChanges(raw: RawConfig, changes: readonly ConfigChange[], project: string): RawConfig {
  const out: RawConfig = { ...raw };
  for (const c of changes) {
    const key = qualifyKey(c.key, project);
    const segments = c.path ?? [];
    if (segments.length === 0) {
      if (c.op === "set") out[key] = String(c.value);
      else delete out[key];
      continue;
    }
    let root: unknown = {};
    if (key in out) {
      try {
        root = JSON.parse(out[key]);
      } catch {
        throw new Error(`${key} holds a plain string, not a map: cannot change ${segments.join(".")} inside it`);
      }
    }
    if (!isRecord(root)) throw new Error(`${key} is not a map: cannot change ${segments.join(".")} inside it`);
    let node: Record<string, unknown> = root;
    for (const s of segments.slice(0, -1)) {
      if (!isRecord(node[s])) {
        if (c.op === "remove") {
          node = {};
          break;
        }
        node[s] = {};
      }
      node = node[s] as Record<string, unknown>;
    }
    const leaf = segments[segments.length - 1];
    if (c.op === "set") node[leaf] = c.value;
    else delete node[leaf];
    out[key] = JSON.stringify(root);
  }
  return out;
}

/** Project name and stack config file location of a Pulumi project directory. */
export function readProject(workDir: string): { project: string; stackConfigDir: string } {
  const file = path.join(workDir, "Pulumi.yaml");
  if (!fs.existsSync(file)) throw new Error(`${workDir} is not a Pulumi project (no Pulumi.yaml)`);
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown> | null;
  const project = doc?.name;
  if (typeof project !== "string" || project === "") throw new Error(`${file} has no project name`);
  const dir = typeof doc?.stackConfigDir === "string" ? doc.stackConfigDir : ".";
  return { project, stackConfigDir: path.resolve(workDir, dir) };
}
