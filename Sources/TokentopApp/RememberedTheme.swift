import Config
import Foundation

/// The theme last picked with `t`, kept in `$XDG_STATE_HOME/tokentop/theme` so the next start uses
/// it (`--theme` and the config file's `theme` still win).
public struct RememberedTheme: Sendable {
    public let path: String?

    public init(folders: TokentopFolders) {
        path = folders.rememberedTheme
    }

    public var name: String? {
        guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty || name.contains("/") ? nil : name
    }

    /// Best effort: a theme not remembered is no reason to disturb the screen.
    public func save(_ name: String) {
        guard let path else { return }
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? (name + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
