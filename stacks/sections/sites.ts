/**
 * `ecs-fleet:sites`: on-premises sites whose hosts join ECS through ECS Anywhere (SSM activation +
 * ECS agent, launch type EXTERNAL). Keyed by site name; a service runs at the sites it lists.
 */
import { z } from "zod";
import { AddIssue, describeValue, hasOwn, hint, integer, isMapping, mapOf, nameList, own, struct, text } from "./common";
import { ServiceConfig, checkSiteOverride, effectiveDesiredCount } from "./services";
import { DNS_NAME } from "../naming";
import { isKnownRegion, partitionOf, suggestRegion } from "../regions";

/** Site names appear in cluster, role and log group names: keep them short. */
export const MAX_SITE_NAME = 32;

/** SSM: at most this many hosts register with one activation. */
export const MAX_REGISTRATION_LIMIT = 1000;

/** SSM: an activation expires at most this many days after it is created. */
export const MAX_ACTIVATION_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD`. */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Network modes of an EXTERNAL task on Linux that ecs-fleet supports. */
export const SITE_NETWORK_MODES = ["bridge", "host"] as const;
export type SiteNetworkMode = (typeof SITE_NETWORK_MODES)[number];

/** `bridge` or `host`; `awsvpc` is rejected with the reason. */
function networkMode(): z.ZodEffects<z.ZodUnknown, SiteNetworkMode, unknown> {
  return z.unknown().transform((v, ctx) => {
    if (v === "bridge" || v === "host") return v;
    if (v === "awsvpc") {
      ctx.addIssue({
        code: "custom",
        message: "awsvpc is not supported on external instances (ECS Anywhere tasks cannot get their own network interface); use bridge or host",
      });
      return z.NEVER;
    }
    ctx.addIssue({ code: "custom", message: `must be one of ${SITE_NETWORK_MODES.join(", ")}, got ${describeValue(v)}` });
    return z.NEVER;
  });
}

export const SiteActivationSchema = struct(
  {
    /**
     * Last day (UTC, `YYYY-MM-DD`) on which new hosts can register; at most 30 days ahead. Change it
     * to rotate the activation (new id and code). Required.
     */
    expires: text("a date such as 2026-12-20 (YYYY-MM-DD, UTC)"),
    /** Hosts that may register with this activation; at least hosts, at most 1000. Default: hosts. */
    registrationLimit: integer(1).optional(),
  },
  "expires, registrationLimit",
);

export const SiteSchema = struct(
  {
    /** Home region of the site's cluster and SSM activation; need not be in ecs-fleet:regions. Required. */
    region: text("an AWS region name such as eu-west-1"),
    /** Hosts the platform team expects to register, at least 1. Required. */
    hosts: integer(1),
    /** SSM activation while hosts are being onboarded. Default: none (no new host can register). */
    activation: SiteActivationSchema.optional(),
    /** Task network mode: bridge or host. Default bridge. */
    networkMode: networkMode().default("bridge"),
  },
  "region, hosts, activation, networkMode",
);

export const SitesSchema = mapOf(SiteSchema, "site names to { region, hosts, activation, networkMode }");

export type SiteConfig = z.infer<typeof SiteSchema>;
export type SiteActivation = z.infer<typeof SiteActivationSchema>;

/** Parses `YYYY-MM-DD` as midnight UTC; undefined for anything that is not a real calendar date. */
export function parseDate(value: string): Date | undefined {
  if (!DATE.test(value)) return undefined;
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) return undefined;
  return d;
}

/** The activation's `expirationDate` input (RFC 3339), from the config date alone: never from the clock. */
export function expirationTimestamp(expires: string): string {
  return `${expires}T00:00:00Z`;
}

/** Whether the activation date has passed at `now`. */
export function isExpired(expires: string, now: Date): boolean {
  const d = parseDate(expires);
  return d !== undefined && d.getTime() <= now.getTime();
}

/** Registration limit in effect: the configured one, or one per expected host. */
export function registrationLimitOf(site: Pick<SiteConfig, "hosts" | "activation">): number {
  return site.activation?.registrationLimit ?? site.hosts;
}

export interface SiteCheckContext {
  /** Every configured region name (declared keys of ecs-fleet:regions). */
  regions: readonly string[];
  /** The injected clock for expiry checks. */
  now: Date;
}

/** Checks site names (declared keys, valid or not). */
export function checkSiteNames(declared: readonly string[], ctx: Pick<SiteCheckContext, "regions">, add: AddIssue): void {
  for (const name of declared) {
    if (!DNS_NAME.test(name)) {
      add(["sites", name], `site names must be DNS-safe (lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen), got "${name}"`);
    } else if (name.length > MAX_SITE_NAME) {
      add(["sites", name], `site names are used in cluster, IAM role and log group names and may be at most ${MAX_SITE_NAME} characters, got ${name.length}`);
    } else if (isKnownRegion(name) || ctx.regions.includes(name)) {
      add(["sites", name], `"${name}" is an AWS region name; service overrides are keyed by region and site names alike, so name the site differently (e.g. ${name}-dc)`);
    }
  }
}

/** Cross-field checks of one site that parsed. */
export function checkSite(name: string, site: SiteConfig, ctx: SiteCheckContext, add: AddIssue): void {
  const base = ["sites", name];
  if (!isKnownRegion(site.region)) {
    const hint = suggestRegion(site.region);
    add([...base, "region"], `unknown AWS region "${site.region}"${hint ? ` (did you mean ${hint}?)` : ""}`);
  } else if (partitionOf(site.region) !== "aws") {
    add(
      [...base, "region"],
      `ECS Anywhere sites are supported only in commercial AWS regions (partition aws); ${site.region} is in partition ${partitionOf(site.region)}`,
    );
  }

  const activation = site.activation;
  if (!activation) return;
  const expires = parseDate(activation.expires);
  if (!expires) {
    add([...base, "activation", "expires"], `expected a date such as 2026-12-20 (YYYY-MM-DD, UTC), got "${activation.expires}"`);
  } else if (expires.getTime() > ctx.now.getTime() + MAX_ACTIVATION_DAYS * DAY_MS) {
    const latest = new Date(ctx.now.getTime() + MAX_ACTIVATION_DAYS * DAY_MS).toISOString().slice(0, 10);
    add(
      [...base, "activation", "expires"],
      `an SSM activation expires at most ${MAX_ACTIVATION_DAYS} days after it is created; pick a date no later than ${latest}, got ${activation.expires}`,
    );
  }
  const limit = registrationLimitOf(site);
  if (activation.registrationLimit === undefined && site.hosts > MAX_REGISTRATION_LIMIT) {
    // The limit nobody set defaults to hosts: the key the user wrote is hosts.
    add(
      [...base, "hosts"],
      `${site.hosts} hosts cannot onboard through one SSM activation (at most ${MAX_REGISTRATION_LIMIT} registrations each, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateActivation.html); split the site, or onboard in batches with activation.registrationLimit of at most ${MAX_REGISTRATION_LIMIT}`,
    );
  } else if (limit < site.hosts || limit > MAX_REGISTRATION_LIMIT) {
    add(
      [...base, "activation", "registrationLimit"],
      `must be at least hosts (${site.hosts}) and at most ${MAX_REGISTRATION_LIMIT} (the SSM limit per activation), got ${limit}`,
    );
  }
}

/** Whether each task at a site holds a fixed port on its host (host networking, or a published container port). */
export function bindsHostPort(site: Pick<SiteConfig, "networkMode">, service: { containerPort?: number }): boolean {
  return site.networkMode === "host" || service.containerPort !== undefined;
}

/**
 * The site side of one service: every listed site exists, is listed once, and — where tasks hold a
 * fixed host port — the site's desired count fits on its hosts. `sites` holds only entries that
 * parsed; `declared` every configured site name.
 */
export function checkServiceSites(
  name: string,
  service: ServiceConfig,
  sites: Record<string, SiteConfig>,
  declared: readonly string[],
  add: AddIssue,
): void {
  const base = ["services", name];
  const seen = new Set<string>();
  (service.sites ?? []).forEach((siteName, i) => {
    if (!declared.includes(siteName)) {
      add([...base, "sites", i], `"${siteName}" is not a configured site${hint(siteName, declared)} (configured: ${nameList(declared)})`);
      return;
    }
    if (seen.has(siteName)) {
      add([...base, "sites", i], `${siteName} is listed twice`);
      return;
    }
    seen.add(siteName);
    const site = own(sites, siteName);
    if (!site) return; // the site's own errors say it all
    const override = own(service.overrides, siteName);
    const count = effectiveDesiredCount(service, siteName);
    const containerPort = service.containerPort;
    if (count > site.hosts && bindsHostPort(site, service)) {
      const why =
        site.networkMode === "host"
          ? "with host networking every task binds its ports on the host itself"
          : `each task publishes container port ${containerPort} on the same host port`;
      const path = override?.desiredCount !== undefined ? [...base, "overrides", siteName, "desiredCount"] : [...base, "sites", i];
      add(
        path,
        `${count} tasks at ${siteName} but the site has ${site.hosts} host(s); ${why}, so at most ${site.hosts} fit without port collisions: ` +
          `set overrides.${siteName}.desiredCount to at most ${site.hosts} or raise sites.${siteName}.hosts`,
      );
    }
  });
}

/**
 * The site-override allow-list over the services as written (before parsing): a service whose
 * override has a key no schema knows (`public`, `requestsPerTarget`) does not parse, yet the key
 * still gets its reason, not only "unknown key".
 */
export function checkRawSiteOverrides(rawServices: unknown, add: AddIssue): void {
  if (!isMapping(rawServices)) return;
  for (const name of Object.keys(rawServices)) {
    const service = rawServices[name];
    if (!isMapping(service) || !Array.isArray(own(service, "sites")) || !isMapping(own(service, "overrides"))) continue;
    const overrides = service.overrides as Record<string, unknown>;
    for (const site of service.sites as unknown[]) {
      if (typeof site === "string" && hasOwn(overrides, site) && isMapping(overrides[site])) checkSiteOverride(["services", name], site, overrides[site] as Record<string, unknown>, add);
    }
  }
}

/**
 * Two services at one site publishing the same host port: with bridge networking each publishes its
 * containerPort on the same host port, with host networking the container binds it on the host
 * directly, so the second service's tasks could never start on any host. Reported once per service,
 * at the later service's containerPort, naming the first.
 */
export function checkSiteHostPorts(services: Record<string, ServiceConfig>, sites: Record<string, SiteConfig>, add: AddIssue): void {
  const owners = new Map<string, string>();
  for (const name of Object.keys(services).sort()) {
    const service = services[name];
    if (service.containerPort === undefined) continue;
    const clashes: string[] = [];
    for (const siteName of new Set(service.sites ?? [])) {
      const site = own(sites, siteName);
      if (!site || !bindsHostPort(site, service)) continue;
      const key = `${siteName}\u0000${service.containerPort}`;
      const owner = owners.get(key);
      if (owner === undefined) owners.set(key, name);
      else clashes.push(`${owner} at ${siteName}`);
    }
    if (clashes.length > 0) {
      add(
        ["services", name, "containerPort"],
        `host port ${service.containerPort} is already published by ${nameList(clashes, 5)}; tasks of two services cannot bind one host port on the same hosts: give ${name} another containerPort or run it at other sites`,
      );
    }
  }
}
