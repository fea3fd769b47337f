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
