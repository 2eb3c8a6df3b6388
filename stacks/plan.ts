/**
 * The fan-out planner: a pure function from validated config to what each region and site runs. No
 * Outputs, no resources; the only time-dependent part (activation-expired warnings) reads the
 * injected clock, so the same config and clock always give the same plan.
 */
import { FleetConfig } from "./schema";
import {
  Architecture,
  AutoscalingConfig,
  DEFAULT_DEPLOYMENT_TIMEOUT_MINUTES,
  ServiceConfig,
  effectiveAutoscaling,
  effectiveDesiredCount,
  serviceRegions,
} from "./sections/services";
import { SecretRef, parseSecretValue, secretRegion, secretValueFrom } from "./sections/env";
import { zoneName } from "./sections/dns";
import { albAccessLogs, albDeletionProtection, albWarnings } from "./sections/alb";
import { ElbLogPrincipal, elbLogPrincipal } from "./elb-accounts";
import { SiteConfig, SiteNetworkMode, bindsHostPort, expirationTimestamp, isExpired, registrationLimitOf } from "./sections/sites";
import { formatCidr, parseCidr, subdivide } from "./cidr";
import { LIMITS, fitName, namePrefix, providerName, regionCode, shortHash } from "./naming";
import { HEALTH_PRIORITIES, HEALTH_QUERY_KEY, RuleConditions, assignPriorities, healthCheckResourcePath, literalPrefix, routeBand, ruleHostHeaders, ruleKey, splitRuleConditions } from "./routing";
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

/** A scheduled capacity change. */
export interface ScheduleSpec {
  /** Logical identity: a hash of the expression and time zone (never the list position). */
  key: string;
  /** Physical name of the scheduled action (unique per scalable target). */
  name: string;
  cron: string;
  /** IANA time zone; undefined means UTC. */
  timezone?: string;
  min: number;
  max: number;
}

/** Auto scaling of one service in one region. */
export interface AutoscalingSpec {
  min: number;
  max: number;
  cpuTarget?: number;
  memoryTarget?: number;
  requestsPerTarget?: number;
  schedule: ScheduleSpec[];
}

/** One entry of an ECS capacity provider strategy. */
export interface CapacityProviderSpec {
  capacityProvider: "FARGATE" | "FARGATE_SPOT";
  base: number;
  weight: number;
}

/** One secret environment variable. */
export interface SecretSpec {
  /** The reference as configured (what the container definition's valueFrom gets). */
  valueFrom: string;
  /** Parsed reference; the execution role is granted exactly the resource it names. */
  ref: SecretRef;
}

/** A container health check as the task definition takes it (ECS HealthCheck; seconds). */
export interface ContainerHealthCheckSpec {
  command: string[];
  interval: number;
  timeout: number;
  retries: number;
  startPeriod?: number;
}

/** How `pulumi up` waits for the service's deployments. */
export interface DeploymentWaitSpec {
  /** `waitForSteadyState` of the aws.ecs.Service. */
  waitForSteadyState: boolean;
  /** customTimeouts create/update of the service, minutes. */
  timeoutMinutes: number;
}

/** A service as configured for one region or site, overrides applied (no regional names yet). */
export interface ResolvedService {
  /** The service's config key: its identity everywhere. */
  name: string;
  image: string;
  cpu: number;
  memory: number;
  desiredCount: number;
  /** Container port; undefined for a worker. */
  containerPort?: number;
  public: boolean;
  /** Replaces the image's CMD; undefined keeps it. */
  command?: string[];
  /** Replaces the image's ENTRYPOINT; undefined keeps it. */
  entryPoint?: string[];
  /** CPU architecture of the tasks. */
  architecture: Architecture;
  /** Load balancer health check (path, grace period); `container` is the ECS container health check. */
  healthCheck: { path: string; gracePeriodSeconds: number; container?: ContainerHealthCheckSpec };
  deployment: DeploymentWaitSpec;
  autoscaling?: AutoscalingSpec;
  /** ECS capacity provider strategy; never empty. */
  capacity: CapacityProviderSpec[];
  /** Plain variables, sorted by name. */
  environment: Record<string, string>;
  /** Secret variables, sorted by name. */
  secrets: Record<string, SecretSpec>;
  logRetentionDays: number;
  readonlyRootFilesystem: boolean;
}

