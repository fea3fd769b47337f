import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP server for forwarding tests: records each request (path, headers, body bytes) and
/// answers with the next scripted status (200 once the script runs out). With `stall`, it accepts
/// and reads but never answers.
final class ScriptedUpstream: @unchecked Sendable {
    struct Received: Sendable {
        var path: String
        var headers: [String: String]
        var body: Data
    }

    struct Answer: Sendable {
        var status: Int
        var headers: [String: String] = [:]
    }

    let port: Int
    private let listener: Int32
    private let state: Mutex<(script: [Answer], received: [Received])>
    private let stall: Bool

    init(script: [Answer] = [], stall: Bool = false) throws {
        self.stall = stall
        state = Mutex((script, []))
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw RawHTTP.Failure(description: "upstream bind failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var received: [Received] { state.withLock { $0.received } }

    func close() { shutdown(listener, Int32(SHUT_RDWR)); _ = Glibc.close(listener) }

    func wait(timeout: Duration = .seconds(10), until condition: ([Received]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(received) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(received)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { _ = Glibc.close(connection) }
        var buffer = Data()
        func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[..<count])
            return true
        }
        while true {
            let separator = Data("\r\n\r\n".utf8)
            while buffer.range(of: separator) == nil { if !fill() { return } }
            let end = buffer.range(of: separator)!
            var lines = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            buffer = Data(buffer[end.upperBound...])
            let path = lines.removeFirst().split(separator: " ").dropFirst().first.map(String.init) ?? ""
            var headers: [String: String] = [:]
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            while buffer.count < length { if !fill() { return } }
            let body = Data(buffer.prefix(length))
            buffer = Data(buffer.dropFirst(length))
            let answer: Answer = state.withLock { state in
                state.received.append(Received(path: path, headers: headers, body: body))
                return state.script.isEmpty ? Answer(status: 200) : state.script.removeFirst()
            }
            if stall {
                while fill() {}
                return
            }
            var response = "HTTP/1.1 \(answer.status) X\r\nContent-Length: 0\r\n"
            for (name, value) in answer.headers { response += "\(name): \(value)\r\n" }
            let bytes = Array((response + "\r\n").utf8)
            _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress!, bytes.count, Int32(MSG_NOSIGNAL)) }
        }
    }
}
