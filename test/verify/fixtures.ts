/**
 * Plans for the verifier's tests: recorded by running the real program under the mocks, then copied
 * so each test can break exactly one property of its own copy.
 */
import * as path from "path";
import { readStackFile } from "../../offline/stack-file";
import { rawConfig } from "../config-fixtures";
import { PlanResource, VerifiablePlan } from "../../verify/types";
import { ROOT, sharedRun } from "../helpers";

export const NOW = new Date("2026-11-24T00:00:00Z");

/** The plan of `raw` (one program run per input per process, test/helpers.ts), as a copy of its own. */
export async function planOfRaw(stack: string, raw: Record<string, string>, secretKeys: string[] = []): Promise<VerifiablePlan> {
  const run = await sharedRun({ stack, raw, secretKeys, now: NOW });
  if (!run.ok) throw new Error(`${stack}: ${run.issues.map((i) => `${i.path}: ${i.message}`).join("\n")}`);
  return JSON.parse(JSON.stringify({ stack: run.stack, resources: run.resources, outputs: run.outputs }));
}

export async function planOfStackFile(file: string, stack?: string): Promise<VerifiablePlan> {
  const f = readStackFile(file, stack);
  return planOfRaw(f.stack, f.raw, f.secretKeys);
}

export const shippedStack = (stack: string) => planOfStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));

/** The two plans most checks are proven on: the host-routed config and the shipped prod stack. */
export async function hostsAndProd(): Promise<{ hosts: VerifiablePlan; prod: VerifiablePlan }> {
  return { hosts: await planOfRaw("dev", hostRoutedConfig()), prod: await shippedStack("prod") };
}

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

export function dropDependency(r: PlanResource, urn: string): void {
  r.dependencies = (r.dependencies ?? []).filter((d) => d.urn !== urn);
}
