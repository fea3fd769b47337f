// The themes in themes/ (linked here as Themes/) are built into the binary (SwiftPM embeds their bytes), so it needs no files
// beside it; the same files are installed as examples to copy.
public enum BuiltinThemes {
    /// In cycling order.
    public static let names = ["default", "light", "high-contrast", "mono"]

    public static let sources: [String: String] = [
        "default": String(decoding: PackageResources.default_theme, as: UTF8.self),
        "light": String(decoding: PackageResources.light_theme, as: UTF8.self),
        "high-contrast": String(decoding: PackageResources.high_contrast_theme, as: UTF8.self),
        "mono": String(decoding: PackageResources.mono_theme, as: UTF8.self),
    ]
}
