/** `ecs-fleet:services`: container services, defined once, fanned out to the regions they name. */
import { z } from "zod";
import { AddIssue, Path, boolean, describeValue, hasOwn, hint, integer, listOf, mapOf, nameList, oneOf, own, percent, struct, text } from "./common";
import { EnvironmentSchema, SecretsSchema, checkEnvironment, checkTaskDefinitionSize } from "./env";
import { image } from "./image";
import { scheduleExpressionProblem } from "./batch";
import { checkRegionList } from "./regions";
import { fargateSizeProblem } from "../fargate";
import { DNS_NAME } from "../naming";
import { MAX_RULE_WILDCARDS, wildcards } from "../routing";

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

/**
 * One argument of a container command: any string, the empty string included (`""` is a valid
 * argument, e.g. `nginx -g ""`); only non-strings are rejected.
 */
function argument(): z.ZodEffects<z.ZodUnknown, string, unknown> {
  return z.unknown().transform((v, ctx) => {
    if (typeof v === "string") return v;
    ctx.addIssue({ code: "custom", message: `expected a string argument (quote numbers and booleans), got ${describeValue(v)}` });
    return z.NEVER;
  });
}

/** A container command line: a non-empty list of strings (each may be ""). */
export const CommandSchema = listOf(argument(), "strings (the command and its arguments)");

/** The kinds a container health check command may start with (ECS HealthCheck.command). */
export const CONTAINER_CHECK_KINDS = ["CMD", "CMD-SHELL"] as const;

/**
 * A container health check as ECS defines it (task definition `healthCheck`, run by the ECS agent
 * inside the container): https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
 * — command starts with CMD (arguments run directly) or CMD-SHELL (one string run by the
 * container's default shell); interval 5–300 s (default 30), timeout 2–60 s (default 5), retries
 * 1–10 (default 3), startPeriod 0–300 s (default: none).
 */
export const ContainerHealthCheckSchema = struct(
  {
    /** `["CMD", "prog", "arg", ...]` or `["CMD-SHELL", "shell command"]`. Required. */
    command: CommandSchema,
    /** Seconds between checks, 5..300. Default 30. */
    interval: integer(5, 300).default(30),
    /** Seconds a check may take before it counts as failed, 2..60. Default 5. */
    timeout: integer(2, 60).default(5),
    /** Consecutive failures before the container is unhealthy, 1..10. Default 3. */
    retries: integer(1, 10).default(3),
    /** Seconds after start during which failures do not count, 0..300. Default: none. */
    startPeriod: integer(0, 300).optional(),
  },
  "command, interval, timeout, retries, startPeriod",
);

export const HealthCheckSchema = struct(
  {
    /** HTTP path the ALB target group and Route 53 probe; starts with `/`. Default `/`. */
    path: text("an HTTP path starting with /, e.g. /healthz").default("/"),
    /** Seconds ECS ignores failing load-balancer health checks after a task starts, 0..7200. Default 60. */
    gracePeriodSeconds: integer(0, 7200).default(60),
    /** A health check run inside the container by ECS (not the load balancer's). Default: none. */
    container: ContainerHealthCheckSchema.optional(),
  },
  "path, gracePeriodSeconds, container",
);

/** CPU architectures of a Fargate task (runtimePlatform.cpuArchitecture). */
export const ARCHITECTURES = ["x86_64", "arm64"] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** Longest wait for a deployment that ecs-fleet accepts, minutes. */
export const MAX_DEPLOYMENT_TIMEOUT_MINUTES = 480;

/** How `pulumi up` waits for a service's deployment. */
export const DeploymentSchema = struct(
  {
    /** Wait until the service is stable (all tasks of the new deployment running). Default true. */
    waitForSteadyState: boolean().optional(),
    /** Minutes `up` waits for a create or update before it fails, 1..480. Default 30. */
    timeoutMinutes: integer(1, MAX_DEPLOYMENT_TIMEOUT_MINUTES).optional(),
  },
  "waitForSteadyState, timeoutMinutes",
);
export type DeploymentConfig = z.infer<typeof DeploymentSchema>;

/** Default minutes `up` waits for a service (the provider's own default is 20). */
export const DEFAULT_DEPLOYMENT_TIMEOUT_MINUTES = 30;

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
    /** Deployment waiting here; given keys replace the service's. */
    deployment: DeploymentSchema.optional(),
  },
  "desiredCount, cpu, memory, image, autoscaling, capacity, environment, secrets, deployment",
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
    /** Replaces the image's CMD, e.g. ["sh", "-c", "exec my-server"]. Default: the image's. */
    command: CommandSchema.optional(),
    /** Replaces the image's ENTRYPOINT. Default: the image's. */
    entryPoint: CommandSchema.optional(),
    /** CPU architecture of the tasks: x86_64 or arm64 (FARGATE_SPOT runs x86_64 only). Default x86_64. */
    architecture: oneOf(ARCHITECTURES).default("x86_64"),
    /** Health checks: load balancer (path, gracePeriodSeconds) and container (container). Default { path: /, gracePeriodSeconds: 60 }. */
    healthCheck: HealthCheckSchema.default({}),
    /** How `pulumi up` waits for deployments. Default { waitForSteadyState: true, timeoutMinutes: 30 }. */
    deployment: DeploymentSchema.optional(),
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
  "image, cpu, memory, desiredCount, regions, sites, containerPort, public, path, host, command, entryPoint, architecture, healthCheck, deployment, autoscaling, capacity, environment, secrets, logRetentionDays, readonlyRootFilesystem, overrides",
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
export const SITE_OVERRIDE_KEYS: readonly string[] = ["desiredCount", "cpu", "memory", "image", "environment", "secrets", "deployment"];

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
  checkCommands(service, base, add);
  if (service.public && service.host !== undefined && wildcards(service.host) + wildcards(service.path) > MAX_RULE_WILDCARDS) {
    add([...base, "host"], `host ${service.host} and path ${service.path} hold ${wildcards(service.host) + wildcards(service.path)} wildcards; an ALB rule allows at most ${MAX_RULE_WILDCARDS}`);
  }
  if (service.architecture === "arm64" && hasSpot(service.capacity)) {
    add([...base, "architecture"], SPOT_ARM64);
  }
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
    if (override.capacity && service.architecture === "arm64" && hasSpot(override.capacity)) {
      add([...at, "capacity"], `${SPOT_ARM64} (services.${name}.architecture is arm64)`);
    }
    checkOverrideEnvironment(service, override, at, add);
    if (override.environment || override.secrets) checkTaskDefinitionSize(merged(override), mergedSecrets(override), at, add);
  }
}

