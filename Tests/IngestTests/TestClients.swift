import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import Ingest
import OTLPWire
#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking HTTP/1.1 client over a plain socket, so tests control every header and byte.
enum RawHTTP {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data

        func header(_ name: String) -> String? { headers[name.lowercased()] }

        /// The error message, whatever the body's encoding (google.rpc.Status protobuf or JSON, or text).
        var readableMessage: String {
            switch header("content-type") {
            case "application/x-protobuf": RPCStatus.message(in: body) ?? ""
            case "application/json":
                ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["message"] as? String ?? ""
            default: String(decoding: body, as: UTF8.self)
            }
        }
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func send(port: Int, method: String = "POST", path: String, body: Data,
                     headers: [String: String]) async throws -> Reply {
        let socket = try Socket(port: port)
        defer { socket.close() }
        try socket.write(request(method: method, path: path, body: body, headers: headers))
        return try socket.readReply()
    }

    /// Sends POSTs one after another on a single keep-alive connection.
    static func sendOnOneConnection(port: Int, requests: [(path: String, body: Data)]) async throws -> [Reply] {
        let socket = try Socket(port: port)
        defer { socket.close() }
        var replies: [Reply] = []
        for (path, body) in requests {
            try socket.write(request(method: "POST", path: path, body: body,
                                     headers: ["Content-Type": "application/x-protobuf"]))
            replies.append(try socket.readReply())
        }
        return replies
    }

    private static func request(method: String, path: String, body: Data, headers: [String: String]) -> Data {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        return Data((head + "\r\n").utf8) + body
    }

    final class Socket {
        private let fd: Int32
        private var buffer = Data()

        init(port: Int) throws {
            fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw Failure(description: "connect failed: errno \(errno)") }
        }

        func close() { _ = Glibc.close(fd) }

        /// Writes everything; a server that answers early and stops reading is not an error here.
        func write(_ data: Data) throws {
            var offset = 0
            while offset < data.count {
                let written = data.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL)) }
                if written <= 0 { return }
                offset += written
            }
        }

        private func fill() throws {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else { throw Failure(description: "connection closed before the reply was complete") }
            buffer.append(contentsOf: chunk[..<count])
        }

        /// True when the server has closed the connection (and sent nothing more).
        func isClosedByPeer() -> Bool {
            var byte: UInt8 = 0
            return recv(fd, &byte, 1, 0) == 0
        }

        func readReply() throws -> Reply {
            let separator = Data("\r\n\r\n".utf8)
            while buffer.range(of: separator) == nil { try fill() }
            let end = buffer.range(of: separator)!
            let head = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self)
            buffer = Data(buffer[end.upperBound...])
            var lines = head.components(separatedBy: "\r\n")
            let status = Int(lines.removeFirst().split(separator: " ")[1]) ?? 0
            var headers: [String: String] = [:]
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            while buffer.count < length { try fill() }
            let body = Data(buffer.prefix(length))
            buffer = Data(buffer.dropFirst(length))
            return Reply(status: status, headers: headers, body: body)
        }
    }
}

/// Reads `google.rpc.Status.message` (field 2) from its protobuf encoding.
enum RPCStatus {
    static func message(in data: Data) -> String? {
        let bytes = [UInt8](data)
        var index = 0
        func varint() -> UInt64? {
            var value: UInt64 = 0, shift: UInt64 = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }
        while index < bytes.count, let tag = varint() {
            switch tag & 7 {
            case 0: _ = varint()
            case 2:
                guard let length = varint().map(Int.init), index + length <= bytes.count else { return nil }
                if tag >> 3 == 2 { return String(decoding: bytes[index..<index + length], as: UTF8.self) }
                index += length
            default: return nil
            }
        }
        return nil
    }
}

/// gzip through the system's gzip, so tests do not share the code under test.
enum Gzip {
    static func compress(_ data: Data) throws -> Data {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("tt-\(UUID().uuidString)")
        try data.write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", input.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let compressed = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return compressed
    }
}

/// The generated OTLP gRPC clients over grpc-swift-2's HTTP/2 transport.
struct GRPCTestClient {
    let traces: Opentelemetry_Proto_Collector_Trace_V1_TraceService.Client<HTTP2ClientTransport.Posix>
    let metrics: Opentelemetry_Proto_Collector_Metrics_V1_MetricsService.Client<HTTP2ClientTransport.Posix>
    let logs: Opentelemetry_Proto_Collector_Logs_V1_LogsService.Client<HTTP2ClientTransport.Posix>
    let client: GRPCClient<HTTP2ClientTransport.Posix>

    static func with(port: Int, compression: CompressionAlgorithm = .none,
                     _ body: (GRPCTestClient) async throws -> Void) async throws {
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port),
            transportSecurity: .plaintext,
            config: .defaults { $0.compression.enabledAlgorithms = .all; $0.compression.algorithm = compression })
        try await withGRPCClient(transport: transport) { client in
            try await body(GRPCTestClient(traces: .init(wrapping: client), metrics: .init(wrapping: client),
                                          logs: .init(wrapping: client), client: client))
        }
    }

    /// Sends raw bytes as a TraceService/Export request, to test how the server treats malformed messages.
    func rawTraces(_ bytes: Data) async throws -> ExportTraceResponse {
        try await client.unary(
            request: ClientRequest(message: bytes),
            descriptor: Opentelemetry_Proto_Collector_Trace_V1_TraceService.Method.Export.descriptor,
            serializer: RawSerializer(),
            deserializer: ProtobufDeserializer<ExportTraceResponse>(),
            options: .defaults
        ) { try $0.message }
    }
}

struct RawSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Data) throws -> Bytes {
        Bytes(Array(message))
    }
}
