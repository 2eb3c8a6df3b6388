import { Rule } from "../types";
import { asArray, isKnown, statementLabel, statements } from "../util";

/** The AWS services this program's roles may be assumed by. */
export const TRUSTED_SERVICES = [
  "ecs-tasks.amazonaws.com",
  "ecs.amazonaws.com",
  "ssm.amazonaws.com",
  "batch.amazonaws.com",
  "scheduler.amazonaws.com",
  "states.amazonaws.com",
  "events.amazonaws.com",
  "ec2.amazonaws.com",
  "vpc-flow-logs.amazonaws.com",
];

/**
 * A role's trust policy must let only named AWS services assume it: no `*` principal, no account or
 * user principals (a wildcard or root principal lets any identity of that account in), no NotPrincipal.
 */
export const iamTrustSpecificServices: Rule = {
  name: "iam-trust-specific-services",
  description: "IAM role trust policies must name specific AWS services only.",
  level: "mandatory",
  types: ["aws:iam/role:Role"],
  check(r) {
    if (!isKnown(r.props.assumeRolePolicy)) return [];
    const out: string[] = [];
    statements(r.props.assumeRolePolicy).forEach((s, i) => {
      if (s.effect !== "Allow") return;
      const label = statementLabel(s, i);
      const fix = `trust only named services (${TRUSTED_SERVICES.slice(0, 5).join(", ")}, ...)`;
      if (s.notPrincipal !== undefined) {
        out.push(`trust policy ${label} uses NotPrincipal: replace it with Principal { Service: <service> } and ${fix}`);
        return;
      }
      const p = s.principal;
      if (p === "*" || p === undefined || typeof p !== "object" || p === null) {
        out.push(`trust policy ${label} allows principal ${JSON.stringify(p ?? null)}: set Principal { Service: <service> } and ${fix}`);
        return;
      }
      for (const [kind, value] of Object.entries(p as Record<string, unknown>)) {
        const ids = asArray<string>(value);
        if (kind !== "Service") {
          out.push(`trust policy ${label} trusts ${kind} principals (${ids.join(", ")}): remove them and ${fix}`);
          continue;
        }
        for (const svc of ids.filter((x) => isKnown(x) && !TRUSTED_SERVICES.includes(x))) {
          out.push(`trust policy ${label} trusts service "${svc}": ${fix}`);
        }
      }
    });
    return out;
  },
};