/**
 * Fargate Spot runs Linux tasks on X86_64 only: "Linux tasks with the ARM64 architecture don't
 * support the Fargate Spot capacity provider" (Amazon ECS Developer Guide, "AWS Fargate capacity
 * providers": https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html).
 */
const SPOT_ARM64 = "arm64 tasks cannot run on FARGATE_SPOT (Fargate Spot supports only X86_64 Linux tasks): use architecture x86_64, or set capacity.spotWeight to 0";

/** Whether a capacity strategy places tasks on FARGATE_SPOT. */
export function hasSpot(c: CapacityConfig | undefined): boolean {
  return !!c && c.spotWeight > 0;
}

/** `command`, `entryPoint` and the container health check's command. */
function checkCommands(service: ServiceConfig, base: Path, add: AddIssue): void {
  for (const key of ["command", "entryPoint"] as const) {
    const list = service[key];
    if (list && list.length === 0) add([...base, key], `give at least the program to run, e.g. ["sh", "-c", "exec my-server"], or leave ${key} out to keep the image's`);
  }
  const c = service.healthCheck.container;
  if (!c) return;
  const at = [...base, "healthCheck", "container", "command"];
  const [kind, ...rest] = c.command;
  if (!(CONTAINER_CHECK_KINDS as readonly string[]).includes(kind ?? "")) {
    add(at, `must start with ${CONTAINER_CHECK_KINDS.join(" or ")} (ECS HealthCheck), e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], got ${JSON.stringify(c.command)}`);
  } else if (rest.length === 0 || rest[0] === "") {
    add(at, `${kind} needs the command to run after it, e.g. ["${kind}", ${kind === "CMD" ? '"/bin/check", "--quick"' : '"curl -f http://localhost/ || exit 1"'}]`);
  } else if (kind === "CMD-SHELL" && rest.length > 1) {
    add(at, `CMD-SHELL takes one string that the container's shell runs, got ${rest.length}; join them into one, e.g. ["CMD-SHELL", ${JSON.stringify(rest.join(" "))}]`);
  }
  if (c.timeout >= c.interval) {
    add([...base, "healthCheck", "container", "timeout"], `timeout ${c.timeout}s must be shorter than interval ${c.interval}s (a check must end before the next starts)`);
  }
}

/** The names the fleet gives a public service with DNS: `<svc>.<zone>` and `<svc>-<region>.<zone>` per region. */
export function generatedHostNames(name: string, zone: string, regions: readonly string[]): string[] {
  return [`${name}.${zone}`, ...regions.map((r) => `${name}-${r}.${zone}`)];
}

/** Whether an ALB host-header value (case-insensitive, `*` any run, `?` one character) matches a host. */
export function hostMatches(pattern: string, host: string): boolean {
  const escaped = pattern.toLowerCase().replace(/[.+^$(){}|[\]\\-]/g, "\\$&");
  const re = new RegExp("^" + escaped.replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
  return re.test(host.toLowerCase());
}

/**
 * With DNS, every public service answers its own names; a `host` that is (or, with wildcards,
 * matches) another service's generated name would take that service's requests: an error naming both.
 */
export function checkHostCollisions(services: Record<string, ServiceConfig>, regions: readonly string[], zone: string | undefined, add: AddIssue): void {
  if (!zone) return;
  const names = Object.keys(services).sort();
  for (const a of names) {
    const host = services[a].host;
    if (!services[a].public || host === undefined) continue;
    for (const b of names) {
      if (a === b || !services[b].public) continue;
      const taken = generatedHostNames(b, zone, serviceRegions(services[b], regions)).find((n) => hostMatches(host, n));
      if (taken) {
        add(["services", a, "host"], `${host} is ${host === taken ? "" : "a pattern matching "}${taken}, the name ecs-fleet gives service ${b}; requests for ${b} would reach ${a}: choose another host for ${a}`);
      }
    }
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
 * give 1,999 lines, not two million. With DNS (`withDns`) each service also has its own names, so
 * only services sharing an explicit `host` can clash.
 */
export function checkServiceRoutes(services: Record<string, ServiceConfig>, regions: readonly string[], add: AddIssue, withDns = false): void {
  const owners = new Map<string, string>();
  for (const name of Object.keys(services).sort()) {
    const s = services[name];
    if (!s.public || (withDns && s.host === undefined)) continue;
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
