/**
 * Monthly cost estimate of a plan document, the way Infracost estimates Terraform: every priced
 * resource of the plan times the dated list prices of ./prices.ts, per region, site and service.
 * Usage that no plan can know (traffic, logs, queries, run times) comes from stated assumptions that
 * `ecs-fleet:cost` overrides. A region without prices says so. Pure.
 */
import { PlanDoc, PlanResource, placements } from "./model";
import { GLOBAL_PRICES, HOURS_PER_MONTH, Price, REGION_PRICES, RegionPrices, SPOT_DISCOUNT_SOURCE } from "./prices";
import { CostAssumptions, DEFAULT_COST_ASSUMPTIONS } from "../stacks/sections/cost";

export interface CostLine {
  /** `region eu-west-1`, `site amsterdam-dc`, `global`. */
  scope: string;
  /** The service (or job) the line belongs to; absent for shared infrastructure. */
  service?: string;
  item: string;
  quantity: number;
  unit: string;
  /** USD per unit; null when the region has no price in the table. */
  unitPrice: number | null;
  /** USD per month; null when not priced. */
  monthly: number | null;
  /** Where the price comes from. */
  source?: string;
  /** True when the quantity is an assumption (usage), not read from the plan. */
  assumed?: boolean;
}

export interface CostEstimate {
  stack: string;
  currency: "USD";
  lines: CostLine[];
  /** Sum per scope (priced lines only). */
  scopes: Record<string, number>;
  total: number;
  /** Regions the table has no prices for. */
  unpricedRegions: string[];
  /** Every assumption the figures rest on, in words. */
  assumptions: string[];
  priceDate: string;
}

const WEEK_HOURS = 168;
const WEEKS_PER_MONTH = HOURS_PER_MONTH / WEEK_HOURS;
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** The (day, hour) slots of a week at which an EventBridge/Application Auto Scaling cron fires; undefined if not understood. */
export function cronSlots(expression: string): number[] | undefined {
  const m = /^cron\((.+)\)$/.exec(expression.trim());
  if (!m) return undefined;
  const f = m[1].trim().split(/\s+/);
  if (f.length !== 6) return undefined;
  const [, hours, dom, month, dow] = f;
  if (!(dom === "*" || dom === "?") || month !== "*") return undefined;
  const list = (field: string, max: number, names?: string[]): number[] | undefined => {
    if (field === "*" || field === "?") return [...Array(max).keys()];
    const out: number[] = [];
    for (const part of field.split(",")) {
      const toN = (s: string): number => (names && names.includes(s.toUpperCase()) ? names.indexOf(s.toUpperCase()) : names ? Number(s) - 1 : Number(s));
      const range = part.split("-");
      if (range.length === 2) {
        const a = toN(range[0]);
        const b = toN(range[1]);
        if (!Number.isInteger(a) || !Number.isInteger(b) || a > b) return undefined;
        for (let i = a; i <= b; i++) out.push(i);
      } else {
        const n = toN(part);
        if (!Number.isInteger(n) || n < 0 || n >= max) return undefined;
        out.push(n);
      }
    }
    return out;
  };
  const hs = list(hours, 24);
  const ds = list(dow, 7, DAYS);
  if (!hs || !ds) return undefined;
  const slots: number[] = [];
  for (const d of ds) for (const h of hs) slots.push(d * 24 + h);
  return slots.sort((a, b) => a - b);
}

