/**
 * Plans for the verifier's tests: recorded by running the real program under the mocks, then copied
 * so each test can break exactly one property of its own copy.
 */
import * as path from "path";
import { recorder } from "../setup";
import { runProgram } from "../../offline/run-plan";
import { readStackFile } from "../../offline/stack-file";
import { rawConfig } from "../config-fixtures";
import { PlanResource, VerifiablePlan } from "../../verify/types";
import { ROOT } from "../helpers";

export const NOW = new Date("2026-11-24T00:00:00Z");

export async function planOfRaw(stack: string, raw: Record<string, string>, secretKeys: string[] = []): Promise<VerifiablePlan> {
  const run = await runProgram(recorder, { stack, raw, secretKeys, now: NOW });
  if (!run.ok) throw new Error(`${stack}: ${run.issues.map((i) => `${i.path}: ${i.message}`).join("\n")}`);
  return JSON.parse(JSON.stringify({ stack: run.stack, resources: run.resources, outputs: run.outputs }));
}

export async function planOfStackFile(file: string, stack?: string): Promise<VerifiablePlan> {
  const f = readStackFile(file, stack);
  return planOfRaw(f.stack, f.raw, f.secretKeys);
}

export const shippedStack = (stack: string) => planOfStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));

/**
 * Two public services on one path, told apart only by host (the case host-header routing exists
 * for), an internal Service Connect server, two regions with NAT and a DNS zone.
 */
export function hostRoutedConfig(): Record<string, string> {
  return rawConfig({
    regions: {
      "eu-west-1": { cidr: "10.10.0.0/16", azCount: 2, natGateways: "single" },
      "us-east-1": { cidr: "10.20.0.0/16", azCount: 2, natGateways: "single" },
    },
    dns: { zone: "example.com" },
    services: {
      web: { image: "public.ecr.aws/nginx/nginx:1.27", cpu: 256, memory: 512, desiredCount: 2, containerPort: 80, public: true, path: "/*", host: "www.example.com", healthCheck: { path: "/healthz" } },
      admin: { image: "public.ecr.aws/nginx/nginx:1.27", cpu: 256, memory: 512, desiredCount: 1, containerPort: 8080, public: true, path: "/*", host: "admin.example.com", healthCheck: { path: "/health" } },
      search: { image: "public.ecr.aws/docker/library/httpd:2.4", cpu: 256, memory: 512, desiredCount: 1, containerPort: 9200 },
    },
  });
}

export function copy(plan: VerifiablePlan): VerifiablePlan {
  return JSON.parse(JSON.stringify(plan));
}

export function find(plan: VerifiablePlan, type: string, pred: (r: PlanResource) => boolean = () => true): PlanResource {
  const r = plan.resources.find((x) => x.type === type && pred(x));
  if (!r) throw new Error(`fixture: no ${type} matching`);
  return r;
}

export function all(plan: VerifiablePlan, type: string, pred: (r: PlanResource) => boolean = () => true): PlanResource[] {
  return plan.resources.filter((x) => x.type === type && pred(x));
}

function addDependency(r: PlanResource, urn: string): void {
  r.dependencies = r.dependencies ?? [];
  if (!r.dependencies.some((d) => d.urn === urn)) r.dependencies.push({ urn, explicit: true, inputs: [] });
}

export function dropDependency(r: PlanResource, urn: string): void {
  r.dependencies = (r.dependencies ?? []).filter((d) => d.urn !== urn);
}

/**
 * Repairs, by hand, the defects today's main has and i10a/i10b fix in the program (so the "unbroken
 * plan passes" half of a mutation test does not wait for them). Idempotent: a no-op on a plan that
 * is already right.
 * - order: services after their cluster's capacity providers; task definitions after their
 *   execution role's policies;
 * - ownership: one ACM validation record per name (the duplicates removed);
 * - iam: flow-log roles may logs:DescribeLogGroups (a wildcard-only action) on "*".
 */
export function fixKnownDefects(input: VerifiablePlan): VerifiablePlan {
  const plan = copy(input);
  const byName = (type: string, pred: (r: PlanResource) => boolean) => plan.resources.filter((r) => r.type === type && pred(r));
  for (const svc of all(plan, "aws:ecs/service:Service", (s) => ((s.inputs.capacityProviderStrategies as any[]) ?? []).length > 0)) {
    const cluster = plan.resources.find((c) => c.type === "aws:ecs/cluster:Cluster" && c.region === svc.region && String(svc.inputs.cluster).endsWith(`cluster/${c.inputs.name}`));
    for (const ccp of byName("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", (c) => c.region === svc.region && c.inputs.clusterName === cluster?.inputs.name)) addDependency(svc, ccp.urn);
  }
  for (const td of all(plan, "aws:ecs/taskDefinition:TaskDefinition")) {
    const roleName = String(td.inputs.executionRoleArn ?? "").split("/").pop();
    const role = plan.resources.find((r) => r.type === "aws:iam/role:Role" && r.inputs.name === roleName);
    if (!role) continue;
    for (const p of plan.resources.filter((x) => (x.type === "aws:iam/rolePolicy:RolePolicy" || x.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment") && (x.inputs.role === roleName || String(x.inputs.role).startsWith(`${role.name}-`)))) {
      addDependency(td, p.urn);
    }
  }
  const seen = new Set<string>();
  plan.resources = plan.resources.filter((r) => {
    if (r.type !== "aws:route53/record:Record" || r.inputs.type !== "CNAME") return true;
    const key = `${r.inputs.zoneId}/${String(r.inputs.name).toLowerCase().replace(/\.$/, "")}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  for (const fl of all(plan, "aws:ec2/flowLog:FlowLog")) {
    const roleName = String(fl.inputs.iamRoleArn).split("/").pop();
    for (const p of byName("aws:iam/rolePolicy:RolePolicy", (x) => x.region === fl.region && String(x.inputs.role).startsWith(String(roleName).replace(/-[0-9a-f]{7}$/, "")))) {
      const doc = JSON.parse(String(p.inputs.policy));
      const has = doc.Statement.some((s: any) => [].concat(s.Action).includes("logs:DescribeLogGroups" as never) && [].concat(s.Resource).includes("*" as never));
      if (has) continue;
      for (const s of doc.Statement) s.Action = [].concat(s.Action).filter((a: string) => a !== "logs:DescribeLogGroups");
      doc.Statement.push({ Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "*" });
      p.inputs.policy = JSON.stringify(doc);
    }
  }
  return plan;
}
