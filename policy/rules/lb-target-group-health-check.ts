import { Rule } from "../types";
import { isSet, isUnknown, TARGET_GROUP_TYPES } from "../util";

/** Without an explicit health check the load balancer may keep sending traffic to broken tasks. */
export const lbTargetGroupHealthCheck: Rule = {
  name: "lb-target-group-health-check",
  description: "Target groups must define an enabled health check (with a path for HTTP/HTTPS).",
  level: "mandatory",
  types: TARGET_GROUP_TYPES,
  check(r) {
    if (r.props.targetType === "lambda") return [];
    const hc = r.props.healthCheck;
    if (isUnknown(hc)) return [];
    if (!hc || typeof hc !== "object") {
      return ["no health check is defined: set healthCheck { enabled: true, path: <health endpoint>, matcher: \"200\" }"];
    }
    if (hc.enabled === false) return ["health check is disabled: set healthCheck.enabled to true"];
    const protocol = hc.protocol ?? r.props.protocol;
    if ((protocol === "HTTP" || protocol === "HTTPS") && !isSet(hc.path)) {
      return ["health check has no path: set healthCheck.path to the application's health endpoint"];
    }
    return [];
  },
};
