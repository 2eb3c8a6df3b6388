/**
 * Reads a `Pulumi.<stack>.yaml` file into the config map Pulumi would hand the program
 * (`"ns:key"` → string, objects JSON-encoded). Encrypted (`secure:`) values cannot be decrypted
 * offline: they become a placeholder, and their keys are reported as secret.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** What an encrypted value is replaced by offline. */
export const SECURE_PLACEHOLDER = "[secret]";

export interface StackFile {
  /** The stack name: given, or from a file named `Pulumi.<stack>.yaml`. */
  stack: string;
  path: string;
  /** Config as Pulumi holds it. */
  raw: Record<string, string>;
  /** Keys whose value is (or contains) a `secure:` value. */
  secretKeys: string[];
}

function isSecure(v: unknown): v is { secure: string } {
  return !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as any).secure === "string";
}

function replaceSecure(v: unknown): { value: unknown; secret: boolean } {
  if (isSecure(v)) return { value: SECURE_PLACEHOLDER, secret: true };
  if (Array.isArray(v)) {
    const items = v.map(replaceSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (v && typeof v === "object") {
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = replaceSecure(x);
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
  const raw: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const r = replaceSecure(value);
    if (r.secret) secretKeys.push(key);
    raw[key] = typeof r.value === "string" ? r.value : JSON.stringify(r.value);
  }
  return { raw, secretKeys };
}

export function readStackFile(file: string, stack?: string): StackFile {
  const name = stack ?? stackFromFileName(file);
  if (!name) throw new Error(`cannot tell the stack of ${file}: name it Pulumi.<stack>.yaml or pass --stack`);
  const doc = parse(fs.readFileSync(file, "utf8")) ?? {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new Error(`${file}: expected a mapping with a config: key`);
  const config = (doc as Record<string, unknown>).config ?? {};
  if (typeof config !== "object" || Array.isArray(config) || config === null) throw new Error(`${file}: config: must be a mapping`);
  return { stack: name, path: file, ...configMap(config as Record<string, unknown>) };
}
