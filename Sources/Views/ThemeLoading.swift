import Foundation

extension Theme {
    /// A built-in theme by name (`default`, `light`, …) or a theme file by path.
    public static func load(_ nameOrPath: String) throws(ThemeError) -> Theme {
        if let source = BuiltinThemes.sources[nameOrPath] {
            return try parse(source, name: nameOrPath, file: nameOrPath + ".theme")
        }
        guard nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme") else {
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
}
