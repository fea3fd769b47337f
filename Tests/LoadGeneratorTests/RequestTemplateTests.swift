import Foundation
import Ingest
@testable import LoadGenerator
import OTLPWire
import Semantics
import SwiftProtobuf
import XCTest
import Telemetry

final class RequestTemplateTests: XCTestCase {
    private func decodedSpans(_ bytes: [UInt8], json: Bool) throws -> [RawSpan] {
        try OTLPDecoder.decode(signal: .traces, body: Data(bytes), contentType: json ? .json : .protobuf).spans
    }

    func testAgentTracesLookLikeGenAIInstrumentation() throws {
        let request = AgentTraces.request(spanCount: 512)
        let spans = request.resourceSpans.flatMap { $0.scopeSpans.flatMap(\.spans) }
        XCTAssertEqual(spans.count, 512)
        let operations = spans.map { span in span.attributes.first { $0.key == "gen_ai.operation.name" }?.value.stringValue ?? "" }
        XCTAssertEqual(Set(operations), ["invoke_agent", "chat", "execute_tool"])
        for span in spans where span.name.hasPrefix("chat ") {
            XCTAssertEqual(span.events.map(\.name), ["gen_ai.user.message", "gen_ai.choice"])
            XCTAssertEqual(span.attributes.count, 15)
        }
        let roots = spans.filter { $0.parentSpanID.isEmpty }
        XCTAssertEqual(roots.count, Set(spans.map(\.traceID)).count, "one root per trace")
        let bytesPerSpan = try (request.serializedBytes() as [UInt8]).count / spans.count
        XCTAssertTrue((868...1_250).contains(bytesPerSpan), "\(bytesPerSpan) bytes per span")
    }

    func testRenderedProtobufRequestsHaveFreshIdsWithParentsIntact() throws {
        let template = try RequestTemplate(request: AgentTraces.request(spanCount: 100), encoding: .protobuf)
        XCTAssertEqual(template.recordCount, 100)
        try checkRendering(template, json: false)
    }

    func testRenderedJSONRequestsHaveFreshIdsWithParentsIntact() throws {
        let template = try RequestTemplate(request: AgentTraces.request(spanCount: 100), encoding: .json)
        XCTAssertTrue(String(decoding: template.bytes, as: UTF8.self).contains("\"traceId\":\""))
        try checkRendering(template, json: true)
    }

    /// Claude Code's log events, rendered twice: every prompt and request id is new, the times move, and
    /// tokentop reads each api_request as a call of its own.
    func testRenderedLogRequestsHaveFreshPromptAndRequestIds() throws {
        for encoding in [RequestTemplate.Encoding.protobuf, .json] {
            let template = try RequestTemplate(logs: AgentLogs.request(recordCount: 64), encoding: encoding)
            XCTAssertEqual(template.recordCount, 64)
            let shift: UInt64 = 987_654_321_000
            var first: [UInt8] = [], second: [UInt8] = []
            template.render(sequence: 7, shiftNanos: shift, into: &first)
            template.render(sequence: 8, shiftNanos: shift, into: &second)
            let contentType: ContentType = encoding == .json ? .json : .protobuf
            let original = try OTLPDecoder.decode(signal: .logs, body: Data(template.bytes), contentType: contentType).logs
            let a = try OTLPDecoder.decode(signal: .logs, body: Data(first), contentType: contentType).logs
            let b = try OTLPDecoder.decode(signal: .logs, body: Data(second), contentType: contentType).logs
            XCTAssertEqual(a.count, 64)
            XCTAssertEqual(a.map(\.timeNanos), original.map { $0.timeNanos + shift }, "\(encoding)")
            XCTAssertEqual(a.map(\.observedTimeNanos), original.map { $0.observedTimeNanos + shift }, "\(encoding)")
            func ids(_ logs: [RawLogRecord], _ key: String) -> [String] { logs.compactMap { $0.attributes[key]?.stringValue } }
            XCTAssertEqual(ids(a, "prompt.id").count, 64)
            XCTAssertTrue(ids(a, "prompt.id").allSatisfy { $0.hasPrefix("prompt-0000000000000007-") }, "\(encoding)")
            XCTAssertTrue(Set(ids(a, "request_id")).isDisjoint(with: ids(b, "request_id")))
            XCTAssertEqual(Set(ids(a, "request_id")).count, 32, "two calls a prompt, each its own request id")
            XCTAssertEqual(Set(ids(a, "session.id")).count, 8, "eight sessions a request")
            XCTAssertTrue(Set(ids(a, "session.id")).isDisjoint(with: ids(b, "session.id")), "of its own")

            let calls = a.compactMap { log -> LLMCall? in
                if case .call(let call)? = CodingAgentEvents.read(log) { return call.call } else { return nil }
            }
            XCTAssertEqual(calls.count, 32, "\(encoding)")
            XCTAssertTrue(calls.allSatisfy { $0.hasUsage && $0.reportedCostUSD != nil && $0.model.hasPrefix("claude-") })
        }
    }

