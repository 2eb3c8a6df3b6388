import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { GlobalDns } from "../../components/global-dns";
import { DnsRecordSpec } from "../../stacks/plan";
import { recorder, registered } from "../helpers";

const records: DnsRecordSpec[] = [
  {
    service: "web",
    fqdn: "web.example.com",
    healthCheckPath: "/healthz?ecs-fleet-health=web",
    urlPath: "/",
    regions: [
      { region: "eu-west-1", regionalFqdn: "web-eu-west-1.example.com" },
      { region: "us-east-1", regionalFqdn: "web-us-east-1.example.com" },
    ],
  },
];
const targets = {
  "eu-west-1": { dnsName: "alb-eu.eu-west-1.elb.amazonaws.com", zoneId: "Z32O12XQLNTSW2" },
  "us-east-1": { dnsName: "alb-us.us-east-1.elb.amazonaws.com", zoneId: "Z35SXDOTRQ7X7K" },
};

describe("GlobalDns component", () => {
  it("per service and region: an HTTPS health check through the ALB and a latency alias record with target health", async () => {
    const home = new aws.Provider("aws-eu-west-1", { region: "eu-west-1" });
    const dns = new GlobalDns("global-dns", { zoneId: "ZONE1", records, targets }, { provider: home });
    await registered();
    const checks = recorder.ofType("aws:route53/healthCheck:HealthCheck");
    expect(checks.map((c) => c.inputs)).to.deep.equal([
      { type: "HTTPS", fqdn: "alb-eu.eu-west-1.elb.amazonaws.com", port: 443, resourcePath: "/healthz?ecs-fleet-health=web", requestInterval: 30, failureThreshold: 3, measureLatency: false, tags: { Name: "web in eu-west-1" } },
      { type: "HTTPS", fqdn: "alb-us.us-east-1.elb.amazonaws.com", port: 443, resourcePath: "/healthz?ecs-fleet-health=web", requestInterval: 30, failureThreshold: 3, measureLatency: false, tags: { Name: "web in us-east-1" } },
    ]);
    const latency = recorder.ofType("aws:route53/record:Record").filter((r) => r.inputs.name === "web.example.com");
    expect(latency.map((r) => ({ ...r.inputs, healthCheckId: typeof r.inputs.healthCheckId }))).to.deep.equal([
      { zoneId: "ZONE1", name: "web.example.com", type: "A", setIdentifier: "eu-west-1", latencyRoutingPolicies: [{ region: "eu-west-1" }], healthCheckId: "string", aliases: [{ name: targets["eu-west-1"].dnsName, zoneId: "Z32O12XQLNTSW2", evaluateTargetHealth: true }] },
      { zoneId: "ZONE1", name: "web.example.com", type: "A", setIdentifier: "us-east-1", latencyRoutingPolicies: [{ region: "us-east-1" }], healthCheckId: "string", aliases: [{ name: targets["us-east-1"].dnsName, zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: true }] },
    ]);
    // Each latency record carries its own region's health check.
    const ids = latency.map((r) => r.inputs.healthCheckId);
    expect(new Set(ids).size).to.equal(2);
    const regional = recorder.ofType("aws:route53/record:Record").filter((r) => r.inputs.name !== "web.example.com");
    expect(regional.map((r) => r.inputs.name)).to.deep.equal(["web-eu-west-1.example.com", "web-us-east-1.example.com"]);
    // Route 53 is global: everything on the home provider.
    for (const r of recorder.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:"))) expect(r.region).to.equal("eu-west-1");
    expect(dns.globalUrls).to.deep.equal({ web: "https://web.example.com/" });
  });

  it("refuses a record for a region without a load balancer", () => {
    const home = new aws.Provider("aws-eu-west-1", { region: "eu-west-1" });
    expect(() => new GlobalDns("g", { zoneId: "Z", records, targets: { "eu-west-1": targets["eu-west-1"] } }, { provider: home })).to.throw("GlobalDns g: no load balancer for web in us-east-1");
  });
});
