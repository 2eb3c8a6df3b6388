/**
 * The fan-out planner: a pure function from validated config to what each region runs. No Outputs,
 * no resources, no clock: the same config always gives the same plan.
 */
import { FleetConfig } from "./schema";
import { ServiceConfig, serviceRegions } from "./sections/services";
import { formatCidr, parseCidr, subdivide } from "./cidr";
import { LIMITS, fitName, providerName } from "./naming";
import { BatchRegionPlan, planBatch } from "./batch-plan";

/** The network of one region: VPC CIDR and the exact subnet blocks per AZ. */
export interface NetworkSpec {
  cidr: string;
  azCount: number;
  natGateways: "perAz" | "single" | "none";
  /** One public subnet per AZ, in AZ order. */
  publicSubnetCidrs: string[];
  /** One private subnet per AZ, in AZ order. */
  privateSubnetCidrs: string[];
}

/** One service as it runs in one region, overrides applied. */
export interface RegionalServiceSpec {
  /** The service's config key: its identity everywhere. */
  name: string;
  image: string;
  cpu: number;
  memory: number;
  desiredCount: number;
}

export interface RegionPlan {
  region: string;
  /** Logical name of the region's explicit provider. */
  providerName: string;
  network: NetworkSpec;
  /** Physical name of the region's ECS cluster. */
  clusterName: string;
  /** Services running here, sorted by name. */
  services: RegionalServiceSpec[];
  /** AWS Batch jobs here, when any job runs in this region. */
  batch?: BatchRegionPlan;
}

export interface FleetPlan {
  project: string;
  stack: string;
  /** `aws:region`: where global resources are managed. */
  homeRegion: string;
  /** Regions in config order. */
  regions: RegionPlan[];
  /** Problems that do not block the stack, shown at preview and in the plan. */
  warnings: string[];
}

export interface PlanContext {
  project: string;
  stack: string;
  /** Config keys holding encrypted (`secure:`) values. Default none. */
  secretKeys?: readonly string[];
}

/**
 * Exact subnet layout: the VPC is split into one block per AZ (a power of two ≥ azCount), and each
 * AZ block into a public and a private half. Deterministic, never overlapping.
 */
export function planSubnets(cidr: string, azCount: number): { publicSubnetCidrs: string[]; privateSubnetCidrs: string[] } {
  const vpc = parseCidr(cidr);
  if (!vpc) throw new Error(`planSubnets: invalid CIDR ${cidr}`);
  const azBits = Math.ceil(Math.log2(azCount));
  const azBlocks = subdivide(vpc, azBits).slice(0, azCount);
  const halves = azBlocks.map((b) => subdivide(b, 1));
  return {
    publicSubnetCidrs: halves.map((h) => formatCidr(h[0])),
    privateSubnetCidrs: halves.map((h) => formatCidr(h[1])),
  };
}

/** A service with the overrides of one region (or site) applied. */
export function resolveService(name: string, service: ServiceConfig, where: string): RegionalServiceSpec {
  const o = service.overrides?.[where] ?? {};
  return {
    name,
    image: o.image ?? service.image,
    cpu: o.cpu ?? service.cpu,
    memory: o.memory ?? service.memory,
    desiredCount: o.desiredCount ?? service.desiredCount,
  };
}

/** Physical name of the ECS cluster of a stack (clusters are regional: the same name in every region). */
export function clusterName(ctx: PlanContext): string {
  return fitName([ctx.project, ctx.stack], LIMITS.ecs, /[A-Za-z0-9_-]/);
}

export function planFleet(config: FleetConfig, ctx: PlanContext): FleetPlan {
  const regionNames = Object.keys(config.regions);
  const serviceNames = Object.keys(config.services).sort();
  const warnings: string[] = [];
  const batch = planBatch(config.batch, regionNames, ctx);

  const regions: RegionPlan[] = regionNames.map((region) => {
    const r = config.regions[region];
    const services = serviceNames
      .filter((name) => serviceRegions(config.services[name], regionNames).includes(region))
      .map((name) => resolveService(name, config.services[name], region));
    const batchJobs = Object.keys(batch[region]?.jobs ?? {});
    if (r.natGateways === "none" && services.length + batchJobs.length > 0) {
      const users = [...services.map((s) => `service ${s.name}`), ...batchJobs.map((j) => `batch job ${j}`)];
      warnings.push(
        `regions.${region}: natGateways is none, so tasks in private subnets have no route to the internet; ` +
          `${users.join(", ")} can pull images only through VPC endpoints you provide`,
      );
    }
    return {
      region,
      providerName: providerName(region),
      network: { cidr: r.cidr, azCount: r.azCount, natGateways: r.natGateways, ...planSubnets(r.cidr, r.azCount) },
      clusterName: clusterName(ctx),
      services,
      ...(batch[region] ? { batch: batch[region] } : {}),
    };
  });

  for (const key of ctx.secretKeys ?? []) {
    if (!key.startsWith("ecs-fleet:")) continue;
    warnings.push(
      `${key} holds an encrypted value, but ecs-fleet settings are not secret material and end up in resource inputs; ` +
        `keep secret values in Secrets Manager or SSM and reference them under secrets:`,
    );
  }

  return { project: ctx.project, stack: ctx.stack, homeRegion: config.homeRegion, regions, warnings };
}
