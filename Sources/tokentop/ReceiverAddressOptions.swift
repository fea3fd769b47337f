import ArgumentParser
import Config

/// Where the OTLP receivers listen: `serve` listens there, `setup` points a coding agent there.
struct ReceiverAddressOptions: ParsableArguments {
    static let defaultListen = "127.0.0.1"
    static let defaultGRPCPort = 4317
    static let defaultHTTPPort = 4318

    @Option(name: .long, help: "Address to listen on (default \(Self.defaultListen), loopback).")
    var listen: String?

    @Option(name: .long, help: "OTLP/gRPC port (default \(Self.defaultGRPCPort); 0 picks a free port).")
    var grpcPort: Int?

    @Option(name: .long, help: "OTLP/HTTP port (default \(Self.defaultHTTPPort); 0 picks a free port).")
    var httpPort: Int?

    func validate() throws {
        guard [grpcPort, httpPort].allSatisfy({ $0.map { (0...65535).contains($0) } ?? true }) else {
            throw ValidationError("ports are 0 to 65535")
        }
    }

    /// Flags over the configuration file (and its TOKENTOP_* variables) over the defaults.
    func resolved(_ config: TokentopConfig) -> (listen: String, grpcPort: Int, httpPort: Int) {
        (listen ?? config.listen ?? Self.defaultListen, grpcPort ?? config.grpcPort ?? Self.defaultGRPCPort,
         httpPort ?? config.httpPort ?? Self.defaultHTTPPort)
    }
}
