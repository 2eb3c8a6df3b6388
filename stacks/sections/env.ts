/**
 * Container environment and secrets, shared by services and batch jobs. Secrets are references
 * (Secrets Manager ARNs, SSM parameter ARNs or names): their values never enter config or state.
 */
import { z } from "zod";
import { AddIssue, Path, hasOwn, mapOf, text } from "./common";

/** An environment variable name. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Secrets Manager secret ARN (optionally with a JSON key / version suffix). */
const SECRETS_MANAGER_ARN = /^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?$/;
/** SSM parameter ARN. */
const SSM_PARAMETER_ARN = /^arn:aws(-cn|-us-gov)?:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9/_.-]+$/;
/** SSM parameter name in the stack's own region and account: `/path/name` or `name`. */
const SSM_PARAMETER_NAME = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Values may be empty: ECS and Batch accept `value: ""` (an empty variable is not an absent one). */
export const EnvironmentSchema = mapOf(text("a string value (quote numbers and booleans)", undefined, { allowEmpty: true }), "variable names to values");
export const SecretsSchema = mapOf(
  text("a Secrets Manager secret ARN, an SSM parameter ARN, or an SSM parameter name such as /prod/db/password"),
  "variable names to secret references",
);

export type Environment = z.infer<typeof EnvironmentSchema>;
export type Secrets = z.infer<typeof SecretsSchema>;

/** What kind of reference a secret is. */
export type SecretRef =
  | { kind: "secretsmanager"; arn: string }
  | { kind: "ssm-arn"; arn: string }
  | { kind: "ssm-name"; name: string };

export function parseSecretRef(ref: string): SecretRef | undefined {
  if (SECRETS_MANAGER_ARN.test(ref)) return { kind: "secretsmanager", arn: ref };
  if (SSM_PARAMETER_ARN.test(ref)) return { kind: "ssm-arn", arn: ref };
  if (!ref.startsWith("arn:") && SSM_PARAMETER_NAME.test(ref)) return { kind: "ssm-name", name: ref };
  return undefined;
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

/** Checks environment names, secret references, and that no name is both. */
export function checkEnvironment(environment: Environment | undefined, secrets: Secrets | undefined, base: Path, add: AddIssue): void {
  for (const name of Object.keys(environment ?? {})) {
    if (!ENV_NAME.test(name)) add([...base, "environment", name], "environment variable names use letters, digits and underscores, not starting with a digit");
  }
  for (const [name, ref] of Object.entries(secrets ?? {})) {
    if (!ENV_NAME.test(name)) add([...base, "secrets", name], "environment variable names use letters, digits and underscores, not starting with a digit");
    if (!parseSecretRef(ref)) {
      add([...base, "secrets", name], `expected a Secrets Manager secret ARN, an SSM parameter ARN, or an SSM parameter name, got "${ref}"`);
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
