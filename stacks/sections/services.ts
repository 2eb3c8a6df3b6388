/** `ecs-fleet:services`: container services, defined once, fanned out to the regions they name. */
import { z } from "zod";
import { AddIssue, Path, boolean, hasOwn, hint, integer, listOf, mapOf, nameList, own, percent, struct, text } from "./common";
import { EnvironmentSchema, SecretsSchema, checkEnvironment, checkTaskDefinitionSize } from "./env";
import { image } from "./image";
import { scheduleExpressionProblem } from "./batch";
import { checkRegionList } from "./regions";
import { fargateSizeProblem } from "../fargate";
import { DNS_NAME } from "../naming";

/** Service names are used verbatim in ECS service, Service Connect and DNS names: keep them short. */
export const MAX_SERVICE_NAME = 32;

/**
 * Tasks one ECS service may run ("Tasks per service: 5,000", not adjustable):
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html
 */
export const MAX_TASKS_PER_SERVICE = 5000;
const TASKS_WHY = "ECS runs at most 5,000 tasks per service";
/** An ALB path pattern: starts with `/`, the characters ALB allows, at most 128. */
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]{0,127}$/;
/** An ALB host-header value: letters, digits, dots, hyphens and the wildcards * and ?, at most 128. */
const HOST_PATTERN = /^[A-Za-z0-9*?]([A-Za-z0-9*?.-]{0,126}[A-Za-z0-9*?])?$/;

/** Target group health check path: 1 to 1,024 characters (CreateTargetGroup HealthCheckPath). */
export const MAX_TARGET_GROUP_HEALTH_PATH = 1024;

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** One scheduled capacity change. */
export const ScheduleSchema = struct(
  {
    /** When: `cron(...)`, `rate(...)` or `at(...)`, e.g. cron(0 7 * * ? *); checked as Batch schedules are. Required. */
    cron: text("a schedule expression such as cron(0 7 * * ? *)"),
    /** Minimum tasks from then on, 0..5000. Required. */
    min: integer(0, MAX_TASKS_PER_SERVICE, TASKS_WHY),
    /** Maximum tasks from then on, 1..5000. Required. */
    max: integer(1, MAX_TASKS_PER_SERVICE, TASKS_WHY),
    /** IANA time zone of the cron expression, e.g. Europe/Dublin. Default UTC. */
    timezone: text("an IANA time zone such as Europe/Dublin").optional(),
  },
  "cron, min, max, timezone",
);

const autoscalingShape = {
  /** Fewest tasks, 0..5000. Required. */
  min: integer(0, MAX_TASKS_PER_SERVICE, TASKS_WHY),
  /** Most tasks, 1..5000. Required. */
  max: integer(1, MAX_TASKS_PER_SERVICE, TASKS_WHY),
  /** Target average CPU utilization, percent (0, 100]. Optional. */
  cpuTarget: percent().optional(),
  /** Target average memory utilization, percent (0, 100]. Optional. */
  memoryTarget: percent().optional(),
  /** Target ALB requests per task per minute; public services only. Optional. */
  requestsPerTarget: integer(1).optional(),
  /** Scheduled capacity changes. Optional. */
  schedule: listOf(ScheduleSchema, "scheduled capacity changes").optional(),
};
const AUTOSCALING_KEYS = "min, max, cpuTarget, memoryTarget, requestsPerTarget, schedule";

export const AutoscalingSchema = struct(autoscalingShape, AUTOSCALING_KEYS);
/** In an override every key is optional; given keys replace the service's (schedule as a whole). */
export const AutoscalingOverrideSchema = struct(
  {
    ...autoscalingShape,
    min: integer(0, MAX_TASKS_PER_SERVICE, TASKS_WHY).optional(),
    max: integer(1, MAX_TASKS_PER_SERVICE, TASKS_WHY).optional(),
  },
  AUTOSCALING_KEYS,
);

