import { PolicyResource, Rule } from "../types";
import { asArray, isSet } from "../util";

const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
/** What @pulumi/aws fills in when a security group is given no description. */
const SDK_DEFAULT = "Managed by Pulumi";

function missing(v: unknown): boolean {
  return !isSet(v) || (typeof v === "string" && v.trim() === "");
}

function inline(r: PolicyResource, key: "ingress" | "egress"): string[] {
  return asArray<any>(r.props[key])
    .map((rule, n) => ({ rule, n }))
    .filter(({ rule }) => missing(rule?.description))
    .map(({ n }) => `inline ${key} ${n + 1} has no description: set description to why the traffic is allowed`);
}

/** Reviewers and auditors read descriptions to know why traffic is allowed. */
export const sgDescription: Rule = {
  name: "sg-description",
  description: "Every security group and security group rule must have a description.",
  level: "mandatory",
  types: [
    SECURITY_GROUP,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
  ],
  check(r) {
    if (r.type !== SECURITY_GROUP) {
      return missing(r.props.description) ? ["rule has no description: set description to why the traffic is allowed"] : [];
    }
    const out: string[] = [];
    if (missing(r.props.description) || r.props.description === SDK_DEFAULT) {
      out.push(`security group has no description${r.props.description === SDK_DEFAULT ? ` (only the default "${SDK_DEFAULT}")` : ""}: set description to what the group protects`);
    }
    return [...out, ...inline(r, "ingress"), ...inline(r, "egress")];
  },
};
