import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A blocking OTLP/HTTP POST to the server under test.
enum HTTPPost {
    static func send(port: Int, path: String, body: Data, contentType: String, gzip: Bool = false,
                     method: String = "POST", headers: [String: String] = [:]) throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if gzip { request.setValue("gzip", forHTTPHeaderField: "Content-Encoding") }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<(Int, Data), Error> = .failure(URLError(.timedOut))
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error { result = .failure(error) }
            else { result = .success(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())) }
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 30)
        let (status, data) = try result.get()
        return (status, data)
    }

    /// gzip through the system's gzip, so the test does not share the code under test.
    static func gzipped(_ data: Data) throws -> Data {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("tt-\(UUID().uuidString)")
        try data.write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-c", input.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let compressed = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return compressed
    }
}
