import Config
import Foundation
import Testing
import TOMLReading

/// `TOKENTOP_*` variables: named after the config file's keys, over the file, checked like it.
struct EnvironmentConfigTests {
    @Test(arguments: [
        ([], "budget", "TOKENTOP_BUDGET"),
        ([], "grpc_port", "TOKENTOP_GRPC_PORT"),
        ([], "max_spans", "TOKENTOP_MAX_SPANS"),
        ([], "quality_window", "TOKENTOP_QUALITY_WINDOW"),
        (["alerts"], "min_calls", "TOKENTOP_ALERTS_MIN_CALLS"),
        (["alerts"], "clear_at", "TOKENTOP_ALERTS_CLEAR_AT"),
        (["limits"], "max-value-depth", "TOKENTOP_LIMITS_MAX_VALUE_DEPTH"),
        (["keys"], "moveDown", "TOKENTOP_KEYS_MOVE_DOWN"),
        (["keys"], "spanView.expandValue", "TOKENTOP_KEYS_SPAN_VIEW__EXPAND_VALUE"),
        (["keys"], "f12", "TOKENTOP_KEYS_F12"),
    ] as [([String], String, String)])
    func variableNamesFollowTheKeys(path: [String], key: String, variable: String) {
        let settings = EnvironmentSettings(prefix: "TOKENTOP", environment: [:])
        #expect(settings.variableName(path: path, key: key) == variable)
    }

    /// Every key the file takes has its variable.
    @Test func everyFileSettingComesFromItsVariable() throws {
        let environment = [
            "TOKENTOP_LISTEN": "0.0.0.0",
            "TOKENTOP_GRPC_PORT": "14317",
            "TOKENTOP_HTTP_PORT": "14318",
            "TOKENTOP_PROMETHEUS": "127.0.0.1:19464",
            "TOKENTOP_THEME": "mono",
            "TOKENTOP_MAX_SPANS": "1000",
            "TOKENTOP_PRICES": "/srv/prices.toml",
            "TOKENTOP_BUDGET": "12.5",
            "TOKENTOP_WINDOWS": "30s, 5m,1h",
            "TOKENTOP_BURN_WINDOW": "30s",
            "TOKENTOP_COST_WINDOW": "1h",
            "TOKENTOP_QUALITY_WINDOW": "start",
            "TOKENTOP_ALERTS_TRUNCATION": "7",
            "TOKENTOP_ALERTS_RETRIES": "11.5",
            "TOKENTOP_ALERTS_ERRORS": "3",
            "TOKENTOP_ALERTS_MIN_CALLS": "50",
            "TOKENTOP_ALERTS_CLEAR_AT": "60",
            "TOKENTOP_KEYS_QUIT": "q,ctrl-q",
            "TOKENTOP_KEYS_SPAN_VIEW__EXPAND_VALUE": "[\"enter\", \",\"]",
        ]
        let config = try TokentopConfig.parse("", file: "/etc/tt/config.toml", environment: environment)
        var expected = TokentopConfig()
        expected.file = "/etc/tt/config.toml"
        expected.listen = "0.0.0.0"
        expected.grpcPort = 14317
        expected.httpPort = 14318
        expected.prometheus = "127.0.0.1:19464"
        expected.theme = "mono"
        expected.maxSpans = 1000
        expected.prices = "/srv/prices.toml"
        expected.budgetUSD = 12.5
        expected.windows.seconds = [30, 300, 3600]
        expected.windows.burnSeconds = 30
        expected.windows.costSeconds = 3600
        expected.windows.qualitySinceStart = true
        expected.alerts.truncationPercent = 7
        expected.alerts.retriesPercent = 11.5
        expected.alerts.errorsPercent = 3
        expected.alerts.minimumCalls = 50
        expected.alerts.clearPercent = 60
        expected.keyOverrides = ["quit": ["q", "ctrl-q"], "span_view.expand_value": ["enter", ","]]
        #expect(config == expected)
    }

    @Test func variablesWinOverTheFileAndTheFileFillsTheRest() throws {
        let text = """
            budget = 5
            listen = "127.0.0.1"
            [alerts]
            truncation = 8
            retries = 12
            [keys]
            moveDown = ["j"]
            quit = ["q"]
            """
        let environment = ["TOKENTOP_BUDGET": "20", "TOKENTOP_ALERTS_RETRIES": "30",
                           "TOKENTOP_KEYS_MOVE_DOWN": "n", "TOKENTOP_UNRELATED": "x", "TOKENTOP_LISTEN": ""]
        let config = try TokentopConfig.parse(text, file: "c.toml", environment: environment)
        #expect(config.budgetUSD == 20)
        #expect(config.listen == "127.0.0.1")  // an empty variable is unset
        #expect(config.alerts.truncationPercent == 8)
        #expect(config.alerts.retriesPercent == 30)
        #expect(config.keyOverrides == ["moveDown": ["n"], "quit": ["q"]])
        // Without the variables, the file's values.
        let fileOnly = try TokentopConfig.parse(text, file: "c.toml", environment: [:])
        #expect(fileOnly.budgetUSD == 5)
        #expect(fileOnly.alerts.retriesPercent == 12)
    }

