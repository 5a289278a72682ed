import KafkaFast
import NIOCore

/// The consumer protocol's embedded payloads (SyncGroup assignments, JoinGroup subscriptions):
/// any bytes decode or throw; what decodes encodes and decodes to the same partitions.
enum ConsumerProtocolTargets {
    static let all = [
        FuzzTarget(name: "consumer-assignment") { bytes in
            guard let assignment = try? ConsumerProtocol.decodeAssignment(ByteBuffer(bytes: bytes)) else { return }
            for (topic, partitions) in assignment.partitions {
                require(!topic.isEmpty && partitions.allSatisfy { $0 >= 0 }, "an assignment with a negative partition or nameless topic")
            }
            guard let again = try? ConsumerProtocol.decodeAssignment(ConsumerProtocol.encode(assignment)) else {
                fatalError("fuzz invariant broken: an encoded assignment does not decode")
            }
            require(again.sortedPairs.map { "\($0.topic)/\($0.partition)" } == assignment.sortedPairs.map { "\($0.topic)/\($0.partition)" },
                    "an assignment changed in a round trip")
            require(again.userData == assignment.userData, "an assignment's user data changed in a round trip")
        },
        FuzzTarget(name: "consumer-subscription") { bytes in
            guard let subscription = try? ConsumerProtocol.decodeSubscription(ByteBuffer(bytes: bytes)) else { return }
            guard let again = try? ConsumerProtocol.decodeSubscription(ConsumerProtocol.encode(subscription)) else {
                fatalError("fuzz invariant broken: an encoded subscription does not decode")
            }
            require(again.topics == subscription.topics && again.userData == subscription.userData,
                    "a subscription changed in a round trip")
        },
    ]
}
