/** `ecs-fleet:regions`: the AWS regions the fleet runs in, keyed by region name. */
import { z } from "zod";
import { AddIssue, Path, integer, mapOf, oneOf, struct, text } from "./common";
import { formatCidr, isNetworkAddress, networkOf, overlaps, parseCidr } from "../cidr";
import { isKnownRegion, suggestRegion } from "../regions";

/** Smallest and largest VPC prefix ecs-fleet accepts (room for 6 AZs × public + private /28 subnets). */
export const MIN_PREFIX = 16;
export const MAX_PREFIX = 24;

export const RegionSchema = struct(
  {
    /** IPv4 CIDR of the region's VPC; /16 to /24; must not overlap another region's. Required. */
    cidr: text(`an IPv4 CIDR block from /${MIN_PREFIX} to /${MAX_PREFIX}, e.g. 10.10.0.0/16`),
    /** Availability zones to spread over, 2..6. Default 3. */
    azCount: integer(2, 6).default(3),
    /** NAT gateways for private subnets' egress: one per AZ, a single shared one, or none. Default single. */
    natGateways: oneOf(["perAz", "single", "none"] as const).default("single"),
  },
  "cidr, azCount, natGateways",
);

export const RegionsSchema = mapOf(RegionSchema, "region names (e.g. eu-west-1) to { cidr, azCount, natGateways }");

export type RegionConfig = z.infer<typeof RegionSchema>;

/** Cross-field checks: region names, CIDR form, overlaps. `regions` holds only entries that parsed. */
export function checkRegions(regions: Record<string, RegionConfig>, declared: readonly string[], add: AddIssue): void {
  if (declared.length === 0) {
    add(["regions"], "at least one region is required, e.g. { eu-west-1: { cidr: 10.10.0.0/16 } }");
  }
  for (const name of declared) {
    if (!isKnownRegion(name)) {
      const hint = suggestRegion(name);
      add(["regions", name], `unknown AWS region "${name}"${hint ? ` (did you mean ${hint}?)` : ""}`);
    }
  }
  const parsed: { name: string; text: string; cidr: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
  for (const [name, region] of Object.entries(regions)) {
    const cidr = parseCidr(region.cidr);
    if (!cidr) {
      add(["regions", name, "cidr"], `expected an IPv4 CIDR block such as 10.10.0.0/16, got "${region.cidr}"`);
      continue;
    }
    if (cidr.prefix < MIN_PREFIX || cidr.prefix > MAX_PREFIX) {
      add(["regions", name, "cidr"], `prefix must be from /${MIN_PREFIX} to /${MAX_PREFIX}, got /${cidr.prefix}`);
      continue;
    }
    if (!isNetworkAddress(cidr)) {
      add(["regions", name, "cidr"], `${region.cidr} is not a network address (host bits are set); did you mean ${formatCidr(networkOf(cidr))}?`);
      continue;
    }
    parsed.push({ name, text: region.cidr, cidr });
  }
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      if (overlaps(parsed[i].cidr, parsed[j].cidr)) {
        add(
          ["regions", parsed[j].name, "cidr"],
          `${parsed[j].text} overlaps ${parsed[i].text} of region ${parsed[i].name}; every region needs its own address range`,
        );
      }
    }
  }
}

/** Checks a list of region names (a service's or a job's `regions`): each configured, none twice. */
export function checkRegionList(list: readonly string[], configured: readonly string[], path: Path, add: AddIssue): void {
  const seen = new Set<string>();
  list.forEach((r, i) => {
    if (!configured.includes(r)) {
      add([...path, i], `"${r}" is not a configured region (configured: ${configured.join(", ") || "none"})`);
    } else if (seen.has(r)) {
      add([...path, i], `${r} is listed twice`);
    }
    seen.add(r);
  });
}
