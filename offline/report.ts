/**
 * How a recorded plan reads: the JSON document of `npm run plan -- --json` and the human report.
 * Pure over what the offline engine recorded; the command-line entry is tools/plan.ts.
 */
import { RecordedResource } from "./mocks";
import { ContainerHealthCheckSpec, DeploymentWaitSpec, FleetPlan, RegionalServiceSpec } from "../stacks/plan";
import { providerName } from "../stacks/naming";
import { formatViolations, policyReport } from "../policy/evaluate";
import { Violation } from "../policy/types";
import type { Verification } from "../verify/types";
/** The JSON document of a plan (with the verifier's results when given). */
export function planDocument(
  run: { stack: string; project: string; resources: RecordedResource[]; outputs: unknown; plan: FleetPlan },
  violations: Violation[],
  verification?: Verification,
) {
  return {
    stack: run.stack,
    project: run.project,
    resources: run.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      provider: r.provider,
      region: r.region,
      inputs: r.inputs,
      dependencies: r.dependencies,
      options: r.options,
    })),
    outputs: run.outputs,
    warnings: run.plan.warnings,
    policy: policyReport(violations),
    ...(verification ? { verification } : {}),
    // Config facts the resources do not carry (hosts are machines): read by review/ (cost, diagram).
    sites: Object.fromEntries(run.plan.sites.map((s) => [s.site, { region: s.region, hosts: s.hosts }])),
  };
}

function shortType(type: string): string {
  // aws:ecs/cluster:Cluster -> aws:ecs:Cluster; ecs-fleet:region:RegionalFootprint stays.
  const m = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(type);
  return m ? `${m[1]}:${m[2]}:${m[3]}` : type;
}

/** Lines describing one service in a region: size, scaling, capacity, routing, alarms. */
export function describeService(s: RegionalServiceSpec): string[] {
  const scaling = s.autoscaling
    ? `${s.autoscaling.min}..${s.autoscaling.max} tasks (start ${s.desiredCount}; ${[
        s.autoscaling.cpuTarget !== undefined ? `CPU ${s.autoscaling.cpuTarget}%` : "",
        s.autoscaling.memoryTarget !== undefined ? `memory ${s.autoscaling.memoryTarget}%` : "",
        s.autoscaling.requestsPerTarget !== undefined ? `${s.autoscaling.requestsPerTarget} req/target` : "",
        ...s.autoscaling.schedule.map((x) => `${x.cron}${x.timezone ? ` ${x.timezone}` : ""} → ${x.min}..${x.max}`),
      ]
        .filter((x) => x !== "")
        .join(", ")})`
    : `${s.desiredCount} task(s), fixed`;
  const capacity = s.capacity.map((c) => `${c.capacityProvider}${c.base > 0 ? ` base ${c.base}` : ""} weight ${c.weight}`).join(" + ");
  const lines = [`service ${s.name}: ${s.image}, ${s.architecture}, ${s.cpu} CPU / ${s.memory} MiB, ${scaling}, ${capacity}`];
  lines.push(...describeContainer(s));
  if (s.routing) {
    const r = s.routing;
    lines.push(
      `  route: path ${r.path}${r.hostHeaders.length > 0 ? ` host ${r.hostHeaders.join(" | ")}` : " any host"} → :${s.containerPort} (priority ${r.rules.map((x) => x.priority).join(", ")}` +
        `${r.healthRulePriority !== undefined ? `, health rule ${r.healthRulePriority}` : ""}), health ${s.healthCheck.path}, url ${r.url.scheme}://${r.url.host ?? "<alb>"}${r.url.path}`,
    );
    if (r.rules.length > 1) {
      for (const x of r.rules) lines.push(`    rule ${x.priority}: path ${x.pathPatterns.join(" | ")} host ${x.hostHeaders.join(" | ")}`);
    }
  } else if (s.containerPort !== undefined) {
    lines.push(`  internal: http://${s.name}:${s.containerPort} (Service Connect)`);
  }
  if (!s.serviceConnect.server) {
    lines.push(`  Service Connect client: created after ${s.serviceConnect.endpoints.join(", ") || "no endpoint"}; endpoint hash ${s.serviceConnect.endpointsHash} rolls its tasks when they change`);
  }
  lines.push(`  deployment: ${describeWait(s.deployment)}`);
  const secrets = Object.keys(s.secrets);
  if (secrets.length > 0) lines.push(`  secrets: ${secrets.join(", ")}`);
  if (s.alarms.length > 0) lines.push(`  deployment alarms: ${s.alarms.map((a) => a.name).join(", ")}`);
  return lines;
}

