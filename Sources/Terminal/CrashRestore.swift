#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts the terminal back when the process dies of a fatal signal (a crash, `fatalError`, an abort)
/// while the screen is up. Only async-signal-safe calls run in the handler: the saved tty modes are
/// restored with `tcsetattr`, the alternate screen is left and the cursor shown with `write`, then
/// the signal is raised again with its default action so the crash is still reported.
enum CrashRestore {
    private nonisolated(unsafe) static var savedModes = termios()
    private nonisolated(unsafe) static var haveSavedModes = false
    private static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    /// Call before curses changes the tty modes.
    static func install() {
        haveSavedModes = tcgetattr(STDIN_FILENO, &savedModes) == 0
        for number in fatalSignals {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = handle
            #else
            action.__sigaction_u.__sa_handler = handle
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
            sigaction(number, &action, nil)
        }
    }

    /// Back to the default actions once the screen is restored normally.
    static func uninstall() {
        for number in fatalSignals { signal(number, SIG_DFL) }
    }

    private static let handle: @convention(c) (Int32) -> Void = { number in
        if CrashRestore.haveSavedModes { tcsetattr(STDIN_FILENO, TCSANOW, &CrashRestore.savedModes) }
        // Leave the alternate screen, reset attributes, show the cursor, start a fresh line.
        let reset: StaticString = "\u{1b}[?1049l\u{1b}[0m\u{1b}[?25h\r\n"
        _ = write(STDOUT_FILENO, reset.utf8Start, reset.utf8CodeUnitCount)
        raise(number)
    }
}
