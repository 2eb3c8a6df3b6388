/**
 * A picture of the fleet from a plan document: regions with their load balancer and services
 * (public or internal, task range), on-prem sites with hosts and services, global DNS names pointing
 * at the regions they route to, Batch queues, jobs and chains. One model, two renderings: Mermaid
 * (renders in GitHub pull requests and Markdown) and Graphviz DOT (rendered to SVG by @viz-js/viz,
 * Graphviz compiled to WebAssembly; no browser). With a base plan, added, removed and changed parts
 * are marked. Pure, except `renderSvg` which loads the WebAssembly module.
 */
import { PlanDoc, PlanResource, SITE_TYPE } from "./model";

export type Status = "same" | "added" | "removed" | "changed";

export interface DiagramNode {
  id: string;
  label: string[];
  cluster: string | null;
  shape: "box" | "round" | "stadium" | "cyl";
  status: Status;
}
export interface DiagramCluster {
  id: string;
  label: string;
  parent: string | null;
  status: Status;
}
export interface DiagramEdge {
  from: string;
  to: string;
  label?: string;
  status: Status;
}
export interface FleetDiagram {
  clusters: DiagramCluster[];
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

const ident = (s: string): string => s.replace(/[^A-Za-z0-9]/g, "_");

function children(doc: PlanDoc, parent: PlanResource): PlanResource[] {
  return doc.resources.filter((r) => r.parent === parent.urn);
}

function descendants(doc: PlanDoc, parent: PlanResource): PlanResource[] {
  const out: PlanResource[] = [];
  const walk = (p: PlanResource) => {
    for (const c of children(doc, p)) {
      out.push(c);
      walk(c);
    }
  };
  walk(parent);
  return out;
}

function clusterName(arn: unknown): string {
  return typeof arn === "string" ? arn.slice(arn.lastIndexOf("/") + 1) : "";
}

/** The fleet as nodes, clusters and edges (every status "same"). */
export function fleetModel(doc: PlanDoc): FleetDiagram {
  const d: FleetDiagram = { clusters: [], nodes: [], edges: [] };
  const node = (id: string, label: string[], cluster: string | null, shape: DiagramNode["shape"] = "box") => d.nodes.push({ id, label, cluster, shape, status: "same" });
  const albOf = new Map<string, string>();

  for (const region of doc.resources.filter((r) => r.type === "ecs-fleet:region:RegionalFootprint")) {
    const rid = `region_${ident(region.name)}`;
    d.clusters.push({ id: rid, label: `region ${region.name}`, parent: null, status: "same" });
    const all = descendants(doc, region);
    const lb = all.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
    const https = all.some((r) => r.type === "aws:lb/listener:Listener" && Number(r.inputs.port) === 443);
    if (lb) {
      const id = `${rid}_alb`;
      node(id, [`ALB ${lb.inputs.name ?? lb.name}`, `${lb.inputs.internal ? "internal" : "internet-facing"}, ${https ? "HTTPS" : "HTTP"}`], rid, "stadium");
      albOf.set(region.name, id);
    }
    const scaling = all.filter((r) => r.type === "aws:appautoscaling/target:Target");
    for (const comp of all.filter((r) => r.type === "ecs-fleet:ecs:FargateService")) {
      const svc = children(doc, comp).find((r) => r.type === "aws:ecs/service:Service");
      if (!svc) continue;
      const name = String(svc.inputs.name);
      const task = children(doc, comp).find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
      const target = scaling.find((t) => t.inputs.resourceId === `service/${clusterName(svc.inputs.cluster)}/${name}`);
      const range = target ? `${target.inputs.minCapacity}..${target.inputs.maxCapacity} tasks` : `${svc.inputs.desiredCount ?? 1} task(s)`;
      const isPublic = Array.isArray(svc.inputs.loadBalancers) && svc.inputs.loadBalancers.length > 0;
      const size = task ? `${Number(task.inputs.cpu) / 1024} vCPU / ${Number(task.inputs.memory) / 1024} GB` : "";
      const id = `${rid}_svc_${ident(name)}`;
      node(id, [name, `${isPublic ? "public" : "internal"} · ${range}`, size].filter((x) => x !== ""), rid);
      if (isPublic && lb) d.edges.push({ from: `${rid}_alb`, to: id, status: "same" });
    }
    // Batch: queues, jobs, scheduled chains.
    const env = all.find((r) => r.type === "ecs-fleet:batch:BatchEnvironment");
    if (env) {
      const bid = `${rid}_batch`;
      d.clusters.push({ id: bid, label: `Batch in ${region.name}`, parent: rid, status: "same" });
      const inEnv = descendants(doc, env);
      for (const q of inEnv.filter((r) => r.type === "aws:batch/jobQueue:JobQueue")) {
        node(`${bid}_q_${ident(String(q.inputs.name ?? q.name))}`, [`queue ${q.inputs.name ?? q.name}`], bid, "cyl");
      }
      const chained = new Set<string>();
      for (const sm of inEnv.filter((r) => r.type === "aws:sfn/stateMachine:StateMachine")) {
        const def = JSON.parse(String(sm.inputs.definition ?? "{}"));
        const order: string[] = [];
        let at: string | undefined = def.StartAt;
        const seen = new Set<string>();
        while (at && def.States?.[at] && !seen.has(at)) {
          seen.add(at);
          const st = def.States[at];
          if (st.Type === "Parallel") for (const br of st.Branches ?? []) order.push(...Object.keys(br.States ?? {}));
          else order.push(at);
          at = st.Next;
        }
        const sched = inEnv.find((r) => r.type === "aws:scheduler/schedule:Schedule" && String((r.inputs.target as any)?.arn ?? "").endsWith(`:stateMachine:${sm.inputs.name}`));
        const cid = `${bid}_chain_${ident(sm.name)}`;
        node(cid, [`chain ${order[0] ?? sm.name}`, sched ? String(sched.inputs.scheduleExpression) : "on demand"], bid, "round");
        let prev = cid;
        for (const job of order) {
          const jid = `${bid}_job_${ident(job)}`;
          if (!chained.has(job)) node(jid, [`job ${job}`], bid);
          chained.add(job);
          d.edges.push({ from: prev, to: jid, status: "same" });
          prev = jid;
        }
      }
      for (const jd of inEnv.filter((r) => r.type === "aws:batch/jobDefinition:JobDefinition")) {
        const job = jd.name.replace(new RegExp(`^${region.name}-batch-`), "");
        if (!chained.has(job)) node(`${bid}_job_${ident(job)}`, [`job ${job}`, "on demand"], bid);
      }
    }
  }

  for (const site of doc.resources.filter((r) => r.type === SITE_TYPE)) {
    const name = site.name.replace(/^site-/, "");
    const sid = `site_${ident(name)}`;
    const facts = doc.sites?.[name];
    d.clusters.push({ id: sid, label: `site ${name} (ECS Anywhere, home ${facts?.region ?? site.region})`, parent: null, status: "same" });
    node(`${sid}_hosts`, [facts ? `${facts.hosts} on-prem host(s)` : "on-prem hosts"], sid, "cyl");
    for (const svc of descendants(doc, site).filter((r) => r.type === "aws:ecs/service:Service")) {
      const id = `${sid}_svc_${ident(String(svc.inputs.name))}`;
      node(id, [String(svc.inputs.name), `${svc.inputs.desiredCount ?? 1} task(s)`], sid);
      d.edges.push({ from: `${sid}_hosts`, to: id, status: "same" });
    }
  }

  // Global DNS: each latency-routed name points at the regions it routes to.
  const names = new Map<string, Set<string>>();
  for (const r of doc.resources.filter((x) => x.type === "aws:route53/record:Record" && Array.isArray(x.inputs.latencyRoutingPolicies))) {
    const region = (r.inputs.latencyRoutingPolicies as { region: string }[])[0]?.region;
    if (!region) continue;
    const set = names.get(String(r.inputs.name)) ?? new Set<string>();
    set.add(region);
    names.set(String(r.inputs.name), set);
  }
  if (names.size > 0) d.clusters.push({ id: "dns", label: "global DNS (latency routing)", parent: null, status: "same" });
  for (const [fqdn, regions] of [...names].sort()) {
    const id = `dns_${ident(fqdn)}`;
    node(id, [fqdn], "dns", "round");
    for (const region of [...regions].sort()) {
      const target = albOf.get(region);
      if (target) d.edges.push({ from: id, to: target, label: region, status: "same" });
    }
  }
  return d;
}

/** Base and head in one picture: what only head has is added, what only base had is removed. */
export function mergeDiagrams(base: FleetDiagram, head: FleetDiagram): FleetDiagram {
  const key = (e: DiagramEdge) => `${e.from}->${e.to}`;
  const bn = new Map(base.nodes.map((n) => [n.id, n]));
  const hn = new Map(head.nodes.map((n) => [n.id, n]));
  const bc = new Map(base.clusters.map((c) => [c.id, c]));
  const hc = new Map(head.clusters.map((c) => [c.id, c]));
  const be = new Map(base.edges.map((e) => [key(e), e]));
  const he = new Map(head.edges.map((e) => [key(e), e]));
  return {
    clusters: [
      ...head.clusters.map((c) => ({ ...c, status: (bc.has(c.id) ? (bc.get(c.id)!.label === c.label ? "same" : "changed") : "added") as Status })),
      ...base.clusters.filter((c) => !hc.has(c.id)).map((c) => ({ ...c, status: "removed" as Status })),
    ],
    nodes: [
      ...head.nodes.map((n) => ({ ...n, status: (bn.has(n.id) ? (bn.get(n.id)!.label.join("\n") === n.label.join("\n") ? "same" : "changed") : "added") as Status })),
      ...base.nodes.filter((n) => !hn.has(n.id)).map((n) => ({ ...n, status: "removed" as Status })),
    ],
    edges: [
      ...head.edges.map((e) => ({ ...e, status: (be.has(key(e)) ? "same" : "added") as Status })),
      ...base.edges.filter((e) => !he.has(key(e))).map((e) => ({ ...e, status: "removed" as Status })),
    ],
  };
}

const MARK: Record<Status, string> = { same: "", added: "+ ", removed: "- ", changed: "~ " };

function mermaidText(s: string): string {
  return s.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

/** Mermaid flowchart. */
export function renderMermaid(d: FleetDiagram): string {
  const lines = ["flowchart LR"];
  lines.push("  classDef added fill:#d9f7d9,stroke:#1a7f1a,stroke-width:2px");
  lines.push("  classDef removed fill:#fbdada,stroke:#b31d1d,stroke-width:2px,stroke-dasharray:5 5");
  lines.push("  classDef changed fill:#fff2c2,stroke:#a67c00,stroke-width:2px");
  const open: Record<DiagramNode["shape"], [string, string]> = { box: ["[", "]"], round: ["(", ")"], stadium: ["([", "])"], cyl: ["[(", ")]"] };
  const emit = (parent: string | null, depth: number) => {
    const pad = "  ".repeat(depth);
    for (const c of d.clusters.filter((x) => x.parent === parent)) {
      lines.push(`${pad}subgraph ${c.id}["${mermaidText(MARK[c.status] + c.label)}"]`);
      emit(c.id, depth + 1);
      for (const n of d.nodes.filter((x) => x.cluster === c.id)) {
        const [a, b] = open[n.shape];
        lines.push(`${pad}  ${n.id}${a}"${[MARK[n.status] + n.label[0], ...n.label.slice(1)].map(mermaidText).join("<br/>")}"${b}`);
      }
      lines.push(`${pad}end`);
    }
  };
  emit(null, 1);
  for (const n of d.nodes.filter((x) => x.cluster === null)) lines.push(`  ${n.id}["${n.label.map(mermaidText).join("<br/>")}"]`);
  for (const e of d.edges) {
    const arrow = e.status === "removed" ? "-.->" : e.status === "added" ? "==>" : "-->";
    lines.push(`  ${e.from} ${arrow}${e.label ? `|${mermaidText(e.label)}|` : ""} ${e.to}`);
  }
  for (const status of ["added", "removed", "changed"] as const) {
    const ids = [...d.nodes.filter((n) => n.status === status).map((n) => n.id), ...d.clusters.filter((c) => c.status === status).map((c) => c.id)];
    if (ids.length > 0) lines.push(`  class ${ids.join(",")} ${status}`);
  }
  return `${lines.join("\n")}\n`;
}

const FILL: Record<Status, string> = { same: "#ffffff", added: "#d9f7d9", removed: "#fbdada", changed: "#fff2c2" };
const STROKE: Record<Status, string> = { same: "#4a5568", added: "#1a7f1a", removed: "#b31d1d", changed: "#a67c00" };

function dotText(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

/** Graphviz DOT of the same model. */
export function renderDot(d: FleetDiagram): string {
  const lines = [
    "digraph fleet {",
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=14, nodesep=0.3, ranksep=0.9, pad=0.3, newrank=true];',
    '  node [fontname="Helvetica", fontsize=12, style="rounded,filled", penwidth=1.4, margin="0.2,0.1"];',
    '  edge [fontname="Helvetica", fontsize=10, color="#4a5568"];',
  ];
  const shape: Record<DiagramNode["shape"], string> = { box: "box", round: "box", stadium: "box", cyl: "cylinder" };
  const emit = (parent: string | null, depth: number) => {
    const pad = "  ".repeat(depth);
    for (const c of d.clusters.filter((x) => x.parent === parent)) {
      lines.push(`${pad}subgraph cluster_${c.id} {`);
      lines.push(`${pad}  label="${dotText(MARK[c.status] + c.label)}"; labeljust=l; style="rounded${c.status === "removed" ? ",dashed" : ""},filled"; fillcolor="${c.status === "same" ? (parent ? "#f7fafc" : "#edf2f7") : FILL[c.status]}"; color="${STROKE[c.status]}"; penwidth=${c.status === "same" ? 1 : 2.5};`);
      emit(c.id, depth + 1);
      for (const n of d.nodes.filter((x) => x.cluster === c.id)) {
        const fill = n.status === "same" ? (n.shape === "stadium" ? "#e6f0ff" : n.shape === "round" ? "#f0e6ff" : n.shape === "cyl" ? "#fdf3e1" : "#ffffff") : FILL[n.status];
        lines.push(
          `${pad}  ${n.id} [label="${dotText(MARK[n.status] + n.label.join("\n"))}", shape=${shape[n.shape]}, fillcolor="${fill}", color="${STROKE[n.status]}"${n.status === "removed" ? ', style="rounded,filled,dashed"' : ""}${n.status !== "same" ? ", penwidth=2.5" : ""}];`,
        );
      }
      lines.push(`${pad}}`);
    }
  };
  emit(null, 1);
  for (const e of d.edges) {
    // Edge labels (the region a DNS name routes to) are left to the target's cluster: Graphviz
    // stacks them where edges cross.
    const attrs = [ e.status === "removed" ? 'style=dashed, color="#b31d1d"' : e.status === "added" ? 'color="#1a7f1a", penwidth=2' : ""].filter((x) => x !== "");
    lines.push(`  ${e.from} -> ${e.to}${attrs.length > 0 ? ` [${attrs.join(", ")}]` : ""};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** SVG through Graphviz compiled to WebAssembly (@viz-js/viz). */
export async function renderSvg(d: FleetDiagram): Promise<string> {
  const viz = await (require("@viz-js/viz") as typeof import("@viz-js/viz")).instance();
  return viz.renderString(renderDot(d), { format: "svg", engine: "dot" });
}