/** One listener rule of a public service. */
export interface ListenerRuleSpec extends RuleConditions {
  /** Listener rule priority (stable: see stacks/routing.ts). */
  priority: number;
}

/** How the region's ALB routes to a public service. */
export interface RoutingSpec {
  /** Path pattern of the listener rules. */
  path: string;
  /**
   * Host-header values of the service's rules; empty means any host. With DNS: the service's own
   * `<svc>.<zone>` and `<svc>-<region>.<zone>`, plus its `host`.
   */
  hostHeaders: string[];
  /** Priority of the first rule (the one keyed by the service's name). */
  priority: number;
  /** The listener rules, each within the ALB's per-rule limits (one unless the host list is long). */
  rules: ListenerRuleSpec[];
  /** Priority of the rule that routes Route 53 health checks (only with DNS). */
  healthRulePriority?: number;
  /** Query parameter the Route 53 health check adds, so its rule matches only this service. */
  healthQuery?: { key: string; value: string };
  /** `namePrefix` of the target group (≤ 6 characters; AWS completes the name, so replacing works). */
  targetGroupNamePrefix: string;
  /** The URL the service is reached at in this region; `host` undefined means the ALB's DNS name. */
  url: { scheme: "http" | "https"; host?: string; path: string };
}

/** A CloudWatch alarm that gates the service's deployments. */
export interface AlarmSpec {
  kind: "targetErrorRate" | "unhealthyTargets" | "runningTasks";
  /** Physical alarm name (an output: rollout tooling reads it as a health gate). */
  name: string;
  threshold: number;
}

/** One service as it runs in one region, overrides applied, physical names chosen. */
export interface RegionalServiceSpec extends ResolvedService {
  /** Physical ECS service name (unique in the cluster). */
  serviceName: string;
  /** Task definition family. */
  family: string;
  logGroupName: string;
  taskRoleName: string;
  executionRoleName: string;
  /** Present for public services. */
  routing?: RoutingSpec;
  alarms: AlarmSpec[];
  serviceConnect: ServiceConnectSpec;
}

/**
 * The service's place in the region's Service Connect namespace. Tasks resolve only the endpoints
 * that existed when they started (Amazon ECS Developer Guide, "Amazon ECS Service Connect
 * components" / deployment order:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html).
 */
export interface ServiceConnectSpec {
  /** Exposes an endpoint (has a containerPort): created before the region's clients. */
  server: boolean;
  /** The region's endpoints, `<service>:<port>`, sorted. */
  endpoints: string[];
  /**
   * For a client (no port): a hash of `endpoints`, set as a docker label so a new endpoint set
   * registers a new task definition revision and rolls the client's tasks. Undefined for servers.
   */
  endpointsHash?: string;
}

/** Docker label carrying the Service Connect endpoint hash on client tasks. */
export const ENDPOINTS_LABEL = "ecs-fleet.service-connect-endpoints";

/** The region's Application Load Balancer. */
export interface AlbSpec {
  name: string;
  deletionProtection: boolean;
  idleTimeoutSeconds: number;
  /** With DNS: an HTTPS listener with a DNS-validated wildcard certificate; HTTP redirects. */
  https?: { zone: string; certificateDomain: string; sslPolicy: string };
  /** Present unless `alb.accessLogs` is false. */
  accessLogs?: AlbAccessLogsSpec;
}

/** Access logs of a region's ALB: an S3 bucket in the same region that Elastic Load Balancing writes to. */
export interface AlbAccessLogsSpec {
  /** `bucketPrefix` of the log bucket (≤ 37 characters; S3 names are global, AWS appends a unique suffix). */
  bucketPrefix: string;
  /** Key prefix of the logs; ELB writes under `<prefix>/AWSLogs/<account>/`. Never contains `AWSLogs`. */
  prefix: string;
  /** Days before S3 deletes a log object. */
  retentionDays: number;
  /** Whether deleting the stack may delete a bucket that still holds logs: false for `prod*` stacks. */
  forceDestroy: boolean;
  /** The principal allowed to write the logs in this region (stacks/elb-accounts.ts). */
  principal: ElbLogPrincipal;
}

