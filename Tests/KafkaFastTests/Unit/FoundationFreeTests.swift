import Foundation
import Testing

/// kfast links FoundationEssentials, never full Foundation: full Foundation brought ICU and some
/// 1,800 protocol conformance records, which every start of kfast scanned through (7,748 records
/// with it, 5,957 without: 1.2 ms of `kfast topics`) and 5 MB of resident memory.
/// One `import Foundation` in a target kfast links would bring it all back.
@Suite struct FoundationFreeTests {
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")
    static let kfastTargets = [
        "KafkaProtocol", "KafkaCompression", "KafkaFast", "KafkaDashboard", "KafkaDashboardAdapter", "KfastFormats", "kfast",
    ]

    @Test func kfastsTargetsImportFoundationOnlyWhereEssentialsIsMissing() throws {
        var offenders: [String] = []
        var filesRead = 0
        for target in Self.kfastTargets {
            let directory = Self.sources.appendingPathComponent(target)
            let files = try #require(FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil))
            for case let file as URL in files where file.pathExtension == "swift" {
                filesRead += 1
                let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                for (index, line) in lines.enumerated() where line.hasSuffix("import Foundation") {
                    // Allowed only as the fallback of `#if canImport(FoundationEssentials)`.
                    let guarded = index >= 3 && lines[index - 1] == "#else"
                        && lines[index - 2].hasSuffix("import FoundationEssentials")
                        && lines[index - 3] == "#if canImport(FoundationEssentials)"
                    if !guarded { offenders.append("\(target)/\(file.lastPathComponent):\(index + 1)") }
                }
            }
        }
        #expect(filesRead > 250, "read only \(filesRead) source files under \(Self.sources.path)")
        #expect(offenders.isEmpty, "full Foundation imported in \(offenders.joined(separator: ", "))")
    }
}
