import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "./load.js";
import { printConfig, summarizeConfig } from "./print.js";
import { configDir, errorsOf } from "./testing.js";

const { dir, file } = configDir("mw-config-packet-");

function has(errs: readonly string[], re: RegExp): void {
  assert.ok(
    errs.some((e) => re.test(e)),
    `no error matching ${re}: ${errs.join(" | ")}`,
  );
}

describe("packet settings", () => {
  it("default to every packet source off, with bounded reassembly", () => {
    const p = loadConfig({ env: {}, cwd: dir }).config.packet;
    assert.deepEqual(p.vxlan, { enabled: false, listen: { host: "0.0.0.0", port: 4789 }, vnis: [] });
    assert.deepEqual(p.geneve, { enabled: false, listen: { host: "0.0.0.0", port: 6081 }, vnis: [] });
    assert.deepEqual(p.capture, {
      enabled: false,
      interfaces: ["any"],
      filter: "tcp",
      snaplen: 262_144,
      bufferSize: 32 * 1024 ** 2,
      backend: "auto",
    });
    assert.deepEqual(p.ignore, []);
    assert.deepEqual(p.tcp, {
      maxFlows: 200_000,
      flowBufferBytes: 256 * 1024,
      totalBufferBytes: 256 * 1024 ** 2,
      idleTimeoutMs: 60_000,
    });
    assert.deepEqual(p.http, {
      responseTimeoutMs: 5000,
      maxBodyBytes: 1024 ** 2,
      maxDecodedBytes: 4 * 1024 ** 2,
      totalBufferBytes: 256 * 1024 ** 2,
    });
  });

  it("reads a file: listeners, VNI filters, interface lists and ignore rules in both forms", () => {
    const f = file(
      "packet.yaml",
      [
        "packet:",
        "  vxlan:",
        "    enabled: true",
        "    listen: 10.0.0.5:4789",
        "    vnis: [42, 7]",
        "  geneve:",
        "    enabled: true",
        "    listen: '[::]:6081'",
        "  capture:",
        "    enabled: true",
        "    interface: [eth0, eth1, eth0]",
        "    filter: tcp port 80 or tcp port 8080",
        "    snaplen: 64KiB",
        "    bufferSize: 128MiB",
        "    backend: tcpdump",
        "  ignore:",
        "    - cidr: 10.0.0.0/8",
        "      direction: source",
        "    - cidr: fd00::/8",
        "    - destination 192.0.2.1",
        "    - 2001:db8::/32",
        "  tcp:",
        "    maxFlows: 1000",
        "    flowBufferBytes: 64KiB",
        "    totalBufferBytes: 1GiB",
        "    idleTimeout: 2m",
        "  http:",
        "    responseTimeout: 1500ms",
        "    maxBodyBytes: 256KiB",
        "    maxDecodedBytes: 2MiB",
        "    totalBufferBytes: 64MiB",
        "",
      ].join("\n"),
    );
    const p = loadConfig({ file: f, env: {}, cwd: dir }).config.packet;
    assert.deepEqual(p.vxlan, { enabled: true, listen: { host: "10.0.0.5", port: 4789 }, vnis: [42, 7] });
    assert.deepEqual(p.geneve.listen, { host: "::", port: 6081 });
    assert.deepEqual(p.capture.interfaces, ["eth0", "eth1"]);
    assert.equal(p.capture.filter, "tcp port 80 or tcp port 8080");
    assert.equal(p.capture.snaplen, 65_536);
    assert.equal(p.capture.bufferSize, 128 * 1024 ** 2);
    assert.equal(p.capture.backend, "tcpdump");
    assert.deepEqual(p.ignore, [
      { cidr: "10.0.0.0/8", direction: "source" },
      { cidr: "fd00::/8", direction: "either" },
      { cidr: "192.0.2.1", direction: "destination" },
      { cidr: "2001:db8::/32", direction: "either" },
    ]);
    assert.deepEqual(p.tcp, {
      maxFlows: 1000,
      flowBufferBytes: 65_536,
      totalBufferBytes: 1024 ** 3,
      idleTimeoutMs: 120_000,
    });
    assert.deepEqual(p.http, {
      responseTimeoutMs: 1500,
      maxBodyBytes: 262_144,
      maxDecodedBytes: 2 * 1024 ** 2,
      totalBufferBytes: 64 * 1024 ** 2,
    });
  });

  it("takes every packet setting from the environment, over the file", () => {
    const f = file("packet-env.yaml", "packet:\n  vxlan:\n    vnis: [1]\n  capture:\n    interface: eth9\n");
    const { config, envUsed } = loadConfig({
      file: f,
      cwd: dir,
      env: {
        MIRRORWATCH_VXLAN: "on",
        MIRRORWATCH_VXLAN_LISTEN: "127.0.0.1:14789",
        MIRRORWATCH_VXLAN_VNIS: "100, 200",
        MIRRORWATCH_GENEVE: "yes",
        MIRRORWATCH_GENEVE_LISTEN: "127.0.0.1:16081",
        MIRRORWATCH_GENEVE_VNIS: "",
        MIRRORWATCH_CAPTURE: "true",
        MIRRORWATCH_CAPTURE_INTERFACE: "eth0,eth1",
        MIRRORWATCH_CAPTURE_FILTER: "tcp port 443",
        MIRRORWATCH_CAPTURE_SNAPLEN: "1500",
        MIRRORWATCH_CAPTURE_BUFFER_SIZE: "8MiB",
        MIRRORWATCH_CAPTURE_BACKEND: "libpcap",
        MIRRORWATCH_PACKET_IGNORE: "source 10.0.0.0/8, fd00::/8, destination ::ffff:192.0.2.0/120",
        MIRRORWATCH_PACKET_TCP_MAX_FLOWS: "5000",
        MIRRORWATCH_PACKET_TCP_FLOW_BUFFER: "1MiB",
        MIRRORWATCH_PACKET_TCP_TOTAL_BUFFER: "2GiB",
        MIRRORWATCH_PACKET_TCP_IDLE_TIMEOUT: "30s",
        MIRRORWATCH_PACKET_HTTP_RESPONSE_TIMEOUT: "10s",
        MIRRORWATCH_PACKET_HTTP_MAX_BODY: "2MiB",
        MIRRORWATCH_PACKET_HTTP_MAX_DECODED: "16MiB",
        MIRRORWATCH_PACKET_HTTP_TOTAL_BUFFER: "512MiB",
      },
    });
    const p = config.packet;
    assert.deepEqual(p.vxlan, {
      enabled: true,
      listen: { host: "127.0.0.1", port: 14789 },
      vnis: [100, 200],
    });
    assert.deepEqual(p.geneve, { enabled: true, listen: { host: "127.0.0.1", port: 16081 }, vnis: [] });
    assert.deepEqual(p.capture, {
      enabled: true,
      interfaces: ["eth0", "eth1"],
      filter: "tcp port 443",
      snaplen: 1500,
      bufferSize: 8 * 1024 ** 2,
      backend: "libpcap",
    });
    assert.deepEqual(p.ignore, [
      { cidr: "10.0.0.0/8", direction: "source" },
      { cidr: "fd00::/8", direction: "either" },
      { cidr: "::ffff:192.0.2.0/120", direction: "destination" },
    ]);
    assert.deepEqual(p.tcp, {
      maxFlows: 5000,
      flowBufferBytes: 1024 ** 2,
      totalBufferBytes: 2 * 1024 ** 3,
      idleTimeoutMs: 30_000,
    });
    assert.deepEqual(p.http, {
      responseTimeoutMs: 10_000,
      maxBodyBytes: 2 * 1024 ** 2,
      maxDecodedBytes: 16 * 1024 ** 2,
      totalBufferBytes: 512 * 1024 ** 2,
    });
    assert.ok(envUsed.includes("MIRRORWATCH_PACKET_IGNORE"));
  });

  it("reports bad packet settings with the setting's path, file line or variable", () => {
    const f = file(
      "packet-bad.yaml",
      [
        "packet:",
        "  vxlan:",
        "    vnis: [1, 16777216]",
        "  capture:",
        "    backend: pcap",
        "    interface: []",
        "    snaplen: 10",
        "  ignore:",
        "    - cidr: 10.0.0.0/33",
        "    - cidr: 10.0.0.0/8",
        "      direction: inbound",
        "    - cidr: 10.0.0.0/8",
        "      dir: source",
        "  tcp:",
        "    maxFlows: 0",
        "    idleTimeout: soon",
        "  http:",
        "    responseTimeout: 0",
        "  udp: {}",
        "",
      ].join("\n"),
    );
    const errs = errorsOf(() =>
      loadConfig({
        file: f,
        env: {
          MIRRORWATCH_GENEVE_VNIS: "5, x",
          MIRRORWATCH_PACKET_IGNORE: "sideways 10.0.0.0/8",
          MIRRORWATCH_CAPTURE_FILTER: "tcp\nport 80",
        },
      }),
    );
    has(errs, /packet-bad\.yaml:3:5: packet\.vxlan\.vnis: entry 2: expected a VNI from 0 to 16777215/);
    has(errs, /packet-bad\.yaml:5:5: packet\.capture\.backend: expected one of auto, libpcap, tcpdump/);
    has(errs, /packet-bad\.yaml:6:5: packet\.capture\.interface: expected an interface name/);
    has(errs, /packet-bad\.yaml:7:5: packet\.capture\.snaplen: must be between 64 and 262144/);
    has(errs, /packet-bad\.yaml:15:5: packet\.tcp\.maxFlows: expected a whole number from 1/);
    has(errs, /packet-bad\.yaml:16:5: packet\.tcp\.idleTimeout: "soon" is not a duration/);
    has(errs, /packet-bad\.yaml:18:5: packet\.http\.responseTimeout: must be between 1 ms/);
    has(errs, /packet-bad\.yaml:19:3: packet\.udp: unknown setting/);
    has(errs, /^MIRRORWATCH_GENEVE_VNIS \(packet\.geneve\.vnis\): entry 2: expected a VNI/);
    has(errs, /^MIRRORWATCH_PACKET_IGNORE \(packet\.ignore\): entry 1: direction: expected one of source/);
    has(errs, /^MIRRORWATCH_CAPTURE_FILTER \(packet\.capture\.filter\): expected a BPF filter/);

    // The file's ignore list, on its own: the first bad entry is named.
    const ignore = file("ignore-bad.yaml", "packet:\n  ignore:\n    - cidr: 10.0.0.0/33\n");
    has(
      errorsOf(() => loadConfig({ file: ignore, env: {} })),
      /ignore-bad\.yaml:2:3: packet\.ignore: entry 1: cidr: "10\.0\.0\.0\/33": the prefix length must be 0–32/,
    );
    for (const [entry, re] of [
      ["{ cidr: 10.0.0.0/8, direction: inbound }", /entry 1: direction: expected one of/],
      ["{ cidr: 10.0.0.0/8, dir: source }", /entry 1: unknown setting "dir"/],
      ["{ cidr: not-a-network }", /entry 1: cidr: "not-a-network" is not an IP address/],
      ["source 10.0.0.0/8 extra", /entry 1: expected "\[source\|destination\|either\] CIDR"/],
      ["[1, 2]", /entry 1: expected \{ cidr, direction \}/],
    ] as const) {
      const g = file("ignore-one.yaml", `packet:\n  ignore:\n    - ${entry}\n`);
      has(
        errorsOf(() => loadConfig({ file: g, env: {} })),
        re,
      );
    }
  });

  it("refuses VXLAN and GENEVE on one address, and a flow buffer or a body larger than the total", () => {
    const errs = errorsOf(() =>
      loadConfig({
        env: {
          MIRRORWATCH_VXLAN: "1",
          MIRRORWATCH_GENEVE: "1",
          MIRRORWATCH_GENEVE_LISTEN: "0.0.0.0:4789",
          MIRRORWATCH_PACKET_TCP_FLOW_BUFFER: "512MiB",
          MIRRORWATCH_PACKET_HTTP_MAX_BODY: "2MiB",
          MIRRORWATCH_PACKET_HTTP_TOTAL_BUFFER: "1MiB",
        },
      }),
    );
    has(errs, /^MIRRORWATCH_GENEVE_LISTEN \(packet\.geneve\.listen\): .*cannot share/);
    has(errs, /^MIRRORWATCH_PACKET_TCP_FLOW_BUFFER \(packet\.tcp\.flowBufferBytes\): must not be larger/);
    has(errs, /^MIRRORWATCH_PACKET_HTTP_MAX_BODY \(packet\.http\.maxBodyBytes\): must not be larger/);
    // One of them off: no clash.
    assert.equal(
      loadConfig({ env: { MIRRORWATCH_VXLAN: "1", MIRRORWATCH_GENEVE_LISTEN: "0.0.0.0:4789" } }).config.packet
        .vxlan.enabled,
      true,
    );
  });

  it("prints packet settings that load back to the same configuration, and summarises them", () => {
    const a = loadConfig({
      cwd: dir,
      env: {
        MIRRORWATCH_VXLAN: "1",
        MIRRORWATCH_VXLAN_VNIS: "42",
        MIRRORWATCH_CAPTURE: "1",
        MIRRORWATCH_CAPTURE_INTERFACE: "eth0,eth1",
        MIRRORWATCH_PACKET_IGNORE: "source 10.0.0.0/8,fd00::/8",
        MIRRORWATCH_PACKET_HTTP_RESPONSE_TIMEOUT: "1500ms",
        MIRRORWATCH_PACKET_HTTP_TOTAL_BUFFER: "96MiB",
      },
    }).config;
    const f = file("printed.yaml", printConfig(a));
    assert.deepEqual(loadConfig({ file: f, env: {}, cwd: dir }).config, a);
    const line = summarizeConfig(a).find((l) => l.startsWith("packet sources"));
    assert.match(
      line ?? "",
      /VXLAN on udp 0\.0\.0\.0:4789 \(VNI 42\).*capture on eth0, eth1.*2 ignore rules/,
    );
    const none = summarizeConfig(loadConfig({ env: {}, cwd: dir }).config);
    assert.ok(none.includes("packet sources   none"));
  });
});
