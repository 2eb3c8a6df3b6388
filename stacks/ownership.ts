/**
 * One owner per physical object: no two resources of a plan may manage the same AWS object. Pure:
 * reads a FleetPlan, returns every clash with the config key paths of both owners.
 *
 * Two resources with one physical name either fail at deploy (`EntityAlreadyExists` for IAM roles,
 * `ResourceAlreadyExistsException` for log groups) or, worse, silently share the object, and
 * deleting either one deletes what the other still needs. Names are unique per scope: IAM role names
 * per account (IAM is global, hence the region code in role names), log groups, ECS clusters, task
 * families, alarms, Batch and Step Functions names per region, ECS services per cluster, Route 53
 * name + type per zone.
 */
import type { FleetPlan } from "./plan";
import type { Path } from "./sections/common";

/** What a physical name belongs to, and where in config it comes from. */
interface Owner {
  /** Kind of object, for the message ("IAM role"). */
  kind: string;
  /** Where the name must be unique ("the account", "eu-west-1", "cluster x in eu-west-1"). */
  scope: string;
  name: string;
  /** Config key path of the entry that makes this resource. */
  path: Path;
  /** What the entry makes, for the message ("execution role of service web in eu-west-1"). */
  what: string;
  /**
   * Owners with the same group may share the name (the latency records of one service share
   * `<service>.<zone>`, one per region, with distinct set identifiers).
   */
  group?: string;
}

/** One clash: the path of the later owner, and a message naming the earlier one. */
export interface OwnershipIssue {
  path: Path;
  message: string;
}

function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** Every physically named object of the plan, with its owner. */
export function physicalOwners(plan: FleetPlan): Owner[] {
  const out: Owner[] = [];
  const account = "the account";
  for (const r of plan.regions) {
    const region = r.region;
    out.push({ kind: "ECS cluster", scope: region, name: r.clusterName, path: ["regions", region], what: `cluster of region ${region}` });
    for (const s of r.services) {
      const at = ["services", s.name];
      const where = `service ${s.name} in ${region}`;
      out.push({ kind: "IAM role", scope: account, name: s.taskRoleName, path: at, what: `task role of ${where}` });
      out.push({ kind: "IAM role", scope: account, name: s.executionRoleName, path: at, what: `execution role of ${where}` });
      out.push({ kind: "log group", scope: region, name: s.logGroupName, path: at, what: `log group of ${where}` });
      out.push({ kind: "task definition family", scope: region, name: s.family, path: at, what: `task family of ${where}` });
      out.push({ kind: "ECS service", scope: `cluster ${r.clusterName} in ${region}`, name: s.serviceName, path: at, what: where });
      for (const a of s.alarms) out.push({ kind: "CloudWatch alarm", scope: region, name: a.name, path: at, what: `${a.kind} alarm of ${where}` });
    }
    if (r.batch) {
      const b = r.batch;
      out.push({ kind: "log group", scope: region, name: b.logGroupName, path: ["batch"], what: `Batch log group in ${region}` });
      out.push({ kind: "Batch job queue", scope: region, name: b.queueName, path: ["batch"], what: `Batch queue in ${region}` });
      if (b.spotQueueName) out.push({ kind: "Batch job queue", scope: region, name: b.spotQueueName, path: ["batch"], what: `Batch Spot queue in ${region}` });
      for (const j of Object.values(b.jobs)) {
        const at = ["batch", j.name];
        const where = `batch job ${j.name} in ${region}`;
        out.push({ kind: "IAM role", scope: account, name: j.jobRoleName, path: at, what: `job role of ${where}` });
        out.push({ kind: "IAM role", scope: account, name: j.executionRoleName, path: at, what: `execution role of ${where}` });
        out.push({ kind: "Batch job definition", scope: region, name: j.jobDefinitionName, path: at, what: where });
      }
      for (const c of Object.values(b.chains)) {
        const at = ["batch", c.head, "schedule"];
        const where = `chain ${c.head} in ${region}`;
        out.push({ kind: "IAM role", scope: account, name: c.stateMachineRoleName, path: at, what: `state machine role of ${where}` });
        out.push({ kind: "IAM role", scope: account, name: c.schedulerRoleName, path: at, what: `scheduler role of ${where}` });
        out.push({ kind: "state machine", scope: region, name: c.stateMachineName, path: at, what: where });
        out.push({ kind: "schedule", scope: region, name: c.scheduleName, path: at, what: where });
      }
    }
  }
  for (const site of plan.sites) {
    const at = ["sites", site.site];
    const where = `site ${site.site}`;
    out.push({ kind: "ECS cluster", scope: site.region, name: site.clusterName, path: at, what: `cluster of ${where}` });
    out.push({ kind: "IAM role", scope: account, name: site.instanceRoleName, path: at, what: `instance role of ${where}` });
    out.push({ kind: "IAM role", scope: account, name: site.executionRoleName, path: at, what: `execution role of ${where}` });
    out.push({ kind: "log group", scope: site.region, name: site.logGroupName, path: at, what: `log group of ${where}` });
    for (const s of site.services) {
      const sat = ["services", s.name, "sites"];
      out.push({ kind: "task definition family", scope: site.region, name: s.family, path: sat, what: `task family of service ${s.name} at ${where}` });
      out.push({ kind: "ECS service", scope: `cluster ${site.clusterName} in ${site.region}`, name: s.serviceName, path: sat, what: `service ${s.name} at ${where}` });
    }
  }
  if (plan.dns) {
    const zone = `zone ${plan.dns.zone}`;
    for (const rec of plan.dns.records) {
      const at = ["services", rec.service];
      // Latency records of one service share the name (one per region, set identifier = region).
      out.push({ kind: "Route 53 A record", scope: zone, name: rec.fqdn, path: at, what: `latency records of service ${rec.service}`, group: `latency:${rec.service}` });
      for (const { region, regionalFqdn } of rec.regions) {
        out.push({ kind: "Route 53 A record", scope: zone, name: regionalFqdn, path: at, what: `regional record of service ${rec.service} in ${region}` });
      }
    }
  }
  return out;
}

/**
 * Every name that two owners claim in one scope. Case-insensitive where AWS is (IAM role names,
 * DNS names); exact elsewhere.
 */
export function checkOwnership(plan: FleetPlan): OwnershipIssue[] {
  const caseInsensitive = new Set(["IAM role", "Route 53 A record"]);
  const seen = new Map<string, Owner>();
  const issues: OwnershipIssue[] = [];
  const reported = new Set<string>();
  for (const owner of physicalOwners(plan)) {
    const name = caseInsensitive.has(owner.kind) ? owner.name.toLowerCase() : owner.name;
    const key = `${owner.kind}\u0000${owner.scope}\u0000${name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, owner);
      continue;
    }
    if (first.group !== undefined && first.group === owner.group) continue;
    // The same entry in several regions owns its account-wide names once per region: those differ by
    // region code, so reaching here means two different things claim one name.
    if (first.what === owner.what) continue;
    const id = `${key}\u0000${pathText(first.path)}\u0000${pathText(owner.path)}`;
    if (reported.has(id)) continue;
    reported.add(id);
    issues.push({
      path: owner.path,
      message:
        `${owner.what} and ${first.what} (${pathText(first.path)}) would both use the ${owner.kind} name "${owner.name}" in ${owner.scope}; ` +
        `two resources cannot own one ${owner.kind}: rename one of ${pathText(first.path)} and ${pathText(owner.path)}`,
    });
  }
  return issues;
}
