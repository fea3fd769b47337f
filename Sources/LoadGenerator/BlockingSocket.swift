import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP connection for HTTP/1.1 request/response exchanges, one at a time.
public final class BlockingSocket {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// The connection was refused: nothing listens there.
        public var refused = false
    }

    public struct Reply {
        public var status: Int
        public var body: [UInt8]
        /// The server said `Connection: close`.
        public var closes: Bool
    }

    private let fd: Int32
    private var pending: [UInt8] = []

    /// Sending and receiving each give up after `timeoutSeconds`.
    public init(host: String, port: Int, timeoutSeconds: Double = 30) throws {
        let address = host == "localhost" ? "127.0.0.1" : host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let family = address.contains(":") ? AF_INET6 : AF_INET
        #if canImport(Glibc)
        fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(family, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: Int(timeoutSeconds), tv_usec: Int((timeoutSeconds - timeoutSeconds.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let connected: Int32
        if family == AF_INET6 {
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, address, &sa.sin6_addr)
            connected = withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, address, &sa.sin_addr)
            connected = withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw Failure(description: "cannot connect to \(host):\(port): \(String(cString: strerror(code)))",
                          refused: code == ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    public func exchange(head: [UInt8], body: [UInt8]) throws -> Reply {
        try write(head)
        try write(body)
        return try readReply()
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let written = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                guard written > 0 else { throw Failure(description: "send failed: \(String(cString: strerror(errno)))") }
                offset += written
            }
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let count = recv(fd, &chunk, chunk.count, 0)
        guard count > 0 else { throw Failure(description: "connection closed before the reply was complete") }
        pending.append(contentsOf: chunk[..<count])
    }

    private func readReply() throws -> Reply {
        let separator: [UInt8] = [13, 10, 13, 10]
        var end: Int?
        while end == nil {
            end = RequestTemplate.occurrences(of: separator, in: pending).first
            if end == nil { try fill() }
        }
        let head = String(decoding: pending[..<end!], as: UTF8.self)
        pending.removeFirst(end! + 4)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.removeFirst().split(separator: " ")
        let status = statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
        var length = 0
        var closes = false
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" { length = Int(value) ?? 0 }
            if name == "connection" && value.lowercased() == "close" { closes = true }
        }
        while pending.count < length { try fill() }
        let body = Array(pending[..<length])
        pending.removeFirst(length)
        return Reply(status: status, body: body, closes: closes)
    }
}
