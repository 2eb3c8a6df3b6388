/**
 * What the review tools (diff, diagram, cost) read: the plan document of `npm run plan -- --json`
 * (offline/report.ts `planDocument`), either saved with `--out` or made in this process. Pure: no
 * Pulumi, no files.
 */

/** One resource of a plan document. */
export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  provider: string | null;
  region: string | null;
  /** Inputs as registered, secrets already `[secret]`. */
  inputs: Record<string, unknown>;
}

/** One policy violation as the plan document carries it. */
export interface PlanViolation {
  rule: string;
  level: string;
  urn: string;
  message: string;
}

/**
 * The verifier's result shape (verify/, `npm run verify`): every check with what it examined and its
 * failures. Optional on each side of a diff.
 */
export interface VerifyResult {
  checks: { check: string; examined: number; failures: { urn: string; message: string }[] }[];
}

/** On-prem site facts that are config, not resources (hosts are machines, not cloud objects). */
export interface PlanSiteFacts {
  region: string;
  hosts: number;
}

/** The plan document. */
export interface PlanDoc {
  stack: string;
  project: string;
  resources: PlanResource[];
  outputs?: unknown;
  warnings?: string[];
  policy?: { rules: number; violations: PlanViolation[] };
  /** Site facts; absent in plans saved before they were recorded. */
  sites?: Record<string, PlanSiteFacts>;
  /** Verification result, when the verifier ran. */
  verify?: VerifyResult;
}

/** Reads and checks a saved plan document (JSON text); throws a one-line error naming what is wrong. */
export function parsePlanDoc(text: string, source: string): PlanDoc {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not a plan document (JSON: ${(err as Error).message})`);
  }
  if (!doc || typeof doc !== "object" || !Array.isArray(doc.resources) || typeof doc.stack !== "string") {
    throw new Error(`${source}: not a plan document (expected the output of npm run plan -- --json: stack, resources[])`);
  }
  for (const [i, r] of (doc.resources as any[]).entries()) {
    if (!r || typeof r.urn !== "string" || typeof r.type !== "string" || typeof r.name !== "string") {
      throw new Error(`${source}: resources[${i}] lacks urn, type or name`);
    }
    r.inputs ??= {};
    r.parent ??= null;
    r.region ??= null;
  }
  return doc as PlanDoc;
}

/** Where a resource belongs for review: a region, an on-prem site, or global. */
export interface Placement {
  kind: "region" | "site" | "global";
  /** Region name, site name, or "global". */
  name: string;
  /** Logical name of the nearest ecs-fleet component (the resource's own name for a component). */
  component: string;
}

export const SITE_TYPE = "ecs-fleet:onprem:OnPremSite";

/** Placement of every resource of a document, by URN. */
export function placements(doc: PlanDoc): Map<string, Placement> {
  const byUrn = new Map(doc.resources.map((r) => [r.urn, r]));
  const out = new Map<string, Placement>();
  const ancestors = (r: PlanResource): PlanResource[] => {
    const list: PlanResource[] = [];
    let p = r.parent ? byUrn.get(r.parent) : undefined;
    while (p) {
      list.push(p);
      p = p.parent ? byUrn.get(p.parent) : undefined;
    }
    return list;
  };
  for (const r of doc.resources) {
    const chain = [r, ...ancestors(r)];
    const site = chain.find((x) => x.type === SITE_TYPE);
    const component = chain.find((x) => x.type.startsWith("ecs-fleet:") && x.type !== "ecs-fleet:region:RegionalFootprint");
    const top = chain[chain.length - 1];
    const placement: Placement = site
      ? { kind: "site", name: site.name.replace(/^site-/, ""), component: component?.name ?? site.name }
      : r.type === "pulumi:providers:aws" || top.type === "ecs-fleet:dns:GlobalDns" || !r.region
        ? { kind: "global", name: "global", component: component?.name ?? top.name }
        : { kind: "region", name: r.region, component: component?.name ?? top.name };
    out.set(r.urn, placement);
  }
  return out;
}

/** `aws:ecs/cluster:Cluster` → `aws:ecs:Cluster`. */
export function shortType(type: string): string {
  const m = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(type);
  return m ? `${m[1]}:${m[2]}:${m[3]}` : type;
}

/** Parses a JSON-encoded input (container definitions, policies) when it is one; else the value. */
export function expandJson(value: unknown): unknown {
  if (typeof value === "string" && /^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}
