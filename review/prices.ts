/**
 * The dated price table the cost estimate uses: AWS list prices in USD, on-demand, without free
 * tiers, Savings Plans or taxes, for every region of the shipped stacks (Pulumi.dev.yaml and
 * Pulumi.prod.yaml: eu-west-1, us-east-1, ap-southeast-2, and eu-central-1 for the dev lab site).
 * Each price carries the page it comes from and the date it was read. A region not in the table
 * has no price: the estimate says so instead of guessing.
 *
 * How the figures were checked (2026-12-01): the us-east-1 Fargate, NAT gateway, ALB and public
 * IPv4 figures match several independent write-ups of the AWS pages (e.g. vantage.sh/blog/fargate-pricing,
 * cloudburn.io/blog/aws-nat-gateway-pricing, cloud-horizons.com ALB line item); the stored copies of
 * the AWS pages themselves render the regional tables dynamically, so the other regions' figures are
 * the published list prices as recorded here and should be re-read from the source pages before
 * anyone budgets with them.
 *
 * To refresh: open each source page, select the region, update `usd` and `date`.
 */

export interface Price {
  /** USD per unit. */
  usd: number;
  unit: string;
  source: string;
  /** ISO date the figure was read. */
  date: string;
}

const DATE = "2026-12-01";
const FARGATE = "https://aws.amazon.com/fargate/pricing/";
const VPC = "https://aws.amazon.com/vpc/pricing/";
const ELB = "https://aws.amazon.com/elasticloadbalancing/pricing/";
const CLOUDWATCH = "https://aws.amazon.com/cloudwatch/pricing/";
const ROUTE53 = "https://aws.amazon.com/route53/pricing/";
const ECS = "https://aws.amazon.com/ecs/pricing/";
const SFN = "https://aws.amazon.com/step-functions/pricing/";
const PRIVATELINK = "https://aws.amazon.com/privatelink/pricing/";

const p = (usd: number, unit: string, source: string): Price => ({ usd, unit, source, date: DATE });

/** Prices that differ by region. */
export interface RegionPrices {
  fargateVcpuHourX86: Price;
  fargateGbHourX86: Price;
  fargateVcpuHourArm: Price;
  fargateGbHourArm: Price;
  natGatewayHour: Price;
  natGatewayGb: Price;
  albHour: Price;
  albLcuHour: Price;
  /** Standard-resolution alarm (period of 60 s or more), per alarm metric and month. */
  alarmMonth: Price;
  /** Custom metric per month (first 10,000 metrics): what Container Insights metrics are billed as. */
  metricMonth: Price;
  /** CloudWatch Logs ingestion (standard class), per GB. */
  logsGb: Price;
  /** ECS Anywhere, per registered on-premises instance and hour. */
  ecsAnywhereInstanceHour: Price;
  /** Step Functions standard workflows, per 1,000 state transitions. */
  sfnThousandTransitions: Price;
  /** Interface VPC endpoint, per endpoint and AZ and hour; absent where not in the table. */
  vpcEndpointAzHour?: Price;
}

/** Prices that are the same in every region. */
export const GLOBAL_PRICES = {
  /** In-use public IPv4 address, per hour (every region). */
  publicIpv4Hour: p(0.005, "IPv4 address-hour", VPC),
  /** Route 53 health check of an AWS endpoint, per month. */
  healthCheckAwsMonth: p(0.5, "health check-month", ROUTE53),
  /** Each optional feature of a health check of an AWS endpoint (HTTPS, string matching, fast interval, latency measurement), per month. */
  healthCheckFeatureMonth: p(1.0, "feature-month", ROUTE53),
  /** Latency-based routing queries, per million (first billion a month). */
  latencyQueriesMillion: p(0.6, "million queries", ROUTE53),
  /** Standard queries, per million (first billion a month). */
  standardQueriesMillion: p(0.4, "million queries", ROUTE53),
} as const;

