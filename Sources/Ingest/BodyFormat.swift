/// The OTLP encoding of a request body.
public enum ContentType: Sendable, Equatable {
    case protobuf
    case json

    /// From a `Content-Type` header value; parameters such as `; charset=utf-8` are ignored.
    public init?(headerValue: String) {
        let mediaType = headerValue.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
            .first.map { $0.trimmingWhitespace().lowercased() } ?? ""
        switch mediaType {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    public var headerValue: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }
}

/// The `Content-Encoding` of a request body.
public enum ContentEncoding: Sendable, Equatable {
    case identity
    case gzip

    /// nil for encodings this receiver does not support.
    public init?(headerValue: String) {
        switch headerValue.trimmingWhitespace().lowercased() {
        case "", "identity": self = .identity
        case "gzip", "x-gzip": self = .gzip
        default: return nil
        }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> Substring {
        let view = Substring(self)
        guard let first = view.firstIndex(where: { !$0.isWhitespace }),
              let last = view.lastIndex(where: { !$0.isWhitespace }) else { return view[view.endIndex...] }
        return view[first...last]
    }
}
