import KafkaCompression
import KafkaProtocol

// The types of the wire and compression layers that the client's own API hands out, under the
// same names, so that `import KafkaFast` is all an application needs.

/// A Kafka protocol error code, with its name and whether retrying can help (`isRetriable`).
public typealias KafkaErrorCode = KafkaProtocol.KafkaErrorCode
/// A record batch's codec: `none`, `gzip`, `snappy`, `lz4` or `zstd`.
public typealias CompressionCodec = KafkaCompression.CompressionCodec
/// A consumed record's header: a name and a value (nil for a null value).
public typealias RecordHeader = KafkaProtocol.RecordHeader
/// Whether a record's timestamp is the producer's (`createTime`) or the broker's (`logAppendTime`).
public typealias TimestampType = KafkaProtocol.TimestampType
/// A topic's id (Metadata v10+).
public typealias KafkaUUID = KafkaProtocol.KafkaUUID
