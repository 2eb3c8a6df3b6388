import { Rule } from "../types";
import { asArray, isUnknown } from "../util";

/** Container Insights gives per-task CPU, memory and network metrics; without it incidents are blind. */
export const ecsClusterContainerInsights: Rule = {
  name: "ecs-cluster-container-insights",
  description: "ECS clusters must have Container Insights enabled.",
  level: "mandatory",
  types: ["aws:ecs/cluster:Cluster"],
  check(r) {
    if (isUnknown(r.props.settings)) return [];
    const setting = asArray<any>(r.props.settings).find((s) => s && s.name === "containerInsights");
    if (setting && (setting.value === "enabled" || setting.value === "enhanced" || isUnknown(setting.value))) return [];
    const got = setting ? `is "${setting.value}"` : "is not set";
    return [`containerInsights ${got}: add settings [{ name: "containerInsights", value: "enabled" }] (or "enhanced")`];
  },
};
