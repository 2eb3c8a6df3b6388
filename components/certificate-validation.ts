import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";

/** The DNS record ACM asks for to validate a domain (one entry of `domainValidationOptions`). */
export interface ValidationOption {
  resourceRecordName: string;
  resourceRecordType: string;
  resourceRecordValue: string;
}

export interface CertificateValidationRecordArgs {
  /** Id of the public hosted zone the record goes in. Required. */
  zoneId: pulumi.Input<string>;
  /** The record ACM asks for: any one certificate's validation option for the domain. Required. */
  option: pulumi.Input<ValidationOption>;
  /**
   * The URN of the record this one took over (the home region's former `<region>-alb-cert-validation`),
   * so an existing stack keeps the physical record instead of deleting and re-creating it. Default: none.
   */
  formerUrn?: pulumi.Input<string>;
}

/**
 * The one Route 53 validation record of a wildcard certificate's domain, shared by every region's
 * certificate. ACM gives every certificate for a name in one account the same CNAME, in every
 * region ("Since the CNAME validation token works for any AWS Region, you can re-create the same
 * certificate in multiple Regions", https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html),
 * and managed renewal re-checks it (https://docs.aws.amazon.com/acm/latest/userguide/dns-renewal-validation.html).
 * One record per region meant one owner per region of one physical record: removing a region, or
 * replacing its certificate, deleted the record the others renew through. Give this component the
 * home region's provider; it outlives every regional certificate.
 */
export class CertificateValidationRecord extends pulumi.ComponentResource {
  public readonly record: aws.route53.Record;
  /** The record's name, without the trailing dot (what `CertificateValidation.validationRecordFqdns` takes). */
  public readonly fqdn: pulumi.Output<string>;

  constructor(name: string, args: CertificateValidationRecordArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-fleet:dns:CertificateValidationRecord", name, {}, opts);
    const option = pulumi.output(args.option);
    this.record = new aws.route53.Record(
      `${name}-record`,
      {
        zoneId: args.zoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 300,
        // Takes over the record the per-region owners of earlier versions left in the zone.
        allowOverwrite: true,
      },
      { parent: this, aliases: args.formerUrn ? [args.formerUrn] : [] },
    );
    this.fqdn = this.record.fqdn;
    this.registerOutputs({ fqdn: this.fqdn });
  }
}

/** The URN the validation record of `region` had when each region's Alb owned one (for `aliases`). */
export function formerValidationRecordUrn(region: string): pulumi.Output<string> {
  const footprint = pulumi.createUrn(region, "ecs-fleet:region:RegionalFootprint");
  const alb = pulumi.createUrn(`${region}-alb`, "ecs-fleet:alb:Alb", footprint);
  return pulumi.createUrn(`${region}-alb-cert-validation`, "aws:route53/record:Record", alb);
}
