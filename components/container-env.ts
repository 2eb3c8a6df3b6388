/**
 * Container environment and secrets as the components put them into task and job definitions, and
 * the execution-role statements that let ECS read exactly those secrets. Shared by the regional
 * services (FargateService), the site services (OnPremSite / ExternalService) and Batch jobs.
 */
import { SecretRef, parseSecretRef, secretResourceArn } from "../stacks/sections/env";

/** An IAM policy statement. */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
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

/**
 * Execution-role statements that allow reading exactly the given secrets: `secretsmanager:GetSecretValue`
 * on the Secrets Manager ARNs (sid ReadSecrets) and `ssm:GetParameters` on the parameter ARNs (sid
 * ReadParameters), each sorted and without repeats; a parameter given by name becomes an ARN in
 * `region` and `accountId`. No statement for a kind that is not used, so `[]` for no secrets. No
 * `kms:Decrypt`: secrets encrypted with the AWS-managed keys need none.
 */
export function secretReadStatements(
  refs: Iterable<SecretRef | string>,
  partition: string,
  region: string,
  accountId: string,
): PolicyStatement[] {
  const secretsManager = new Set<string>();
  const ssm = new Set<string>();
  for (const ref of refs) {
    const parsed = typeof ref === "string" ? parseSecretRef(ref) : ref;
    if (!parsed) throw new Error(`invalid secret reference ${String(ref)} (validation should have rejected it)`);
    (parsed.kind === "secretsmanager" ? secretsManager : ssm).add(secretResourceArn(parsed, partition, region, accountId));
  }
  const out: PolicyStatement[] = [];
  if (secretsManager.size > 0) out.push({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [...secretsManager].sort() });
  if (ssm.size > 0) out.push({ Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [...ssm].sort() });
  return out;
}
