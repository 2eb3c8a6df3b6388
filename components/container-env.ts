/**
 * Container environment and secrets as the components put them into task and job definitions, and
 * the execution-role statements that let ECS read exactly those secrets. Shared by the regional
 * services (FargateService), the site services (OnPremSite / ExternalService) and Batch jobs.
 */
import { SecretRef, SecretValue, crossAccountSecretProblem, parseSecretValue, secretRegion, secretResourceArn } from "../stacks/sections/env";

/** An IAM policy statement. */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A private ECR image: `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>[:tag][@digest]`. */
const PRIVATE_ECR_IMAGE = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9][a-z0-9._/-]*?)(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * The ECR repository ARN of an image in a private ECR registry; undefined for any other registry
 * (public.ecr.aws, Docker Hub, ...), which the execution role needs no permission for.
 */
export function ecrRepositoryArn(image: string): string | undefined {
  const m = PRIVATE_ECR_IMAGE.exec(image);
  if (!m) return undefined;
  const [, account, region, cn, repository] = m;
  const partition = cn ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

/**
 * Image pull statements of an execution role: nothing for public images; for private ECR images
 * `ecr:GetAuthorizationToken` (it accepts only `*`) and the layer reads on exactly those repositories.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_id-based-policy-examples.html
 */
export function imagePullStatements(images: Iterable<string>): PolicyStatement[] {
  const repos = [...new Set([...images].map(ecrRepositoryArn).filter((a): a is string => a !== undefined))].sort();
  if (repos.length === 0) return [];
  return [
    { Sid: "AuthenticateToEcr", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
    { Sid: "PullImages", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: repos },
  ];
}

/**
 * Everything a task execution role needs, scoped (in place of the managed
 * AmazonECSTaskExecutionRolePolicy, which grants ECR reads and log writes on `*`): private ECR pulls,
 * log writes to the given log groups' streams, and the secrets.
 */
export function executionRoleStatements(args: {
  images: Iterable<string>;
  logGroupArns: readonly string[];
  secrets: Iterable<SecretRef | SecretValue>;
  partition: string;
  region: string;
  accountId: string;
}): PolicyStatement[] {
  return [
    ...imagePullStatements(args.images),
    { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [...args.logGroupArns].sort().map((a) => `${a}:*`) },
    ...secretReadStatements(args.secrets, args.partition, args.region, args.accountId),
  ];
}

/**
 * Checks, with the deploying account known (the caller identity), that every secret in another
 * account names its customer managed KMS key; throws an error naming `owner`, each variable and why.
 */
export function assertSecretsReadable(secrets: Record<string, SecretRef>, accountId: string, owner: string): void {
  const problems = Object.keys(secrets)
    .sort()
    .map((name) => {
      const problem = crossAccountSecretProblem(secrets[name], accountId);
      return problem && `${owner}, secret ${name}: ${problem}`;
    })
    .filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new Error(`secrets cannot be read:\n  ${problems.join("\n  ")}`);
}

/** The `environment` entries of a container definition, sorted by name (a deterministic document). */
export function containerEnvironment(environment: Record<string, string>): { name: string; value: string }[] {
  return Object.keys(environment)
    .sort()
    .map((name) => ({ name, value: environment[name] }));
}

/**
 * The `secrets` entries of a container definition, sorted by name; `valueFrom` is the reference as
 * configured (a secret as a plain reference string, or a planned secret with its `valueFrom`).
 */
export function containerSecrets(secrets: Record<string, string | { valueFrom: string }>): { name: string; valueFrom: string }[] {
  return Object.keys(secrets)
    .sort()
    .map((name) => {
      const s = secrets[name];
      return { name, valueFrom: typeof s === "string" ? s : s.valueFrom };
    });
}

function isSecretRef(v: SecretRef | SecretValue): v is SecretRef {
  return typeof v === "object" && "kind" in v;
}

/**
 * Execution-role statements that allow reading exactly the given secrets: `secretsmanager:GetSecretValue`
 * on the Secrets Manager ARNs (sid ReadSecrets) and `ssm:GetParameters` on the parameter ARNs (sid
 * ReadParameters), each sorted and without repeats; a parameter given by name becomes an ARN in
 * `region` and `accountId`. No statement for a kind that is not used, so `[]` for no secrets.
 * Secrets that name a customer managed KMS key add `kms:Decrypt` on exactly those keys (sid
 * DecryptSecrets), only through Secrets Manager / SSM in the secrets' regions (`kms:ViaService`);
 * the AWS managed keys need no grant in the same account.
 */
export function secretReadStatements(
  refs: Iterable<SecretRef | SecretValue>,
  partition: string,
  region: string,
  accountId: string,
): PolicyStatement[] {
  const secretsManager = new Set<string>();
  const ssm = new Set<string>();
  const keys = new Set<string>();
  const via = new Set<string>();
  const suffix = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  for (const ref of refs) {
    const parsed = isSecretRef(ref) ? ref : parseSecretValue(ref);
    if (!parsed) throw new Error(`invalid secret reference ${JSON.stringify(ref)} (validation should have rejected it)`);
    (parsed.kind === "secretsmanager" ? secretsManager : ssm).add(secretResourceArn(parsed, partition, region, accountId));
    if (parsed.kmsKey) {
      keys.add(parsed.kmsKey);
      via.add(`${parsed.kind === "secretsmanager" ? "secretsmanager" : "ssm"}.${secretRegion(parsed) ?? region}.${suffix}`);
    }
  }
  const out: PolicyStatement[] = [];
  if (secretsManager.size > 0) out.push({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [...secretsManager].sort() });
  if (ssm.size > 0) out.push({ Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [...ssm].sort() });
  if (keys.size > 0) {
    out.push({
      Sid: "DecryptSecrets",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [...keys].sort(),
      Condition: { StringEquals: { "kms:ViaService": [...via].sort() } },
    });
  }
  return out;
}
