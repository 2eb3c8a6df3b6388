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
 * `[A-Za-z0-9-]` (or `allowed`) become `-`. When the name is too long it keeps the start and appends
 * `-` plus a 6-character hash of the full name, so two long names never collide.
 */
export function fitName(parts: readonly string[], limit: number, allowed: RegExp = /[A-Za-z0-9-]/): string {
  const full = parts
    .filter((p) => p.length > 0)
    .join("-")
    .split("")
    .map((c) => (allowed.test(c) ? c : "-"))
    .join("")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  if (full.length <= limit) return full;
  const hash = shortHash(full);
  const keep = full.slice(0, limit - hash.length - 1).replace(/-+$/, "");
  return `${keep}-${hash}`;
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
