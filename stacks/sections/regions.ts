/** `ecs-fleet:regions`: the AWS regions the fleet runs in, keyed by region name. */
import { z } from "zod";
import { AddIssue, Path, hint, integer, mapOf, nameList, oneOf, struct, text } from "./common";
import { Cidr, formatCidr, isNetworkAddress, networkOf, overlaps, parseCidr } from "../cidr";
import { isKnownRegion, partitionOf, suggestRegion } from "../regions";

/** Smallest and largest VPC prefix ecs-fleet accepts (room for 6 AZs × public + private /28 subnets). */
export const MIN_PREFIX = 16;
export const MAX_PREFIX = 24;

export const RegionSchema = struct(
  {
    /** IPv4 CIDR of the region's VPC; /16 to /24; must not overlap another region's. Surrounding spaces are trimmed. Required. */
    cidr: text(`an IPv4 CIDR block from /${MIN_PREFIX} to /${MAX_PREFIX}, e.g. 10.10.0.0/16`, undefined, { trim: true }),
    /** Availability zones to spread over, 2..6. Default 3. */
    azCount: integer(2, 6).default(3),
    /** NAT gateways for private subnets' egress: one per AZ, a single shared one, or none. Default single. */
    natGateways: oneOf(["perAz", "single", "none"] as const).default("single"),
  },
  "cidr, azCount, natGateways",
);

export const RegionsSchema = mapOf(RegionSchema, "region names (e.g. eu-west-1) to { cidr, azCount, natGateways }");

export type RegionConfig = z.infer<typeof RegionSchema>;

/**
 * Address ranges a VPC must not use: "this network" 0.0.0.0/8, loopback 127.0.0.0/8, link-local
 * 169.254.0.0/16 (where the instance metadata and Amazon DNS endpoints live), multicast 224.0.0.0/4 and
 * reserved 240.0.0.0/4 (RFC 6890). AWS: a VPC's CIDR is "from the private (non-publicly routable)
 * IPv4 address ranges specified in RFC 1918" or publicly routable ranges you own —
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
 */
export const RESERVED_RANGES: readonly { cidr: string; what: string }[] = [
  { cidr: "0.0.0.0/8", what: "\"this network\" (RFC 1122)" },
  { cidr: "127.0.0.0/8", what: "loopback" },
  { cidr: "169.254.0.0/16", what: "link-local (instance metadata and the Amazon DNS server live there)" },
  { cidr: "224.0.0.0/4", what: "multicast" },
  { cidr: "240.0.0.0/4", what: "reserved (RFC 1112)" },
];

/** Region names, partitions and CIDRs. `regions` holds the entries that parsed (or were salvaged). */
export function checkRegions(regions: Record<string, RegionConfig>, declared: readonly string[], add: AddIssue, homeRegion?: string): void {
  if (declared.length === 0) {
    add(["regions"], "at least one region is required, e.g. { eu-west-1: { cidr: 10.10.0.0/16 } }");
  }
  for (const name of declared) {
    if (!isKnownRegion(name)) {
      const near = suggestRegion(name);
      add(["regions", name], `unknown AWS region "${name}"${near ? ` (did you mean ${near}?)` : ""}`);
    }
  }
  // One stack, one partition: credentials, ARNs and endpoints differ between aws, aws-cn and aws-us-gov
  // (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).
  const reference = homeRegion !== undefined && isKnownRegion(homeRegion) ? { name: homeRegion, key: "aws:region" } : declared.filter(isKnownRegion).map((name) => ({ name, key: `regions.${name}` }))[0];
  if (reference) {
    const want = partitionOf(reference.name);
    for (const name of declared) {
      const got = isKnownRegion(name) ? partitionOf(name) : undefined;
      if (got !== undefined && got !== want) {
        add(["regions", name], `${name} is in partition ${got}, but ${reference.key === "aws:region" ? `the home region aws:region ${reference.name}` : reference.name} is in ${want}; one stack deploys to one partition (separate accounts and credentials): put ${name} in a stack of its own`);
      }
    }
  }
  const parsed: { name: string; text: string; cidr: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
  const reserved = RESERVED_RANGES.map((r) => ({ ...r, block: parseCidr(r.cidr) as Cidr }));
  for (const [name, region] of Object.entries(regions)) {
    if (/(^|\.)0\d/.test(region.cidr.split("/")[0]) || /\/0\d/.test(region.cidr)) {
      const fixed = region.cidr.replace(/(^|[./])0+(\d)/g, "$1$2");
      add(["regions", name, "cidr"], `leading zeros are not allowed in a CIDR (AWS and many tools read 010 as octal 8), got "${region.cidr}"; write ${fixed}`);
      continue;
    }
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
    const clash = reserved.find((r) => overlaps(r.block, cidr));
    if (clash) {
      add(["regions", name, "cidr"], `${region.cidr} overlaps ${clash.cidr}, a ${clash.what} range a VPC cannot use; pick a private range (RFC 1918) such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`);
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
      add([...path, i], `"${r}" is not a configured region${hint(r, configured)} (configured: ${nameList(configured)})`);
    } else if (seen.has(r)) {
      add([...path, i], `${r} is listed twice`);
    }
    seen.add(r);
  });
}
