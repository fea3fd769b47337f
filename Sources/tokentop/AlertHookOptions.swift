import TokentopApp
import ArgumentParser

/// `--on-alert CMD` and `--fail-on-alert`.
struct AlertHookOptions: ParsableArguments {
    @Option(name: .customLong("on-alert"), help: ArgumentHelp(
        "Run this shell command when an alert (truncation, retries, errors, budget) fires and when it clears; TOKENTOP_ALERT, TOKENTOP_ALERT_STATE, TOKENTOP_ALERT_VALUE, TOKENTOP_ALERT_THRESHOLD, TOKENTOP_ALERT_SINCE and TOKENTOP_ALERT_MESSAGE say which.",
        valueName: "command"))
    var onAlert: String?

    @Flag(name: .customLong("fail-on-alert"), help: ArgumentHelp(
        "Exit with status 3 at the end if any alert fired during the run (or is in the final summary)."))
    var failOnAlert = false
}
