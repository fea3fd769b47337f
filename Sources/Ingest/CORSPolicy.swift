import Foundation
import NIOHTTP1

/// Which web pages may export to the OTLP/HTTP receiver from a browser (OpenTelemetry JS): pages
/// served from loopback (`http://localhost:5173`, `http://127.0.0.1:3000`) by default, plus the
/// origins `--cors-origin` names (`*` for any). CORS only tells a browser what it may read and send;
/// `--token` still guards the receiver.
public struct CORSPolicy: Sendable, Equatable {
    public var allowsLoopback: Bool
    public var allowsAnyOrigin: Bool
    /// Normalized: lowercased scheme and host, no trailing slash, no default port.
    public private(set) var origins: Set<String>

    public static let loopback = CORSPolicy(allowsLoopback: true, allowsAnyOrigin: false, origins: [])

    public init(allowsLoopback: Bool = true, allowsAnyOrigin: Bool = false, origins: Set<String> = []) {
        self.allowsLoopback = allowsLoopback
        self.allowsAnyOrigin = allowsAnyOrigin
        self.origins = Set(origins.compactMap(Self.normalized))
    }

    /// `--cors-origin` values: `*`, or origins such as `https://app.example.com` (a path is an error).
    public init(addingOrigins texts: [String]) throws(CORSOriginError) {
        var origins: Set<String> = []
        var any = false
        for text in texts {
            if text == "*" { any = true; continue }
            guard let origin = Self.normalized(text) else { throw CORSOriginError(text: text) }
            origins.insert(origin)
        }
        self.init(allowsLoopback: true, allowsAnyOrigin: any, origins: origins)
    }

    public func allows(origin: String) -> Bool {
        guard let normalized = Self.normalized(origin) else { return false }
        if allowsAnyOrigin || origins.contains(normalized) { return true }
        return allowsLoopback && Self.isLoopback(normalized)
    }

    /// `scheme://host[:port]` as a browser sends it in `Origin`, or nil for anything else (`null` included).
    static func normalized(_ text: String) -> String? {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host?.lowercased(), !host.isEmpty,
              components.path.isEmpty, components.query == nil, components.fragment == nil,
              components.user == nil, components.password == nil else { return nil }
        let defaultPort = scheme == "http" ? 80 : 443
        let port = components.port.flatMap { $0 == defaultPort ? nil : ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)"
    }

    private static func isLoopback(_ origin: String) -> Bool {
        guard let host = URLComponents(string: origin)?.host?.lowercased() else { return false }
        return host.hasSuffix(".localhost") || LoopbackHost.contains(host)
    }
}

public struct CORSOriginError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var description: String {
        "--cors-origin \(text) is not an origin such as https://app.example.com or http://localhost:5173 (or * for any)"
    }
}

/// The answer to a browser's `OPTIONS` preflight.
enum CORSPreflight {
    static func answer(route: HTTPRoute, head: HTTPRequestHead, origin: String?, allowed: Bool,
                       serves: (String) -> Bool) -> HTTPAnswer {
        guard serves(route.path) else { return HTTPRefusal.notFound(path: route.path).response }
        let methods = route.path == HTTPRoute.summaryPath ? "GET, OPTIONS" : "POST, OPTIONS"
        guard let origin else {
            return HTTPAnswer(status: .noContent, contentType: "text/plain; charset=utf-8", body: [],
                              extraHeaders: [("Allow", methods)])
        }
        guard allowed else {
            return HTTPAnswer(status: .forbidden, contentType: "text/plain; charset=utf-8",
                              body: Array("origin \(origin) may not send to tokentop; allow it with --cors-origin\n".utf8))
        }
        var headers = [("Access-Control-Allow-Methods", methods), ("Access-Control-Max-Age", "600")]
        let requested = head.headers.first(name: "Access-Control-Request-Headers") ?? ""
        let names = requested.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !names.isEmpty, names.allSatisfy({ $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) } }) {
            headers.append(("Access-Control-Allow-Headers", names.joined(separator: ", ")))
        }
        if head.headers.first(name: "Access-Control-Request-Private-Network")?.lowercased() == "true" {
            headers.append(("Access-Control-Allow-Private-Network", "true"))
        }
        return HTTPAnswer(status: .noContent, contentType: "text/plain; charset=utf-8", body: [], extraHeaders: headers)
    }
}
