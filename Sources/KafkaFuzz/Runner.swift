// Without FUZZING: replay inputs and smoke-test the targets (no libFuzzer needed).
#if !FUZZING
import Foundation

@main
enum KafkaFuzzRunner {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let command = arguments.first else { usage() }
        arguments.removeFirst()
        switch command {
        case "list":
            for target in FuzzTargets.all { print(target.name) }
        case "run":
            guard let name = arguments.first, let target = FuzzTargets.named(name) else { usage() }
            for path in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
                data.withUnsafeBytes { target.run($0) }
                print("\(name): \(path) ran without a crash")
            }
        case "smoke":
            smoke(arguments)
        default:
            usage()
        }
    }

    /// Each target's seeds, then `runs` inputs mutated from them (a fixed seed: every run the same).
    static func smoke(_ arguments: [String]) {
        var corpus = "Tests/Fuzz/Corpus"
        var runs = 2_000
        var names: [String] = []
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--corpus": index += 1; corpus = arguments[index]
            case "--runs": index += 1; runs = Int(arguments[index]) ?? runs
            default: names.append(arguments[index])
            }
            index += 1
        }
        let targets = names.isEmpty ? FuzzTargets.all : names.map { name -> FuzzTarget in
            guard let target = FuzzTargets.named(name) else { fail("unknown target \(name)") }
            return target
        }
        var total = 0
        for target in targets {
            let folder = corpus + "/" + target.name
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            let seeds = files.compactMap { FileManager.default.contents(atPath: folder + "/" + $0).map { [UInt8]($0) } }
            var mutator = Mutator(seed: UInt64(truncatingIfNeeded: target.name.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
            for seed in seeds { seed.withUnsafeBytes { target.run($0) } }
            for _ in 0..<runs {
                let input = mutator.mutate(seeds.isEmpty ? [] : seeds[mutator.below(seeds.count)])
                input.withUnsafeBytes { target.run($0) }
            }
            total += seeds.count + runs
            print("\(target.name): \(seeds.count) seeds, \(runs) mutated inputs")
        }
        print("smoke: \(targets.count) targets, \(total) inputs, 0 crashes")
    }

    static func usage() -> Never {
        fail("usage: KafkaFuzz list | run TARGET FILE... | smoke [--corpus DIR] [--runs N] [TARGET...]")
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("KafkaFuzz: \(message)\n".utf8))
        exit(2)
    }
}

/// libFuzzer's simplest mutations, enough for a smoke test: flips, interesting integers, cuts,
/// insertions and copies, on a deterministic xorshift.
struct Mutator {
    private var state: UInt64

    init(seed: UInt64) { state = seed | 1 }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }

    mutating func mutate(_ seed: [UInt8]) -> [UInt8] {
        var bytes = seed
        for _ in 0...below(6) {
            switch below(7) {
            case 0 where !bytes.isEmpty:
                bytes[below(bytes.count)] ^= UInt8(1 << below(8))
            case 1 where !bytes.isEmpty:
                bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: next())
            case 2:
                let interesting: [UInt64] = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, .max]
                let width = [1, 2, 4, 8][below(4)]
                guard bytes.count >= width else { continue }
                let value = interesting[below(interesting.count)]
                let at = below(bytes.count - width + 1)
                for offset in 0..<width { bytes[at + offset] = UInt8(truncatingIfNeeded: value >> (8 * (width - 1 - offset))) }
            case 3 where !bytes.isEmpty:
                bytes.removeSubrange(below(bytes.count)...)
            case 4:
                let count = 1 + below(16)
                bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }, at: below(bytes.count + 1))
            case 5 where bytes.count > 1:
                let start = below(bytes.count)
                let end = start + below(bytes.count - start) + 1
                bytes.insert(contentsOf: bytes[start..<end], at: below(bytes.count + 1))
            case 6 where bytes.count > 1:
                let start = below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + below(32)))
            default:
                continue
            }
        }
        return bytes
    }
}
#endif
