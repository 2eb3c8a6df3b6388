/**
 * The fan-out planner: a pure function from validated config to what each region and site runs. No
 * Outputs, no resources; the only time-dependent part (activation-expired warnings) reads the
 * injected clock, so the same config and clock always give the same plan.
 */
import { FleetConfig } from "./schema";
import { ServiceConfig, serviceRegions } from "./sections/services";
import { SiteConfig, SiteNetworkMode, bindsHostPort, expirationTimestamp, isExpired, registrationLimitOf } from "./sections/sites";
import { formatCidr, parseCidr, subdivide } from "./cidr";
import { LIMITS, fitName, providerName } from "./naming";
import { BatchRegionPlan, planBatch } from "./batch-plan";
import { Partition, partitionOf } from "./regions";
import { now as clockNow } from "./clock";

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

/** One service as it runs at one on-prem site (launch type EXTERNAL), site overrides applied. */
export interface SiteServiceSpec {
  /** The service's config key. */
  name: string;
  /** Physical ECS service name (unique within the site's cluster). */
  serviceName: string;
  /** Task definition family. */
  family: string;
  image: string;
  /** Container CPU units. */
  cpu: number;
  /** Container memory reservation (soft limit), MiB. */
  memory: number;
  /** Tasks at the site. */
  desiredCount: number;
  /** Port the container listens on, published on the same host port; none when the service has no port. */
  containerPort?: number;
  /**
   * Each task holds a fixed port on its host (host networking or a published port), so at most one
   * task per host: the service gets a distinctInstance constraint and deploys by stopping before
   * starting (validation keeps desiredCount ≤ hosts).
   */
  oneTaskPerHost: boolean;
  /** Deployment bounds: percent of desiredCount kept healthy / allowed running during a deployment. */
  deployment: { minimumHealthyPercent: number; maximumPercent: number };
}

/** The SSM activation of a site while hosts are onboarded. */
export interface SiteActivationSpec {
  /** Config date, `YYYY-MM-DD`. */
  expires: string;
  /** `expirationDate` input (RFC 3339), from the config date only. */
  expirationDate: string;
  registrationLimit: number;
  /** The date has passed (by the plan's clock): no new host can register. */
  expired: boolean;
  /** Default name SSM gives registered hosts. */
  instanceName: string;
}

export interface SitePlan {
  /** The site's config key: its identity everywhere. */
  site: string;
  /** Home region of the cluster and activation. */
  region: string;
  partition: Partition;
  /** Logical name of the home region's explicit provider (shared with the region, if configured). */
  providerName: string;
  hosts: number;
  networkMode: SiteNetworkMode;
  /** Physical name of the site's own ECS cluster. */
  clusterName: string;
  /** IAM role the hosts assume through SSM. */
  instanceRoleName: string;
  /** IAM role ECS uses to pull images and write logs for the site's tasks. */
  executionRoleName: string;
  logGroupName: string;
  /** Days the site's container logs are kept. */
  logRetentionDays: number;
  activation?: SiteActivationSpec;
  /** Services running here, sorted by name. */
  services: SiteServiceSpec[];
}

export interface FleetPlan {
  project: string;
  stack: string;
  /** `aws:region`: where global resources are managed. */
  homeRegion: string;
  /** Regions in config order. */
  regions: RegionPlan[];
  /** On-prem sites in config order. */
  sites: SitePlan[];
  /** Problems that do not block the stack, shown at preview and in the plan. */
  warnings: string[];
}

export interface PlanContext {
  project: string;
  stack: string;
  /** Config keys holding encrypted (`secure:`) values. Default none. */
  secretKeys?: readonly string[];
  /** Clock for date warnings (expired activations). Default: the program clock (stacks/clock.ts). */
  now?: Date;
}

/** Days a site's container logs are kept. */
export const SITE_LOG_RETENTION_DAYS = 30;

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

  const now = ctx.now ?? clockNow();
  const sites = Object.entries(config.sites ?? {}).map(([site, s]) => planSite(site, s, config, ctx, now, warnings));

  return { project: ctx.project, stack: ctx.stack, homeRegion: config.homeRegion, regions, sites, warnings };
}

/**
 * Deployment bounds for a site service. With one task per host there is no spare port to start a
 * new task next to the old one: ECS stops one task first (minimum healthy rounds up, so
 * floor(100·(n−1)/n) lets exactly one stop) and never runs more than desiredCount.
 */
export function siteDeployment(desiredCount: number, oneTaskPerHost: boolean): { minimumHealthyPercent: number; maximumPercent: number } {
  if (!oneTaskPerHost) return { minimumHealthyPercent: 100, maximumPercent: 200 };
  const minimumHealthyPercent = desiredCount <= 1 ? 0 : Math.floor((100 * (desiredCount - 1)) / desiredCount);
  return { minimumHealthyPercent, maximumPercent: 100 };
}

function planSite(site: string, s: SiteConfig, config: FleetConfig, ctx: PlanContext, now: Date, warnings: string[]): SitePlan {
  const base = [ctx.project, ctx.stack, site];
  const services = Object.keys(config.services)
    .sort()
    .filter((name) => (config.services[name].sites ?? []).includes(site))
    .map((name): SiteServiceSpec => {
      const service = config.services[name];
      const r = resolveService(name, service, site);
      const oneTaskPerHost = bindsHostPort(s, service);
      return {
        name,
        serviceName: fitName([name], LIMITS.ecs, /[A-Za-z0-9_-]/),
        family: fitName([...base, name], LIMITS.ecs, /[A-Za-z0-9_-]/),
        image: r.image,
        cpu: r.cpu,
        memory: r.memory,
        desiredCount: r.desiredCount,
        ...(service.containerPort !== undefined ? { containerPort: service.containerPort } : {}),
        oneTaskPerHost,
        deployment: siteDeployment(r.desiredCount, oneTaskPerHost),
      };
    });

  let activation: SiteActivationSpec | undefined;
  if (s.activation) {
    const expired = isExpired(s.activation.expires, now);
    activation = {
      expires: s.activation.expires,
      expirationDate: expirationTimestamp(s.activation.expires),
      registrationLimit: registrationLimitOf(s),
      expired,
      instanceName: fitName(base, LIMITS.ecs),
    };
    if (expired) {
      warnings.push(
        `sites.${site}: the SSM activation expired on ${s.activation.expires}; no new host can register ` +
          `(hosts already registered keep working). To onboard hosts, set sites.${site}.activation.expires to a new date ` +
          `(at most 30 days ahead) — that issues a new activation id and code; or remove activation when onboarding is done`,
      );
    }
  }

  return {
    site,
    region: s.region,
    partition: partitionOf(s.region) ?? "aws",
    providerName: providerName(s.region),
    hosts: s.hosts,
    networkMode: s.networkMode,
    clusterName: fitName(base, LIMITS.ecs, /[A-Za-z0-9_-]/),
    instanceRoleName: fitName([...base, "instance"], LIMITS.iamRole, /[\w+=,.@-]/),
    executionRoleName: fitName([...base, "exec"], LIMITS.iamRole, /[\w+=,.@-]/),
    logGroupName: `/${fitName([[ctx.project, ctx.stack, "sites", site].join("/")], LIMITS.logGroup - 1, /[A-Za-z0-9_./-]/)}`,
    logRetentionDays: SITE_LOG_RETENTION_DAYS,
    activation,
    services,
  };
}
