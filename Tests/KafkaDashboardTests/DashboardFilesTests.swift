import Foundation
import Testing

@testable import KafkaDashboard

@Suite struct DashboardFilesTests {
    private static let assets = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Assets").path

    private func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kfast-dash-\(UUID()).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func exampleConfigSetsEveryOptionAndFlagsOverrideIt() throws {
        let path = Self.assets + "/dash.example.json"
        let (options, unused) = try DashboardOptions.parse(["--config", path, "--refresh-ms", "100"])
        #expect(unused.isEmpty)
        #expect(options.refreshMillis == 100)
        #expect(options.metadataRefreshMillis == 1000)
        #expect(options.initialTopic == "orders")
        #expect(options.theme == "default")
        #expect(options.sendTemplate == "Assets/payloads/order.json")
        #expect(!options.readOnly)
        let readOnly = try temporaryFile(#"{"readOnly": true}"#)
        #expect(try DashboardOptions.parse(["--config", readOnly]).options.readOnly)
    }

    @Test func configTyposAreErrors() throws {
        let path = try temporaryFile(#"{"refreshMS": 100}"#)
        #expect(throws: DashboardFileError.self) { try DashboardOptions.parse(["--config", path]) }
        let wrongType = try temporaryFile(#"{"refreshMs": "fast"}"#)
        #expect(throws: DashboardFileError.self) { try DashboardOptions.parse(["--config", wrongType]) }
    }

    @Test func everyShippedTemplateLoads() throws {
        let order = try SendTemplate.load(Self.assets + "/payloads/order.json")
        #expect(order.key == "order-1042")
        #expect(order.codec == .lz4)
        #expect(order.headers == "content-type=application/json, source=kfast-dash")
        #expect(order.value.hasPrefix("{\"currency\":\"EUR\",\"customer\":\"c-77\""))
        #expect(JSONReformatter.reformat(Array(order.value.utf8), indent: 2) != nil)

        let wide = try SendTemplate.load(Self.assets + "/payloads/wide-characters.json")
        #expect(wide.key == "キー")
        #expect(wide.value.contains("値🙂"))
        #expect(wide.parsedHeaders == [.init(key: "言語", value: Array("日本語".utf8))])

        let plain = try SendTemplate.load(Self.assets + "/payloads/plain-text.json")
        #expect(plain.key.isEmpty && plain.value == "hello from kfast dash")
    }

    @Test func badTemplatesAreErrors() throws {
        let codec = try temporaryFile(#"{"value": "x", "codec": "brotli"}"#)
        #expect(throws: DashboardFileError.self) { try SendTemplate.load(codec) }
        let field = try temporaryFile(#"{"vaule": "x"}"#)
        #expect(throws: DashboardFileError.self) { try SendTemplate.load(field) }
    }
}
