@_exported import enum KafkaCompression.CompressionCodec
import NIOCore

/// A record header as it appears on the wire: a non-null UTF-8 key and a nullable value.
/// Names may repeat; order is preserved.
public typealias RecordHeader = (key: String, value: ByteBuffer?)

/// How a batch's timestamps were assigned.
public enum TimestampType: Sendable, Hashable {
    /// Set by the producer; each record has its own.
    case createTime
    /// Set by the broker when it appended the batch; every record takes the batch's maxTimestamp.
    case logAppendTime
}

/// The int16 attributes of a v2 record batch.
///
/// Bits 0-2 compression codec, bit 3 timestamp type, bit 4 transactional, bit 5 control,
/// bit 6 "has delete horizon" (set by log compaction, KIP-534).
public struct RecordBatchAttributes: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int16

    public init(rawValue: Int16) { self.rawValue = rawValue }

    public init(
        compression: CompressionCodec = .none,
        timestampType: TimestampType = .createTime,
        isTransactional: Bool = false,
        isControl: Bool = false
    ) {
        rawValue = Int16(compression.rawValue)
        if timestampType == .logAppendTime { rawValue |= Self.logAppendTimeBit }
        if isTransactional { rawValue |= Self.transactionalBit }
        if isControl { rawValue |= Self.controlBit }
    }

    static let compressionMask: Int16 = 0x07
    static let logAppendTimeBit: Int16 = 0x08
    static let transactionalBit: Int16 = 0x10
    static let controlBit: Int16 = 0x20
    static let deleteHorizonBit: Int16 = 0x40

    /// The codec bits, or nil for values Kafka has not assigned (5-7).
    public var compression: CompressionCodec? { CompressionCodec(rawValue: Int8(rawValue & Self.compressionMask)) }

    public var timestampType: TimestampType { rawValue & Self.logAppendTimeBit != 0 ? .logAppendTime : .createTime }

    public var isTransactional: Bool { rawValue & Self.transactionalBit != 0 }

    /// Control batches hold transaction markers (commit/abort), not application records.
    public var isControl: Bool { rawValue & Self.controlBit != 0 }

    /// Set when compaction stored a delete horizon in baseTimestamp (KIP-534).
    public var hasDeleteHorizon: Bool { rawValue & Self.deleteHorizonBit != 0 }

    public var description: String {
        var parts = [compression.map { $0.name } ?? "codec(\(rawValue & Self.compressionMask))"]
        if timestampType == .logAppendTime { parts.append("logAppendTime") }
        if isTransactional { parts.append("transactional") }
        if isControl { parts.append("control") }
        if hasDeleteHorizon { parts.append("deleteHorizon") }
        return parts.joined(separator: ",")
    }
}

/// The marker a control record carries, read from its key (int16 version, int16 type).
public enum ControlRecordType: Sendable, Hashable {
    case abort
    case commit
    /// A type this client does not know (for example KRaft's leader-change records).
    case other(Int16)

    init(rawValue: Int16) {
        switch rawValue {
        case 0: self = .abort
        case 1: self = .commit
        default: self = .other(rawValue)
        }
    }
}
