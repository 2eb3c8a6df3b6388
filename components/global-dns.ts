import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { DnsRecordSpec } from "../stacks/plan";

/** A region's load balancer, as DNS points at it. */
export interface DnsTarget {
  /** The ALB's DNS name. */
  dnsName: pulumi.Input<string>;
  /** The ALB's canonical hosted zone id (alias target). */
  zoneId: pulumi.Input<string>;
}

export interface GlobalDnsArgs {
  /** Id of the public hosted zone. Required. */
  zoneId: pulumi.Input<string>;
  /** One entry per public service (from the plan). Required. */
  records: DnsRecordSpec[];
  /** Each region's load balancer, by region. Required for every region a record names. */
  targets: Record<string, DnsTarget>;
  /** Seconds between Route 53 health checks: 10 or 30. Default 30. */
  requestInterval?: 10 | 30;
  /** Failed checks before a region counts as unhealthy, 1..10. Default 3. */
  failureThreshold?: number;
}

/**
 * Global names of the public services. For each service and region: a Route 53 HTTPS health check
 * on the service's health path through that region's ALB, a latency alias record `<service>.<zone>`
 * (set identifier = region, target health evaluated, the health check attached), and the region's
 * own alias `<service>-<region>.<zone>`. Route 53 is global: give this component the home region's
 * provider.
 */
export class GlobalDns extends pulumi.ComponentResource {
  public readonly healthChecks: Record<string, Record<string, aws.route53.HealthCheck>> = {};
  public readonly records: aws.route53.Record[] = [];
  /** `https://<service>.<zone>` by service. */
  public readonly globalUrls: Record<string, string> = {};

  constructor(name: string, args: GlobalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-fleet:dns:GlobalDns", name, {}, opts);
    for (const record of args.records) {
      this.healthChecks[record.service] = {};
      for (const { region, regionalFqdn } of record.regions) {
        const target = args.targets[region];
        if (!target) throw new Error(`GlobalDns ${name}: no load balancer for ${record.service} in ${region}`);
        const check = new aws.route53.HealthCheck(
          `${name}-${record.service}-${region}`,
          {
            type: "HTTPS",
            fqdn: target.dnsName,
            port: 443,
            resourcePath: record.healthCheckPath,
            requestInterval: args.requestInterval ?? 30,
            failureThreshold: args.failureThreshold ?? 3,
            measureLatency: false,
            tags: { Name: `${record.service} in ${region}` },
          },
          { parent: this },
        );
        this.healthChecks[record.service][region] = check;
        this.records.push(
          new aws.route53.Record(
            `${name}-${record.service}-${region}`,
            {
              zoneId: args.zoneId,
              name: record.fqdn,
              type: "A",
              setIdentifier: region,
              latencyRoutingPolicies: [{ region }],
              healthCheckId: check.id,
              aliases: [{ name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: true }],
            },
            { parent: this },
          ),
          new aws.route53.Record(
            `${name}-${record.service}-${region}-regional`,
            {
              zoneId: args.zoneId,
              name: regionalFqdn,
              type: "A",
              aliases: [{ name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: true }],
            },
            { parent: this },
          ),
        );
      }
      // With the path base, so the URL reaches the service's own rule (host and path).
      this.globalUrls[record.service] = `https://${record.fqdn}${record.urlPath}`;
    }
    this.registerOutputs({ globalUrls: this.globalUrls });
  }
}
