import Foundation

/// The shared secret a client must present as `Authorization: Bearer <token>` (HTTP header or gRPC
/// metadata). Compared in constant time; never printed.
public struct BearerToken: Sendable, CustomStringConvertible {
    private let secret: [UInt8]

    /// Fails on an empty token or one that cannot travel in a header (whitespace or control characters).
    public init?(_ token: String) {
        let bytes = Array(token.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        secret = bytes
    }

    /// Whether an `Authorization` header value carries this token: `Bearer <token>`, or `Basic` with the
    /// token as the password (the Langfuse SDK authenticates with its public key as the user name and
    /// its secret key as the password; `LANGFUSE_SECRET_KEY=<token>` lets it in). Schemes are
    /// case-insensitive.
    public func accepts(authorization: String?) -> Bool {
        guard let authorization else { return false }
        let value = Array(authorization.utf8)
        func has(scheme: String) -> Bool {
            value.count > scheme.utf8.count
                && String(decoding: value.prefix(scheme.utf8.count), as: UTF8.self).lowercased() == scheme
        }
        if has(scheme: "bearer ") {
            return Self.constantTimeEqual(Array(value.dropFirst("bearer ".utf8.count)), secret)
        }
        if has(scheme: "basic "),
           let decoded = Data(base64Encoded: String(decoding: value.dropFirst("basic ".utf8.count), as: UTF8.self)),
           let colon = decoded.firstIndex(of: UInt8(ascii: ":")) {
            return Self.constantTimeEqual(Array(decoded[decoded.index(after: colon)...]), secret)
        }
        return false
    }

    /// Takes as long for a near miss as for a wild guess of the same length; the length itself is not secret.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    public var description: String { "BearerToken(redacted)" }

    /// `Bearer <token>`, for tokentop's own clients (the demo); never for display.
    public var authorizationHeader: String { "Bearer " + String(decoding: secret, as: UTF8.self) }

    /// What a refused client is told; says what to send, not what the token is.
    public static let refusalMessage =
        "missing or wrong bearer token: send the header \"Authorization: Bearer <token>\" with tokentop's --token"
}
