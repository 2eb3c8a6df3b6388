/**
 * Listener rule priorities that stay put when services come and go.
 *
 * Each name hashes to a home slot in a large range; names are placed in name order, each at the
 * first free slot from its home (linear probing, wrapping inside the range). A service that sits at
 * its home slot keeps it whatever else is added or removed, and adding a service whose home slot is
 * free never moves another one (proof: the old placements never used that slot, so every later name
 * probes the same occupied slots as before). The remaining edge case: when a new service's home slot
 * is already held (probability about n/size per added service), the holder may move if the new name
 * sorts first; and removing a service lets the services that probed past its slot move back.
 *
 * ALB evaluates rules in priority order, so a catch-all must come after the specific rules. The
 * range is cut into bands by what a rule matches (`routeBand`): rules with a host header first, then
 * by how long the literal start of the path pattern is (exact paths first, `/*` last). A service's
 * band depends on its own host and path only, so bands keep priorities stable too. Within a band the
 * order is the hash order: two overlapping patterns of similar length in one band (e.g. `/api/*` and
 * `/apis/*`) may be evaluated either way; the planner warns when one shadows another.
 */
import * as crypto from "crypto";

/** A range of priorities: `size` home slots starting at `start`, probing up to `end` (inclusive). */
export interface PriorityRange {
  start: number;
  size: number;
  end: number;
}

/** First priority of the routing rules (ALB allows 1..50000; 1..1000 are the health rules). */
export const ROUTE_START = 1001;
/** Priorities per band. */
export const BAND_SIZE = 3000;
/** Specificity classes of the path (exact, then literal prefix length buckets, `/*` last). */
const PATH_BUCKETS = 8;

/** The literal start of a path pattern: `/api/*` → `/api/`. */
export function literalPrefix(pattern: string): string {
  const cut = pattern.search(/[*?]/);
  return cut < 0 ? pattern : pattern.slice(0, cut);
}

/** 0 (most specific) .. 7 (`/*`): exact paths, then longer literal prefixes first. */
export function pathBucket(pattern: string): number {
  const literal = literalPrefix(pattern);
  if (literal === pattern) return 0;
  const l = literal.length;
  return l >= 32 ? 1 : l >= 16 ? 2 : l >= 8 ? 3 : l >= 5 ? 4 : l >= 3 ? 5 : l >= 2 ? 6 : 7;
}

/** The band of a routing rule: with a host header before without; then by path bucket. */
export function routeBand(path: string, hasHost: boolean): PriorityRange {
  const band = (hasHost ? 0 : PATH_BUCKETS) + pathBucket(path);
  const start = ROUTE_START + band * BAND_SIZE;
  return { start, size: BAND_SIZE, end: start + BAND_SIZE - 1 };
}
/** Rules that route the Route 53 health checks (evaluated before every routing rule). */
export const HEALTH_PRIORITIES: PriorityRange = { start: 1, size: 1000, end: 1000 };

/** The home slot of a name: a stable hash of the name into the range. */
export function homeSlot(name: string, range: PriorityRange): number {
  const h = crypto.createHash("sha256").update(name).digest().readUInt32BE(0);
  return range.start + (h % range.size);
}

/**
 * Priorities of a set of names, by name: one range for all, or a range per name. Ranges must be
 * equal or disjoint. Throws when a range has more names than slots.
 */
export function assignPriorities(names: readonly string[], ranges: PriorityRange | ((name: string) => PriorityRange)): Map<string, number> {
  const rangeOf = typeof ranges === "function" ? ranges : () => ranges;
  const taken = new Set<number>();
  const out = new Map<string, number>();
  const perRange = new Map<number, number>();
  for (const name of [...new Set(names)].sort()) {
    const r = rangeOf(name);
    const used = (perRange.get(r.start) ?? 0) + 1;
    perRange.set(r.start, used);
    if (used > r.end - r.start + 1) throw new Error(`assignPriorities: more than ${r.end - r.start + 1} names in priorities ${r.start}..${r.end}`);
    let p = homeSlot(name, r);
    while (taken.has(p)) p = p === r.end ? r.start : p + 1;
    taken.add(p);
    out.set(name, p);
  }
  return out;
}

