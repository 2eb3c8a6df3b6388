/**
 * Validation of a stack's whole config, before anything is created: structural checks from the one
 * schema, then cross-field checks, every problem collected with its key path.
 *
 * Input is the config map exactly as Pulumi holds it (`"ecs-fleet:regions"` → JSON text), so the
 * program, the offline plan and the Automation API validate the same thing the same way.
 */
import { z } from "zod";
import { AddIssue, Path } from "./sections/common";
import { FleetConfig, HOME_REGION_KEY, NAMESPACE, NamespaceSchema, mapSections, sections } from "./schema";
import { checkRegions } from "./sections/regions";
import { checkHostCollisions, checkService, checkServiceNames, checkServiceRoutes } from "./sections/services";
import { checkDns, zoneName } from "./sections/dns";
import { checkRollout } from "./sections/rollout";
import { checkBatch } from "./sections/batch";
import { checkSecretAccounts } from "./sections/env";
import { checkRawSiteOverrides, checkServiceSites, checkSite, checkSiteNames } from "./sections/sites";
import { isKnownRegion, suggestRegion } from "./regions";
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

/** The `ecs-fleet:` keys of a raw config map, as one object of parsed values. */
export function namespaceOf(raw: Record<string, string>): Record<string, unknown> {
  const ns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith(`${NAMESPACE}:`)) ns[key.slice(NAMESPACE.length + 1)] = parseConfigValue(value);
  }
  return ns;
}

function zodIssues(error: z.ZodError, prefix: Path, add: AddIssue): void {
  for (const issue of error.issues) add([...prefix, ...issue.path], issue.message);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/**
 * Validates a whole stack config. Never throws for bad input: every problem comes back as an issue.
 */
export function validateConfig(raw: Record<string, string>, ctx: ValidationContext): ValidationResult {
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
    const hint = suggestRegion(homeRegion);
    issues.push({ path: HOME_REGION_KEY, message: `unknown AWS region "${homeRegion}"${hint ? ` (did you mean ${hint}?)` : ""}` });
  }

  // Structure: the one schema, all at once.
  const ns = namespaceOf(raw);
  const full = NamespaceSchema.safeParse(ns);
  if (!full.success) zodIssues(full.error, [], add);

  // Cross-field checks run on every part that is valid on its own, so one bad entry does not hide
  // the problems of the others.
  const partial: Record<string, unknown> = {};
  const declared: Record<string, string[]> = {};
  for (const key of Object.keys(sections) as (keyof typeof sections)[]) {
    const value = ns[key];
    const entrySchema = mapSections[key];
    if (entrySchema) {
      declared[key] = isMapping(value) ? Object.keys(value) : [];
      const valid: Record<string, unknown> = {};
      if (isMapping(value)) {
        for (const [name, entry] of Object.entries(value)) {
          const r = entrySchema.safeParse(entry);
          if (r.success) valid[name] = r.data;
        }
      }
      partial[key] = valid;
    } else {
      const r = (sections[key] as z.ZodTypeAny).safeParse(value);
      partial[key] = r.success ? r.data : undefined;
    }
  }
  const config = partial as Omit<FleetConfig, "homeRegion">;
  const regionNames = declared.regions;

  checkRegions(config.regions, regionNames, add);
  checkServiceNames(declared.services, add);
  for (const [name, service] of Object.entries(config.services)) checkService(name, service, regionNames, add);
  checkServiceRoutes(config.services, regionNames, add, config.dns !== undefined);
  checkHostCollisions(config.services, regionNames, config.dns ? zoneName(config.dns) : undefined, add);
  checkDns(config.dns, Object.keys(config.services).filter((n) => config.services[n].public), regionNames, add);
  checkRollout(config.rollout, regionNames, add);
  checkBatch(config.batch, declared.batch, regionNames, add);
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

