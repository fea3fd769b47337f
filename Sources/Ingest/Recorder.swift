import Foundation
import SwiftProtobuf
import Synchronization

/// `--record FILE`: appends every accepted request to FILE as one OTLP/JSON export request per line,
/// the OpenTelemetry Collector file exporter's format, so `--replay`, `--follow`, `report` and the
/// collector's own tools read it. Writing happens on a thread of its own: receivers only hand over
/// the bytes. If the disk falls behind by more than `maxPendingBytes`, requests are dropped and counted.
public final class Recorder: RequestRelay, Sendable {
    public struct Stats: Sendable, Equatable {
        public var recordedRequests = 0
        public var droppedRequests = 0
        public var lastError: String?
    }

    private struct State {
        var pending: [OTLPRequest] = []
        var pendingBytes = 0
        var closed = false
        var stats = Stats()
    }

    public let path: String
    private let handle: FileHandle
    private let maxPendingBytes: Int
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Creates or appends to `path`.
    public init(path: String, maxPendingBytes: Int = 64 << 20) throws(RecordError) {
        self.path = path
        self.maxPendingBytes = maxPendingBytes
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw RecordError(path: path, problem: "cannot be created")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw RecordError(path: path, problem: "cannot be opened for writing")
        }
        handle.seekToEndOfFile()
        self.handle = handle
        let thread = Thread { [self] in writeLoop() }
        thread.name = "tokentop.record"
        thread.start()
    }

    public func relay(_ request: OTLPRequest) {
        let accepted = state.withLock { state -> Bool in
            guard !state.closed, state.pendingBytes + request.body.count <= maxPendingBytes else {
                state.stats.droppedRequests += 1
                return false
            }
            state.pending.append(request)
            state.pendingBytes += request.body.count
            return true
        }
        if accepted { wake.signal() }
    }

    public var stats: Stats { state.withLock { $0.stats } }

    /// Writes what is pending and closes the file.
    public func close() {
        let alreadyClosed = state.withLock { state -> Bool in
            defer { state.closed = true }
            return state.closed
        }
        guard !alreadyClosed else { return }
        wake.signal()
        finished.wait()
    }

    private func writeLoop() {
        while true {
            wake.wait()
            let (batch, closed) = state.withLock { state in
                defer { state.pending = []; state.pendingBytes = 0 }
                return (state.pending, state.closed)
            }
            var out = Data()
            var written = 0
            var lastError: String?
            for request in batch {
                do {
                    out.append(try Self.line(for: request))
                    out.append(0x0A)
                    written += 1
                } catch {
                    lastError = "\(error)"
                }
            }
            if !out.isEmpty {
                do { try handle.write(contentsOf: out) } catch { lastError = "\(path): \(error)"; written = 0 }
            }
            let failed = batch.count - written
            state.withLock { state in
                state.stats.recordedRequests += written
                state.stats.droppedRequests += failed
                if let lastError { state.stats.lastError = lastError }
            }
            if closed {
                try? handle.synchronize()
                try? handle.close()
                finished.signal()
                return
            }
        }
    }

    /// One OTLP/JSON line: protobuf requests are converted, JSON ones re-written compactly (one line).
    static func line(for request: OTLPRequest) throws(DecodeError) -> Data {
        var body = request.body
        if request.contentEncoding == .gzip { body = try OTLPDecoder.gunzip(body, maxBytes: .max) }
        switch request.contentType {
        case .json:
            return try OTLPJSON.compact(body)
        case .protobuf:
            var options = JSONEncodingOptions()
            options.alwaysPrintEnumsAsInts = true
            let protoJSON: Data
            do {
                protoJSON = switch request.signal {
                case .traces: try (OTLPDecoder.traceRequest(protobuf: body)).jsonUTF8Data(options: options)
                case .metrics: try (OTLPDecoder.metricsRequest(protobuf: body)).jsonUTF8Data(options: options)
                case .logs: try (OTLPDecoder.logsRequest(protobuf: body)).jsonUTF8Data(options: options)
                }
            } catch let error as DecodeError {
                throw error
            } catch {
                throw .malformed("cannot write OTLP/JSON: \(error)")
            }
            return try OTLPJSON.otlpJSON(fromProtoJSON: protoJSON, signal: request.signal)
        }
    }
}

public struct RecordError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "--record \(path) \(problem)" }
}

/// Relays to several relays (forwarding and recording together).
public struct RelayFanOut: RequestRelay {
    public let relays: [any RequestRelay]
    public init(_ relays: [any RequestRelay]) { self.relays = relays }
    public func relay(_ request: OTLPRequest) {
        for relay in relays { relay.relay(request) }
    }
}