/**
 * ALB limits on one rule's conditions: at most 5 condition values in total (each path pattern and
 * each host-header value counts one) and at most 5 wildcards (`*`, `?`) across them. Source: Elastic
 * Load Balancing, "Listener rules for your Application Load Balancer" (condition types) and
 * "Quotas for your Application Load Balancers":
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
export const MAX_RULE_CONDITION_VALUES = 5;
export const MAX_RULE_WILDCARDS = 5;

/** Wildcards (`*`, `?`) in a condition value. */
export function wildcards(value: string): number {
  return (value.match(/[*?]/g) ?? []).length;
}

/** The conditions of one listener rule: the path pattern, and the host-header values (none: any host). */
export interface RuleConditions {
  pathPatterns: string[];
  hostHeaders: string[];
}

/**
 * The rules that together route `path` on any of `hosts`: one rule when everything fits the ALB
 * limits, else the hosts split over several rules (each carrying the path), in the given order.
 * Throws when one host cannot fit even alone (validation rejects such a host).
 */
export function splitRuleConditions(path: string, hosts: readonly string[]): RuleConditions[] {
  if (hosts.length === 0) return [{ pathPatterns: [path], hostHeaders: [] }];
  const rules: RuleConditions[] = [];
  let current: string[] = [];
  const fits = (list: string[]) =>
    1 + list.length <= MAX_RULE_CONDITION_VALUES && wildcards(path) + list.reduce((n, h) => n + wildcards(h), 0) <= MAX_RULE_WILDCARDS;
  for (const host of [...new Set(hosts.map((h) => h.toLowerCase()))]) {
    if (!fits([host])) throw new Error(`splitRuleConditions: host ${host} with path ${path} exceeds the ALB's ${MAX_RULE_WILDCARDS} wildcards per rule`);
    if (!fits([...current, host])) {
      rules.push({ pathPatterns: [path], hostHeaders: current });
      current = [];
    }
    current.push(host);
  }
  rules.push({ pathPatterns: [path], hostHeaders: current });
  return rules;
}

/** The priority key of a service's k-th rule (k from 0): the first is the service's name, so it keeps its slot. */
export function ruleKey(service: string, k: number): string {
  return k === 0 ? service : `${service}#${k + 1}`;
}

/** Query parameter that marks a Route 53 health check request for one service. */
export const HEALTH_QUERY_KEY = "ecs-fleet-health";

/** The names the fleet gives a public service under a zone: `<svc>.<zone>` and `<svc>-<region>.<zone>`. */
export function fleetHostNames(service: string, region: string, zone: string | undefined): string[] {
  return zone ? [`${service}.${zone}`, `${service}-${region}.${zone}`] : [];
}

/**
 * Host-header values of a public service's rules in one region. With DNS every service carries its
 * own names (`<svc>.<zone>`, `<svc>-<region>.<zone>`) plus its `host`, so each URL the stack
 * outputs reaches this service whatever the priorities of the others; without DNS only `host`.
 */
export function ruleHostHeaders(service: string, host: string | undefined, region: string, zone: string | undefined): string[] {
  return [...new Set([...(host ? [host.toLowerCase()] : []), ...fleetHostNames(service, region, zone)])];
}

/** The path (with query) the Route 53 health checks of a service request. */
export function healthCheckResourcePath(healthPath: string, service: string): string {
  return `${healthPath}${healthPath.includes("?") ? "&" : "?"}${HEALTH_QUERY_KEY}=${service}`;
}

/** The path pattern of a service's health rule: the health path without its query. */
export function healthRulePath(healthPath: string): string {
  return healthPath.split("?")[0];
}
