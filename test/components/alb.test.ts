import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { Alb } from "../../components/alb";
import { CertificateValidationRecord } from "../../components/certificate-validation";
import { AlbSpec, SSL_POLICY } from "../../stacks/plan";
import { recorder, registered, valueOf } from "../helpers";

const provider = () => new aws.Provider("aws-eu-west-1", { region: "eu-west-1" });
const base: AlbSpec = { name: "ecs-fleet-dev", deletionProtection: false, idleTimeoutSeconds: 60 };
const subnets = ["subnet-pub-a", "subnet-pub-b"];

describe("Alb component", () => {
  it("without DNS: internet-facing, invalid headers dropped, HTTP listener answers 404 by default; port 80 only from the internet", async () => {
    const alb = new Alb("eu-west-1-alb", { spec: base, vpcId: "vpc-1", publicSubnetIds: subnets }, { provider: provider() });
    await registered();
    const lb = recorder.one("aws:lb/loadBalancer:LoadBalancer");
    expect(lb.inputs).to.deep.include({
      name: "ecs-fleet-dev",
      loadBalancerType: "application",
      internal: false,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: false,
      idleTimeout: 60,
      subnets,
      securityGroups: [await valueOf(alb.securityGroupId)],
    });
    const listeners = recorder.ofType("aws:lb/listener:Listener");
    expect(listeners).to.have.length(1);
    expect(listeners[0].inputs).to.deep.include({ port: 80, protocol: "HTTP" });
    expect(listeners[0].inputs.defaultActions).to.deep.equal([{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "not found" } }]);
    expect(await valueOf(alb.listenerArn)).to.equal(await valueOf(alb.httpListener.arn));
    const ingress = recorder.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(ingress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4, r.inputs.ipProtocol])).to.deep.equal([[80, 80, "0.0.0.0/0", "tcp"]]);
    for (const r of [...ingress, recorder.one("aws:ec2/securityGroup:SecurityGroup")]) expect(r.inputs.description).to.be.a("string").and.not.equal("");
    expect(recorder.ofType("aws:acm/certificate:Certificate")).to.have.length(0);
  });

  it("with DNS: DNS-validated wildcard certificate, HTTPS listener with TLS 1.2+, HTTP redirects; 80 and 443 open", async () => {
    const spec: AlbSpec = { ...base, deletionProtection: true, https: { zone: "example.com", certificateDomain: "*.example.com", sslPolicy: SSL_POLICY } };
    const shared = new CertificateValidationRecord(
      "cert-validation",
      { zoneId: "ZONE1", option: { resourceRecordName: "_abc.example.com.", resourceRecordType: "CNAME", resourceRecordValue: "_def.acm-validations.aws." } },
      { provider: provider() },
    );
    const alb = new Alb("eu-west-1-alb", { spec, vpcId: "vpc-1", publicSubnetIds: subnets, validationRecord: shared.record }, { provider: provider() });
    await registered();
    expect(recorder.one("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection).to.equal(true);
    const cert = recorder.one("aws:acm/certificate:Certificate");
    expect(cert.inputs).to.deep.include({ domainName: "*.example.com", validationMethod: "DNS" });
    // The Alb owns no validation record: the one record is the shared one, and the validation waits for it.
    const record = recorder.one("aws:route53/record:Record");
    expect(record.parent).to.match(/ecs-fleet:dns:CertificateValidationRecord::cert-validation$/);
    expect(record.inputs).to.deep.include({ zoneId: "ZONE1", name: "_abc.example.com.", type: "CNAME", allowOverwrite: true, ttl: 300 });
    const validation = recorder.one("aws:acm/certificateValidation:CertificateValidation");
    expect(validation.inputs.validationRecordFqdns).to.deep.equal([(await valueOf(alb.certificate!.domainValidationOptions))[0].resourceRecordName.replace(/\.$/, "")]);
    expect(validation.options.dependsOn).to.include(record.urn);
    const https = recorder.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
    expect(https.options.dependsOn).to.include(validation.urn);
    const listeners = Object.fromEntries(recorder.ofType("aws:lb/listener:Listener").map((l) => [l.inputs.port as number, l.inputs]));
    expect(listeners[443]).to.deep.include({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: await valueOf(alb.certificate!.arn) });
    expect(listeners[80].defaultActions).to.deep.equal([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
    expect(await valueOf(alb.listenerArn)).to.equal(await valueOf(alb.httpsListener!.arn));
    const ingress = recorder.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(ingress.map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4])).to.deep.equal([[80, "0.0.0.0/0"], [443, "0.0.0.0/0"]]);
    for (const r of recorder.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:"))) expect(r.region, r.name).to.equal("eu-west-1");
  });

  it("refuses HTTPS without the shared validation record", () => {
    const spec: AlbSpec = { ...base, https: { zone: "example.com", certificateDomain: "*.example.com", sslPolicy: SSL_POLICY } };
    expect(() => new Alb("x", { spec, vpcId: "vpc-1", publicSubnetIds: subnets }, { provider: provider() })).to.throw("Alb x: spec.https needs validationRecord");
  });
});
