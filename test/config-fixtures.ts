/** Config maps for tests, in the exact form Pulumi hands the program. */

export const CTX = { stack: "dev", project: "ecs-fleet", now: new Date("2026-11-24T00:00:00Z") };

/** Builds a raw config map from plain objects (objects are JSON-encoded, as Pulumi stores them). */
export function rawConfig(config: Record<string, unknown>, homeRegion: string | null = "eu-west-1"): Record<string, string> {
  const raw: Record<string, string> = {};
  if (homeRegion !== null) raw["aws:region"] = homeRegion;
  for (const [key, value] of Object.entries(config)) {
    raw[key.includes(":") ? key : `ecs-fleet:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return raw;
}

/** A small valid config: two regions, one service everywhere. */
export function validConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    regions: {
      "eu-west-1": { cidr: "10.10.0.0/16", azCount: 3, natGateways: "single" },
      "us-east-1": { cidr: "10.20.0.0/16" },
    },
    services: {
      web: { image: "public.ecr.aws/nginx/nginx:1.27", cpu: 256, memory: 512, desiredCount: 2 },
    },
    ...overrides,
  };
}
