import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { SitePlan } from "../stacks/plan";
import { ExternalService } from "./external-service";
import { serviceTrustPolicy } from "./iam";
import { assertSecretsReadable, executionRoleStatements, secretReadStatements } from "./container-env";

/** Where AWS publishes the ECS Anywhere install script (and `<url>.asc`, its detached GPG signature). */
export const INSTALL_SCRIPT_URL = "https://amazon-ecs-agent.s3.amazonaws.com/ecs-anywhere-install-latest.sh";
/** The Amazon ECS PGP key (key id BCE9D9A42D51784F, "Amazon ECS <ecs-security@amazon.com>"), full fingerprint. */
export const ECS_PGP_FINGERPRINT = "F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F";
export const ECS_PGP_KEY_ID = "BCE9D9A42D51784F";

/** Managed policies by name; ARNs are built for the site's partition. */
export const SITE_MANAGED_POLICIES = {
  /** SSM agent: managed-instance registration and sessions. */
  ssmCore: "AmazonSSMManagedInstanceCore",
  /** ECS agent on the host (AWS notes it may grant more than an external instance needs). */
  ecsInstance: "service-role/AmazonEC2ContainerServiceforEC2Role",
} as const;

export function managedPolicyArn(partition: string, policy: string): string {
  return `arn:${partition}:iam::aws:policy/${policy}`;
}

/** Single-quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The commands that register one host with a site (Amazon ECS Developer Guide, "Registering an
 * external instance to a cluster"): download the install script and its signature, fetch the Amazon
 * ECS PGP key, accept the script only if it is signed by that key (checked by full fingerprint, so
 * the keyserver need not be trusted), then run it as root with region, cluster, activation id and
 * code. Chained with `&&`: safe to paste, stops at the first failure.
 */
export function registrationCommand(args: { region: string; clusterName: string; activationId: string; activationCode: string }): string {
  const script = "/tmp/ecs-anywhere-install.sh";
  return [
    `curl --fail --silent --show-error --proto "=https" -o "${script}" "${INSTALL_SCRIPT_URL}"`,
    `curl --fail --silent --show-error --proto "=https" -o "${script}.asc" "${INSTALL_SCRIPT_URL}.asc"`,
    `{ gpg --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys ${ECS_PGP_KEY_ID} || gpg --keyserver hkp://keys.gnupg.net:80 --recv-keys ${ECS_PGP_KEY_ID}; }`,
    `gpg --status-fd 1 --verify "${script}.asc" "${script}" | grep -E '^\\[GNUPG:\\] VALIDSIG .* ${ECS_PGP_FINGERPRINT}$' >/dev/null`,
    `sudo bash "${script}" --region ${shellQuote(args.region)} --cluster ${shellQuote(args.clusterName)} ` +
      `--activation-id ${shellQuote(args.activationId)} --activation-code ${shellQuote(args.activationCode)}`,
  ].join(" && \\\n");
}

export interface OnPremSiteArgs {
  /** Everything the site runs, from the planner (names, hosts, network mode, activation, services). Required. */
  plan: SitePlan;
}

/**
 * An on-premises site on ECS Anywhere: its own ECS cluster in the home region (Container Insights
 * on), the IAM role hosts assume through SSM, a task execution role (allowed to read exactly the
 * secrets of the site's services), a log group, while onboarding an SSM activation (code kept
 * secret), and one EXTERNAL service per service that lists the site. Give it the home region's
 * explicit provider (`{ provider }`); every child inherits it.
 */
export class OnPremSite extends pulumi.ComponentResource {
  public readonly site: string;
  public readonly cluster: aws.ecs.Cluster;
  public readonly instanceRole: aws.iam.Role;
  public readonly executionRole: aws.iam.Role;
  /** The execution role's permission to read the site services' secrets; set when any service has secrets. */
  public readonly secretsPolicy?: aws.iam.RolePolicy;
  public readonly logGroup: aws.cloudwatch.LogGroup;
  public readonly activation?: aws.ssm.Activation;
  public readonly services: Record<string, ExternalService>;
  public readonly clusterName: pulumi.Output<string>;
  public readonly clusterArn: pulumi.Output<string>;
  /** Set while the site has an activation. */
  public readonly activationId?: pulumi.Output<string>;
  /** RFC 3339 expiry of the activation. */
  public readonly activationExpires?: pulumi.Output<string>;
  /** Secret. */
  public readonly activationCode?: pulumi.Output<string>;
  /** Secret: contains the activation code. */
  public readonly registrationCommand?: pulumi.Output<string>;

  constructor(name: string, args: OnPremSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-fleet:onprem:OnPremSite", name, {}, opts);
    const { plan } = args;
    this.site = plan.site;

    this.cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      { name: plan.clusterName, settings: [{ name: "containerInsights", value: "enabled" }] },
      { parent: this },
    );

