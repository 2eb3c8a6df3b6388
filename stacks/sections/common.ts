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
  return String(v);
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

function rangeText(min: number, max: number): string {
  if (max === Infinity) return min === 0 ? "0 or more" : `${min} or more`;
  return `from ${min} to ${max}`;
}

/**
 * A whole number in [min, max]. Accepts numeric strings (`"3"`), as `pulumi config set` may store
 * them; rejects anything else.
 */
export function integer(min: number, max: number = Infinity): z.ZodEffects<z.ZodUnknown, number, unknown> {
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
      ctx.addIssue({ code: "custom", message: `must be ${rangeText(min, max)}, got ${n}` });
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

/** A non-empty string, optionally matching `pattern` (with `what` describing the allowed form). */
export function text(what = "a non-empty string", pattern?: RegExp): z.ZodEffects<z.ZodUnknown, string, unknown> {
  return z.unknown().transform((v, ctx) => {
    if (v === undefined) {
      ctx.addIssue({ code: "custom", message: `required: ${what}` });
      return z.NEVER;
    }
    if (typeof v !== "string" || v.trim() === "" || (pattern && !pattern.test(v))) {
      ctx.addIssue({ code: "custom", message: `expected ${what}, got ${describeValue(v)}` });
      return z.NEVER;
    }
    return v;
  });
}

/** One of a fixed set of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodEffects<z.ZodUnknown, T[number], unknown> {
  const allowed = values.join(", ");
  return z.unknown().transform((v, ctx) => {
    if (typeof v === "string" && (values as readonly string[]).includes(v)) return v as T[number];
    ctx.addIssue({ code: "custom", message: `must be one of ${allowed}, got ${describeValue(v)}` });
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

/** A mapping from names to `entry`, where the names are config-chosen identities. */
export function mapOf<T extends z.ZodTypeAny>(entry: T, what: string): z.ZodRecord<z.ZodString, T> {
  return z.record(z.string(), entry, { errorMap: typeErrors(`a mapping of ${what}`) });
}

/** A list of `item`. */
export function listOf<T extends z.ZodTypeAny>(item: T, what: string): z.ZodArray<T> {
  return z.array(item, { errorMap: typeErrors(`a list of ${what}`) });
}

/**
 * A mapping with exactly the given keys. An unknown key (a typo) is an error of its own, reported
 * even when other keys of the same mapping are wrong, with the allowed keys and the closest one.
 */
export function struct<T extends z.ZodRawShape>(shape: T, what: string) {
  const allowed = Object.keys(shape);
  return z.preprocess(
    (v, ctx) => {
      if (!v || typeof v !== "object" || Array.isArray(v)) return v;
      const known: Record<string, unknown> = {};
      for (const [k, value] of Object.entries(v)) {
        if (allowed.includes(k)) {
          known[k] = value;
          continue;
        }
        const near = allowed
          .map((a) => ({ a, d: editDistance(k.toLowerCase(), a.toLowerCase()) }))
          .sort((x, y) => x.d - y.d)[0];
        const hint = near && near.d <= Math.max(2, Math.floor(k.length / 3)) ? ` (did you mean ${near.a}?)` : "";
        ctx.addIssue({ code: "custom", path: [k], message: `unknown key${hint}; allowed: ${allowed.join(", ")}` });
      }
      return known;
    },
    z.object(shape, { errorMap: typeErrors(`a mapping of ${what}`) }),
  );
}

