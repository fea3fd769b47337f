import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Ingest
import XCTest

/// `--tls-cert` / `--tls-key`: both receivers speak TLS with the given certificate; plaintext is refused;
/// bad files are clear errors before anything listens.
final class TLSTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1",
                             "-keyout", folder.appendingPathComponent("key.pem").path,
                             "-out", folder.appendingPathComponent("cert.pem").path]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        XCTAssertEqual(openssl.terminationStatus, 0, "openssl makes a self-signed certificate")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private var cert: String { folder.appendingPathComponent("cert.pem").path }
    private var key: String { folder.appendingPathComponent("key.pem").path }

    private func curl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testScrapeEndpointSpeaksTLSToo() throws {
        let server = try TokentopProcess.headless(["--tls-cert", cert, "--tls-key", key, "--prometheus", "127.0.0.1:0"])
        let line = server.errorOutput.split(separator: "\n").first { $0.hasPrefix("tokentop listening ") } ?? ""
        let port = try XCTUnwrap(line.split(separator: " ").first { $0.hasPrefix("prometheus=") }
            .flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }, String(line))
        XCTAssertEqual(try curl(["--cacert", cert, "https://127.0.0.1:\(port)/metrics"]).output, "200")
        XCTAssertNotEqual(try curl(["http://127.0.0.1:\(port)/metrics"]).output, "200",
                          "plaintext is not served on a TLS scrape port")
        _ = try server.interruptAndCollect()
    }

    func testBothReceiversSpeakTLSAndRefusePlaintext() async throws {
        let server = try TokentopProcess.headless(["--tls-cert", cert, "--tls-key", key])
        XCTAssertTrue(server.errorOutput.contains(" tls"), server.errorOutput)
        let scenario = Scenario(name: "seed-manual")
        let body = folder.appendingPathComponent("body.binpb")
        try scenario.requests()[0].body.write(to: body)
        let secure = try curl(["--cacert", cert, "-H", "Content-Type: application/x-protobuf", "--data-binary", "@\(body.path)",
                               "https://127.0.0.1:\(server.httpPort)/v1/traces"])
        XCTAssertEqual(secure.output, "200")
        let plain = try curl(["-H", "Content-Type: application/x-protobuf", "--data-binary", "@\(body.path)",
                              "http://127.0.0.1:\(server.httpPort)/v1/traces"])
        XCTAssertNotEqual(plain.output, "200", "plaintext HTTP is not served on a TLS port")

        ReportCheck.assertMatches(try server.interruptAndCollect(), scenario, transport: "https")

        let grpcServer = try TokentopProcess.headless(["--tls-cert", cert, "--tls-key", key])
        let agent = Scenario(name: "seed-agent")
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: grpcServer.grpcPort),
            transportSecurity: .tls { $0.trustRoots = .certificates([.file(path: cert, format: .pem)]) })
        try await withGRPCClient(transport: transport) { client in
            let sender = GRPCSender(client: client)
            for request in try agent.requests() {
                var message = request.body
                if request.gzip { message = try OTLPDecoder.gunzip(message) }
                if request.contentType.hasPrefix("application/json") {
                    message = try OTLPDecoder.protobufBody(fromJSON: message, signal: Signal(rawValue: request.signal)!)
                }
                try await sender.export(message, signal: Signal(rawValue: request.signal)!)
            }
        }
        ReportCheck.assertMatches(try grpcServer.interruptAndCollect(), agent, transport: "grpc over tls")
    }

    func testBadCertificateFilesAreClearErrors() throws {
        let junk = folder.appendingPathComponent("junk.pem")
        try "not a certificate".write(to: junk, atomically: true, encoding: .utf8)
        for (arguments, message) in [(["--tls-cert", cert], "--tls-cert and --tls-key go together"),
                                     (["--tls-cert", junk.path, "--tls-key", key], "--tls-cert \(junk.path): "),
                                     (["--tls-cert", cert, "--tls-key", junk.path], "--tls-key \(junk.path): ")] {
            let result = try TokentopProcess.run(["--headless"] + arguments)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("tokentop listening"))
        }
    }
}
