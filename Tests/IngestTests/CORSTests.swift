import Foundation
import Ingest
import Testing
import Telemetry

/// CORS on OTLP/HTTP: a browser's preflight from an allowed origin is answered before the token is
/// checked, responses to allowed origins carry `Access-Control-Allow-Origin`, others get none.
@Suite(.serialized) struct CORSTests {
    private let traces = ["Content-Type": "application/json"]
    private let body = Data(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"2222222222222222","name":"from a page"}]}]}]}"#.utf8)

    @Test func originsAreComparedAsBrowsersSendThem() throws {
        let policy = try CORSPolicy(addingOrigins: ["https://App.Example.com/", "http://dash.internal:8080"])
        #expect(policy.allows(origin: "https://app.example.com"))
        #expect(policy.allows(origin: "https://app.example.com:443"))
        #expect(!policy.allows(origin: "http://app.example.com"))
        #expect(policy.allows(origin: "http://dash.internal:8080"))
        #expect(!policy.allows(origin: "http://dash.internal"))
        for loopback in ["http://localhost:5173", "http://127.0.0.1:3000", "https://127.1.2.3", "http://[::1]:8000",
                         "http://app.localhost:3000"] {
            #expect(policy.allows(origin: loopback), "\(loopback)")
        }
        for foreign in ["null", "http://localhost.evil.com", "http://127.0.0.1.evil.com", "file://", "",
                        "http://127.0.0.1:3000/path"] {
            #expect(!policy.allows(origin: foreign), "\(foreign)")
        }
        #expect(try CORSPolicy(addingOrigins: ["*"]).allows(origin: "https://anywhere.example"))
        for bad in ["app.example.com", "https://app.example.com/path", "ftp://x"] {
            #expect(throws: CORSOriginError.self) { try CORSPolicy(addingOrigins: [bad]) }
        }
    }

    @Test func aPreflightFromALoopbackPageIsAnsweredEvenWithATokenAndTheExportCarriesTheOrigin() async throws {
        try await LoopbackServers.with({ $0.token = BearerToken("t0ken") }) { servers, sink in
            let port = LoopbackServers.port(servers.httpAddress)
            let preflight = try await RawHTTP.send(port: port, method: "OPTIONS", path: "/v1/traces", body: Data(), headers: [
                "Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,authorization",
            ])
            #expect(preflight.status == 204)
            #expect(preflight.header("access-control-allow-origin") == "http://localhost:5173")
            #expect(preflight.header("access-control-allow-methods") == "POST, OPTIONS")
            #expect(preflight.header("access-control-allow-headers") == "content-type, authorization")
            #expect(preflight.header("vary") == "Origin")

            let export = try await RawHTTP.send(port: port, path: "/v1/traces", body: body, headers: traces.merging(
                ["Origin": "http://localhost:5173", "Authorization": "Bearer t0ken"]) { $1 })
            #expect(export.status == 200)
            #expect(export.header("access-control-allow-origin") == "http://localhost:5173")
            let unauthenticated = try await RawHTTP.send(port: port, path: "/v1/traces", body: body,
                                                         headers: traces.merging(["Origin": "http://localhost:5173"]) { $1 })
            #expect(unauthenticated.status == 401, "CORS lets the page read the refusal, and the token still guards")
            #expect(unauthenticated.header("access-control-allow-origin") == "http://localhost:5173")
            #expect(await sink.wait { $0.spanCount == 1 })
        }
    }

    @Test func aForeignOriginIsRefusedItsPreflightAndGetsNoCORSHeaders() async throws {
        try await LoopbackServers.with({ _ in }) { servers, sink in
            let port = LoopbackServers.port(servers.httpAddress)
            let preflight = try await RawHTTP.send(port: port, method: "OPTIONS", path: "/v1/traces", body: Data(), headers: [
                "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
            ])
            #expect(preflight.status == 403)
            #expect(preflight.header("access-control-allow-origin") == nil)
            #expect(preflight.readableMessage.contains("--cors-origin"))
            // A client that is not a browser may send anything; CORS is not authentication.
            let export = try await RawHTTP.send(port: port, path: "/v1/traces", body: body,
                                                headers: traces.merging(["Origin": "https://evil.example"]) { $1 })
            #expect(export.status == 200)
            #expect(export.header("access-control-allow-origin") == nil)
            // Not a preflight, and not a path of ours.
            let plain = try await RawHTTP.send(port: port, method: "OPTIONS", path: "/v1/logs", body: Data(), headers: [:])
            #expect(plain.status == 204 && plain.header("allow") == "POST, OPTIONS")
            #expect(try await RawHTTP.send(port: port, method: "OPTIONS", path: "/v2/traces", body: Data(),
                                           headers: ["Origin": "http://localhost:1"]).status == 404)
            #expect(await sink.wait { $0.spanCount == 1 })
        }
    }

    @Test func namedOriginsAndAnyOriginAreAllowed() async throws {
        try await LoopbackServers.with({ $0.cors = try! CORSPolicy(addingOrigins: ["https://app.example.com"]) }) { servers, _ in
            let port = LoopbackServers.port(servers.httpAddress)
            for (origin, status) in [("https://app.example.com", 204), ("https://other.example.com", 403)] {
                let reply = try await RawHTTP.send(port: port, method: "OPTIONS", path: "/v1/metrics", body: Data(), headers: [
                    "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Private-Network": "true",
                ])
                #expect(reply.status == status, "\(origin)")
                #expect((reply.header("access-control-allow-private-network") == "true") == (status == 204))
            }
        }
        try await LoopbackServers.with({ $0.cors = try! CORSPolicy(addingOrigins: ["*"]) }) { servers, _ in
            let reply = try await RawHTTP.send(port: LoopbackServers.port(servers.httpAddress), method: "OPTIONS", path: "/v1/traces",
                                               body: Data(), headers: ["Origin": "https://x.example", "Access-Control-Request-Method": "POST"])
            #expect(reply.status == 204 && reply.header("access-control-allow-origin") == "https://x.example")
        }
    }
}
