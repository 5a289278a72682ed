/// The lines of an opened group: a summary, its members with what they were assigned, and per
/// partition the committed offset, end offset, lag and how long catching up takes at the current
/// pace. Built by the renderer and by the reducer (which needs the count to scroll).
public enum GroupDetailContent {
    static func partitionHeader(nameWidth: Int) -> String {
        "  " + Format.fit("Topic[partition]", nameWidth) + Format.fit("Committed", 12, right: true)
            + Format.fit("End", 12, right: true) + Format.fit("Lag", 10, right: true) + "  Catch-up"
    }

    public static func lines(_ state: GroupDetailState, nowMillis: Int64) -> [StyledLine] {
        guard let detail = state.detail else { return [StyledLine("loading group \(state.group)...", .dim)] }
        let lags = detail.partitions.compactMap(\.lag)
        var summary = "state \(detail.state), protocol \(detail.protocolName.isEmpty ? "-" : detail.protocolName), "
            + "\(detail.members.count) member\(detail.members.count == 1 ? "" : "s"), total lag "
            + (lags.isEmpty ? "-" : Format.grouped(lags.reduce(0, +)))
        if let updated = state.updatedAtMillis { summary += ", updated \(Format.age(millis: nowMillis - updated)) ago" }
        var lines = [StyledLine(summary, .accent), StyledLine(""), StyledLine("Members", .columnHeader)]
        if detail.members.isEmpty {
            lines.append(StyledLine("  none: the group is empty", .dim))
        } else {
            lines.append(StyledLine("  " + Format.fit("Member id", 30) + Format.fit("Client id", 22) + Format.fit("Host", 20)
                                    + "Assigned", .columnHeader))
            for member in detail.members {
                // Brokers that leave fields empty (Tansu sends neither client id nor host) get a dash.
                func shown(_ text: String) -> String { text.isEmpty ? "-" : text }
                let assigned = member.assignment.isEmpty ? "(the broker gives no assignment)" : describe(member.assignment)
                lines.append(StyledLine([
                    .init("  " + Format.fit(shown(member.memberId), 30) + Format.fit(shown(member.clientId), 22)
                          + Format.fit(shown(member.host), 20)),
                    .init(assigned, member.assignment.isEmpty ? .dim : .overlay),
                ]))
            }
        }
        lines += [StyledLine(""), StyledLine("Partitions", .columnHeader)]
        guard !detail.partitions.isEmpty else {
            lines.append(StyledLine("  no committed offsets and no assignment", .dim))
            return lines
        }
        // As wide as the longest name needs, within reason.
        let nameWidth = min(56, max(20, detail.partitions.map { DisplayWidth.of($0.topic) + 8 }.max() ?? 0))
        lines.append(StyledLine(partitionHeader(nameWidth: nameWidth), .columnHeader))
        for partition in detail.partitions {
            let lag = partition.lag
            lines.append(StyledLine([
                .init("  " + Format.fit("\(partition.topic)[\(partition.partition)]", nameWidth)
                      + Format.fit(partition.committed.map { Format.grouped($0) } ?? "none", 12, right: true)
                      + Format.fit(Format.grouped(partition.end), 12, right: true)),
                .init(Format.fit(lag.map { Format.grouped($0) } ?? "-", 10, right: true), (lag ?? 0) > 0 ? .warning : .overlay),
                .init("  " + catchUpText(state.catchUp(partition)), [.falling, .stalled].contains(state.catchUp(partition)) ? .error : .overlay),
            ]))
        }
        return lines
    }

    static func catchUpText(_ catchUp: GroupDetailState.CatchUp) -> String {
        switch catchUp {
        case .caughtUp: return "caught up"
        case .seconds(let seconds): return Format.duration(seconds: seconds)
        case .falling: return "falling behind"
        case .stalled: return "not consuming"
        case .unknown: return "-"
        }
    }

    /// "orders[0,1,2] payments[0]".
    static func describe(_ assignment: [TopicPartition]) -> String {
        var byTopic: [String: [Int32]] = [:]
        for entry in assignment { byTopic[entry.topic, default: []].append(entry.partition) }
        return byTopic.keys.sorted().map { topic in
            topic + "[" + byTopic[topic]!.sorted().map(String.init).joined(separator: ",") + "]"
        }.joined(separator: " ")
    }
}
