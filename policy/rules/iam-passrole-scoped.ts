import { Rule } from "../types";
import { actionMatches, isKnown, statementLabel, statements } from "../util";
import { POLICY_TYPES, policyDocuments } from "./iam-no-wildcard-admin";

/**
 * iam:PassRole on `*` lets the holder hand any role (including admin roles) to a service it controls:
 * a privilege escalation. PassRole must name the role ARNs it passes.
 */
export const iamPassroleScoped: Rule = {
  name: "iam-passrole-scoped",
  description: "iam:PassRole must be limited to specific role ARNs.",
  level: "mandatory",
  types: POLICY_TYPES,
  check(r) {
    const out: string[] = [];
    for (const { label, doc } of policyDocuments(r)) {
      if (!isKnown(doc)) continue;
      statements(doc).forEach((s, i) => {
        if (s.effect !== "Allow") return;
        if (!s.actions.some((a) => actionMatches(a, "iam:PassRole"))) return;
        if (s.resources.includes("*")) {
          out.push(`${label} ${statementLabel(s, i)} allows iam:PassRole on resource "*": set Resource to the ARNs of the roles it passes (e.g. the task and execution roles)`);
        }
      });
    }
    return out;
  },
};
