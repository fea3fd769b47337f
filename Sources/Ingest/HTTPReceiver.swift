import Foundation
import NIOCore
import NIOHTTP1
import OTLPWire
import SwiftProtobuf
import Telemetry
import PackedSpans

/// OTLP/HTTP: `POST /v1/traces`, `/v1/metrics`, `/v1/logs` with protobuf or JSON bodies, optionally gzip'ed.
/// One handler per connection; a refused request gets its status and message, and the connection
/// keeps serving unless the unread rest of an oversized body makes that impossible.
final class OTLPHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        /// Collecting the body of an acceptable request.
        case receiving(signal: Signal, format: ContentType, encoding: ContentEncoding, keepAlive: Bool)
        /// The request is already refused; its body is read and dropped, then the response is sent.
        case discarding(HTTPRefusal, keepAlive: Bool)
        /// The response was sent early (oversized body); the rest of the body is read and dropped so
        /// the client sees the response rather than a reset, then the connection is closed.
        case draining(remaining: Int)
        /// A request that is not an export (`GET /api/summary`): answered once it has ended.
        case answering(HTTPAnswer, keepAlive: Bool)
    }

    private let sink: any TelemetrySink
    private let maxRequestBytes: Int
    private let maxValueDepth: Int
    private let token: BearerToken?
    private let relay: (any RequestRelay)?
    private let summary: (@Sendable (String) -> [UInt8])?
    private let cors: CORSPolicy
    private let scanners: OTLPTraceScannerPool
    /// The current request's `Origin` when the policy allows it: its response carries the CORS headers.
    private var allowedOrigin: String?
    private var state = State.idle
    private var body: ByteBuffer

    init(sink: any TelemetrySink, maxRequestBytes: Int, maxValueDepth: Int = ValueDepthLimit.default, token: BearerToken?,
         relay: (any RequestRelay)? = nil, summary: (@Sendable (String) -> [UInt8])? = nil, cors: CORSPolicy = .loopback,
         scanners: OTLPTraceScannerPool) {
        self.sink = sink
        self.maxRequestBytes = maxRequestBytes
        self.maxValueDepth = maxValueDepth
        self.token = token
        self.relay = relay
        self.summary = summary
        self.cors = cors
        self.scanners = scanners
        self.body = ByteBuffer()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): begin(head, context: context)
        case .body(var chunk): receive(&chunk, context: context)
        case .end: finish(context: context)
        }
    }

    private func begin(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let keepAlive = head.isKeepAlive
        body.clear()
        let route = HTTPRoute(head: head)
        let origin = head.headers.first(name: "Origin")
        allowedOrigin = origin.flatMap { cors.allows(origin: $0) ? $0 : nil }
        if route.method == .OPTIONS {
            // A browser's preflight carries no credentials, so it is answered before the token is checked.
            state = .answering(CORSPreflight.answer(route: route, head: head, origin: origin, allowed: allowedOrigin != nil,
                                                    serves: { HTTPRoute.paths[$0] != nil || ($0 == HTTPRoute.summaryPath && summary != nil) }),
                               keepAlive: keepAlive)
            return
        }
        if let token, !token.accepts(authorization: head.headers.first(name: "Authorization")) {
            // Checked first, so an unauthenticated client learns nothing about paths or limits.
            let refusal = HTTPRefusal.unauthenticated(signal: HTTPRoute.paths[route.path])
            if let length = head.contentLength, length > maxRequestBytes {
                refuseEarly(refusal, context: context)
            } else {
                state = .discarding(refusal, keepAlive: keepAlive)
            }
            return
        }
        if route.path == HTTPRoute.summaryPath, let summary {
            if let length = head.contentLength, length > maxRequestBytes {
                refuseEarly(.methodNotAllowed(path: route.path, allowed: "GET"), context: context)
            } else if route.method != .GET {
                state = .discarding(.methodNotAllowed(path: route.path, allowed: "GET"), keepAlive: keepAlive)
            } else {
                let query = head.uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
                state = .answering(HTTPAnswer(status: .ok, contentType: "application/json", body: summary(query)),
                                   keepAlive: keepAlive)
            }
            return
        }
        switch route.check(maxRequestBytes: maxRequestBytes) {
        case .success(let accepted):
            if let length = head.contentLength, length > maxRequestBytes {
                refuseEarly(.tooLarge(signal: accepted.signal, DecodeError.bodyTooLarge(limit: maxRequestBytes).description,
                                      format: accepted.format), context: context)
                return
            }
            state = .receiving(signal: accepted.signal, format: accepted.format, encoding: accepted.encoding,
                               keepAlive: keepAlive)
        case .failure(let refusal):
            if let length = head.contentLength, length > maxRequestBytes {
                refuseEarly(refusal, context: context)
            } else {
                state = .discarding(refusal, keepAlive: keepAlive)
            }
        }
    }

    private func receive(_ chunk: inout ByteBuffer, context: ChannelHandlerContext) {
        if case .draining(let remaining) = state {
            let left = remaining - chunk.readableBytes
            if left < 0 { context.close(promise: nil) }
            state = .draining(remaining: left)
            return
        }
        guard case .receiving(let signal, let format, _, _) = state else { return }
        guard body.readableBytes + chunk.readableBytes <= maxRequestBytes else {
            body.clear()
            refuseEarly(.tooLarge(signal: signal, DecodeError.bodyTooLarge(limit: maxRequestBytes).description,
                                  format: format), context: context)
            return
        }
        body.writeBuffer(&chunk)
    }

    private func finish(context: ChannelHandlerContext) {
        switch state {
        case .idle:
            return
        case .draining:
            context.close(promise: nil)
        case .discarding(let refusal, let keepAlive):
            state = .idle
            report(refusal)
            respond(refusal.response, keepAlive: keepAlive, context: context)
        case .answering(let answer, let keepAlive):
            state = .idle
            respond(answer, keepAlive: keepAlive, context: context)
        case .receiving(let signal, let format, let encoding, let keepAlive):
            state = .idle
            defer { body.clear() }
            do {
                let batch = try decodeBody(signal: signal, format: format, encoding: encoding)
                sink.acceptIfNotEmpty(batch)
                relay?.relay(OTLPRequest(signal: signal, body: Data(body.readableBytesView), contentType: format,
                                              contentEncoding: encoding))
                respond(HTTPAnswer.success(signal: signal, batch: batch, format: format), keepAlive: keepAlive,
                        context: context)
            } catch {
                let refusal: HTTPRefusal = error.isSizeLimit
                    ? .tooLarge(signal: signal, error.description, format: format)
                    : .malformed(signal: signal, error.description, format: format)
                report(refusal)
                respond(refusal.response, keepAlive: keepAlive, context: context)
            }
        }
    }

    /// The received body, decoded. Trace requests in plain protobuf, the bulk of the traffic, are read
    /// in place by the scanner (no copy of the body); the rest goes through `OTLPDecoder`.
    private func decodeBody(signal: Signal, format: ContentType, encoding: ContentEncoding) throws(DecodeError) -> TelemetryBatch {
        guard signal == .traces, format == .protobuf, encoding == .identity else {
            return try OTLPDecoder.decode(signal: signal, body: Data(body.readableBytesView), contentType: format,
                                          contentEncoding: encoding, maxBytes: maxRequestBytes,
                                          maxValueDepth: maxValueDepth, scanners: scanners)
        }
        return try body.withUnsafeReadableBytes { bytes in
            Result { () throws(DecodeError) in
                try scanners.decode(bytes, maxValueDepth: maxValueDepth)
            }
        }.get()
    }

    /// Answers before the body is read, then drops the rest of the body up to a bound (closing at once
    /// past it, so one client cannot keep the receiver busy) and closes the connection.
    private func refuseEarly(_ refusal: HTTPRefusal, context: ChannelHandlerContext) {
        state = .draining(remaining: max(maxRequestBytes, 1 << 20) * 4)
        report(refusal)
        respond(refusal.response, keepAlive: false, closeAfterwards: false, context: context)
    }

    private func report(_ refusal: HTTPRefusal) {
        sink.refused(RequestRefusal(refusal.kind, signal: refusal.signal, reason: refusal.message))
    }

    private func respond(_ answer: HTTPAnswer, keepAlive: Bool, closeAfterwards: Bool = true,
                         context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: answer.contentType)
        headers.add(name: "Content-Length", value: String(answer.body.count))
        for (name, value) in answer.extraHeaders { headers.add(name: name, value: value) }
        if let allowedOrigin {
            headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: allowedOrigin)
            headers.replaceOrAdd(name: "Vary", value: "Origin")
        }
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(version: .http1_1, status: answer.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: answer.body)))), promise: nil)
        if keepAlive || !closeAfterwards {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension HTTPRequestHead {
    var contentLength: Int? { headers.first(name: "Content-Length").flatMap { Int($0) } }
}

/// Which signal a request is for and how its body is encoded, or why it is refused before its body is read.
struct HTTPRoute {
    struct Accepted {
        var signal: Signal
        var format: ContentType
        var encoding: ContentEncoding
    }

    let method: HTTPMethod
    let path: String
    let contentType: String?
    let contentEncoding: String?

    init(head: HTTPRequestHead) {
        method = head.method
        path = String(head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        contentType = head.headers.first(name: "Content-Type")
        contentEncoding = head.headers.first(name: "Content-Encoding")
    }

    static let paths: [String: Signal] = [
        "/v1/traces": .traces, "/v1/metrics": .metrics, "/v1/logs": .logs,
        // Where the Langfuse SDK sends its OTLP: LANGFUSE_HOST pointed at tokentop just works.
        "/api/public/otel/v1/traces": .traces, "/api/public/otel/v1/metrics": .metrics, "/api/public/otel/v1/logs": .logs,
    ]
    /// The live summary `tokentop statusline` reads.
    static let summaryPath = "/api/summary"

    func check(maxRequestBytes: Int) -> Result<Accepted, HTTPRefusal> {
        guard let signal = Self.paths[path] else {
            return .failure(.notFound(path: path))
        }
        guard method == .POST else {
            return .failure(.methodNotAllowed(signal: signal, method: method.rawValue, path: path))
        }
        guard let contentType, let format = ContentType(headerValue: contentType) else {
            return .failure(.unsupportedMediaType(signal: signal,
                "unsupported content type \"\(contentType ?? "")\" (use application/x-protobuf or application/json)"))
        }
        guard let encoding = ContentEncoding(headerValue: contentEncoding ?? "") else {
            return .failure(.unsupportedMediaType(signal: signal,
                DecodeError.unsupportedEncoding(contentEncoding ?? "").description))
        }
        return .success(Accepted(signal: signal, format: format, encoding: encoding))
    }
}

/// A request refused with an HTTP error status and a message saying why.
struct HTTPRefusal: Error {
    var kind: RefusalKind
    var status: HTTPResponseStatus
    var grpcCode: Int
    var signal: Signal?
    var message: String
    /// The body is a `google.rpc.Status` in the request's encoding where it is known, else plain text.
    var format: ContentType?
    var extraHeaders: [(String, String)] = []

    static func notFound(path: String) -> Self {
        Self(kind: .unsupported, status: .notFound, grpcCode: 12, signal: nil,
             message: "no OTLP endpoint at \(path) (use /v1/traces, /v1/metrics or /v1/logs)", format: nil)
    }

    static func methodNotAllowed(signal: Signal, method: String, path: String) -> Self {
        Self(kind: .unsupported, status: .methodNotAllowed, grpcCode: 12, signal: signal,
             message: "\(method) is not allowed on \(path); OTLP export uses POST", format: nil,
             extraHeaders: [("Allow", "POST")])
    }

    static func methodNotAllowed(path: String, allowed: String) -> Self {
        Self(kind: .unsupported, status: .methodNotAllowed, grpcCode: 12, signal: nil,
             message: "only \(allowed) is allowed on \(path)", format: nil, extraHeaders: [("Allow", allowed)])
    }

    static func unsupportedMediaType(signal: Signal, _ message: String) -> Self {
        Self(kind: .unsupported, status: .unsupportedMediaType, grpcCode: 3, signal: signal, message: message, format: nil)
    }

    static func tooLarge(signal: Signal, _ message: String, format: ContentType) -> Self {
        Self(kind: .tooLarge, status: .payloadTooLarge, grpcCode: 8, signal: signal, message: message, format: format)
    }

    static func malformed(signal: Signal, _ message: String, format: ContentType) -> Self {
        Self(kind: .malformed, status: .badRequest, grpcCode: 3, signal: signal, message: message, format: format)
    }

    static func unauthenticated(signal: Signal?) -> Self {
        Self(kind: .unauthenticated, status: .unauthorized, grpcCode: 16, signal: signal,
             message: BearerToken.refusalMessage, format: nil,
             extraHeaders: [("WWW-Authenticate", "Bearer realm=\"tokentop\"")])
    }

    var response: HTTPAnswer {
        switch format {
        case .json:
            let object: [String: Any] = ["code": grpcCode, "message": message]
            let json = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return HTTPAnswer(status: status, contentType: ContentType.json.headerValue, body: [UInt8](json),
                              extraHeaders: extraHeaders)
        case .protobuf:
            return HTTPAnswer(status: status, contentType: ContentType.protobuf.headerValue,
                              body: RPCStatusEncoding.encode(code: grpcCode, message: message),
                              extraHeaders: extraHeaders)
        case nil:
            return HTTPAnswer(status: status, contentType: "text/plain; charset=utf-8", body: Array((message + "\n").utf8),
                              extraHeaders: extraHeaders)
        }
    }
}

/// A response ready to be written.
struct HTTPAnswer {
    var status: HTTPResponseStatus
    var contentType: String
    var body: [UInt8]
    var extraHeaders: [(String, String)] = []

    /// The `Export*ServiceResponse`, with `partial_success` when the decoder dropped records.
    static func success(signal: Signal, batch: TelemetryBatch, format: ContentType) -> Self {
        let message: any SwiftProtobuf.Message = switch signal {
        case .traces: ExportResponses.traces(batch)
        case .metrics: ExportResponses.metrics(batch)
        case .logs: ExportResponses.logs(batch)
        }
        let body: [UInt8]
        switch format {
        case .protobuf: body = (try? message.serializedBytes()) ?? []
        case .json: body = (try? message.jsonUTF8Bytes()) ?? Array("{}".utf8)
        }
        return HTTPAnswer(status: .ok, contentType: format.headerValue, body: body)
    }
}

/// Hand-encoded `google.rpc.Status { int32 code = 1; string message = 2; }`, the body OTLP/HTTP
/// prescribes for errors; too small to be worth generated code.
enum RPCStatusEncoding {
    static func encode(code: Int, message: String) -> [UInt8] {
        var bytes: [UInt8] = [0x08]
        appendVarint(UInt64(code), to: &bytes)
        let text = Array(message.utf8)
        bytes.append(0x12)
        appendVarint(UInt64(text.count), to: &bytes)
        bytes.append(contentsOf: text)
        return bytes
    }

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
