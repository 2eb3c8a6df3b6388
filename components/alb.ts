import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { AlbSpec } from "../stacks/plan";
import { AccessLogBucket } from "./access-logs";

export interface AlbArgs {
  /** The planned load balancer: name, deletion protection, idle timeout, HTTPS, access logs. Required. */
  spec: AlbSpec;
  /** VPC of the region. Required. */
  vpcId: pulumi.Input<string>;
  /** Public subnets, one per AZ. Required. */
  publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The zone's one validation record of `spec.https.certificateDomain` (`CertificateValidationRecord`,
   * owned by the home region, shared by every region's certificate); required when `spec.https` is
   * set. The certificate validation, hence the HTTPS listener, waits for it.
   */
  validationRecord?: pulumi.Input<pulumi.Resource>;
  /** Account id of the region's provider, for the access-log bucket policy. Default: the bucket's own `getCallerIdentity` invoke. */
  accountId?: pulumi.Input<string>;
}

/**
 * A region's internet-facing Application Load Balancer, shared by its public services.
 *
 * - Security group: 80 (and 443 with HTTPS) from the internet only; egress rules to the services are
 *   added by each service (`FargateService`), so the ALB reaches exactly their container ports.
 * - With HTTPS: a wildcard ACM certificate `*.<zone>`, DNS-validated through the zone's one shared
 *   validation record (never a record of its own: see CertificateValidationRecord), an HTTPS listener
 *   with a TLS 1.2+ policy, and an HTTP listener that redirects to HTTPS. Without: the HTTP listener
 *   routes. Either way the routing listener answers 404 when no rule matches.
 * - Invalid header fields are dropped; deletion protection as planned.
 * - With `spec.accessLogs`: an `AccessLogBucket` in the region, and the load balancer writes its
 *   access logs there (created after the bucket policy, which ELB checks when logging is switched on).
 */
export class Alb extends pulumi.ComponentResource {
  public readonly loadBalancer: aws.lb.LoadBalancer;
  public readonly securityGroup: aws.ec2.SecurityGroup;
  /** The listener services attach their rules to (HTTPS with DNS, else HTTP). */
  public readonly listener: aws.lb.Listener;
  public readonly httpListener: aws.lb.Listener;
  public readonly httpsListener?: aws.lb.Listener;
  public readonly certificate?: aws.acm.Certificate;
  /** The bucket of the access logs, when they are on. */
  public readonly accessLogBucket?: AccessLogBucket;
  public readonly arn: pulumi.Output<string>;
  public readonly arnSuffix: pulumi.Output<string>;
  public readonly dnsName: pulumi.Output<string>;
  public readonly zoneId: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly listenerArn: pulumi.Output<string>;

  constructor(name: string, args: AlbArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-fleet:alb:Alb", name, {}, opts);
    const { spec } = args;
    if (spec.https && args.validationRecord === undefined) throw new Error(`Alb ${name}: spec.https needs validationRecord`);

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `Load balancer ${spec.name}: HTTP${spec.https ? "/HTTPS" : ""} from the internet`,
        tags: { Name: `${spec.name}-alb` },
      },
      { parent: this },
    );
    const ports = spec.https ? [80, 443] : [80];
    for (const port of ports) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-in-${port}`,
        {
          securityGroupId: this.securityGroup.id,
          description: `${port === 443 ? "HTTPS" : "HTTP"} from the internet`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: "0.0.0.0/0",
        },
        { parent: this },
      );
    }

    if (spec.accessLogs) {
      this.accessLogBucket = new AccessLogBucket(`${name}-logs`, { spec: spec.accessLogs, accountId: args.accountId }, { parent: this });
    }
    const logs = this.accessLogBucket;

    this.loadBalancer = new aws.lb.LoadBalancer(
      name,
      {
        name: spec.name,
        loadBalancerType: "application",
        internal: false,
        securityGroups: [this.securityGroup.id],
        subnets: args.publicSubnetIds,
        dropInvalidHeaderFields: true,
        enableDeletionProtection: spec.deletionProtection,
        idleTimeout: spec.idleTimeoutSeconds,
        ...(logs ? { accessLogs: { bucket: logs.bucketName, prefix: logs.prefix, enabled: true } } : {}),
      },
      { parent: this, dependsOn: logs ? [logs.policy] : [] },
    );

    const notFound: aws.types.input.lb.ListenerDefaultAction = {
      type: "fixed-response",
      fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "not found" },
    };

    if (spec.https) {
      this.certificate = new aws.acm.Certificate(
        `${name}-cert`,
        { domainName: spec.https.certificateDomain, validationMethod: "DNS" },
        { parent: this },
      );
      // The validation record is the zone's one record for the domain (the same CNAME for every
      // certificate of the name in the account); the validation names it as this certificate sees it.
      const validation = new aws.acm.CertificateValidation(
        `${name}-cert`,
        {
          certificateArn: this.certificate.arn,
          validationRecordFqdns: [this.certificate.domainValidationOptions.apply((o) => o[0].resourceRecordName.replace(/\.$/, ""))],
        },
        { parent: this, dependsOn: args.validationRecord },
      );
      this.httpsListener = new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: spec.https.sslPolicy,
          certificateArn: validation.certificateArn,
          defaultActions: [notFound],
        },
        // An HTTPS listener needs an issued certificate: after the validation completed.
        { parent: this, dependsOn: [validation] },
      );
      this.httpListener = new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        },
        { parent: this },
      );
      this.listener = this.httpsListener;
    } else {
      this.httpListener = new aws.lb.Listener(
        `${name}-http`,
        { loadBalancerArn: this.loadBalancer.arn, port: 80, protocol: "HTTP", defaultActions: [notFound] },
        { parent: this },
      );
      this.listener = this.httpListener;
    }

    this.arn = this.loadBalancer.arn;
    this.arnSuffix = this.loadBalancer.arnSuffix;
    this.dnsName = this.loadBalancer.dnsName;
    this.zoneId = this.loadBalancer.zoneId;
    this.securityGroupId = this.securityGroup.id;
    this.listenerArn = this.listener.arn;
    this.registerOutputs({
      arn: this.arn,
      arnSuffix: this.arnSuffix,
      dnsName: this.dnsName,
      zoneId: this.zoneId,
      securityGroupId: this.securityGroupId,
      listenerArn: this.listenerArn,
    });
  }
}
