import { PolicyContext, PolicyResource, Rule } from "../types";
import { asArray, isKnown, LB_TYPES, LISTENER_TYPES } from "../util";

function protocolOf(listener: PolicyResource): unknown {
  // The ALB API defaults a listener without protocol to HTTP.
  return listener.props.protocol ?? "HTTP";
}

/** Listeners attached to the same load balancer as `listener`: same known `loadBalancerArn`, or same load balancer dependency. */
function siblings(listener: PolicyResource, ctx: PolicyContext): PolicyResource[] {
  const arn = listener.props.loadBalancerArn;
  const lbUrns = (listener.dependencies ?? []).filter((u) => ctx.resources.some((x) => x.urn === u && LB_TYPES.includes(x.type)));
  return ctx.resources.filter(
    (x) =>
      x.urn !== listener.urn &&
      LISTENER_TYPES.includes(x.type) &&
      ((isKnown(arn) && x.props.loadBalancerArn === arn) || lbUrns.some((u) => (x.dependencies ?? []).includes(u))),
  );
}

/** True when the load balancer of this listener also has an HTTPS listener. */
function hasHttpsSibling(listener: PolicyResource, ctx: PolicyContext): boolean {
  return siblings(listener, ctx).some((x) => protocolOf(x) === "HTTPS");
}

function redirectsToHttps(action: any): boolean {
  return action?.type === "redirect" && action.redirect?.protocol === "HTTPS";
}

/**
 * Once a load balancer serves HTTPS, its HTTP listeners must only redirect to HTTPS (mandatory): any
 * forward would serve the same application unencrypted. A load balancer with no HTTPS listener at all
 * is reported as advisory (add a certificate and an HTTPS listener).
 */
export const lbHttpRedirectsToHttps: Rule = {
  name: "lb-http-redirects-to-https",
  description: "HTTP listeners must only redirect to HTTPS when the load balancer has an HTTPS listener.",
  level: (ctx, r) => (hasHttpsSibling(r, ctx) ? "mandatory" : "advisory"),
  types: LISTENER_TYPES,
  crossResource: true,
  check(r, ctx) {
    if (protocolOf(r) !== "HTTP") return [];
    const actions = asArray<any>(r.props.defaultActions);
    if (!isKnown(r.props.defaultActions)) return [];
    const onlyRedirects = actions.length > 0 && actions.every(redirectsToHttps);
    if (onlyRedirects) return [];
    if (hasHttpsSibling(r, ctx)) {
      return ['HTTP listener serves traffic although the load balancer has an HTTPS listener: set defaultActions to a single { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }'];
    }
    return ["load balancer serves plain HTTP only: add an HTTPS listener with a certificate and make this listener redirect to HTTPS"];
  },
};
