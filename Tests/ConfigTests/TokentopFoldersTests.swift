import Config
import Testing

/// Every default path comes from the XDG variables, else from HOME, in one place.
struct TokentopFoldersTests {
    @Test func theUserThemesFollowXDGConfigHome() {
        #expect(TokentopFolders(environment: ["XDG_CONFIG_HOME": "/c"]).userThemes == "/c/tokentop/themes")
        #expect(TokentopFolders(environment: ["HOME": "/h"]).userThemes == "/h/.config/tokentop/themes")
    }

    @Test func theLogFollowsXDGStateHome() {
        #expect(TokentopFolders(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]).log == "/s/tokentop/tokentop.log")
        #expect(TokentopFolders(environment: ["HOME": "/h"]).log == "/h/.local/state/tokentop/tokentop.log")
    }

    @Test func everyPathHasItsPlace() {
        let folders = TokentopFolders(environment: ["HOME": "/h", "XDG_STATE_HOME": ""])
        #expect(folders.configFile == "/h/.config/tokentop/config.toml")
        #expect(folders.priceData == "/h/.config/tokentop/genai-prices.json")
        #expect(folders.userPrices == "/h/.config/tokentop/prices.toml")
        #expect(folders.history == "/h/.local/state/tokentop/history.sqlite")
        #expect(folders.rememberedTheme == "/h/.local/state/tokentop/theme")
        #expect(TokentopFolders(environment: [:]).configFile == nil)
    }
}