/** Where tasks run: FARGATE and FARGATE_SPOT weights. */
export const CapacitySchema = struct(
  {
    /** Tasks always placed on FARGATE (on-demand) before weights apply. Default 0. */
    fargateBase: integer(0, 100000).default(0),
    /** Relative share of FARGATE (on-demand) tasks. Default 0. */
    fargateWeight: integer(0, 1000).default(0),
    /** Relative share of FARGATE_SPOT tasks. Default 0. */
    spotWeight: integer(0, 1000).default(0),
  },
  "fargateBase, fargateWeight, spotWeight",
);

export const HealthCheckSchema = struct(
  {
    /** HTTP path the ALB target group and Route 53 probe; starts with `/`. Default `/`. */
    path: text("an HTTP path starting with /, e.g. /healthz").default("/"),
    /** Seconds ECS ignores failing load-balancer health checks after a task starts, 0..7200. Default 60. */
    gracePeriodSeconds: integer(0, 7200).default(60),
  },
  "path, gracePeriodSeconds",
);

/** What may differ per region. */
export const ServiceOverrideSchema = struct(
  {
    /** Tasks in this region, 0..5000. Default: the service's desiredCount. */
    desiredCount: integer(0, MAX_TASKS_PER_SERVICE, TASKS_WHY).optional(),
    /** Fargate CPU units in this region. Default: the service's cpu. */
    cpu: integer(1).optional(),
    /** MiB in this region. Default: the service's memory. */
    memory: integer(1).optional(),
    /** Image in this region (rollouts set it wave by wave). Default: the service's image. */
    image: image().optional(),
    /** Auto scaling in this region: given keys replace the service's. */
    autoscaling: AutoscalingOverrideSchema.optional(),
    /** Capacity strategy in this region, replacing the service's. */
    capacity: CapacitySchema.optional(),
    /** Extra or changed environment variables in this region (merged over the service's). */
    environment: EnvironmentSchema.optional(),
    /** Extra or changed secrets in this region (merged over the service's). */
    secrets: SecretsSchema.optional(),
  },
  "desiredCount, cpu, memory, image, autoscaling, capacity, environment, secrets",
);

export const ServiceSchema = struct(
  {
    /** Container image, e.g. public.ecr.aws/nginx/nginx:1.27. Required. */
    image: image(),
    /** Fargate CPU units (256, 512, 1024, 2048, 4096, 8192, 16384). Required. */
    cpu: integer(1),
    /** Memory in MiB; a valid Fargate pair with cpu. Required. */
    memory: integer(1),
    /** Tasks per region, 0..5000. Default: autoscaling.min when auto scaling is on, else 1. */
    desiredCount: integer(0, MAX_TASKS_PER_SERVICE, TASKS_WHY).optional(),
    /** Regions to run in. Default: every configured region. */
    regions: listOf(text("a region name"), "region names").optional(),
    /** On-prem sites (ecs-fleet:sites) to run at as well. Default: none. */
    sites: listOf(text("a site name"), "site names").optional(),
    /** The port the container listens on (1..65535); the ALB's target at regions, published on the host at sites. Optional: a worker has none. */
    containerPort: integer(1, 65535).optional(),
    /** Route to the service from the region's ALB. Requires containerPort. Default false. */
    public: boolean().default(false),
    /** ALB path pattern. Default `/*`. */
    path: text("an ALB path pattern starting with /, such as /* or /api/*", PATH_PATTERN).default("/*"),
    /** ALB host-header condition, e.g. api.example.com. Default: any host. */
    host: text("a host name such as api.example.com (wildcards * and ? allowed)", HOST_PATTERN).optional(),
    /** Health check. Default { path: /, gracePeriodSeconds: 60 }. */
    healthCheck: HealthCheckSchema.default({}),
    /** Auto scaling. Default: off (a fixed desiredCount). */
    autoscaling: AutoscalingSchema.optional(),
    /** Capacity strategy. Default: all tasks on FARGATE (on-demand). */
    capacity: CapacitySchema.optional(),
    /** Plain environment variables. Default none. */
    environment: EnvironmentSchema.optional(),
    /** Secret environment variables: Secrets Manager ARN, SSM parameter ARN or name. Default none. */
    secrets: SecretsSchema.optional(),
    /** Days to keep the container logs (a CloudWatch Logs retention period). Default 30. */
    logRetentionDays: integer(1, 3653).default(30),
    /** Mount the container's root filesystem read-only. Default false (many images write to it). */
    readonlyRootFilesystem: boolean().default(false),
    /** Per-region and per-site overrides, keyed by region or site name. */
    overrides: mapOf(ServiceOverrideSchema, "region or site names to overrides").optional(),
  },
  "image, cpu, memory, desiredCount, regions, sites, containerPort, public, path, host, healthCheck, autoscaling, capacity, environment, secrets, logRetentionDays, readonlyRootFilesystem, overrides",
);