    private func checkRendering(_ template: RequestTemplate, json: Bool) throws {
        let original = try decodedSpans(template.bytes, json: json)
        var first: [UInt8] = []
        var second: [UInt8] = []
        let shift: UInt64 = 123_456_789_000
        template.render(sequence: 7, shiftNanos: shift, into: &first)
        template.render(sequence: 8, shiftNanos: shift, into: &second)
        let a = try decodedSpans(first, json: json)
        let b = try decodedSpans(second, json: json)
        XCTAssertEqual(a.count, 100)
        XCTAssertEqual(b.count, 100)

        let ids = Set((a + b + original).map { "\($0.traceID)/\($0.spanID)" })
        XCTAssertEqual(ids.count, 300, "every rendering has its own trace and span ids")
        XCTAssertTrue(Set(a.map(\.traceID)).isDisjoint(with: b.map(\.traceID)))

        for spans in [a, b] {
            let known = Set(spans.map { "\($0.traceID)/\($0.spanID)" })
            for span in spans where !span.parentSpanID.isZero {
                XCTAssertTrue(known.contains("\(span.traceID)/\(span.parentSpanID)"), "parent of \(span.name) is in the request")
            }
        }
        for (before, after) in zip(original, a) {
            XCTAssertEqual(after.startNanos, before.startNanos + shift)
            XCTAssertEqual(after.endNanos, before.endNanos + shift)
            XCTAssertEqual(after.events.map(\.timeNanos), before.events.map { $0.timeNanos + shift })
        }

        func responseIDs(_ spans: [RawSpan]) -> [String] {
            spans.compactMap { span in
                span.attributes.first { $0.key == "gen_ai.response.id" }.flatMap { if case .string(let s) = $0.value { s } else { nil } }
            }
        }
        let responses = responseIDs(a) + responseIDs(b)
        XCTAssertFalse(responses.isEmpty)
        XCTAssertEqual(Set(responses).count, responses.count, "response ids are unique across requests")
        XCTAssertTrue(responseIDs(a).allSatisfy { $0.hasPrefix("chatcmpl-0000000000000007-") })
    }

    func testPacerStopsAtMaxSpansWithAShortLastRequest() {
        let plan = LoadPlan(transport: .grpc, host: "127.0.0.1", port: 1, spansPerRequest: 300, concurrency: 1,
                            maxSpans: 1_000, durationSeconds: 60)
        let pacer = LoadPacer(plan: plan)
        var sizes: [Int] = []
        while let ticket = pacer.take() { sizes.append(ticket.spans) }
        XCTAssertEqual(sizes, [300, 300, 300, 100])
    }

    func testPacerSpreadsRequestsAtTheRate() {
        let plan = LoadPlan(transport: .grpc, host: "127.0.0.1", port: 1, spansPerRequest: 100, concurrency: 1,
                            rate: 1_000, durationSeconds: 0.35)
        let pacer = LoadPacer(plan: plan)
        var dues: [Double] = []
        while let ticket = pacer.take() { dues.append(ticket.due) }
        XCTAssertEqual(dues, [0, 0.1, 0.2, 0.3])
    }

    func testOnlyLoopbackTargets() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"] {
            XCTAssertTrue(LoadPlan.isLoopback(host), host)
        }
        for host in ["10.0.0.1", "0.0.0.0", "example.com", "128.0.0.1", "127.0.0", "::"] {
            XCTAssertFalse(LoadPlan.isLoopback(host), host)
        }
    }
}