export interface RegionPlan {
  region: string;
  /** AWS partition of the region (ARNs): known from the region name, so no provider round trip asks. */
  partition: Partition;
  /** Logical name of the region's explicit provider. */
  providerName: string;
  network: NetworkSpec;
  /** Physical name of the region's ECS cluster. */
  clusterName: string;
  /** The Service Connect (Cloud Map HTTP) namespace every service of the region joins. */
  serviceConnectNamespace: string;
  /** Present when the region runs a public service. */
  alb?: AlbSpec;
  /** Services running here, sorted by name. */
  services: RegionalServiceSpec[];
  /** AWS Batch jobs here, when any job runs in this region. */
  batch?: BatchRegionPlan;
}

/** Global DNS of one public service. */
export interface DnsRecordSpec {
  service: string;
  /** `<service>.<zone>`: latency records, one per region. */
  fqdn: string;
  /** Path (with query) the Route 53 health checks request. */
  healthCheckPath: string;
  /** Path of the global URL: where the service's path pattern starts (`/api/*` → `/api/`), so the URL reaches its rule. */
  urlPath: string;
  /** Regions serving the service, with each region's own name `<service>-<region>.<zone>`. */
  regions: { region: string; regionalFqdn: string }[];
}

export interface DnsPlan {
  zone: string;
  records: DnsRecordSpec[];
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
  /** Plain variables (the service's, merged with the site override's), sorted by name. */
  environment: Record<string, string>;
  /** Secret variables (the service's, merged with the site override's), sorted by name. */
  secrets: Record<string, SecretSpec>;
  /** Mount the container's root filesystem read-only (the service's setting). */
  readonlyRootFilesystem: boolean;
  /** Replaces the image's CMD; undefined keeps it. */
  command?: string[];
  /** Replaces the image's ENTRYPOINT; undefined keeps it. */
  entryPoint?: string[];
  /** ECS container health check; undefined for none. */
  containerHealthCheck?: ContainerHealthCheckSpec;
  /** How `pulumi up` waits for the site service (the service's `deployment`, site override applied). */
  deploymentWait: DeploymentWaitSpec;
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
  /** IAM role ECS uses to pull images, write logs and read the secrets of the site's tasks. */
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
  /** Global DNS; present when `ecs-fleet:dns` is set. */
  dns?: DnsPlan;
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
export function resolveService(name: string, service: ServiceConfig, where: string): ResolvedService {
  const o = service.overrides?.[where] ?? {};
  const scaling = regionAutoscaling(service, where);
  const capacity = o.capacity ?? service.capacity;
  const environment = { ...(service.environment ?? {}), ...(o.environment ?? {}) };
  const secretRefs = { ...(service.secrets ?? {}), ...(o.secrets ?? {}) };
  const secrets: Record<string, SecretSpec> = {};
  for (const key of Object.keys(secretRefs).sort()) {
    const ref = parseSecretValue(secretRefs[key]);
    if (!ref) throw new Error(`resolveService: ${name}.secrets.${key} is not a valid reference (validation lets none through)`);
    secrets[key] = { valueFrom: secretValueFrom(secretRefs[key]), ref };
  }
  return {
    name,
    image: o.image ?? service.image,
    cpu: o.cpu ?? service.cpu,
    memory: o.memory ?? service.memory,
    desiredCount: effectiveDesiredCount(service, where),
    containerPort: service.containerPort,
    public: service.public,
    ...(service.command ? { command: [...service.command] } : {}),
    ...(service.entryPoint ? { entryPoint: [...service.entryPoint] } : {}),
    architecture: service.architecture,
    healthCheck: {
      path: service.healthCheck.path,
      gracePeriodSeconds: service.healthCheck.gracePeriodSeconds,
      ...(service.healthCheck.container ? { container: containerHealthCheck(service.healthCheck.container) } : {}),
    },
    deployment: {
      waitForSteadyState: o.deployment?.waitForSteadyState ?? service.deployment?.waitForSteadyState ?? true,
      timeoutMinutes: o.deployment?.timeoutMinutes ?? service.deployment?.timeoutMinutes ?? DEFAULT_DEPLOYMENT_TIMEOUT_MINUTES,
    },
    autoscaling: scaling && {
      min: scaling.min,
      max: scaling.max,
      cpuTarget: scaling.cpuTarget,
      memoryTarget: scaling.memoryTarget,
      requestsPerTarget: scaling.requestsPerTarget,
      schedule: (scaling.schedule ?? []).map((e) => {
        const key = shortHash(`${e.cron}@${e.timezone ?? "UTC"}`, 8);
        return { key, name: fitName([name, "schedule", key], 256), cron: e.cron, timezone: e.timezone, min: e.min, max: e.max };
      }),
    },
    capacity: capacity
      ? [
          ...(capacity.fargateWeight > 0 || capacity.fargateBase > 0
            ? [{ capacityProvider: "FARGATE" as const, base: capacity.fargateBase, weight: capacity.fargateWeight }]
            : []),
          ...(capacity.spotWeight > 0 ? [{ capacityProvider: "FARGATE_SPOT" as const, base: 0, weight: capacity.spotWeight }] : []),
        ]
      : [{ capacityProvider: "FARGATE", base: 0, weight: 1 }],
    environment: Object.fromEntries(Object.keys(environment).sort().map((k) => [k, environment[k]])),
    secrets,
    logRetentionDays: service.logRetentionDays,
    readonlyRootFilesystem: service.readonlyRootFilesystem,
  };
}

/** The container health check as the task definition takes it. */
function containerHealthCheck(c: NonNullable<ServiceConfig["healthCheck"]["container"]>): ContainerHealthCheckSpec {
  return { command: [...c.command], interval: c.interval, timeout: c.timeout, retries: c.retries, ...(c.startPeriod !== undefined ? { startPeriod: c.startPeriod } : {}) };
}

/**
 * Auto scaling in one region, with the schedule the region really runs. A scheduled action sets
 * the scalable target's MinCapacity and MaxCapacity to its own values (Application Auto Scaling
 * User Guide, "Scheduled scaling":
 * https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-policy-overview.html),
 * so a schedule inherited from the service into a region that overrides min or max would undo the
 * region's range every time it fires. The rule: in such a region each inherited entry's value that
 * equals the service's own bound (min or max) follows the region's bound; any other value is
 * clamped into the region's range (and min ≤ max). A schedule given in the region's override is
 * taken as written.
 */
export function regionAutoscaling(service: ServiceConfig, where: string): AutoscalingConfig | undefined {
  const merged = effectiveAutoscaling(service, where);
  const o = service.overrides?.[where]?.autoscaling;
  const base = service.autoscaling;
  if (!merged || !o || !base || o.schedule !== undefined || (o.min === undefined && o.max === undefined)) return merged;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const schedule = (base.schedule ?? []).map((e) => {
    const max = e.max === base.max ? merged.max : clamp(e.max, Math.max(merged.min, 1), merged.max);
    const min = e.min === base.min ? Math.min(merged.min, max) : clamp(e.min, Math.min(merged.min, max), max);
    return { ...e, min, max };
  });
  return { ...merged, schedule };
}

/** The URL path a path pattern starts with: `/api/*` → `/api/`, `/*` → `/`. */
export function pathBase(pattern: string): string {
  return literalPrefix(pattern);
}

/**
 * Rules that can never match because an earlier rule (lower priority) with the same host catches
 * everything they would: its literal path start is a prefix of theirs and it ends in a wildcard.
 */
function shadowWarnings(region: string, names: string[], config: FleetConfig, priorities: Map<string, number>, withDns: boolean): string[] {
  const out: string[] = [];
  for (const a of names) {
    for (const b of names) {
      if (a === b) continue;
      const sa = config.services[a];
      const sb = config.services[b];
      // With DNS a service without host answers only its own names: no other rule can shadow it.
      if (withDns && (sa.host === undefined || sb.host === undefined)) continue;
      if ((sa.host ?? "") !== (sb.host ?? "") || (priorities.get(a) ?? 0) > (priorities.get(b) ?? 0)) continue;
      const pa = literalPrefix(sa.path);
      if (pa !== sa.path && sa.path.endsWith("*") && sa.path === `${pa}*` && literalPrefix(sb.path).startsWith(pa)) {
        out.push(`services.${b}.path: in ${region} the rule of ${a} (${sa.path}, priority ${priorities.get(a)}) is evaluated first and catches every request for ${sb.path}; give ${b} a host or a more specific path`);
      }
    }
  }
  return out;
}

/**
 * A task reads its secrets when it starts: one in another region fails to start exactly when that
 * region (or its Secrets Manager / SSM) is down, and the fleet's other regions are there for that
 * case. Warns per secret, with the per-region override that points at a replica (Secrets Manager
 * replicates a secret to other regions under the same name: a replica ARN differs only in region).
 */
export function crossRegionSecretWarnings(
  owner: string,
  secrets: Record<string, Pick<SecretSpec, "ref">>,
  region: string,
  overridden: Record<string, unknown> | undefined,
  overridePath: string | undefined,
): string[] {
  const out: string[] = [];
  for (const [key, { ref }] of Object.entries(secrets)) {
    const from = secretRegion(ref);
    if (from === undefined || from === region) continue;
    const arn = ref.kind === "ssm-name" ? ref.name : ref.arn;
    const at = overridden && Object.prototype.hasOwnProperty.call(overridden, key) && overridePath ? `${overridePath}.${key}` : `${owner}.secrets.${key}`;
    const fix = overridePath
      ? `replicate it to ${region} and set ${overridePath}.${key} to the replica's ARN (${arn.split(":").map((p, i) => (i === 3 ? region : p)).join(":")})`
      : `replicate it to ${region} and reference the replica in ${region}`;
    out.push(`${at}: tasks in ${region} read ${arn} from ${from}, so they cannot start while ${from} is unavailable; ${fix}`);
  }
  return out;
}

/** Physical name of a region's ALB (≤ 32; ALB names are per region and account). */
export function albName(ctx: PlanContext): string {
  return fitName([ctx.project, ctx.stack], LIMITS.loadBalancer);
}

/** Longest `bucketPrefix` S3 accepts (63-character bucket names minus the 26-character unique suffix). */
export const BUCKET_PREFIX_LIMIT = 37;

/** `bucketPrefix` of a region's ALB access log bucket: lowercase, ≤ 37 characters, ending in `-`. */
export function albLogBucketPrefix(ctx: PlanContext, region: string): string {
  const parts = [ctx.project, ctx.stack, regionCode(region), "alb-logs"].map((p) => p.toLowerCase());
  return `${fitName(parts, BUCKET_PREFIX_LIMIT - 1, /[a-z0-9-]/)}-`;
}

/** TLS policy of the HTTPS listeners: TLS 1.3 and 1.2 only. */
export const SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export { HEALTH_QUERY_KEY };

/** Physical name of the ECS cluster of a stack (clusters are regional: the same name in every region). */
export function clusterName(ctx: PlanContext): string {
  return fitName([ctx.project, ctx.stack], LIMITS.ecs, /[A-Za-z0-9_-]/);
}

export function planFleet(config: FleetConfig, ctx: PlanContext): FleetPlan {
  const regionNames = Object.keys(config.regions);
  const serviceNames = Object.keys(config.services).sort();
  const warnings: string[] = [];
  const zone = config.dns ? zoneName(config.dns) : undefined;
  const batch = planBatch(config.batch, regionNames, ctx);
  const accessLogs = albAccessLogs(config.alb);
  warnings.push(...albWarnings(config.alb));

  const regions: RegionPlan[] = regionNames.map((region) => {
    const r = config.regions[region];
    const here = serviceNames.filter((name) => serviceRegions(config.services[name], regionNames).includes(region));
    const publicHere = here.filter((name) => config.services[name].public);
    const rulesOf = new Map(publicHere.map((name) => [name, splitRuleConditions(config.services[name].path, hostHeadersOf(name, config.services[name], region, zone))]));
    const keyOwner = new Map<string, string>();
    for (const [name, rules] of rulesOf) rules.forEach((_, k) => keyOwner.set(ruleKey(name, k), name));
    const bandOf = (key: string) => {
      const name = keyOwner.get(key)!;
      return routeBand(config.services[name].path, rulesOf.get(name)![0].hostHeaders.length > 0);
    };
    const routePriorities = assignPriorities([...keyOwner.keys()], bandOf);
    warnings.push(...shadowWarnings(region, publicHere, config, routePriorities, zone !== undefined));
    const healthPriorities = assignPriorities(publicHere, HEALTH_PRIORITIES);
    const endpoints = here
      .filter((name) => config.services[name].containerPort !== undefined)
      .map((name) => `${name}:${config.services[name].containerPort}`);
    const services = here.map((name) =>
      regionalService(config.services[name], resolveService(name, config.services[name], region), region, ctx, zone, {
        rules: rulesOf.get(name)?.map((r, k) => ({ ...r, priority: routePriorities.get(ruleKey(name, k))! })),
        health: healthPriorities.get(name),
      }, endpoints),
    );
    for (const s of services) warnings.push(...crossRegionSecretWarnings(`services.${s.name}`, s.secrets, region, config.services[s.name].overrides?.[region]?.secrets, `services.${s.name}.overrides.${region}.secrets`));
    for (const j of Object.values(batch[region]?.jobs ?? {})) {
      const refs = Object.fromEntries(Object.entries(j.secrets).map(([k, v]) => [k, { ref: parseSecretValue(v) as SecretRef }]));
      warnings.push(...crossRegionSecretWarnings(`batch.${j.name}`, refs, region, undefined, undefined));
    }
    const batchJobs = Object.keys(batch[region]?.jobs ?? {});
    if (r.natGateways === "none" && services.length + batchJobs.length > 0) {
      const users = [...services.map((s) => `service ${s.name}`), ...batchJobs.map((j) => `batch job ${j}`)];
      warnings.push(
        `regions.${region}: natGateways is none, so tasks in private subnets have no route to the internet; ` +
          `${users.join(", ")} can pull images only through VPC endpoints you provide`,
      );
    }
    for (const s of services) {
      if (s.capacity.some((c) => c.capacityProvider === "FARGATE_SPOT") && !s.capacity.some((c) => c.capacityProvider === "FARGATE")) {
        warnings.push(`services.${s.name}: all tasks in ${region} run on FARGATE_SPOT and may all be interrupted at once; give capacity.fargateBase or fargateWeight for a floor`);
      }
    }
    const alb: AlbSpec | undefined =
      publicHere.length === 0
        ? undefined
        : {
            name: albName(ctx),
            deletionProtection: albDeletionProtection(config.alb, ctx.stack),
            idleTimeoutSeconds: config.alb?.idleTimeoutSeconds ?? 60,
            https: zone ? { zone, certificateDomain: `*.${zone}`, sslPolicy: SSL_POLICY } : undefined,
            ...(accessLogs
              ? {
                  accessLogs: {
                    bucketPrefix: albLogBucketPrefix(ctx, region),
                    prefix: albName(ctx),
                    retentionDays: accessLogs.retentionDays,
                    forceDestroy: !/^prod/.test(ctx.stack),
                    principal: elbLogPrincipal(region),
                  },
                }
              : {}),
          };
    return {
      region,
      partition: partitionOf(region) ?? "aws",
      providerName: providerName(region),
      network: { cidr: r.cidr, azCount: r.azCount, natGateways: r.natGateways, ...planSubnets(r.cidr, r.azCount) },
      clusterName: clusterName(ctx),
      serviceConnectNamespace: fitName([ctx.project, ctx.stack], LIMITS.dnsLabel),
      alb,
      services,
      ...(batch[region] ? { batch: batch[region] } : {}),
    };
  });

  let dns: DnsPlan | undefined;
  if (zone) {
    const records: DnsRecordSpec[] = serviceNames
      .filter((name) => config.services[name].public)
      .map((name) => {
        const s = config.services[name];
        const inRegions = serviceRegions(s, regionNames).filter((r) => regionNames.includes(r));
        return {
          service: name,
          fqdn: `${name}.${zone}`,
          urlPath: pathBase(s.path),
          healthCheckPath: healthCheckResourcePath(s.healthCheck.path, name),
          regions: inRegions.map((region) => ({ region, regionalFqdn: `${name}-${region}.${zone}` })),
        };
      });
    for (const [name, s] of Object.entries(config.services)) {
      if (s.public && s.host && !(s.host === zone || s.host.endsWith(`.${zone}`))) {
        warnings.push(`services.${name}.host: ${s.host} is outside the zone ${zone}; the certificate (*.${zone}) does not cover it and its DNS is yours to manage`);
      }
    }
    dns = { zone, records };
  }

  for (const key of ctx.secretKeys ?? []) {
    if (!key.startsWith("ecs-fleet:")) continue;
    warnings.push(
      `${key} holds an encrypted value, but ecs-fleet settings are not secret material and end up in resource inputs; ` +
        `keep secret values in Secrets Manager or SSM and reference them under secrets:`,
    );
  }

  const now = ctx.now ?? clockNow();
  const sites = Object.entries(config.sites ?? {}).map(([site, s]) => planSite(site, s, config, ctx, now, warnings));

  return { project: ctx.project, stack: ctx.stack, homeRegion: config.homeRegion, regions, dns, sites, warnings };
}

/**
 * Host-header values of a public service's rules in one region. With DNS every service carries its
 * own names (`<svc>.<zone>`, `<svc>-<region>.<zone>`) plus its `host`, so each URL the stack
 * outputs reaches this service whatever the priorities of the others; without DNS only `host`.
 */
export function hostHeadersOf(name: string, service: ServiceConfig, region: string, zone: string | undefined): string[] {
  return ruleHostHeaders(name, service.host, region, zone);
}

function regionalService(
  config: ServiceConfig,
  resolved: ResolvedService,
  region: string,
  ctx: PlanContext,
  zone: string | undefined,
  priorities: { rules?: ListenerRuleSpec[]; health?: number },
  endpoints: string[],
): RegionalServiceSpec {
  const { name } = resolved;
  const rc = regionCode(region);
  let routing: RoutingSpec | undefined;
  if (resolved.public && priorities.rules && priorities.rules.length > 0) {
    const rules = priorities.rules;
    routing = {
      path: config.path,
      hostHeaders: rules.flatMap((r) => r.hostHeaders),
      priority: rules[0].priority,
      rules,
      healthRulePriority: zone ? priorities.health : undefined,
      healthQuery: zone ? { key: HEALTH_QUERY_KEY, value: name } : undefined,
      targetGroupNamePrefix: namePrefix(name),
      url: zone
        ? { scheme: "https", host: `${name}-${region}.${zone}`, path: pathBase(config.path) }
        : { scheme: "http", host: config.host, path: pathBase(config.path) },
    };
  }
  const alarmName = (kind: string) => fitName([ctx.project, ctx.stack, name, kind], 255);
  // The lowest task count in effect: the range's min, or a schedule's lower min once it fires.
  const minTasks = resolved.autoscaling
    ? Math.min(resolved.autoscaling.min, ...resolved.autoscaling.schedule.map((e) => e.min))
    : resolved.desiredCount;
  const alarms: AlarmSpec[] = [];
  if (routing) {
    alarms.push({ kind: "targetErrorRate", name: alarmName("target-5xx"), threshold: 5 });
    alarms.push({ kind: "unhealthyTargets", name: alarmName("unhealthy-targets"), threshold: 0 });
  }
  if (minTasks > 0) alarms.push({ kind: "runningTasks", name: alarmName("running-tasks"), threshold: minTasks });
  return {
    ...resolved,
    serviceName: name,
    family: fitName([ctx.project, ctx.stack, name], LIMITS.ecs, /[A-Za-z0-9_-]/),
    logGroupName: fitName([`/ecs/${ctx.project}/${ctx.stack}/${name}`], LIMITS.logGroup, /[A-Za-z0-9_\-/.#]/),
    taskRoleName: fitName([ctx.project, ctx.stack, rc, name, "task"], LIMITS.iamRole),
    executionRoleName: fitName([ctx.project, ctx.stack, rc, name, "exec"], LIMITS.iamRole),
    routing,
    alarms,
    serviceConnect: {
      server: resolved.containerPort !== undefined,
      endpoints,
      ...(resolved.containerPort === undefined ? { endpointsHash: shortHash(endpoints.join(","), 16) } : {}),
    },
  };
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
        environment: r.environment,
        secrets: r.secrets,
        readonlyRootFilesystem: r.readonlyRootFilesystem,
        ...(r.command ? { command: r.command } : {}),
        ...(r.entryPoint ? { entryPoint: r.entryPoint } : {}),
        ...(r.healthCheck.container ? { containerHealthCheck: r.healthCheck.container } : {}),
        // A site's hosts register out of band, after the `up` that creates the activation: waiting for
        // steady state would time out on a new site. So site services wait only when the site
        // override asks (`overrides.<site>.deployment.waitForSteadyState: true`).
        deploymentWait: { ...r.deployment, waitForSteadyState: service.overrides?.[site]?.deployment?.waitForSteadyState ?? false },
      };
    });

  for (const svc of services) {
    warnings.push(...crossRegionSecretWarnings(`services.${svc.name}`, svc.secrets, s.region, config.services[svc.name].overrides?.[site]?.secrets, `services.${svc.name}.overrides.${site}.secrets`));
  }
  if (!s.activation && s.hosts > 0) {
    warnings.push(
      `sites.${site}: hosts is ${s.hosts} but the site has no activation, so no host can register (an ECS Anywhere host registers with an SSM ` +
        `activation's id and code); add sites.${site}.activation with an expires date to onboard hosts — hosts already registered keep working`,
    );
  }

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
