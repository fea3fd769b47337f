/// Why a request body (or a line of a file) could not be decoded.
public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a valid OTLP message of the expected kind; the text says what was wrong.
    case malformed(String)
    /// The body as received is larger than the limit.
    case bodyTooLarge(limit: Int)
    /// The body inflates (gzip) to more than the limit.
    case inflatedTooLarge(limit: Int)
    /// A `Content-Encoding` other than identity or gzip.
    case unsupportedEncoding(String)

    public var description: String {
        switch self {
        case .malformed(let message): message
        case .bodyTooLarge(let limit): "request body exceeds the limit of \(limit) bytes"
        case .inflatedTooLarge(let limit): "request body inflates to more than the limit of \(limit) bytes"
        case .unsupportedEncoding(let encoding): "unsupported content encoding \"\(encoding)\" (supported: gzip, identity)"
        }
    }

    /// A JSON object that is none of the three export requests.
    static let notARequest = DecodeError.malformed(
        "not an OTLP/JSON export request: no resourceSpans, resourceMetrics or resourceLogs")

    /// Whether the request was refused for its size (HTTP 413, gRPC RESOURCE_EXHAUSTED).
    public var isSizeLimit: Bool {
        switch self {
        case .bodyTooLarge, .inflatedTooLarge: true
        case .malformed, .unsupportedEncoding: false
        }
    }
}
