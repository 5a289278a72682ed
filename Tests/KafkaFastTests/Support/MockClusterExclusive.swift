/// The mock cluster is one for the whole test run: a test that takes a broker down, or counts the
/// failures its client sees, runs alone among those that do the same (`MockClusterExclusive.run`).
enum MockClusterExclusive {
    private static let gate = Gate()

    static func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await gate.enter()
        do {
            let result = try await body()
            await gate.leave()
            return result
        } catch {
            await gate.leave()
            throw error
        }
    }

    /// One holder at a time, the others wait in order.
    private actor Gate {
        private var held = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func enter() async {
            guard held else {
                held = true
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func leave() {
            if waiting.isEmpty {
                held = false
            } else {
                waiting.removeFirst().resume()
            }
        }
    }
}
