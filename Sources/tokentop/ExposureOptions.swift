import ArgumentParser
import Foundation
import Ingest

/// Who may send: loopback needs nothing; any other address needs `--token` or an explicit `--insecure-listen`.
struct ExposureOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Require \"Authorization: Bearer TOKEN\" on every OTLP request and scrape (also TOKENTOP_TOKEN, which keeps it out of ps).",
        valueName: "token"))
    var token: String?

    @Flag(name: .long, help: "Allow listening on a non-loopback address without --token (anyone who can reach the port can send).")
    var insecureListen = false

    @Option(name: .long, help: ArgumentHelp("Serve OTLP/HTTP, OTLP/gRPC and --prometheus over TLS with this PEM certificate chain (with --tls-key).",
                                            valueName: "file"))
    var tlsCert: String?

    @Option(name: .long, help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(name: .customLong("cors-origin"), help: ArgumentHelp(
        "Let web pages from this origin export from a browser (repeatable; * for any). Pages served from loopback always may.",
        valueName: "origin"))
    var corsOrigins: [String] = []

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        _ = try corsPolicy()
    }

    func corsPolicy() throws -> CORSPolicy {
        do { return try CORSPolicy(addingOrigins: corsOrigins) } catch { throw ValidationError(error.description) }
    }

    /// The loaded certificate and key, or nil without `--tls-cert`.
    func serverTLS() throws -> ServerTLS? {
        guard let tlsCert, let tlsKey else { return nil }
        do {
            return try ServerTLS(certificatePath: tlsCert, privateKeyPath: tlsKey)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The token from `--token`, else from `TOKENTOP_TOKEN`.
    func bearerToken(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> BearerToken? {
        guard let text = token ?? environment["TOKENTOP_TOKEN"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        guard let parsed = BearerToken(text) else {
            throw ValidationError("--token must be printable ASCII without spaces")
        }
        return parsed
    }

    /// Refuses to expose a receiver beyond this machine without a token, unless told to.
    func checkExposure(addresses: [(flag: String, host: String)], hasToken: Bool) throws {
        guard !hasToken, !insecureListen else { return }
        if let exposed = addresses.first(where: { !Self.isLoopback($0.host) }) {
            throw ValidationError(
                "\(exposed.flag) \(exposed.host) is reachable from other machines: add --token (or TOKENTOP_TOKEN), "
                + "or --insecure-listen to accept unauthenticated telemetry")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
