import Foundation

/// Kafka's scalar and length-prefixed types.
enum Primitive: String {
    case bool, int8, int16, uint16, int32, int64, uint32, float64, string, bytes, uuid, records

    var swiftType: String {
        switch self {
        case .bool: return "Bool"
        case .int8: return "Int8"
        case .int16: return "Int16"
        case .uint16: return "UInt16"
        case .int32: return "Int32"
        case .int64: return "Int64"
        case .uint32: return "UInt32"
        case .float64: return "Double"
        case .string: return "String"
        case .bytes, .records: return "ByteBuffer"
        case .uuid: return "KafkaUUID"
        }
    }

    /// Suffix of the ByteBuffer read/write helpers for fixed-width types.
    var fixedWidthHelper: String? {
        switch self {
        case .bool: return "Bool"
        case .int8: return "Int8"
        case .int16: return "Int16"
        case .uint16: return "UInt16"
        case .int32: return "Int32"
        case .int64: return "Int64"
        case .uint32: return "UInt32"
        case .float64: return "Float64"
        case .uuid: return "UUID"
        case .string, .bytes, .records: return nil
        }
    }

    /// The fewest bytes one value can occupy, used to bound array counts before allocating.
    func minimumSize(compact: Bool) -> Int {
        switch self {
        case .bool, .int8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32: return 4
        case .int64, .float64: return 8
        case .uuid: return 16
        case .string: return compact ? 1 : 2
        case .bytes, .records: return compact ? 1 : 4
        }
    }
}

indirect enum FieldType {
    case primitive(Primitive)
    case array(FieldType)
    case structure(String)

    init(parsing text: String) throws {
        if text.hasPrefix("[]") {
            self = .array(try FieldType(parsing: String(text.dropFirst(2))))
        } else if let primitive = Primitive(rawValue: text) {
            self = .primitive(primitive)
        } else if let first = text.first, first.isUppercase {
            self = .structure(text)
        } else {
            throw SchemaError("unknown field type '\(text)'")
        }
    }

    var swiftType: String {
        switch self {
        case .primitive(let primitive): return primitive.swiftType
        case .array(let element): return "[\(element.swiftType)]"
        case .structure(let name): return name
        }
    }

    var structName: String? {
        switch self {
        case .structure(let name): return name
        case .array(let element): return element.structName
        case .primitive: return nil
        }
    }
}

/// A field resolved for code generation.
struct Field {
    let schemaName: String
    /// The Swift identifier, already escaped with backticks when it is a keyword.
    let swiftName: String
    let type: FieldType
    let versions: VersionRange
    let nullableVersions: VersionRange
    let taggedVersions: VersionRange
    let tag: Int?
    let defaultValue: String?
    let ignorable: Bool
    let flexibleOverride: VersionRange?

    var isOptional: Bool { !nullableVersions.isEmpty }
    var isTagged: Bool { tag != nil }

    var swiftType: String { isOptional ? "\(type.swiftType)?" : type.swiftType }
}

/// A struct to emit: the message itself or one of its nested types.
struct StructDef {
    let name: String
    let fields: [Field]
    /// The versions in which this struct can appear; conditions inside it are simplified against it.
    var versions: VersionRange
}

struct MessageDef {
    enum Kind { case request, response, data }

    let name: String
    let kind: Kind
    let apiKey: Int?
    let validVersions: VersionRange
    let flexibleVersions: VersionRange
    let root: StructDef
    /// Nested structs, flattened, in order of first appearance.
    let nested: [StructDef]
}

enum ModelBuilder {
    static func build(_ raw: RawMessage) throws -> MessageDef {
        let kind: MessageDef.Kind
        switch raw.kind {
        case "request": kind = .request
        case "response": kind = .response
        case "data": kind = .data
        default: throw SchemaError("\(raw.name): unsupported message type '\(raw.kind)'")
        }
        var nested: [StructDef] = []
        var nestedIndex: [String: Int] = [:]
        let common = Dictionary(raw.commonStructs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        // Walks the fields depth-first, registering every struct type with the versions it is used in.
        func resolve(_ fields: [RawField], context: VersionRange, owner: String) throws -> [Field] {
            try fields.map { rawField in
                let field = try makeField(rawField, owner: owner)
                guard let structName = field.type.structName else { return field }
                let usage = field.versions.intersection(context)
                let structFields: [RawField]
                if let inline = rawField.fields {
                    structFields = inline
                } else if let shared = common[structName] {
                    structFields = shared.fields
                } else {
                    throw SchemaError("\(raw.name): struct type \(structName) has no definition")
                }
                if let index = nestedIndex[structName] {
                    // Used again (a common struct): widen its version context, keep one definition.
                    nested[index].versions = nested[index].versions.hull(usage)
                } else {
                    nestedIndex[structName] = nested.count
                    nested.append(StructDef(name: structName, fields: [], versions: usage))
                    let resolved = try resolve(structFields, context: usage, owner: structName)
                    let index = nestedIndex[structName]!
                    nested[index] = StructDef(name: structName, fields: resolved, versions: nested[index].versions)
                }
                return field
            }
        }

        let rootFields = try resolve(raw.fields, context: raw.validVersions, owner: raw.name)
        return MessageDef(
            name: raw.name, kind: kind, apiKey: raw.apiKey,
            validVersions: raw.validVersions, flexibleVersions: raw.flexibleVersions,
            root: StructDef(name: raw.name, fields: rootFields, versions: raw.validVersions),
            nested: nested)
    }

    static func makeField(_ raw: RawField, owner: String) throws -> Field {
        let type = try FieldType(parsing: raw.type)
        if raw.tag != nil || !raw.taggedVersions.isEmpty {
            // Fields tagged in only some of their versions are legal in Kafka but unused by
            // these schemas; refusing them keeps the emitted encoders simple.
            guard raw.tag != nil, raw.taggedVersions == raw.versions else {
                throw SchemaError("\(owner).\(raw.name): taggedVersions must equal versions")
            }
        }
        if case .structure = type, !raw.nullableVersions.isEmpty {
            throw SchemaError("\(owner).\(raw.name): nullable struct fields are not supported")
        }
        return Field(
            schemaName: raw.name,
            swiftName: Naming.propertyName(raw.name),
            type: type,
            versions: raw.versions,
            nullableVersions: raw.nullableVersions,
            taggedVersions: raw.taggedVersions,
            tag: raw.tag,
            defaultValue: raw.defaultValue,
            ignorable: raw.ignorable,
            flexibleOverride: raw.flexibleVersions)
    }
}