    @Test func pathsFromVariablesStartAtTheWorkingDirectory() throws {
        let environment = ["TOKENTOP_PRICES": "mine.toml", "TOKENTOP_THEME": "themes/x.theme", "HOME": "/home/me"]
        let config = try TokentopConfig.parse("", file: "/etc/tt/config.toml", environment: environment)
        #expect(config.prices == "mine.toml")
        #expect(config.theme == "themes/x.theme")
        let fromFile = try TokentopConfig.parse("prices = \"mine.toml\"\n", file: "/etc/tt/config.toml", environment: [:])
        #expect(fromFile.prices == "/etc/tt/mine.toml")
        let home = try TokentopConfig.parse("", file: "", environment: ["TOKENTOP_PRICES": "~/p.toml", "HOME": "/home/me"])
        #expect(home.prices == "/home/me/p.toml")
    }

    @Test func variablesApplyWithoutAFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tt-env-\(UUID().uuidString)")
        let environment = ["XDG_CONFIG_HOME": folder.path, "TOKENTOP_BUDGET": "3", "TOKENTOP_ALERTS_ERRORS": "2"]
        let config = try TokentopConfig.load(explicitPath: nil, environment: environment)
        #expect(config.file == nil)
        #expect(config.budgetUSD == 3)
        #expect(config.alerts.errorsPercent == 2)
        #expect(try TokentopConfig.load(explicitPath: nil, environment: ["XDG_CONFIG_HOME": folder.path]) == TokentopConfig())
    }

    @Test(arguments: [
        ("TOKENTOP_BUDGET", "lots", "'budget' must be a number (USD per day), not \"lots\""),
        ("TOKENTOP_BUDGET", "inf", "'budget' must be a number (USD per day), not \"inf\""),
        ("TOKENTOP_BUDGET", "-4", "'budget' must be a positive amount in USD"),
        ("TOKENTOP_GRPC_PORT", "4317x", "'grpc_port' must be a port number, not \"4317x\""),
        ("TOKENTOP_HTTP_PORT", "70000", "'http_port' must be between 0 and 65535"),
        ("TOKENTOP_MAX_SPANS", "1.5", "'max_spans' must be a whole number, not \"1.5\""),
        ("TOKENTOP_PROMETHEUS", "9464", "'prometheus' takes \"HOST:PORT\", e.g. \"127.0.0.1:9464\"; got \"9464\""),
        ("TOKENTOP_WINDOWS", "1m,,5m", "'windows': \"\" is not a duration like \"30s\", \"5m\" or \"1h\""),
        ("TOKENTOP_WINDOWS", "[\"1m\", 5]", "'windows' must be a list of durations like [\"1m\", \"5m\", \"1h\"]; it holds an integer"),
        ("TOKENTOP_COST_WINDOW", "2h", "'cost_window' must be one of the windows (1m, 5m, 1h)"),
        ("TOKENTOP_ALERTS_TRUNCATION", "150", "'alerts.truncation' is a percentage between 0 and 100"),
        ("TOKENTOP_ALERTS_MIN_CALLS", "0", "'alerts.min_calls' must be at least 1"),
        ("TOKENTOP_KEYS_QUIT", "[\"q\"", "'keys.quit' must be a list of key names: expected ',' or ']' in the array, found the end of the file"),
    ] as [(String, String, String)])
    func badValuesNameTheVariable(variable: String, value: String, problem: String) {
        #expect(throws: ConfigFileError(file: variable, line: nil, problem: problem)) {
            try TokentopConfig.parse("budget = 1\n[alerts]\nretries = 5\n", file: "c.toml", environment: [variable: value])
        }
    }

    /// A problem with a value the file gave still names the file and line.
    @Test func fileProblemsStillNameTheFile() {
        #expect(throws: ConfigFileError(file: "c.toml", line: 2, problem: "'max_spans' must be positive")) {
            try TokentopConfig.parse("budget = 1\nmax_spans = 0\n", file: "c.toml", environment: ["TOKENTOP_BUDGET": "2"])
        }
    }
}
