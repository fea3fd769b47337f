import TokentopApp
import ArgumentParser
import Config
import Store

/// `--truncation-alert`, `--retry-alert` and `--error-alert`, in percent; unset flags fall back to the
/// config file's `[alerts]`, then to 5 % and 10 % (and no error alert).
struct AlertOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Alert when more than this percentage of responses are truncated (default 5).",
                                            valueName: "percent"))
    var truncationAlert: Double?

    @Option(name: .long, help: ArgumentHelp("Alert when more than this percentage of LLM calls are retried (default 10).",
                                            valueName: "percent"))
    var retryAlert: Double?

    @Option(name: .long, help: ArgumentHelp("Alert when more than this percentage of LLM calls fail (default: no alert).",
                                            valueName: "percent"))
    var errorAlert: Double?

    func validate() throws {
        for (flag, value) in [("--truncation-alert", truncationAlert), ("--retry-alert", retryAlert), ("--error-alert", errorAlert)]
        where value.map({ !(0...100).contains($0) }) ?? false {
            throw ValidationError("\(flag) is a percentage between 0 and 100")
        }
    }


}
