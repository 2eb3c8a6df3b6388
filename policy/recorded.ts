/**
 * Bridges the mock runtime's recorder (tools/mocks.ts) to the rules: what `npm run plan` passes to
 * `evaluate`. Pure; only the recorder's types are imported.
 */
import type { RecordedResource } from "../offline/mocks";
import { PolicyResource } from "./types";

/**
 * Rule resources from recorded registrations: inputs as props, the explicit provider's inputs
 * (`defaultTags`, `region`) — for remote components such as awsx's Vpc, the `aws` provider handed to
 * them — the parent, the region and the dependency URNs. Provider resources and the stack itself are
 * left out (no rule looks at them).
 */
export function fromRecorded(recorded: readonly RecordedResource[]): PolicyResource[] {
  const byUrn = new Map(recorded.map((r) => [r.urn, r]));
  return recorded
    .filter((r) => !r.type.startsWith("pulumi:providers:") && r.type !== "pulumi:pulumi:Stack")
    .map((r) => {
      const providerUrn = r.provider ?? r.providers["aws"] ?? null;
      const p = providerUrn ? byUrn.get(providerUrn) : undefined;
      const out: PolicyResource = {
        type: r.type,
        urn: r.urn,
        name: r.name,
        props: r.inputs as Record<string, any>,
        dependencies: [...r.options.dependsOn],
      };
      if (p) out.provider = { urn: p.urn, props: p.inputs as Record<string, any> };
      if (r.parent) out.parent = r.parent;
      if (r.region) out.region = r.region;
      return out;
    });
}
