/**
 * The ecs-fleet program: from a plan to providers, components and stack outputs. `index.ts` runs it
 * for `pulumi up`; `npm run plan` and the tests run the very same code under the mock runtime.
 */
import * as aws from "./components/aws";
import * as pulumi from "@pulumi/pulumi";
import { FleetPlan } from "./stacks/plan";
import { providerName } from "./stacks/naming";
import { RegionalFootprint } from "./components/regional-footprint";
import { DnsTarget, GlobalDns } from "./components/global-dns";
import { OnPremSite } from "./components/on-prem-site";
import { CertificateValidationRecord, formerValidationRecordUrn } from "./components/certificate-validation";
import { nextTurn } from "./runtime/turn";

/** Tag keys every resource gets through its provider's defaultTags. */
export const TAG_KEYS = { project: "Project", stack: "Stack", region: "Region" } as const;

/** One service in one region. */
export interface RegionServiceOutputs {
  /** ECS service name. */
  serviceName: pulumi.Output<string>;
  /** Where the service answers in this region (public services only). */
  url?: pulumi.Output<string>;
  /** Names of the CloudWatch alarms that gate (and roll back) its deployments. */
  alarms: pulumi.Output<string[]>;
}

export interface BatchOutputs {
  jobQueueArn: pulumi.Output<string>;
  spotJobQueueArn?: pulumi.Output<string>;
  jobs: pulumi.Output<Record<string, { jobDefinitionArn: string }>>;
  chains: pulumi.Output<Record<string, { stateMachineArn: string }>>;
}

export interface RegionOutputs {
  vpcId: pulumi.Output<string>;
  clusterName: pulumi.Output<string>;
  clusterArn: pulumi.Output<string>;
  /** Present when AWS Batch jobs run in the region. */
  batch?: BatchOutputs;
  /** DNS name of the region's ALB; absent when no public service runs in the region. */
  albDnsName?: pulumi.Output<string>;
  services: Record<string, RegionServiceOutputs>;
}

/** Fleet-wide outputs of one service. */
export interface ServiceOutputs {
  /** `https://<service>.<zone>`, latency-routed to the nearest healthy region (public services, with DNS). */
  globalUrl: string;
}

/** Outputs of one on-prem site. The activation outputs are present while the site has an activation. */
export interface SiteOutputs {
  clusterName: pulumi.Output<string>;
  activationId?: pulumi.Output<string>;
  /** RFC 3339 expiry of the activation. */
  activationExpires?: pulumi.Output<string>;
  /** Secret. */
  activationCode?: pulumi.Output<string>;
  /** Secret: the commands that register a host (they contain the activation code). */
  registrationCommand?: pulumi.Output<string>;
  services: Record<string, { serviceName: pulumi.Output<string> }>;
}

/** The stack outputs, as the program builds them. */
export interface FleetOutputs {
  regions: Record<string, RegionOutputs>;
  /** By service: only public services when `ecs-fleet:dns` is set; empty otherwise. */
  services: Record<string, ServiceOutputs>;
  /** On-prem sites by site name. */
  sites: Record<string, SiteOutputs>;
}

/** The stack outputs as a reader (the Automation API, a tool) sees them. */
export type FleetStackOutputs = pulumi.Unwrap<FleetOutputs>;

/**
 * One explicit provider per region, created on first use. `region` is always set (an explicit
 * provider without it would fall back to AWS_REGION) and the logical name derives from the region
 * key alone, so it never changes.
 */
export class RegionProviders {
  private readonly providers = new Map<string, aws.Provider>();

  constructor(private readonly plan: Pick<FleetPlan, "project" | "stack">) {}

  get(region: string): aws.Provider {
    let provider = this.providers.get(region);
    if (!provider) {
      provider = new aws.Provider(providerName(region), {
        region: region as aws.Region,
        defaultTags: {
          tags: { [TAG_KEYS.project]: this.plan.project, [TAG_KEYS.stack]: this.plan.stack, [TAG_KEYS.region]: region },
        },
      });
      this.providers.set(region, provider);
    }
    return provider;
  }
}

/**
 * Creates everything the plan describes and returns (the promise of) the stack outputs.
 *
 * Region by region and site by site, each built a part at a time with a turn of the event loop
 * between parts (runtime/turn.ts), so the fleet's registrations go out as it is built instead of
 * all at once at the end.
 */
