/**
 * Health of one rollout target (a service in one region or on one site), checked through the AWS
 * API after `up`:
 *  - the ECS service exists and is ACTIVE;
 *  - its primary deployment is complete (rolloutState COMPLETED, or no other deployment left when
 *    ECS reports no rollout state) and runs the new image;
 *  - running count equals desired count;
 *  - none of the service's CloudWatch alarms (from the stack outputs; regions only) is in ALARM.
 * A check that cannot be made (missing output, AWS error) fails: a wave is healthy only when
 * everything was seen to be healthy.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { isTransientAwsError } from "./retry";

/**
 * The part of the stack outputs the checks read (the program's FleetStackOutputs, read structurally:
 * per-service outputs and sites appear as the program grows them).
 */
export interface HealthOutputs {
  regions?: Record<string, { clusterName: string; services?: Record<string, { serviceName: string; alarms?: string[] }> }>;
  sites?: Record<string, { clusterName: string; services?: Record<string, { serviceName: string }> }>;
}

/** One service in one region, or on one on-prem site. */
export interface HealthTarget {
  kind: "region" | "site";
  /** Region key or site key. */
  key: string;
  /** AWS region whose APIs to ask (a site's home region for sites). */
  region: string;
  service: string;
  /** The image the service must run. */
  image: string;
}

export interface HealthCheck {
  name: "service" | "deployment" | "image" | "running-count" | "alarms";
  ok: boolean;
  /** A failed check that may still turn healthy by itself (deployment in progress, tasks starting). */
  settling?: boolean;
  detail: string;
  /**
   * The check could not be made because of a transient AWS error (throttling, 429/5xx, network):
   * the rollout asks again with backoff until the wave's timeout (./retry).
   */
  transient?: boolean;
}

export interface HealthReport {
  target: HealthTarget;
  healthy: boolean;
  checks: HealthCheck[];
}

/** Checks one target once (the rollout polls and bakes around it). */
export interface HealthChecker {
  check(target: HealthTarget, outputs: HealthOutputs): Promise<HealthReport>;
}

/** What will be checked for a target, in words (for `--dry-run`). */
export function describeChecks(target: HealthTarget): string[] {
  const where = target.kind === "region" ? `region ${target.key}` : `site ${target.key} (via ${target.region})`;
  const checks = [
    `ECS service ${target.service} in ${where} is ACTIVE`,
    `its primary deployment is COMPLETED and runs ${target.image}`,
    `its running count equals its desired count`,
  ];
  if (target.kind === "region") checks.push(`none of its CloudWatch alarms is in ALARM`);
  return checks;
}

/** The ECS cluster/service and alarms of a target, as the stack outputs name them. */
export function locate(
  target: HealthTarget,
  outputs: HealthOutputs,
): { cluster: string; serviceName: string; alarms: string[] } | { missing: string } {
  if (target.kind === "region") {
    const region = outputs.regions?.[target.key];
    if (!region) return { missing: `stack outputs have no region ${target.key}` };
    const svc = region.services?.[target.service];
    if (!svc) return { missing: `stack outputs have no service ${target.service} in region ${target.key}` };
    return { cluster: region.clusterName, serviceName: svc.serviceName, alarms: svc.alarms ?? [] };
  }
  const site = outputs.sites?.[target.key];
  if (!site) return { missing: `stack outputs have no site ${target.key}` };
  const svc = site.services?.[target.service];
  if (!svc) return { missing: `stack outputs have no service ${target.service} on site ${target.key}` };
  return { cluster: site.clusterName, serviceName: svc.serviceName, alarms: [] };
}

/** `arn:aws:cloudwatch:<region>:<account>:alarm:<name>` -> `<name>`; names pass through. */
export function alarmName(ref: string): string {
  const m = /^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)$/.exec(ref);
  return m ? m[1] : ref;
}

function message(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function transient(err: unknown): { transient?: true } {
  return isTransientAwsError(err) ? { transient: true } : {};
}

/** Who the AWS credentials are. */
export interface CallerIdentity {
  account: string;
  arn: string;
}

/** Proves the AWS credentials work in a region (the rollout's pre-flight; tests use a double). */
export interface IdentityChecker {
  /** Throws what the AWS SDK throws (CredentialsProviderError, ExpiredToken, throttling, ...). */
  callerIdentity(region: string): Promise<CallerIdentity>;
}

/**
 * STS GetCallerIdentity: needs no permission, so it fails only when the credentials do not work.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
export class AwsIdentityChecker implements IdentityChecker {
  private readonly clients = new Map<string, STSClient>();
  constructor(private readonly sts?: (region: string) => STSClient) {}

  async callerIdentity(region: string): Promise<CallerIdentity> {
    let c = this.clients.get(region);
    if (!c) {
      c = this.sts ? this.sts(region) : new STSClient({ region });
      this.clients.set(region, c);
    }
    const res = await c.send(new GetCallerIdentityCommand({}));
    return { account: res.Account ?? "?", arn: res.Arn ?? "?" };
  }
}

export interface AwsHealthCheckerOptions {
  /** ECS client for a region. Default `new ECSClient({ region })`, one per region. */
  ecs?: (region: string) => ECSClient;
  /** CloudWatch client for a region. Default `new CloudWatchClient({ region })`, one per region. */
  cloudwatch?: (region: string) => CloudWatchClient;
}

