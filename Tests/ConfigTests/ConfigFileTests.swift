import Config
import Foundation
import Testing

@Suite struct ConfigFileTests {
    static let full = """
        # tokentop settings
        listen = "0.0.0.0"
        grpc_port = 14317
        http_port = 0
        prometheus = "127.0.0.1:9464"
        theme = "light"
        max_spans = 1_000
        prices = "my-prices.toml"
        budget = 25

        windows = ["30s", "5m", "1h30m", "24h"]
        burn_window = "30s"
        cost_window = "1h30m"
        quality_window = "5m"

        [alerts]
        truncation = 2.5
        retries = 15
        errors = 1
        min_calls = 50
        clear_at = 90

        [keys]
        quit = ["q", "ctrl-c"]
        "next theme" = ["T"]
        """

    @Test func readsEverySetting() throws {
        let config = try TokentopConfig.parse(Self.full, file: "/home/me/.config/tokentop/config.toml")
        #expect(config.file == "/home/me/.config/tokentop/config.toml")
        #expect(config.listen == "0.0.0.0")
        #expect(config.grpcPort == 14317)
        #expect(config.httpPort == 0)
        #expect(config.prometheus == "127.0.0.1:9464")
        #expect(config.theme == "light")
        #expect(config.maxSpans == 1000)
        #expect(config.prices == "/home/me/.config/tokentop/my-prices.toml")
        #expect(config.budgetUSD == 25)
        #expect(config.windows.seconds == [30, 300, 5400, 86_400])
        #expect(config.windows.burnSeconds == 30)
        #expect(config.windows.costSeconds == 5400)
        #expect(config.windows.qualitySeconds == 300)
        #expect(!config.windows.qualitySinceStart)
        #expect(config.alerts.truncationPercent == 2.5)
        #expect(config.alerts.retriesPercent == 15)
        #expect(config.alerts.errorsPercent == 1)
        #expect(config.alerts.minimumCalls == 50)
        #expect(config.alerts.clearPercent == 90)
        #expect(config.keyOverrides == ["quit": ["q", "ctrl-c"], "next theme": ["T"]])
    }

    @Test func emptyFileSetsNothing() throws {
        var expected = TokentopConfig()
        expected.file = "c.toml"
        #expect(try TokentopConfig.parse("# nothing\n", file: "c.toml") == expected)
    }

    @Test func pathsResolveFromHomeAndTheFilesFolder() throws {
        let home = try TokentopConfig.parse("prices = \"~/p.toml\"\ntheme = \"themes/dark.theme\"\n", file: "/etc/tt/config.toml",
                                            environment: ["HOME": "/home/me"])
        #expect(home.prices == "/home/me/p.toml")
        #expect(home.theme == "/etc/tt/themes/dark.theme")
        let absolute = try TokentopConfig.parse("prices = \"/srv/p.toml\"\n", file: "/etc/tt/config.toml")
        #expect(absolute.prices == "/srv/p.toml")
    }

    @Test func historyFileDaysAndOff() throws {
        let config = try TokentopConfig.parse("history = \"spend/history.sqlite\"\nhistory_days = 90\n", file: "/etc/tt/config.toml")
        #expect(config.history == "/etc/tt/spend/history.sqlite")
        #expect(config.historyDays == 90)
        #expect(try TokentopConfig.parse("history = \"off\"\n", file: "c.toml").history == "off")
        let fromEnvironment = try TokentopConfig.parse("", file: "c.toml", environment: ["TOKENTOP_HISTORY": "off",
                                                                                         "TOKENTOP_HISTORY_DAYS": "30"])
        #expect(fromEnvironment.history == "off")
        #expect(fromEnvironment.historyDays == 30)
        #expect(throws: ConfigFileError.self) { try TokentopConfig.parse("history_days = 0\n", file: "c.toml") }
        #expect(throws: ConfigFileError.self) { try TokentopConfig.parse("history = \"\"\n", file: "c.toml") }
    }

    @Test func logFileIsTakenFromTheFilesFolderAndTheLevelAsWritten() throws {
        let config = try TokentopConfig.parse("log_file = \"logs/tokentop.log\"\nlog_level = \"warning\"\n", file: "/etc/tt/config.toml")
        #expect(config.logFile == "/etc/tt/logs/tokentop.log")
        #expect(config.logLevel == "warning")
        let fromEnvironment = try TokentopConfig.parse("", file: "c.toml", environment: ["TOKENTOP_LOG_LEVEL": "debug"])
        #expect(fromEnvironment.logLevel == "debug")
    }