/** Runs a month of a schedule expression (cron or rate); undefined if not understood, 0 for `at(...)`. */
export function runsPerMonth(expression: string): number | undefined {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const hours = rate[2].startsWith("minute") ? n / 60 : rate[2].startsWith("hour") ? n : n * 24;
    return HOURS_PER_MONTH / hours;
  }
  if (/^at\(/.test(expression.trim())) return 0;
  const m = /^cron\((\S+)\s/.exec(expression.trim());
  const slots = cronSlots(expression);
  if (!slots || !m) return undefined;
  const minutes = m[1] === "*" ? 60 : m[1].split(",").length;
  return slots.length * minutes * WEEKS_PER_MONTH;
}

/**
 * Tasks placed on each capacity provider for `n` tasks: the base first, the rest by weight, as ECS
 * documents it (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-capacity-providers.html).
 */
export function splitTasks(n: number, strategy: { capacityProvider: string; base?: number; weight?: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  let left = n;
  for (const s of strategy) {
    const b = Math.min(left, s.base ?? 0);
    out[s.capacityProvider] = (out[s.capacityProvider] ?? 0) + b;
    left -= b;
  }
  const weights = strategy.reduce((a, s) => a + (s.weight ?? 0), 0);
  for (const s of strategy) {
    if (weights > 0) out[s.capacityProvider] += (left * (s.weight ?? 0)) / weights;
  }
  return out;
}

interface Ctx {
  doc: PlanDoc;
  a: CostAssumptions;
  lines: CostLine[];
  notes: Set<string>;
  unpriced: Set<string>;
}

function pricesOf(ctx: Ctx, region: string | null): RegionPrices | undefined {
  if (!region) return undefined;
  const p = REGION_PRICES[region];
  if (!p) ctx.unpriced.add(region);
  return p;
}

function line(ctx: Ctx, l: Omit<CostLine, "monthly" | "unitPrice" | "source">, price: Price | undefined, factor = 1): void {
  ctx.lines.push({
    ...l,
    unitPrice: price ? price.usd * factor : null,
    monthly: price ? round(l.quantity * price.usd * factor) : null,
    ...(price ? { source: price.source } : {}),
  });
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function clusterName(arn: unknown): string {
  return typeof arn === "string" ? arn.slice(arn.lastIndexOf("/") + 1) : "";
}

/** Average tasks over a week: the scaling minimum, moved by scheduled actions; the desired count when not scaled. */
function averageTasks(ctx: Ctx, svc: PlanResource, region: string): { avg: number; slots: number[]; how: string } {
  const resourceId = `service/${clusterName(svc.inputs.cluster)}/${svc.inputs.name}`;
  const same = (r: PlanResource) => r.region === region && r.inputs.resourceId === resourceId;
  const target = ctx.doc.resources.find((r) => r.type === "aws:appautoscaling/target:Target" && same(r));
  if (!target) {
    const n = Number(svc.inputs.desiredCount ?? 1);
    return { avg: n, slots: Array(WEEK_HOURS).fill(n), how: `${n} task(s), fixed` };
  }
  const min = Number(target.inputs.minCapacity ?? 0);
  const actions = ctx.doc.resources.filter((r) => r.type === "aws:appautoscaling/scheduledAction:ScheduledAction" && same(r));
  const events: { slot: number; min: number }[] = [];
  for (const act of actions) {
    const slots = cronSlots(String(act.inputs.schedule ?? ""));
    const m = Number((act.inputs.scalableTargetAction as any)?.minCapacity);
    if (!slots || !Number.isFinite(m)) {
      ctx.notes.add(`scheduled action ${act.name} (${act.inputs.schedule}) is not a daily/weekly cron: ignored, the service is priced at its scaling minimum`);
      continue;
    }
    for (const s of slots) events.push({ slot: s, min: m });
  }
  const slots: number[] = Array(WEEK_HOURS).fill(min);
  if (events.length > 0) {
    events.sort((x, y) => x.slot - y.slot);
    let current = events[events.length - 1].min; // carried over from the previous week
    let e = 0;
    for (let h = 0; h < WEEK_HOURS; h++) {
      while (e < events.length && events[e].slot === h) current = events[e++].min;
      slots[h] = current;
    }
  }
  const avg = slots.reduce((x, y) => x + y, 0) / WEEK_HOURS;
  return { avg, slots, how: events.length > 0 ? `scaling minimum ${min}, scheduled minimums applied (average ${avg.toFixed(2)})` : `scaling minimum ${min}` };
}

function fargateServices(ctx: Ctx, where: Map<string, { kind: string; name: string }>): void {
  const a = ctx.a;
  for (const svc of ctx.doc.resources.filter((r) => r.type === "aws:ecs/service:Service")) {
    if (svc.inputs.launchType === "EXTERNAL") continue;
    const region = svc.region ?? "";
    const task = ctx.doc.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.parent === svc.parent && r.region === svc.region);
    if (!task) continue;
    const vcpu = Number(task.inputs.cpu) / 1024;
    const gb = Number(task.inputs.memory) / 1024;
    const arm = (task.inputs.runtimePlatform as any)?.cpuArchitecture === "ARM64";
    const prices = pricesOf(ctx, region);
    const tasks = averageTasks(ctx, svc, region);
    const strategy = (svc.inputs.capacityProviderStrategies as any[] | undefined) ?? [{ capacityProvider: "FARGATE", base: 0, weight: 1 }];
    let onDemand = 0;
    let spot = 0;
    for (const n of tasks.slots) {
      const split = splitTasks(n, strategy);
      onDemand += (split.FARGATE ?? 0) / WEEK_HOURS;
      spot += (split.FARGATE_SPOT ?? 0) / WEEK_HOURS;
    }
    const scope = `${where.get(svc.urn)?.kind ?? "region"} ${region}`;
    const service = String(svc.inputs.name);
    const arch = arm ? "arm64" : "x86_64";
    const vPrice = prices && (arm ? prices.fargateVcpuHourArm : prices.fargateVcpuHourX86);
    const gPrice = prices && (arm ? prices.fargateGbHourArm : prices.fargateGbHourX86);
    const parts: [string, number, number][] = [
      ["on-demand", onDemand, 1],
      ["Spot", spot, 1 - a.spotDiscount],
    ];
    for (const [kind, count, factor] of parts) {
      if (count <= 0) continue;
      const hours = count * HOURS_PER_MONTH;
      line(ctx, { scope, service, item: `Fargate ${arch} ${kind} vCPU (${count.toFixed(2)} tasks × ${vcpu} vCPU; ${tasks.how})`, quantity: hours * vcpu, unit: "vCPU-hours" }, vPrice, factor);
      line(ctx, { scope, service, item: `Fargate ${arch} ${kind} memory (${count.toFixed(2)} tasks × ${gb} GB)`, quantity: hours * gb, unit: "GB-hours" }, gPrice, factor);
    }
    line(ctx, { scope, service, item: "CloudWatch Logs ingestion", quantity: a.logGbPerService, unit: "GB", assumed: true }, prices?.logsGb);
  }
}

function sites(ctx: Ctx, where: Map<string, { kind: string; name: string }>): void {
  for (const site of ctx.doc.resources.filter((r) => r.type === "ecs-fleet:onprem:OnPremSite")) {
    const name = site.name.replace(/^site-/, "");
    const facts = ctx.doc.sites?.[name];
    const region = facts?.region ?? site.region ?? "";
    const prices = pricesOf(ctx, region);
    const scope = `site ${name}`;
    if (facts) {
      line(ctx, { scope, item: `ECS Anywhere: ${facts.hosts} host(s) registered all month`, quantity: facts.hosts * HOURS_PER_MONTH, unit: "instance-hours" }, prices?.ecsAnywhereInstanceHour);
    } else {
      ctx.notes.add(`site ${name}: the plan does not record its host count (saved by an older plan): ECS Anywhere not priced`);
    }
    for (const svc of ctx.doc.resources.filter((r) => r.type === "aws:ecs/service:Service" && r.inputs.launchType === "EXTERNAL" && where.get(r.urn)?.name === name)) {
      line(ctx, { scope, service: String(svc.inputs.name), item: "CloudWatch Logs ingestion", quantity: ctx.a.logGbPerService, unit: "GB", assumed: true }, prices?.logsGb);
    }
  }
}

function regionalInfra(ctx: Ctx, where: Map<string, { kind: string; name: string }>): void {
  const a = ctx.a;
  for (const r of ctx.doc.resources) {
    const placement = where.get(r.urn);
    const scope = placement?.kind === "site" ? `site ${placement.name}` : `region ${r.region}`;
    switch (r.type) {
      case "awsx:ec2:Vpc": {
        const prices = pricesOf(ctx, r.region);
        const strategy = (r.inputs.natGateways as any)?.strategy ?? "OnePerAz";
        const azs = Number(r.inputs.numberOfAvailabilityZones ?? 3);
        const nats = strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
        if (nats === 0) break;
        line(ctx, { scope, item: `NAT gateways (${nats}, strategy ${strategy})`, quantity: nats * HOURS_PER_MONTH, unit: "NAT gateway-hours" }, prices?.natGatewayHour);
        line(ctx, { scope, item: `NAT gateway data processed (${a.natGbPerGateway} GB per gateway)`, quantity: nats * a.natGbPerGateway, unit: "GB", assumed: true }, prices?.natGatewayGb);
        line(ctx, { scope, item: `public IPv4 addresses of the NAT gateways (${nats})`, quantity: nats * HOURS_PER_MONTH, unit: "IPv4 address-hours" }, GLOBAL_PRICES.publicIpv4Hour);
        break;
      }
      case "aws:lb/loadBalancer:LoadBalancer": {
        const prices = pricesOf(ctx, r.region);
        line(ctx, { scope, item: `load balancer ${r.inputs.name ?? r.name}`, quantity: HOURS_PER_MONTH, unit: "ALB-hours" }, prices?.albHour);
        line(ctx, { scope, item: `load balancer capacity units (${a.albLcu} LCU on average)`, quantity: a.albLcu * HOURS_PER_MONTH, unit: "LCU-hours", assumed: true }, prices?.albLcuHour);
        if (r.inputs.internal !== true) {
          // An internet-facing ALB has a public IPv4 address per AZ node (more when it scales out).
          const nodes = Array.isArray(r.inputs.subnets) ? r.inputs.subnets.length : 2;
          line(ctx, { scope, item: `public IPv4 addresses of the load balancer (one per AZ: ${nodes})`, quantity: nodes * HOURS_PER_MONTH, unit: "IPv4 address-hours" }, GLOBAL_PRICES.publicIpv4Hour);
        }
        break;
      }
      case "aws:cloudwatch/metricAlarm:MetricAlarm": {
        const prices = pricesOf(ctx, r.region);
        if (Number(r.inputs.period ?? 60) < 60) {
          ctx.notes.add(`alarm ${r.name} is high-resolution (period under 60 s): priced as standard`);
        }
        const service = ((r.inputs.dimensions as any)?.ServiceName as string | undefined) ?? undefined;
        line(ctx, { scope, ...(service ? { service } : {}), item: `CloudWatch alarm ${r.inputs.name ?? r.name}`, quantity: 1, unit: "alarm-months" }, prices?.alarmMonth);
        break;
      }
      case "aws:ecs/cluster:Cluster": {
        const settings = (r.inputs.settings as { name: string; value: string }[] | undefined) ?? [];
        const ci = settings.find((s) => s.name === "containerInsights")?.value;
        if (ci !== "enabled" && ci !== "enhanced") break;
        const prices = pricesOf(ctx, r.region);
        const services = ctx.doc.resources.filter((s) => s.type === "aws:ecs/service:Service" && clusterName(s.inputs.cluster) === r.inputs.name && s.region === r.region).length;
        // Container Insights publishes its metrics as custom metrics: cluster-level and service-level
        // ones (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html).
        const metrics = 11 + 13 * services;
        line(ctx, { scope, item: `Container Insights metrics of cluster ${r.inputs.name} (11 cluster + 13 per service × ${services})`, quantity: metrics, unit: "metric-months" }, prices?.metricMonth);
        break;
      }
      case "aws:ec2/vpcEndpoint:VpcEndpoint": {
        if (r.inputs.vpcEndpointType !== "Interface") break;
        const prices = pricesOf(ctx, r.region);
        const azs = Array.isArray(r.inputs.subnetIds) ? r.inputs.subnetIds.length : 1;
        if (!prices?.vpcEndpointAzHour) ctx.notes.add(`VPC endpoint ${r.name}: no interface endpoint price for ${r.region} in review/prices.ts`);
        line(ctx, { scope, item: `interface VPC endpoint ${r.inputs.serviceName} (${azs} AZ)`, quantity: azs * HOURS_PER_MONTH, unit: "endpoint AZ-hours" }, prices?.vpcEndpointAzHour);
        break;
      }
      default:
        break;
    }
  }
}

function dns(ctx: Ctx): void {
  const checks = ctx.doc.resources.filter((r) => r.type === "aws:route53/healthCheck:HealthCheck");
  for (const hc of checks) {
    const fqdn = String(hc.inputs.fqdn ?? "");
    const type = String(hc.inputs.type ?? "HTTP");
    const features = [type.startsWith("HTTPS") ? "HTTPS" : "", type.endsWith("STR_MATCH") ? "string matching" : "", Number(hc.inputs.requestInterval) === 10 ? "fast interval" : "", hc.inputs.measureLatency === true ? "latency measurement" : ""].filter((f) => f !== "");
    const aws = /\.amazonaws\.com$/.test(fqdn);
    if (!aws) {
      ctx.notes.add(`health check ${hc.name} targets a non-AWS endpoint: not priced (review/prices.ts has the AWS-endpoint price only)`);
      continue;
    }
    line(ctx, { scope: "global", item: `Route 53 health check ${hc.name}`, quantity: 1, unit: "health check-months" }, GLOBAL_PRICES.healthCheckAwsMonth);
    if (features.length > 0) {
      line(ctx, { scope: "global", item: `Route 53 health check ${hc.name} optional features (${features.join(", ")})`, quantity: features.length, unit: "feature-months" }, GLOBAL_PRICES.healthCheckFeatureMonth);
    }
  }
  const latencyNames = new Set(ctx.doc.resources.filter((r) => r.type === "aws:route53/record:Record" && Array.isArray(r.inputs.latencyRoutingPolicies)).map((r) => String(r.inputs.name)));
  for (const name of [...latencyNames].sort()) {
    line(ctx, { scope: "global", item: `Route 53 latency-based queries for ${name}`, quantity: ctx.a.dnsQueriesMillionsPerName, unit: "million queries", assumed: true }, GLOBAL_PRICES.latencyQueriesMillion);
  }
}

function batch(ctx: Ctx): void {
  const a = ctx.a;
  const jobDefs = ctx.doc.resources.filter((r) => r.type === "aws:batch/jobDefinition:JobDefinition");
  for (const sched of ctx.doc.resources.filter((r) => r.type === "aws:scheduler/schedule:Schedule")) {
    const region = sched.region ?? "";
    const prices = pricesOf(ctx, region);
    const expression = String(sched.inputs.scheduleExpression ?? "");
    const runs = runsPerMonth(expression);
    if (runs === undefined) {
      ctx.notes.add(`schedule ${sched.name} (${expression}) is not understood: its jobs are not priced`);
      continue;
    }
    const targetArn = String((sched.inputs.target as any)?.arn ?? "");
    const machine = ctx.doc.resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine" && r.region === region && targetArn.endsWith(`:stateMachine:${r.inputs.name}`));
    let jobArns: string[] = [];
    if (machine) {
      const definition = JSON.parse(String(machine.inputs.definition ?? "{}"));
      const states = Object.values(definition.States ?? {}) as any[];
      jobArns = states.map((s) => s?.Parameters?.JobDefinition).filter((x): x is string => typeof x === "string");
      line(ctx, { scope: `region ${region}`, service: String(machine.inputs.name), item: `Step Functions state transitions (${states.length} states × ${runs.toFixed(1)} runs)`, quantity: (states.length * runs) / 1000, unit: "1,000 transitions" }, prices?.sfnThousandTransitions);
    } else {
      const input = (sched.inputs.target as any)?.batchParameters ?? {};
      if (typeof input.jobDefinition === "string") jobArns = [input.jobDefinition];
    }
    for (const arn of jobArns) {
      const def = jobDefs.find((d) => d.region === region && (arn === d.inputs.name || arn.endsWith(`job-definition/${d.inputs.name}`) || arn.includes(`job-definition/${d.inputs.name}:`)));
      if (!def) continue;
      const props = JSON.parse(String(def.inputs.containerProperties ?? "{}"));
      const req = (props.resourceRequirements ?? []) as { type: string; value: string }[];
      const vcpu = Number(req.find((x) => x.type === "VCPU")?.value ?? 0);
      const gb = Number(req.find((x) => x.type === "MEMORY")?.value ?? 0) / 1024;
      const hours = (runs * a.batchRunMinutes) / 60;
      const arm = props.runtimePlatform?.cpuArchitecture === "ARM64";
      const service = `batch ${String(def.inputs.name)}`;
      line(ctx, { scope: `region ${region}`, service, item: `Fargate vCPU (${runs.toFixed(1)} runs × ${a.batchRunMinutes} min × ${vcpu} vCPU, on ${expression})`, quantity: hours * vcpu, unit: "vCPU-hours", assumed: true }, prices && (arm ? prices.fargateVcpuHourArm : prices.fargateVcpuHourX86));
      line(ctx, { scope: `region ${region}`, service, item: `Fargate memory (${gb} GB)`, quantity: hours * gb, unit: "GB-hours", assumed: true }, prices && (arm ? prices.fargateGbHourArm : prices.fargateGbHourX86));
    }
  }
  const unscheduled = jobDefs.filter((d) => !ctx.lines.some((l) => l.service === `batch ${d.inputs.name}`));
  if (unscheduled.length > 0) {
    ctx.notes.add(`Batch jobs without a schedule run on demand and are not priced: ${[...new Set(unscheduled.map((d) => String(d.inputs.name)))].sort().join(", ")}`);
  }
}

/** The monthly cost estimate of a plan document. */
export function estimateCost(doc: PlanDoc, assumptions: CostAssumptions = DEFAULT_COST_ASSUMPTIONS): CostEstimate {
  const ctx: Ctx = { doc, a: assumptions, lines: [], notes: new Set(), unpriced: new Set() };
  const where = new Map([...placements(doc)].map(([urn, p]) => [urn, { kind: p.kind, name: p.name }]));
  fargateServices(ctx, where);
  sites(ctx, where);
  regionalInfra(ctx, where);
  batch(ctx);
  dns(ctx);
  const scopes: Record<string, number> = {};
  for (const l of ctx.lines) if (l.monthly !== null) scopes[l.scope] = round((scopes[l.scope] ?? 0) + l.monthly);
  const stated = [
    `month = ${HOURS_PER_MONTH} hours; list prices, no free tier, Savings Plans or taxes`,
    `autoscaled services run at their scaling minimum (scheduled minimums applied by hour of the week); fixed services at their desired count`,
    `Fargate Spot at ${Math.round(assumptions.spotDiscount * 100)}% off on-demand (ecs-fleet:cost.spotDiscount; ${SPOT_DISCOUNT_SOURCE})`,
    `NAT gateways process ${assumptions.natGbPerGateway} GB each a month (ecs-fleet:cost.natGbPerGateway)`,
    `each load balancer uses ${assumptions.albLcu} LCU on average (ecs-fleet:cost.albLcu)`,
    `each service ingests ${assumptions.logGbPerService} GB of logs a month per region or site (ecs-fleet:cost.logGbPerService)`,
    `each global DNS name answers ${assumptions.dnsQueriesMillionsPerName} million queries a month (ecs-fleet:cost.dnsQueriesMillionsPerName); regional alias queries to load balancers are free`,
    `a scheduled Batch job runs ${assumptions.batchRunMinutes} minutes (ecs-fleet:cost.batchRunMinutes), on on-demand Fargate`,
    ...[...ctx.notes].sort(),
  ];
  return {
    stack: doc.stack,
    currency: "USD",
    lines: ctx.lines,
    scopes,
    total: round(Object.values(scopes).reduce((x, y) => x + y, 0)),
    unpricedRegions: [...ctx.unpriced].sort(),
    assumptions: stated,
    priceDate: Object.values(REGION_PRICES)[0].albHour.date,
  };
}

function usd(x: number): string {
  return `${x < 0 ? "-" : ""}$${Math.abs(x).toFixed(2)}`;
}

/** The human estimate: per scope, per service, then the shared lines, the total and the assumptions. */
export function renderCost(est: CostEstimate): string[] {
  const lines: string[] = [];
  lines.push(`monthly cost estimate, stack ${est.stack} (USD, list prices of ${est.priceDate}, review/prices.ts)`);
  for (const scope of [...new Set(est.lines.map((l) => l.scope))]) {
    const ls = est.lines.filter((l) => l.scope === scope);
    const unpriced = ls.some((l) => l.monthly === null);
    lines.push("", `== ${scope}  ${unpriced ? "(no prices for this region in review/prices.ts)" : usd(est.scopes[scope] ?? 0)}`);
    const services = [...new Set(ls.map((l) => l.service ?? ""))].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)));
    for (const s of services) {
      const sl = ls.filter((l) => (l.service ?? "") === s);
      const sum = sl.reduce((x, l) => x + (l.monthly ?? 0), 0);
      lines.push(`   ${s === "" ? "shared" : s}${unpriced ? "" : `  ${usd(sum)}`}`);
      for (const l of sl) {
        lines.push(`     ${l.item}: ${+l.quantity.toFixed(3)} ${l.unit}${l.unitPrice === null ? ", no price" : ` × $${+l.unitPrice.toPrecision(6)} = ${usd(l.monthly ?? 0)}`}${l.assumed ? "  [assumed usage]" : ""}`);
      }
    }
  }
  lines.push("", `total: ${usd(est.total)} a month${est.unpricedRegions.length > 0 ? ` (without ${est.unpricedRegions.join(", ")}: no prices for ${est.unpricedRegions.length === 1 ? "that region" : "those regions"})` : ""}`);
  lines.push("assumptions:");
  for (const a of est.assumptions) lines.push(`  - ${a}`);
  return lines;
}