    // Confused-deputy guards (aws:SourceAccount, aws:SourceArn) on both trust policies, as the
    // Systems Manager hybrid service role and the ECS task execution role docs show them:
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/hybrid-multicloud-service-role.html
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    this.instanceRole = new aws.iam.Role(
      `${name}-instance`,
      {
        name: plan.instanceRoleName,
        description: `ECS Anywhere hosts of site ${plan.site} (assumed through SSM)`,
        assumeRolePolicy: serviceTrustPolicy("ssm.amazonaws.com", {
          accountId,
          sourceArn: pulumi.interpolate`arn:${plan.partition}:ssm:${plan.region}:${accountId}:*`,
        }),
      },
      { parent: this },
    );
    const instancePolicies = [SITE_MANAGED_POLICIES.ssmCore, SITE_MANAGED_POLICIES.ecsInstance].map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-instance-${policy.split("/").pop()}`,
          { role: this.instanceRole.name, policyArn: managedPolicyArn(plan.partition, policy) },
          { parent: this },
        ),
    );

    this.executionRole = new aws.iam.Role(
      `${name}-exec`,
      {
        name: plan.executionRoleName,
        description: `Task execution role of site ${plan.site}: image pulls, awslogs, the services' secrets`,
        assumeRolePolicy: serviceTrustPolicy("ecs-tasks.amazonaws.com", {
          accountId,
          sourceArn: pulumi.interpolate`arn:${plan.partition}:ecs:${plan.region}:${accountId}:*`,
        }),
      },
      { parent: this },
    );

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: plan.logGroupName, retentionInDays: plan.logRetentionDays },
      { parent: this },
    );

    // Scoped, in place of the managed AmazonECSTaskExecutionRolePolicy (ECR reads and log writes on
    // `*`): pulls from exactly the private ECR repositories of the site's images, logs to its group.
    const executionPolicy = new aws.iam.RolePolicy(
      `${name}-exec`,
      {
        role: this.executionRole.name,
        policy: pulumi.all([accountId, this.logGroup.arn]).apply(([a, logArn]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: executionRoleStatements({ images: plan.services.map((s) => s.image), logGroupArns: [logArn], secrets: [], partition: plan.partition, region: plan.region, accountId: a }),
          }),
        ),
      },
      { parent: this },
    );

    // Secrets of every service at the site: the execution role may read exactly these (parameter
    // names resolve in the home region and the provider's account), and nothing when there are none.
    const secretRefs = plan.services.flatMap((s) => Object.values(s.secrets).map((secret) => secret.ref));
    const executionReady: pulumi.Resource[] = [executionPolicy];
    if (secretRefs.length > 0) {
      this.secretsPolicy = new aws.iam.RolePolicy(
        `${name}-exec-secrets`,
        {
          role: this.executionRole.name,
          policy: accountId.apply((a) => {
            for (const s of plan.services) {
              assertSecretsReadable(Object.fromEntries(Object.entries(s.secrets).map(([k, v]) => [k, v.ref])), a, `service ${s.name} at site ${plan.site}`);
            }
            return JSON.stringify({ Version: "2012-10-17", Statement: secretReadStatements(secretRefs, plan.partition, plan.region, a) });
          }),
        },
        { parent: this },
      );
      executionReady.push(this.secretsPolicy);
    }

    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;

    if (plan.activation) {
      this.activation = new aws.ssm.Activation(
        `${name}-activation`,
        {
          name: plan.activation.instanceName,
          description: `ECS Anywhere hosts of site ${plan.site}`,
          iamRole: this.instanceRole.name,
          registrationLimit: plan.activation.registrationLimit,
          // From the config date only: a second `up` sees the same input and keeps the activation.
          expirationDate: plan.activation.expirationDate,
        },
        { parent: this, additionalSecretOutputs: ["activationCode"], dependsOn: instancePolicies },
      );
      this.activationId = this.activation.id;
      this.activationExpires = this.activation.expirationDate;
      this.activationCode = pulumi.secret(this.activation.activationCode);
      this.registrationCommand = pulumi.secret(
        pulumi
          .all([this.cluster.name, this.activation.id, this.activation.activationCode])
          .apply(([clusterName, activationId, activationCode]) =>
            registrationCommand({ region: plan.region, clusterName, activationId, activationCode }),
          ),
      );
    }

    this.services = {};
    for (const spec of plan.services) {
      this.services[spec.name] = new ExternalService(
        `${name}-${spec.name}`,
        {
          spec,
          clusterArn: this.cluster.arn,
          networkMode: plan.networkMode,
          executionRoleArn: this.executionRole.arn,
          logGroupName: this.logGroup.name,
          region: plan.region,
          executionReady,
        },
        { parent: this },
      );
    }

    this.registerOutputs({
      clusterName: this.clusterName,
      clusterArn: this.clusterArn,
      activationId: this.activationId,
      activationExpires: this.activationExpires,
      activationCode: this.activationCode,
      registrationCommand: this.registrationCommand,
    });
  }
}
