import Foundation
import GRPCCore
import Ingest
import OTLPWire
import Semantics
import Testing

/// `--token`: both receivers and the scrape endpoint refuse requests without the right bearer token,
/// count each refusal as unauthenticated, never echo the token, and keep serving good requests.
@Suite(.serialized) struct BearerTokenTests {
    private static let secret = "s3cr3t-Token_42"

    private func withServers(_ body: (OTLPServers, CollectingSink) async throws -> Void) async throws {
        try await LoopbackServers.with({ $0.token = BearerToken(Self.secret) }, body)
    }

    private func port(_ address: String) -> Int { LoopbackServers.port(address) }

    @Test func tokenMatchingIsExactAndTheSchemeCaseInsensitive() throws {
        let token = try #require(BearerToken(Self.secret))
        #expect(token.accepts(authorization: "Bearer \(Self.secret)"))
        #expect(token.accepts(authorization: "bearer \(Self.secret)"))
        #expect(!token.accepts(authorization: nil))
        #expect(!token.accepts(authorization: ""))
        #expect(!token.accepts(authorization: "Bearer"))
        #expect(!token.accepts(authorization: "Bearer "))
        #expect(!token.accepts(authorization: Self.secret))
        #expect(!token.accepts(authorization: "Basic \(Self.secret)"))
        #expect(!token.accepts(authorization: "Bearer \(Self.secret)x"))
        #expect(!token.accepts(authorization: "Bearer \(Self.secret.dropLast())"))
        // The Langfuse SDK's Basic authentication, with the token as its secret key (the password).
        func basic(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }
        #expect(token.accepts(authorization: basic("pk-lf-1234:\(Self.secret)")))
        #expect(token.accepts(authorization: "basic " + Data(":\(Self.secret)".utf8).base64EncodedString()))
        #expect(!token.accepts(authorization: basic("pk-lf-1234:\(Self.secret)x")))
        #expect(!token.accepts(authorization: basic("\(Self.secret):pk-lf-1234")))
        #expect(!token.accepts(authorization: basic(Self.secret)))
        #expect(!token.accepts(authorization: "Bearer \(Self.secret.uppercased())"))
        #expect(BearerToken("") == nil)
        #expect(BearerToken("has space") == nil)
        #expect(BearerToken("tab\there") == nil)
        #expect(!"\(token)".contains(Self.secret))
    }

    @Test func httpWithoutOrWithAWrongTokenIs401ThenTheRightTokenIsAccepted() async throws {
        try await withServers { servers, sink in
            let http = port(servers.httpAddress)
            let body = try Build.traceBody(spanCount: 2)
            for authorization in [nil, "Bearer wrong", "Basic \(Self.secret)"] as [String?] {
                var headers = ["Content-Type": "application/x-protobuf"]
                if let authorization { headers["Authorization"] = authorization }
                let reply = try await RawHTTP.send(port: http, path: "/v1/traces", body: body, headers: headers)
                #expect(reply.status == 401)
                #expect(reply.header("www-authenticate")?.hasPrefix("Bearer") == true)
                let text = String(decoding: reply.body, as: UTF8.self)
                #expect(text.contains("bearer token"))
                #expect(!text.contains(Self.secret))
            }
            // Refused before the path is looked at: an unknown path is 401 too, not 404.
            let probe = try await RawHTTP.send(port: http, path: "/admin", body: Data(), headers: [:])
            #expect(probe.status == 401)

            let good = try await RawHTTP.send(port: http, path: "/v1/traces", body: body,
                                              headers: ["Content-Type": "application/x-protobuf",
                                                        "Authorization": "Bearer \(Self.secret)"])
            #expect(good.status == 200)
            #expect(await sink.wait { $0.spanCount == 2 })
            #expect(sink.refusals.count == 4)
            #expect(sink.refusals.allSatisfy { $0.kind == .unauthenticated })
            #expect(sink.refusals.first?.signal == .traces)
            #expect(sink.refusals.last?.signal == nil)
        }
    }

    @Test func grpcWithoutOrWithAWrongTokenIsUnauthenticatedThenTheRightTokenIsAccepted() async throws {
        try await withServers { servers, sink in
            try await GRPCTestClient.with(port: port(servers.grpcAddress)) { client in
                let request = Build.traceRequest([Build.span(name: "chat")])
                for metadata in [Metadata(), ["authorization": "Bearer nope"]] {
                    let error = await #expect(throws: RPCError.self) {
                        _ = try await client.traces.export(request, metadata: metadata)
                    }
                    #expect(error?.code == .unauthenticated)
                    #expect(error?.message.contains("bearer token") == true)
                    #expect(error?.message.contains(Self.secret) == false)
                }
                let metricsError = await #expect(throws: RPCError.self) {
                    _ = try await client.metrics.export(.init())
                }
                #expect(metricsError?.code == .unauthenticated)

                _ = try await client.traces.export(request, metadata: ["authorization": "Bearer \(Self.secret)"])
            }
            #expect(await sink.wait { $0.spanCount == 1 })
            #expect(sink.refusals.map(\.kind) == [.unauthenticated, .unauthenticated, .unauthenticated])
            #expect(sink.refusals.map(\.signal) == [.traces, .traces, .metrics])
        }
    }

    @Test func scrapeEndpointWantsTheTokenToo() async throws {
        let endpoint = try await MetricsEndpoint.start(host: "127.0.0.1", port: 0, token: BearerToken(Self.secret)) {
            "tokentop_up 1\n"
        }
        defer { Task { await endpoint.shutdown() } }
        let scrapePort = port(endpoint.address)
        let refused = try await RawHTTP.send(port: scrapePort, method: "GET", path: "/metrics", body: Data(), headers: [:])
        #expect(refused.status == 401)
        #expect(!String(decoding: refused.body, as: UTF8.self).contains("tokentop_up"))
        let scraped = try await RawHTTP.send(port: scrapePort, method: "GET", path: "/metrics", body: Data(),
                                             headers: ["Authorization": "Bearer \(Self.secret)"])
        #expect(scraped.status == 200)
        #expect(String(decoding: scraped.body, as: UTF8.self) == "tokentop_up 1\n")
    }
}
