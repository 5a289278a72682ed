import KafkaProtocol

/// One group with everything an overview shows: its description (state, protocol, members and their
/// assignments) and its committed offsets.
public struct GroupOverview: Sendable, Equatable {
    /// The group's id.
    public var groupId: String
    /// Nil when the group could not be described; `problem` says why.
    public var description: GroupDescription?
    /// Committed offsets by topic and partition (partitions without a commit are absent).
    public var committed: [String: [Int32: Int64]]
    /// Why part of the group's data is missing (the coordinator is loading, the request failed).
    public var problem: String?
}

extension KafkaClient {
    /// Every group on the cluster with its description and committed offsets: ListGroups to every
    /// broker, then one DescribeGroups per coordinator and an OffsetFetch per group (at most
    /// `concurrency` at once). A group whose own requests fail is still listed, with the reason.
    public func groupOverviews(concurrency: Int = 4) async throws(KafkaError) -> [GroupOverview] {
        let listings = try await listGroups()
        var byCoordinator: [BrokerAddress: (coordinator: GroupCoordinatorAddress, groups: [String])] = [:]
        var unplaced: [String] = []
        for listing in listings {
            guard let coordinator = listing.coordinator else {
                unplaced.append(listing.groupId)
                continue
            }
            byCoordinator[coordinator.address, default: (coordinator, [])].groups.append(listing.groupId)
        }
        var descriptions: [String: Result<GroupDescription, KafkaError>] = [:]
        for (_, entry) in byCoordinator {
            do throws(KafkaError) {
                for (group, result) in try await describeGroups(entry.groups, at: entry.coordinator) { descriptions[group] = result }
            } catch {
                for group in entry.groups { descriptions[group] = .failure(error) }
            }
        }
        for group in unplaced {
            do throws(KafkaError) {
                descriptions[group] = .success(try await describeGroup(group))
            } catch {
                descriptions[group] = .failure(error)
            }
        }
        let committed = await committedOffsets(of: listings.map(\.groupId), concurrency: concurrency)
        return listings.map { listing in
            let description = descriptions[listing.groupId]
            var problem: String?
            if case .failure(let error) = description { problem = error.description }
            if case .failure(let error) = committed[listing.groupId] { problem = problem ?? error.description }
            let offsets = (try? committed[listing.groupId]?.get()) ?? [:]
            return GroupOverview(
                groupId: listing.groupId, description: try? description?.get(), committed: offsets, problem: problem)
        }
    }

    /// Committed offsets of several groups, `concurrency` OffsetFetch requests at a time.
    private func committedOffsets(
        of groups: [String], concurrency: Int
    ) async -> [String: Result<[String: [Int32: Int64]], KafkaError>] {
        await withTaskGroup(of: (String, Result<[String: [Int32: Int64]], KafkaError>).self) { tasks in
            var results: [String: Result<[String: [Int32: Int64]], KafkaError>] = [:]
            var running = 0
            for group in groups {
                if running >= max(1, concurrency), let (done, result) = await tasks.next() {
                    results[done] = result
                    running -= 1
                }
                tasks.addTask {
                    do {
                        return (group, .success(try await self.committedOffsets(group: group, partitions: nil)))
                    } catch {
                        return (group, .failure(error as? KafkaError ?? .noBrokerAvailable("\(error)")))
                    }
                }
                running += 1
            }
            for await (done, result) in tasks { results[done] = result }
            return results
        }
    }
}
