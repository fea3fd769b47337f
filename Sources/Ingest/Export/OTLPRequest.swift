import Foundation

/// One OTLP export request as bytes: as received over OTLP/HTTP (still gzip'ed or JSON if it was) or
/// OTLP/gRPC (the protobuf message), to relay or record; or as made to send (the demo, the load generator).
public struct OTLPRequest: Sendable {
    public var signal: Signal
    public var body: Data
    public var contentType: ContentType
    public var contentEncoding: ContentEncoding

    public init(signal: Signal, body: Data, contentType: ContentType, contentEncoding: ContentEncoding = .identity) {
        self.signal = signal
        self.body = body
        self.contentType = contentType
        self.contentEncoding = contentEncoding
    }
}
