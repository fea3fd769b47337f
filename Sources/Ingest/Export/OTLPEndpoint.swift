import Foundation
import Telemetry

/// Where an OTLP exporter sends (`--forward`, the demo, the load generator): an OTLP/HTTP base URL
/// (`http://collector:4318`, `https://api.honeycomb.io`; `/v1/traces` etc. are appended as
/// OTEL_EXPORTER_OTLP_ENDPOINT does) or an OTLP/gRPC endpoint (`grpc://collector:4317`, `grpcs://…`
/// for TLS).
public struct OTLPEndpoint: Sendable, Equatable, CustomStringConvertible {
    public enum Transport: Sendable, Equatable {
        case http(base: URL)
        case grpc(host: String, port: Int, tls: Bool)
    }

    public let transport: Transport

    public init(parsing text: String) throws(OTLPEndpointError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            throw OTLPEndpointError(text: text, problem: "is not a URL such as http://host:4318 or grpc://host:4317")
        }
        guard components.user == nil, components.password == nil else {
            throw OTLPEndpointError(text: "(redacted)", problem: "must not carry credentials; use --forward-header")
        }
        switch scheme {
        case "http", "https":
            var base = components
            base.query = nil
            base.fragment = nil
            if base.path.hasSuffix("/") { base.path.removeLast() }
            guard let url = base.url else { throw OTLPEndpointError(text: text, problem: "is not a valid URL") }
            transport = .http(base: url)
        case "grpc", "grpcs":
            guard components.path.isEmpty || components.path == "/" else {
                throw OTLPEndpointError(text: text, problem: "a gRPC endpoint has no path")
            }
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            transport = .grpc(host: bare, port: components.port ?? OTLPPorts.grpc, tls: scheme == "grpcs")
        default:
            throw OTLPEndpointError(text: text, problem: "needs the scheme http, https, grpc or grpcs")
        }
    }

    /// The URL a signal is posted to over OTLP/HTTP: `/v1/traces` appended to the base path.
    func url(for signal: Signal) -> URL? {
        guard case .http(let base) = transport else { return nil }
        return URL(string: base.absoluteString + "/v1/\(signal.rawValue)")
    }

    public var description: String {
        switch transport {
        case .http(let base): base.absoluteString
        case .grpc(let host, let port, let tls): "\(tls ? "grpcs" : "grpc")://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        }
    }
}

public struct OTLPEndpointError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var problem: String
    public var description: String { "--forward \(text) \(problem)" }
}
