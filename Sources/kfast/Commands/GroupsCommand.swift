import ArgumentParser
import KafkaFast

/// `kfast groups`: the groups listing (the default) and `reset-offsets`.
struct GroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "List consumer groups, show one, or reset a group's offsets.",
        subcommands: [GroupsListCommand.self, GroupsResetOffsetsCommand.self],
        defaultSubcommand: GroupsListCommand.self)
}

struct GroupsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List consumer groups, or show one group's state, members and their partitions (the default).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Describe this group instead of listing all.")
    var group: String?

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let client = try connection.client()
        defer { client.close() }
        guard let group else {
            let groups = try await client.listGroups()
            Output.line(json ? Self.json(groups).rendered : Self.text(groups))
            return
        }
        let description = try await client.describeGroup(group)
        guard try await client.groupExists(description) else { throw KafkaError.unknownGroup(group) }
        Output.line(json ? Self.json(description).rendered : Self.text(description))
    }

    static func json(_ groups: [GroupListing]) -> JSON {
        .object([("groups", .array(groups.map {
            .object([("group", .string($0.groupId)), ("protocol_type", .string($0.protocolType)), ("state", .string($0.state))])
        }))])
    }

    static func text(_ groups: [GroupListing]) -> String {
        guard !groups.isEmpty else { return "No consumer groups." }
        var table = TextTable(headers: ["GROUP", "PROTOCOL TYPE", "STATE"])
        for group in groups { table.add([group.groupId, group.protocolType, group.state]) }
        return "\(groups.count) group\(groups.count == 1 ? "" : "s")\n" + table.rendered
    }

    static func json(_ group: GroupDescription) -> JSON {
        .object([
            ("group", .string(group.groupId)), ("state", .string(group.state)),
            ("protocol_type", .string(group.protocolType)), ("protocol", .string(group.protocolName)),
            ("coordinator", .object([
                ("id", .int(Int64(group.coordinator.nodeId))), ("host", .string(group.coordinator.address.host)),
                ("port", .int(Int64(group.coordinator.address.port))),
            ])),
            ("members", .array(group.members.map { member in
                .object([
                    ("member_id", .string(member.memberId)),
                    ("group_instance_id", member.groupInstanceId.map(JSON.string) ?? .null),
                    ("client_id", .string(member.clientId)), ("host", .string(member.clientHost)),
                    ("assignment", .array(member.assignment.keys.sorted().map { topic in
                        .object([("topic", .string(topic)), ("partitions", .array(member.assignment[topic]!.sorted().map { .int(Int64($0)) }))])
                    })),
                ])
            })),
        ])
    }

    static func text(_ group: GroupDescription) -> String {
        var lines = [
            "Group \(group.groupId): state \(group.state), protocol \(group.protocolName.isEmpty ? "-" : group.protocolName)"
                + " (type \(group.protocolType.isEmpty ? "-" : group.protocolType)), coordinator \(group.coordinator.nodeId)"
                + " at \(group.coordinator.address), \(group.members.count) member\(group.members.count == 1 ? "" : "s")",
        ]
        if !group.members.isEmpty {
            var table = TextTable(headers: ["MEMBER", "CLIENT ID", "HOST", "PARTITIONS"])
            for member in group.members {
                let partitions = member.assignment.keys.sorted().map { topic in
                    "\(topic):" + member.assignment[topic]!.sorted().map(String.init).joined(separator: ",")
                }.joined(separator: " ")
                table.add([member.memberId, member.clientId, member.clientHost, partitions.isEmpty ? "-" : partitions])
            }
            lines.append(table.rendered)
        }
        return lines.joined(separator: "\n")
    }
}
