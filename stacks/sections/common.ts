/**
 * Building blocks of the config schema: scalar types that accept what `pulumi config set` stores
 * (numbers and booleans may arrive as strings) and reject everything else with a message that says
 * what is allowed and what was given.
 */
import { z } from "zod";
import { editDistance } from "../regions";

/** A key path inside the `ecs-fleet:` namespace, e.g. `["services", "web", "memory"]`. */
export type Path = readonly (string | number)[];

/** Reports one problem at a key path. */
export type AddIssue = (path: Path, message: string) => void;

/** A short, quoted rendering of a config value for error messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "number") return Object.is(v, -0) ? "0" : Number.isFinite(v) ? String(v) : "a number too large to hold";
  return typeof v === "boolean" ? String(v) : "a value of an unsupported type";
}

/** Whether `v` is a mapping (not a list, not null). */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/** Own-property test: config names such as `constructor` or `toString` are data, never built-ins. */
export function hasOwn(o: object | undefined | null, key: string): boolean {
  return !!o && Object.prototype.hasOwnProperty.call(o, key);
}

/** `o[key]` when `key` is an own property of `o`, else undefined (never an inherited built-in). */
export function own<T>(o: Record<string, T> | undefined | null, key: string): T | undefined {
  return hasOwn(o, key) ? (o as Record<string, T>)[key] : undefined;
}

/** Names in messages: at most `max`, then how many more ("a, b, c and 1,997 more"). */
export function nameList(names: readonly string[], max = 10): string {
  if (names.length === 0) return "none";
  if (names.length <= max) return names.join(", ");
  return `${names.slice(0, max).join(", ")} and ${(names.length - max).toLocaleString("en-US")} more`;
}

/**
 * The closest of `candidates` to `name`, for "did you mean" hints: a case-only difference first
 * (`EU-WEST-1` → eu-west-1), then the smallest edit distance within a third of the name (at least 2).
 * Long names (over 64 characters) get only the case-only hint, so hints stay cheap for any input.
 */
