/**
 * Quotas and limits: AWS's fixed limits that a plan can break without any API call failing until
 * deploy time.
 *
 * - Application Load Balancer: 100 rules per load balancer, all listeners together (default rules
 *   not counted; so at most 100 on any listener), 100 target groups per load balancer, 5 target
 *   groups per action, 5 condition values and 5 wildcards per rule.
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 * - VPC: 60 inbound and 60 outbound rules per security group, 5 security groups per network
 *   interface. https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html
 * - ECS: 5,000 tasks per service; 64 KiB per task definition.
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html
 * - Names: each within the length its API allows (per resource type below). A `namePrefix` gets a
 *   26-character unique suffix from the provider (Terraform's `id.PrefixedUniqueId`), a missing name
 *   Pulumi's 8-character auto-name suffix.
 */
import { Check, CheckResult, Failure } from "../types";
import { Model, Res } from "../model";
import { conditionsOf, forwardsTo, listenersOf, rulesOf } from "../alb";
import { T } from "../fleet";
import { securityGroupRules } from "./network";

/** Name limits by resource type: the input holding the name and its maximum length. */
export const NAME_LIMITS: Record<string, { max: number; min?: number; doc: string }> = {
  [T.targetGroup]: { max: 32, doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html" },
  [T.loadBalancer]: { max: 32, doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html" },
  [T.cluster]: { max: 255, doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html" },
  [T.service]: { max: 255, doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html" },
  [T.role]: { max: 64, doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html" },
  [T.policy]: { max: 128, doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html" },
  [T.rolePolicy]: { max: 128, doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html" },
  [T.logGroup]: { max: 512, doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html" },
  [T.bucket]: { max: 63, min: 3, doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html" },
  [T.securityGroup]: { max: 255, doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html" },
  [T.computeEnvironment]: { max: 128, doc: "https://docs.aws.amazon.com/batch/latest/APIReference/API_CreateComputeEnvironment.html" },
  [T.jobQueue]: { max: 128, doc: "https://docs.aws.amazon.com/batch/latest/APIReference/API_CreateJobQueue.html" },
  [T.jobDefinition]: { max: 128, doc: "https://docs.aws.amazon.com/batch/latest/APIReference/API_RegisterJobDefinition.html" },
  [T.stateMachine]: { max: 80, doc: "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html" },
  [T.schedule]: { max: 64, doc: "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html" },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { max: 255, doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html" },
  "aws:appautoscaling/scheduledAction:ScheduledAction": { max: 256, doc: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html" },
};

/** The length of the name AWS will see (not the mock's shorter suffix). */
export function realNameLength(r: Res): { name: string; length: number } {
  const i = r.inputs;
  if (r.type === T.taskDefinition) return { name: String(i.family), length: String(i.family ?? "").length };
  if (typeof i.name === "string") return { name: i.name, length: i.name.length };
  if (r.type === T.bucket && typeof i.bucket === "string") return { name: i.bucket, length: i.bucket.length };
  const prefix = typeof i.namePrefix === "string" ? i.namePrefix : typeof i.bucketPrefix === "string" ? i.bucketPrefix : undefined;
  if (prefix !== undefined) return { name: `${prefix}<26 characters>`, length: prefix.length + 26 };
  return { name: `${r.name}-<7 hex>`, length: r.name.length + 8 };
}

export const quotas: Check = {
  name: "quotas",
  description: "ALB, security-group, ECS and name limits",
  run(model: Model): CheckResult {
    const failures: Failure[] = [];
    let limits = 0;
    const limit = (urn: string, what: string, value: number, max: number, fix: string) => {
      limits++;
      if (value > max) failures.push({ urn, message: `${what}: ${value}, AWS allows ${max}; ${fix}` });
    };

    for (const lb of model.ofType(T.loadBalancer)) {
      const tgs = new Set<string>();
      let lbRules = 0;
      const perAction = (urn: string, what: string, a: any) => {
        if (a?.type === "forward" && a.forward?.targetGroups) limit(urn, `target groups of one action of ${what}`, (a.forward.targetGroups as any[]).length, 5, "forward to fewer target groups");
      };
      for (const listener of listenersOf(model, lb)) {
        const rules = rulesOf(model, listener);
        lbRules += rules.length;
        for (const a of (listener.inputs.defaultActions as any[]) ?? []) {
          forwardsTo(a).forEach((t) => tgs.add(t));
          perAction(listener.urn, `listener ${listener.name}`, a);
        }
        for (const rule of rules) {
          for (const a of (rule.inputs.actions as any[]) ?? []) {
            forwardsTo(a).forEach((t) => tgs.add(t));
            perAction(rule.urn, `rule ${rule.name}`, a);
          }
          const conditions = conditionsOf(rule);
          const values = conditions.reduce((n, c) => n + c.values.length, 0);
          const wildcards = conditions.reduce((n, c) => n + c.values.reduce((m, v) => m + (v.match(/[*?]/g)?.length ?? 0), 0), 0);
          limit(rule.urn, `condition values of rule ${rule.name}`, values, 5, "split the rule");
          limit(rule.urn, `wildcards in rule ${rule.name}`, wildcards, 5, "use fewer * and ? (split the rule)");
        }
      }
      limit(lb.urn, `rules on load balancer ${lb.name} (all listeners, default rules not counted)`, lbRules, 100, "use fewer rules (one per host or path) or another load balancer");
      limit(lb.urn, `target groups behind load balancer ${lb.name}`, tgs.size, 100, "spread services over more load balancers");
      limit(lb.urn, `security groups of load balancer ${lb.name}`, ((lb.inputs.securityGroups as string[]) ?? []).length, 5, "merge security groups");
    }

    const rules = securityGroupRules(model);
    for (const sg of model.ofType(T.securityGroup)) {
      for (const dir of ["ingress", "egress"] as const) {
        const n = rules.filter((r) => r.sg === sg.id && r.direction === dir).length;
        limit(sg.urn, `${dir === "ingress" ? "inbound" : "outbound"} rules of security group ${sg.name}`, n, 60, "reference a group or prefix list instead of many CIDRs");
      }
    }
    for (const svc of model.ofType(T.service)) {
      const sgs = ((svc.inputs.networkConfiguration as any)?.securityGroups as string[]) ?? [];
      limit(svc.urn, `security groups on the tasks of ${svc.name}`, sgs.length, 5, "merge security groups");
      limit(svc.urn, `desired tasks of ${svc.name}`, Number(svc.inputs.desiredCount ?? 0), 5000, "split the service");
    }
    for (const ce of model.ofType(T.computeEnvironment)) {
      limit(ce.urn, `security groups on the jobs of ${ce.name}`, ((ce.inputs.computeResources as any)?.securityGroupIds ?? []).length, 5, "merge security groups");
    }
    for (const t of model.ofType("aws:appautoscaling/target:Target").filter((x) => x.inputs.serviceNamespace === "ecs")) {
      limit(t.urn, `maximum tasks of ${t.inputs.resourceId}`, Number(t.inputs.maxCapacity ?? 0), 5000, "lower autoscaling.max or split the service");
    }
    for (const td of model.ofType(T.taskDefinition)) {
      // The RegisterTaskDefinition request as JSON, container definitions inlined.
      const request = { ...td.inputs, containerDefinitions: JSON.parse(String(td.inputs.containerDefinitions ?? "[]")) };
      limit(td.urn, `size of task definition ${td.inputs.family} in bytes`, Buffer.byteLength(JSON.stringify(request)), 64 * 1024, "move environment into a file or secrets");
    }

    for (const r of model.resources) {
      const l = NAME_LIMITS[r.type] ?? (r.type === T.taskDefinition ? { max: 255, doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html" } : undefined);
      if (!l) continue;
      const { name, length } = realNameLength(r);
      limits++;
      if (length > l.max || (l.min !== undefined && length < l.min)) {
        failures.push({ urn: r.urn, message: `name ${name} of ${r.name} is ${length} characters; ${r.type.split(":").pop()} names take ${l.min ? `${l.min}..` : "at most "}${l.max} (${l.doc}); shorten it` });
      }
    }
    for (const r of model.ofType(T.record)) {
      const fqdn = String(r.inputs.name ?? "").replace(/\.$/, "");
      limits++;
      const long = fqdn.split(".").find((label) => label.length > 63);
      if (fqdn.length > 253 || long) failures.push({ urn: r.urn, message: `record name ${fqdn}: ${long ? `label ${long} exceeds 63 characters` : "exceeds 253 characters"} (RFC 1035, https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html)` });
    }
    return { check: "quotas", examined: { limits, resources: model.resources.length }, failures };
  },
};