export const ServicesSchema = mapOf(ServiceSchema, "service names to service definitions");

export type ServiceConfig = z.infer<typeof ServiceSchema>;
export type ServiceOverride = z.infer<typeof ServiceOverrideSchema>;
export type AutoscalingConfig = z.infer<typeof AutoscalingSchema>;
export type AutoscalingOverride = z.infer<typeof AutoscalingOverrideSchema>;
export type CapacityConfig = z.infer<typeof CapacitySchema>;
export type ScheduleConfig = z.infer<typeof ScheduleSchema>;

/**
 * Override keys that apply at an ECS Anywhere site. Everything else (load balancer, capacity
 * providers, auto scaling on request counts, ...) has no meaning on external instances.
 */
export const SITE_OVERRIDE_KEYS: readonly string[] = ["desiredCount", "cpu", "memory", "image", "environment", "secrets"];

/** Why an override key cannot be used at a site, for the keys we know. */
const NOT_AT_SITES: Record<string, string> = {
  public: "ECS Anywhere has no load balancer, so a site service cannot be public",
  capacity: "external instances have no capacity providers (no Fargate, no Spot)",
  requestsPerTarget: "scaling on requests per target needs a load balancer, which ECS Anywhere does not have",
  autoscaling: "ecs-fleet scales site services by their desiredCount only (a site has a fixed set of hosts)",
};

/** An override at a site may only use SITE_OVERRIDE_KEYS; every other key set is an error naming the key and why. */
export function checkSiteOverride(base: Path, site: string, override: Record<string, unknown>, add: AddIssue): void {
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined || SITE_OVERRIDE_KEYS.includes(key)) continue;
    const why = own(NOT_AT_SITES, key) ?? `ecs-fleet does not apply ${key} to site services`;
    add([...base, "overrides", site, key], `${key} cannot be overridden at site ${site}: ${why}; allowed at a site: ${SITE_OVERRIDE_KEYS.join(", ")}`);
  }
}

/** The regions a service runs in: its own list, or every configured region. */
export function serviceRegions(service: Pick<ServiceConfig, "regions">, allRegions: readonly string[]): string[] {
  return service.regions ?? [...allRegions];
}

/**
 * Auto scaling in one region: the service's, with the override's keys replacing it. A partial
 * result (an override without min/max on a service without auto scaling) is reported by
 * `checkService`; this returns undefined for it.
 */
export function effectiveAutoscaling(service: ServiceConfig, where: string): AutoscalingConfig | undefined {
  const o = own(service.overrides, where)?.autoscaling;
  if (!o) return service.autoscaling;
  const defined = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const merged = { ...(service.autoscaling ?? {}), ...defined } as Partial<AutoscalingConfig>;
  if (merged.min === undefined || merged.max === undefined) return undefined;
  return merged as AutoscalingConfig;
}