export interface CostDelta {
  base: number;
  head: number;
  delta: number;
  /** Per scope and service: base, head, delta (only those that changed). */
  changes: { scope: string; service: string; base: number; head: number; delta: number }[];
  unpricedRegions: string[];
}

/** The cost delta of a change. */
export function costDelta(base: CostEstimate, head: CostEstimate): CostDelta {
  const sum = (est: CostEstimate) => {
    const m = new Map<string, number>();
    for (const l of est.lines) {
      const k = `${l.scope}\u0000${l.service ?? "shared"}`;
      m.set(k, (m.get(k) ?? 0) + (l.monthly ?? 0));
    }
    return m;
  };
  const b = sum(base);
  const h = sum(head);
  const changes: CostDelta["changes"] = [];
  for (const k of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const [scope, service] = k.split("\u0000");
    const x = round(b.get(k) ?? 0);
    const y = round(h.get(k) ?? 0);
    if (x !== y) changes.push({ scope, service, base: x, head: y, delta: round(y - x) });
  }
  return { base: base.total, head: head.total, delta: round(head.total - base.total), changes, unpricedRegions: [...new Set([...base.unpricedRegions, ...head.unpricedRegions])].sort() };
}

export function renderCostDelta(d: CostDelta): string[] {
  const sign = (x: number) => (x >= 0 ? `+${usd(x)}` : usd(x));
  const lines = [`cost: ${usd(d.base)} → ${usd(d.head)} a month (${sign(d.delta)})${d.unpricedRegions.length > 0 ? `; no prices for ${d.unpricedRegions.join(", ")}` : ""}`];
  for (const c of d.changes) lines.push(`  ${c.scope} ${c.service}: ${usd(c.base)} → ${usd(c.head)} (${sign(c.delta)})`);
  return lines;
}
