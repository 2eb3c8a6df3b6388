/**
 * The one schema of ecs-fleet's stack config. Every key of the `ecs-fleet:` namespace is a section
 * here; the TypeScript types of the whole config are inferred from it. Sections live in
 * `stacks/sections/`, each with its cross-field checks.
 */
import { z } from "zod";
import { describeValue, struct } from "./sections/common";
import { RegionSchema, RegionsSchema } from "./sections/regions";
import { ServiceSchema, ServicesSchema } from "./sections/services";
import { RolloutSchema } from "./sections/rollout";
import { DnsSchema } from "./sections/dns";
import { AlbSchema } from "./sections/alb";
import { BatchJobSchema, BatchSchema } from "./sections/batch";
import { SiteSchema, SitesSchema } from "./sections/sites";
import { CostSchema } from "./sections/cost";

/**
 * A 12-digit account id. Config values that parse as JSON arrive as numbers: a 12-digit number is
 * accepted; a shorter one is not (its leading zeros may be lost: quote the id).
 */
function accountId() {
  return z.unknown().transform((v, ctx) => {
    const s = typeof v === "number" && Number.isInteger(v) ? String(v) : v;
    if (typeof s === "string" && /^\d{12}$/.test(s)) return s;
    ctx.addIssue({ code: "custom", message: `expected a 12-digit AWS account id such as 123456789012 (quoted if it starts with 0), got ${describeValue(v)}` });
    return z.NEVER;
  });
}

/** The config namespace (the Pulumi project name). */
export const NAMESPACE = "ecs-fleet";

/** Config keys outside the namespace that ecs-fleet reads. */
export const HOME_REGION_KEY = "aws:region";

/** Every section of `ecs-fleet:*`, by key. */
export const sections = {
  /** Required: AWS regions, keyed by region name. */
  regions: RegionsSchema,
  /** Container services, keyed by service name. Default: none. */
  services: ServicesSchema.default({}),
  /** Region-by-region rollout settings. Optional. */
  rollout: RolloutSchema.optional(),
  /** Global DNS and HTTPS in an existing public hosted zone. Optional. */
  dns: DnsSchema.optional(),
  /** Settings of every region's load balancer. Optional. */
  alb: AlbSchema.optional(),
  /** AWS Batch jobs, keyed by job name. Default: none. */
  batch: BatchSchema.default({}),
  /** On-prem sites (ECS Anywhere), keyed by site name. Default: none. */
  sites: SitesSchema.default({}),
  /** Usage assumptions of the cost estimate (`npm run plan -- --cost`). Optional. */
  cost: CostSchema.optional(),
  /**
   * The AWS account the stack deploys to (12 digits), when known: secrets in other accounts are then
   * checked at config time (they need a customer managed KMS key). Default: checked at deploy time only.
   */
  account: accountId().optional(),
};

/**
 * Sections whose value is a mapping of independent entries, with the schema of one entry: an invalid
 * entry does not stop the cross-field checks of the others.
 */
export const mapSections: Partial<Record<keyof typeof sections, z.ZodTypeAny>> = {
  regions: RegionSchema,
  services: ServiceSchema,
  batch: BatchJobSchema,
  sites: SiteSchema,
};

export const NamespaceSchema = struct(sections, Object.keys(sections).join(", "));

/** The validated config of one stack. */
export type FleetConfig = z.infer<typeof NamespaceSchema> & {
  /** `aws:region`: where global resources (DNS) are managed. */
  homeRegion: string;
};
