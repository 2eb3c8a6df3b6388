/**
 * Container environment and secrets, shared by services and batch jobs. Secrets are references
 * (Secrets Manager ARNs, SSM parameter ARNs or names): their values never enter config or state.
 */
import { z } from "zod";
import { AddIssue, Path, describeValue, hasOwn, mapOf, text } from "./common";

/** An environment variable name. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Secrets Manager secret ARN (optionally with a JSON key / version suffix). */
const SECRETS_MANAGER_ARN = /^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?$/;
/** SSM parameter ARN. */
const SSM_PARAMETER_ARN = /^arn:aws(-cn|-us-gov)?:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9/_.-]+$/;
/** SSM parameter name in the stack's own region and account: `/path/name` or `name`. */
const SSM_PARAMETER_NAME = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** A customer managed KMS key, by key ARN (IAM policies name keys by key ARN, not alias). */
const KMS_KEY_ARN = /^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

const SECRET_WHAT = "a Secrets Manager secret ARN, an SSM parameter ARN, or an SSM parameter name such as /prod/db/password";

/**
 * One secret: a reference, or `{ valueFrom, kmsKey }` naming the customer managed KMS key the secret
 * is encrypted with (required for a secret in another account: the AWS managed key
 * `aws/secretsmanager` cannot be used across accounts,
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html).
 */
export type SecretValue = string | { valueFrom: string; kmsKey: string };

const SecretValueSchema = z.unknown().transform((v, ctx): SecretValue => {
  if (typeof v === "string" && v.trim() !== "") return v;
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => k !== "valueFrom" && k !== "kmsKey");
    for (const k of unknown) ctx.addIssue({ code: "custom", path: [k], message: "unknown key; allowed: valueFrom, kmsKey" });
    if (typeof o.valueFrom !== "string" || o.valueFrom.trim() === "") ctx.addIssue({ code: "custom", path: ["valueFrom"], message: `required: ${SECRET_WHAT}` });
    if (typeof o.kmsKey !== "string" || o.kmsKey.trim() === "") ctx.addIssue({ code: "custom", path: ["kmsKey"], message: "required: the key ARN of the customer managed KMS key the secret is encrypted with" });
    if (unknown.length === 0 && typeof o.valueFrom === "string" && typeof o.kmsKey === "string" && o.valueFrom.trim() !== "" && o.kmsKey.trim() !== "") {
      return { valueFrom: o.valueFrom, kmsKey: o.kmsKey };
    }
    return z.NEVER;
  }
  ctx.addIssue({ code: "custom", message: `expected ${SECRET_WHAT}, or { valueFrom, kmsKey }, got ${describeValue(v)}` });
  return z.NEVER;
});

/** Values may be empty: ECS and Batch accept `value: ""` (an empty variable is not an absent one). */
export const EnvironmentSchema = mapOf(text("a string value (quote numbers and booleans)", undefined, { allowEmpty: true }), "variable names to values");
export const SecretsSchema = mapOf(SecretValueSchema, "variable names to secret references");

export type Environment = z.infer<typeof EnvironmentSchema>;
export type Secrets = z.infer<typeof SecretsSchema>;

/** What kind of reference a secret is; `kmsKey` when it names its customer managed key. */
export type SecretRef = (
  | { kind: "secretsmanager"; arn: string }
  | { kind: "ssm-arn"; arn: string }
  | { kind: "ssm-name"; name: string }
) & { kmsKey?: string };

export function parseSecretRef(ref: string): SecretRef | undefined {
  if (SECRETS_MANAGER_ARN.test(ref)) return { kind: "secretsmanager", arn: ref };
  if (SSM_PARAMETER_ARN.test(ref)) return { kind: "ssm-arn", arn: ref };
  if (!ref.startsWith("arn:") && SSM_PARAMETER_NAME.test(ref)) return { kind: "ssm-name", name: ref };
  return undefined;
}

/** The reference of a configured secret (what the container definition's valueFrom gets). */
export function secretValueFrom(value: SecretValue): string {
  return typeof value === "string" ? value : value.valueFrom;
}

/** Parses a configured secret, with its KMS key. */
export function parseSecretValue(value: SecretValue): SecretRef | undefined {
  const ref = parseSecretRef(secretValueFrom(value));
  if (!ref) return undefined;
  return typeof value === "string" ? ref : { ...ref, kmsKey: value.kmsKey };
}

/** Account of a secret given by ARN; undefined for an SSM parameter name (the deploying account's). */
export function secretAccount(ref: SecretRef): string | undefined {
  return ref.kind === "ssm-name" ? undefined : ref.arn.split(":")[4];
}

/** Region of a secret given by ARN; undefined for an SSM parameter name (the task's region). */
export function secretRegion(ref: SecretRef): string | undefined {
  return ref.kind === "ssm-name" ? undefined : ref.arn.split(":")[3];
}

/**
 * Why a secret cannot be read from `account`: it is in another account and names no customer
 * managed KMS key. Undefined when it can.
 */
