import Config
import Foundation
import Ingest
import Semantics
import Store
import TokentopApp
import XCTest

/// One resolution: flags over TOKENTOP_* variables over the file over the defaults.
final class ServeSettingsTests: XCTestCase {
    private let home = ["HOME": "/nonexistent-home"]

    private func resolve(_ flags: ServeFlags = ServeFlags(), file: String = "",
                         environment: [String: String] = [:]) throws -> ServeSettings {
        let environment = home.merging(environment) { $1 }
        let config = try TokentopConfig.parse(file, file: "/etc/tokentop.toml", environment: environment)
        return try ServeSettings.resolve(flags, config: config, environment: environment)
    }

    func testDefaultsWithNothingGiven() throws {
        let settings = try resolve()
        XCTAssertEqual(settings.listen, "127.0.0.1")
        XCTAssertEqual(settings.grpcPort, 4317)
        XCTAssertEqual(settings.httpPort, 4318)
        XCTAssertEqual(settings.maxSpans, StoreLimits.defaultMaxSpans)
        XCTAssertNil(settings.budgetUSD)
        XCTAssertEqual(settings.themes.first?.name, "default")
        XCTAssertEqual(settings.themes.map(\.name).sorted(), ["default", "high-contrast", "light", "mono"])
        XCTAssertEqual(settings.historyPath, "/nonexistent-home/.local/state/tokentop/history.sqlite")
        XCTAssertEqual(settings.logFile, "/nonexistent-home/.local/state/tokentop/tokentop.log")
        XCTAssertFalse(settings.logFileNamed)
        XCTAssertEqual(settings.logLevel, "info")
        XCTAssertEqual(settings.alertThresholds, AlertThresholds())
        XCTAssertNil(settings.prometheus)
    }

    func testTheFileOverTheDefaults() throws {
        let settings = try resolve(file: """
            listen = "127.0.0.2"
            grpc_port = 5317
            budget = 3.5
            theme = "mono"
            max_spans = 1000
            prometheus = ":9464"
            [alerts]
            truncation = 7
            """)
        XCTAssertEqual(settings.listen, "127.0.0.2")
        XCTAssertEqual(settings.grpcPort, 5317)
        XCTAssertEqual(settings.httpPort, 4318)
        XCTAssertEqual(settings.budgetUSD, 3.5)
        XCTAssertEqual(settings.themes.first?.name, "mono")
        XCTAssertEqual(settings.maxSpans, 1000)
        XCTAssertEqual(settings.prometheus, try HostAndPort(parsing: "127.0.0.1:9464", flag: "--prometheus"))
        XCTAssertEqual(settings.alertThresholds.truncation, 0.07, accuracy: 1e-12)
    }

    func testTheEnvironmentOverTheFile() throws {
        let settings = try resolve(file: "budget = 3.5\ngrpc_port = 5317\n",
                                   environment: ["TOKENTOP_BUDGET": "9", "TOKENTOP_THEME": "light"])
        XCTAssertEqual(settings.budgetUSD, 9)
        XCTAssertEqual(settings.grpcPort, 5317)
        XCTAssertEqual(settings.themes.first?.name, "light")
    }

    func testFlagsOverEverything() throws {
        var flags = ServeFlags()
        flags.budgetUSD = 1
        flags.grpcPort = 0
        flags.theme = "high-contrast"
        flags.maxSpans = 10
        flags.truncationAlertPercent = 2
        flags.logFile = "/tmp/x.log"
        flags.logLevel = "debug"
        let settings = try resolve(flags, file: "budget = 3.5\ngrpc_port = 5317\nmax_spans = 1000\n[alerts]\ntruncation = 7\n",
                                   environment: ["TOKENTOP_BUDGET": "9", "TOKENTOP_THEME": "light"])
        XCTAssertEqual(settings.budgetUSD, 1)
        XCTAssertEqual(settings.grpcPort, 0)
        XCTAssertEqual(settings.themes.first?.name, "high-contrast")
        XCTAssertEqual(settings.maxSpans, 10)
        XCTAssertEqual(settings.alertThresholds.truncation, 0.02, accuracy: 1e-12)
        XCTAssertEqual(settings.logFile, "/tmp/x.log")
        XCTAssertTrue(settings.logFileNamed)
        XCTAssertEqual(settings.logLevel, "debug")
    }

    func testHistoryIsOffWhenAskedAndForTheDemoUnlessAFileIsNamed() throws {
        var flags = ServeFlags()
        flags.noHistory = true
        XCTAssertNil(try resolve(flags).historyPath)
        XCTAssertNil(try resolve(file: "history = \"off\"\n").historyPath)
        flags = ServeFlags()
        flags.demo = true
        XCTAssertNil(try resolve(flags).historyPath, "the demo's made-up calls stay out of the history")
        flags.history = "/tmp/demo.sqlite"
        XCTAssertEqual(try resolve(flags).historyPath, "/tmp/demo.sqlite")
        flags = ServeFlags()
        flags.headless = true
        XCTAssertNil(try resolve(flags).logFile, "headless logs to standard error unless a file is named")
    }

    func testExposureNeedsATokenOrConsent() throws {
        var flags = ServeFlags()
        flags.listen = "0.0.0.0"
        XCTAssertThrowsError(try resolve(flags)) { error in
            XCTAssertEqual((error as? SettingsError)?.kind, .usage)
            XCTAssertTrue("\(error)".hasPrefix("--listen 0.0.0.0 is reachable from other machines"), "\(error)")
        }
        XCTAssertNotNil(try resolve(flags, environment: ["TOKENTOP_TOKEN": "s3cret"]).token)
        flags.insecureListen = true
        XCTAssertNil(try resolve(flags).token)
        var scrape = ServeFlags()
        scrape.prometheus = "0.0.0.0:9464"
        XCTAssertThrowsError(try resolve(scrape)) { error in
            XCTAssertTrue("\(error)".hasPrefix("--prometheus 0.0.0.0 is reachable"), "\(error)")
        }
    }

    func testBadSettingsSayWhich() throws {
        var flags = ServeFlags()
        flags.theme = "no-such-theme"
        XCTAssertThrowsError(try resolve(flags)) { XCTAssertEqual(($0 as? SettingsError)?.kind, .usage) }
        flags = ServeFlags()
        flags.prices = "/nonexistent/prices.toml"
        XCTAssertThrowsError(try resolve(flags)) { error in
            XCTAssertEqual((error as? SettingsError)?.kind, .configuration)
            XCTAssertEqual("\(error)", "cannot read the prices file /nonexistent/prices.toml")
        }
        XCTAssertThrowsError(try resolve(file: "[keys]\nquit = [\"nonsense-key\"]\n")) { error in
            XCTAssertEqual((error as? SettingsError)?.kind, .configuration)
            XCTAssertTrue("\(error)".hasPrefix("/etc/tokentop.toml: [keys]: "), "\(error)")
        }
    }

    func testForwardTargetsGetTheEnvironmentsHeadersOnlyWhenAsked() throws {
        var flags = ServeFlags()
        flags.forward = [ForwardDestination(target: try OTLPEndpoint(parsing: "http://127.0.0.1:9"), headers: [("x-own", "1")])]
        let environment = ["OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20t"]
        XCTAssertEqual(try resolve(flags, environment: environment).forward.first?.headers.map(\.0), ["x-own"])
        flags.forwardEnvironmentHeaders = true
        XCTAssertEqual(Set(try resolve(flags, environment: environment).forward.first?.headers.map(\.0) ?? []),
                       ["x-own", "authorization"])
    }
}