/** Tasks in one region: the override, the service's desiredCount, autoscaling.min, or 1. */
export function effectiveDesiredCount(service: ServiceConfig, where: string): number {
  return own(service.overrides, where)?.desiredCount ?? service.desiredCount ?? effectiveAutoscaling(service, where)?.min ?? 1;
}

/** Checks service names (declared keys, valid or not). */
export function checkServiceNames(declared: readonly string[], add: AddIssue): void {
  for (const name of declared) {
    if (!DNS_NAME.test(name)) {
      add(["services", name], `service names must be DNS-safe (lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen), got "${name}"`);
    } else if (name.length > MAX_SERVICE_NAME) {
      add(["services", name], `service names are used verbatim in ECS, Service Connect and DNS names and may be at most ${MAX_SERVICE_NAME} characters, got ${name.length}`);
    }
  }
}

function checkAutoscaling(a: Partial<AutoscalingConfig>, isPublic: boolean, base: Path, add: AddIssue): void {
  if (a.min !== undefined && a.max !== undefined && a.min > a.max) {
    add([...base, "min"], `min ${a.min} is above max ${a.max}; min must be at most max`);
  }
  if (a.requestsPerTarget !== undefined && !isPublic) {
    add([...base, "requestsPerTarget"], "requestsPerTarget counts ALB requests and needs public: true; use cpuTarget or memoryTarget for a service without a load balancer");
  }
  (a.schedule ?? []).forEach((s, i) => {
    if (s.min > s.max) add([...base, "schedule", i, "min"], `min ${s.min} is above max ${s.max}; min must be at most max`);
    // Application Auto Scaling takes the same at()/rate()/cron() forms as EventBridge Scheduler:
    // https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
    const problem = scheduleExpressionProblem(s.cron);
    if (problem) add([...base, "schedule", i, "cron"], problem);
    if (s.timezone !== undefined) {
      const tz = timeZoneProblem(s.timezone);
      if (tz) add([...base, "schedule", i, "timezone"], tz);
    }
  });
  const seen = new Map<string, number>();
  (a.schedule ?? []).forEach((s, i) => {
    const key = `${s.cron}@${s.timezone ?? "UTC"}`;
    if (seen.has(key)) add([...base, "schedule", i, "cron"], `${s.cron} is already scheduled at schedule[${seen.get(key)}]; one entry per schedule expression`);
    else seen.set(key, i);
  });
}

let zones: string[] | undefined;

/**
 * Why `tz` is not an IANA time zone name Application Auto Scaling accepts ("the time zone ... IANA
 * time zone, e.g. Etc/GMT+9 or Pacific/Tahiti", https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html),
 * or undefined. Names are case-sensitive; a case-only mistake gets the right spelling.
 */
export function timeZoneProblem(tz: string): string | undefined {
  zones ??= [...Intl.supportedValuesOf("timeZone"), "UTC", "Etc/UTC", "GMT", "Etc/GMT"];
  if (zones.includes(tz)) return undefined;
  let canonical: string | undefined;
  try {
    canonical = new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    canonical = undefined;
  }
  // A link name such as US/Eastern resolves to another zone: valid. Equal to its zone but for case: a typo.
  if (canonical !== undefined && canonical.toLowerCase() !== tz.toLowerCase()) return undefined;
  if (canonical !== undefined) return `time zone names are case-sensitive: expected ${canonical}, got "${tz}"`;
  const near = hint(tz, zones);
  return `expected an IANA time zone such as Europe/Dublin or America/New_York, got "${tz}"${near}`;
}

function checkCapacity(c: CapacityConfig, base: Path, add: AddIssue): void {
  if (c.fargateWeight === 0 && c.spotWeight === 0) {
    add(base, "at least one of fargateWeight and spotWeight must be above 0 (with all weights 0 ECS cannot place tasks beyond the base)");
  }
}

/**
 * Environment and secrets of one override (region or site): names and references, and that a name
 * is plain or secret in the merged maps, never both.
 */
