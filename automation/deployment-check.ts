/**
 * After `up`: did every ECS service `up` changed really end on the task definition it registered?
 *
 * With the deployment circuit breaker's rollback, a failed deployment returns the service to the
 * previous task definition, which then reaches steady state: waiting for steady state alone reports
 * the rolled-back service as stable (pulumi/pulumi-aws#4487). The deployment that counts is the
 * service's PRIMARY one (DescribeServices `deployments[]`): it must run the task definition `up`
 * registered and have `rolloutState` COMPLETED. A rollback makes the rollback deployment PRIMARY
 * (with the old task definition); a failure without rollback leaves the PRIMARY `FAILED`.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html (rolloutState:
 * COMPLETED | FAILED | IN_PROGRESS; "the rollout state of the deployment ... when the circuit
 * breaker is turned on").
 */
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import type { Clock } from "./clock";
import type { FailedDeployment } from "./errors";

/** A service `up` created, updated or replaced, with what it registered (from the engine's events). */
export interface DeployedService {
  urn: string;
  region: string;
  serviceName: string;
  /** Cluster ARN or name. */
  cluster: string;
  /** The task definition ARN the service was given. */
  taskDefinition: string;
}

/** Checks deployed services; resolves with the ones that did not complete (empty: all fine). */
export interface DeploymentChecker {
  verify(services: readonly DeployedService[], ctx: { clock: Clock; signal?: AbortSignal }): Promise<Omit<FailedDeployment, "service">[]>;
}

export interface AwsDeploymentCheckerOptions {
  /** ECS client of a region. Default `new ECSClient({ region })`, the default credential chain. */
  clientFor?: (region: string) => Pick<ECSClient, "send">;
  /** How long a PRIMARY deployment may stay IN_PROGRESS. Default 10 minutes. */
  timeoutMs?: number;
  /** Wait between two looks at IN_PROGRESS deployments. Default 15 s. */
  pollMs?: number;
}

/** DescribeServices takes at most 10 services per call (API_DescribeServices: "up to 10"). */
const DESCRIBE_BATCH = 10;

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** The DescribeServices check against AWS. */
export class AwsDeploymentChecker implements DeploymentChecker {
  private readonly clients = new Map<string, Pick<ECSClient, "send">>();

  constructor(private readonly options: AwsDeploymentCheckerOptions = {}) {}

  private client(region: string): Pick<ECSClient, "send"> {
    let c = this.clients.get(region);
    if (!c) {
      c = this.options.clientFor ? this.options.clientFor(region) : new ECSClient({ region });
      this.clients.set(region, c);
    }
    return c;
  }

  async verify(services: readonly DeployedService[], ctx: { clock: Clock; signal?: AbortSignal }): Promise<Omit<FailedDeployment, "service">[]> {
    const timeoutMs = this.options.timeoutMs ?? 10 * 60_000;
    const pollMs = this.options.pollMs ?? 15_000;
    const deadline = ctx.clock.now().getTime() + timeoutMs;
    const failed: Omit<FailedDeployment, "service">[] = [];
    let pending = [...services];
    for (;;) {
      const stillRunning: Array<{ s: DeployedService; state: string }> = [];
      for (const group of groups(pending)) {
        const res = await this.describe(group);
        for (const s of group) {
          const outcome = res.get(s.serviceName);
          const base = { region: s.region, serviceName: s.serviceName, cluster: s.cluster, expectedTaskDefinition: s.taskDefinition };
          if (outcome === undefined || typeof outcome === "string") {
            failed.push({ ...base, reason: outcome ?? "DescribeServices did not return the service" });
            continue;
          }
          const primary = outcome.deployments?.find((d) => d.status === "PRIMARY");
          if (!primary) {
            failed.push({ ...base, reason: "the service has no PRIMARY deployment" });
            continue;
          }
          const found = { ...base, actualTaskDefinition: primary.taskDefinition, rolloutState: primary.rolloutState };
          const why = primary.rolloutStateReason ? ` (${primary.rolloutStateReason})` : "";
          if (primary.taskDefinition !== s.taskDefinition) {
            failed.push({ ...found, reason: `rolled back: the PRIMARY deployment runs ${primary.taskDefinition ?? "no task definition"}, not ${s.taskDefinition}${why}` });
          } else if (primary.rolloutState === "FAILED") {
            failed.push({ ...found, reason: `the PRIMARY deployment FAILED${why}` });
          } else if (primary.rolloutState === "IN_PROGRESS") {
            stillRunning.push({ s, state: `the PRIMARY deployment is still IN_PROGRESS after ${Math.round(timeoutMs / 60_000)} min${why}` });
          }
          // COMPLETED, or no rolloutState (no circuit breaker: nothing can roll it back): done.
        }
      }
      if (stillRunning.length === 0) return failed;
      if (ctx.signal?.aborted || ctx.clock.now().getTime() + pollMs > deadline) {
        for (const { s, state } of stillRunning) {
          failed.push({ region: s.region, serviceName: s.serviceName, cluster: s.cluster, expectedTaskDefinition: s.taskDefinition, actualTaskDefinition: s.taskDefinition, rolloutState: "IN_PROGRESS", reason: state });
        }
        return failed;
      }
      await ctx.clock.sleep(pollMs);
      pending = stillRunning.map((x) => x.s);
    }
  }

  /** Services by name, or why one could not be looked at. */
  private async describe(group: DeployedService[]): Promise<Map<string, string | { deployments?: Array<{ status?: string; taskDefinition?: string; rolloutState?: string; rolloutStateReason?: string }> }>> {
    const out = new Map<string, string | { deployments?: Array<{ status?: string; taskDefinition?: string; rolloutState?: string; rolloutStateReason?: string }> }>();
    const { region, cluster } = group[0];
    try {
      const res = await this.client(region).send(new DescribeServicesCommand({ cluster, services: group.map((s) => s.serviceName) }));
      for (const svc of res.services ?? []) {
        if (!svc.serviceName) continue;
        out.set(svc.serviceName, svc.status && svc.status !== "ACTIVE" ? `the service is ${svc.status}` : svc);
      }
      for (const f of res.failures ?? []) {
        const name = f.arn?.split("/").pop();
        if (name && !out.has(name)) out.set(name, `DescribeServices: ${f.reason ?? "failure"}${f.detail ? ` (${f.detail})` : ""}`);
      }
    } catch (err) {
      for (const s of group) out.set(s.serviceName, `cannot verify the deployment: DescribeServices failed: ${errorText(err)}`);
    }
    for (const s of group) if (!out.has(s.serviceName)) out.set(s.serviceName, "DescribeServices did not return the service");
    return out;
  }
}

/** Services grouped by region and cluster, at most DESCRIBE_BATCH per group. */
function groups(services: readonly DeployedService[]): DeployedService[][] {
  const byKey = new Map<string, DeployedService[]>();
  for (const s of services) {
    const key = `${s.region} ${s.cluster}`;
    const list = byKey.get(key) ?? [];
    list.push(s);
    byKey.set(key, list);
  }
  const out: DeployedService[][] = [];
  for (const list of byKey.values()) for (let i = 0; i < list.length; i += DESCRIBE_BATCH) out.push(list.slice(i, i + DESCRIBE_BATCH));
  return out;
}
