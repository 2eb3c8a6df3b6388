/**
 * What `npm run plan` prints for review: the diff (human or one JSON document) with the cost delta,
 * the cost estimate, the diagram file's content. Pure over plan documents; tools/plan.ts parses the
 * flags, runs the plans and writes the files.
 */
import { PlanDoc } from "./model";
import { PlanDiff, diffPlans, renderDiff } from "./diff";
import { CostDelta, CostEstimate, costDelta, estimateCost, renderCost, renderCostDelta } from "./cost";
import { fleetModel, mergeDiagrams, renderDot, renderMermaid, renderSvg } from "./diagram";
import { CostAssumptions } from "../stacks/sections/cost";

export interface Side {
  doc: PlanDoc;
  label: string;
  assumptions: CostAssumptions;
}

export interface DiffDocument extends PlanDiff {
  cost: CostDelta & { baseEstimate: CostEstimate; headEstimate: CostEstimate };
}

/** The diff of head against base, with both sides' cost. */
export function diffDocument(base: Side, head: Side): DiffDocument {
  const diff = diffPlans(base.doc, head.doc, { base: base.label, head: head.label });
  const b = estimateCost(base.doc, base.assumptions);
  const h = estimateCost(head.doc, head.assumptions);
  return { ...diff, cost: { ...costDelta(b, h), baseEstimate: b, headEstimate: h } };
}

export function renderDiffDocument(d: DiffDocument): string {
  return renderDiff(d, ["", ...renderCostDelta(d.cost)]);
}

/** The cost section a plan prints with --cost. */
export function costSection(head: Side): { estimate: CostEstimate; text: string } {
  const estimate = estimateCost(head.doc, head.assumptions);
  return { estimate, text: renderCost(estimate).join("\n") };
}

/** The diagram file's content, by extension: .mmd/.md (Mermaid), .dot, .svg. */
export async function diagramFile(file: string, head: PlanDoc, base?: PlanDoc): Promise<string> {
  const model = base ? mergeDiagrams(fleetModel(base), fleetModel(head)) : fleetModel(head);
  if (/\.svg$/i.test(file)) return renderSvg(model);
  if (/\.dot$/i.test(file) || /\.gv$/i.test(file)) return renderDot(model);
  if (/\.(mmd|mermaid|md)$/i.test(file)) {
    const text = renderMermaid(model);
    return /\.md$/i.test(file) ? `\`\`\`mermaid\n${text}\`\`\`\n` : text;
  }
  throw new Error(`--diagram ${file}: name the file .mmd (Mermaid), .md (Mermaid in Markdown), .dot or .svg`);
}
