import Foundation
import Testing

/// `make test`'s share of the fuzzing: every fuzz target (Sources/KafkaFuzz) runs its committed
/// seeds (real answers of Tansu, noida and the mock cluster, Tests/Fuzz/Corpus) and a few
/// thousand inputs mutated from them, in the debug build, without libFuzzer (`make fuzz` runs
/// them coverage-guided, under AddressSanitizer, for minutes).
@Suite struct FuzzSmokeTests {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func everyTargetTakesItsSeedsAndThousandsOfMutations() async throws {
        let binary = Self.root.appendingPathComponent(".build/debug/KafkaFuzz").path
        let corpus = Self.root.appendingPathComponent("Tests/Fuzz/Corpus").path
        let list = try await Peer.execute(binary, arguments: ["list"], stdin: nil, timeout: 30)
        let targets = list.stdout.split(separator: "\n")
        #expect(targets.count >= 40, "\(list.stdout)")
        let result = try await Peer.execute(binary, arguments: ["smoke", "--corpus", corpus, "--runs", "3000"], stdin: nil, timeout: 300)
        #expect(result.status == 0, "a target crashed: \(result.stderr.suffix(2000))")
        let summary = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let counted = result.stdout.split(separator: "\n").dropLast().reduce(0) { $0 + Self.inputs($1) }
        #expect(summary == "smoke: \(targets.count) targets, \(counted) inputs, 0 crashes", "\(result.stdout.suffix(500))")
        #expect(counted >= targets.count * 3000)
        for target in targets where !["delimited-input"].contains(target) {
            #expect(result.stdout.contains("\(target): ") && !result.stdout.contains("\(target): 0 seeds"), "\(target) has no seeds")
        }
    }

    /// "name: S seeds, R mutated inputs" -> S + R.
    static func inputs(_ line: Substring) -> Int {
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        return numbers.count >= 2 ? numbers[numbers.count - 2] + numbers[numbers.count - 1] : 0
    }
}
