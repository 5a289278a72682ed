/// A fixed-capacity FIFO that overwrites its oldest element when full. Index 0 is the oldest.
///
/// Elements also carry an absolute sequence number (how many were ever appended before them), so a
/// cursor kept as a sequence number stays on the same element while older ones are overwritten.
public struct RingBuffer<Element>: RandomAccessCollection {
    public let capacity: Int
    private var storage: [Element] = []
    private var head = 0
    public private(set) var totalAppended = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "a ring needs room for at least one element")
        self.capacity = capacity
        storage.reserveCapacity(Swift.min(capacity, 1024))
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    public subscript(position: Int) -> Element {
        storage[(head + position) % storage.count]
    }

    public mutating func append(_ element: Element) {
        totalAppended += 1
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[head] = element
            head = (head + 1) % capacity
        }
    }

    public mutating func append(contentsOf elements: some Sequence<Element>) {
        for element in elements { append(element) }
    }

    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        head = 0
    }

    /// Sequence number of the oldest element still held.
    public var firstSequence: Int { totalAppended - storage.count }

    /// Position of the element with this sequence number, if it is still held.
    public func position(ofSequence sequence: Int) -> Int? {
        let position = sequence - firstSequence
        return position >= 0 && position < storage.count ? position : nil
    }
}

extension RingBuffer: Sendable where Element: Sendable {}