export async function fleet(plan: FleetPlan): Promise<FleetOutputs> {
  for (const warning of plan.warnings) pulumi.log.warn(warning);
  const providers = new RegionProviders(plan);
  // Route 53 is global: the zone, the health checks and the records belong to the home region's provider.
  const home = plan.dns ? providers.get(plan.homeRegion) : undefined;
  const zoneId = plan.dns && home ? aws.route53.getZoneOutput({ name: plan.dns.zone, privateZone: false }, { provider: home }).zoneId : undefined;

  // The ACM validation record of `*.<zone>` is one physical record for every region's certificate:
  // one owner (home region, created below from one certificate's validation option), and every
  // region's validation waits for it (a promise: the certificates it is read from come first).
  const httpsRegions = plan.regions.filter((r) => r.alb?.https).map((r) => r.region);
  let provideRecord: ((record: pulumi.Resource) => void) | undefined;
  const validationRecord =
    httpsRegions.length > 0 ? new Promise<pulumi.Resource>((resolve) => (provideRecord = resolve)) : undefined;

  const regions: Record<string, RegionOutputs> = {};
  const targets: Record<string, DnsTarget> = {};
  const certificates: Record<string, aws.acm.Certificate> = {};
  for (const regionPlan of plan.regions) {
    const footprint = new RegionalFootprint(regionPlan.region, { plan: regionPlan, validationRecord }, { provider: providers.get(regionPlan.region) });
    await footprint.ready;
    if (footprint.alb?.certificate) certificates[regionPlan.region] = footprint.alb.certificate;
    const services: Record<string, RegionServiceOutputs> = {};
    for (const [name, service] of Object.entries(footprint.services)) {
      services[name] = { serviceName: service.serviceName, alarms: service.alarmNames, ...(service.url ? { url: service.url } : {}) };
    }
    const batch = footprint.batch;
    regions[regionPlan.region] = {
      vpcId: footprint.vpcId,
      clusterName: footprint.clusterName,
      clusterArn: footprint.clusterArn,
      ...(footprint.albDnsName ? { albDnsName: footprint.albDnsName } : {}),
      services,
      ...(batch
        ? {
            batch: {
              jobQueueArn: batch.jobQueueArn,
              ...(batch.spotJobQueueArn ? { spotJobQueueArn: batch.spotJobQueueArn } : {}),
              jobs: batch.jobs.apply((jobs) => Object.fromEntries(Object.entries(jobs).map(([k, v]) => [k, { jobDefinitionArn: v.jobDefinitionArn }]))),
              chains: batch.chains.apply((chains) => Object.fromEntries(Object.entries(chains).map(([k, v]) => [k, { stateMachineArn: v.stateMachineArn }]))),
            },
          }
        : {}),
    };
    if (footprint.albDnsName && footprint.albZoneId) targets[regionPlan.region] = { dnsName: footprint.albDnsName, zoneId: footprint.albZoneId };
  }

  if (provideRecord && home && zoneId) {
    // Read from the home region's certificate when it has one, else the first region's (every one
    // carries the same record); after taking over the home region's former record, never replaced.
    const source = certificates[plan.homeRegion] ? plan.homeRegion : httpsRegions[0];
    const record = new CertificateValidationRecord(
      "cert-validation",
      {
        zoneId,
        option: certificates[source].domainValidationOptions.apply((o) => o[0]),
        formerUrn: source === plan.homeRegion ? formerValidationRecordUrn(source) : undefined,
      },
      { provider: home },
    );
    provideRecord(record.record);
  }

  const services: Record<string, ServiceOutputs> = {};
  if (plan.dns && home && zoneId && plan.dns.records.length > 0) {
    const dns = new GlobalDns("global-dns", { zoneId, records: plan.dns.records, targets }, { provider: home });
    for (const [name, url] of Object.entries(dns.globalUrls)) services[name] = { globalUrl: url };
  }

  // A site's home region gets its provider from the same cache: shared with the region when it is
  // configured, its own otherwise — never the implicit default provider.
  const sites: Record<string, SiteOutputs> = {};
  for (const sitePlan of plan.sites) {
    const site = new OnPremSite(`site-${sitePlan.site}`, { plan: sitePlan }, { provider: providers.get(sitePlan.region) });
    const services: SiteOutputs["services"] = {};
    for (const [name, service] of Object.entries(site.services)) services[name] = { serviceName: service.serviceName };
    sites[sitePlan.site] = {
      clusterName: site.clusterName,
      ...(site.activation
        ? {
            activationId: site.activationId,
            activationExpires: site.activationExpires,
            activationCode: site.activationCode,
            registrationCommand: site.registrationCommand,
          }
        : {}),
      services,
    };
    await nextTurn();
  }
  return { regions, services, sites };
}
