import NIOCore

extension ByteBuffer {
    /// Bytes of the slice NIO can start anywhere without copying: its slices keep their start in
    /// 24 bits, so `getSlice` copies any slice that starts 16 MiB or more into its storage.
    @usableFromInline
    static let sliceStartLimit = (1 << 24) - 1

    /// The bytes at `index..<index + length` as a buffer that shares this one's storage, never a
    /// copy: a slice (reader index 0) where NIO can make one without copying, otherwise this
    /// buffer with its reader and writer indices moved onto those bytes. Nil when they are not
    /// all readable, as with `getSlice`.
    ///
    /// Record data is read this way, so a response of hundreds of megabytes (noida answers a
    /// partition's whole backlog in one frame) is decoded without copying what lies past its
    /// first 16 MiB. Readers of the result must go by `readerIndex`, as NIO's API does anyway.
    @inlinable
    public func view(at index: Int, length: Int) -> ByteBuffer? {
        if slicesWithoutCopy(upTo: index) { return getSlice(at: index, length: length) }
        guard index >= readerIndex, length >= 0, index <= writerIndex - length else { return nil }
        var view = self
        view.moveWriterIndex(to: index + length)
        view.moveReaderIndex(to: index)
        return view
    }

    /// Whether NIO can slice anything that starts at or before `index` without copying it.
    @inlinable
    func slicesWithoutCopy(upTo index: Int) -> Bool {
        // `storageCapacity - capacity` bounds where this buffer's own slice starts in its storage.
        storageCapacity - capacity + index <= Self.sliceStartLimit
    }

    /// Reads `length` bytes as a `view(at:length:)`; nil (nothing read) when fewer are readable.
    @inlinable
    public mutating func readView(length: Int) -> ByteBuffer? {
        guard let view = view(at: readerIndex, length: length) else { return nil }
        moveReaderIndex(forwardBy: length)
        return view
    }
}
