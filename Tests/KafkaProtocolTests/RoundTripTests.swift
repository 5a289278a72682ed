import KafkaProtocol
import NIOCore
import Testing

/// Encode-then-decode of every generated message at every valid version, with every field that
/// exists at that version set to a non-default value (fixtures in GeneratedSamples/).
@Suite struct RoundTripTests {
    private func roundTrip<Message: RoundTripSample>(_ type: Message.Type, nulls: Bool) throws {
        for version in Message.validVersions {
            let original = Message.sample(version: version, nulls: nulls)
            var buffer = ByteBuffer()
            try original.encode(into: &buffer, version: version)
            let decoded = try Message(from: &buffer, version: version)
            #expect(decoded == original, "\(Message.self) v\(version) nulls: \(nulls)")
            #expect(buffer.readableBytes == 0, "\(Message.self) v\(version) left bytes")
        }
    }

    @Test func everyMessageAtEveryVersion() throws {
        for type in allSampleTypes {
            try roundTrip(type, nulls: false)
        }
    }

    @Test func everyMessageWithNullsWhereAllowed() throws {
        for type in allSampleTypes {
            try roundTrip(type, nulls: true)
        }
    }

    @Test func versionsOutsideTheSchemaAreRefused() {
        for type in allSampleTypes {
            checkRefused(type)
        }
    }

    private func checkRefused<Message: RoundTripSample>(_ type: Message.Type) {
        let tooHigh = Message.validVersions.upperBound + 1
        var buffer = ByteBuffer()
        #expect(throws: KafkaWireError.self) {
            try Message.sample(version: 0, nulls: false).encode(into: &buffer, version: tooHigh)
        }
        #expect(throws: KafkaWireError.self) { try Message(from: &buffer, version: -1) }
    }

    /// Every strict prefix of a valid encoding must throw: never trap, never return a value.
    @Test func everyPrefixOfEverySampleThrows() throws {
        for type in allSampleTypes {
            try checkPrefixes(type)
        }
    }

    private func checkPrefixes<Message: RoundTripSample>(_ type: Message.Type) throws {
        for version in Message.validVersions {
            var buffer = ByteBuffer()
            try Message.sample(version: version, nulls: false).encode(into: &buffer, version: version)
            for length in 0..<buffer.readableBytes {
                var prefix = buffer.getSlice(at: 0, length: length)!
                #expect(throws: KafkaWireError.self, "\(Message.self) v\(version) prefix \(length)") {
                    _ = try Message(from: &prefix, version: version)
                }
            }
        }
    }

    /// Damaged bytes must never crash the decoder (it may or may not throw). Lengths and counts
    /// are where damage hurts, and 0xFF / 0x80 turn them huge, negative or into long varints.
    @Test func corruptBytesNeverCrash() throws {
        for type in allSampleTypes {
            try corrupt(type)
        }
    }

    private func corrupt<Message: RoundTripSample>(_ type: Message.Type) throws {
        // The oldest, newest and the two versions around the switch to flexible encoding cover every
        // encoding style while keeping this test fast.
        let valid = Message.validVersions
        var versions: Set<Int16> = [valid.lowerBound, valid.upperBound]
        if let firstFlexible = Message.firstFlexibleVersion {
            versions.insert(firstFlexible)
            if firstFlexible > valid.lowerBound { versions.insert(firstFlexible - 1) }
        }
        for version in versions.sorted() {
            var clean = ByteBuffer()
            try Message.sample(version: version, nulls: false).encode(into: &clean, version: version)
            for index in 0..<clean.readableBytes {
                for replacement: UInt8 in [0x80, 0xFF] {
                    var damaged = clean
                    damaged.setInteger(replacement, at: index)
                    _ = try? Message(from: &damaged, version: version)
                }
            }
        }
    }
}
