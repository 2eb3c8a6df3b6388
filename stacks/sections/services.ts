/** `ecs-fleet:services`: container services, defined once, fanned out to the regions they name. */
import { z } from "zod";
import { AddIssue, Path, integer, listOf, mapOf, struct, text } from "./common";
import { fargateSizeProblem } from "../fargate";
import { DNS_NAME } from "../naming";

/** Service names are used verbatim in ECS service, Service Connect and DNS names: keep them short. */
export const MAX_SERVICE_NAME = 32;

/** A container image reference: no whitespace. */
const IMAGE = /^[^\s]+$/;

/** What may differ per region. */
export const ServiceOverrideSchema = struct(
  {
    /** Tasks in this region. Default: the service's desiredCount. */
    desiredCount: integer(0).optional(),
    /** Fargate CPU units in this region. Default: the service's cpu. */
    cpu: integer(1).optional(),
    /** MiB in this region. Default: the service's memory. */
    memory: integer(1).optional(),
    /** Image in this region (rollouts set it wave by wave). Default: the service's image. */
    image: text("a container image reference", IMAGE).optional(),
  },
  "desiredCount, cpu, memory, image",
);

export const ServiceSchema = struct(
  {
    /** Container image, e.g. public.ecr.aws/nginx/nginx:1.27. Required. */
    image: text("a container image reference such as public.ecr.aws/nginx/nginx:1.27", IMAGE),
    /** Fargate CPU units (256, 512, 1024, 2048, 4096, 8192, 16384). Required. */
    cpu: integer(1),
    /** Memory in MiB; a valid Fargate pair with cpu. Required. */
    memory: integer(1),
    /** Tasks per region. Default 1. */
    desiredCount: integer(0).default(1),
    /** Regions to run in. Default: every configured region. */
    regions: listOf(text("a region name"), "region names").optional(),
    /** On-prem sites (ecs-fleet:sites) to run at as well. Default: none. */
    sites: listOf(text("a site name"), "site names").optional(),
    /**
     * Port the container listens on; published on the host at ECS Anywhere sites. Optional.
     * (Issue 3, regional services, declares the same key for the load balancer: keep one declaration when merging.)
     */
    containerPort: integer(1, 65535).optional(),
    /** Per-region and per-site overrides, keyed by region or site name. */
    overrides: mapOf(ServiceOverrideSchema, "region or site names to overrides").optional(),
  },
  "image, cpu, memory, desiredCount, regions, sites, containerPort, overrides",
);

export const ServicesSchema = mapOf(ServiceSchema, "service names to service definitions");

export type ServiceConfig = z.infer<typeof ServiceSchema>;
export type ServiceOverride = z.infer<typeof ServiceOverrideSchema>;

/**
 * Override keys that apply at an ECS Anywhere site. Everything else (load balancer, capacity
 * providers, auto scaling on request counts, ...) has no meaning on external instances.
 */
export const SITE_OVERRIDE_KEYS: readonly string[] = ["desiredCount", "cpu", "memory", "image"];

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
    const why = NOT_AT_SITES[key] ?? `ecs-fleet does not apply ${key} to site services`;
    add([...base, "overrides", site, key], `${key} cannot be overridden at site ${site}: ${why}; allowed at a site: ${SITE_OVERRIDE_KEYS.join(", ")}`);
  }
}

/** The regions a service runs in: its own list, or every configured region. */
export function serviceRegions(service: Pick<ServiceConfig, "regions">, allRegions: readonly string[]): string[] {
  return service.regions ?? [...allRegions];
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

/** Cross-field checks of one service that parsed. */
export function checkService(name: string, service: ServiceConfig, regions: readonly string[], add: AddIssue): void {
  const base = ["services", name];
  const size = fargateSizeProblem(service.cpu, service.memory);
  if (size) add([...base, size.field], size.message);

  const runsIn = serviceRegions(service, regions);
  if (service.regions) {
    if (service.regions.length === 0 && (service.sites ?? []).length === 0) {
      add([...base, "regions"], "name at least one region, or leave regions out to run in every region");
    }
    const seen = new Set<string>();
    service.regions.forEach((r, i) => {
      if (!regions.includes(r)) {
        add([...base, "regions", i], `"${r}" is not a configured region (configured: ${regions.join(", ") || "none"})`);
      } else if (seen.has(r)) {
        add([...base, "regions", i], `${r} is listed twice`);
      }
      seen.add(r);
    });
  }

  for (const [where, override] of Object.entries(service.overrides ?? {})) {
    if (!runsIn.includes(where) && (service.sites ?? []).includes(where)) {
      // A site the service lists: site-specific keys only (the site's own checks are in sections/sites.ts).
      checkSiteOverride(base, where, override, add);
      continue;
    }
    if (!runsIn.includes(where)) {
      add([...base, "overrides", where], `the service does not run in ${where} (it runs in ${runsIn.join(", ") || "no region"}); add ${where} to regions or remove this override`);
      continue;
    }
    if (override.cpu !== undefined || override.memory !== undefined) {
      const cpu = override.cpu ?? service.cpu;
      const memory = override.memory ?? service.memory;
      const problem = fargateSizeProblem(cpu, memory);
      // Report at the override only when the base pair is fine (otherwise the base error says it all).
      if (problem && !size) add([...base, "overrides", where, override[problem.field] !== undefined ? problem.field : (problem.field === "cpu" ? "memory" : "cpu")], problem.message);
    }
  }
}
