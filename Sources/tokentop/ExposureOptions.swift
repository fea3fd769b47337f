import TokentopApp
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
        _ = try resolving { () throws(SettingsError) in try ServeSettings.corsPolicy(corsOrigins) }
    }
}
