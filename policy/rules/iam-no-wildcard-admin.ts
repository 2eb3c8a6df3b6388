import { PolicyResource, Rule } from "../types";
import { asArray, isKnown, statementLabel, statements } from "../util";

/** Managed policies that grant everything. */
const ADMIN_POLICIES = /:policy\/(AdministratorAccess|PowerUserAccess)$/;

/** The policy documents a resource carries, with how to name them in messages. */
export function policyDocuments(r: PolicyResource): { label: string; doc: unknown }[] {
  if (r.type === "aws:iam/role:Role") {
    return asArray<any>(r.props.inlinePolicies)
      .filter((p) => p && p.policy !== undefined)
      .map((p, i) => ({ label: `inline policy ${typeof p.name === "string" ? `"${p.name}"` : i + 1}`, doc: p.policy }));
  }
  return r.props.policy === undefined ? [] : [{ label: "policy", doc: r.props.policy }];
}

/** Types whose documents grant permissions. */
export const POLICY_TYPES = [
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
];

/** `*` on `*` is administrator access: one leaked credential owns the account. */
export const iamNoWildcardAdmin: Rule = {
  name: "iam-no-wildcard-admin",
  description: "IAM policies must not allow every action on every resource.",
  level: "mandatory",
  types: [...POLICY_TYPES, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
  check(r) {
    if (r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
      const arn = r.props.policyArn;
      return typeof arn === "string" && ADMIN_POLICIES.test(arn)
        ? [`attaches ${arn}: attach a policy that lists only the actions and resources the role needs`]
        : [];
    }
    const out: string[] = [];
    for (const arn of asArray<string>(r.props.managedPolicyArns).filter((a) => typeof a === "string" && ADMIN_POLICIES.test(a))) {
      out.push(`managedPolicyArns includes ${arn}: attach a policy that lists only the actions and resources the role needs`);
    }
    for (const { label, doc } of policyDocuments(r)) {
      if (!isKnown(doc)) continue;
      statements(doc).forEach((s, i) => {
        if (s.effect !== "Allow") return;
        const allActions = s.actions.some((a) => a === "*" || a === "*:*");
        if (allActions && s.resources.includes("*")) {
          out.push(`${label} ${statementLabel(s, i)} allows action "*" on resource "*": list the actions and resource ARNs the role needs`);
        }
      });
    }
    return out;
  },
};
