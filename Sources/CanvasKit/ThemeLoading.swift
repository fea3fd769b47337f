import Foundation

extension Theme {
    /// A built-in theme by name (`default`, `light`, …), a theme of the user's by name (`NAME.theme` in
    /// `userFolder`), or a theme file by path.
    public static func load(_ nameOrPath: String, userFolder: String? = nil) throws(ThemeError) -> Theme {
        if let source = BuiltinThemes.sources[nameOrPath] {
            return try parse(source, name: nameOrPath, file: nameOrPath + ".theme")
        }
        guard nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme") else {
            if let userFolder, FileManager.default.fileExists(atPath: "\(userFolder)/\(nameOrPath).theme") {
                return try load("\(userFolder)/\(nameOrPath).theme")
            }
            throw ThemeError(file: nameOrPath, line: 0, reason: .unknownTheme)
        }
        guard let data = FileManager.default.contents(atPath: nameOrPath) else {
            throw ThemeError(file: nameOrPath, line: 0, reason: .unreadable)
        }
        let name = URL(fileURLWithPath: nameOrPath).deletingPathExtension().lastPathComponent
        return try parse(String(decoding: data, as: UTF8.self), name: name, file: nameOrPath)
    }

    /// The built-in themes in cycling order.
    public static var builtin: [Theme] {
        BuiltinThemes.names.compactMap { try? load($0) }
    }

    /// The user's themes (`*.theme` in `folder`), by name; one that does not parse is left out (it is
    /// named when asked for by name).
    public static func user(in folder: String?) -> [Theme] {
        guard let folder, let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasSuffix(".theme") }.sorted().compactMap { try? load("\(folder)/\($0)") }
    }
}
