import { Rule } from "../types";
import { isProdStack, isUnknown, LB_TYPES } from "../util";

/** A deleted load balancer takes its DNS name with it; production must not lose it by accident. */
export const lbDeletionProtection: Rule = {
  name: "lb-deletion-protection",
  description: "Load balancers must have deletion protection (mandatory on prod* stacks, advisory elsewhere).",
  level: (ctx) => (isProdStack(ctx.stack) ? "mandatory" : "advisory"),
  types: LB_TYPES,
  check(r) {
    const v = r.props.enableDeletionProtection;
    return v === true || isUnknown(v) ? [] : ["deletion protection is off: set enableDeletionProtection to true"];
  },
};
