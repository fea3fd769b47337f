import Foundation
import XCTest

/// A real headless Chromium loads a page that exports one LLM span to tokentop with `fetch`, as
/// OpenTelemetry JS does (OTLP/JSON, so the browser sends a CORS preflight first).
final class BrowserExportTests: XCTestCase {
    func testALoopbackPageExportsAndTheSpanIsStored() throws {
        let pages = try PageServer()
        let tokentop = try TokentopProcess.headless()
        XCTAssertEqual(try Chromium.title(of: pages.url(host: "127.0.0.1", tokentopPort: tokentop.httpPort)), "exported 200 {}")
        XCTAssertEqual(try Chromium.title(of: pages.url(host: "localhost", tokentopPort: tokentop.httpPort)), "exported 200 {}")
        let report = try JSONSerialization.jsonObject(with: Data(try tokentop.interruptAndCollect().utf8)) as! [String: Any]
        XCTAssertEqual((report["ingest"] as! [String: Any])["stored_spans"] as? Int, 2)
        let model = (report["models"] as! [[String: Any]]).first { $0["model"] as? String == "gpt-4o-mini" }
        XCTAssertEqual(model?["input_tokens"] as? Int, 240)
        XCTAssertEqual(model?["output_tokens"] as? Int, 60)
    }

    func testAPageFromAnotherOriginIsRefusedUntilCORSOriginNamesIt() throws {
        let pages = try PageServer()
        let refusing = try TokentopProcess.headless()
        let foreign = pages.url(host: "app.example", tokentopPort: refusing.httpPort)
        XCTAssertEqual(try Chromium.title(of: foreign), "failed TypeError: Failed to fetch")
        let refused = try JSONSerialization.jsonObject(with: Data(try refusing.interruptAndCollect().utf8)) as! [String: Any]
        XCTAssertEqual((refused["ingest"] as! [String: Any])["stored_spans"] as? Int, 0)

        let allowing = try TokentopProcess.headless(["--cors-origin", "http://app.example:\(pages.port)", "--token", "page-token"])
        XCTAssertEqual(try Chromium.title(of: pages.url(host: "app.example", tokentopPort: allowing.httpPort, token: "page-token")),
                       "exported 200 {}")
        // The page can read the refusal: CORS headers go with errors too.
        XCTAssertTrue(try Chromium.title(of: pages.url(host: "app.example", tokentopPort: allowing.httpPort, token: "wrong"))
            .hasPrefix("exported 401 missing or wrong bearer token"))
        let allowed = try JSONSerialization.jsonObject(with: Data(try allowing.interruptAndCollect().utf8)) as! [String: Any]
        XCTAssertEqual((allowed["ingest"] as! [String: Any])["stored_spans"] as? Int, 1)
    }
}

/// Debian's chromium, headless: loads a page and returns its title once its scripts are done.
enum Chromium {
    static var binary: String {
        get throws {
            for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            where FileManager.default.isExecutableFile(atPath: path) { return path }
            throw NSError(domain: "chromium", code: 1, userInfo: [NSLocalizedDescriptionKey:
                "no chromium: install Debian's chromium package (.ci/run does)"])
        }
    }

    static func title(of url: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("tokentop-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        // app.example resolves to loopback inside this browser only: a page from an origin that is not loopback.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                             "--host-resolver-rules=MAP app.example 127.0.0.1", "--virtual-time-budget=10000",
                             "--dump-dom", url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let dom = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let start = dom.range(of: "<title>"), let end = dom.range(of: "</title>", range: start.upperBound..<dom.endIndex) else {
            return "no title in: \(dom.prefix(300))"
        }
        return String(dom[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// Serves the exporting page over HTTP on loopback (Python's http.server on a free port).
final class PageServer {
    let port: Int
    private let process = Process()
    private let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tokentop-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Self.page.utf8).write(to: folder.appendingPathComponent("export.html"))
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // "Serving HTTP on 127.0.0.1 port 40059 (http://127.0.0.1:40059/) ..."
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard let index = words.firstIndex(of: "port"), index + 1 < words.count, let port = Int(words[index + 1]) else {
            process.terminate()
            throw NSError(domain: "pages", code: 1, userInfo: [NSLocalizedDescriptionKey: "http.server said: \(String(decoding: line, as: UTF8.self))"])
        }
        self.port = port
    }

    func url(host: String, tokentopPort: Int, token: String? = nil) -> String {
        "http://\(host):\(port)/export.html?port=\(tokentopPort)" + (token.map { "&token=\($0)" } ?? "")
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    /// What OpenTelemetry JS's OTLPTraceExporter sends for one chat span: OTLP/JSON over fetch.
    private static let page = """
        <!doctype html><html><head><title>loading</title></head><body><script>
        const query = new URLSearchParams(location.search);
        const now = Date.now() * 1e6;
        // crypto.randomUUID needs a secure context, which http://app.example is not.
        const hex = n => Array.from(crypto.getRandomValues(new Uint8Array(n)), b => b.toString(16).padStart(2, "0")).join("");
        const request = {resourceSpans: [{resource: {attributes: [{key: "service.name", value: {stringValue: "browser-app"}}]},
          scopeSpans: [{scope: {name: "@opentelemetry/instrumentation-fetch"}, spans: [{
            traceId: hex(16), spanId: hex(8),
            name: "chat gpt-4o-mini", kind: 3, startTimeUnixNano: String(now - 2e9), endTimeUnixNano: String(now),
            attributes: [{key: "gen_ai.operation.name", value: {stringValue: "chat"}},
                         {key: "gen_ai.request.model", value: {stringValue: "gpt-4o-mini"}},
                         {key: "gen_ai.usage.input_tokens", value: {intValue: 120}},
                         {key: "gen_ai.usage.output_tokens", value: {intValue: 30}}]}]}]}]};
        const headers = {"Content-Type": "application/json"};
        if (query.get("token")) headers["Authorization"] = `Bearer ${query.get("token")}`;
        fetch(`http://127.0.0.1:${query.get("port")}/v1/traces`, {method: "POST", headers, body: JSON.stringify(request)})
          .then(r => r.text().then(t => { document.title = `exported ${r.status} ${t.trim()}`; }))
          .catch(e => { document.title = `failed ${e}`; });
        </script></body></html>
        """
}
