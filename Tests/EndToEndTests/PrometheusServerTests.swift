import Foundation
import Glibc
import XCTest

/// A real Prometheus server scrapes tokentop's /metrics, and the article's three Grafana queries
/// answer for the models tokentop saw.
final class PrometheusServerTests: XCTestCase {
    func testTheArticlesQueriesAnswerThroughPrometheus() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus") else {
            throw XCTSkip("prometheus is not installed (apt-get install prometheus)")
        }
        let tokentop = try TokentopProcess.headless(["--prometheus", "127.0.0.1:0"])
        let line = tokentop.errorOutput.split(separator: "\n").first { $0.hasPrefix("tokentop listening ") } ?? ""
        let scrapePort = try XCTUnwrap(line.split(separator: " ").first { $0.hasPrefix("prometheus=") }
            .flatMap { $0.split(separator: ":").last }.flatMap { Int($0) })

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tt-prom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: tokentop
            static_configs:
              - targets: ['127.0.0.1:\(scrapePort)']
        """.write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let apiPort = try FreePort.next()
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        prometheus.arguments = ["--config.file=\(dir.path)/prometheus.yml", "--storage.tsdb.path=\(dir.path)/data",
                                "--web.listen-address=127.0.0.1:\(apiPort)"]
        prometheus.standardOutput = FileHandle.nullDevice
        prometheus.standardError = FileHandle.nullDevice
        try prometheus.run()
        defer { prometheus.terminate(); prometheus.waitUntilExit() }

        // First calls, seen by a scrape; then more calls, so increase() and rate() have something to measure.
        try send("seed-agent", to: tokentop.httpPort)
        try waitFor(apiPort, #"gen_ai_client_token_usage_total{gen_ai_request_model="gpt-4o-mini"}"#) { !$0.isEmpty }
        try send("openai-v2", to: tokentop.httpPort)
        Thread.sleep(forTimeInterval: 3)

        let cost = try query(apiPort, "sum by (gen_ai_request_model) (increase(gen_ai_client_cost_millicents_total[24h])) / 100000")
        XCTAssertGreaterThan(value(cost, model: "gpt-4o-mini") ?? 0, 0, "\(cost)")
        let p99 = try query(apiPort, """
            histogram_quantile(0.99, sum by (le, gen_ai_request_model) (rate(gen_ai_client_operation_duration_seconds_bucket[5m])))
            """)
        XCTAssertNotNil(value(p99, model: "gpt-4o-mini").flatMap { $0.isNaN ? nil : $0 }, "\(p99)")
        let tokens = try query(apiPort, "sum by (gen_ai_request_model, gen_ai_token_type) (increase(gen_ai_client_token_usage_total[1h]))")
        XCTAssertTrue(tokens.contains { ($0["metric"] as? [String: String]) == ["gen_ai_request_model": "gpt-4o-mini", "gen_ai_token_type": "input"] },
                      "\(tokens)")
        _ = try tokentop.interruptAndCollect()
    }

    private func send(_ scenario: String, to port: Int) throws {
        for request in try Scenario(name: scenario).requests() where request.signal == "traces" {
            XCTAssertEqual(try HTTPPost.send(port: port, path: "/v1/traces", body: request.body,
                                             contentType: request.contentType).status, 200)
        }
    }

    private func query(_ port: Int, _ promql: String) throws -> [[String: Any]] {
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let (status, body) = try HTTPPost.send(port: port, path: "/api/v1/query?query=\(encoded)", body: Data(),
                                               contentType: "text/plain", method: "GET")
        guard status == 200, let json = try JSONSerialization.jsonObject(with: body) as? [String: Any],
              let data = json["data"] as? [String: Any] else { return [] }
        return data["result"] as? [[String: Any]] ?? []
    }

    private func waitFor(_ port: Int, _ promql: String, timeout: TimeInterval = 30,
                         until done: ([[String: Any]]) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let result = try? query(port, promql), done(result) { return }
            Thread.sleep(forTimeInterval: 0.3)
        }
        XCTFail("Prometheus never answered \(promql)")
    }

    private func value(_ result: [[String: Any]], model: String) -> Double? {
        result.first { ($0["metric"] as? [String: String])?["gen_ai_request_model"] == model }
            .flatMap { ($0["value"] as? [Any])?.last as? String }.flatMap(Double.init)
    }
}

enum FreePort {
    static func next() throws -> Int {
        let socket = BoundSocket()
        defer { socket.close() }
        return socket.port
    }
}

/// A loopback port bound but never listened on: connecting to it is refused, and no other process
/// can take it while this is open (a port merely freed could be reused by a test running beside).
final class BoundSocket {
    private let fd: Int32
    let port: Int

    init() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}
