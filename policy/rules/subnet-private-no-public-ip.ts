import { PolicyResource, Rule } from "../types";
import { effectiveTags } from "../util";

/** "private", "public" or undefined, from the subnet's name, Name tag or awsx's SubnetType tag. */
export function subnetKind(r: PolicyResource): "private" | "public" | undefined {
  const tags = effectiveTags(r);
  const type = (tags.SubnetType ?? "").toLowerCase();
  if (type === "private" || type === "isolated") return "private";
  if (type === "public") return "public";
  const text = `${r.name} ${tags.Name ?? ""}`.toLowerCase();
  if (/private|isolated/.test(text)) return "private";
  if (/public/.test(text)) return "public";
  return undefined;
}

/**
 * Instances in a private subnet must not get public addresses. Subnets named (or tagged) private are
 * mandatory; a subnet that maps public IPs and is named neither private nor public is advisory (name it,
 * or turn the mapping off). Public subnets may map public IPs.
 */
export const subnetPrivateNoPublicIp: Rule = {
  name: "subnet-private-no-public-ip",
  description: "Private subnets must not map public IP addresses on launch.",
  level: (_ctx, r) => (subnetKind(r) === "private" ? "mandatory" : "advisory"),
  types: ["aws:ec2/subnet:Subnet"],
  check(r) {
    if (r.props.mapPublicIpOnLaunch !== true) return [];
    const kind = subnetKind(r);
    if (kind === "public") return [];
    return kind === "private"
      ? ["private subnet maps public IPs on launch: set mapPublicIpOnLaunch to false"]
      : ["subnet maps public IPs on launch but is not named public: set mapPublicIpOnLaunch to false, or tag it SubnetType=Public if it is a public subnet"];
  },
};