function checkOverrideEnvironment(service: ServiceConfig, override: ServiceOverride, at: Path, add: AddIssue): void {
  if (!override.environment && !override.secrets) return;
  checkEnvironment(override.environment, override.secrets, at, add);
  for (const key of Object.keys(override.environment ?? {})) {
    if (hasOwn(service.secrets, key) && !hasOwn(override.secrets, key)) {
      add([...at, "environment", key], `${key} is a secret of the service; a variable is either plain or secret, remove one`);
    }
  }
  for (const key of Object.keys(override.secrets ?? {})) {
    if (hasOwn(service.environment, key) && !hasOwn(override.environment, key)) {
      add([...at, "secrets", key], `${key} is also set in environment; a variable is either plain or secret, remove one`);
    }
  }
}

/** Cross-field checks of one service that parsed. */
export function checkService(name: string, service: ServiceConfig, regions: readonly string[], add: AddIssue, declaredSites: readonly string[] = []): void {
  const base = ["services", name];
  const size = fargateSizeProblem(service.cpu, service.memory);
  if (size) add([...base, size.field], size.message);

  if (service.public && service.containerPort === undefined) {
    add([...base, "public"], "a public service needs containerPort: the port the load balancer forwards to");
  }
  if (!service.healthCheck.path.startsWith("/")) {
    add([...base, "healthCheck", "path"], `must start with "/", e.g. /healthz, got "${service.healthCheck.path}"`);
  } else if (service.healthCheck.path.length > MAX_TARGET_GROUP_HEALTH_PATH) {
    // Target group HealthCheckPath: 1-1024 characters,
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
    add([...base, "healthCheck", "path"], `a target group health check path is at most ${MAX_TARGET_GROUP_HEALTH_PATH} characters, got ${service.healthCheck.path.length}`);
  }
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(service.logRetentionDays)) {
    add([...base, "logRetentionDays"], `must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${service.logRetentionDays}`);
  }
  if (service.autoscaling) checkAutoscaling(service.autoscaling, service.public, [...base, "autoscaling"], add);
  const a = service.autoscaling;
  if (a && service.desiredCount !== undefined && a.min <= a.max && (service.desiredCount < a.min || service.desiredCount > a.max)) {
    add([...base, "desiredCount"], `must be within autoscaling min and max (${a.min} to ${a.max}), got ${service.desiredCount}`);
  }
  if (service.capacity) checkCapacity(service.capacity, [...base, "capacity"], add);
  checkEnvironment(service.environment, service.secrets, base, add);
  checkTaskDefinitionSize(service.environment, service.secrets, base, add);

  const runsIn = serviceRegions(service, regions);
  if (service.regions) {
    if (service.regions.length === 0 && (service.sites ?? []).length === 0) {
      add([...base, "regions"], "name at least one region, or leave regions out to run in every region");
    }
    checkRegionList(service.regions, regions, [...base, "regions"], add);
  }

  for (const [where, override] of Object.entries(service.overrides ?? {})) {
    const at = [...base, "overrides", where];
    const merged = (o: typeof override) => ({ ...(service.environment ?? {}), ...(o.environment ?? {}) });
    const mergedSecrets = (o: typeof override) => ({ ...(service.secrets ?? {}), ...(o.secrets ?? {}) });
    if (!runsIn.includes(where) && (service.sites ?? []).includes(where)) {
      // A site the service lists: site-specific keys only (the site's own checks are in sections/sites.ts).
      checkSiteOverride(base, where, override, add);
      checkOverrideEnvironment(service, override, at, add);
      if (override.environment || override.secrets) checkTaskDefinitionSize(merged(override), mergedSecrets(override), at, add);
      continue;
    }
    if (!runsIn.includes(where)) {
      const runs = `it runs in ${nameList(runsIn) === "none" ? "no region" : nameList(runsIn)}${(service.sites ?? []).length > 0 ? ` and at ${nameList(service.sites ?? [])}` : ""}`;
      if (declaredSites.includes(where)) {
        add(at, `the service does not run at site ${where} (${runs}); add ${where} to services.${name}.sites or remove this override`);
      } else if (regions.includes(where)) {
        add(at, `the service does not run in ${where} (${runs}); add ${where} to services.${name}.regions or remove this override`);
      } else {
        const near = hint(where, [...regions, ...declaredSites]);
        add(at, `${where} is neither a configured region nor a configured site${near} (${runs}); overrides are keyed by a region or site the service runs in`);
      }
      continue;
    }
    if (override.cpu !== undefined || override.memory !== undefined) {
      const cpu = override.cpu ?? service.cpu;
      const memory = override.memory ?? service.memory;
      const problem = fargateSizeProblem(cpu, memory);
      // Report at the override only when the base pair is fine (otherwise the base error says it all).
      if (problem && !size) add([...at, override[problem.field] !== undefined ? problem.field : (problem.field === "cpu" ? "memory" : "cpu")], problem.message);
    }
    if (override.autoscaling) {
      const merged = effectiveAutoscaling(service, where);
      if (!merged) {
        add([...at, "autoscaling"], "the service has no autoscaling of its own: give both min and max here");
      } else {
        // The service's own schedule is checked at the service; here only a schedule the override gives.
        checkAutoscaling({ ...merged, schedule: override.autoscaling.schedule }, service.public, [...at, "autoscaling"], add);
      }
    }
    const scaling = effectiveAutoscaling(service, where);
    const explicitCount = override.desiredCount ?? service.desiredCount;
    if (scaling && explicitCount !== undefined && scaling.min <= scaling.max && (override.desiredCount !== undefined || override.autoscaling)) {
      if (explicitCount < scaling.min || explicitCount > scaling.max) {
        add([...at, override.desiredCount !== undefined ? "desiredCount" : "autoscaling"], `desiredCount ${explicitCount} must be within autoscaling min and max in ${where} (${scaling.min} to ${scaling.max})`);
      }
    }
    if (override.capacity) checkCapacity(override.capacity, [...at, "capacity"], add);
    checkOverrideEnvironment(service, override, at, add);
    if (override.environment || override.secrets) checkTaskDefinitionSize(merged(override), mergedSecrets(override), at, add);
  }
}