    @Test func qualityWindowSinceStart() throws {
        let config = try TokentopConfig.parse("quality_window = \"start\"\n", file: "c.toml")
        #expect(config.windows.qualitySinceStart)
        #expect(config.windows.qualitySeconds == nil)
        // Without a list the default windows are the choices.
        #expect(try TokentopConfig.parse("cost_window = \"1h\"\n", file: "c.toml").windows.costSeconds == 3600)
    }

    @Test(arguments: [
        ("budget = \"ten\"\n", 1, "'budget' must be a number (USD per day), not a string"),
        ("listen = \"x\"\ncolour = 3\n", 2,
         "unknown key 'colour'; expected one of: listen, grpc_port, http_port, prometheus, theme, max_spans, prices, "
            + "budget, history, history_days, log_file, log_level, windows, burn_window, cost_window, quality_window, alerts, keys"),
        ("\n[alerts]\ntruncation = 5\nretry = 10\n", 4,
         "unknown key 'retry' in [alerts]; expected one of: truncation, retries, errors, min_calls, clear_at"),
        ("[colors]\nx = 1\n", 1, "unknown key 'colors'; expected one of: listen, grpc_port, http_port, prometheus, theme, "
            + "max_spans, prices, budget, history, history_days, log_file, log_level, windows, burn_window, cost_window, quality_window, alerts, keys"),
        ("[alerts]\ntruncation = 150\n", 2, "'alerts.truncation' is a percentage between 0 and 100"),
        ("[alerts]\nmin_calls = 2.5\n", 2, "'alerts.min_calls' must be a whole number, not a floating-point number"),
        ("[alerts]\nclear_at = 0\n", 2, "'alerts.clear_at' must be above 0"),
        ("grpc_port = 70000\n", 1, "'grpc_port' must be between 0 and 65535"),
        ("http_port = \"4318\"\n", 1, "'http_port' must be a port number, not a string"),
        ("max_spans = 0\n", 1, "'max_spans' must be positive"),
        ("log_level = \"loud\"\n", 1, "'log_level' is one of trace, debug, info, notice, warning, error, critical; got \"loud\""),
        ("log_file = \"\"\n", 1, "'log_file' must not be empty"),
        ("budget = -3\n", 1, "'budget' must be a positive amount in USD"),
        ("prometheus = \"9464\"\n", 1, "'prometheus' takes \"HOST:PORT\", e.g. \"127.0.0.1:9464\"; got \"9464\""),
        ("windows = \"1m\"\n", 1, "'windows' must be a list of durations like [\"1m\", \"5m\", \"1h\"], not a string"),
        ("windows = []\n", 1, "'windows' takes 1 to 4 durations"),
        ("windows = [\"1m\", \"2m\", \"3m\", \"4m\", \"5m\"]\n", 1, "'windows' takes 1 to 4 durations"),
        ("windows = [\"5s\"]\n", 1, "'windows': \"5s\" is outside 10s to 24h"),
        ("windows = [\"25h\"]\n", 1, "'windows': \"25h\" is outside 10s to 24h"),
        ("windows = [\"5 minutes\"]\n", 1, "'windows': \"5 minutes\" is not a duration like \"30s\", \"5m\" or \"1h\""),
        ("windows = [\"1m\", \"60s\"]\n", 1, "'windows' names \"60s\" twice"),
        ("windows = [\"1m\", 5]\n", 1, "'windows' must be a list of durations like [\"1m\", \"5m\", \"1h\"]; it holds an integer"),
        ("windows = [\"1m\", \"1h\"]\ncost_window = \"5m\"\n", 2, "'cost_window' must be one of the windows (1m, 1h)"),
        ("quality_window = \"2h\"\n", 1, "'quality_window' must be one of the windows (1m, 5m, 1h)"),
        ("[keys]\nquit = \"q\"\n", 2, "'keys.quit' must be a list of key names, not a string"),
        ("[keys]\nquit = []\n", 2, "'keys.quit' must list at least one key name"),
        ("[keys]\nquit = [\"q\", 1]\n", 2, "'keys.quit' must be a list of key names; it holds an integer"),
        ("keys = 3\n", 1, "'keys' must be a table of action = [\"key\", …], not an integer"),
    ] as [(String, Int, String)])
    func badValuesNameFileLineAndProblem(text: String, line: Int, problem: String) {
        #expect(throws: ConfigFileError(file: "config.toml", line: line, problem: problem)) {
            try TokentopConfig.parse(text, file: "config.toml")
        }
    }

    @Test func syntaxErrorsCarryTOMLKitsLine() {
        do {
            _ = try TokentopConfig.parse("listen = \"x\"\n\nbudget = = 3\n", file: "config.toml")
            Issue.record("parsed a malformed file")
        } catch {
            #expect(error.file == "config.toml")
            #expect(error.line == 3)
            #expect(!error.problem.isEmpty)
            #expect(error.description.hasPrefix("config.toml:3: "))
        }
    }

    @Test func durations() {
        #expect(WindowLength.seconds("10s") == 10)
        #expect(WindowLength.seconds("1h30m") == 5400)
        #expect(WindowLength.seconds("2m5s") == 125)
        #expect(WindowLength.seconds("5m1h") == nil)
        #expect(WindowLength.seconds("1m1m") == nil)
        #expect(WindowLength.seconds("15") == nil)
        #expect(WindowLength.seconds("") == nil)
        #expect(WindowLength.seconds("1.5h") == nil)
        #expect(TokentopConfig.label(5400) == "1h30m")
        #expect(TokentopConfig.label(60) == "1m")
        #expect(TokentopConfig.label(90) == "1m30s")
    }

    @Test func missingDefaultFileIsFineButAMissingNamedFileIsAnError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tt-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = ["XDG_CONFIG_HOME": folder.path, "HOME": "/nonexistent"]
        #expect(try TokentopConfig.load(explicitPath: nil, environment: environment) == TokentopConfig())
        let missing = folder.appendingPathComponent("nope.toml").path
        #expect(throws: ConfigFileError(file: missing, line: nil, problem: "no such file")) {
            try TokentopConfig.load(explicitPath: missing, environment: environment)
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("tokentop"), withIntermediateDirectories: true)
        try "budget = 3\n".write(to: folder.appendingPathComponent("tokentop/config.toml"), atomically: true, encoding: .utf8)
        let loaded = try TokentopConfig.load(explicitPath: nil, environment: environment)
        #expect(loaded.budgetUSD == 3)
        #expect(loaded.file == folder.path + "/tokentop/config.toml")
        #expect(TokentopConfig.defaultPath(environment: ["HOME": "/home/me"]) == "/home/me/.config/tokentop/config.toml")
        #expect(TokentopConfig.defaultPath(environment: ["HOME": "/home/me", "XDG_CONFIG_HOME": ""])
                == "/home/me/.config/tokentop/config.toml")
    }

    /// Found by the `config` fuzz target: TOMLKit's parser asserts (aborting the process) on these, so
    /// the grammar check refuses them before they get there.
    @Test(arguments: [
        ([0x5b, 0x0a] as [UInt8], 1, "expected a key in a table header, found a line break"),
        (Array("listen = \"x\"\n\n  [ {a = 1}\n".utf8), 3, "expected a key in a table header, found '{'"),
        // Read as the fuzz target reads them: bytes that are not UTF-8 become U+FFFD.
        ([0xef, 0xbb, 0xbf, 0x5b, 0x5b, 0xff] as [UInt8], 1, "expected a key in an array-of-tables header, found '\u{FFFD}'"),
        (Array("[keys]\nmoveUp = [})\n".utf8), 2, "expected a value, found '}'"),
        ([0x5b, 0x20, 0x9f] as [UInt8], 1, "expected a key in a table header, found '\u{FFFD}'"),
    ] as [([UInt8], Int, String)])
    func inputsThatMadeTOMLKitAssertAreErrors(bytes: [UInt8], line: Int, problem: String) {
        #expect(throws: ConfigFileError(file: "config.toml", line: line, problem: problem)) {
            try TokentopConfig.parse(String(decoding: bytes, as: UTF8.self), file: "config.toml")
        }
    }

    /// Brackets at the start of a line inside a value or a multi-line string are not table headers.
    @Test func bracketsInsideValuesAreNotHeaders() throws {
        let text = """
            windows = [
            "1m", "5m",
            ]
            listen = \"\"\"
            [(
            \"\"\"
            [keys]
            quit = ["q"]
            """
        let config = try TokentopConfig.parse(text, file: "config.toml")
        #expect(config.listen == "[(\n")
        #expect(config.keyOverrides == ["quit": ["q"]])
    }
}
