import Foundation
import Testing

@testable import KafkaDashboard

@Suite struct ThemeTests {
    private static let themeDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Assets/themes").path

    @Test func shippedThemeFilesMatchTheBuiltInCopies() throws {
        let directories = [Self.themeDirectory]
        #expect(try ThemeLoader.load("default", searchDirectories: directories) == .builtinDefault)
        #expect(try ThemeLoader.load("mono", searchDirectories: directories) == .builtinMono)
    }

    @Test func noColorOrAMonochromeTerminalGivesTheMonoTheme() {
        let directories = [Self.themeDirectory]
        let noColor = ThemeLoader.resolve(requested: nil, forceMonochrome: false, terminalHasColor: true,
                                          environment: ["NO_COLOR": "1"], searchDirectories: directories)
        #expect(noColor.theme == .builtinMono)
        let monoTerminal = ThemeLoader.resolve(requested: nil, forceMonochrome: false, terminalHasColor: false,
                                               environment: [:], searchDirectories: directories)
        #expect(monoTerminal.theme == .builtinMono)
        let colour = ThemeLoader.resolve(requested: nil, forceMonochrome: false, terminalHasColor: true,
                                         environment: ["NO_COLOR": ""], searchDirectories: directories)
        #expect(colour.theme == .builtinDefault)
        // Asking for a colour theme under NO_COLOR still strips the colours.
        let stripped = ThemeLoader.resolve(requested: "default", forceMonochrome: false, terminalHasColor: true,
                                           environment: ["NO_COLOR": "yes"], searchDirectories: directories)
        #expect(!stripped.theme.usesColor)
        #expect(stripped.theme[.error].foreground == .default)
    }

    @Test func aMissingThemeFallsBackWithAWarning() {
        let result = ThemeLoader.resolve(requested: "nope", forceMonochrome: false, terminalHasColor: true,
                                         environment: [:], searchDirectories: ["/nonexistent"])
        #expect(result.theme == .builtinDefault)
        #expect(result.warning?.contains("theme \"nope\" not found") == true)
    }

    @Test func mistakesInAThemeAreNamed() {
        func error(_ json: String) -> String? {
            do {
                _ = try ThemeLoader.decode(Data(json.utf8))
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(error(#"{"styles": {"hedaer": {}}}"#)?.contains("unknown theme role \"hedaer\"") == true)
        #expect(error(#"{"styles": {"header": {"fg": "purple"}}}"#)?.contains("unknown colour \"purple\"") == true)
        #expect(error(#"{"styles": {"header": {"attrs": ["blink"]}}}"#)?.contains("unknown attribute") == true)
        #expect(error(#"{"styles": {"header": {"fg": "196", "bg": "bright-blue"}}}"#) == nil)
    }

    @Test func rolesLeftOutTakeTheNormalStyle() throws {
        let theme = try ThemeLoader.decode(Data(#"{"styles": {"normal": {"fg": "green"}}}"#.utf8))
        #expect(theme[.header].foreground == .green)
    }
}
