/**
 * Who writes Application Load Balancer access logs into S3, per region: pure data, taken from the
 * AWS documentation "Enable access logs for your Application Load Balancer" (Step 2, attach a policy
 * to your S3 bucket), which gives two bucket policies:
 *
 * - Regions available before August 2022: allow the regional Elastic Load Balancing account,
 *   `"Principal": { "AWS": "arn:aws:iam::<elb-account-id>:root" }`, with the account ids below.
 * - Regions available as of August 2022 or later: allow the log delivery service,
 *   `"Principal": { "Service": "logdelivery.elasticloadbalancing.amazonaws.com" }`.
 *
 * Either way the statement allows `s3:PutObject` on `<bucket>/<prefix>/AWSLogs/<account-id>/*` and
 * nothing else. The AWS GovCloud ids come from the same guide (GovCloud section), the China ids from
 * the guide on docs.amazonaws.cn. When AWS opens a region it uses the service principal: do not add
 * it here.
 */
import { partitionOf } from "./regions";

/** The service principal that writes access logs in regions opened in August 2022 or later. */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** Elastic Load Balancing account id per region available before August 2022. */
export const ELB_ACCOUNT_IDS: Readonly<Record<string, string>> = Object.freeze({
  "us-east-1": "127311923021", // US East (N. Virginia)
  "us-east-2": "033677994240", // US East (Ohio)
  "us-west-1": "027434742980", // US West (N. California)
  "us-west-2": "797873946194", // US West (Oregon)
  "af-south-1": "098369216593", // Africa (Cape Town)
  "ap-east-1": "754344448648", // Asia Pacific (Hong Kong)
  "ap-southeast-3": "589379963580", // Asia Pacific (Jakarta)
  "ap-south-1": "718504428378", // Asia Pacific (Mumbai)
  "ap-northeast-3": "383597477331", // Asia Pacific (Osaka)
  "ap-northeast-2": "600734575887", // Asia Pacific (Seoul)
  "ap-southeast-1": "114774131450", // Asia Pacific (Singapore)
  "ap-southeast-2": "783225319266", // Asia Pacific (Sydney)
  "ap-northeast-1": "582318560864", // Asia Pacific (Tokyo)
  "ca-central-1": "985666609251", // Canada (Central)
  "eu-central-1": "054676820928", // Europe (Frankfurt)
  "eu-west-1": "156460612806", // Europe (Ireland)
  "eu-west-2": "652711504416", // Europe (London)
  "eu-south-1": "635631232127", // Europe (Milan)
  "eu-west-3": "009996457667", // Europe (Paris)
  "eu-north-1": "897822967062", // Europe (Stockholm)
  "me-south-1": "076674570225", // Middle East (Bahrain)
  "sa-east-1": "507241528517", // South America (São Paulo)
  "us-gov-west-1": "048591011584", // AWS GovCloud (US-West)
  "us-gov-east-1": "190560391635", // AWS GovCloud (US-East)
  "cn-north-1": "638102146993", // China (Beijing)
  "cn-northwest-1": "037604701340", // China (Ningxia)
});

/** The `Principal` of the bucket policy statement that lets Elastic Load Balancing write access logs. */
export type ElbLogPrincipal = { AWS: string } | { Service: string };

/**
 * The principal AWS documents for `region`: the regional ELB account (as an IAM root ARN in the
 * region's partition) where the table has one, else the log delivery service principal.
 */
export function elbLogPrincipal(region: string): ElbLogPrincipal {
  const account = Object.prototype.hasOwnProperty.call(ELB_ACCOUNT_IDS, region) ? ELB_ACCOUNT_IDS[region] : undefined;
  if (account === undefined) return { Service: ELB_LOG_DELIVERY_SERVICE };
  return { AWS: `arn:${partitionOf(region) ?? "aws"}:iam::${account}:root` };
}
