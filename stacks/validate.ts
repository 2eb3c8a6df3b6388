/**
 * Validation of a stack's whole config, before anything is created: structural checks from the one
 * schema, then cross-field checks, every problem collected with its key path.
 *
 * Input is the config map exactly as Pulumi holds it (`"ecs-fleet:regions"` → JSON text), so the
 * program, the offline plan and the Automation API validate the same thing the same way.
 */
import { z } from "zod";
import { AddIssue, Path, hint, isMapping, salvage } from "./sections/common";
import { FleetConfig, HOME_REGION_KEY, NAMESPACE, NamespaceSchema, mapSections, sections } from "./schema";
import { checkRegions } from "./sections/regions";
import { checkHostCollisions, checkService, checkServiceNames, checkServiceRoutes } from "./sections/services";
import { checkDns, zoneName } from "./sections/dns";
import { checkRollout } from "./sections/rollout";
import { checkBatch } from "./sections/batch";
import { checkSecretAccounts } from "./sections/env";
import { checkRawSiteOverrides, checkServiceSites, checkSite, checkSiteHostPorts, checkSiteNames } from "./sections/sites";
import { checkRoutingLimits } from "./sections/routing-limits";
import { editDistance, isKnownRegion, suggestRegion } from "./regions";
import { planFleet } from "./plan";
import { checkOwnership } from "./ownership";

/** One problem, at a key path such as `ecs-fleet:services.web.memory`. */
export interface ConfigIssue {
  path: string;
  message: string;
}

export interface ValidationContext {
  stack: string;
  project: string;
  /** The clock for date checks (activation expiry); injected so tests are stable. */
  now: Date;
}

export type ValidationResult = { ok: true; config: FleetConfig } | { ok: false; issues: ConfigIssue[] };

