/**
 * The one naming helper: every physical AWS name ecs-fleet sets comes from here, within the AWS
 * length and character limits, with a short stable hash when it must truncate. Logical (Pulumi)
 * names come from here too, so identity always derives from config map keys.
 */
import * as crypto from "crypto";

/** AWS name limits (shared/aws-facts.md). */
export const LIMITS = {
  /** ALB / NLB name. */
  loadBalancer: 32,
  /** Target group name. */
  targetGroup: 32,
  /** IAM role name. */
  iamRole: 64,
  /** ECS cluster, service, task family. */
  ecs: 255,
  /** Batch compute environment, job queue, job definition. */
  batch: 128,
  /** CloudWatch log group. */
  logGroup: 512,
  /** A DNS label (service names become Service Connect and DNS names). */
  dnsLabel: 63,
} as const;

/** Short, stable hash of a string (hex). */
export function shortHash(text: string, length = 6): string {
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * Joins parts with `-` into a name of at most `limit` characters. Characters outside
 * `[A-Za-z0-9-]` (or `allowed`) become `-`, runs of `-` become one, and `-` at either end goes.
 *
 * Injective: two different joined inputs never give the same name. When the cleaning changed the
 * input (`a--b`, `a_b`, `my stack`) or the name is too long, the result keeps the cleaned start and
 * appends `-` plus a 6-character hash of the input as given, so `a-b` and `a--b` stay apart.
 * (Parts are joined with `-`, so `["a-b", "c"]` and `["a", "b-c"]` are the same input: callers put
 * a fixed kind token last, e.g. `exec` / `jobexec`, and stacks/ownership.ts checks the rest.)
 */
export function fitName(parts: readonly string[], limit: number, allowed: RegExp = /[A-Za-z0-9-]/): string {
  const raw = parts.filter((p) => p.length > 0).join("-");
  const full = raw
    .split("")
    .map((c) => (allowed.test(c) ? c : "-"))
    .join("")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  if (full === raw && full.length <= limit) return full;
  // Unchanged input: the hash of the name itself (as before); changed input: of what was given.
  const hash = shortHash(full === raw ? full : raw);
  const keep = full.slice(0, limit - hash.length - 1).replace(/-+$/, "");
  return keep ? `${keep}-${hash}` : hash;
}

/** A DNS-safe name: lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen. */
export const DNS_NAME = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

/** Short region code for tight names: eu-west-1 → euw1, ap-southeast-2 → apse2, us-gov-west-1 → usgw1. */
export function regionCode(region: string): string {
  const parts = region.split("-");
  const num = parts.pop() ?? "";
  const words: Record<string, string> = { north: "n", south: "s", east: "e", west: "w", central: "c", northeast: "ne", northwest: "nw", southeast: "se", southwest: "sw", gov: "g" };
  return parts.map((p, i) => (i === 0 ? p : (words[p] ?? p[0]))).join("") + num;
}

/** Logical name of a region's provider: stable, derived from the region key only. */
export function providerName(region: string): string {
  return `aws-${region}`;
}

/**
 * A `namePrefix` of at most `limit` characters (AWS appends a unique suffix): the start of `text`,
 * letters and digits only, ending with `-`. For resources a fixed name would block replacing
 * (target groups: their name must be unique, and the new one is created before the old one goes).
 */
export function namePrefix(text: string, limit = 6): string {
  const clean = text.replace(/[^A-Za-z0-9]/g, "").slice(0, limit - 1);
  return `${clean || "x"}-`;
}