/** The routing key of a public service: host (or any) and path. */
function routeKey(s: ServiceConfig): string {
  return `${s.host?.toLowerCase() ?? "*any*"} ${s.path}`;
}

/**
 * Checks across services: two public services sharing a region must not route the same host and
 * path (the ALB would send everything to one of them). Reported once per service — at the later
 * service, naming the first that routes the same in a shared region — so 2,000 services on `/*`
 * give 1,999 lines, not two million.
 */
export function checkServiceRoutes(services: Record<string, ServiceConfig>, regions: readonly string[], add: AddIssue): void {
  const owners = new Map<string, string>();
  for (const name of Object.keys(services).sort()) {
    const s = services[name];
    if (!s.public) continue;
    const key = routeKey(s);
    const clash = new Map<string, string[]>();
    for (const region of new Set(serviceRegions(s, regions))) {
      const slot = `${region}\u0000${key}`;
      const owner = owners.get(slot);
      if (owner === undefined) owners.set(slot, name);
      else clash.set(owner, [...(clash.get(owner) ?? []), region]);
    }
    if (clash.size === 0) continue;
    const [first, shared] = [...clash.entries()][0];
    const others = clash.size > 1 ? ` (and ${clash.size - 1} other service${clash.size > 2 ? "s" : ""} elsewhere)` : "";
    add(
      ["services", name, "path"],
      `services ${first} and ${name} both route host ${s.host ?? "(any)"} and path ${s.path} in ${nameList(shared)}${others}; give one of them another path or host`,
    );
  }
}
