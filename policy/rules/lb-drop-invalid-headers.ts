import { Rule } from "../types";
import { isUnknown, LB_TYPES } from "../util";

/** Malformed headers are a request-smuggling vector; the ALB can drop them before they reach targets. */
export const lbDropInvalidHeaders: Rule = {
  name: "lb-drop-invalid-headers",
  description: "Application load balancers must drop invalid HTTP header fields.",
  level: "mandatory",
  types: LB_TYPES,
  check(r) {
    const type = r.props.loadBalancerType ?? "application";
    if (type !== "application") return [];
    const v = r.props.dropInvalidHeaderFields;
    return v === true || isUnknown(v) ? [] : ["dropInvalidHeaderFields is not true: set dropInvalidHeaderFields to true"];
  },
};
