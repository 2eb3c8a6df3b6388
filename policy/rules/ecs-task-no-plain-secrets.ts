import { Rule, SECRET } from "../types";
import { asArray, BATCH_JOB_DEFINITION, containerLabel, containers, TASK_DEFINITION } from "../util";

/** Environment variable names that usually hold a credential. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
/** Values that are credentials whatever their name. */
const SECRET_VALUES: { re: RegExp; what: string }[] = [
  { re: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/, what: "an AWS access key id" },
  { re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: "a private key" },
];

/**
 * Plain `environment` values are visible to anyone who can describe the task definition. Credentials
 * belong in `secrets` (valueFrom an SSM parameter or Secrets Manager ARN). A value that is an ARN is a
 * reference, not a credential, and is accepted. AWS Batch job definitions (containerProperties) are
 * held to the same rule: their environment is just as visible.
 */
export const ecsTaskNoPlainSecrets: Rule = {
  name: "ecs-task-no-plain-secrets",
  description: "ECS and AWS Batch containers must not carry secret-looking values in plain environment variables.",
  level: "mandatory",
  types: [TASK_DEFINITION, BATCH_JOB_DEFINITION],
  check(r) {
    if (r.props.containerDefinitions === SECRET || r.props.containerProperties === SECRET) {
      return [`${r.type === BATCH_JOB_DEFINITION ? "containerProperties" : "containerDefinitions"} contains a Pulumi secret: pass it through the container's secrets (valueFrom an SSM parameter or Secrets Manager ARN) instead of inlining it`];
    }
    const out: string[] = [];
    (containers(r) ?? []).forEach((c, i) => {
      for (const env of asArray<any>(c.environment)) {
        if (!env || typeof env.name !== "string") continue;
        const value = typeof env.value === "string" ? env.value : "";
        const where = `${containerLabel(c, i)} environment variable ${env.name}`;
        const fix = `move it to secrets (valueFrom an SSM parameter or Secrets Manager ARN)`;
        if (value === SECRET) {
          out.push(`${where} holds a Pulumi secret in plain text: ${fix}`);
          continue;
        }
        const looks = SECRET_VALUES.find((s) => s.re.test(value));
        if (looks) {
          out.push(`${where} looks like ${looks.what}: ${fix}, or better use the task role instead of keys`);
        } else if (SECRET_NAME.test(env.name) && value !== "" && !value.startsWith("arn:")) {
          out.push(`${where} looks like a credential: ${fix}`);
        }
      }
    });
    return out;
  },
};
