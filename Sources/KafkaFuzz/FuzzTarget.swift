// KafkaFuzz: the project's libFuzzer targets, and (built without FUZZING) a runner that replays
// inputs and smoke-tests every target with a few thousand mutated ones (`make test`).
//
//   make fuzz                     every target for FUZZ_SECONDS (Tests/Fuzz/run-fuzz.sh)
//   KafkaFuzz list                the target names (FUZZING build: KAFKA_FUZZ_TARGET=list)
//   KafkaFuzz run TARGET FILE...  replays inputs (a crash's reproducer) through one target
//   KafkaFuzz smoke --corpus DIR --runs N [TARGET...]
//
// A target takes any bytes. It must never trap on them; where the code under test promises
// more (a decoded response encodes back to itself, decompression stays under its bound) the
// target checks it with `require`, which traps so the fuzzer keeps the input.

/// One fuzz target: a name (also its corpus folder) and what it does with one input.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable (UnsafeRawBufferPointer) -> Void
}

enum FuzzTargets {
    /// Every target, in the order `make fuzz` runs them.
    static let all: [FuzzTarget] =
        [FrameTarget.target]
        + ResponseTargets.all
        + RecordBatchTargets.all
        + DecompressionTargets.all
        + ConsumerProtocolTargets.all
        + [EnvelopeTarget.target, DelimitedInputTarget.target]
        + ConfigFileTargets.all
        + ClientTargets.all

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// A promise of the code under test that failed: a trap, so the fuzzer saves the input.
func require(_ condition: @autoclosure () -> Bool, _ what: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz invariant broken: \(what())") }
}
