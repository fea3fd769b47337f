import Foundation
import XCTest

/// Flooding the real binary with more than it can keep: memory stays under `--max-memory`, the
/// accounting `received = stored + evicted + rejected` holds exactly, and nothing crashes.
final class FloodTests: XCTestCase {
    private static func residentMB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return nil }
        return kb / 1024
    }

    /// Runs `tokentop load` for `seconds` against `port` with 8 connections; returns its JSON result.
    private func flood(_ protocolName: String, port: Int, seconds: Int) throws -> [String: Any] {
        let load = try TokentopProcess.run(["load", "--protocol", protocolName, "--target", "127.0.0.1:\(port)",
                                            "--concurrency", "8", "--duration", String(seconds), "--json"])
        let line = try XCTUnwrap(load.stdout.split(separator: "\n").last, load.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], load.stdout)
    }

    func testFloodStaysUnderMaxMemoryWithExactAccounting() throws {
        let limitMB = 256
        for protocolName in ["grpc", "http-protobuf"] {
            let server = try TokentopProcess.headless(["--max-memory", String(limitMB), "--max-spans", "100000000"])
            let pid = server.process.processIdentifier
            let peak = ManagedAtomicBox()
            let sampler = Thread {
                while server.process.isRunning {
                    if let mb = FloodTests.residentMB(pid) { peak.raise(to: mb) }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            sampler.start()
            // Floods of a few seconds until the store has had to evict (how many depends on this machine's speed).
            var accepted = 0, failed = 0
            for _ in 0..<15 {
                let result = try flood(protocolName, port: protocolName == "grpc" ? server.grpcPort : server.httpPort, seconds: 4)
                accepted += result["spans_accepted"] as? Int ?? 0
                failed += result["failed_requests"] as? Int ?? 0
                let lastStatus = server.errorOutput.split(separator: "\n").last { $0.contains("tokentop status") } ?? ""
                if let evicted = lastStatus.components(separatedBy: " evict ").dropFirst().first?.prefix(while: \.isNumber),
                   (Int(evicted) ?? 0) > 0 { break }
            }
            let statusLine = server.errorOutput.split(separator: "\n").last { $0.contains("tokentop status") } ?? ""
            XCTAssertTrue(statusLine.contains(" resident ") && statusLine.contains(" MB share "), "\(protocolName): \(statusLine)")
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try server.interruptAndCollect().utf8))
                                           as? [String: Any])
            let ingest = try XCTUnwrap(report["ingest"] as? [String: Any])
            func count(_ key: String) -> Int { ingest[key] as? Int ?? -1 }
            XCTAssertEqual(count("received_spans"), accepted, protocolName)
            XCTAssertEqual(count("received_spans"), count("stored_spans") + count("evicted_spans") + count("rejected_spans"),
                           "\(protocolName): \(ingest)")
            XCTAssertGreaterThan(count("evicted_spans"), 0, "\(protocolName): the flood outgrew the memory bound: \(ingest)")
            XCTAssertEqual(failed, 0, protocolName)
            XCTAssertLessThanOrEqual(peak.value, limitMB, "\(protocolName): peak resident size \(peak.value) MB")
        }
    }
}

/// The highest value seen, shared with a sampling thread.
final class ManagedAtomicBox: @unchecked Sendable {
    private let lock = NSLock()
    private var highest = 0
    var value: Int { lock.withLock { highest } }
    func raise(to candidate: Int) { lock.withLock { highest = max(highest, candidate) } }
}
