/** `ecs-fleet:dns`: optional global DNS and HTTPS in an existing public Route 53 hosted zone. */
import { z } from "zod";
import { AddIssue, struct, text } from "./common";

/** A DNS domain name such as example.com: labels of letters, digits and hyphens. */
const DOMAIN = /^(?=.{1,253}\.?$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?\.?$/;

export const DnsSchema = struct(
  {
    /** An existing public hosted zone, e.g. example.com. Required when the section is given. */
    zone: text("the name of an existing public Route 53 hosted zone, e.g. example.com (lowercase)", DOMAIN),
  },
  "zone",
);

export type DnsConfig = z.infer<typeof DnsSchema>;

/** The zone name without a trailing dot. */
export function zoneName(dns: DnsConfig): string {
  return dns.zone.replace(/\.$/, "");
}

/**
 * Cross-field checks: `<service>.<zone>` and `<service>-<region>.<zone>` must be valid DNS names
 * (253 characters at most).
 */
export function checkDns(dns: DnsConfig | undefined, publicServices: readonly string[], regions: readonly string[], add: AddIssue): void {
  if (!dns) return;
  const zone = zoneName(dns);
  const longestRegion = regions.reduce((a, r) => (r.length > a.length ? r : a), "");
  for (const name of publicServices) {
    const fqdn = `${name}-${longestRegion}.${zone}`;
    if (fqdn.length > 253) add(["dns", "zone"], `${fqdn} is longer than 253 characters; use a shorter zone or service name`);
  }
}
