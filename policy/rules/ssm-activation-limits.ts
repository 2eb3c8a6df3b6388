import { Rule } from "../types";
import { isUnknown } from "../util";

/** The longest expiry AWS allows, and the most this pack accepts. */
export const MAX_ACTIVATION_DAYS = 30;

/**
 * An activation code lets hosts join the fleet as managed instances: it must be usable by a known
 * number of hosts and expire within 30 days. Expiration must be a fixed date in config (never computed
 * from the current time, which would replace the activation on every update).
 */
export const ssmActivationLimits: Rule = {
  name: "ssm-activation-limits",
  description: "SSM activations must set a registration limit and expire at most 30 days ahead.",
  level: "mandatory",
  types: ["aws:ssm/activation:Activation"],
  check(r, ctx) {
    const out: string[] = [];
    const limit = r.props.registrationLimit;
    if (limit === undefined || limit === null) {
      out.push("registrationLimit is not set: set registrationLimit to the number of hosts the activation may register");
    }
    const exp = r.props.expirationDate;
    if (exp === undefined || exp === null || exp === "") {
      out.push(`expirationDate is not set: set expirationDate to a fixed RFC 3339 date at most ${MAX_ACTIVATION_DAYS} days ahead`);
    } else if (typeof exp === "string" && !isUnknown(exp)) {
      const at = Date.parse(exp);
      const now = (ctx.now ?? new Date()).getTime();
      if (Number.isNaN(at)) {
        out.push(`expirationDate "${exp}" is not a date: set an RFC 3339 timestamp such as 2026-01-31T00:00:00Z`);
      } else if (at - now > MAX_ACTIVATION_DAYS * 86_400_000) {
        const days = Math.ceil((at - now) / 86_400_000);
        out.push(`expirationDate ${exp} is ${days} days ahead: set it at most ${MAX_ACTIVATION_DAYS} days ahead`);
      }
    }
    return out;
  },
};