/** `"<path>: <message>"`. */
export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path}: ${issue.message}`;
}

/** Thrown by the program when the config is invalid; carries every issue. */
export class ConfigValidationError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`invalid stack config (${issues.length} ${issues.length === 1 ? "problem" : "problems"}):\n${issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`);
    this.name = "ConfigValidationError";
  }
}

/** `ecs-fleet:services.web.regions[1]`. */
export function formatPath(path: Path): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? `${NAMESPACE}:${part}` : `.${part}`;
  }
  return out === "" ? `${NAMESPACE}` : out;
}

/** Parses one raw config value: JSON where it is JSON (objects, lists, numbers), the text otherwise. */
export function parseConfigValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The `ecs-fleet:` keys of a raw config map, as one object of parsed values (no prototype: every key is data). */
export function namespaceOf(raw: Record<string, string>): Record<string, unknown> {
  const ns = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (key.startsWith(`${NAMESPACE}:`)) ns[key.slice(NAMESPACE.length + 1)] = parseConfigValue(raw[key]);
  }
  return ns;
}

/** Letters and digits only, lowercase: `ECS_Fleet` and `ecs-fleet` are the same namespace to a reader's eye. */
function squash(ns: string): string {
  return ns.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * Keys in a namespace that is almost `ecs-fleet` (`ecs-flet:batch`, `ecs_fleet:services`,
 * `Ecs-Fleet:regions`): Pulumi hands them to the program, which would never read them — the plan
 * would silently have no batch, no services. An error naming the key it was meant to be.
 */
export function nearMissNamespaceIssues(raw: Record<string, string>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const key of Object.keys(raw)) {
    const i = key.indexOf(":");
    if (i < 0) continue;
    const ns = key.slice(0, i);
    if (ns === NAMESPACE || ns.length > 64) continue;
    if (squash(ns) === squash(NAMESPACE) || editDistance(ns.toLowerCase(), NAMESPACE) <= 2) {
      const name = key.slice(i + 1);
      const known = Object.keys(sections);
      const target = known.includes(name) ? name : (hint(name, known) ? name.toLowerCase() : name);
      out.push({
        path: key,
        message: `namespace "${ns}" is not read by this program (its namespace is ${NAMESPACE}); did you mean ${NAMESPACE}:${target}?`,
      });
    }
  }
  return out;
}

function zodIssues(error: z.ZodError, prefix: Path, add: AddIssue): void {
  for (const issue of error.issues) add([...prefix, ...issue.path], issue.message);
}

/** For each raw job that did not parse at all: its `after` names as written (strings only), for the cycle check. */
function rawAfterOf(rawBatch: unknown, parsed: Record<string, unknown>): Record<string, string[]> {
  const out = Object.create(null) as Record<string, string[]>;
  if (!isMapping(rawBatch)) return out;
  for (const name of Object.keys(rawBatch)) {
    if (Object.prototype.hasOwnProperty.call(parsed, name)) continue;
    const job = rawBatch[name];
    const after = isMapping(job) && Object.prototype.hasOwnProperty.call(job, "after") ? job.after : undefined;
    if (Array.isArray(after) && after.every((a) => typeof a === "string")) out[name] = after as string[];
  }
  return out;
}

/** Recent results of `validateConfig`, by input (most recent last). */
const recentResults = new Map<string, ValidationResult>();
/** How many results `validateConfig` keeps. */
const RECENT_RESULTS = 256;

/** Freezes `value` and everything reachable from it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * Validates a whole stack config. Never throws for bad input: every problem comes back as an issue.
 *
 * A pure function of `raw` and `ctx`, and asked the same question often — `npm run plan` and the
 * tests validate before running the program, which validates again; the Automation API validates
 * before every command of a rollout — so the last 256 results are kept, by input, and handed out
 * again. A result is frozen (deeply): nobody can change what another caller will read.
 */
export function validateConfig(raw: Record<string, string>, ctx: ValidationContext): ValidationResult {
  const key = JSON.stringify([Object.entries(raw).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), ctx.stack, ctx.project, ctx.now.getTime()]);
  const known = recentResults.get(key);
  if (known) {
    recentResults.delete(key);
    recentResults.set(key, known);
    return known;
  }
  const result = deepFreeze(validateUncached(raw, ctx));
  recentResults.set(key, result);
  if (recentResults.size > RECENT_RESULTS) recentResults.delete(recentResults.keys().next().value as string);
  return result;
}

function validateUncached(raw: Record<string, string>, ctx: ValidationContext): ValidationResult {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  const add: AddIssue = (path, message) => {
    const issue = { path: formatPath(path), message };
    const key = formatIssue(issue);
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  };

  // Home region (outside the namespace).
  const homeRegion = raw[HOME_REGION_KEY];
  if (homeRegion === undefined || homeRegion.trim() === "") {
    issues.push({ path: HOME_REGION_KEY, message: "required: the home region, where global resources (DNS) are managed, e.g. eu-west-1" });
  } else if (!isKnownRegion(homeRegion)) {
    const near = suggestRegion(homeRegion);
    issues.push({ path: HOME_REGION_KEY, message: `unknown AWS region "${homeRegion}"${near ? ` (did you mean ${near}?)` : ""}` });
  }
  issues.push(...nearMissNamespaceIssues(raw));

  // Structure: the one schema, all at once.
  const ns = namespaceOf(raw);
  const full = NamespaceSchema.safeParse(ns);
  if (!full.success) zodIssues(full.error, [], add);

  // Cross-field checks run on every part that is valid, so one bad entry — or one bad key in an
  // entry — does not hide the other problems: each entry is salvaged (unknown keys and invalid
  // values dropped, defaults in their place; those are issues of the strict parse already).
  const partial: Record<string, unknown> = {};
  const declared: Record<string, string[]> = {};
  for (const key of Object.keys(sections) as (keyof typeof sections)[]) {
    const value = Object.prototype.hasOwnProperty.call(ns, key) ? ns[key] : undefined;
    const entrySchema = mapSections[key];
    if (entrySchema) {
      declared[key] = isMapping(value) ? Object.keys(value) : [];
      const valid = Object.create(null) as Record<string, unknown>;
      if (isMapping(value)) {
        for (const name of Object.keys(value)) {
          const data = salvage(entrySchema, value[name]);
          if (data !== undefined) valid[name] = data;
        }
      }
      partial[key] = valid;
    } else {
      partial[key] = salvage(sections[key] as z.ZodTypeAny, value);
    }
  }
  const config = partial as Omit<FleetConfig, "homeRegion">;
  const regionNames = declared.regions;

  checkRegions(config.regions, regionNames, add, homeRegion);
  checkServiceNames(declared.services, add);
  for (const [name, service] of Object.entries(config.services)) checkService(name, service, regionNames, add, declared.sites);
  checkServiceRoutes(config.services, regionNames, add, config.dns !== undefined);
  checkHostCollisions(config.services, regionNames, config.dns ? zoneName(config.dns) : undefined, add);
  checkDns(config.dns, Object.keys(config.services).filter((n) => config.services[n].public), regionNames, add);
  checkRollout(config.rollout, regionNames, add);
  checkBatch(config.batch, declared.batch, regionNames, add, rawAfterOf(ns.batch, config.batch));
  checkSiteNames(declared.sites, { regions: regionNames }, add);
  for (const [name, site] of Object.entries(config.sites)) checkSite(name, site, { regions: regionNames, now: ctx.now }, add);
  for (const [name, service] of Object.entries(config.services)) checkServiceSites(name, service, config.sites, declared.sites, add);
  checkRawSiteOverrides(ns.services, add);
  checkSecretAccounts(
    [
      ...Object.entries(config.services).flatMap(([name, s]) => [
        { path: ["services", name], secrets: s.secrets },
        ...Object.entries(s.overrides ?? {}).map(([where, o]) => ({ path: ["services", name, "overrides", where], secrets: o.secrets })),
      ]),
      ...Object.entries(config.batch).map(([name, j]) => ({ path: ["batch", name], secrets: j.secrets })),
    ],
    config.account,
    add,
  );
  checkSiteHostPorts(config.services, config.sites, add);
  checkRoutingLimits(config.services, config.dns, regionNames, add);

  if (issues.length > 0 || !full.success) {
    return { ok: false, issues };
  }
  const valid: FleetConfig = { ...(full.data as Omit<FleetConfig, "homeRegion">), homeRegion: homeRegion as string };
  // One owner per physical object: names from different sections (service web and batch job web)
  // or that clean to one name must not meet in one scope (stacks/ownership.ts).
  for (const clash of checkOwnership(planFleet(valid, { project: ctx.project, stack: ctx.stack, now: ctx.now }))) add(clash.path, clash.message);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, config: valid };
}