export function suggest(name: string, candidates: readonly string[], maxDistance?: number): string | undefined {
  const lower = name.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower && c !== name);
  if (sameCase !== undefined) return sameCase;
  if (name.length > 64) return undefined;
  const limit = maxDistance ?? Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === name || Math.abs(c.length - name.length) > limit || c.length > 64) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean x?)` or nothing. */
export function hint(name: string, candidates: readonly string[], maxDistance?: number): string {
  const s = suggest(name, candidates, maxDistance);
  return s === undefined ? "" : ` (did you mean ${s}?)`;
}

/** Largest value of the 32-bit signed integer fields of the AWS APIs (counts, ports, seconds). */
export const INT32_MAX = 2_147_483_647;

function toNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v === 0 ? 0 : v;
  if (typeof v === "string" && /^\s*-?\d{1,16}(\.\d+)?\s*$/.test(v)) return Number(v) === 0 ? 0 : Number(v);
  return undefined;
}

function rangeText(min: number, max: number): string {
  if (max === Infinity || max === INT32_MAX) return min === 0 ? "0 or more" : `${min} or more`;
  return `from ${min} to ${max}`;
}

/**
 * A whole number in [min, max]. Accepts numeric strings (`"3"`), as `pulumi config set` may store
 * them; rejects anything else. `max` defaults to the 32-bit limit of the AWS API fields.
 */
export function integer(min: number, max: number = INT32_MAX, why?: string): z.ZodEffects<z.ZodUnknown, number, unknown> {
  return z.unknown().transform((v, ctx) => {
    const n = toNumber(v);
    if (v === undefined) {
      ctx.addIssue({ code: "custom", message: `required: a whole number ${rangeText(min, max)}` });
      return z.NEVER;
    }
    if (n === undefined || !Number.isInteger(n)) {
      ctx.addIssue({ code: "custom", message: `expected a whole number ${rangeText(min, max)}, got ${describeValue(v)}` });
      return z.NEVER;
    }
    if (n < min || n > max) {
      const reason = n > max ? (why ? ` (${why})` : max === INT32_MAX ? " (the AWS field is a 32-bit integer)" : "") : "";
      ctx.addIssue({ code: "custom", message: `must be ${rangeText(min, max)}${reason}, got ${n}` });
      return z.NEVER;
    }
    return n;
  });
}

/** A number (fractions allowed) in (exclusiveMin, max]. Accepts numeric strings. */
export function percent(): z.ZodEffects<z.ZodUnknown, number, unknown> {
  return z.unknown().transform((v, ctx) => {
    const n = toNumber(v);
    if (n === undefined) {
      ctx.addIssue({ code: "custom", message: `expected a percentage above 0 and at most 100, got ${describeValue(v)}` });
      return z.NEVER;
    }
    if (n <= 0 || n > 100) {
      ctx.addIssue({ code: "custom", message: `must be above 0 and at most 100, got ${n}` });
      return z.NEVER;
    }
    return n;
  });
}

/** true/false; accepts the strings "true" and "false". */
export function boolean(): z.ZodEffects<z.ZodUnknown, boolean, unknown> {
  return z.unknown().transform((v, ctx) => {
    if (v === true || v === "true") return true;
    if (v === false || v === "false") return false;
    ctx.addIssue({ code: "custom", message: `expected true or false, got ${describeValue(v)}` });
    return z.NEVER;
  });
}

export interface TextOptions {
  /** Accept any string, empty or blank ones too (AWS allows an empty environment value or command argument). Default false. */
  allowEmpty?: boolean;
  /** Trim surrounding whitespace and pass the trimmed value on (never a value with spaces). Default false. */
  trim?: boolean;
}

/** A non-empty string, optionally matching `pattern` (with `what` describing the allowed form). */
export function text(what = "a non-empty string", pattern?: RegExp, options: TextOptions = {}): z.ZodEffects<z.ZodUnknown, string, unknown> {
  return z.unknown().transform((v, ctx) => {
    if (v === undefined) {
      ctx.addIssue({ code: "custom", message: `required: ${what}` });
      return z.NEVER;
    }
    const s = typeof v === "string" && options.trim ? v.trim() : v;
    const empty = typeof s === "string" && !options.allowEmpty && s.trim() === "";
    if (typeof s !== "string" || empty || (pattern && !(options.allowEmpty && s === "") && !pattern.test(s))) {
      ctx.addIssue({ code: "custom", message: `expected ${what}, got ${describeValue(v)}` });
      return z.NEVER;
    }
    return s;
  });
}

/** One of a fixed set of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodEffects<z.ZodUnknown, T[number], unknown> {
  const allowed = values.join(", ");
  return z.unknown().transform((v, ctx) => {
    if (typeof v === "string" && (values as readonly string[]).includes(v)) return v as T[number];
    const near = typeof v === "string" ? hint(v, values, 2) : "";
    ctx.addIssue({ code: "custom", message: `must be one of ${allowed}, got ${describeValue(v)}${near}` });
    return z.NEVER;
  });
}

/** Schema-bound error map: "expected <what>, got <value>" / "required: <what>" for wrong or missing types. */
function typeErrors(what: string): z.ZodErrorMap {
  return (issue, ctx) => {
    if (issue.code === "invalid_type") {
      return { message: ctx.data === undefined ? `required: ${what}` : `expected ${what}, got ${describeValue(ctx.data)}` };
    }
    return { message: ctx.defaultError };
  };
}

/** Struct shapes and map entry schemas, for `salvage`. */
const STRUCT_SHAPES = new WeakMap<z.ZodTypeAny, z.ZodRawShape>();
const MAP_ENTRIES = new WeakMap<z.ZodTypeAny, z.ZodTypeAny>();

/**
 * A mapping from names to `entry`, where the names are config-chosen identities. The result has no
 * prototype: a name such as `__proto__`, `constructor` or `toString` is an ordinary key (zod's own
 * record drops `__proto__`, and `{}` would answer `constructor` with a built-in).
 */
export function mapOf<T extends z.ZodTypeAny>(entry: T, what: string): z.ZodEffects<z.ZodUnknown, Record<string, z.output<T>>, unknown> {
  const schema = z.unknown().transform((v, ctx) => {
    if (v === undefined) {
      ctx.addIssue({ code: "custom", message: `required: a mapping of ${what}` });
      return z.NEVER;
    }
    if (!isMapping(v)) {
      ctx.addIssue({ code: "custom", message: `expected a mapping of ${what}, got ${describeValue(v)}` });
      return z.NEVER;
    }
    const out = Object.create(null) as Record<string, z.output<T>>;
    let ok = true;
    for (const key of Object.keys(v)) {
      const r = entry.safeParse(v[key]);
      if (r.success) {
        out[key] = r.data;
        continue;
      }
      ok = false;
      for (const issue of r.error.issues) ctx.addIssue({ code: "custom", path: [key, ...issue.path], message: issue.message });
    }
    return ok ? out : z.NEVER;
  });
  MAP_ENTRIES.set(schema, entry);
  return schema;
}

/** A list of `item`. */
export function listOf<T extends z.ZodTypeAny>(item: T, what: string): z.ZodArray<T> {
  return z.array(item, { errorMap: typeErrors(`a list of ${what}`) });
}

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s._def.innerType;
  return s;
}

const DROP = Symbol("drop");

/** `value` when `schema` accepts it, else its repair when the schema accepts that, else DROP. */
function keepOrRepair(schema: z.ZodTypeAny, value: unknown): unknown {
  if (schema.safeParse(value).success) return value;
  const fixed = repair(schema, value);
  return fixed !== DROP && schema.safeParse(fixed).success ? fixed : DROP;
}

function repair(schema: z.ZodTypeAny, value: unknown): unknown {
  const inner = unwrap(schema);
  const shape = STRUCT_SHAPES.get(inner);
  const entry = shape ? undefined : MAP_ENTRIES.get(inner);
  if ((!shape && !entry) || !isMapping(value)) return DROP;
  // A struct keeps its known keys, a map all its keys; each value as it is or repaired, or dropped.
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(shape ?? value)) {
    if (!hasOwn(value, key)) continue;
    const kept = keepOrRepair(shape ? (shape[key] as z.ZodTypeAny) : entry!, value[key]);
    if (kept !== DROP) out[key] = kept;
  }
  return out;
}

/**
 * The part of `value` that is valid, parsed: unknown keys and invalid values dropped, recursively,
 * so defaults apply in their place. Undefined when even that does not parse (a required key is
 * missing or invalid). For the cross-field checks only: every dropped key is already an issue of the
 * strict parse, and the checks then run on whatever did parse.
 */
export function salvage<T extends z.ZodTypeAny>(schema: T, value: unknown): z.output<T> | undefined {
  const direct = schema.safeParse(value);
  if (direct.success) return direct.data;
  const fixed = repair(schema, value);
  if (fixed === DROP) return undefined;
  const r = schema.safeParse(fixed);
  return r.success ? r.data : undefined;
}

/**
 * A mapping with exactly the given keys. An unknown key (a typo) is an error of its own, reported
 * even when other keys of the same mapping are wrong, with the allowed keys and the closest one.
 */
export function struct<T extends z.ZodRawShape>(shape: T, what: string) {
  const allowed = Object.keys(shape);
  const schema = z.preprocess(
    (v, ctx) => {
      if (!isMapping(v)) return v;
      const known = Object.create(null) as Record<string, unknown>;
      for (const k of Object.keys(v)) {
        if (allowed.includes(k)) {
          known[k] = v[k];
          continue;
        }
        ctx.addIssue({ code: "custom", path: [k], message: `unknown key${hint(k, allowed)}; allowed: ${allowed.join(", ")}` });
      }
      return known;
    },
    z.object(shape, { errorMap: typeErrors(`a mapping of ${what}`) }),
  );
  STRUCT_SHAPES.set(schema, shape);
  return schema;
}

