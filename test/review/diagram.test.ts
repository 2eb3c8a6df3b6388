import { expect } from "chai";
import { editedProdYaml, planOf, rawOfYaml, shippedPlan } from "./fixtures";
import { fleetModel, mergeDiagrams, renderDot, renderMermaid, renderSvg } from "../../review/diagram";
import { PlanDoc } from "../../review/model";

/** Every region, site and service of the shipped prod stack (Pulumi.prod.yaml). */
const REGIONS: Record<string, string[]> = {
  "eu-west-1": ["web", "api", "search", "worker"],
  "us-east-1": ["web", "api", "search"],
  "ap-southeast-2": ["web"],
};
const SITES: Record<string, { hosts: number; services: string[] }> = {
  "amsterdam-dc": { hosts: 3, services: ["web", "worker"] },
  "virginia-dc": { hosts: 2, services: ["web"] },
};

describe("review: fleet diagram", function () {
  this.timeout(120000);
  let prod: PlanDoc;
  let edited: PlanDoc;
  let svg: string;

  before(async () => {
    prod = await shippedPlan("prod");
    const e = rawOfYaml(editedProdYaml());
    edited = await planOf("prod", e.raw, e.secretKeys);
    svg = await renderSvg(fleetModel(prod));
  });

  it("the model of prod has every region (ALB, services with kind and task range), site (hosts, services), DNS name and Batch chain", () => {
    const m = fleetModel(prod);
    const label = (id: string) => m.nodes.find((n) => n.id === id)?.label;
    for (const [region, services] of Object.entries(REGIONS)) {
      const rid = `region_${region.replace(/-/g, "_")}`;
      expect(m.clusters.map((c) => c.id), region).to.include(rid);
      expect(label(`${rid}_alb`)).to.deep.equal(["ALB ecs-fleet-prod", "internet-facing, HTTPS"]);
      expect(m.nodes.filter((n) => n.cluster === rid && n.id.includes("_svc_")).map((n) => n.label[0]).sort()).to.deep.equal([...services].sort());
    }
    expect(label("region_eu_west_1_svc_web")).to.deep.equal(["web", "public · 3..30 tasks", "0.5 vCPU / 1 GB"]);
    expect(label("region_us_east_1_svc_web")?.[1]).to.equal("public · 6..60 tasks");
    expect(label("region_eu_west_1_svc_search")?.[1]).to.equal("internal · 2 task(s)");
    for (const [site, s] of Object.entries(SITES)) {
      const sid = `site_${site.replace(/-/g, "_")}`;
      expect(label(`${sid}_hosts`)).to.deep.equal([`${s.hosts} on-prem host(s)`]);
      expect(m.nodes.filter((n) => n.cluster === sid && n.id.includes("_svc_")).map((n) => n.label[0]).sort()).to.deep.equal([...s.services].sort());
    }
    const routes = (fqdn: string) => m.edges.filter((e) => e.from === `dns_${fqdn.replace(/[^a-z0-9]/g, "_")}`).map((e) => e.to).sort();
    expect(routes("web.example.com")).to.deep.equal(["region_ap_southeast_2_alb", "region_eu_west_1_alb", "region_us_east_1_alb"]);
    expect(routes("api.example.com")).to.deep.equal(["region_eu_west_1_alb", "region_us_east_1_alb"]);
    expect(label("region_eu_west_1_batch_chain_eu_west_1_batch_nightly_extract")).to.deep.equal(["chain nightly-extract", "cron(0 2 * * ? *)"]);
    expect(m.edges.some((e) => e.from === "region_eu_west_1_batch_job_nightly_extract" && e.to === "region_eu_west_1_batch_job_nightly_report")).to.equal(true);
  });

  it("Mermaid of prod: a flowchart with a subgraph per region and site and a node per service", () => {
    const text = renderMermaid(fleetModel(prod));
    expect(text.startsWith("flowchart LR\n")).to.equal(true);
    for (const [region, services] of Object.entries(REGIONS)) {
      expect(text).to.include(`subgraph region_${region.replace(/-/g, "_")}["region ${region}"]`);
      for (const s of services) expect(text).to.match(new RegExp(`region_${region.replace(/-/g, "_")}_svc_${s}\\["${s}<br/>`));
    }
    for (const [site, s] of Object.entries(SITES)) {
      expect(text).to.include(`subgraph site_${site.replace(/-/g, "_")}["site ${site}`);
      for (const svc of s.services) expect(text).to.include(`site_${site.replace(/-/g, "_")}_svc_${svc}["${svc}<br/>`);
    }
    expect(text).to.include('dns_web_example_com("web.example.com")');
    expect(text).to.not.include("class ");
  });

  it("SVG of prod (Graphviz as WebAssembly) shows every region, site and service", () => {
    expect(svg).to.match(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&#45;/g, "-").replace(/&amp;/g, "&"));
    for (const [region, services] of Object.entries(REGIONS)) {
      expect(texts).to.include(`region ${region}`);
      expect(texts.filter((t) => services.includes(t)).length).to.be.at.least(services.length);
    }
    for (const [site, s] of Object.entries(SITES)) {
      expect(texts.some((t) => t.startsWith(`site ${site}`)), site).to.equal(true);
      expect(texts).to.include(`${s.hosts} on-prem host(s)`);
    }
    expect(texts).to.include("web.example.com");
    expect(texts).to.include("api.example.com");
  });

  it("with a base, marks the added region, the removed site and the resized service", () => {
    const merged = mergeDiagrams(fleetModel(prod), fleetModel(edited));
    const status = (id: string) => merged.nodes.find((n) => n.id === id)?.status ?? merged.clusters.find((c) => c.id === id)?.status;
    expect(status("region_eu_central_1")).to.equal("added");
    expect(status("region_eu_central_1_svc_web")).to.equal("added");
    expect(status("site_virginia_dc")).to.equal("removed");
    expect(status("site_virginia_dc_svc_web")).to.equal("removed");
    expect(status("region_eu_west_1_svc_search")).to.equal("changed");
    expect(status("region_eu_west_1_svc_web")).to.equal("same");
    const text = renderMermaid(merged);
    expect(text).to.include("classDef added");
    expect(text).to.match(/\n {2}class [^\n]*region_eu_central_1[^\n]* added\n/);
    expect(text).to.match(/\n {2}class [^\n]*site_virginia_dc[^\n]* removed\n/);
    expect(text).to.match(/\n {2}class region_eu_west_1_svc_search,region_us_east_1_svc_search changed\n/);
    expect(renderDot(merged)).to.include('label="- site virginia-dc');
  });
});