export const REGION_PRICES: Readonly<Record<string, RegionPrices>> = {
  "us-east-1": {
    fargateVcpuHourX86: p(0.04048, "vCPU-hour", FARGATE),
    fargateGbHourX86: p(0.004445, "GB-hour", FARGATE),
    fargateVcpuHourArm: p(0.03238, "vCPU-hour", FARGATE),
    fargateGbHourArm: p(0.00356, "GB-hour", FARGATE),
    natGatewayHour: p(0.045, "NAT gateway-hour", VPC),
    natGatewayGb: p(0.045, "GB processed", VPC),
    albHour: p(0.0225, "ALB-hour", ELB),
    albLcuHour: p(0.008, "LCU-hour", ELB),
    alarmMonth: p(0.1, "alarm metric-month", CLOUDWATCH),
    metricMonth: p(0.3, "metric-month", CLOUDWATCH),
    logsGb: p(0.5, "GB ingested", CLOUDWATCH),
    ecsAnywhereInstanceHour: p(0.01025, "instance-hour", ECS),
    sfnThousandTransitions: p(0.025, "1,000 state transitions", SFN),
    vpcEndpointAzHour: p(0.01, "endpoint AZ-hour", PRIVATELINK),
  },
  "eu-west-1": {
    fargateVcpuHourX86: p(0.04048, "vCPU-hour", FARGATE),
    fargateGbHourX86: p(0.004445, "GB-hour", FARGATE),
    fargateVcpuHourArm: p(0.03238, "vCPU-hour", FARGATE),
    fargateGbHourArm: p(0.00356, "GB-hour", FARGATE),
    natGatewayHour: p(0.048, "NAT gateway-hour", VPC),
    natGatewayGb: p(0.048, "GB processed", VPC),
    albHour: p(0.0252, "ALB-hour", ELB),
    albLcuHour: p(0.008, "LCU-hour", ELB),
    alarmMonth: p(0.1, "alarm metric-month", CLOUDWATCH),
    metricMonth: p(0.3, "metric-month", CLOUDWATCH),
    logsGb: p(0.57, "GB ingested", CLOUDWATCH),
    ecsAnywhereInstanceHour: p(0.01025, "instance-hour", ECS),
    sfnThousandTransitions: p(0.025, "1,000 state transitions", SFN),
    vpcEndpointAzHour: p(0.011, "endpoint AZ-hour", PRIVATELINK),
  },
  "eu-central-1": {
    fargateVcpuHourX86: p(0.04656, "vCPU-hour", FARGATE),
    fargateGbHourX86: p(0.00511, "GB-hour", FARGATE),
    fargateVcpuHourArm: p(0.03725, "vCPU-hour", FARGATE),
    fargateGbHourArm: p(0.00409, "GB-hour", FARGATE),
    natGatewayHour: p(0.052, "NAT gateway-hour", VPC),
    natGatewayGb: p(0.052, "GB processed", VPC),
    albHour: p(0.027, "ALB-hour", ELB),
    albLcuHour: p(0.008, "LCU-hour", ELB),
    alarmMonth: p(0.1, "alarm metric-month", CLOUDWATCH),
    metricMonth: p(0.3, "metric-month", CLOUDWATCH),
    logsGb: p(0.63, "GB ingested", CLOUDWATCH),
    ecsAnywhereInstanceHour: p(0.01025, "instance-hour", ECS),
    sfnThousandTransitions: p(0.025, "1,000 state transitions", SFN),
  },
  "ap-southeast-2": {
    fargateVcpuHourX86: p(0.04856, "vCPU-hour", FARGATE),
    fargateGbHourX86: p(0.00532, "GB-hour", FARGATE),
    fargateVcpuHourArm: p(0.03885, "vCPU-hour", FARGATE),
    fargateGbHourArm: p(0.00426, "GB-hour", FARGATE),
    natGatewayHour: p(0.059, "NAT gateway-hour", VPC),
    natGatewayGb: p(0.059, "GB processed", VPC),
    albHour: p(0.0252, "ALB-hour", ELB),
    albLcuHour: p(0.008, "LCU-hour", ELB),
    alarmMonth: p(0.1, "alarm metric-month", CLOUDWATCH),
    metricMonth: p(0.3, "metric-month", CLOUDWATCH),
    logsGb: p(0.57, "GB ingested", CLOUDWATCH),
    ecsAnywhereInstanceHour: p(0.01025, "instance-hour", ECS),
    sfnThousandTransitions: p(0.025, "1,000 state transitions", SFN),
  },
};

/**
 * Fargate Spot is priced per region by AWS and moves with long-term supply and demand; the pricing
 * page advertises "up to a 70% discount off the regular Fargate price". The estimate applies a
 * discount (an assumption, `ecs-fleet:cost.spotDiscount`) to the on-demand price instead of a figure
 * that is stale within weeks.
 */
export const SPOT_DISCOUNT_SOURCE = `${FARGATE} (Fargate Spot: "up to a 70% discount")`;

/** Hours in the average month (AWS's pricing examples use 730). */
export const HOURS_PER_MONTH = 730;
