import Foundation
import GRPCCore
import Ingest
import Semantics
import Testing

/// Connection-level limits: too many open connections, slow-loris requests and idle connections.
@Suite(.serialized) struct ConnectionLimitTests {
    private func withServers(maxConnections: Int = 256, requestTimeout: Duration = .seconds(30),
                             idleTimeout: Duration = .seconds(120),
                             _ body: (OTLPServers, CollectingSink) async throws -> Void) async throws {
        try await LoopbackServers.with({ configuration in
            configuration.maxConnections = maxConnections
            configuration.requestTimeout = requestTimeout
            configuration.idleTimeout = idleTimeout
        }, body)
    }

    private func port(_ address: String) -> Int { LoopbackServers.port(address) }

    private func post(_ socket: RawHTTP.Socket) throws -> RawHTTP.Reply {
        let body = try Build.traceBody(spanCount: 1)
        try socket.write(Data("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        return try socket.readReply()
    }

    @Test func httpConnectionsPastTheLimitGet503UntilOneCloses() async throws {
        try await withServers(maxConnections: 2) { servers, sink in
            let http = port(servers.httpAddress)
            let first = try RawHTTP.Socket(port: http), second = try RawHTTP.Socket(port: http)
            #expect(try post(first).status == 200)
            #expect(try post(second).status == 200)
            let third = try RawHTTP.Socket(port: http)
            let refused = try third.readReply()
            #expect(refused.status == 503)
            #expect(refused.header("retry-after") == "1")
            #expect(String(decoding: refused.body, as: UTF8.self).contains("too many open connections"))
            third.close()
            #expect(sink.refusals.map(\.kind) == [.tooManyConnections])

            first.close()
            // The slot is freed when the server notices the close.
            var status = 0
            for _ in 0..<100 where status != 200 {
                let again = try RawHTTP.Socket(port: http)
                status = (try? post(again).status) ?? 0
                again.close()
                if status != 200 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(status == 200)
            second.close()
        }
    }

    @Test func aRequestThatTricklesInGets408AndTheNextConnectionIsServed() async throws {
        try await withServers(requestTimeout: .milliseconds(300)) { servers, sink in
            let http = port(servers.httpAddress)
            let slow = try RawHTTP.Socket(port: http)
            try slow.write(Data("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n".utf8))
            let reply = try slow.readReply()
            #expect(reply.status == 408)
            #expect(slow.isClosedByPeer())
            slow.close()
            #expect(sink.refusals.map(\.kind) == [.timedOut])

            let next = try RawHTTP.Socket(port: http)
            #expect(try post(next).status == 200)
            next.close()
        }
    }

    @Test func idleConnectionsAreClosedButBusyOnesAreNot() async throws {
        try await withServers(requestTimeout: .seconds(30), idleTimeout: .milliseconds(400)) { servers, sink in
            let http = port(servers.httpAddress)
            let busy = try RawHTTP.Socket(port: http)
            for _ in 0..<4 {
                #expect(try post(busy).status == 200)
                try await Task.sleep(for: .milliseconds(150))
            }
            let idle = try RawHTTP.Socket(port: http)
            try await Task.sleep(for: .milliseconds(800))
            #expect(idle.isClosedByPeer())
            idle.close()
            busy.close()
            #expect(sink.refusals.isEmpty, "an idle connection is closed quietly, not counted as a refusal")
        }
    }

    @Test func grpcConnectionsPastTheLimitAreRefusedAndCounted() async throws {
        try await withServers(maxConnections: 1) { servers, sink in
            let grpc = port(servers.grpcAddress)
            try await GRPCTestClient.with(port: grpc) { first in
                _ = try await first.traces.export(Build.traceRequest([Build.span(name: "one")]))
                try await GRPCTestClient.with(port: grpc) { second in
                    await #expect(throws: RPCError.self) {
                        _ = try await second.traces.export(Build.traceRequest([Build.span(name: "two")]),
                                                           options: { var o = CallOptions.defaults; o.timeout = .seconds(2); return o }())
                    }
                    second.client.beginGracefulShutdown()
                }
                // The first connection is untouched.
                _ = try await first.traces.export(Build.traceRequest([Build.span(name: "three", spanID: Data(repeating: 3, count: 8))]))
            }
            #expect(sink.refusals.contains { $0.kind == .tooManyConnections })
            #expect(sink.spanCount == 2)
        }
    }
}
