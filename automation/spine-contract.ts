/**
 * TEMPORARY: local copies of the spine's contracts (stacks/validate.ts, stacks/schema.ts, program.ts)
 * so automation/ can be built and tested before the spine lands on main. Delete this file and import
 * from the real modules once main has them; nothing outside automation/ may import it.
 *
 * `validateConfig` here checks only the shape automation/ relies on (service images, regions, sites,
 * rollout waves); the real one checks everything.
 */

export interface ConfigIssue {
  path: string;
  message: string;
}
export interface ValidationContext {
  stack: string;
  project: string;
  now: Date;
}

export interface ServiceOverride {
  image?: string;
  desiredCount?: number;
  cpu?: number;
  memory?: number;
}
export interface ServiceConfig {
  image: string;
  cpu: number;
  memory: number;
  desiredCount: number;
  regions?: string[];
  sites?: string[];
  overrides?: Record<string, ServiceOverride>;
}
export interface FleetConfig {
  homeRegion: string;
  regions: Record<string, { cidr: string; azCount: number; natGateways: "perAz" | "single" | "none" }>;
  services: Record<string, ServiceConfig>;
  sites?: Record<string, { region: string; hosts: number }>;
  rollout?: { waves?: string[][]; bakeMinutes: number };
}

export type ValidationResult = { ok: true; config: FleetConfig } | { ok: false; issues: ConfigIssue[] };

export interface FleetStackOutputs {
  regions: Record<
    string,
    {
      vpcId: string;
      clusterName: string;
      clusterArn: string;
      services?: Record<string, { serviceName: string; url?: string; alarms: string[] }>;
    }
  >;
  sites?: Record<
    string,
    {
      clusterName: string;
      activationId?: string;
      activationExpires?: string;
      services?: Record<string, { serviceName: string }>;
    }
  >;
  services?: Record<string, { globalUrl?: string }>;
}

export function formatIssue(i: ConfigIssue): string {
  return `${i.path}: ${i.message}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function validateConfig(raw: Record<string, string>, ctx: ValidationContext): ValidationResult {
  const ns = ctx.project;
  const issues: ConfigIssue[] = [];
  const obj = (key: string): unknown => {
    const text = raw[`${ns}:${key}`];
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  const homeRegion = raw[`${ns}:homeRegion`];
  if (typeof homeRegion !== "string") issues.push({ path: `${ns}:homeRegion`, message: "required" });
  const regions = obj("regions");
  if (!isRecord(regions) || Object.keys(regions).length === 0) {
    issues.push({ path: `${ns}:regions`, message: "at least one region is required" });
  }
  const regionKeys = isRecord(regions) ? Object.keys(regions) : [];
  const sites = obj("sites");
  if (sites !== undefined && !isRecord(sites)) issues.push({ path: `${ns}:sites`, message: "must be a map" });
  const services = obj("services");
  if (!isRecord(services)) {
    issues.push({ path: `${ns}:services`, message: "must be a map" });
  } else {
    for (const [name, svc] of Object.entries(services)) {
      const p = `${ns}:services.${name}`;
      if (!isRecord(svc)) {
        issues.push({ path: p, message: "must be a map" });
        continue;
      }
      if (typeof svc.image !== "string" || svc.image === "") issues.push({ path: `${p}.image`, message: "required" });
      for (const r of (svc.regions as string[] | undefined) ?? []) {
        if (!regionKeys.includes(r)) issues.push({ path: `${p}.regions`, message: `unknown region ${r}` });
      }
      for (const [key, o] of Object.entries((svc.overrides as Record<string, unknown> | undefined) ?? {})) {
        if (!isRecord(o)) issues.push({ path: `${p}.overrides.${key}`, message: "must be a map" });
        else if (o.image !== undefined && (typeof o.image !== "string" || o.image === "")) {
          issues.push({ path: `${p}.overrides.${key}.image`, message: "must be a non-empty string" });
        }
      }
    }
  }
  const rollout = obj("rollout");
  if (rollout !== undefined && isRecord(rollout)) {
    for (const wave of (rollout.waves as string[][] | undefined) ?? []) {
      for (const r of wave) {
        if (!regionKeys.includes(r)) issues.push({ path: `${ns}:rollout.waves`, message: `unknown region ${r}` });
      }
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    config: {
      homeRegion: homeRegion as string,
      regions: regions as FleetConfig["regions"],
      services: services as FleetConfig["services"],
      sites: sites as FleetConfig["sites"],
      rollout: isRecord(rollout)
        ? { waves: rollout.waves as string[][] | undefined, bakeMinutes: (rollout.bakeMinutes as number) ?? 10 }
        : undefined,
    },
  };
}
