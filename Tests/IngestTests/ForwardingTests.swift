import Foundation
import Ingest
import OTLPWire
import Semantics
import SwiftProtobuf
import Testing

/// `--forward`: accepted requests reach the upstream byte for byte; refusals do not; 429/503 are
/// retried as told; a full queue drops and counts; the receivers never wait on the upstream.
@Suite(.serialized) struct ForwardingTests {
    private func port(_ address: String) -> Int { LoopbackServers.port(address) }

    private func withRelay(_ forwarder: Forwarder,
                           _ body: (OTLPServers, CollectingSink) async throws -> Void) async throws {
        let sink = CollectingSink()
        var configuration = OTLPServers.Configuration(host: "127.0.0.1", grpcPort: 0, httpPort: 0, sink: sink)
        configuration.relay = forwarder
        let servers = try await OTLPServers.start(configuration)
        do {
            try await body(servers, sink)
        } catch {
            await servers.shutdown()
            await forwarder.shutdown(drainTimeout: .zero)
            throw error
        }
        await servers.shutdown()
        await forwarder.shutdown(drainTimeout: .zero)
    }

    private static func fast() -> Forwarder.Policy {
        var policy = Forwarder.Policy()
        policy.firstBackoff = .milliseconds(10)
        return policy
    }

    @Test func httpBodiesAreRelayedVerbatimWithTheirEncodingAndTheConfiguredHeaders() async throws {
        let upstream = try ScriptedUpstream()
        defer { upstream.close() }
        let forwarder = Forwarder(destinations: [ForwardDestination(target: try OTLPEndpoint(parsing: "http://127.0.0.1:\(upstream.port)/otlp/"), headers: [("X-Api-Key", "k-123")])], policy: Self.fast())
        try await withRelay(forwarder) { servers, _ in
            let http = port(servers.httpAddress)
            let protobuf = try Build.traceBody(spanCount: 3)
            let gzipped = try Gzip.compress(try Build.traceRequest([Build.span(name: "zipped", spanID: Data(repeating: 5, count: 8))]).serializedData())
            let json = Data(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"2222222222222222","name":"j"}]}]}]}"#.utf8)
            #expect(try await RawHTTP.send(port: http, path: "/v1/traces", body: protobuf,
                                           headers: ["Content-Type": "application/x-protobuf"]).status == 200)
            #expect(try await RawHTTP.send(port: http, path: "/v1/traces", body: gzipped,
                                           headers: ["Content-Type": "application/x-protobuf", "Content-Encoding": "gzip"]).status == 200)
            #expect(try await RawHTTP.send(port: http, path: "/v1/logs", body: Data("{}".utf8),
                                           headers: ["Content-Type": "application/json"]).status == 200)
            #expect(try await RawHTTP.send(port: http, path: "/v1/traces", body: json,
                                           headers: ["Content-Type": "application/json"]).status == 200)
            // Refused requests are not relayed.
            #expect(try await RawHTTP.send(port: http, path: "/v1/traces", body: Data("junk".utf8),
                                           headers: ["Content-Type": "application/x-protobuf"]).status == 400)

            #expect(await upstream.wait { $0.count == 4 })
            let received = upstream.received.sorted { $0.body.count < $1.body.count }
            let byBody = Dictionary(received.map { ($0.body, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(byBody[protobuf]?.path == "/otlp/v1/traces")
            #expect(byBody[protobuf]?.headers["content-type"] == "application/x-protobuf")
            #expect(byBody[gzipped]?.headers["content-encoding"] == "gzip")
            #expect(byBody[json]?.headers["content-type"] == "application/json")
            #expect(byBody[Data("{}".utf8)]?.path == "/otlp/v1/logs")
            #expect(received.allSatisfy { $0.headers["x-api-key"] == "k-123" })
            #expect(await waitFor { forwarder.stats.first?.sentRequests == 4 })
        }
    }

    @Test func grpcRequestsAreRelayedAsTheirProtobufMessage() async throws {
        let upstream = try ScriptedUpstream()
        defer { upstream.close() }
        let forwarder = Forwarder(destinations: [ForwardDestination(target: try OTLPEndpoint(parsing: "http://127.0.0.1:\(upstream.port)"), headers: [])])
        try await withRelay(forwarder) { servers, _ in
            let request = Build.traceRequest([Build.span(name: "over grpc")])
            try await GRPCTestClient.with(port: port(servers.grpcAddress)) { client in
                _ = try await client.traces.export(request)
            }
            #expect(await upstream.wait { $0.count == 1 })
            #expect(try ExportTraceRequest(serializedBytes: upstream.received[0].body) == request)
            #expect(upstream.received[0].path == "/v1/traces")
        }
    }

    @Test func retryableAnswersAreRetriedHonouringRetryAfterAndFinalOnesCounted() async throws {
        let upstream = try ScriptedUpstream(script: [.init(status: 503, headers: ["Retry-After": "0"]), .init(status: 429),
                                                     .init(status: 200), .init(status: 400)])
        defer { upstream.close() }
        var policy = Self.fast()
        policy.concurrency = 1
        let forwarder = Forwarder(destinations: [ForwardDestination(target: try OTLPEndpoint(parsing: "http://127.0.0.1:\(upstream.port)"), headers: [])], policy: policy)
        try await withRelay(forwarder) { servers, _ in
            let http = port(servers.httpAddress)
            #expect(try await RawHTTP.send(port: http, path: "/v1/traces", body: try Build.traceBody(spanCount: 1),
                                           headers: ["Content-Type": "application/x-protobuf"]).status == 200)
            #expect(await waitFor { forwarder.stats.first?.sentRequests == 1 })
            #expect(try await RawHTTP.send(port: http, path: "/v1/traces", body: try Build.traceBody(spanCount: 2),
                                           headers: ["Content-Type": "application/x-protobuf"]).status == 200)
            #expect(await waitFor { forwarder.stats.first?.failedRequests == 1 })
            let stats = try #require(forwarder.stats.first)
            #expect(stats.retries == 2)
            #expect(stats.lastError == "HTTP 400")
            #expect(upstream.received.count == 4)
            #expect(Set(upstream.received.prefix(3).map(\.body)).count == 1, "the same bytes on every attempt")
        }
    }

    @Test func aStalledUpstreamFillsTheQueueAndNewRequestsAreDroppedAndCounted() async throws {
        let upstream = try ScriptedUpstream(stall: true)
        defer { upstream.close() }
        let body = try Build.traceBody(spanCount: 4)
        var policy = Self.fast()
        policy.concurrency = 1
        policy.queueBytes = body.count * 3
        policy.requestTimeout = .seconds(30)
        let forwarder = Forwarder(destinations: [ForwardDestination(target: try OTLPEndpoint(parsing: "http://127.0.0.1:\(upstream.port)"), headers: [])], policy: policy)
        try await withRelay(forwarder) { servers, sink in
            let http = port(servers.httpAddress)
            for index in 0..<10 {
                var request = Build.traceRequest([Build.span(name: "s\(index)", spanID: Data(repeating: UInt8(index + 1), count: 8))])
                request.resourceSpans[0].scopeSpans[0].spans[0].attributes = [Build.keyValue("pad", .stringValue(String(repeating: "x", count: 100)))]
                #expect(try await RawHTTP.send(port: http, path: "/v1/traces", body: try request.serializedData(),
                                               headers: ["Content-Type": "application/x-protobuf"]).status == 200)
            }
            #expect(await sink.wait { $0.spanCount == 10 }, "the receivers store everything whatever the upstream does")
            let stats = try #require(forwarder.stats.first)
            #expect(stats.droppedRequests >= 6)
            #expect(stats.sentRequests == 0)
            #expect(stats.queuedRequests + stats.droppedRequests + stats.inFlightRequests == 10)
            #expect(stats.inFlightRequests <= 1)
        }
        let final = try #require(forwarder.stats.first)
        #expect(final.droppedRequests + final.failedRequests == 10, "what was still queued at shutdown counts as dropped")
        #expect(final.queuedRequests == 0 && final.inFlightRequests == 0)
    }

    @Test func grpcUpstreamsGetJSONRequestsAsProtobuf() async throws {
        let upstreamSink = CollectingSink()
        let upstream = try await OTLPServers.start(.init(host: "127.0.0.1", grpcPort: 0, httpPort: 0, sink: upstreamSink))
        let forwarder = Forwarder(destinations: [ForwardDestination(target: try OTLPEndpoint(parsing: "grpc://\(upstream.grpcAddress)"), headers: [("x-team", "llm")])])
        try await withRelay(forwarder) { servers, _ in
            let json = Data(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"3333333333333333","name":"relayed","attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"7"}}]}]}]}]}"#.utf8)
            let gzipped = try Gzip.compress(json)
            #expect(try await RawHTTP.send(port: port(servers.httpAddress), path: "/v1/traces", body: gzipped,
                                           headers: ["Content-Type": "application/json", "Content-Encoding": "gzip"]).status == 200)
            #expect(await upstreamSink.wait { $0.spanCount == 1 })
            #expect(upstreamSink.batches.first?.spans.first?.name == "relayed")
            #expect(upstreamSink.batches.first?.spans.first?.attributes["gen_ai.usage.input_tokens"]?.intValue == 7)
        }
        await upstream.shutdown()
    }

    @Test func eachTargetGetsItsOwnHeadersAndNoOther() async throws {
        let first = try ScriptedUpstream(), second = try ScriptedUpstream()
        defer { first.close(); second.close() }
        let destinations = try ForwardDestination.pair(commandLine: [
            "tokentop", "--forward", "http://127.0.0.1:\(first.port)", "--forward-header", "x-honeycomb-team=key-1",
            "--headless", "--forward=http://127.0.0.1:\(second.port)", "--forward-header=x-api-key=key-2",
            "--forward-header", "x-env=dev",
        ])
        let forwarder = Forwarder(destinations: destinations.map { $0.adding(shared: [("x-env", "shared"), ("x-all", "1")]) },
                                  policy: Self.fast())
        try await withRelay(forwarder) { servers, _ in
            #expect(try await RawHTTP.send(port: port(servers.httpAddress), path: "/v1/traces", body: try Build.traceBody(spanCount: 1),
                                           headers: ["Content-Type": "application/x-protobuf"]).status == 200)
            #expect(await first.wait { $0.count == 1 })
            #expect(await second.wait { $0.count == 1 })
            let toFirst = try #require(first.received.first).headers, toSecond = try #require(second.received.first).headers
            #expect(toFirst["x-honeycomb-team"] == "key-1" && toFirst["x-api-key"] == nil)
            #expect(toSecond["x-api-key"] == "key-2" && toSecond["x-honeycomb-team"] == nil)
            #expect(toFirst["x-env"] == "shared" && toSecond["x-env"] == "dev", "a target's own header wins over a shared one")
            #expect(toFirst["x-all"] == "1" && toSecond["x-all"] == "1")
        }
    }

    @Test func forwardHeadersPairWithTheForwardBeforeThem() throws {
        let pairs = try ForwardDestination.pair(commandLine: [
            "tokentop", "serve", "--forward", "grpc://a:4317", "--forward", "http://b:4318",
            "--forward-header", "authorization=Bearer b", "--", "--forward-header", "x=ignored",
        ])
        #expect(pairs.map(\.target.description) == ["grpc://a:4317", "http://b:4318"])
        #expect(pairs.map { $0.headers.map(\.0) } == [[], ["authorization"]])
        #expect(try ForwardDestination.pair(commandLine: ["tokentop", "--headless"]).isEmpty)
        for (arguments, message) in [(["--forward-header", "x=1", "--forward", "http://a"], "comes before any --forward"),
                                     (["--forward", "http://a", "--forward-header"], "--forward-header needs a value"),
                                     (["--forward", "http://a", "--forward-header", "secret-only"], "--forward-header takes NAME=VALUE")] {
            #expect {
                try ForwardDestination.pair(commandLine: ["tokentop"] + arguments)
            } throws: { error in
                "\(error)".contains(message)
            }
        }
    }

    @Test func targetsAndHeadersParseAsTheSDKsDo() throws {
        #expect(try OTLPEndpoint(parsing: "http://collector:4318").description == "http://collector:4318")
        #expect(try OTLPEndpoint(parsing: "https://api.honeycomb.io/").description == "https://api.honeycomb.io")
        #expect(try OTLPEndpoint(parsing: "grpc://collector").description == "grpc://collector:4317")
        #expect(try OTLPEndpoint(parsing: "grpcs://[::1]:9000").description == "grpcs://[::1]:9000")
        for bad in ["collector:4318", "ftp://x", "grpc://x/path", "http://user:secret@x"] {
            #expect(throws: OTLPEndpointError.self) { try OTLPEndpoint(parsing: bad) }
        }
        do {
            _ = try OTLPEndpoint(parsing: "http://user:secret@x")
        } catch {
            #expect(!error.description.contains("secret"))
        }
        #expect(try ForwardHeaders.parse(option: "x-honeycomb-team = abc") == ("x-honeycomb-team", "abc"))
        #expect(throws: ForwardHeaderError.self) { try ForwardHeaders.parse(option: "no-equals") }
        let fromEnvironment = ForwardHeaders.parse(environment: "Authorization=Bearer%20t0k,x-a=1,broken")
        #expect(fromEnvironment.map(\.0) == ["Authorization", "x-a"])
        #expect(fromEnvironment.first?.1 == "Bearer t0k")
    }

    private func waitFor(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}

extension ForwardingTests {
    @Test func retryAfterTakesSecondsOrAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(HTTPRetryAfter.parse("0") == .zero)
        #expect(HTTPRetryAfter.parse("120", now: now) == .seconds(120))
        #expect(HTTPRetryAfter.parse("Tue, 14 Nov 2023 22:13:50 GMT", now: now) == .seconds(30))
        #expect(HTTPRetryAfter.parse("soon") == nil)
    }
}
