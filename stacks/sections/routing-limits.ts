/**
 * What one region's Application Load Balancer can hold, computed from the names and rules the
 * planner generates (stacks/routing.ts): host-header and path lengths, wildcards per rule, the
 * certificate's first name, rules, target groups and security group rules per region.
 *
 * Sources:
 * - Listener rule conditions: host header and path pattern values ≤ 128 characters; path characters
 *   A–Z a–z 0–9 _ - . $ / ~ " ' @ : + & and the wildcards * ?; at most 5 wildcards per rule —
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 * - Quotas: 100 rules per listener (default rule not counted), 100 target groups per load balancer —
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 * - Security groups: 60 inbound and 60 outbound rules per group —
 *   https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 * - ACM: the first domain name of a certificate is at most 64 characters —
 *   https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html
 * - Route 53 health check ResourcePath: at most 255 characters —
 *   https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
 */
import { AddIssue, nameList } from "./common";
import { DnsConfig, zoneName } from "./dns";
import { ServiceConfig, serviceRegions } from "./services";
import { fleetHostNames, healthCheckResourcePath, healthRulePath } from "../routing";

export const MAX_CONDITION_VALUE = 128;
export const MAX_WILDCARDS_PER_RULE = 5;
export const MAX_RULES_PER_LISTENER = 100;
export const MAX_TARGET_GROUPS_PER_ALB = 100;
export const MAX_SG_RULES_PER_DIRECTION = 60;
export const MAX_CERTIFICATE_FIRST_NAME = 64;
export const MAX_ROUTE53_RESOURCE_PATH = 255;

/** Characters of an ALB path pattern. */
const PATH_CHARS = /^[A-Za-z0-9_\-.$/~"'@:+&*?]*$/;

function wildcards(values: readonly string[]): number {
  return values.reduce((n, v) => n + (v.match(/[*?]/g)?.length ?? 0), 0);
}

export function checkRoutingLimits(services: Record<string, ServiceConfig>, dns: DnsConfig | undefined, regions: readonly string[], add: AddIssue): void {
  const zone = dns ? zoneName(dns) : undefined;
  if (zone !== undefined && `*.${zone}`.length > MAX_CERTIFICATE_FIRST_NAME) {
    add(["dns", "zone"], `the certificate's first name *.${zone} is ${zone.length + 2} characters; ACM allows at most ${MAX_CERTIFICATE_FIRST_NAME} for it: use a zone of at most ${MAX_CERTIFICATE_FIRST_NAME - 2} characters`);
  }
  const publicNames = Object.keys(services).filter((n) => services[n].public).sort();
  const longestRegion = regions.reduce((a, r) => (r.length > a.length ? r : a), "");
  for (const name of publicNames) {
    const s = services[name];
    const base = ["services", name];
    // Host headers the rule carries, in the region with the longest name.
    const generated = fleetHostNames(name, longestRegion, zone);
    const tooLong = generated.filter((h) => h.length > MAX_CONDITION_VALUE);
    if (tooLong.length > 0) {
      add(base, `the generated host name ${tooLong[0]} is ${tooLong[0].length} characters; an ALB host-header condition is at most ${MAX_CONDITION_VALUE}: shorten the service name or the zone`);
    }
    const hostHeaders = s.host ? [s.host, ...generated] : [];
    const count = wildcards([s.path, ...hostHeaders]);
    if (count > MAX_WILDCARDS_PER_RULE) {
      add([...base, s.host && wildcards([s.host]) > 0 ? "host" : "path"], `the listener rule has ${count} wildcards (* and ?) in its path and host conditions; ALB allows at most ${MAX_WILDCARDS_PER_RULE} per rule`);
    }
    if (zone !== undefined) {
      const path = s.healthCheck.path;
      if (!path.startsWith("/")) continue; // reported by checkService
      const rulePath = healthRulePath(path);
      if (rulePath.length > MAX_CONDITION_VALUE || !PATH_CHARS.test(rulePath)) {
        add(
          [...base, "healthCheck", "path"],
          `with dns the health path becomes an ALB path pattern: at most ${MAX_CONDITION_VALUE} characters of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?, got ${rulePath.length} characters "${rulePath.length > 60 ? `${rulePath.slice(0, 57)}...` : rulePath}"`,
        );
      }
      const resource = healthCheckResourcePath(path, name);
      if (resource.length > MAX_ROUTE53_RESOURCE_PATH) {
        add([...base, "healthCheck", "path"], `the Route 53 health check requests ${resource.length > 80 ? `${resource.slice(0, 77)}...` : resource} (${resource.length} characters, the program adds the query ?ecs-fleet-health=${name}); Route 53 allows at most ${MAX_ROUTE53_RESOURCE_PATH}`);
      }
    }
  }

  // Per region: one routing rule (and with dns one health rule) and one target group per public
  // service on the one listener; one outbound rule per public service in the ALB's security group.
  const rulesEach = zone !== undefined ? 2 : 1;
  const limit = Math.min(Math.floor(MAX_RULES_PER_LISTENER / rulesEach), MAX_TARGET_GROUPS_PER_ALB, MAX_SG_RULES_PER_DIRECTION);
  for (const region of regions) {
    const here = publicNames.filter((n) => serviceRegions(services[n], regions).includes(region));
    if (here.length <= limit) continue;
    const why: string[] = [];
    if (here.length * rulesEach > MAX_RULES_PER_LISTENER) why.push(`${here.length * rulesEach} listener rules (${rulesEach === 2 ? "a routing and a health rule each" : "one each"}; at most ${MAX_RULES_PER_LISTENER})`);
    if (here.length > MAX_TARGET_GROUPS_PER_ALB) why.push(`${here.length} target groups (at most ${MAX_TARGET_GROUPS_PER_ALB})`);
    if (here.length > MAX_SG_RULES_PER_DIRECTION) why.push(`${here.length} outbound rules in the load balancer's security group (at most ${MAX_SG_RULES_PER_DIRECTION})`);
    add(
      ["services", here[limit]],
      `${here.length} public services run in ${region}, more than its one load balancer can route: they need ${why.join(", ")}; at most ${limit} public services per region — make some internal or run them in fewer regions (the first beyond the limit: ${nameList(here.slice(limit), 5)})`,
    );
  }
}