/** Health checks against the real AWS APIs (credentials from the usual AWS SDK chain). */
export class AwsHealthChecker implements HealthChecker {
  private readonly ecsClients = new Map<string, ECSClient>();
  private readonly cwClients = new Map<string, CloudWatchClient>();

  constructor(private readonly options: AwsHealthCheckerOptions = {}) {}

  private ecs(region: string): ECSClient {
    let c = this.ecsClients.get(region);
    if (!c) {
      c = this.options.ecs ? this.options.ecs(region) : new ECSClient({ region });
      this.ecsClients.set(region, c);
    }
    return c;
  }

  private cloudwatch(region: string): CloudWatchClient {
    let c = this.cwClients.get(region);
    if (!c) {
      c = this.options.cloudwatch ? this.options.cloudwatch(region) : new CloudWatchClient({ region });
      this.cwClients.set(region, c);
    }
    return c;
  }

  async check(target: HealthTarget, outputs: HealthOutputs): Promise<HealthReport> {
    const checks: HealthCheck[] = [];
    const report = (): HealthReport => ({ target, healthy: checks.every((c) => c.ok), checks });
    const where = locate(target, outputs);
    if ("missing" in where) {
      checks.push({ name: "service", ok: false, detail: where.missing });
      return report();
    }
    const ecs = this.ecs(target.region);
    let service;
    try {
      const res = await ecs.send(new DescribeServicesCommand({ cluster: where.cluster, services: [where.serviceName] }));
      service = res.services?.find((s) => s.serviceName === where.serviceName);
      if (!service) {
        const why = res.failures?.map((f) => f.reason).join(", ") || "not returned";
        checks.push({ name: "service", ok: false, detail: `${where.serviceName} in ${where.cluster}: ${why}` });
        return report();
      }
    } catch (err) {
      checks.push({ name: "service", ok: false, detail: `DescribeServices failed: ${message(err)}`, ...transient(err) });
      return report();
    }
    checks.push({
      name: "service",
      ok: service.status === "ACTIVE",
      detail: `${where.serviceName} in ${where.cluster} is ${service.status ?? "of unknown status"}`,
    });

    const deployments = service.deployments ?? [];
    const primary = deployments.find((d) => d.status === "PRIMARY");
    if (!primary) {
      checks.push({ name: "deployment", ok: false, detail: "no primary deployment" });
    } else if (primary.rolloutState) {
      checks.push({
        name: "deployment",
        ok: primary.rolloutState === "COMPLETED",
        settling: primary.rolloutState === "IN_PROGRESS",
        detail: `primary deployment${primary.id ? ` ${primary.id}` : ""} is ${primary.rolloutState}${primary.rolloutStateReason ? ` (${primary.rolloutStateReason})` : ""}`,
      });
    } else {
      const others = deployments.length - 1;
      checks.push({
        name: "deployment",
        ok: others === 0,
        settling: others > 0,
        detail: others === 0 ? "only the primary deployment is left" : `${others} older deployment(s) still draining`,
      });
    }

    if (primary?.taskDefinition) {
      try {
        const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: primary.taskDefinition }));
        const images = (td.taskDefinition?.containerDefinitions ?? []).map((c) => c.image ?? "");
        checks.push({
          name: "image",
          ok: images.includes(target.image),
          detail: images.includes(target.image)
            ? `primary deployment runs ${target.image}`
            : `primary deployment runs ${images.join(", ") || "no image"}, expected ${target.image}`,
        });
      } catch (err) {
        checks.push({ name: "image", ok: false, detail: `DescribeTaskDefinition failed: ${message(err)}`, ...transient(err) });
      }
    } else {
      checks.push({ name: "image", ok: false, detail: "primary deployment names no task definition" });
    }

    const running = service.runningCount ?? 0;
    const desired = service.desiredCount ?? 0;
    checks.push({ name: "running-count", ok: running === desired, settling: running !== desired, detail: `${running} running of ${desired} desired` });

    if (target.kind === "region") checks.push(await this.alarms(target.region, where.alarms));
    return report();
  }

  private async alarms(region: string, refs: string[]): Promise<HealthCheck> {
    if (refs.length === 0) return { name: "alarms", ok: true, detail: "the service has no alarms" };
    const names = [...new Set(refs.map(alarmName))];
    const states = new Map<string, string>();
    try {
      for (let i = 0; i < names.length; i += 100) {
        const res = await this.cloudwatch(region).send(
          new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }),
        );
        for (const a of [...(res.MetricAlarms ?? []), ...(res.CompositeAlarms ?? [])]) {
          if (a.AlarmName) states.set(a.AlarmName, a.StateValue ?? "UNKNOWN");
        }
      }
    } catch (err) {
      return { name: "alarms", ok: false, detail: `DescribeAlarms failed: ${message(err)}`, ...transient(err) };
    }
    const firing = names.filter((n) => states.get(n) === "ALARM");
    const missing = names.filter((n) => !states.has(n));
    if (firing.length > 0) return { name: "alarms", ok: false, detail: `in ALARM: ${firing.join(", ")}` };
    if (missing.length > 0) return { name: "alarms", ok: false, detail: `not found in CloudWatch: ${missing.join(", ")}` };
    return { name: "alarms", ok: true, detail: `${names.length} alarm(s), none in ALARM` };
  }
}