export function crossAccountSecretProblem(ref: SecretRef, account: string): string | undefined {
  const owner = secretAccount(ref);
  if (owner === undefined || owner === account || ref.kmsKey) return undefined;
  const arn = ref.kind === "ssm-name" ? ref.name : ref.arn;
  return (
    `${arn} is in account ${owner}, not the deploying account ${account}; a secret in another account must be encrypted with a ` +
    `customer managed KMS key (the AWS managed key aws/secretsmanager cannot be used across accounts): write it as ` +
    `{ valueFrom: <reference>, kmsKey: <key ARN> } so the execution role gets kms:Decrypt on that key`
  );
}

/**
 * The ARN a task's execution role must be allowed to read for a secret reference. A Secrets
 * Manager reference with a JSON key (`arn:...:secret:db:password::`) is read through its secret ARN.
 */
export function secretResourceArn(ref: SecretRef, partition: string, region: string, accountId: string): string {
  switch (ref.kind) {
    case "secretsmanager": {
      const parts = ref.arn.split(":");
      // arn:aws:secretsmanager:region:account:secret:name[-suffix][:json-key:version-stage:version-id]
      const base = parts.slice(0, 7).join(":");
      // Secrets Manager appends a 6-character suffix to the name in the real ARN: allow it when the reference lacks it.
      return /-[A-Za-z0-9]{6}$/.test(parts[6]) ? base : `${base}-??????`;
    }
    case "ssm-arn":
      return ref.arn;
    case "ssm-name":
      return `arn:${partition}:ssm:${region}:${accountId}:parameter/${ref.name.replace(/^\//, "")}`;
  }
}

/**
 * With the stack's account known (`ecs-fleet:account`): every secret in another account names its
 * customer managed KMS key. `owners` are the config entries with secrets, by key path.
 */
export function checkSecretAccounts(owners: { path: Path; secrets?: Secrets }[], account: string | undefined, add: AddIssue): void {
  if (account === undefined) return;
  for (const { path, secrets } of owners) {
    for (const [name, value] of Object.entries(secrets ?? {})) {
      const parsed = parseSecretValue(value);
      const problem = parsed && crossAccountSecretProblem(parsed, account);
      if (problem) add([...path, "secrets", name], problem);
    }
  }
}

/** Checks environment names, secret references (and their KMS keys), and that no name is both. */
export function checkEnvironment(environment: Environment | undefined, secrets: Secrets | undefined, base: Path, add: AddIssue): void {
  for (const name of Object.keys(environment ?? {})) {
    if (!ENV_NAME.test(name)) add([...base, "environment", name], "environment variable names use letters, digits and underscores, not starting with a digit");
  }
  for (const [name, value] of Object.entries(secrets ?? {})) {
    if (!ENV_NAME.test(name)) add([...base, "secrets", name], "environment variable names use letters, digits and underscores, not starting with a digit");
    const ref = secretValueFrom(value);
    const parsed = parseSecretValue(value);
    if (!parsed) {
      add([...base, "secrets", name, ...(typeof value === "string" ? [] : ["valueFrom"])], `expected a Secrets Manager secret ARN, an SSM parameter ARN, or an SSM parameter name, got "${ref}"`);
    } else if (typeof value !== "string" && !KMS_KEY_ARN.test(value.kmsKey)) {
      add([...base, "secrets", name, "kmsKey"], `expected the key ARN of a customer managed KMS key such as arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias), got "${value.kmsKey}"`);
    }
    if (hasOwn(environment, name)) {
      add([...base, "secrets", name], `${name} is also set in environment; a variable is either plain or secret, remove one`);
    }
  }
}

/**
 * A task definition is at most 64 KiB ("Task definition size: 64 KiB", not adjustable —
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html). Environment and
 * secrets are the only parts of ecs-fleet's task definitions whose size the config controls; the rest
 * (image, ports, logging, roles, health check) stays well under TASK_DEFINITION_RESERVE.
 */
export const MAX_TASK_DEFINITION_BYTES = 65536;
/** Bytes kept for everything in a task definition besides environment and secrets. */
export const TASK_DEFINITION_RESERVE = 4096;

/** Bytes the environment and secrets take in a container definition (as the API's JSON). */
export function environmentBytes(environment: Environment | undefined, secrets: Secrets | undefined): number {
  const env = Object.keys(environment ?? {}).map((name) => ({ name, value: (environment as Environment)[name] }));
  const sec = Object.keys(secrets ?? {}).map((name) => ({ name, valueFrom: (secrets as Secrets)[name] }));
  return Buffer.byteLength(JSON.stringify({ environment: env, secrets: sec }), "utf8");
}

/** Environment and secrets must leave the task definition within 64 KiB. */
export function checkTaskDefinitionSize(environment: Environment | undefined, secrets: Secrets | undefined, base: Path, add: AddIssue): void {
  const bytes = environmentBytes(environment, secrets);
  const room = MAX_TASK_DEFINITION_BYTES - TASK_DEFINITION_RESERVE;
  if (bytes > room) {
    const at = environment && Object.keys(environment).length > 0 ? "environment" : "secrets";
    add(
      [...base, at],
      `environment and secrets take ${bytes.toLocaleString("en-US")} bytes of the task definition; a task definition is at most 64 KiB (65,536 bytes) and the rest of it needs about ${TASK_DEFINITION_RESERVE.toLocaleString("en-US")}, so keep them under ${room.toLocaleString("en-US")} bytes (large values belong in S3 or SSM)`,
    );
  }
}