/** Command, entry point and container health check of a service, when set. */
export function describeContainer(s: { command?: string[]; entryPoint?: string[]; healthCheck?: { container?: ContainerHealthCheckSpec }; containerHealthCheck?: ContainerHealthCheckSpec }): string[] {
  const lines: string[] = [];
  if (s.entryPoint) lines.push(`  entryPoint: ${JSON.stringify(s.entryPoint)}`);
  if (s.command) lines.push(`  command: ${JSON.stringify(s.command)}`);
  const c = s.healthCheck?.container ?? s.containerHealthCheck;
  if (c) {
    lines.push(
      `  container health check: ${JSON.stringify(c.command)} every ${c.interval}s, timeout ${c.timeout}s, ${c.retries} retries` +
        `${c.startPeriod !== undefined ? `, start period ${c.startPeriod}s` : ""}`,
    );
  }
  return lines;
}

/** How `up` waits for a service. */
function describeWait(d: DeploymentWaitSpec): string {
  return d.waitForSteadyState ? `up waits for steady state (timeout ${d.timeoutMinutes} min)` : `up does not wait for steady state (timeout ${d.timeoutMinutes} min)`;
}

/** The human report (`verification`: the verifier's summary lines, shown before the policy results). */
export function renderPlan(
  run: { stack: string; project: string; resources: RecordedResource[]; plan: FleetPlan },
  violations: Violation[],
  verification?: string[],
): string {
  const lines: string[] = [];
  const { plan, resources } = run;
  lines.push(`ecs-fleet plan — project ${run.project}, stack ${run.stack}, home region ${plan.homeRegion}`);
  lines.push(`${resources.length} resources in ${plan.regions.length} region(s) and ${plan.sites.length} on-prem site(s)`);

  const children = new Map<string | null, RecordedResource[]>();
  for (const r of resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const tree = (parent: string, depth: number): void => {
    for (const child of children.get(parent) ?? []) {
      lines.push(`${"  ".repeat(depth)}${shortType(child.type)}  ${child.name}`);
      tree(child.urn, depth + 1);
    }
  };

  // Resources of on-prem sites (shown under their site, not under the region that hosts their cluster).
  const onSites = new Set<string>();
  const mark = (urn: string): void => {
    onSites.add(urn);
    for (const child of children.get(urn) ?? []) mark(child.urn);
  };
  for (const r of resources) if (r.type === "ecs-fleet:onprem:OnPremSite") mark(r.urn);

  for (const region of plan.regions) {
    const n = region.network;
    lines.push("");
    lines.push(`== ${region.region} (provider ${region.providerName})`);
    lines.push(`   VPC ${n.cidr}, ${n.azCount} AZs, NAT ${n.natGateways}`);
    lines.push(`   public subnets  ${n.publicSubnetCidrs.join(", ")}`);
    lines.push(`   private subnets ${n.privateSubnetCidrs.join(", ")}`);
    lines.push(`   cluster ${region.clusterName}`);
    lines.push(`   Service Connect namespace ${region.serviceConnectNamespace}`);
    if (region.alb) {
      const a = region.alb;
      lines.push(
        `   ALB ${a.name}: ${a.https ? `HTTPS :443 (${a.https.certificateDomain}, ${a.https.sslPolicy}), HTTP :80 redirects` : "HTTP :80"}, ` +
          `deletion protection ${a.deletionProtection ? "on" : "off"}, idle timeout ${a.idleTimeoutSeconds}s, ` +
          (a.accessLogs ? `access logs to S3 ${a.accessLogs.bucketPrefix}* (${a.accessLogs.retentionDays} days)` : "access logs off"),
      );
    } else {
      lines.push(`   ALB: none (no public service)`);
    }
    if (region.services.length === 0) lines.push(`   services: none`);
    for (const s of region.services) lines.push(...describeService(s).map((l) => `   ${l}`));
    if (region.batch) {
      const b = region.batch;
      lines.push(`   batch queues: ${b.queueName} (FARGATE)${b.spotQueueName ? `, ${b.spotQueueName} (FARGATE_SPOT, then FARGATE)` : ""}`);
      for (const [name, job] of Object.entries(b.jobs)) {
        const extras = [
          job.arraySize ? `array of ${job.arraySize}` : undefined,
          job.dependsOn.length ? `after ${job.dependsOn.join(", ")}` : undefined,
          job.spot ? "spot" : undefined,
          `${job.retries} attempt(s)`,
        ].filter(Boolean);
        lines.push(`   batch job ${name}: ${job.image}, ${job.vcpu} vCPU / ${job.memory} MiB, ${extras.join(", ")}`);
      }
      for (const [head, chain] of Object.entries(b.chains)) {
        lines.push(`   batch chain ${head}: ${chain.schedule}, stages ${chain.stages.map((s) => s.join(" + ")).join(" -> ")}`);
      }
    }
    const inRegion = resources.filter(
      (r) => (r.region === region.region && !onSites.has(r.urn)) || (r.type === "pulumi:providers:aws" && r.name === region.providerName),
    );
    const counts = new Map<string, number>();
    for (const r of inRegion) counts.set(shortType(r.type), (counts.get(shortType(r.type)) ?? 0) + 1);
    lines.push(`   resources (${inRegion.length}): ${[...counts].sort().map(([t, c]) => `${t} ×${c}`).join(", ")}`);
    const top = resources.filter((r) => r.parent === null && r.region === region.region && !r.custom && !onSites.has(r.urn));
    for (const component of top) {
      lines.push(`   ${shortType(component.type)}  ${component.name}`);
      tree(component.urn, 3);
    }
  }

  for (const site of plan.sites) {
    lines.push("");
    lines.push(`== site ${site.site} (ECS Anywhere, home region ${site.region}, provider ${site.providerName})`);
    lines.push(`   ${site.hosts} host(s), ${site.networkMode} networking`);
    lines.push(`   cluster ${site.clusterName}`);
    lines.push(`   instance role ${site.instanceRoleName}, execution role ${site.executionRoleName}, logs ${site.logGroupName} (${site.logRetentionDays} days)`);
    const a = site.activation;
    if (a) {
      lines.push(
        `   activation: up to ${a.registrationLimit} host(s), expires ${a.expires}${a.expired ? " (EXPIRED: no new host can register)" : ""}; ` +
          `code and registration command are secret (stack output sites.${site.site}.registrationCommand)`,
      );
    } else {
      lines.push(`   activation: none (hosts already registered keep working; no new host can register)`);
    }
    if (site.services.length === 0) lines.push(`   services: none`);
    for (const s of site.services) {
      const port = s.containerPort === undefined ? "no published port" : `port ${s.containerPort} on the host`;
      lines.push(
        `   service ${s.name}: ${s.image}, ${s.cpu} CPU / ${s.memory} MiB reserved, ${s.desiredCount} task(s), ${port}` +
          `${s.oneTaskPerHost ? ", one task per host" : ""}`,
      );
      lines.push(...describeContainer(s).map((l) => `   ${l}`));
      lines.push(`     deployment: ${describeWait(s.deploymentWait)}`);
      const secrets = Object.keys(s.secrets);
      if (secrets.length > 0) lines.push(`     secrets: ${secrets.join(", ")} (read by the site's execution role)`);
    }
    const component = resources.find((r) => r.type === "ecs-fleet:onprem:OnPremSite" && r.name === `site-${site.site}`);
    if (component) {
      lines.push(`   ${shortType(component.type)}  ${component.name}`);
      tree(component.urn, 3);
    }
  }

  const unplaced = resources.filter((r) => r.region === null && r.parent === null && !r.type.startsWith("pulumi:providers:"));
  if (unplaced.length > 0) {
    lines.push("");
    lines.push("== global");
    for (const r of unplaced) {
      lines.push(`   ${shortType(r.type)}  ${r.name}`);
      tree(r.urn, 2);
    }
  }
  if (plan.dns) {
    lines.push("");
    lines.push(`== global DNS in ${plan.dns.zone} (provider ${providerName(plan.homeRegion)})`);
    if (plan.dns.records.length === 0) lines.push("   no public service");
    for (const r of plan.dns.records) {
      lines.push(`   ${r.fqdn}  latency A alias → ${r.regions.map((x) => x.region).join(", ")}; health check HTTPS ${r.healthCheckPath} per region`);
      for (const x of r.regions) lines.push(`     ${x.regionalFqdn}  A alias → ALB in ${x.region}`);
    }
  }
  if (plan.warnings.length > 0) {
    lines.push("");
    lines.push("warnings:");
    for (const w of plan.warnings) lines.push(`  - ${w}`);
  }
  if (verification) {
    lines.push("");
    lines.push("verification (npm run verify):", ...verification);
  }
  lines.push("");
  lines.push(...formatViolations(violations));
  return lines.join("\n");
}
