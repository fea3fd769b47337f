import TokentopApp
import ArgumentParser
import Config
import Semantics
import Telemetry

/// Where the OTLP receivers listen: `serve` listens there, `setup` points a coding agent there.
struct ReceiverAddressOptions: ParsableArguments {
    @Option(name: .long, help: "Address to listen on (default \(OTLPPorts.loopbackHost), loopback).")
    var listen: String?

    @Option(name: .long, help: "OTLP/gRPC port (default \(OTLPPorts.grpc); 0 picks a free port).")
    var grpcPort: Int?

    @Option(name: .long, help: "OTLP/HTTP port (default \(OTLPPorts.http); 0 picks a free port).")
    var httpPort: Int?

    func validate() throws {
        guard [grpcPort, httpPort].allSatisfy({ $0.map { (0...65535).contains($0) } ?? true }) else {
            throw ValidationError("ports are 0 to 65535")
        }
    }

    /// Flags over the configuration file (and its TOKENTOP_* variables) over the defaults.
    func resolved(_ config: TokentopConfig) -> (listen: String, grpcPort: Int, httpPort: Int) {
        (listen ?? config.listen ?? OTLPPorts.loopbackHost, grpcPort ?? config.grpcPort ?? OTLPPorts.grpc,
         httpPort ?? config.httpPort ?? OTLPPorts.http)
    }
}
